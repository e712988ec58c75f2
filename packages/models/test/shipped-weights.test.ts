import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { initBackend, MNIST_NORMALIZATION } from '@s4/core';
import { saveCheckpoint } from '@s4/core/checkpoint';
import { tf } from '@s4/core/tf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createModel,
  getZooModel,
  loadCheckpointFromUrl,
  loadShippedModel,
  shippedRun,
  shippedWeightsUrl,
} from '../src/index';

// A real checkpoint folder served by a real HTTP server on 127.0.0.1, as the docs site serves
// the shipped weights to browsers.
const dir = mkdtempSync(join(tmpdir(), 's4-shipped-'));
let server: Server;
let baseUrl: string;
let input: tf.Tensor;

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  input = tf.randomNormal([4, 28, 28, 1], 0, 1, 'float32', 7);
  const model = createModel(getZooModel('s4'), 5);
  await saveCheckpoint(join(dir, 's4'), model, {
    normalization: MNIST_NORMALIZATION,
    metadata: { model: 's4' },
  });
  model.dispose();
  server = createServer((request, response) => {
    const path = join(dir, decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname));
    const stream = createReadStream(path);
    stream.on('error', () => {
      response.statusCode = 404;
      response.end('not found');
    });
    stream.pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
  input.dispose();
});

const outputOf = async (loaded: { model: { forward(x: tf.Tensor): tf.Tensor } }) => {
  const y = tf.tidy(() => loaded.model.forward(input));
  const values = await y.data();
  y.dispose();
  return Array.from(values);
};

describe('checkpoint loading for Node and browsers', () => {
  it('loads the same network from a file: URL and over HTTP', async () => {
    const fromFile = await loadCheckpointFromUrl(pathToFileURL(join(dir, 's4')));
    const overHttp = await loadShippedModel('s4', { baseUrl });
    expect(overHttp.model.training).toBe(false);
    fromFile.model.eval();
    expect(await outputOf(overHttp)).toEqual(await outputOf(fromFile));
    expect(overHttp.metadata).toEqual({ model: 's4' });
    fromFile.model.dispose();
    overHttp.model.dispose();
  });

  it('names the URL and the HTTP status when a file is missing', async () => {
    await expect(loadShippedModel('seed-arch1', { baseUrl })).rejects.toThrow(
      `${baseUrl}seed-arch1/model.json failed: HTTP 404`,
    );
  });

  it('finds shipped weights inside the package and reads no run history from a bare checkpoint', async () => {
    expect(shippedWeightsUrl('s4').href).toMatch(/\/packages\/models\/weights\/s4\/$/);
    expect(() => shippedWeightsUrl('alexnet')).toThrow(/Unknown model "alexnet"/);
    expect(await shippedRun('s4', { baseUrl })).toBeUndefined();
  });
});
