import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** The ONNX operator set the exporter writes, and the IR version that goes with it (ONNX 1.8). */
export const ONNX_OPSET = 13;
export const ONNX_IR_VERSION = 7;

export type AttributeValue = number | readonly number[] | string;

/**
 * Collects the nodes and initializers of one ONNX graph and encodes the model with onnx-proto
 * (protobufjs code generated from ONNX's own `onnx.proto`). Attribute values that are numbers
 * are written as INT/INTS unless their name is in `FLOAT_ATTRIBUTES`.
 */
export class OnnxGraph {
  readonly #nodes: InstanceType<typeof onnx.NodeProto>[] = [];
  readonly #initializers: InstanceType<typeof onnx.TensorProto>[] = [];
  readonly #names = new Set<string>();

  /** A float32 constant; `values` are in row-major order for `dims`. */
  constant(name: string, dims: readonly number[], values: Float32Array): string {
    this.#claim(name);
    const bytes = new Uint8Array(values.length * 4);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i] as number, true);
    this.#initializers.push(
      onnx.TensorProto.create({
        name,
        dims: [...dims],
        dataType: onnx.TensorProto.DataType.FLOAT,
        rawData: bytes,
      }),
    );
    return name;
  }

  /** Adds one node and returns the name of its (single) output. */
  node(
    opType: string,
    inputs: readonly string[],
    output: string,
    attributes: Record<string, AttributeValue> = {},
  ): string {
    this.#claim(output);
    this.#nodes.push(
      onnx.NodeProto.create({
        name: output,
        opType,
        input: [...inputs],
        output: [output],
        attribute: Object.entries(attributes).map(([name, value]) => attribute(name, value)),
      }),
    );
    return output;
  }

  encode(model: {
    graphName: string;
    input: { name: string; shape: ReadonlyArray<number | string> };
    output: { name: string; shape: ReadonlyArray<number | string> };
    producerVersion?: string | undefined;
    docString: string;
    metadata: Record<string, string>;
  }): Uint8Array {
    const proto = onnx.ModelProto.create({
      irVersion: ONNX_IR_VERSION,
      opsetImport: [{ domain: '', version: ONNX_OPSET }],
      producerName: 's4',
      producerVersion: model.producerVersion ?? '',
      docString: model.docString,
      metadataProps: Object.entries(model.metadata).map(([key, value]) => ({ key, value })),
      graph: {
        name: model.graphName,
        node: this.#nodes,
        initializer: this.#initializers,
        input: [valueInfo(model.input.name, model.input.shape)],
        output: [valueInfo(model.output.name, model.output.shape)],
      },
    });
    return onnx.ModelProto.encode(proto).finish();
  }

  #claim(name: string): void {
    if (this.#names.has(name)) throw new Error(`OnnxGraph: the name "${name}" is taken`);
    this.#names.add(name);
  }
}

const FLOAT_ATTRIBUTES = new Set(['epsilon', 'momentum', 'alpha', 'beta']);

function attribute(name: string, value: AttributeValue) {
  const { AttributeType } = onnx.AttributeProto;
  if (typeof value === 'string') {
    return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  }
  if (typeof value === 'number') {
    return FLOAT_ATTRIBUTES.has(name)
      ? { name, type: AttributeType.FLOAT, f: value }
      : { name, type: AttributeType.INT, i: value };
  }
  return { name, type: AttributeType.INTS, ints: [...value] };
}

function valueInfo(name: string, shape: ReadonlyArray<number | string>) {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: {
          dim: shape.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })),
        },
      },
    },
  };
}
