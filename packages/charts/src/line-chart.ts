import { format as d3Format } from 'd3-format';
import { type ScaleLinear, scaleLinear } from 'd3-scale';
import { escapeXml, px, textElement, textWidth } from './svg';
import { type ChartTheme, LIGHT_THEME, seriesColor } from './theme';

/** One line of a panel. */
export interface LineSeries {
  label: string;
  /** [x, y] pairs in drawing order; a non-finite y breaks the line. */
  points: readonly (readonly [number, number])[];
  /** CSS colour; by default the series' position in the chart's legend picks one. */
  color?: string;
  dashed?: boolean;
  /** Dots on the points as well as the line, or (`'only'`) dots without a line. */
  markers?: boolean | 'only';
}

export interface Axis {
  title: string;
  /** Ticks on whole numbers only (epochs, iterations). */
  integer?: boolean;
  /** d3-format specifier of the tick labels, e.g. `'.0%'` for fractions shown as percentages. */
  format?: string;
  /** Stretch the domain to include 0. */
  zero?: boolean;
  /** A fixed domain instead of the data's extent. */
  domain?: readonly [number, number];
}

export interface LinePanel {
  title?: string;
  x: Axis;
  y: Axis;
  series: readonly LineSeries[];
}

export interface LegendEntry {
  label: string;
  color: string;
  dashed?: boolean;
}

export interface LineChart {
  kind: 'line';
  title?: string;
  panels: readonly LinePanel[];
  /** Panels side by side (default) or one above the other (narrow pages). */
  layout?: 'row' | 'column';
  /** Size of each panel's plotting area in pixels (default 360 × 240). */
  panelWidth?: number;
  panelHeight?: number;
  legendTitle?: string;
  /** The legend's entries; by default every distinct series label, in order of appearance. */
  legend?: readonly LegendEntry[];
}

const PADDING = 12;
const TITLE_HEIGHT = 26;
const PANEL_TITLE_HEIGHT = 22;
const AXIS_TITLE = 18;
const TICK_LABEL_HEIGHT = 16;
const LEGEND_ROW = 20;
const SWATCH = 22;

function extent(values: readonly number[], axis: Axis): [number, number] {
  if (axis.domain) return [axis.domain[0], axis.domain[1]];
  const finite = values.filter(Number.isFinite);
  let low = finite.length ? Math.min(...finite) : 0;
  let high = finite.length ? Math.max(...finite) : 1;
  if (axis.zero) {
    low = Math.min(low, 0);
    high = Math.max(high, 0);
  }
  if (low === high) {
    // A flat series still needs an extent to be drawn in the middle of.
    const pad = low === 0 ? 1 : Math.abs(low) * 0.05;
    low -= pad;
    high += pad;
  }
  return [low, high];
}

interface AxisScale {
  scale: ScaleLinear<number, number>;
  ticks: number[];
  label: (value: number) => string;
}

function axisScale(values: readonly number[], axis: Axis, range: [number, number]): AxisScale {
  const count = Math.max(2, Math.floor(Math.abs(range[1] - range[0]) / 50));
  const scale = scaleLinear().domain(extent(values, axis)).range(range);
  if (!axis.domain) scale.nice(count);
  let ticks = scale.ticks(count);
  if (axis.integer) ticks = ticks.filter(Number.isInteger);
  const label = axis.format
    ? d3Format(axis.format)
    : axis.integer
      ? d3Format('d')
      : scale.tickFormat(count);
  return { scale, ticks, label };
}

function pathOf(points: readonly (readonly [number, number])[], x: AxisScale, y: AxisScale) {
  let d = '';
  let drawing = false;
  for (const [px_, py] of points) {
    if (!Number.isFinite(px_) || !Number.isFinite(py)) {
      drawing = false;
      continue;
    }
    d += `${drawing ? 'L' : 'M'}${px(x.scale(px_))} ${px(y.scale(py))}`;
    drawing = true;
  }
  return d;
}

