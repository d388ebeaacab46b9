/**
 * The outcome-model fit judges only over enough requests, and falls back on the
 * logged end-to-end latency where a log has no TTFT; every figure worked out by hand.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simulateReport } from '../../src/commands/simulate.js';
import { renderCsv } from '../../src/report/csv.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { judgeFit, MIN_FIT_REQUESTS } from '../../src/simulate/fit.js';
import { openMarket, run, type Req } from './market.js';

const none = { n: 0, mdape: null, bias: null };

test('a figure over fewer than 100 requests keeps its count and loses its errors', () => {
  assert.equal(MIN_FIT_REQUESTS, 100);
  const fit = judgeFit({
    cost: { n: 100, mdape: 4, bias: -1 },
    ttft: { n: 99, mdape: 80, bias: 80 },
    tps: none,
    latency: none,
  });
  assert.equal(fit.judged, true);
  assert.deepEqual(fit.cost, { n: 100, mdape: 4, bias: -1 });
  assert.deepEqual(fit.ttft, { n: 99, mdape: null, bias: null });
  // the verdict reads the judged figures only: cost's 4%, not TTFT's 80% over 99 requests
  assert.match(fit.verdict, /^close fit \(median errors below 4%\)/);
  assert.equal(fit.reason, undefined);
});

test('below 100 requests on every figure: too few requests to judge, no errors, a reason', () => {
  const fit = judgeFit({
    cost: { n: 99, mdape: 3, bias: 1 },
    ttft: { n: 42, mdape: 5, bias: 1 },
    tps: { n: 42, mdape: 5, bias: 1 },
    latency: none,
  });
  assert.equal(fit.judged, false);
  assert.equal(
    fit.reason,
    'too few requests to judge: at most 99 with a logged cost, TTFT or latency to compare with the model, 100 needed',
  );
  assert.equal(fit.verdict, fit.reason);
  assert.deepEqual(
    [fit.cost, fit.ttft, fit.tps].map((f) => [f.n, f.mdape, f.bias]),
    [
      [99, null, null],
      [42, null, null],
      [42, null, null],
    ],
  );
  assert.equal(judgeFit({ cost: none, ttft: none, tps: none, latency: none }).judged, false);
  assert.match(
    judgeFit({ cost: none, ttft: none, tps: none, latency: none }).reason!,
    /^no logged cost, TTFT or latency/,
  );
});

/** `n` requests of 1000 input and 100 output tokens at x, one a second from 00:00:00, all in the first window. */
function requests(n: number, from = 0): Req[] {
  return Array.from({ length: n }, (_, i) => {
    const s = from + i;
    const ts = `2025-10-01 00:${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
    return [`r${s}`, ts, 'x', 1000, 100, 0, null];
  });
}

async function market(n: number) {
  // x: 1 / 2 per 1 M tokens; its state in window 00:00: TTFT 500 ms, 50 tok/s, so a request of 100
  // output tokens is modelled to take 500 + 100 / 50 × 1000 = 2500 ms end to end
  return openMarket({
    offers: [{ provider: 'x', official: true, price: [1, 2] }],
    probes: [['2025-10-01 00:00:00', 'x', true, 500, 50]],
    requests: requests(n),
  });
}

test('where no TTFT was logged, the modelled end-to-end latency is judged against latency_ms', async () => {
  const s = await market(110);
  try {
    // r0..r49 logged 2000 ms: error (2500 − 2000) / 2000 = +25%; r50..r99 logged 5000 ms: (2500 − 5000) / 5000 = −50%.
    // Over the 100: median |error| = (25% + 50%) / 2 = 37.5%; median signed error = (−50% + 25%) / 2 = −12.5%.
    // r100..r109 logged a TTFT too (400 ms, latency 2900 ms): judged on TTFT and TPS, not on latency
    await s.run(`UPDATE requests SET latency_ms = 2000 WHERE CAST(substr(request_id, 2) AS INT) < 50`);
    await s.run(`UPDATE requests SET latency_ms = 5000 WHERE CAST(substr(request_id, 2) AS INT) BETWEEN 50 AND 99`);
    await s.run(`UPDATE requests SET ttft_ms = 400, latency_ms = 2900 WHERE CAST(substr(request_id, 2) AS INT) >= 100`);
    const r = await run(s, { policies: ['cost'], baseline: 'observed', info: 'hindsight' });
    const fit = r.fit!;
    const round = (v: number | null) => (v === null ? null : Number(v.toFixed(9)));
    assert.equal(fit.judged, true);
    assert.deepEqual([fit.latency.n, round(fit.latency.mdape), round(fit.latency.bias)], [100, 37.5, -12.5]);
    // TTFT and TPS over 10 requests: counted, not judged; no logged cost at all
    assert.deepEqual([fit.ttft.n, fit.ttft.mdape, fit.tps.n, fit.tps.mdape], [10, null, 10, null]);
    assert.deepEqual(fit.cost, { n: 0, mdape: null, bias: null });
    assert.match(fit.verdict, /^loose fit \(median errors up to 38%\)/);
    const md = renderMarkdown(simulateReport(r));
    assert.match(md, /^\| latency \(no TTFT logged\) \| 100 \| 37\.5% \| −12\.5% \|$/m);
    assert.match(md, /^\| TTFT \| 10 \| {2}\| {2}\|$/m);
  } finally {
    s.close();
  }
});

test('99 compared requests: the fit says too few requests to judge, in every output', async () => {
  const s = await market(99);
  try {
    await s.run(`UPDATE requests SET latency_ms = 2000`);
    const r = await run(s, { policies: ['cost'], baseline: 'observed', info: 'hindsight' });
    const fit = r.fit!;
    assert.equal(fit.judged, false);
    assert.deepEqual([fit.latency.n, fit.latency.mdape, fit.latency.bias], [99, null, null]);
    assert.match(fit.reason!, /^too few requests to judge: at most 99 /);
    const report = simulateReport(r);
    assert.ok(report.lead!.includes(`outcome model: ${fit.reason}`));
    const json = JSON.parse(JSON.stringify(report.json)) as { fit: Record<string, unknown> };
    assert.deepEqual(Object.keys(json.fit).sort(), ['cost', 'judged', 'latency', 'reason', 'tps', 'ttft', 'verdict']);
    assert.match(renderMarkdown(report), /### Outcome-model fit: too few requests to judge/);
    assert.doesNotMatch(renderCsv(report), /too few/, 'csv carries the policies');
  } finally {
    s.close();
  }
});
