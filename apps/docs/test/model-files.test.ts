import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeArchitecture, LAYER_FIELDS, parseModelFile } from '@s4/models';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../scripts/paths';

// The model-file page is the reference for a learner's JSON: it must keep up with the validator.
const page = readFileSync(join(repoRoot, 'apps', 'docs', 'guide', 'model-files.md'), 'utf8');
const schema = JSON.parse(
  readFileSync(join(repoRoot, 'packages', 'models', 'model-file.schema.json'), 'utf8'),
);

/** The rows of the page's "Fields of each layer type" table: types (comma-separated) and field. */
const fieldRows = page
  .split('\n')
  .map((line) => /^\| ((?:`[a-z0-9]+`(?:, )?)+) \| `([A-Za-z]+)` \|/.exec(line))
  .filter((match): match is RegExpExecArray => match !== null)
  .map((match) => ({
    types: match[1]!.split(', ').map((t) => t.replaceAll('`', '')),
    field: match[2]!,
  }));

describe('guide/model-files.md', () => {
  it('documents every field of every layer type, and no field that does not exist', () => {
    const documented = new Set(
      fieldRows.flatMap(({ types, field }) => types.map((t) => `${t}.${field}`)),
    );
    const actual = new Set(
      Object.entries(LAYER_FIELDS).flatMap(([type, fields]) => fields.map((f) => `${type}.${f}`)),
    );
    expect([...documented].sort()).toEqual([...actual].sort());
    for (const type of Object.keys(LAYER_FIELDS)) {
      expect(page, type).toContain(`| \`${type}\` | \`nn.`);
    }
  });

  it('documents every top-level field and recipe field of the schema', () => {
    for (const field of Object.keys(schema.properties)) expect(page).toContain(`| \`${field}\` |`);
    for (const field of Object.keys(schema.$defs.recipe.properties)) {
      expect(page).toContain(`| \`${field}\` |`);
    }
  });

  it('its example is a valid model file, and the s4 check excerpt is what it computes', () => {
    const example = /```json\n([\s\S]*?)\n```/.exec(page)?.[1] as string;
    const model = parseModelFile(example, 'my-net.json');
    expect(model.name).toBe('my-net');
    const layers = analyzeArchitecture(model.architecture);
    const total = layers.reduce((sum, layer) => sum + layer.params, 0);
    expect(page).toContain(`(${total.toLocaleString('en-US')} parameters, receptive field 28 px)`);
    const conv8 = layers.find((layer) => layer.summaryName === 'Conv2d-8');
    expect(conv8).toMatchObject({
      outputShape: [16, 10, 10],
      params: 2304,
      receptiveField: 10,
      jump: 2,
    });
    expect(page).toContain(
      '            Conv2d-8           [-1, 16, 10, 10]           2,304     10      2        230,400',
    );
  });
});
