import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, test } from 'vitest';
import { bin, ensureCliBuilt } from './cli-bin';

const s4 = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

beforeAll(ensureCliBuilt, 600_000);

describe('s4 models', () => {
  test('--json lists every model with params, computed constraints and recipe', () => {
    const result = s4('models', '--json');
    expect(result.status).toBe(0);
    const models = JSON.parse(result.stdout) as Array<{
      name: string;
      params: number;
      constraints: Array<{ id: string; passed: boolean }>;
      recipe: { epochs: number; batchSize: number };
    }>;
    expect(models.map((m) => [m.name, m.params])).toEqual([
      ['s4', 7738],
      ['seed-arch1', 17502],
      ['seed-arch2', 9626],
      ['s4-fast', 18938],
    ]);
    const s4Model = models[0];
    expect(s4Model?.constraints.every((c) => c.passed)).toBe(true);
    expect(s4Model?.recipe).toMatchObject({ epochs: 15, batchSize: 128 });
    expect(models[1]?.constraints.find((c) => c.id === 'one-fc')?.passed).toBe(false);
    const fast = models.find((m) => m.name === 's4-fast');
    expect(fast?.constraints.every((c) => c.passed)).toBe(true);
    expect(fast?.recipe).toMatchObject({ epochs: 4, batchSize: 96 });
  });

  test('the text listing shows the checklist with marks', () => {
    const { stdout, status } = s4('models');
    expect(status).toBe(0);
    expect(stdout).toContain('✓ uses Global Average Pooling (1 GAP layer)');
    expect(stdout).toContain('✗ exactly one fully connected layer (2 Linear layers)');
  });
});

describe('s4 summary', () => {
  test("prints seed-arch1's torchsummary table", () => {
    const { stdout, status } = s4('summary', '--model', 'seed-arch1');
    expect(status).toBe(0);
    expect(stdout).toContain('            Conv2d-1           [-1, 32, 26, 26]             320');
    expect(stdout).toContain('Total params: 17,502');
    expect(stdout).toContain('Forward/backward pass size (MB): 0.44');
    expect(stdout).toContain('Estimated Total Size (MB): 0.51');
  });

  test('an unknown model exits with code 2', () => {
    const result = s4('summary', '--model', 'resnet50');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      'error: unknown model "resnet50": expected one of s4, seed-arch1, seed-arch2',
    );
  });
});
