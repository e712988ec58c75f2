import { readFile, stat } from 'node:fs/promises';
import { predict } from '@s4/core';
import { BlankImageError, preprocessDigit } from '@s4/models';
import type { Command } from 'commander';
import { PNG } from 'pngjs';
import { oneOf } from '../cli-options';
import { UsageError } from '../errors';
import { loadInferenceModel, modelChoiceOptions } from '../inference-model';

interface PredictOptions {
  model?: string;
  checkpoint?: string;
  json?: boolean;
  backend: 'wasm' | 'cpu';
}

/**
 * The largest PNG side accepted: a digit needs nothing near it, and the decoded RGBA image
 * (4 bytes a pixel) stays under 64 MiB, whatever size a file's header claims.
 */
const MAX_PNG_SIDE = 4096;
/** Larger files are not digit images; refused before reading. */
const MAX_PNG_FILE_BYTES = 32 * 2 ** 20;

/** Reads a PNG (any size, gray or colour, with or without alpha) into MNIST's 28×28 form. */
async function readDigit(file: string): Promise<Uint8Array> {
  let bytes: Buffer;
  try {
    const info = await stat(file);
    if (info.isFile() && info.size > MAX_PNG_FILE_BYTES) {
      throw new UsageError(
        `${file}: expected a PNG digit of at most ${MAX_PNG_FILE_BYTES} bytes, found ${info.size} bytes`,
      );
    }
    bytes = await readFile(file);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(
      `${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  // The size from the IHDR chunk (bytes 16-23), checked before pngjs allocates the image.
  if (bytes.length >= 24 && bytes.toString('latin1', 12, 16) === 'IHDR') {
    const width = bytes.readUInt32BE(16);
    const height = bytes.readUInt32BE(20);
    if (width > MAX_PNG_SIDE || height > MAX_PNG_SIDE) {
      throw new UsageError(
        `${file}: expected a PNG of at most ${MAX_PNG_SIDE}×${MAX_PNG_SIDE} pixels (a digit needs far less), found ${width}×${height} declared in its header`,
      );
    }
  }
  let png: PNG;
  try {
    png = PNG.sync.read(bytes);
  } catch (error) {
    throw new UsageError(
      `${file}: expected a PNG image, found ${bytes.length} bytes that are not one (${(error as Error).message})`,
    );
  }
  try {
    // pngjs always decodes to 8-bit RGBA, whatever the file's colour type.
    return preprocessDigit({ width: png.width, height: png.height, channels: 4, data: png.data });
  } catch (error) {
    if (error instanceof BlankImageError) throw new UsageError(`${file}: ${error.message}`);
    throw error;
  }
}

export function register(program: Command): void {
  const [model, checkpoint] = modelChoiceOptions();
  program
    .command('predict')
    .description('read handwritten digits from PNG files (centred like MNIST first)')
    .argument('<files...>', 'PNG images of single digits')
    .addOption(model)
    .addOption(checkpoint)
    .option('--json', 'print one JSON object per file')
    .option('--backend <name>', 'wasm or cpu', oneOf(['wasm', 'cpu'] as const), 'wasm')
    .action(async (files: string[], options: PredictOptions) => {
      const digits = await Promise.all(files.map(readDigit));
      const loaded = await loadInferenceModel(options);
      try {
        const predictions = await predict(loaded.model, digits, {
          normalization: loaded.normalization,
        });
        predictions.forEach(({ probabilities }, i) => {
          const top = Array.from(probabilities, (p, digit) => ({ digit, probability: p }))
            .sort((a, b) => b.probability - a.probability)
            .slice(0, 3);
          const best = top[0] as { digit: number; probability: number };
          if (options.json) {
            process.stdout.write(
              `${JSON.stringify({ file: files[i], digit: best.digit, top3: top })}\n`,
            );
          } else {
            const list = top
              .map((t) => `${t.digit} ${(100 * t.probability).toFixed(1)}%`)
              .join(', ');
            process.stdout.write(`${files[i]}: ${best.digit}  (${list})\n`);
          }
        });
      } finally {
        loaded.model.dispose();
      }
    });
}
