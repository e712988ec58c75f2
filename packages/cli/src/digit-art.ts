/** How a digit is drawn in the terminal. */
export type DigitArtStyle = 'shades' | 'blocks';

const SHADES = [' ', '░', '▒', '▓', '█'];

/**
 * Draws one grayscale image (0 = background) with text characters.
 * - `shades`: two characters per pixel (square-ish cells) from ' ░▒▓█', plain text that
 *   survives pipes, logs and copy-paste.
 * - `blocks`: '▀' half blocks with 24-bit gray foreground (upper pixel) and background (lower
 *   pixel) colours, two pixels per character cell, exact gray levels; needs a colour terminal.
 */
export function digitArt(
  pixels: Uint8Array,
  rows: number,
  cols: number,
  style: DigitArtStyle = 'shades',
): string {
  const lines: string[] = [];
  if (style === 'shades') {
    // A frame shows the image's full 28×28 extent, blank margins included.
    lines.push(`┌${'─'.repeat(2 * cols)}┐`);
    for (let r = 0; r < rows; r++) {
      let line = '';
      for (let c = 0; c < cols; c++) {
        const shade = SHADES[Math.round((pixels[r * cols + c]! / 255) * (SHADES.length - 1))]!;
        line += shade + shade;
      }
      lines.push(`│${line}│`);
    }
    lines.push(`└${'─'.repeat(2 * cols)}┘`);
    return lines.join('\n');
  }
  for (let r = 0; r < rows; r += 2) {
    let line = '';
    for (let c = 0; c < cols; c++) {
      const top = pixels[r * cols + c]!;
      const bottom = r + 1 < rows ? pixels[(r + 1) * cols + c]! : 0;
      line += `\x1b[38;2;${top};${top};${top}m\x1b[48;2;${bottom};${bottom};${bottom}m▀`;
    }
    lines.push(`${line}\x1b[0m`);
  }
  return lines.join('\n');
}

/**
 * Several digits side by side, each under its caption, wrapping into as many rows as
 * `width` columns need.
 */
export function digitArtRow(
  digits: ReadonlyArray<{ caption: string; pixels: Uint8Array }>,
  rows: number,
  cols: number,
  style: DigitArtStyle,
  width: number,
): string {
  const cellWidth = style === 'shades' ? 2 * cols + 2 : cols;
  const gap = '  ';
  const perRow = Math.max(1, Math.floor((width + gap.length) / (cellWidth + gap.length)));
  const blocks: string[] = [];
  for (let start = 0; start < digits.length; start += perRow) {
    const group = digits.slice(start, start + perRow);
    const arts = group.map((d) => digitArt(d.pixels, rows, cols, style).split('\n'));
    const lines = [group.map((d) => d.caption.slice(0, cellWidth).padEnd(cellWidth)).join(gap)];
    for (let line = 0; line < arts[0]!.length; line++) {
      lines.push(arts.map((art) => art[line]).join(gap));
    }
    blocks.push(lines.map((line) => line.trimEnd()).join('\n'));
  }
  return blocks.join('\n\n');
}
