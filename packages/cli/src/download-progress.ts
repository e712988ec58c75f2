import type { DownloadProgress } from '@s4/mnist-data';
import { SingleBar } from 'cli-progress';
import { formatInterval, tqdmBar } from './progress-bar';

/** Bytes in MB from one megabyte, else in kB, like tqdm's unit_scale. */
const unitFor = (bytes: number) =>
  bytes >= 1e6 ? { size: 1e6, name: 'MB' } : { size: 1e3, name: 'kB' };
const scaled = (bytes: number) => {
  const unit = unitFor(bytes);
  return `${(bytes / unit.size).toFixed(1)}${unit.name}`;
};

/**
 * One tqdm-style line for a download:
 * `t10k-images-idx3-ubyte.gz:  45%|████▌     | 0.7/1.6MB [00:01<00:01, 1.2MB/s]`.
 */
export function formatDownloadLine(
  file: string,
  receivedBytes: number,
  totalBytes: number | undefined,
  elapsedSeconds: number,
  width = 10,
): string {
  const rate = elapsedSeconds > 0 ? receivedBytes / elapsedSeconds : undefined;
  const speed = rate === undefined ? '?B/s' : `${scaled(rate)}/s`;
  if (totalBytes === undefined || totalBytes <= 0) {
    return `${file}: ${scaled(receivedBytes)} [${formatInterval(elapsedSeconds)}, ${speed}]`;
  }
  const { bar, percent } = tqdmBar(Math.min(1, receivedBytes / totalBytes), width);
  const left =
    rate === undefined || rate === 0 ? '?' : formatInterval((totalBytes - receivedBytes) / rate);
  const unit = unitFor(totalBytes);
  const sizes = `${(receivedBytes / unit.size).toFixed(1)}/${(totalBytes / unit.size).toFixed(1)}${unit.name}`;
  return `${file}: ${percent}|${bar}| ${sizes} [${formatInterval(elapsedSeconds)}<${left}, ${speed}]`;
}

/**
 * Shows `onProgress` reports of @s4/mnist-data as one bar per file. On a terminal cli-progress
 * redraws the bar in place; in a pipe or a log only each file's final line is written.
 */
export class DownloadProgressBar {
  readonly #stream: NodeJS.WriteStream;
  #bar: SingleBar | undefined;
  #current: DownloadProgress | undefined;
  #started = 0;
  #lastReport = 0;

  constructor(stream: NodeJS.WriteStream = process.stderr) {
    this.#stream = stream;
  }

  /** Pass as `onProgress`. */
  readonly update = (progress: DownloadProgress): void => {
    if (progress.url !== this.#current?.url) {
      this.finish();
      this.#started = performance.now();
      // Set before the bar starts: starting draws a first line from them.
      this.#current = progress;
      this.#lastReport = this.#started;
      if (this.#stream.isTTY) {
        this.#bar = new SingleBar({
          stream: this.#stream,
          format: () => this.#line(),
          hideCursor: true,
          fps: 10,
        });
        this.#bar.start(progress.totalBytes ?? 0, 0);
      }
    }
    this.#current = progress;
    this.#lastReport = performance.now();
    this.#bar?.update(progress.receivedBytes);
  };

  /** Ends the current file's line, if any. */
  finish(): void {
    if (this.#current === undefined) return;
    if (this.#bar) {
      this.#bar.update(this.#current.receivedBytes);
      this.#bar.stop();
    } else {
      this.#stream.write(`${this.#line()}\n`);
    }
    this.#bar = undefined;
    this.#current = undefined;
  }

  #line(): string {
    const p = this.#current!;
    // Up to the last report, so that checking the file afterwards does not count as download.
    const elapsed = (this.#lastReport - this.#started) / 1000;
    return formatDownloadLine(p.file, p.receivedBytes, p.totalBytes, elapsed);
  }
}
