import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simulateReport } from '../../src/commands/simulate.js';
import type { Chart } from '../../src/report/index.js';
import { escapeXml, niceScale, niceStep, svgChart, svgScatter } from '../../src/report/svg.js';
import { simulation } from './fixtures.js';

const attr = (tag: string, name: string) => new RegExp(`${name}="([^"]*)"`).exec(tag)?.[1];
const tags = (svg: string, name: string) => svg.match(new RegExp(`<${name}\\b[^>]*>`, 'g')) ?? [];

test('round axis steps: 1, 2, 2.5 or 5 times a power of ten; 0 always on the axis', () => {
  assert.equal(niceStep(2.5), 2.5);
  assert.equal(niceStep(0.075), 0.1);
  assert.equal(niceStep(260), 500);
  assert.equal(niceStep(130), 200);
  assert.deepEqual(niceScale([0, 5, 10]), { lo: 0, hi: 10, ticks: [0, 2.5, 5, 7.5, 10] });
  // -8 .. 118: raw step 31.5 -> 50
  assert.deepEqual(niceScale([-8, 118]), { lo: -50, hi: 150, ticks: [-50, 0, 50, 100, 150] });
  assert.deepEqual(niceScale([0.1, 0.3]), { lo: 0, hi: 0.3, ticks: [0, 0.1, 0.2, 0.3] });
  assert.deepEqual(niceScale([]), { lo: 0, hi: 1, ticks: [0, 1] });
});

test('a line chart: one polyline per series at hand-computed points, ticks, labels and a legend', () => {
  const chart: Chart = {
    title: 'A <b> & "c"',
    x: ['a', 'b', 'c'],
    yLabel: 'ms',
    series: [
      { name: 'up', values: [0, 5, 10] },
      { name: 'down', values: [10, 5, 0] },
    ],
  };
  const svg = svgChart(chart);
  // width 640, plot from x 64 to 624 (three slots of 186.67, points mid-slot), y 40 (10) to 260 (0)
  const lines = tags(svg, 'polyline');
  assert.equal(lines.length, 2);
  assert.equal(attr(lines[0], 'points'), '157.3,260 344,150 530.7,40');
  assert.equal(attr(lines[1], 'points'), '157.3,40 344,150 530.7,260');
  assert.equal(attr(lines[1], 'stroke-dasharray'), '6 3', 'the second series is dashed, for grey print');
  const ticks = [...svg.matchAll(/<text class="tick"[^>]*text-anchor="end">([^<]*)<\/text>/g)].map((m) => m[1]);
  assert.deepEqual(ticks, ['0', '2.5', '5', '7.5', '10']);
  const xLabels = [...svg.matchAll(/<text class="tick" x="([^"]*)"[^>]*text-anchor="middle">([^<]*)<\/text>/g)].map(
    (m) => [m[1], m[2]],
  );
  assert.deepEqual(xLabels, [
    ['157.3', 'a'],
    ['344', 'b'],
    ['530.7', 'c'],
  ]);
  assert.match(svg, /<title>A &lt;b&gt; &amp; &quot;c&quot;<\/title>/);
  assert.ok(!svg.includes('<b>'), 'the title is escaped');
  assert.deepEqual(
    [...svg.matchAll(/<g class="legend">.*?<text[^>]*>([^<]*)<\/text><\/g>/g)].map((m) => m[1]),
    ['up', 'down'],
  );
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" class="chart" viewBox="0 0 640 \d+"/);
});

test('a gap in a series is a gap in its line; a lone point is a dot', () => {
  const svg = svgChart({
    title: 't',
    x: ['a', 'b', 'c', 'd', 'e'],
    yLabel: '%',
    series: [{ name: 's', values: [1, 2, null, 4, null] }],
  });
  assert.equal(tags(svg, 'polyline').length, 1);
  assert.equal(tags(svg, 'circle').length, 1);
});

