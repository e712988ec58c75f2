import { s4, toModelFile } from '@s4/models';
import { describe, expect, it } from 'vitest';
import type { FinishedTraining, TrainingEpoch, TrainSettings } from '../src/finished-training';
import {
  bestRun,
  comparisonFlags,
  type SessionRun,
  sessionRun,
  settingsToMatch,
  wallTime,
} from '../src/session-runs';

const SETTINGS = { trainCount: 1280, testCount: 1000, epochs: 2, batchSize: 128, workers: 1 };

const epoch = (n: number, testAccuracy: number | undefined, elapsedSeconds = 10 * n) =>
  ({
    type: 'epoch',
    epoch: n,
    trainLoss: 1 / n,
    trainAccuracy: 0.5,
    ...(testAccuracy === undefined ? {} : { testLoss: 0.5 / n, testAccuracy }),
    seconds: 9,
    trainSeconds: 8,
    trainImagesPerSec: 160,
    lr: 0.01,
    elapsedSeconds,
  }) satisfies TrainingEpoch;

/** The learner's network: s4's file with the first convolution's kernel set to `kernel`. */
function designed(name: string, kernel: number) {
  const file = structuredClone(
    toModelFile({ name, description: '', architecture: s4.architecture, recipe: s4.recipe }),
  );
  (file.architecture[0] as { kernelSize?: number }).kernelSize = kernel;
  return file;
}

function finished(
  overrides: Omit<Partial<FinishedTraining>, 'settings'> & { settings?: Partial<TrainSettings> },
): FinishedTraining {
  return {
    model: 'my-s4',
    parameters: 7000,
    status: 'completed',
    epochs: [epoch(1, 0.9), epoch(2, 0.95)],
    ...overrides,
    settings: { model: designed('my-s4', 3), ...SETTINGS, ...overrides.settings },
  };
}

/** Runs ended in order, each labelled against the earlier ones as the page does. */
function runsOf(...all: FinishedTraining[]): SessionRun[] {
  const runs: SessionRun[] = [];
  for (const [k, run] of all.entries()) {
    const made = sessionRun(run, k + 1, runs);
    if (made !== undefined) runs.push(made);
  }
  return runs;
}

describe('the runs of the design page', () => {
  it("keeps s4 compare's numbers: accuracies in percent, best epoch, wall time to the last epoch", () => {
    const run = sessionRun(
      finished({ epochs: [epoch(1, 0.9812, 11.5), epoch(2, 0.9701, 23.25)] }),
      1,
      [],
    );
    expect(run).toMatchObject({
      id: 1,
      label: 'my-s4',
      params: 7000,
      finalAccuracy: 97.01,
      bestAccuracy: 98.12,
      bestEpoch: 1,
      wallSeconds: 23.25,
      completed: true,
      settings: SETTINGS,
    });
    expect(run?.epochs.map((e) => e.testAccuracy)).toEqual([98.12, 97.01]);
    expect(wallTime(23.25)).toBe('23.3 s');
    expect(wallTime(125)).toBe('2 min 5 s');
  });

  it('leaves out a run stopped before any epoch was evaluated, and flags one stopped early', () => {
    expect(sessionRun(finished({ status: 'aborted', epochs: [] }), 1, [])).toBeUndefined();
    expect(sessionRun(finished({ epochs: [epoch(1, undefined)] }), 1, [])).toBeUndefined();
    const stopped = sessionRun(finished({ status: 'aborted', epochs: [epoch(1, 0.9)] }), 1, []);
    expect(stopped?.completed).toBe(false);
    expect(comparisonFlags(stopped!, [stopped!])).toEqual(['stopped after 1 of 2 epochs']);
  });

  it('numbers an edited network under a name already used, and reuses the label of an unchanged one', () => {
    const runs = runsOf(
      finished({}),
      finished({ settings: { model: designed('my-s4', 5) } }),
      finished({}),
      finished({ model: 's4', settings: { model: 's4' } }),
      finished({ settings: { model: designed('my-s4', 7) } }),
    );
    expect(runs.map((r) => r.label)).toEqual(['my-s4', 'my-s4 v2', 'my-s4', 's4', 'my-s4 v3']);
  });

  it('flags every setting that differs from the most common ones, and nothing when all match', () => {
    const runs = runsOf(
      finished({}),
      finished({ model: 's4', settings: { model: 's4' } }),
      finished({ settings: { batchSize: 64, workers: 2 } }),
    );
    expect(runs.map((run) => comparisonFlags(run, runs))).toEqual([
      [],
      [],
      ['batch size 64, not 128', 'workers 2, not 1'],
    ]);
    expect(comparisonFlags(runs[0]!, runs.slice(0, 2))).toEqual([]);
    const slices = runsOf(finished({}), finished({ settings: { trainCount: 6000 } }));
    expect(comparisonFlags(slices[1]!, slices)).toEqual(['train images 6,000, not 1,280']);
  });

  it("picks the best final accuracy (the first of equals) and matches s4 to the learner's latest run", () => {
    const runs = runsOf(
      finished({ epochs: [epoch(1, 0.99), epoch(2, 0.94)] }),
      finished({ settings: { model: designed('mine', 5), epochs: 3 } }),
      finished({ model: 's4', settings: { model: 's4', epochs: 1 }, epochs: [epoch(1, 0.95)] }),
    );
    // Run 1 peaked higher, but `s4 compare` ranks by the final accuracy: 95%, run 2 before 3.
    expect(bestRun(runs)?.id).toBe(2);
    expect(bestRun([])).toBeUndefined();
    expect(settingsToMatch(runs, 's4')).toEqual({ ...SETTINGS, epochs: 3 });
    expect(settingsToMatch(runs.slice(2), 's4')).toBeUndefined();
  });
});
