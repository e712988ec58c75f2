/**
 * The seed notebook's two networks built from core's layer classes, as the torchsummary and
 * PyTorch-reference tests need them: layer constructors and a shared Rng, in the notebook's own
 * order (Conv → ReLU → BatchNorm). They are fixtures of core's layer API, not the zoo: core sits
 * below @s4/models, and the zoo's `seed-arch1` orders its layers Conv → BatchNorm → ReLU.
 */
import { Rng } from '@s4/runtime';
import {
  BatchNorm1d,
  BatchNorm2d,
  Conv2d,
  Dropout,
  Flatten,
  Linear,
  LogSoftmax,
  MaxPool2d,
  ReLU,
  Sequential,
} from '../src/public-api';

export interface SeedNetOptions {
  /**
   * ReLU, view and log_softmax as the seed's PyTorch code ran them: function calls (F.relu …),
   * for which torchsummary lists no rows. Default false (ordinary layers).
   */
  functional?: boolean;
}

/** The seed's first network (17,502 params), in its order: Conv → ReLU → BatchNorm → MaxPool. */
export function seedArch1(rng: Rng, options: SeedNetOptions = {}): Sequential {
  const functional = options.functional ?? false;
  const relu = () => new ReLU({ functional });
  return new Sequential(
    new Conv2d(1, 32, 3, { rng }),
    relu(),
    new BatchNorm2d(32),
    new MaxPool2d(2),
    new Conv2d(32, 32, 3, { rng }),
    relu(),
    new BatchNorm2d(32),
    new MaxPool2d(2),
    new Conv2d(32, 16, 3, { rng }),
    relu(),
    new BatchNorm2d(16),
    new Dropout(0.1, { rng: new Rng(rng.nextUint32()) }),
    new Flatten({ functional }),
    new Linear(144, 20, { rng }),
    relu(),
    new BatchNorm1d(20),
    new Dropout(0.1, { rng: new Rng(rng.nextUint32()) }),
    new Linear(20, 10, { rng }),
    new LogSoftmax({ functional }),
  );
}

/** The seed's second network (9,626 params): five convs, the last one producing the logits. */
export function seedArch2(rng: Rng, options: SeedNetOptions = {}): Sequential {
  const relu = () => new ReLU({ functional: options.functional ?? false });
  return new Sequential(
    new Conv2d(1, 16, 3, { rng }),
    relu(),
    new BatchNorm2d(16),
    new Conv2d(16, 32, 3, { rng }),
    relu(),
    new BatchNorm2d(32),
    new MaxPool2d(2),
    new Conv2d(32, 10, 3, { rng }),
    relu(),
    new BatchNorm2d(10),
    new Dropout(0.1, { rng: new Rng(rng.nextUint32()) }),
    new MaxPool2d(2),
    new Conv2d(10, 10, 3, { rng }),
    relu(),
    new Dropout(0.1, { rng: new Rng(rng.nextUint32()) }),
    new Conv2d(10, 10, 3, { rng }),
  );
}
