// `pnpm s4 …` builds the CLI and the packages below it first: quietly when the build succeeds,
// with turbo's full output (the compiler's errors) when it fails.
import { spawnSync } from 'node:child_process';

const build = spawnSync(
  'pnpm',
  ['exec', 'turbo', 'run', 'build', '--filter=@s4/cli...', '--output-logs=errors-only'],
  { encoding: 'utf8', env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' } },
);
if (build.status !== 0) {
  process.stderr.write(`${build.stdout ?? ''}${build.stderr ?? ''}`);
  process.stderr.write(`pnpm s4: building the CLI failed (exit ${build.status}); see above\n`);
  process.exit(build.status ?? 1);
}