/** Distinct (label, style) pairs of the chart's series, in order of appearance. */
function defaultLegend(chart: LineChart, colorOf: (s: LineSeries) => string): LegendEntry[] {
  const seen = new Map<string, LegendEntry>();
  for (const panel of chart.panels)
    for (const series of panel.series)
      if (!seen.has(series.label))
        seen.set(series.label, {
          label: series.label,
          color: colorOf(series),
          dashed: series.dashed,
        });
  return [...seen.values()];
}

function legendSvg(
  entries: readonly LegendEntry[],
  title: string | undefined,
  left: number,
  top: number,
  width: number,
  theme: ChartTheme,
): { svg: string; height: number } {
  const parts: string[] = [];
  let x = left;
  let y = top + LEGEND_ROW / 2;
  if (title) {
    parts.push(textElement(x, y, title, { color: theme.text, weight: 'bold', baseline: 'middle' }));
    x += textWidth(title, 11) + 12;
  }
  for (const entry of entries) {
    const entryWidth = SWATCH + 6 + textWidth(entry.label, 11) + 16;
    if (x + entryWidth > left + width && x > left) {
      x = left;
      y += LEGEND_ROW;
    }
    const dash = entry.dashed ? ' stroke-dasharray="6 4"' : '';
    parts.push(
      `<path d="M${px(x)} ${px(y)}h${SWATCH}" stroke="${entry.color}" stroke-width="2.5"${dash}/>`,
      textElement(x + SWATCH + 6, y, entry.label, {
        color: theme.text,
        baseline: 'middle',
        className: 'legend-label',
      }),
    );
    x += entryWidth;
  }
  return { svg: parts.join(''), height: y - top + LEGEND_ROW / 2 };
}

