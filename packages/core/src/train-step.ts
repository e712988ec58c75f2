import { tf } from './backend';
import { CoreError } from './errors';
import { checkLabelSmoothing, type LossKind, lossFunction } from './losses';
import type { Module } from './nn/module';
import type { Optimizer } from './optim/optimizer';

export interface GradientResult {
  /** Mean loss over the batch. */
  loss: number;
  /** Examples whose arg-max prediction equals the label. */
  correct: number;
  size: number;
  /** Gradients of the mean loss by parameter name; the caller owns (and disposes) them. */
  grads: Map<string, tf.Tensor>;
}

export interface ComputeGradientsOptions {
  /** Default: 'nll' when the model ends in LogSoftmax, else 'cross-entropy' (see lossKindFor). */
  loss?: LossKind;
  /** ε in [0, 1): targets (1 − ε)·one-hot + ε/classes, as PyTorch's `label_smoothing`. Default 0. */
  labelSmoothing?: number | undefined;
}

/** 'nll' for a model whose last layer is LogSoftmax (it already outputs log-probabilities). */
export function lossKindFor(model: Module): LossKind {
  const modules = model.namedModules();
  return modules[modules.length - 1]?.[1].typeName === 'LogSoftmax' ? 'nll' : 'cross-entropy';
}

/**
 * Forward and backward on one batch (model in whatever mode it is in; `fit` sets train mode):
 * the loss, the number of correct predictions and the gradients by parameter name. Applying
 * them is a separate step (`applyGradients`) so that data-parallel workers can average their
 * gradients in between. Only the returned gradients outlive the call.
 */
export function computeGradients(
  model: Module,
  x: tf.Tensor,
  y: tf.Tensor,
  options: ComputeGradientsOptions = {},
): GradientResult {
  const lossKind = options.loss ?? lossKindFor(model);
  const labelSmoothing = checkLabelSmoothing(options.labelSmoothing);
  const named = model.namedParameters();
  const nameOf = new Map(named.map(([name, v]) => [v.name, name]));
  let correctTensor: tf.Tensor | undefined;
  const { value, grads } = tf.variableGrads(
    () => {
      const output = model.forward(x);
      // Kept past the gradient scope, which disposes every other intermediate.
      correctTensor = tf.keep(
        tf.sum(tf.cast(tf.equal(tf.argMax(output, 1), tf.cast(y, 'int32')), 'int32')),
      );
      return lossFunction(lossKind, output, y, labelSmoothing);
    },
    named.map(([, v]) => v),
  );
  const loss = value.dataSync()[0]!;
  const correct = correctTensor!.dataSync()[0]!;
  value.dispose();
  correctTensor!.dispose();
  const byName = new Map<string, tf.Tensor>();
  for (const [variableName, grad] of Object.entries(grads)) {
    const name = nameOf.get(variableName);
    if (name === undefined) {
      grad.dispose();
      continue;
    }
    byName.set(name, grad);
  }
  return { loss, correct, size: x.shape[0]!, grads: byName };
}

/** `optimizer.step(grads)`, then frees the gradients. */
export function applyGradients(optimizer: Optimizer, grads: Map<string, tf.Tensor>): void {
  try {
    optimizer.step(grads);
  } finally {
    disposeGradients(grads);
  }
}

export function disposeGradients(grads: Map<string, tf.Tensor>): void {
  for (const g of grads.values()) g.dispose();
  grads.clear();
}

/**
 * One optimisation step: gradients, then the update. Throws a NON_FINITE_LOSS error (and
 * leaves the weights untouched) when the loss is NaN or infinite.
 */
export function trainStep(
  model: Module,
  optimizer: Optimizer,
  x: tf.Tensor,
  y: tf.Tensor,
  options: ComputeGradientsOptions = {},
): Omit<GradientResult, 'grads'> {
  const { grads, ...result } = computeGradients(model, x, y, options);
  if (!Number.isFinite(result.loss)) {
    disposeGradients(grads);
    throw new CoreError(
      'NON_FINITE_LOSS',
      `The training loss became ${result.loss} (learning rate ${optimizer.lr}); lower the learning rate or check the inputs`,
    );
  }
  applyGradients(optimizer, grads);
  return result;
}
