/**
 * Mean and standard deviation of the MNIST training pixels scaled to [0, 1], the usual input
 * normalisation (pixel/255 − mean)/std.
 */
export const MNIST_MEAN = 0.1307;
export const MNIST_STD = 0.3081;
