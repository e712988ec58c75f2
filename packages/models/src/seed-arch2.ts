import { sequential } from './layer-spec';
import { batchNorm2d, conv, dropout, flatten, logSoftmax, maxPool2d, relu } from './layers';
import { sgdOneCycleRecipe } from './recipe-defaults';
import type { ZooModel } from './zoo-model';

/**
 * The seed's second network, layer for layer (torchsummary: 9,626 params; 0.00 / 0.51 / 0.04 /
 * 0.55 MB): ReLU before BatchNorm as in the seed, the last conv maps to [-1, 10, 1, 1].
 */
export const seedArch2: ZooModel = {
  name: 'seed-arch2',
  title: "The seed's second CNN",
  description:
    'Five 3×3 convs, the last one producing the 10 logits directly (no fully connected layer, no GAP). The seed reached 99.19% at best.',
  architecture: sequential(
    conv(1, 16),
    relu(true),
    batchNorm2d(16),
    conv(16, 32),
    relu(true),
    batchNorm2d(32),
    maxPool2d(2),
    conv(32, 10),
    relu(true),
    batchNorm2d(10),
    dropout(0.1),
    maxPool2d(2),
    conv(10, 10),
    relu(true),
    dropout(0.1),
    conv(10, 10),
    flatten(true),
    logSoftmax(true),
  ),
  recipe: sgdOneCycleRecipe(0.1),
  reference: { source: 'seed notebook', bestAccuracy: 99.19 },
};