test('a bar chart: one rect per value at hand-computed coordinates, with its value on top', () => {
  const svg = svgChart(
    { title: 'TTFT', kind: 'bar', x: ['p', 'q'], yLabel: 'ms', series: [{ name: 'median TTFT', values: [400, 1000] }] },
    { width: 340 },
  );
  // axis 0..1000 in steps of 250; plot x 64..324: two slots of 130, bars 80% of a slot (104) from 13 in
  const bars = tags(svg, 'rect').filter((t) => t.includes('class="bar"'));
  assert.deepEqual(
    bars.map((b) => ['x', 'y', 'width', 'height'].map((a) => attr(b, a))),
    [
      ['77', '172', '104', '88'], // 400: y = 40 + 220 * 600 / 1000
      ['207', '40', '104', '220'],
    ],
  );
  const values = [...svg.matchAll(/<text class="value" x="([^"]*)" y="([^"]*)"[^>]*>([^<]*)</g)].map((m) => m.slice(1));
  assert.deepEqual(values, [
    ['129', '168', '400'],
    ['259', '36', '1,000'],
  ]);
  assert.equal(tags(svg, 'polyline').length, 0);
});

test('bars below zero hang from the zero line', () => {
  const svg = svgChart(
    { title: 't', kind: 'bar', x: ['a'], yLabel: '%', series: [{ name: 's', values: [-10] }] },
    { width: 340 },
  );
  // -10..0 in steps of 2.5: zero at y 40, -10 at 260
  const bar = tags(svg, 'rect').find((t) => t.includes('class="bar"'))!;
  assert.equal(attr(bar, 'y'), '40');
  assert.equal(attr(bar, 'height'), '220');
});

test('long x labels turn, and the plot moves right so the first one stays on the drawing', () => {
  const x = ['deepseek-official (official)', 'provider-a', 'provider-b'];
  const svg = svgChart(
    { title: 't', kind: 'bar', x, yLabel: 'ms', series: [{ name: 's', values: [1, 2, 3] }] },
    { width: 340 },
  );
  const first = /<text class="tick" x="([^"]*)" y="[^"]*" transform="rotate\(-35 /.exec(svg);
  assert.ok(first, 'labels are turned');
  // 28 characters of about 6.5 px reach 28 * 6.5 * cos 35° ≈ 149 px left of their anchor
  assert.ok(Number(first[1]) - 28 * 6.5 * 0.82 >= 0, `first label anchored at ${first[1]}`);
});

