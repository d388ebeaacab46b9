import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prepareNames } from '../../src/query/model-map.js';
import {
  INPUT_CLASSES,
  lengthClass,
  OUTPUT_CLASSES,
  regimeLabel,
  taskRegimes,
} from '../../src/metrics/task-regimes.js';
import { Store } from '../../src/store/db.js';
import { approx } from './analyze-fixtures.js';

/** (task, input tokens, output tokens) per request. */
const REQUESTS: [string | null, number, number][] = [
  ['code', 1000, 100],
  ['code', 2000, 200],
  ['code', 3000, 300],
  ['code', 4000, 400],
  ['code', 10000, 1000],
  ['doc-analysis', 16000, 100],
  ['doc-analysis', 24000, 300],
  ['chat', 0, 50],
  [null, 500, 3000],
  [null, 700, 5000],
];

async function regimeStore(): Promise<Store> {
  const s = await Store.open(':memory:');
  const values = REQUESTS.map(([t, i, o], k) => `(${k}, ${t === null ? 'NULL' : `'${t}'`}, ${i}, ${o})`).join(', ');
  await s.run(`INSERT INTO requests (request_id, ts, model, provider, task, input_tokens, output_tokens, status)
    SELECT 'r' || k, TIMESTAMP '2025-10-01 12:00:00', 'Qwen3-32B', 'p', task, i, o, 'ok'
    FROM (VALUES ${values}) v(k, task, i, o)`);
  await prepareNames(s);
  return s;
}

test('task regimes: shares, interpolated percentiles, output/input ratio and the regime label', async () => {
  const s = await regimeStore();
  try {
    const r = await taskRegimes(s, { by: 'tokens' });
    // demand (tokens): code 20000 + 2000, doc-analysis 40000 + 400, chat 50, none 1200 + 8000; total 71650
    assert.deepEqual(
      approx(r.tasks),
      approx([
        {
          task: 'code',
          requests: 5,
          requestShare: 50,
          demand: 22000,
          demandShare: (22000 / 71650) * 100,
          // every ratio is 0.1
          meanOutputInputRatio: 0.1,
          // 1000 2000 3000 4000 10000: p50 = 3000; p90 at position 0.9 × 4 = 3.6 → 4000 + 0.6 × 6000 = 7600;
          // p99 at 3.96 → 4000 + 0.96 × 6000 = 9760
          inputTokens: { p50: 3000, p90: 7600, p99: 9760 },
          // the same / 10
          outputTokens: { p50: 300, p90: 760, p99: 976 },
          inputClass: 'medium', // 1024 ≤ 3000 < 8192
          outputClass: 'medium', // 256 ≤ 300 < 2048
          regime: 'medium-in / medium-out',
        },
        {
          task: 'doc-analysis',
          requests: 2,
          requestShare: 20,
          demand: 40400,
          demandShare: (40400 / 71650) * 100,
          // (100 / 16000 + 300 / 24000) / 2 = (0.00625 + 0.0125) / 2
          meanOutputInputRatio: 0.009375,
          // 16000 + q × 8000 for q = 0.5, 0.9, 0.99
          inputTokens: { p50: 20000, p90: 23200, p99: 23920 },
          // 100 + q × 200
          outputTokens: { p50: 200, p90: 280, p99: 298 },
          inputClass: 'long',
          outputClass: 'short',
          regime: 'long-in / short-out',
        },
        {
          // requests without a task label: the tie with doc-analysis (2 requests) puts the label first
          task: null,
          requests: 2,
          requestShare: 20,
          demand: 9200,
          demandShare: (9200 / 71650) * 100,
          // (3000 / 500 + 5000 / 700) / 2 = (6 + 7.142857…) / 2
          meanOutputInputRatio: (6 + 5000 / 700) / 2,
          inputTokens: { p50: 600, p90: 680, p99: 698 },
          outputTokens: { p50: 4000, p90: 4800, p99: 4980 },
          inputClass: 'short',
          outputClass: 'long',
          regime: 'short-in / long-out',
        },
        {
          task: 'chat',
          requests: 1,
          requestShare: 10,
          demand: 50,
          demandShare: (50 / 71650) * 100,
          // its only request has no input: no ratio
          meanOutputInputRatio: null,
          inputTokens: { p50: 0, p90: 0, p99: 0 },
          outputTokens: { p50: 50, p90: 50, p99: 50 },
          inputClass: 'short',
          outputClass: 'short',
          regime: 'short-in / short-out',
        },
      ]),
    );
  } finally {
    s.close();
  }
});

test('task regimes with --task, --by requests, and for a period with no data', async () => {
  const s = await regimeStore();
  try {
    const code = await taskRegimes(s, { by: 'requests', task: 'code' });
    assert.deepEqual(
      code.tasks.map((t) => [t.task, t.requests, t.requestShare, t.demand, t.demandShare]),
      [['code', 5, 100, 5, 100]],
    );
    const byRequests = await taskRegimes(s, { by: 'requests' });
    assert.deepEqual(
      byRequests.tasks.map((t) => t.demandShare),
      byRequests.tasks.map((t) => t.requestShare),
    );
    assert.deepEqual(await taskRegimes(s, { by: 'tokens', from: '2030-01-01' }), { unit: 'tokens', tasks: [] });
  } finally {
    s.close();
  }
});

test('length classes: lower bounds belong to the longer class', () => {
  assert.deepEqual(
    [1023, 1024, 8191, 8192].map((n) => lengthClass(n, INPUT_CLASSES)),
    ['short', 'medium', 'medium', 'long'],
  );
  assert.deepEqual(
    [255, 256, 2047, 2048].map((n) => lengthClass(n, OUTPUT_CLASSES)),
    ['short', 'medium', 'medium', 'long'],
  );
  assert.equal(regimeLabel(20000, 100), 'long-in / short-out');
});
