import { tf } from './backend';
import { CoreError } from './errors';
import type { Module } from './nn/module';
import { Sequential } from './nn/sequential';

/** One row of the table: a layer the forward pass went through. */
export interface SummaryRow {
  /** `Conv2d-1`: type and 1-based position in the order the layers finished. */
  name: string;
  /** PyTorch's order: `[batchSize, C, H, W]` (`-1` for the batch unless given). */
  outputShape: number[];
  /** The layer's own `weight` and `bias` scalars, as torchsummary counts them. */
  params: number;
  /** Whether the layer's weight is trainable (undefined without a weight). */
  trainable: boolean | undefined;
}

export interface ModelSummary {
  rows: SummaryRow[];
  totalParams: number;
  trainableParams: number;
  nonTrainableParams: number;
  inputSizeMB: number;
  forwardBackwardPassSizeMB: number;
  paramsSizeMB: number;
  estimatedTotalSizeMB: number;
  /** The table exactly as torchsummary prints it (ending with a newline). */
  text: string;
}

export interface SummaryOptions {
  /** The batch size shown in output shapes and used for sizes; -1 (torchsummary's default). */
  batchSize?: number;
  /** Also print the table (with `console.log`, or the function given). */
  print?: boolean | ((text: string) => void);
}

const RULE = '----------------------------------------------------------------';
const DOUBLE_RULE = '================================================================';
const MB = 1024 ** 2;

/**
 * The torchsummary table of `model` for one input of PyTorch-ordered size `inputSize`
 * (`[1, 28, 28]` = C, H, W), reproducing torchsummary 1.5.1 exactly: a forward pass on a batch
 * of 2 with a hook on every module except the root, `Sequential` containers and layers marked
 * `functional` (torchsummary cannot see function calls like `F.relu`); rows in the order layers
 * finish; params = the layer's own `weight` + `bias`; sizes from float32 element counts, the
 * forward/backward size being 2 × the sum of all row outputs. The model runs in eval mode so
 * no running statistic or RNG state changes; each module's mode is restored afterwards.
 */
export function summary(
  model: Module,
  inputSize: readonly number[],
  options: SummaryOptions = {},
): ModelSummary {
  const batchSize = options.batchSize ?? -1;
  if (inputSize.length === 0 || !inputSize.every((d) => Number.isInteger(d) && d > 0)) {
    throw new CoreError(
      'BAD_ARGUMENT',
      `summary: inputSize must be positive integers in PyTorch order like [1, 28, 28], got ${JSON.stringify(inputSize)}`,
    );
  }
  const rows: SummaryRow[] = [];
  const removers: Array<() => void> = [];
  const modes = model.namedModules().map(([, m]) => [m, m.training] as const);
  for (const [, module] of model.namedModules()) {
    if (module === model || module instanceof Sequential || module.functional) continue;
    removers.push(
      module.registerForwardHook((m, _input, output) => {
        const own = new Map(m.namedParameters().filter(([name]) => !name.includes('.')));
        const weight = own.get('weight');
        const bias = own.get('bias');
        rows.push({
          name: `${m.typeName}-${rows.length + 1}`,
          outputShape: [batchSize, ...torchOrder(output.shape).slice(1)],
          params: (weight?.size ?? 0) + (bias?.size ?? 0),
          trainable: weight?.trainable,
        });
      }),
    );
  }
  try {
    model.eval();
    // NHWC input: PyTorch's [C, H, W] becomes [2, H, W, C]; a batch of 2, like torchsummary.
    const [first, ...rest] = inputSize as [number, ...number[]];
    const shape = inputSize.length === 1 ? [2, first] : [2, ...rest, first];
    tf.tidy(() => {
      model.call(tf.zeros(shape));
    });
  } finally {
    for (const remove of removers) remove();
    for (const [m, training] of modes) m.training = training;
  }

  let totalParams = 0;
  let totalOutput = 0;
  let trainableParams = 0;
  const lines = [RULE, formatRow('Layer (type)', 'Output Shape', 'Param #'), DOUBLE_RULE];
  for (const row of rows) {
    lines.push(formatRow(row.name, `[${row.outputShape.join(', ')}]`, thousands(row.params)));
    totalParams += row.params;
    totalOutput += row.outputShape.reduce((a, b) => a * b, 1);
    if (row.trainable === true) trainableParams += row.params;
  }
  const inputSizeMB = Math.abs((inputSize.reduce((a, b) => a * b, 1) * batchSize * 4) / MB);
  const forwardBackwardPassSizeMB = Math.abs((2 * totalOutput * 4) / MB);
  const paramsSizeMB = Math.abs((totalParams * 4) / MB);
  const estimatedTotalSizeMB = paramsSizeMB + forwardBackwardPassSizeMB + inputSizeMB;
  lines.push(
    DOUBLE_RULE,
    `Total params: ${thousands(totalParams)}`,
    `Trainable params: ${thousands(trainableParams)}`,
    `Non-trainable params: ${thousands(totalParams - trainableParams)}`,
    RULE,
    `Input size (MB): ${fixed2(inputSizeMB)}`,
    `Forward/backward pass size (MB): ${fixed2(forwardBackwardPassSizeMB)}`,
    `Params size (MB): ${fixed2(paramsSizeMB)}`,
    `Estimated Total Size (MB): ${fixed2(estimatedTotalSizeMB)}`,
    RULE,
  );
  const text = `${lines.join('\n')}\n`;
  if (options.print) (typeof options.print === 'function' ? options.print : console.log)(text);
  return {
    rows,
    totalParams,
    trainableParams,
    nonTrainableParams: totalParams - trainableParams,
    inputSizeMB,
    forwardBackwardPassSizeMB,
    paramsSizeMB,
    estimatedTotalSizeMB,
    text,
  };
}

/** NHWC-style shape (channels last) to PyTorch's channels-first order. */
function torchOrder(shape: readonly number[]): number[] {
  if (shape.length < 3) return [...shape];
  return [shape[0] as number, shape[shape.length - 1] as number, ...shape.slice(1, -1)];
}

/** Python's `"{:>20}  {:>25} {:>15}".format(…)`: right-aligned, never truncated. */
function formatRow(layer: string, shape: string, params: string): string {
  return `${layer.padStart(20)}  ${shape.padStart(25)} ${params.padStart(15)}`;
}

/** Python's `"{0:,}".format(n)` for integers. */
function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * Python's `"%0.2f" % x`: correctly rounded like `toFixed`, except that exact ties go to the
 * even neighbour (sizes here are multiples of 2⁻¹⁸, so ties like 0.125 do happen).
 */
function fixed2(x: number): string {
  const scaled = x * 100;
  const floor = Math.floor(scaled);
  if (scaled - floor === 0.5 && Number.isSafeInteger(floor)) {
    const even = floor % 2 === 0 ? floor : floor + 1;
    return (even / 100).toFixed(2);
  }
  return x.toFixed(2);
}
