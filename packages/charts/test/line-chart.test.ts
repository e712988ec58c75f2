import { describe, expect, test } from 'vitest';
import { type LineChart, renderSvg, SERIES_COLORS } from '../src/index';

const chart = (overrides: Partial<LineChart> = {}): LineChart => ({
  kind: 'line',
  title: 'E_total <&> "rates"',
  legendTitle: 'learning rate η',
  panels: [
    {
      x: { title: 'iteration', integer: true },
      y: { title: 'E_total' },
      series: [
        {
          label: '0.1',
          points: [
            [0, 0.3],
            [1, 0.2],
            [2, 0.1],
          ],
        },
        {
          label: '2',
          points: [
            [0, 0.3],
            [1, Number.NaN],
            [2, 0.05],
          ],
          dashed: true,
        },
      ],
    },
  ],
  ...overrides,
});

const numbers = (svg: string, anchor: string) =>
  [...svg.matchAll(new RegExp(`text-anchor="${anchor}"[^>]*>([^<]+)</text>`, 'g'))].map(
    (m) => m[1]!,
  );

describe('line charts', () => {
  test('axis titles, legend title and entries are text, with XML specials escaped', () => {
    const svg = renderSvg(chart());
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    for (const text of ['iteration', 'E_total', 'learning rate η', '0.1', '2'])
      expect(svg).toContain(`>${text}</text>`);
    expect(svg).toContain('E_total &lt;&amp;&gt; &quot;rates&quot;');
    expect(svg).not.toContain('<&>');
  });

  test('series take the categorical colours in order; dashed series are dashed', () => {
    const svg = renderSvg(chart());
    const paths = [
      ...svg.matchAll(
        /<path class="series-line" data-series="[^"]*" d="(M[^"]+)" fill="none" stroke="([^"]+)"([^>]*)\/>/g,
      ),
    ];
    const lines = paths;
    expect(svg.match(/class="legend-label"[^>]*>([^<]+)</g)?.length).toBe(2);
    expect(lines.map((p) => p[2])).toEqual([SERIES_COLORS[0], SERIES_COLORS[1]]);
    expect(lines[1]![3]).toContain('stroke-dasharray');
    // The non-finite point breaks the second line in two pieces.
    expect(lines[1]![1]!.match(/M/g)).toHaveLength(2);
    expect(lines[0]![1]!.match(/M/g)).toHaveLength(1);
  });

  test('an integer axis labels whole numbers only; a percent format labels percentages', () => {
    const integer = numbers(renderSvg(chart()), 'middle').filter((t) => /^[\d.]+$/.test(t));
    expect(integer).toEqual(['0', '1', '2']);
    const percent = renderSvg(
      chart({
        panels: [
          {
            x: { title: 'step' },
            y: { title: 'accuracy', domain: [0, 1], format: '.0%' },
            series: [
              {
                label: 'a',
                points: [
                  [1, 0.5],
                  [2, 0.75],
                ],
              },
            ],
          },
        ],
      }),
    );
    const labels = numbers(percent, 'end');
    expect(labels[0]).toBe('0%');
    expect(labels.at(-1)).toBe('100%');
  });

  test('a flat series still gets an extent, and every coordinate is a finite number', () => {
    const svg = renderSvg(
      chart({
        panels: [
          {
            x: { title: 'x' },
            y: { title: 'y' },
            series: [
              {
                label: 'flat',
                points: [
                  [1, 5],
                  [2, 5],
                ],
                markers: true,
              },
            ],
          },
        ],
      }),
    );
    expect(svg).not.toMatch(/NaN|Infinity/);
    expect(svg.match(/<circle /g)).toHaveLength(2);
  });

  test('panels side by side are wider than tall; stacked, taller than wide', () => {
    const two = chart().panels.concat(chart().panels);
    const size = (svg: string) =>
      svg
        .match(/width="(\d+)" height="(\d+)"/)!
        .slice(1)
        .map(Number);
    const [rw, rh] = size(renderSvg(chart({ panels: two })));
    const [cw, ch] = size(renderSvg(chart({ panels: two, layout: 'column' })));
    expect(rw!).toBeGreaterThan(rh!);
    expect(ch!).toBeGreaterThan(cw!);
  });
});
