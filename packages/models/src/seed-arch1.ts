import { sequential } from './layer-spec';
import {
  batchNorm1d,
  batchNorm2d,
  conv,
  dropout,
  flatten,
  linear,
  logSoftmax,
  maxPool2d,
  relu,
} from './layers';
import { sgdOneCycleRecipe } from './recipe-defaults';
import type { ZooModel } from './zoo-model';

/**
 * The seed's first network, layer for layer (torchsummary: 17,502 params; 0.00 / 0.44 / 0.07 /
 * 0.51 MB). ReLU, the flatten and the log-softmax were function calls in the seed, so they are
 * `functional` here and the summary table matches its table row for row.
 */
export const seedArch1: ZooModel = {
  name: 'seed-arch1',
  title: "The seed's first CNN",
  description:
    'Three 3×3 convs with BatchNorm and max-pooling, then two fully connected layers. The seed reached 99.31% at best; it breaks the one-FC-layer and GAP constraints.',
  architecture: sequential(
    conv(1, 32),
    batchNorm2d(32),
    relu(true),
    maxPool2d(2),
    conv(32, 32),
    batchNorm2d(32),
    relu(true),
    maxPool2d(2),
    conv(32, 16),
    batchNorm2d(16),
    relu(true),
    dropout(0.1),
    flatten(true),
    linear(144, 20),
    batchNorm1d(20),
    relu(true),
    dropout(0.1),
    linear(20, 10),
    logSoftmax(true),
  ),
  recipe: sgdOneCycleRecipe(0.1),
  reference: { source: 'seed notebook', bestAccuracy: 99.31 },
};
