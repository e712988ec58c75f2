import type { FinishedTraining } from './finished-training';

/**
 * The runs trained on the design page during one visit, compared as `s4 compare` compares run
 * folders: model, parameters, final and best test accuracy, epochs, wall time — plus the
 * settings each was trained with, since a comparison is only fair on the same ones.
 */

/** What a run was trained on and with: the page's settings that change its result or its time. */
export interface RunSettings {
  trainCount: number;
  testCount: number;
  /** Epochs asked for (a stopped run has fewer). */
  epochs: number;
  batchSize: number;
  workers: number;
}

/** One epoch of a run, in the units of `s4 train`'s metrics.jsonl (accuracies in percent). */
export interface RunEpoch {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number;
  testAccuracy: number;
  /** Wall time since the run was ready to train (evaluation included, pauses not), seconds. */
  elapsedSeconds: number;
}

export interface SessionRun {
  /** 1, 2, … in the order the runs ended (never reused within the visit). */
  id: number;
  /** The model's name, with ` v2`, ` v3`, … for an edited network under a name already used. */
  label: string;
  /** A zoo model's name or the model file's `name`. */
  model: string;
  /** Tells edited networks apart: `zoo:<name>`, or the file's architecture and recipe as JSON. */
  identity: string;
  params: number;
  settings: RunSettings;
  /** False when the run was stopped before its last epoch. */
  completed: boolean;
  epochs: RunEpoch[];
  /** Test accuracy (%) after the last epoch. */
  finalAccuracy: number;
  bestAccuracy: number;
  bestEpoch: number;
  wallSeconds: number;
}

const SETTING_NAMES: Record<keyof RunSettings, string> = {
  trainCount: 'train images',
  testCount: 'test images',
  epochs: 'epochs',
  batchSize: 'batch size',
  workers: 'workers',
};

/** `zoo:<name>` for a zoo model, else the parts of the model file that training depends on. */
function identityOf(model: FinishedTraining['settings']['model']): string {
  if (typeof model === 'string') return `zoo:${model}`;
  return JSON.stringify({ architecture: model.architecture, recipe: model.recipe ?? null });
}

/**
 * The finished training as a run of the list, or undefined when it has no evaluated epoch (a
 * run stopped during its first epoch has nothing to compare). `earlier` runs give the label:
 * a network edited since a run of the same name gets the next version number.
 */
export function sessionRun(
  finished: FinishedTraining,
  id: number,
  earlier: readonly SessionRun[],
): SessionRun | undefined {
  const epochs: RunEpoch[] = [];
  for (const epoch of finished.epochs) {
    if (epoch.testLoss === undefined || epoch.testAccuracy === undefined) continue;
    epochs.push({
      epoch: epoch.epoch,
      trainLoss: epoch.trainLoss,
      trainAccuracy: percent(epoch.trainAccuracy),
      testLoss: epoch.testLoss,
      testAccuracy: percent(epoch.testAccuracy),
      elapsedSeconds: epoch.elapsedSeconds,
    });
  }
  const last = epochs.at(-1);
  if (last === undefined) return undefined;
  const best = epochs.reduce((a, b) => (b.testAccuracy > a.testAccuracy ? b : a));
  const { trainCount, testCount, epochs: planned, batchSize, workers } = finished.settings;
  const identity = identityOf(finished.settings.model);
  return {
    id,
    label: labelFor(finished.model, identity, earlier),
    model: finished.model,
    identity,
    params: finished.parameters,
    settings: { trainCount, testCount, epochs: planned, batchSize, workers },
    completed: finished.status === 'completed' && last.epoch === planned,
    epochs,
    finalAccuracy: last.testAccuracy,
    bestAccuracy: best.testAccuracy,
    bestEpoch: best.epoch,
    wallSeconds: last.elapsedSeconds,
  };
}

/** Fractions as percentages without the ×100 float noise (`0.9812` → `98.12`, not `98.1200…01`). */
const percent = (fraction: number) => Math.round(fraction * 1e6) / 1e4;

function labelFor(model: string, identity: string, earlier: readonly SessionRun[]): string {
  const same = earlier.find((run) => run.model === model && run.identity === identity);
  if (same !== undefined) return same.label;
  const versions = new Set(earlier.filter((run) => run.model === model).map((run) => run.label));
  return versions.size === 0 ? model : `${model} v${versions.size + 1}`;
}

/** The run with the best final test accuracy (the first of equals), as `s4 compare` picks it. */
export function bestRun(runs: readonly SessionRun[]): SessionRun | undefined {
  return runs.length === 0
    ? undefined
    : runs.reduce((a, b) => (b.finalAccuracy > a.finalAccuracy ? b : a));
}

const sameSettings = (a: RunSettings, b: RunSettings) =>
  (Object.keys(SETTING_NAMES) as Array<keyof RunSettings>).every((key) => a[key] === b[key]);

/**
 * The settings most runs share (the earliest of equally common ones): the yardstick the other
 * runs are flagged against.
 */
export function commonSettings(runs: readonly SessionRun[]): RunSettings | undefined {
  let common: RunSettings | undefined;
  let most = 0;
  for (const run of runs) {
    const count = runs.filter((other) => sameSettings(other.settings, run.settings)).length;
    if (count > most) {
      most = count;
      common = run.settings;
    }
  }
  return common;
}

/**
 * Why a run does not compare like for like with the others: each setting that differs from the
 * common ones (`batch size 64, not 128`), and a stop before the last epoch. Empty when
 * the comparison is fair.
 */
export function comparisonFlags(run: SessionRun, runs: readonly SessionRun[]): string[] {
  const common = commonSettings(runs);
  const flags: string[] = [];
  if (common !== undefined && runs.length > 1) {
    for (const key of Object.keys(SETTING_NAMES) as Array<keyof RunSettings>) {
      if (run.settings[key] !== common[key]) {
        flags.push(
          `${SETTING_NAMES[key]} ${thousands(run.settings[key])}, not ${thousands(common[key])}`,
        );
      }
    }
  }
  if (!run.completed) {
    flags.push(`stopped after ${run.epochs.at(-1)?.epoch ?? 0} of ${run.settings.epochs} epochs`);
  }
  return flags;
}

/**
 * The settings for a run of the zoo's `zooModel` to compare with: those of the latest run of
 * another network (the learner's), undefined until there is one.
 */
export function settingsToMatch(
  runs: readonly SessionRun[],
  zooModel: string,
): RunSettings | undefined {
  return runs.findLast((run) => run.identity !== identityOf(zooModel))?.settings;
}

export const thousands = (n: number) => n.toLocaleString('en-US');

/** Wall time as `s4 compare` shows it: `42.3 s`, `2 min 5 s`. */
export const wallTime = (seconds: number) =>
  seconds >= 60
    ? `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`
    : `${seconds.toFixed(1)} s`;
