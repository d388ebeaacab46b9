/**
 * Outcome-model fit: each request's own provider's modelled figures against the
 * logged ones; every figure worked out by hand.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitVerdict } from '../../src/simulate/fit.js';
import { openMarket, run, type Req } from './market.js';

test('median absolute and signed errors of modelled cost, TTFT and TPS vs the logged values', async () => {
  // x: 1 / 2 per 1 M tokens; state in window 00:00: TTFT 500 ms, 50 tok/s.
  const s = await openMarket({
    offers: [{ provider: 'x', official: true, price: [1, 2] }],
    probes: [['2025-10-01 00:05', 'x', true, 500, 50]],
    // 50 requests like r1 and 50 like r2: the 100 a fit needs to judge
    requests: [
      ...Array.from({ length: 50 }, (_, i): Req => [`r1-${i}`, '2025-10-01 00:10', 'x', 1000, 100, 0, null]),
      ...Array.from({ length: 50 }, (_, i): Req => [`r2-${i}`, '2025-10-01 00:20', 'x', 1000, 100, 0, null]),
      ['r3', '2025-10-01 00:30', 'x', 1000, 100, 0, null],
    ],
  });
  try {
    // modelled cost of each: (1000 × 1 + 100 × 2) / 1e6 = 0.0012
    // r1: cost 0.0012 (error 0); TTFT 400 (500 vs 400: +25%); latency 2900 → TPS 100 / 2.5 s = 40 (50 vs 40: +25%)
    // r2: cost 0.0015 (−20%); TTFT 1000 (−50%); latency 2000 → TPS 100 / 1 s = 100 (−50%)
    // r3: failed, no cost: left out of every figure
    await s.run(`UPDATE requests SET cost = 0.0012, ttft_ms = 400, latency_ms = 2900 WHERE request_id LIKE 'r1-%'`);
    await s.run(`UPDATE requests SET cost = 0.0015, ttft_ms = 1000, latency_ms = 2000 WHERE request_id LIKE 'r2-%'`);
    await s.run(
      `UPDATE requests SET status = 'error', cost = NULL, ttft_ms = 700, latency_ms = 800 WHERE request_id = 'r3'`,
    );
    const r = await run(s, { policies: ['cost'], baseline: 'observed', info: 'hindsight' });
    const fit = r.fit!;
    const round = (v: number | null) => (v === null ? null : Number(v.toFixed(9)));
    // cost: |errors| 50 × 0, 50 × 0.2 → median 10%; signed 0, −0.2 → −10%
    assert.deepEqual([fit.cost.n, round(fit.cost.mdape), round(fit.cost.bias)], [100, 10, -10]);
    // TTFT and TPS: |errors| 50 × 0.25, 50 × 0.5 → 37.5%; signed +0.25, −0.5 → −12.5%
    assert.deepEqual([fit.ttft.n, round(fit.ttft.mdape), round(fit.ttft.bias)], [100, 37.5, -12.5]);
    assert.deepEqual([fit.tps.n, round(fit.tps.mdape), round(fit.tps.bias)], [100, 37.5, -12.5]);
    assert.match(fit.verdict, /^loose fit \(median errors up to 38%\)/);
    const official = await run(s, { policies: ['cost'], baseline: 'official', info: 'hindsight' });
    assert.equal(official.fit, undefined, 'the fit is reported with the observed baseline');
  } finally {
    s.close();
  }
});

test('fit verdicts by the worst median error', () => {
  const f = (mdape: number | null, n = 10) => ({ n, mdape, bias: 0 });
  assert.match(fitVerdict([f(2), f(9.5), f(null, 0)]), /^close fit \(median errors below 10%\)/);
  assert.match(fitVerdict([f(2), f(29)]), /^rough fit \(median errors up to 29%\)/);
  assert.match(fitVerdict([f(null, 0)]), /^no logged cost, TTFT or latency/);
});
