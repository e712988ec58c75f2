import { strFromU8, unzipSync } from 'fflate';

/** One cell as stored: its formula (if any) and cached value. */
export interface StoredCell {
  readonly formula?: string;
  readonly value?: number | string;
}

export type Workbook = Map<string, Map<string, StoredCell>>;

function unescapeXml(text: string): string {
  return text
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replaceAll('&amp;', '&');
}

function attribute(attributes: string, name: string): string | undefined {
  return new RegExp(`\\b${name}="([^"]*)"`).exec(attributes)?.[1];
}

/**
 * Reads every sheet's cells (formula + cached value) from .xlsx bytes, whoever wrote them (this
 * package or LibreOffice): enough SpreadsheetML for tests, not a general reader.
 */
export function readWorkbook(bytes: Uint8Array): { sheets: Workbook; parts: string[] } {
  const zip = unzipSync(bytes);
  const text = (path: string) => {
    const part = zip[path];
    if (!part) throw new Error(`xlsx has no part ${path}`);
    return strFromU8(part);
  };
  const shared = zip['xl/sharedStrings.xml']
    ? [...text('xl/sharedStrings.xml').matchAll(/<si>(.*?)<\/si>/gs)].map((m) =>
        unescapeXml([...m[1]!.matchAll(/<t[^>]*>(.*?)<\/t>/gs)].map((t) => t[1]).join('')),
      )
    : [];
  const targets = new Map(
    [...text('xl/_rels/workbook.xml.rels').matchAll(/<Relationship ([^>]*)\/>/g)].map((m) => [
      attribute(m[1]!, 'Id')!,
      attribute(m[1]!, 'Target')!.replace(/^\/?xl\//, ''),
    ]),
  );
  const sheets: Workbook = new Map();
  for (const m of text('xl/workbook.xml').matchAll(/<sheet ([^>]*)\/>/g)) {
    const name = unescapeXml(attribute(m[1]!, 'name')!);
    const target = targets.get(attribute(m[1]!, 'r:id')!)!;
    const cells = new Map<string, StoredCell>();
    for (const c of text(`xl/${target}`).matchAll(/<c ([^>]*?)(?:\/>|>(.*?)<\/c>)/gs)) {
      const attributes = c[1]!;
      const body = c[2] ?? '';
      const ref = attribute(attributes, 'r')!;
      const type = attribute(attributes, 't');
      const formula = /<f[^>]*>(.*?)<\/f>/s.exec(body)?.[1];
      const raw = /<v>(.*?)<\/v>/s.exec(body)?.[1];
      const inline = /<is>(.*?)<\/is>/s.exec(body)?.[1];
      let value: number | string | undefined;
      if (type === 's' && raw !== undefined) value = shared[Number(raw)];
      else if (type === 'inlineStr' && inline !== undefined)
        value = unescapeXml(inline.replace(/<[^>]+>/g, ''));
      else if (type === 'str' || type === 'e')
        value = raw === undefined ? undefined : unescapeXml(raw);
      else if (raw !== undefined) value = Number(raw);
      cells.set(ref, {
        ...(formula === undefined ? {} : { formula: unescapeXml(formula) }),
        ...(value === undefined ? {} : { value }),
      });
    }
    sheets.set(name, cells);
  }
  return { sheets, parts: Object.keys(zip) };
}
