import { describe, expect, it } from 'vitest';
import { formatInterval, formatTqdmLine } from '../src/progress-bar';

describe('tqdm-like progress line', () => {
  it('matches the line tqdm prints at the end of an epoch', () => {
    expect(
      formatTqdmLine({
        description: 'loss=0.0423 batch_id=468 acc=98.12',
        done: 469,
        total: 469,
        elapsedSeconds: 469 / 31.35,
      }),
    ).toBe('loss=0.0423 batch_id=468 acc=98.12: 100%|██████████| 469/469 [00:14<00:00, 31.35it/s]');
  });

  it('draws partial blocks, the remaining time and slow rates in s/it', () => {
    expect(formatTqdmLine({ description: 'x', done: 1, total: 7, elapsedSeconds: 2 })).toBe(
      'x:  14%|█▍        | 1/7 [00:02<00:12, 2.00s/it]',
    );
    expect(formatTqdmLine({ description: '', done: 0, total: 469, elapsedSeconds: 0 })).toBe(
      '  0%|          | 0/469 [00:00<?, ?it/s]',
    );
  });

  it('formats intervals like tqdm', () => {
    expect(formatInterval(59.9)).toBe('00:59');
    expect(formatInterval(3725)).toBe('1:02:05');
  });
});

describe('resumed epochs', () => {
  it('times only the batches done in this session, like tqdm initial=', () => {
    expect(
      formatTqdmLine({ description: '', done: 300, total: 469, elapsedSeconds: 50, initial: 200 }),
    ).toBe(' 64%|██████▍   | 300/469 [00:50<01:24, 2.00it/s]');
  });
});
