/** Text for an SVG text node or attribute value: the five XML specials escaped, nothing else. */
export function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** A number as SVG writes it: two decimals at most, enough for a pixel grid. */
export function px(value: number): string {
  return String(Math.round(value * 100) / 100);
}

export interface TextOptions {
  size?: number;
  color: string;
  anchor?: 'start' | 'middle' | 'end';
  weight?: 'normal' | 'bold';
  /** Degrees, about (x, y). */
  rotate?: number;
  /** Vertical placement of the text relative to y. */
  baseline?: 'auto' | 'middle' | 'hanging';
  /** A class for pages and tests to find the element by. */
  className?: string;
}

export function textElement(x: number, y: number, text: string, options: TextOptions): string {
  const attributes = [
    options.className ? `class="${options.className}"` : '',
    `x="${px(x)}"`,
    `y="${px(y)}"`,
    `fill="${options.color}"`,
    `font-size="${options.size ?? 11}"`,
    options.anchor && options.anchor !== 'start' ? `text-anchor="${options.anchor}"` : '',
    options.weight === 'bold' ? 'font-weight="bold"' : '',
    options.baseline && options.baseline !== 'auto'
      ? `dominant-baseline="${options.baseline === 'middle' ? 'central' : 'hanging'}"`
      : '',
    options.rotate ? `transform="rotate(${options.rotate} ${px(x)} ${px(y)})"` : '',
  ].filter(Boolean);
  return `<text ${attributes.join(' ')}>${escapeXml(text)}</text>`;
}

/** Rough width of a label, for layout only (no font metrics outside a browser). */
export function textWidth(text: string, size: number): number {
  return text.length * size * 0.6;
}