test('escapeXml escapes the five XML characters', () => {
  assert.equal(escapeXml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
});

test('values that are not finite numbers are left out, never drawn at NaN', () => {
  const svg = svgChart({
    title: 't',
    x: ['a', 'b', 'c'],
    yLabel: '%',
    series: [{ name: 's', values: [1, Number.POSITIVE_INFINITY, Number.NaN] }],
  });
  assert.ok(!svg.includes('NaN') && !svg.includes('Infinity'));
  assert.equal(tags(svg, 'circle').length, 1);
});

test('a missing bar is marked n/a at the zero line, never drawn as a bar of 0', () => {
  const svg = svgChart(
    { title: 'TTFT', kind: 'bar', x: ['p', 'q'], yLabel: 'ms', series: [{ name: 'median TTFT', values: [400, null] }] },
    { width: 340 },
  );
  // one bar (p); q's slot (x 194..324, bar from 207, 104 wide) says n/a above the zero line at y 260
  assert.equal(tags(svg, 'rect').filter((t) => t.includes('class="bar"')).length, 1);
  const missing = [...svg.matchAll(/<text class="value missing" x="([^"]*)" y="([^"]*)"[^>]*>n\/a<title>([^<]*)</g)];
  assert.deepEqual(
    missing.map((m) => m.slice(1)),
    [['259', '256', 'q, median TTFT: no figure']],
  );
});

test('a series without any figure says so in the legend, and draws nothing', () => {
  const svg = svgChart({
    title: 't',
    x: ['a', 'b'],
    yLabel: '%',
    series: [
      { name: 'up', values: [1, 2] },
      { name: 'gone', values: [null, null] },
    ],
  });
  assert.equal(tags(svg, 'polyline').length, 1);
  assert.deepEqual(
    [...svg.matchAll(/<g class="legend">.*?<text[^>]*>([^<]*)<\/text><\/g>/g)].map((m) => m[1]),
    ['up', 'gone (no data)'],
  );
});

test('the policy scatter: cost change against throughput change, at hand-computed points, the front joined', () => {
  const scatter = simulateReport(simulation()).sections.find((s) => s.scatter)!.scatter!;
  const svg = svgScatter(scatter);
  // x: cost −35.96% and +25% → axis −40..40 in steps of 20; plot x 64..624, 7 px per point: x(v) = 64 + 7 (v + 40)
  // y: throughput −25% and +50% → axis −40..60 in steps of 20; plot y 40..260: y(v) = 40 + 2.2 (60 − v)
  // cost (−35.9567901375, −25) → (92.3, 227); throughput (25, 50) → (519, 62); the baseline (0, 0) → (344, 172)
  const points = tags(svg, 'circle').filter((t) => t.includes('class="point'));
  assert.deepEqual(
    points.map((p) => [attr(p, 'class'), attr(p, 'cx'), attr(p, 'cy')]),
    [
      ['point marked', '92.3', '227'],
      ['point marked', '519', '62'],
    ],
  );
  const front = tags(svg, 'polyline');
  assert.deepEqual(
    front.map((t) => [attr(t, 'class'), attr(t, 'points')]),
    [['front', '92.3,227 519,62']],
    'the front, in cost order',
  );
  const axes = tags(svg, 'line').filter((t) => t.includes('class="axis"'));
  assert.deepEqual(
    axes.map((a) => ['x1', 'x2', 'y1', 'y2'].map((k) => attr(a, k))),
    [
      ['344', '344', '40', '260'],
      ['64', '624', '172', '172'],
    ],
    'the axes cross at the baseline',
  );
  // labels: right of a point, left of one in the right third (x > 437.3)
  const labels = [...svg.matchAll(/<text class="point-label" x="([^"]*)" y="([^"]*)" text-anchor="([^"]*)">([^<]*)</g)];
  assert.deepEqual(
    labels.map((m) => m.slice(1)),
    [
      ['100.3', '221', 'start', 'cost'],
      ['511', '56', 'end', 'throughput'],
    ],
  );
  assert.match(svg, /<title>cost: cost change −36%, throughput change −25% \(Pareto front\)<\/title>/);
  assert.match(svg, /<text class="missing"[^>]*>not drawn \(no figure\): balanced<\/text>/);
  assert.match(svg, /<text class="axis-label"[^>]*>cost change, %<\/text>/);
  const xTicks = [...svg.matchAll(/<text class="tick" x="[^"]*" y="276" text-anchor="middle">([^<]*)</g)].map(
    (m) => m[1],
  );
  assert.deepEqual(xTicks, ['-40', '-20', '0', '20', '40']);
});

test('a scatter point off the front is hollow and not joined', () => {
  const svg = svgScatter({
    title: 't',
    xLabel: 'x',
    yLabel: 'y',
    points: [
      { label: 'a', x: -10, y: 10, marked: true },
      { label: 'b', x: 5, y: -5 },
    ],
    marked: 'front',
    unmarked: 'others',
  });
  assert.equal(tags(svg, 'polyline').length, 0, 'one point on the front: no line');
  const points = tags(svg, 'circle').filter((t) => t.includes('class="point'));
  assert.deepEqual(
    points.map((p) => [attr(p, 'class'), attr(p, 'fill')]),
    [
      ['point marked', '#d55e00'],
      ['point', '#fff'],
    ],
  );
  assert.deepEqual(
    [...svg.matchAll(/<g class="legend">.*?<text[^>]*>([^<]*)<\/text><\/g>/g)].map((m) => m[1]),
    ['front', 'others'],
  );
});
