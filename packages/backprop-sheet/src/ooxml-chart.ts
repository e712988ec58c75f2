import { paletteColor } from './palette';

/** XML escaping for element content and double-quoted attribute values (formulas keep their '). */
export function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

/** A cell range with the values cached beside it, so the chart draws before any recalculation. */
export interface CachedRange {
  /** e.g. `'lr-0.1'!$X$26:$X$126` */
  readonly ref: string;
  readonly values: readonly number[];
}

export interface ChartSeries {
  /** Series name: a literal, or a cell reference with its cached text. */
  readonly name: string | { readonly ref: string; readonly cached: string };
  readonly x: CachedRange;
  readonly y: CachedRange;
  /** Palette index of the line colour (default: the series' position). */
  readonly color?: number;
}

export interface LineChart {
  readonly title: string;
  readonly xTitle: string;
  readonly yTitle: string;
  readonly series: readonly ChartSeries[];
}

const NS = [
  'xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart"',
  'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"',
  'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"',
].join(' ');

function richText(text: string, size = 1200): string {
  return `<c:tx><c:rich><a:bodyPr/><a:p><a:pPr><a:defRPr sz="${size}" b="1"/></a:pPr><a:r><a:rPr lang="en-US" sz="${size}" b="1"/><a:t>${escapeXml(text)}</a:t></a:r></a:p></c:rich></c:tx>`;
}

function numRef({ ref, values }: CachedRange): string {
  const points = values
    .map((v, k) => (Number.isFinite(v) ? `<c:pt idx="${k}"><c:v>${v}</c:v></c:pt>` : ''))
    .join('');
  return `<c:numRef><c:f>${escapeXml(ref)}</c:f><c:numCache><c:formatCode>General</c:formatCode><c:ptCount val="${values.length}"/>${points}</c:numCache></c:numRef>`;
}

function seriesXml(series: ChartSeries, index: number): string {
  const name =
    typeof series.name === 'string'
      ? `<c:tx><c:v>${escapeXml(series.name)}</c:v></c:tx>`
      : `<c:tx><c:strRef><c:f>${escapeXml(series.name.ref)}</c:f><c:strCache><c:ptCount val="1"/><c:pt idx="0"><c:v>${escapeXml(series.name.cached)}</c:v></c:pt></c:strCache></c:strRef></c:tx>`;
  return [
    `<c:ser><c:idx val="${index}"/><c:order val="${index}"/>${name}`,
    `<c:spPr><a:ln w="22225" cap="rnd"><a:solidFill><a:srgbClr val="${paletteColor(series.color ?? index)}"/></a:solidFill><a:round/></a:ln></c:spPr>`,
    '<c:marker><c:symbol val="none"/></c:marker>',
    `<c:xVal>${numRef(series.x)}</c:xVal><c:yVal>${numRef(series.y)}</c:yVal>`,
    '<c:smooth val="0"/></c:ser>',
  ].join('');
}

function valueAxis(id: number, crossId: number, position: 'b' | 'l', title: string): string {
  return [
    `<c:valAx><c:axId val="${id}"/><c:scaling><c:orientation val="minMax"/></c:scaling>`,
    `<c:delete val="0"/><c:axPos val="${position}"/>`,
    position === 'l' ? '<c:majorGridlines/>' : '',
    `<c:title>${richText(title, 1000)}<c:overlay val="0"/></c:title>`,
    '<c:numFmt formatCode="General" sourceLinked="1"/>',
    '<c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>',
    `<c:crossAx val="${crossId}"/><c:crosses val="autoZero"/><c:crossBetween val="midCat"/></c:valAx>`,
  ].join('');
}

/** A DrawingML chart part (`xl/charts/chartN.xml`): an XY line chart, one line per series. */
export function chartPartXml(chart: LineChart): string {
  return [
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
    `<c:chartSpace ${NS}><c:roundedCorners val="0"/><c:chart>`,
    `<c:title>${richText(chart.title)}<c:overlay val="0"/></c:title><c:autoTitleDeleted val="0"/>`,
    '<c:plotArea><c:layout/><c:scatterChart><c:scatterStyle val="lineMarker"/><c:varyColors val="0"/>',
    chart.series.map(seriesXml).join(''),
    '<c:axId val="500001"/><c:axId val="500002"/></c:scatterChart>',
    valueAxis(500001, 500002, 'b', chart.xTitle),
    valueAxis(500002, 500001, 'l', chart.yTitle),
    '</c:plotArea><c:legend><c:legendPos val="r"/><c:overlay val="0"/></c:legend>',
    '<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart></c:chartSpace>',
  ].join('');
}

/** Where a drawing sits, in zero-based cell coordinates (top-left inclusive, bottom-right). */
export interface Anchor {
  readonly fromColumn: number;
  readonly fromRow: number;
  readonly toColumn: number;
  readonly toRow: number;
}

/** A drawing part (`xl/drawings/drawingN.xml`) holding one chart, relationship id rId1. */
export function drawingPartXml(anchor: Anchor, name: string): string {
  const point = (tag: string, column: number, row: number) =>
    `<xdr:${tag}><xdr:col>${column}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>${row}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:${tag}>`;
  return [
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
    '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">',
    '<xdr:twoCellAnchor>',
    point('from', anchor.fromColumn, anchor.fromRow),
    point('to', anchor.toColumn, anchor.toRow),
    `<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="2" name="${escapeXml(name)}"/><xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr>`,
    '<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm>',
    '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">',
    '<c:chart xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId1"/>',
    '</a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor></xdr:wsDr>',
  ].join('');
}
