import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openMarket, run, type Probe } from './market.js';

/** Nine ok probes and one failure in window 00:00: success 0.9, the given medians. */
const probes = (provider: string, ttft: number, tps: number): Probe[] => [
  ...Array.from({ length: 9 }, (_, i): Probe => [`2025-10-01 00:0${i}`, provider, true, ttft, tps]),
  ['2025-10-01 00:09', provider, false, null, null],
];

/** x (official) 1 / 2 per 1 M tokens, TTFT 500 ms, 50 tok/s; y 0.5 / 1, TTFT 1000 ms, 20 tok/s; both succeed 90%. */
const twoProviders = () =>
  openMarket({
    offers: [
      { provider: 'x', official: true, price: [1, 2] },
      { provider: 'y', price: [0.5, 1] },
    ],
    probes: [...probes('x', 500, 50), ...probes('y', 1000, 20)],
    requests: [['a', '2025-10-01 00:30', 'x', 1000, 100, 0, null]],
  });

test('--retries: a failed attempt falls back to the next choice; expected cost, time and failure', async () => {
  const s = await twoProviders();
  try {
    // cost order: y (0.0006; its input alone 0.0005), then x (0.0012; input 0.001), reached with probability 0.1
    const [p] = (await run(s, { policies: ['cost'], info: 'hindsight', retries: 1 })).policies;
    const near = (a: number | null, b: number) =>
      assert.ok(a !== null && Math.abs(a - b) < 1e-9 * Math.max(1, b), `${a} vs ${b}`);
    // cost: 0.9 × 0.0006 + 0.1 × 0.0005 + 0.1 × (0.9 × 0.0012 + 0.1 × 0.001) = 0.000708
    near(p.policyCost, 0.000708);
    near(p.savingsPct, ((0.0012 - 0.000708) / 0.0012) * 100);
    // fails only if both fail: 0.1 × 0.1 = 1%; the first attempt alone fails 10%
    near(p.failureRate, 1);
    near(p.failureRateNoFallback, 10);
    // TTFT: 1000 + 0.1 × 500 = 1050; end to end: 0.9 × 6000 + 0.1 × 1000 + 0.1 × (0.9 × 2500 + 0.1 × 500) = 5730
    near(p.meanTtftMs, 1050);
    near(p.p50LatencyMs, 5730);
    // TPS of the attempt that succeeds: (0.9 × 20 + 0.1 × 0.9 × 50) / 0.99
    near(p.policyThroughput, (0.9 * 20 + 0.09 * 50) / 0.99);
    const [free] = (await run(s, { policies: ['cost'], info: 'hindsight', retries: 1, failedAttemptsFree: true }))
      .policies;
    near(free.policyCost, 0.9 * 0.0006 + 0.1 * 0.9 * 0.0012);
    // more retries than other providers: the same as one fallback per other provider, not an error
    const [many] = (await run(s, { policies: ['cost'], info: 'hindsight', retries: 500 })).policies;
    assert.deepEqual(many, p);
    const [none] = (await run(s, { policies: ['cost'], info: 'hindsight' })).policies;
    near(none.policyCost, 0.0006);
    near(none.failureRate, 10);
  } finally {
    s.close();
  }
});

test('--retries with every policy: one-choice policies run unchanged, with no fallback', async () => {
  const s = await twoProviders();
  try {
    const single = ['round-robin', 'random', 'fixed:y', 'static-best', 'cost-sticky'];
    const r = await run(s, { policies: ['cost', ...single], info: 'hindsight', retries: 2 });
    for (const p of r.policies.filter((x) => single.includes(x.policy))) {
      assert.equal(p.failureRate, p.failureRateNoFallback, p.policy);
      assert.ok(Math.abs(p.failureRate! - 10) < 1e-9, `${p.policy}: one attempt, 90% success`);
    }
  } finally {
    s.close();
  }
});
