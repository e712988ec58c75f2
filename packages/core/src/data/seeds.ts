/**
 * Independent random streams derived from one seed. Every epoch's order and every batch's
 * augmentation get their own generator, seeded from (seed, stream, epoch, batch): any batch can
 * be prepared in any order, ahead of time or in a worker, and a resumed run needs no saved
 * data-RNG state to draw exactly what an uninterrupted run draws.
 */
export const STREAM_SHUFFLE = 1;
export const STREAM_AUGMENT = 2;
