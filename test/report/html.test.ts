import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simulateReport } from '../../src/commands/simulate.js';
import { renderHtml } from '../../src/report/html.js';
import { LONG_TABLE_ROWS, percentCell, type Report } from '../../src/report/index.js';
import { simulation } from './fixtures.js';

const report: Report = {
  json: {},
  title: 'ai-ping report',
  alerts: ['GATE FAILED: gini < 0.99 (gini = 0.31)'],
  lead: ['8 requests & <more>'],
  sections: [
    {
      title: 'Models <script>alert(1)</script>',
      columns: ['model', 'requests', 'share'],
      rows: [
        ['<img src=x onerror=alert(1)>', 1234567, percentCell(37.81234, 1)],
        ['b"c', null, null],
      ],
      chart: {
        title: 'Lorenz',
        x: ['0%', '100%'],
        yLabel: '%',
        series: [
          { name: 'demand', values: [0, 100] },
          { name: 'equality', values: [0, 100] },
        ],
      },
    },
    { title: 'Long', columns: ['i'], rows: Array.from({ length: LONG_TABLE_ROWS + 1 }, (_, i) => [i]) },
    { title: 'Short', columns: ['i'], rows: Array.from({ length: LONG_TABLE_ROWS }, (_, i) => [i]) },
    {
      columns: [],
      rows: [],
      charts: [
        { title: 'TTFT', kind: 'bar', x: ['p', 'q'], yLabel: 'ms', series: [{ name: 'TTFT', values: [1, 2] }] },
        { title: 'TPS', kind: 'bar', x: ['p', 'q'], yLabel: 'tok/s', series: [{ name: 'TPS', values: [3, 4] }] },
      ],
    },
  ],
  notes: ['list prices only'],
};

test('html: one self-contained page, escaped text, failed gates first', () => {
  const html = renderHtml(report);
  assert.match(html, /^<!doctype html>\n<html lang="en">/);
  assert.ok(
    !/<script|<link|<img|@import|url\(|src=|href=/i.test(html.replace(/&lt;[^&]*&gt;/g, '')),
    'nothing that loads or runs',
  );
  assert.match(html, /<h2>Models &lt;script&gt;alert\(1\)&lt;\/script&gt;<\/h2>/);
  assert.match(html, /<td>&lt;img src=x onerror=alert\(1\)&gt;<\/td>/);
  assert.match(html, /<td>b&quot;c<\/td>/);
  assert.match(html, /<li>8 requests &amp; &lt;more&gt;<\/li>/);
  // numbers for people: thousands separators, the shown percentage, right-aligned
  assert.match(html, /<td class="num">1,234,567<\/td><td class="num">37\.8%<\/td>/);
  const alerts = html.indexOf('<div class="alerts" role="alert">');
  assert.ok(alerts > 0 && alerts < html.indexOf('<ul class="lead">'), 'the failed gate comes before the lead');
  assert.ok(html.indexOf('<ul class="lead">') < html.indexOf('<section>'), 'the answer before the sections');
  assert.match(html, /<footer class="notes">\n<p>list prices only<\/p>/);
  assert.match(html, /@media print/);
});

test('html: every chart is an inline svg; long tables fold into <details>', () => {
  const html = renderHtml(report);
  assert.equal(html.match(/<svg /g)?.length, 3);
  assert.equal(html.match(/<polyline /g)?.length, 2, 'one polyline per series of the line chart');
  assert.equal(html.match(/<rect class="bar" /g)?.length, 4);
  assert.match(html, /viewBox="0 0 720 /, 'a chart alone is wide');
  assert.equal(html.match(/viewBox="0 0 340 /g)?.length, 2, 'charts side by side are narrow');
  assert.equal(html.match(/<details>/g)?.length, 1, `only the table over ${LONG_TABLE_ROWS} rows folds`);
  assert.match(html, /<h2>Long<\/h2>\n<details><summary>Show all 13 rows<\/summary>\n<div class="table-wrap"><table>/);
});

test('html: deterministic, no date or path of its own', () => {
  assert.equal(renderHtml(report), renderHtml(structuredClone(report)));
  assert.ok(!/\d{4}-\d\d-\d\dT|\/tmp\/|\/home\//.test(renderHtml(report)));
});

test('html: the policy scatter is one inline svg with the front marked; no line across policies', () => {
  const html = renderHtml(simulateReport(simulation()));
  const figure = /<figure>\n(<svg [\s\S]*?<\/svg>)\n<\/figure>/.exec(html)![1];
  assert.equal(figure.match(/<circle class="point marked"/g)?.length, 2, 'cost and throughput are on the front');
  assert.equal(figure.match(/<polyline class="front"/g)?.length, 1);
  assert.doesNotMatch(figure, /class="series"/, 'no polyline joins the policies as a series');
  assert.match(figure, /not drawn \(no figure\): balanced/);
  assert.match(html, /viewBox="0 0 720 /, 'the scatter alone is wide');
});
