import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LONG_TABLE_ROWS } from '../../src/report/index.js';
import { simulateReport } from '../../src/commands/simulate.js';
import { mermaidChart, mermaidScatter, renderMarkdown } from '../../src/report/markdown.js';
import { simulation } from './fixtures.js';

test('a bar chart becomes Mermaid bar series', () => {
  assert.deepEqual(
    mermaidChart({
      title: 'Qwen3-32B: median TTFT',
      kind: 'bar',
      x: ['a (official)', 'b'],
      yLabel: 'ms',
      series: [{ name: 'TTFT', values: [600, 1800] }],
    }),
    [
      '```mermaid',
      'xychart-beta',
      '  title "Qwen3-32B: median TTFT"',
      '  x-axis ["a (official)", "b"]',
      '  y-axis "ms" 0 --> 1890', // 1800 * 1.05
      '  bar [600, 1800]',
      '```',
    ],
  );
});

test('a line chart stays lines; an x value without a figure is left out and named, never drawn at 0', () => {
  const md = mermaidChart({ title: 't', x: ['a', 'b'], yLabel: '%', series: [{ name: 's', values: [1.23456, null] }] });
  assert.deepEqual(md, [
    '```mermaid',
    'xychart-beta',
    '  title "t"',
    '  x-axis ["a"]',
    '  y-axis "%" 0 --> 1.3', // max(1, 1.235) × 1.05
    '  line [1.235]',
    '```',
    '',
    '_t: no figure (not drawn) for b_',
  ]);
});

test('series missing figures at different x values get a chart each, of the values they have', () => {
  const md = mermaidChart({
    title: 'TPS',
    kind: 'bar',
    x: ['p', 'q', 'r'],
    yLabel: 'tok/s',
    series: [
      { name: 'median', values: [10, null, 30] },
      { name: 'p90', values: [20, 40, Number.NaN] },
    ],
  });
  assert.deepEqual(
    md.filter((l) => /^ {2}(title|x-axis|bar)/.test(l) || l.startsWith('_')),
    [
      '  title "TPS: median"',
      '  x-axis ["p", "r"]',
      '  bar [10, 30]',
      '  title "TPS: p90"',
      '  x-axis ["p", "q"]',
      '  bar [20, 40]',
      '_TPS: no figure (not drawn) for median: q; p90: r_',
    ],
  );
});

test('a chart without any figure draws nothing and says so', () => {
  const md = mermaidChart({ title: 't', x: ['a'], yLabel: '%', series: [{ name: 's', values: [null] }] });
  assert.deepEqual(md, ['_t: no figure (not drawn) for a_']);
});

test('the policy scatter becomes a Mermaid quadrant chart centred on the baseline', () => {
  const md = mermaidScatter(simulateReport(simulation()).sections.find((s) => s.scatter)!.scatter!);
  // cost change −35.96% and +25%: the x axis spans ±50 (the round step above 35.96); throughput −25%
  // and +50%: ±50. A point sits at 0.5 + change / 100: cost (0.14, 0.25), throughput (0.75, 1)
  assert.deepEqual(md, [
    '```mermaid',
    'quadrantChart',
    "  title Cost change vs throughput change per policy, against baseline 'official'",
    '  x-axis "cost change −50%" --> "cost change +50%"',
    '  y-axis "throughput change −50%" --> "throughput change +50%"',
    '  "cost (Pareto front)": [0.14, 0.25]',
    '  "throughput (Pareto front)": [0.75, 1]',
    '```',
    '',
    "_Cost change vs throughput change per policy, against baseline 'official': no figure (not drawn) for balanced_",
  ]);
  assert.match(renderMarkdown(simulateReport(simulation())), /```mermaid\nquadrantChart\n/);
  assert.doesNotMatch(renderMarkdown(simulateReport(simulation())), /xychart-beta/, 'no line across policies');
});

test('alerts come first; long tables fold into <details> with blank lines for GitHub', () => {
  const rows = (n: number) => Array.from({ length: n }, (_, i) => [i]);
  const md = renderMarkdown({
    json: {},
    alerts: ['GATE FAILED: x'],
    lead: ['answer'],
    sections: [
      { title: 'Long', columns: ['i'], rows: rows(LONG_TABLE_ROWS + 1) },
      { title: 'Short', columns: ['i'], rows: rows(LONG_TABLE_ROWS) },
      {
        columns: [],
        rows: [],
        charts: [
          { title: 'a', kind: 'bar', x: ['p'], yLabel: 'ms', series: [{ name: 'a', values: [1] }] },
          { title: 'b', kind: 'bar', x: ['p'], yLabel: 'ms', series: [{ name: 'b', values: [2] }] },
        ],
      },
    ],
  });
  const lines = md.split('\n');
  assert.deepEqual(lines.slice(0, 3), ['- **GATE FAILED: x**', '- **answer**', '']);
  assert.deepEqual(lines.slice(3, 9), [
    '### Long',
    '',
    '<details><summary>Show all 13 rows</summary>',
    '',
    '| i |',
    '| ---: |',
  ]);
  assert.equal(md.match(/<details>/g)?.length, 1);
  assert.match(md, /\| 12 \|\n\n<\/details>\n/);
  assert.equal(md.match(/```mermaid/g)?.length, 2);
});
