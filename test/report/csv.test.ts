import assert from 'node:assert/strict';
import { test } from 'node:test';
import { providersReport } from '../../src/commands/providers.js';
import { parseGate } from '../../src/commands/gates.js';
import { reportCsv, type ReportResult } from '../../src/commands/report.js';
import { simulateReport } from '../../src/commands/simulate.js';
import { renderCsv } from '../../src/report/csv.js';
import { percentCell } from '../../src/report/index.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { offerings, simulation } from './fixtures.js';

test('csv: raw numbers, no separators, units or rounding; text quoted when it must be', () => {
  const csv = renderCsv({
    json: {},
    sections: [
      {
        columns: ['model', 'requests', 'share', 'ratio', 'note'],
        rows: [
          ['Qwen3-32B', 1234567, percentCell(37.81234, 1), { value: 1.4166666666666667, text: '1.4x' }, 'a, "b"'],
          ['x', 0.000123, percentCell(null), null, undefined],
        ],
      },
      { columns: ['ignored'], rows: [[1]] },
    ],
  });
  assert.equal(
    csv,
    'model,requests,share,ratio,note\nQwen3-32B,1234567,37.81234,1.4166666666666667,"a, ""b"""\nx,0.000123,,,\n',
  );
});

test("csv: a report's own csv table replaces its first section", () => {
  const csv = renderCsv({
    json: {},
    sections: [{ columns: ['shown'], rows: [['37.8%']] }],
    csv: { columns: ['raw'], rows: [[37.81234]] },
  });
  assert.equal(csv, 'raw\n37.81234\n');
});

test('simulate csv: raw numbers, intervals as low and high, routing and exclusions one column each', () => {
  const r = simulation();
  const lines = renderCsv(simulateReport(r)).split('\n');
  assert.deepEqual(lines[0].split(','), [
    'policy',
    'compared',
    'infeasible',
    'excluded no_baseline_offering',
    'excluded no_baseline_price',
    'excluded baseline_infeasible',
    'excluded no_state',
    'excluded anomalous_price',
    'excluded no_feasible_candidate',
    'baseline cost',
    'policy cost',
    'savings %',
    'savings 95% CI low',
    'savings 95% CI high',
    'baseline TPS',
    'policy TPS',
    'TPS gain %',
    'gain 95% CI low',
    'gain 95% CI high',
    'mean TTFT ms',
    'p50 e2e ms',
    'p90 e2e ms',
    'failure rate %',
    'failure rate without fallback %',
    'cache hit rate %',
    'logged cache hit rate %',
    'lost cache cost',
    'routing provider-a %',
    'routing provider-b %',
    'routing provider-c %',
  ]);
  // cost: 8 → 5.123456789 is a saving of (8 − 5.123456789) / 8 × 100 = 35.9567901375 percent, written
  // as that number (the table shows 36.0%); the 20 not compared are 15 + 5 by reason; 88.6% of its
  // requests went to provider-a, none to provider-c (0, a figure, not a gap)
  assert.equal(
    lines[1],
    'cost,1000,20,0,15,0,0,0,5,8,5.123456789,35.9567901375,34.912345678,36.987654321,40,30,-25,-26.54321,-23.45678,' +
      '1872.6449,10628.91,80909.04,1.41234,1.5,20,25,0.4,88.6,11.4,0',
  );
  // no interval, no latency figures: empty cells, never 0
  assert.equal(lines[2], 'throughput,1000,20,0,20,0,0,0,0,8,10,-25,,,40,60,50,,,,,,,,20,25,0.4,0,0,100');
  assert.equal(lines[3], 'balanced,1000,20,0,20,0,0,0,0,8,6,25,,,,,,,,,,,,,20,25,0.4,0,0,0');
  assert.equal(lines.length, 5, 'three policies and the final newline');
  assert.ok(!lines.slice(1).some((l) => l.includes('%')), 'no cell carries a % sign');
  // the table keeps the figures for people
  const md = renderMarkdown(simulateReport(r));
  assert.match(md, /^\| cost \| 1,000 \| 20 \| 8 \| 5\.12 \| 36\.0% \| 34\.9 \.\. 37\.0 \|/m);
});

test('report csv: the gates, raw, when there are gates; else the routing table, raw', () => {
  const result: ReportResult = {
    analysis: {} as ReportResult['analysis'],
    simulation: simulation(),
    reconciliation: {} as ReportResult['reconciliation'],
    prices: { first: null, last: null, staleDays: null },
    figures: {} as ReportResult['figures'],
    gates: [{ ...parseGate('savingsPct < 40'), actual: 35.9567901375, failed: true }],
  };
  // reportReport needs the analysis for its sections; csv needs only the gates or the replay
  const csvOf = (r: ReportResult) => renderCsv({ json: {}, sections: [], csv: reportCsv(r) });
  assert.equal(csvOf(result), 'gate,value,result\nsavingsPct < 40,35.9567901375,FAILED\n');
  assert.match(csvOf({ ...result, gates: [] }).split('\n')[1], /^cost,1000,20,.*,8,5\.123456789,35\.9567901375,/);
});

test('providers csv: one table over every model, with the model beside the provider, times unrounded', () => {
  const report = providersReport(offerings());
  assert.equal(report.sections.length, 2, 'the table and md keep one section per model');
  const lines = renderCsv(report).split('\n');
  assert.deepEqual(lines[0].split(',').slice(0, 3), ['provider', 'model', 'listed as']);
  assert.equal(lines.length, 5, 'three offerings of two models, and the final newline');
  const cells = lines.map((l) => l.split(','));
  const col = (name: string) => cells[0].indexOf(name);
  assert.deepEqual(
    cells.slice(1, 4).map((c) => [c[0], c[1], c[col('TTFT p50 ms')], c[col('e2e p90 ms')], c[col('success')]]),
    [
      // success 2 of 3 measurements: 66.666…%, in percent, unrounded
      ['qwen-official (official)', 'Qwen3-32B', '450.4', '2800.6', String((2 / 3) * 100)],
      ['provider-a', 'Qwen3-32B', '', '', ''],
      ['openrouter (gateway)', 'DeepSeek-V3.2', '999.5', '', ''],
    ],
  );
  // people still read whole milliseconds and one decimal of a percentage
  const md = renderMarkdown(report);
  assert.match(md, /^\| qwen-official \(official\) \|.*\| 450 \| 42\.5 \| 2,801 \| 66\.7% \|/m);
});