/** Renders a line chart (one or more panels sharing a legend) to a standalone SVG string. */
export function lineChartSvg(chart: LineChart, theme: ChartTheme = LIGHT_THEME): string {
  const width = chart.panelWidth ?? 360;
  const height = chart.panelHeight ?? 240;
  const labels: string[] = [];
  for (const panel of chart.panels)
    for (const series of panel.series)
      if (!labels.includes(series.label)) labels.push(series.label);
  const colorOf = (series: LineSeries) => series.color ?? seriesColor(labels.indexOf(series.label));
  const legend = chart.legend ?? defaultLegend(chart, colorOf);

  const top = PADDING + (chart.title ? TITLE_HEIGHT : 0);
  const panels = chart.panels.map((panel) => {
    const y = axisScale(
      panel.series.flatMap((s) => s.points.map((p) => p[1])),
      panel.y,
      [height, 0],
    );
    const x = axisScale(
      panel.series.flatMap((s) => s.points.map((p) => p[0])),
      panel.x,
      [0, width],
    );
    const tickWidth = Math.max(...y.ticks.map((t) => textWidth(y.label(t), 11)), 10);
    const left = AXIS_TITLE + tickWidth + 8;
    const above = panel.title ? PANEL_TITLE_HEIGHT : 6;
    return {
      panel,
      x,
      y,
      left,
      above,
      boxWidth: left + width + 16,
      boxHeight: above + height + TICK_LABEL_HEIGHT + AXIS_TITLE + 6,
    };
  });
  const row = (chart.layout ?? 'row') === 'row';
  const plotsWidth = row
    ? panels.reduce((sum, p) => sum + p.boxWidth, 0)
    : Math.max(...panels.map((p) => p.boxWidth));
  const plotsHeight = row
    ? Math.max(...panels.map((p) => p.boxHeight))
    : panels.reduce((sum, p) => sum + p.boxHeight, 0);

  const body: string[] = [];
  let offsetX = PADDING;
  let offsetY = top;
  for (const { panel, x, y, left, above, boxWidth, boxHeight } of panels) {
    const ox = offsetX + left;
    const oy = offsetY + above;
    const g: string[] = [];
    if (panel.title)
      g.push(
        textElement(ox + width / 2, oy - 8, panel.title, {
          color: theme.text,
          size: 12,
          weight: 'bold',
          anchor: 'middle',
        }),
      );
    for (const t of y.ticks) {
      const ty = px(oy + y.scale(t));
      g.push(`<path d="M${px(ox)} ${ty}h${width}" stroke="${theme.grid}"/>`);
      g.push(
        textElement(ox - 5, oy + y.scale(t), y.label(t), {
          color: theme.muted,
          anchor: 'end',
          baseline: 'middle',
        }),
      );
    }
    for (const t of x.ticks) {
      const tx = ox + x.scale(t);
      g.push(`<path d="M${px(tx)} ${px(oy)}v${height}" stroke="${theme.grid}"/>`);
      g.push(
        textElement(tx, oy + height + 14, x.label(t), { color: theme.muted, anchor: 'middle' }),
      );
    }
    g.push(
      `<path d="M${px(ox)} ${px(oy)}v${height}h${width}" fill="none" stroke="${theme.muted}"/>`,
      textElement(ox + width / 2, oy + height + TICK_LABEL_HEIGHT + 15, panel.x.title, {
        color: theme.text,
        size: 12,
        weight: 'bold',
        anchor: 'middle',
      }),
      textElement(offsetX + 12, oy + height / 2, panel.y.title, {
        color: theme.text,
        size: 12,
        weight: 'bold',
        anchor: 'middle',
        rotate: -90,
      }),
    );
    const plot: string[] = [];
    for (const series of panel.series) {
      const color = colorOf(series);
      if (series.markers !== 'only') {
        const d = pathOf(series.points, x, y);
        const dash = series.dashed ? ' stroke-dasharray="6 4"' : '';
        if (d)
          plot.push(
            `<path class="series-line" data-series="${escapeXml(series.label)}" d="${d}" fill="none" stroke="${color}" stroke-width="2" stroke-linejoin="round"${dash}/>`,
          );
      }
      if (series.markers)
        for (const [vx, vy] of series.points)
          if (Number.isFinite(vx) && Number.isFinite(vy))
            plot.push(
              `<circle class="series-point" cx="${px(x.scale(vx))}" cy="${px(y.scale(vy))}" r="3" fill="${color}"><title>${escapeXml(`${series.label}: ${x.label(vx)}, ${vy.toPrecision(4)}`)}</title></circle>`,
            );
    }
    g.push(`<g transform="translate(${px(ox)} ${px(oy)})">${plot.join('')}</g>`);
    body.push(`<g>${g.join('')}</g>`);
    if (row) offsetX += boxWidth;
    else offsetY += boxHeight;
  }

  const legendTop = top + plotsHeight + 4;
  const legendBlock =
    legend.length > 0
      ? legendSvg(legend, chart.legendTitle, PADDING, legendTop, plotsWidth, theme)
      : { svg: '', height: 0 };
  const totalWidth = Math.ceil(plotsWidth + 2 * PADDING);
  const totalHeight = Math.ceil(legendTop + legendBlock.height + PADDING);
  return svgDocument(totalWidth, totalHeight, theme, chart.title, [...body, legendBlock.svg]);
}

/** The outer `<svg>`: size, font, background and the title (also its accessible name). */
export function svgDocument(
  width: number,
  height: number,
  theme: ChartTheme,
  title: string | undefined,
  body: readonly string[],
): string {
  const background =
    theme.background === 'transparent'
      ? ''
      : `<rect width="${width}" height="${height}" fill="${theme.background}"/>`;
  const heading = title
    ? `<title>${escapeXml(title)}</title>${textElement(width / 2, PADDING + 15, title, {
        color: theme.text,
        size: 15,
        weight: 'bold',
        anchor: 'middle',
      })}`
    : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${escapeXml(theme.font)}">${background}${heading}${body.join('')}</svg>`;
}
