// An ordinary tfjs-layers program, with nothing S4-specific in it: the conv net the tests train
// on wasm (with and without @s4/tfjs-wasm-training), on the cpu backend, in Chromium and from
// the packed tarball. Plain JavaScript, taking `tf` (the @tensorflow/tfjs namespace) as an
// argument, so Node, the browser bundle and a fresh npm folder all run the same file.

/** conv2d · batchNormalization · relu · maxPooling2d, twice, dropout, global average, dense. */
export function buildConvNet(tf) {
  const init = (seed) => tf.initializers.glorotUniform({ seed });
  const model = tf.sequential();
  model.add(
    tf.layers.conv2d({
      inputShape: [28, 28, 1],
      filters: 8,
      kernelSize: 3,
      kernelInitializer: init(1),
    }),
  );
  model.add(tf.layers.batchNormalization({ momentum: 0.9 }));
  model.add(tf.layers.activation({ activation: 'relu' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.conv2d({ filters: 16, kernelSize: 3, kernelInitializer: init(2) }));
  model.add(tf.layers.batchNormalization({ momentum: 0.9 }));
  model.add(tf.layers.activation({ activation: 'relu' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.dropout({ rate: 0.1, seed: 3 }));
  model.add(tf.layers.globalAveragePooling2d({}));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(4) }));
  return model;
}

/**
 * MNIST images (uint8, 784 each) and labels as tensors: x [n, 28, 28, 1] scaled to [0, 1],
 * y one-hot [n, 10].
 */
export function toTensors(tf, images, labels) {
  const n = labels.length;
  const x = tf.tidy(() =>
    tf.tensor4d(
      Float32Array.from(images, (p) => p / 255),
      [n, 28, 28, 1],
    ),
  );
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(Int32Array.from(labels), 'int32'), 10));
  return { x, y };
}

function accuracy(tf, model, x, y) {
  return tf.tidy(() => {
    const predicted = model.predict(x).argMax(-1);
    return predicted.equal(y.argMax(-1)).mean().dataSync()[0];
  });
}

/**
 * Trains the conv net with `model.fit` on `train`, and reports the loss per epoch and the
 * accuracy on `test` before and after. Throws whatever tfjs throws (a missing kernel, …).
 */
export async function trainConvNet(tf, train, test, { epochs = 3, batchSize = 32 } = {}) {
  const model = buildConvNet(tf);
  model.compile({
    optimizer: tf.train.adam(0.01),
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
  });
  const a = toTensors(tf, train.images, train.labels);
  const b = toTensors(tf, test.images, test.labels);
  try {
    const accuracyBefore = accuracy(tf, model, b.x, b.y);
    // Wall-clock seconds per epoch, for the benchmark (bench/fit-images-per-sec.ts).
    const epochSeconds = [];
    let epochStart = 0;
    const callbacks = {
      onEpochBegin: async () => {
        epochStart = performance.now();
      },
      onEpochEnd: async () => {
        epochSeconds.push((performance.now() - epochStart) / 1000);
      },
    };
    const history = await model.fit(a.x, a.y, {
      epochs,
      batchSize,
      shuffle: false,
      verbose: 0,
      callbacks,
    });
    const accuracyAfter = accuracy(tf, model, b.x, b.y);
    return {
      backend: tf.getBackend(),
      loss: history.history.loss.map(Number),
      accuracyBefore,
      accuracyAfter,
      images: train.labels.length,
      epochSeconds,
    };
  } finally {
    tf.dispose([a.x, a.y, b.x, b.y]);
    model.dispose();
  }
}

/** MNIST slice file: u32 count, then count·784 image bytes, then count label bytes. */
export function decodeSlice(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(0, true);
  const images = bytes.subarray(4, 4 + count * 784);
  const labels = bytes.subarray(4 + count * 784, 4 + count * 785);
  return { images, labels };
}
