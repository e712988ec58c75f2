import { interpolateOranges } from 'd3-scale-chromatic';
import { svgDocument } from './line-chart';
import { escapeXml, px, textElement } from './svg';
import { type ChartTheme, LIGHT_THEME } from './theme';

export interface Heatmap {
  kind: 'heatmap';
  title?: string;
  /** Counts, row by row; every row as long as the first. */
  rows: readonly (readonly number[])[];
  rowLabels?: readonly string[];
  columnLabels?: readonly string[];
  /** Title of the columns (drawn above them) and of the rows (left of them). */
  xTitle: string;
  yTitle: string;
  /**
   * Fill of the diagonal cells, drawn apart from the colour scale (a confusion matrix's correct
   * answers would otherwise wash out every error); omit to colour them like the others.
   */
  diagonalColor?: string;
  /** The count at which the colour saturates (default: the largest cell on the scale). */
  colorMax?: number;
  /** Size of the grid in pixels (default 400). */
  size?: number;
}

/** Renders a heat map with each cell's count written in it to a standalone SVG string. */
export function heatmapSvg(chart: Heatmap, theme: ChartTheme = LIGHT_THEME): string {
  const rows = chart.rows.length;
  const columns = chart.rows[0]?.length ?? 0;
  const size = chart.size ?? 400;
  const cell = size / Math.max(rows, columns, 1);
  const onScale = chart.rows.flatMap((row, r) =>
    row.filter((_, c) => chart.diagonalColor === undefined || r !== c),
  );
  const max = chart.colorMax ?? Math.max(1, ...onScale);
  const left = 12 + 18 + 24;
  const top = 12 + (chart.title ? 26 : 0) + 18 + 18;
  const parts: string[] = [
    textElement(left + (columns * cell) / 2, top - 24, chart.xTitle, {
      color: theme.text,
      size: 12,
      weight: 'bold',
      anchor: 'middle',
    }),
    textElement(12 + 10, top + (rows * cell) / 2, chart.yTitle, {
      color: theme.text,
      size: 12,
      weight: 'bold',
      anchor: 'middle',
      rotate: -90,
    }),
  ];
  for (let c = 0; c < columns; c++)
    parts.push(
      textElement(left + (c + 0.5) * cell, top - 6, chart.columnLabels?.[c] ?? String(c), {
        color: theme.muted,
        anchor: 'middle',
      }),
    );
  chart.rows.forEach((row, r) => {
    parts.push(
      textElement(left - 6, top + (r + 0.5) * cell, chart.rowLabels?.[r] ?? String(r), {
        color: theme.muted,
        anchor: 'end',
        baseline: 'middle',
      }),
    );
    row.forEach((count, c) => {
      const diagonal = chart.diagonalColor !== undefined && r === c;
      const t = Math.min(1, Math.max(0, count / max));
      const fill = diagonal ? chart.diagonalColor! : interpolateOranges(t);
      const ink = !diagonal && t > 0.5 ? 'white' : '#222';
      const x = left + c * cell;
      const y = top + r * cell;
      parts.push(
        `<rect x="${px(x)}" y="${px(y)}" width="${px(cell)}" height="${px(cell)}" fill="${fill}" stroke="${theme.background === 'transparent' ? theme.grid : theme.background}"><title>${escapeXml(`${chart.rowLabels?.[r] ?? r} → ${chart.columnLabels?.[c] ?? c}: ${count}`)}</title></rect>`,
        textElement(x + cell / 2, y + cell / 2, String(count), {
          color: ink,
          size: Math.min(11, cell / 3),
          anchor: 'middle',
          baseline: 'middle',
        }),
      );
    });
  });
  const width = Math.ceil(left + columns * cell + 12);
  const height = Math.ceil(top + rows * cell + 12);
  return svgDocument(width, height, theme, chart.title, parts);
}
