import { type Options, type Params, SingleBar } from 'cli-progress';

export interface TqdmLineOptions {
  /** Text before the colon, e.g. `loss=0.0423 batch_id=468 acc=98.12`. */
  description: string;
  done: number;
  total: number;
  elapsedSeconds: number;
  /** Iterations already done when timing started (a resumed epoch), like tqdm's `initial`. */
  initial?: number;
  /** Bar width in characters (tqdm picks 10 for narrow terminals). */
  width?: number;
}

const PARTIAL_BLOCKS = ' ▏▎▍▌▋▊▉';

/** `mm:ss`, or `h:mm:ss` from one hour, truncated like tqdm's `format_interval`. */
export function formatInterval(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mmss = `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
  return h > 0 ? `${h}:${mmss}` : mmss;
}

/**
 * tqdm's bar for `fraction` (0–1) in `width` cells, eighth-block partial cell included, and its
 * percentage (`' 45%'`): shared by the epoch and download bars.
 */
export function tqdmBar(fraction: number, width: number): { bar: string; percent: string } {
  const eighths = Math.floor(fraction * width * 8);
  const full = Math.floor(eighths / 8);
  const partial = eighths % 8;
  const bar = (
    '█'.repeat(full) + (full < width && partial > 0 ? PARTIAL_BLOCKS[partial] : '')
  ).padEnd(width, ' ');
  return { bar, percent: `${String(Math.round(fraction * 100)).padStart(3, ' ')}%` };
}

/**
 * One tqdm line: `desc: 100%|██████████| 469/469 [00:14<00:00, 31.35it/s]`, with tqdm's
 * eighth-block partial cells and `s/it` below one iteration a second. cli-progress draws and
 * throttles the line; this function only decides what it says, so it is testable exactly.
 */
export function formatTqdmLine(options: TqdmLineOptions): string {
  const { done, total, elapsedSeconds } = options;
  const width = options.width ?? 10;
  const fraction = total > 0 ? Math.min(1, done / total) : 0;
  const { bar, percent } = tqdmBar(fraction, width);
  const timed = done - (options.initial ?? 0);
  const rate = elapsedSeconds > 0 && timed > 0 ? timed / elapsedSeconds : undefined;
  const remaining = rate === undefined ? '?' : formatInterval((total - done) / rate);
  const rateText =
    rate === undefined
      ? '?it/s'
      : rate >= 1
        ? `${rate.toFixed(2)}it/s`
        : `${(1 / rate).toFixed(2)}s/it`;
  const prefix = options.description ? `${options.description}: ` : '';
  return `${prefix}${percent}|${bar}| ${done}/${total} [${formatInterval(elapsedSeconds)}<${remaining}, ${rateText}]`;
}

/**
 * A tqdm-like bar for one epoch. On a terminal cli-progress redraws it in place; elsewhere (a
 * pipe, a log file) a line is written every `logIntervalSeconds` and at the end, so a log of a
 * long run shows progress without thousands of redraws.
 */
export class EpochProgressBar {
  readonly #stream: NodeJS.WriteStream;
  readonly #bar: SingleBar | undefined;
  #description = '';
  #done = 0;
  #total = 0;
  #started = 0;
  #initial = 0;
  #lastLogged = 0;
  readonly #logIntervalMs: number;

  constructor(stream: NodeJS.WriteStream = process.stdout, logIntervalSeconds = 60) {
    this.#stream = stream;
    this.#logIntervalMs = logIntervalSeconds * 1000;
    if (stream.isTTY) {
      const options: Options = {
        stream,
        format: (
          _options: Options,
          params: Params,
          payload: { description?: string; initial?: number },
        ) =>
          formatTqdmLine({
            description: payload.description ?? '',
            done: params.value,
            total: params.total,
            elapsedSeconds: (Date.now() - params.startTime) / 1000,
            initial: payload.initial ?? 0,
          }),
        hideCursor: true,
        clearOnComplete: false,
        stopOnComplete: false,
        fps: 10,
      };
      this.#bar = new SingleBar(options);
    }
  }

  /** Starts an epoch's bar; `initial` batches were done before (a resumed epoch). */
  start(total: number, description = '', initial = 0): void {
    this.#total = total;
    this.#done = initial;
    this.#initial = initial;
    this.#description = description;
    this.#started = performance.now();
    this.#lastLogged = this.#started;
    this.#bar?.start(total, initial, { description, initial });
  }

  update(done: number, description: string): void {
    this.#done = done;
    this.#description = description;
    if (this.#bar) {
      this.#bar.update(done, { description, initial: this.#initial });
    } else if (performance.now() - this.#lastLogged >= this.#logIntervalMs && done < this.#total) {
      this.#lastLogged = performance.now();
      this.#stream.write(`${this.#line()}\n`);
    }
  }

  #line(): string {
    return formatTqdmLine({
      description: this.#description,
      done: this.#done,
      total: this.#total,
      elapsedSeconds: (performance.now() - this.#started) / 1000,
      initial: this.#initial,
    });
  }

  /** Draws the final state and ends the line; returns that line (for the run's log). */
  stop(): string {
    const line = this.#line();
    if (this.#bar) {
      this.#bar.update(this.#done, { description: this.#description, initial: this.#initial });
      this.#bar.stop();
    } else {
      this.#stream.write(`${line}\n`);
    }
    return line;
  }
}
