/**
 * The line the CLI prints for an error: `error: ` and the message starting in lower case, like
 * commander's own (`error: unknown option '--bogus'`), whichever package wrote the message.
 * Only a plain capitalised first word is lowered: names such as MNIST, IDX or PyTorch stay.
 */
export function errorLine(message: string, label = 'error'): string {
  const lowered = message.replace(/^[A-Z][a-z]+(?![A-Za-z0-9])/, (word) => word.toLowerCase());
  return `${label}: ${lowered}`;
}
