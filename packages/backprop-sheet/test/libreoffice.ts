import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

// Without this, LibreOffice shows an .xlsx's cached values instead of computing the formulas
// (OOXMLRecalcMode: 0 = always recalculate, 1 = never, 2 = ask).
const ALWAYS_RECALCULATE = `<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
`;

/**
 * Opens each workbook in headless LibreOffice Calc with a throwaway profile that recalculates on
 * load, and saves it again as .xlsx: the returned bytes hold the engine's values. One soffice
 * launch for all files (it takes seconds to start).
 */
export function recalculateWithLibreOffice(
  workbooks: Record<string, Uint8Array>,
): Record<string, Uint8Array> {
  const root = mkdtempSync(join(tmpdir(), 's4-libreoffice-'));
  mkdirSync(join(root, 'profile', 'user'), { recursive: true });
  writeFileSync(join(root, 'profile', 'user', 'registrymodifications.xcu'), ALWAYS_RECALCULATE);
  mkdirSync(join(root, 'in'));
  const inputs = Object.entries(workbooks).map(([name, bytes]) => {
    const path = join(root, 'in', `${name}.xlsx`);
    writeFileSync(path, bytes);
    return path;
  });
  const result = spawnSync(
    'soffice',
    [
      `-env:UserInstallation=file://${join(root, 'profile')}`,
      '--headless',
      '--norestore',
      '--convert-to',
      'xlsx:Calc MS Excel 2007 XML',
      '--outdir',
      join(root, 'out'),
      ...inputs,
    ],
    { encoding: 'utf8', timeout: 180_000 },
  );
  if (result.error)
    throw new Error(`could not run soffice (LibreOffice Calc): ${result.error.message}`);
  try {
    const outputs: Record<string, Uint8Array> = {};
    for (const path of inputs) {
      const name = basename(path, '.xlsx');
      try {
        outputs[name] = readFileSync(join(root, 'out', `${name}.xlsx`));
      } catch {
        throw new Error(
          `soffice did not convert ${name}.xlsx:\n${result.stdout}\n${result.stderr}`,
        );
      }
    }
    return outputs;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
