import { computed, reactive, ref } from 'vue';
import type { FinishedTraining, TrainingEpoch, TrainSettings } from './finished-training';
import { mnistSubsetUrl, mnistUrl, wasmUrl } from './site-urls';
import type { TrainMessage, TrainRequest } from './train-protocol';

/** One point of the live loss/accuracy chart. */
export interface TrainingPoint {
  step: number;
  metric: 'loss' | 'accuracy';
  series: string;
  value: number;
}

/** The chart's two series: every batch of the training set, the test set after each epoch. */
export const TRAINING_SERIES = ['train (per batch)', 'test (per epoch)'] as const;

/** Where a session sends the chart points (the TrainingRun component's chart). */
export interface TrainingChartSink {
  add(points: TrainingPoint[]): void;
  /** Empties the chart; resolves once a chart still being created is gone too. */
  clear(): Promise<void>;
}

export type TrainingState =
  | 'idle'
  | 'starting'
  | 'training'
  | 'paused'
  | 'done'
  | 'stopped'
  | 'error';

/**
 * One training run in the training Web Worker at a time, as the train demo and the design page
 * show it: state, progress, last batch, every loss, the epochs, and the chart points. Reactive,
 * so a template reads `session.state` directly.
 */
export function createTrainingSession(
  options: { onFinished?: (run: FinishedTraining) => void } = {},
) {
  const state = ref<TrainingState>('idle');
  const status = ref('');
  const error = ref('');
  const progress = reactive({ step: 0, totalSteps: 0, epoch: 0, epochs: 0, batch: 0, batches: 0 });
  const last = reactive({ loss: Number.NaN, accuracy: Number.NaN, imagesPerSec: 0, lr: 0 });
  const firstLoss = ref(Number.NaN);
  // Every batch loss of the run (the pages expose them on an element for the end-to-end tests).
  const losses = ref<number[]>([]);
  const epochs = ref<TrainingEpoch[]>([]);
  const info = ref('');
  const model = ref('');
  const parameters = ref(0);
  const running = computed(() => ['starting', 'training', 'paused'].includes(state.value));
  const percent = computed(() =>
    progress.totalSteps === 0 ? 0 : (100 * progress.step) / progress.totalSteps,
  );
  let worker: Worker | undefined;
  let chart: TrainingChartSink | undefined;
  let settingsOfRun: TrainSettings | undefined;
  // The wall clock of the run: from `ready`, less the time spent paused.
  let readyAt = 0;
  let pausedAt: number | undefined;
  let pausedSeconds = 0;
  const elapsedSeconds = () =>
    (performance.now() - readyAt) / 1000 -
    pausedSeconds -
    (pausedAt === undefined ? 0 : (performance.now() - pausedAt) / 1000);

  function onMessage(message: TrainMessage): void {
    switch (message.type) {
      case 'status':
        status.value = message.text;
        break;
      case 'ready':
        state.value = 'training';
        readyAt = performance.now();
        model.value = message.model;
        parameters.value = message.parameters;
        progress.totalSteps = message.totalSteps;
        info.value = `${message.model}: ${message.parameters.toLocaleString('en')} parameters · ${message.backend}${message.simd ? ' SIMD' : ''}${message.threads ? ' · cross-origin isolated' : ''} · ${message.workers === 1 ? '1 worker' : `${message.workers} gradient workers`}`;
        status.value = 'Training…';
        break;
      case 'batch': {
        Object.assign(progress, {
          step: message.step,
          epoch: message.epoch,
          epochs: message.epochs,
          batch: message.batch,
          batches: message.batches,
        });
        Object.assign(last, {
          loss: message.loss,
          accuracy: message.accuracy,
          imagesPerSec: message.imagesPerSec,
          lr: message.lr,
        });
        if (Number.isNaN(firstLoss.value)) firstLoss.value = message.loss;
        losses.value.push(message.loss);
        chart?.add([
          { step: message.step, metric: 'loss', series: TRAINING_SERIES[0], value: message.loss },
          {
            step: message.step,
            metric: 'accuracy',
            series: TRAINING_SERIES[0],
            value: message.accuracy,
          },
        ]);
        break;
      }
      case 'epoch':
        epochs.value = [...epochs.value, { ...message, elapsedSeconds: elapsedSeconds() }];
        if (message.testLoss !== undefined && message.testAccuracy !== undefined) {
          chart?.add([
            {
              step: progress.step,
              metric: 'loss',
              series: TRAINING_SERIES[1],
              value: message.testLoss,
            },
            {
              step: progress.step,
              metric: 'accuracy',
              series: TRAINING_SERIES[1],
              value: message.testAccuracy,
            },
          ]);
        }
        break;
      case 'paused':
        state.value = 'paused';
        pausedAt ??= performance.now();
        status.value = 'Paused between two batches.';
        break;
      case 'resumed':
        if (pausedAt !== undefined) pausedSeconds += (performance.now() - pausedAt) / 1000;
        pausedAt = undefined;
        if (state.value === 'paused') state.value = 'training';
        status.value = 'Training…';
        break;
      case 'done':
        state.value = message.status === 'completed' ? 'done' : 'stopped';
        status.value =
          message.status === 'completed'
            ? `Done: ${message.steps} steps.`
            : `Stopped after ${message.steps} steps.`;
        worker?.terminate();
        worker = undefined;
        if (settingsOfRun !== undefined) {
          options.onFinished?.({
            settings: settingsOfRun,
            model: model.value,
            parameters: parameters.value,
            status: message.status,
            epochs: epochs.value,
          });
        }
        break;
      case 'error':
        state.value = 'error';
        error.value = message.message;
        worker?.terminate();
        worker = undefined;
        break;
    }
  }

  /** Starts a run (ending any previous one) with `settings`. */
  async function start(settings: TrainSettings): Promise<void> {
    worker?.terminate();
    state.value = 'starting';
    settingsOfRun = { ...settings };
    pausedAt = undefined;
    pausedSeconds = 0;
    model.value = '';
    parameters.value = 0;
    error.value = '';
    epochs.value = [];
    firstLoss.value = Number.NaN;
    losses.value = [];
    Object.assign(progress, {
      step: 0,
      totalSteps: 0,
      epoch: 0,
      epochs: settings.epochs,
      batch: 0,
      batches: 0,
    });
    await chart?.clear();
    worker = new Worker(new URL('./train-worker.ts', import.meta.url), {
      type: 'module',
      name: 's4-train',
    });
    worker.addEventListener('message', (event: MessageEvent<TrainMessage>) =>
      onMessage(event.data),
    );
    worker.addEventListener('error', (event) => {
      state.value = 'error';
      error.value = `The training worker failed: ${event.message}`;
    });
    const request: TrainRequest = {
      type: 'start',
      ...settings,
      wasmUrl: wasmUrl(),
      mnistUrl: mnistUrl(),
      mnistSubsetUrl: mnistSubsetUrl(),
    };
    worker.postMessage(request);
  }

  return reactive({
    state,
    status,
    error,
    progress,
    last,
    firstLoss,
    losses,
    epochs,
    info,
    running,
    percent,
    start,
    /** Pauses between two batches, or resumes a paused run. */
    pause(): void {
      worker?.postMessage({ type: state.value === 'paused' ? 'resume' : 'pause' });
    },
    stop(): void {
      worker?.postMessage({ type: 'stop' });
    },
    /** Ends the run with the page (the worker would otherwise keep training). */
    dispose(): void {
      worker?.terminate();
      worker = undefined;
    },
    attachChart(sink: TrainingChartSink | undefined): void {
      chart = sink;
    },
  });
}

export type TrainingSession = ReturnType<typeof createTrainingSession>;
