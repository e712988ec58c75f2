import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { CoreError, toArchitecture, VERSION } from '@s4/core';
import { writeFileAtomic } from '@s4/runtime/node';
import type { Command } from 'commander';
import { oneOf } from '../cli-options';
import { UsageError } from '../errors';
import { loadInferenceModel, modelChoiceOptions } from '../inference-model';

interface ExportOptions {
  model?: string;
  checkpoint?: string;
  format: 'onnx';
  out: string;
  input: 'pixels' | 'normalized';
}

async function exportModel(options: ExportOptions): Promise<void> {
  const out = resolve(options.out);
  const existing = await stat(out).catch(() => undefined);
  if (existing?.isDirectory()) {
    throw new UsageError(`--out: expected a file name, found a folder at ${out}`);
  }
  await checkCreatable(out);
  const { exportOnnx, ONNX_OPSET, OnnxExportError } = await loadExporter();
  // Exporting only reads the weights: tfjs's plain CPU backend loads them without wasm.
  const loaded = await loadInferenceModel({ ...options, backend: 'cpu' });
  let bytes: Uint8Array;
  try {
    bytes = exportOnnx(
      {
        architecture: toArchitecture(loaded.model),
        weights: loaded.model.stateDict(),
        normalization: loaded.normalization,
        inputShape: loaded.inputShape,
      },
      { input: options.input, graphName: loaded.name, producerVersion: VERSION },
    );
  } catch (error) {
    if (error instanceof OnnxExportError || error instanceof CoreError) {
      throw new UsageError(`cannot export ${loaded.name} to ONNX: ${error.message}`);
    }
    throw error;
  } finally {
    loaded.model.dispose();
  }
  try {
    await writeFileAtomic(out, bytes);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(`--out: cannot write ${out} (${code})`);
  }
  const [h, w, c] = loaded.inputShape;
  const input =
    options.input === 'pixels' ? 'pixel values 0–255, normalised inside' : 'normalised pixels';
  console.log(
    `wrote ${out} (ONNX opset ${ONNX_OPSET}, ${(bytes.length / 1024).toFixed(1)} KiB): ${loaded.name}, input "input" float32 [N, ${c}, ${h}, ${w}] (${input})`,
  );
}

/**
 * The ONNX exporter, loaded only by this command: its protobuf encoder (onnx-proto, which brings
 * protobufjs) is an optional peer dependency, installed by those who export.
 */
async function loadExporter(): Promise<typeof import('@s4/core/onnx')> {
  try {
    return await import('@s4/core/onnx');
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    if (code === 'ERR_MODULE_NOT_FOUND' && message.includes("'onnx-proto'")) {
      throw new UsageError(
        's4 export needs the onnx-proto package beside @s4/cli: run "npm install onnx-proto"',
      );
    }
    throw error;
  }
}

/** Fails early (before loading anything) when a part of `file`'s folder path is a file. */
async function checkCreatable(file: string): Promise<void> {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const found = await stat(dir).catch(() => undefined);
    if (found && !found.isDirectory()) {
      throw new UsageError(`--out: cannot write ${file}: ${dir} is a file, not a folder`);
    }
    if (found || dir === dirname(dir)) return;
  }
}

export function register(program: Command): void {
  const [model, checkpoint] = modelChoiceOptions();
  program
    .command('export')
    .description('write a model (shipped weights or a checkpoint) as a standard ONNX file')
    .addOption(model)
    .addOption(checkpoint)
    .requiredOption('--format <format>', 'output format: onnx', oneOf(['onnx'] as const))
    .requiredOption('-o, --out <file>', 'the file to write, e.g. model.onnx')
    .option(
      '--input <kind>',
      'what the ONNX input holds: pixels (0–255, normalisation inside the graph) or normalized',
      oneOf(['pixels', 'normalized'] as const),
      'pixels',
    )
    .action(exportModel);
}
