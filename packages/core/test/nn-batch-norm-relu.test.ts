import { Rng } from '@s4/runtime';
import { describe, expect, it } from 'vitest';
import { tf } from '../src/backend';
import {
  BatchNorm,
  BatchNorm1d,
  BatchNorm2d,
  Conv2d,
  Flatten,
  initBackend,
  Linear,
  MaxPool2d,
  ReLU,
  Sequential,
} from '../src/public-api';

/** The zoo's conv block order (Conv → BatchNorm → ReLU), with channel counts of 8, 6 and 10. */
function model(rng: Rng): Sequential {
  return new Sequential(
    new Conv2d(1, 8, 3, { rng }),
    new BatchNorm2d(8),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(8, 6, 3, { rng }),
    new BatchNorm2d(6),
    new ReLU(),
    new Flatten(),
    new Linear(726, 10, { rng }),
    new BatchNorm1d(10),
    new ReLU(),
  );
}

/** Values with -0 read as 0 (a ReLU may give either; nothing downstream tells them apart). */
const plain = (t: tf.Tensor) => Array.from(t.dataSync(), (v) => v + 0);

describe('Sequential fuses a training-mode BatchNorm and the ReLU after it', () => {
  it.each(['cpu', 'wasm'] as const)(
    'with exactly the values of the two layers run apart (%s): output, gradients, running statistics',
    async (backend) => {
      await initBackend({ backend });
      const x = tf.randomNormal([6, 28, 28, 1], 0, 1, 'float32', 3);
      const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5], 'int32'), 10);
      const step = (hooked: boolean) => {
        const net = model(new Rng(7));
        net.train();
        // A forward hook on a BatchNorm keeps it (and its ReLU) unfused.
        const removers = hooked
          ? net
              .namedModules()
              .filter(([, m]) => m instanceof BatchNorm)
              .map(([, m]) => m.registerForwardHook(() => {}))
          : [];
        expect(removers.length > 0).toBe(hooked);
        const { value, grads } = tf.variableGrads(
          () => tf.neg(tf.mean(tf.sum(tf.mul(net.forward(x), y), 1))) as tf.Scalar,
          net.parameters(),
        );
        const out = {
          loss: plain(value),
          grads: net.parameters().map((p) => plain(grads[p.name] as tf.Tensor)),
          stats: net.namedBuffers().map(([, b]) => plain(b)),
        };
        tf.dispose([value, ...Object.values(grads)]);
        net.dispose();
        return out;
      };
      const apart = step(true);
      const fused = step(false);
      expect(fused).toEqual(apart);
      // And the fusion did happen: no ReLU kernel at all.
      const net = model(new Rng(7));
      net.train();
      const profile = await tf.profile(() =>
        tf.tidy(() => {
          net.forward(x);
        }),
      );
      const relus = profile.kernels.filter((k) => k.name === 'Relu');
      expect(relus).toEqual([]);
      net.dispose();
      tf.dispose([x, y]);
    },
  );
});
