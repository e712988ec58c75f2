/**
 * Bad input to the backprop engine: names the argument, what was expected and what was found,
 * so a CLI or a web form can show it as is.
 */
export class BackpropInputError extends Error {
  override name = 'BackpropInputError';

  constructor(
    readonly argument: string,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`${argument}: expected ${expected}, found ${found}`);
  }
}
