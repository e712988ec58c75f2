import {
  analyzeArchitecture,
  type ConstraintCheck,
  checkConstraints,
  INPUT_SHAPE,
  type LayerAnalysis,
  paramCount,
  type ZooModel,
} from '@s4/models';

/** What `s4 check --json` prints. */
export interface CheckReport {
  model: string;
  params: number;
  multiplyAdds: number;
  /** Receptive field of the network's output, in input pixels (the input is 28×28). */
  receptiveField: number;
  /** Every layer, functional ones included (they have no `summaryName`). */
  layers: LayerAnalysis[];
  constraints: ConstraintCheck[];
  verdict: { passed: boolean; text: string };
}

export function checkReport(model: Pick<ZooModel, 'name' | 'architecture'>): CheckReport {
  const layers = analyzeArchitecture(model.architecture);
  const constraints = checkConstraints(model.architecture);
  const params = paramCount(model.architecture);
  const failed = constraints.filter((c) => !c.passed);
  const receptiveField = layers.at(-1)?.receptiveField ?? 1;
  const text =
    failed.length === 0
      ? `${model.name} meets all ${constraints.length} constraints (${params.toLocaleString('en-US')} parameters, receptive field ${receptiveField} px).`
      : `${model.name} fails ${failed.length} of ${constraints.length} constraints: ${failed.map((c) => `${c.requirement} (${c.found})`).join('; ')}.`;
  return {
    model: model.name,
    params,
    multiplyAdds: layers.reduce((sum, l) => sum + l.multiplyAdds, 0),
    receptiveField,
    layers,
    constraints,
    verdict: { passed: failed.length === 0, text },
  };
}

const thousands = (n: number) => n.toLocaleString('en-US');

/** torchsummary's columns (`{:>20}  {:>25} {:>15}`) and three more. */
const row = (cells: [string, string, string, string, string, string]) =>
  `${cells[0].padStart(20)}  ${cells[1].padStart(25)} ${cells[2].padStart(15)} ${cells[3].padStart(6)} ${cells[4].padStart(6)} ${cells[5].padStart(14)}`;

/** The text `s4 check` prints: the extended torchsummary table, the checklist and the verdict. */
export function formatCheckReport(report: CheckReport): string {
  const rule = '-'.repeat(92);
  const double = '='.repeat(92);
  const lines = [
    rule,
    row(['Layer (type)', 'Output Shape', 'Param #', 'RF', 'Jump', 'Mult-Adds']),
    double,
  ];
  for (const layer of report.layers) {
    if (layer.summaryName === undefined) continue;
    lines.push(
      row([
        layer.summaryName,
        `[${[-1, ...layer.outputShape].join(', ')}]`,
        thousands(layer.params),
        String(layer.receptiveField),
        String(layer.jump),
        thousands(layer.multiplyAdds),
      ]),
    );
  }
  const [, h, w] = INPUT_SHAPE;
  lines.push(
    double,
    `Total params: ${thousands(report.params)}`,
    `Total mult-adds per image: ${thousands(report.multiplyAdds)}`,
    `Receptive field of the output: ${report.receptiveField}×${report.receptiveField} px of the ${h}×${w} input`,
    rule,
    'RF: side of the input square one value sees, r_out = r_in + (k − 1)·j_in; Jump: input pixels',
    'between neighbouring values, j_out = j_in·s; Mult-Adds: conv k·k·C_in per value, Linear in·out.',
    rule,
    'Constraints:',
    ...report.constraints.map((c) => `  ${c.passed ? '✓' : '✗'} ${c.requirement} (${c.found})`),
    rule,
    `Verdict: ${report.verdict.text}`,
  );
  return `${lines.join('\n')}\n`;
}
