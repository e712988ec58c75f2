/** The sheet's columns, in order, named as in the course (one row per iteration). */
export const COLUMNS = [
  'iteration',
  't1',
  't2',
  'i1',
  'i2',
  'w1',
  'w2',
  'w3',
  'w4',
  'h1',
  'a_h1',
  'h2',
  'a_h2',
  'w5',
  'w6',
  'w7',
  'w8',
  'o1',
  'a_o1',
  'o2',
  'a_o2',
  'E1',
  'E2',
  'E_total',
  'dE_dw1',
  'dE_dw2',
  'dE_dw3',
  'dE_dw4',
  'dE_dw5',
  'dE_dw6',
  'dE_dw7',
  'dE_dw8',
] as const;

export type ColumnName = (typeof COLUMNS)[number];

/** One iteration: the weights at the start of it, the forward pass and that row's gradients. */
export type IterationRow = Record<ColumnName, number>;
