import { sequential } from './layer-spec';
import { convBnRelu as block, gap, linear, logSoftmax, maxPool2d } from './layers';
import { sgdOneCycleRecipe } from './recipe-defaults';
import type { ZooModel } from './zoo-model';

const DROPOUT = 0.05;

/**
 * S4's model, meeting every constraint of the assignment: 7,738 params, BatchNorm, Dropout, GAP
 * and exactly one fully connected layer. Channels stay narrow (8–16) and the receptive field
 * grows through six 3×3 convs and one max-pool; GAP then replaces a big flatten+FC head, which
 * is where most of the seed models' parameters went.
 */
export const s4: ZooModel = {
  name: 's4',
  title: 'S4: a 7.7k-parameter CNN with BN, Dropout, GAP and one FC layer',
  description:
    'Six 3×3 convs (8-12-16, max-pool, 12-12-16) with BatchNorm, ReLU and 5% dropout, global average pooling and a single Linear(16→10).',
  architecture: sequential(
    block(1, 8, DROPOUT),
    block(8, 12, DROPOUT),
    block(12, 16, DROPOUT),
    maxPool2d(2),
    block(16, 12, DROPOUT),
    block(12, 12, DROPOUT),
    block(12, 16, 0),
    gap(),
    linear(16, 10),
    logSoftmax(true),
  ),
  // The tiny-CNN recipe validated in PyTorch (bench/pytorch_reference.py train --model s4).
  recipe: sgdOneCycleRecipe(0.2),
  reference: { source: 'PyTorch prototype (bench/pytorch_reference.py)', bestAccuracy: 99.5 },
};
