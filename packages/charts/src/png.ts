import { Resvg } from '@resvg/resvg-js';

export interface PngOptions {
  /** Output width in pixels; the height follows the SVG's aspect ratio (default: twice the SVG). */
  readonly width?: number;
}

/**
 * Rasterises an SVG (e.g. from renderSvg) to PNG bytes with resvg, using the system fonts
 * (DejaVu Sans on Debian). Node only: resvg-js is a native module.
 */
export function renderPng(svg: string, options: PngOptions = {}): Uint8Array {
  const resvg = new Resvg(svg, {
    fitTo:
      options.width === undefined
        ? { mode: 'zoom', value: 2 }
        : { mode: 'width', value: options.width },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
    background: 'white',
  });
  return new Uint8Array(resvg.render().asPng());
}
