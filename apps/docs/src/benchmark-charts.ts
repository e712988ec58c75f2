/** One chart's data: images/s per model and runtime. */
export interface TrainingSpeedData {
  title: string;
  runtimes: string[];
  models: Array<{ model: string; imagesPerSecond: number[] }>;
}

/** A model's row of bench/results/speed.json (written by `pnpm bench`), the fields charted. */
export interface BenchSpeedRow {
  model: string;
  s4One: number;
  s4Many: number;
  /** PyTorch's fastest variant (memory format × threads); null when no torch was found. */
  torch: number | null;
}

/** bench/results/speed.json, as `pnpm bench` writes it. */
export interface BenchSpeed {
  measured: string;
  machine: { cores: number };
  rounds: number;
  batchSize: number;
  models: BenchSpeedRow[];
}

/**
 * The chart's data from `pnpm bench`'s speed.json: S4 with 1 and N workers next to PyTorch at its
 * fastest (JSON writes the NaN of a run without torch as null: then S4 only).
 */
export function speedDataFromBench(bench: BenchSpeed): TrainingSpeedData {
  const cores = bench.machine.cores;
  const withTorch = bench.models.some((row) => typeof row.torch === 'number');
  const runtimes = ['S4, 1 worker', `S4, ${cores} workers`];
  if (withTorch) runtimes.push('PyTorch, fastest variant');
  return {
    title: `Training images/s, S4 vs PyTorch at its fastest (batch ${bench.batchSize}, median of ${bench.rounds} rounds)`,
    runtimes,
    models: bench.models.map((row) => ({
      model: row.model,
      imagesPerSecond: [row.s4One, row.s4Many, ...(withTorch ? [row.torch ?? 0] : [])].map((v) =>
        Math.round(v),
      ),
    })),
  };
}

export const RUNTIME_COLORS = ['#0f766e', '#14b8a6', '#f97316'];

/**
 * Vega-Lite: training images/s as horizontal bars grouped by model, one bar per runtime, the value
 * written at the end of each bar. The x axis starts at zero so bar lengths compare honestly, and
 * horizontal bars keep every label readable on a phone.
 */
export function trainingSpeedSpec(data: TrainingSpeedData) {
  const values = data.models.flatMap(({ model, imagesPerSecond }) =>
    data.runtimes.map((runtime, k) => ({ model, runtime, imagesPerSecond: imagesPerSecond[k] })),
  );
  // Room right of the longest bar for its label.
  const max = Math.max(...values.map((v) => v.imagesPerSecond ?? 0));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: data.title,
    width: 'container',
    // Fit the page's width.
    autosize: { type: 'fit-x', contains: 'padding' },
    data: { values },
    encoding: {
      y: {
        field: 'model',
        type: 'nominal',
        title: null,
        sort: null,
        axis: { labelFontWeight: 600 },
      },
      yOffset: { field: 'runtime', type: 'nominal', sort: data.runtimes },
      x: {
        field: 'imagesPerSecond',
        type: 'quantitative',
        title: 'images/s (more is faster)',
        scale: { zero: true, domainMax: max * 1.15, nice: true },
        axis: { format: ',d', tickCount: 5 },
      },
    },
    // 22 px a bar, as a number: a step height with width 'container' makes Vega-Lite warn.
    height: values.length * 22,
    layer: [
      {
        mark: { type: 'bar', cornerRadiusEnd: 3 },
        encoding: {
          color: {
            field: 'runtime',
            type: 'nominal',
            title: null,
            sort: data.runtimes,
            scale: { domain: data.runtimes, range: RUNTIME_COLORS },
            legend: { orient: 'top', direction: 'horizontal' },
          },
          tooltip: [
            { field: 'model', type: 'nominal' },
            { field: 'runtime', type: 'nominal' },
            { field: 'imagesPerSecond', type: 'quantitative', format: ',d', title: 'images/s' },
          ],
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 11 },
        encoding: { text: { field: 'imagesPerSecond', type: 'quantitative', format: ',d' } },
      },
    ],
  };
}
