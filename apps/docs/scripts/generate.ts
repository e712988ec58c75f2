/**
 * Produces everything the site generates instead of committing by hand, before `vitepress
 * build`: the CLI reference (from the CLI's own command tree), the API reference (TypeDoc over
 * each package's sources), the benchmarks and changelog pages, and the static files the demos
 * fetch at run time (tfjs wasm binaries, MNIST), so no third-party host is needed.
 *
 * Run: `pnpm --filter @s4/docs generate` (the `build` and `dev` scripts run it first).
 */
import { performance } from 'node:perf_hooks';
import { docsRoot } from './paths';
import { writeApiReference } from './steps/api-reference';
import { writeBenchmarksPage, writeSpeedrunSnippet } from './steps/benchmarks';
import { writeChangelogPage } from './steps/changelog';
import { writeCliReference } from './steps/cli-reference';
import { copyMnistFiles } from './steps/mnist-files';
import { writeMnistSubset } from './steps/mnist-subset';
import { copyShippedWeights } from './steps/shipped-weights';
import { copyWasmBinaries } from './steps/wasm-binaries';

const steps: Array<[string, () => Promise<string>]> = [
  ['wasm binaries', copyWasmBinaries],
  ['MNIST files', copyMnistFiles],
  ['MNIST subset', writeMnistSubset],
  ['shipped weights', copyShippedWeights],
  ['CLI reference', writeCliReference],
  ['API reference', writeApiReference],
  ['benchmarks', writeBenchmarksPage],
  ['speedrun table', writeSpeedrunSnippet],
  ['changelog', writeChangelogPage],
];

console.log(`generating into ${docsRoot}`);
for (const [name, step] of steps) {
  const started = performance.now();
  const summary = await step();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`  ✓ ${name.padEnd(16)} ${seconds.padStart(5)} s  ${summary}`);
}
