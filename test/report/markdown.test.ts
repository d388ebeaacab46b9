import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LONG_TABLE_ROWS } from '../../src/report/index.js';
import { mermaidChart, renderMarkdown } from '../../src/report/markdown.js';

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

test('a line chart stays lines', () => {
  const md = mermaidChart({ title: 't', x: ['a', 'b'], yLabel: '%', series: [{ name: 's', values: [1.23456, null] }] });
  assert.equal(md[5], '  line [1.235, 0]');
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
