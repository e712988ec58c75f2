import { initBackend, type LayerSpec, summary } from '@s4/core';
import { ArchitectureError, createModel, paramCount, ZOO } from '@s4/models';
import { beforeAll, describe, expect, it } from 'vitest';
import { architectureBlocks } from '../src/architecture-blocks';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('architectureBlocks', () => {
  it.each(ZOO.map((model) => [model.name, model] as const))(
    '%s: every block has the output shape the built network produces, and all its parameters',
    (_, zooModel) => {
      const blocks = architectureBlocks(zooModel.architecture);
      const net = createModel(zooModel);
      const rows = summary(net, [1, 28, 28]).rows;
      net.dispose();
      // The summary lists every non-functional layer; a block ends with its last layer.
      const byLayer = new Map(
        zooModel.architecture
          .filter((layer) => !('functional' in layer && layer.functional))
          .map((layer, k) => [layer.name, rows[k]!.outputShape.slice(1)]),
      );
      let compared = 0;
      for (const block of blocks) {
        for (const name of block.layers) {
          const shown = byLayer.get(name);
          if (shown === undefined) continue;
          expect(block.shape, `${block.title}, layer ${name}`).toEqual(shown);
          compared++;
        }
      }
      expect(compared).toBe(rows.length);
      expect(blocks.reduce((sum, b) => sum + b.params, 0)).toBe(paramCount(zooModel.architecture));
      expect(blocks.flatMap((b) => b.layers)).toEqual(zooModel.architecture.map((l) => l.name));
    },
  );

  it('grows the receptive field by 2 per 3×3 conv and by the jump after a pool (s4)', () => {
    const s4 = ZOO.find((m) => m.name === 's4')!;
    const fields = architectureBlocks(s4.architecture).map((b) => [b.kind, b.receptiveField]);
    expect(fields).toEqual([
      ['input', 1],
      ['conv', 3],
      ['conv', 5],
      ['conv', 7],
      ['pool', 8],
      ['conv', 12],
      ['conv', 16],
      ['conv', 20],
      ['gap', 28],
      ['linear', undefined],
    ]);
  });

  it('names the layer whose input does not fit', () => {
    const conv = (name: string, inChannels: number, outChannels: number): LayerSpec => ({
      type: 'conv2d',
      name,
      inChannels,
      outChannels,
      kernelSize: [3, 3],
      stride: [1, 1],
      padding: 'valid',
      bias: false,
    });
    const pool: LayerSpec = {
      type: 'maxpool2d',
      name: '1',
      kernelSize: [2, 2],
      stride: [2, 2],
      padding: 'valid',
    };
    const linear: LayerSpec = {
      type: 'linear',
      name: '1',
      inFeatures: 10,
      outFeatures: 2,
      bias: true,
    };
    const bad = [conv('0', 1, 8), pool, conv('2', 4, 8)];
    expect(() => architectureBlocks(bad)).toThrow(ArchitectureError);
    expect(() => architectureBlocks(bad)).toThrow('architecture[2] (conv2d)');
    expect(() => architectureBlocks([conv('0', 1, 8), linear])).toThrow('architecture[1] (linear)');
  });
});
