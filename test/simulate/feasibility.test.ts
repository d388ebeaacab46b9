/**
 * Feasibility, provider state and outcomes on hand-built markets; every expected
 * figure is worked out in the comments. Prices are per 1 M tokens.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { close, openMarket, run, runReplay } from './market.js';

test('the cheapest providers are infeasible by context, features, success rate, staleness and missing price', async () => {
  // One request at 01:30 (window 01:00): 2000 in + 500 out, needs tools.
  const s = await openMarket({
    offers: [
      { provider: 'off', official: true, price: [1, 4] },
      { provider: 'cheap-ctx', context: 1000, price: [0.2, 0.8] }, // 1000 < 2500 tokens
      { provider: 'cheap-feat', features: 'stream', price: [0.3, 1.2] }, // no tools
      { provider: 'cheap-flaky', price: [0.4, 1.6] }, // 4 ok of 5 = 0.8 < 0.9
      { provider: 'cheap-stale', price: [0.5, 2.0] }, // last measured 25 h before the window
      { provider: 'carried', price: [0.55, 2.2] }, // last measured exactly 24 h before: carried
      { provider: 'mid', price: [0.6, 2.4] },
      { provider: 'unpriced' }, // listed, measured, never priced
    ],
    probes: [
      ['2025-10-01 01:05', 'off', true, 500, 50],
      ['2025-10-01 01:10', 'off', true, 500, 60],
      ['2025-10-01 01:05', 'cheap-ctx', true, 300, 70],
      ['2025-10-01 01:05', 'cheap-feat', true, 300, 70],
      ...[1, 2, 3, 4].map((i): [string, string, boolean, number, number] => [
        `2025-10-01 01:0${i}`,
        'cheap-flaky',
        true,
        300,
        70,
      ]),
      ['2025-10-01 01:09', 'cheap-flaky', false, null, null],
      ['2025-09-30 00:10', 'cheap-stale', true, 300, 70],
      ['2025-09-30 01:10', 'carried', true, 400, 100],
      ['2025-10-01 01:05', 'mid', true, 300, 90],
      ['2025-10-01 01:05', 'unpriced', true, 300, 70],
    ],
    requests: [['r1', '2025-10-01 01:30', 'off', 2000, 500, 0, 'tools']],
  });
  try {
    const { result: r, feasibility } = await runReplay(s, {
      policies: ['cost', 'throughput', 'latency', 'ttft'],
      info: 'hindsight',
    });
    const feasible = await s.all<{ provider: string; feasible: boolean }>(
      `SELECT provider, feasible FROM (${feasibility.sql}) ORDER BY provider`,
      feasibility.params,
    );
    assert.deepEqual(
      feasible.map((f) => [f.provider, f.feasible]),
      [
        ['carried', true],
        ['cheap-ctx', false],
        ['cheap-feat', false],
        ['cheap-flaky', false],
        ['cheap-stale', false],
        ['mid', true],
        ['off', true],
        ['unpriced', false],
      ],
    );
    const [cost, throughput, latency, ttft] = r.policies;
    // official: (2000·1 + 500·4) / 1e6 = 0.004; carried: (2000·0.55 + 500·2.2) / 1e6 = 0.0022 → 45% saved
    assert.equal(r.requests, 1);
    assert.equal(cost.requests, 1);
    assert.equal(cost.infeasible, 0);
    close(cost.baselineCost, 0.004, 'baseline cost');
    close(cost.policyCost, 0.0022, 'policy cost');
    close(cost.savingsPct, 45, 'savings');
    // official median TPS (50 + 60) / 2 = 55; carried 100 → +81.8181…%
    close(cost.baselineThroughput, 55);
    close(cost.policyThroughput, 100);
    close(cost.throughputGainPct, (100 / 55 - 1) * 100, 'gain');
    // carried: TTFT 400, end-to-end 400 + 500 / 100 · 1000 = 5400 ms; success 1
    close(cost.meanTtftMs, 400);
    close(cost.p50LatencyMs, 5400);
    close(cost.p90LatencyMs, 5400);
    close(cost.failureRate, 0);
    assert.deepEqual(cost.routing, [{ provider: 'carried', share: 100 }]);
    assert.equal(cost.savingsCi95, null, 'no bootstrap');
    // throughput: off 55, carried 100, mid 90 → carried
    assert.deepEqual(throughput.routing, [{ provider: 'carried', share: 100 }]);
    // latency: off 500 + 500/55·1000 = 9590.9, carried 5400, mid 300 + 500/90·1000 = 5855.6 → carried
    assert.deepEqual(latency.routing, [{ provider: 'carried', share: 100 }]);
    // ttft: mid 300 < carried 400 < off 500
    assert.deepEqual(ttft.routing, [{ provider: 'mid', share: 100 }]);
    close(ttft.policyCost, (2000 * 0.6 + 500 * 2.4) / 1e6);
  } finally {
    s.close();
  }
});

test("a provider's features are those of its latest listing that states any", async () => {
  // One request needing tools. b is cheaper; its first listing has no tools, a later one states no features.
  const s = await openMarket({
    offers: [
      { provider: 'a', official: true, price: [2, 2] },
      { provider: 'b', features: 'json_schema', price: [1, 1] },
    ],
    requests: [['r', '2025-10-01 00:10', 'a', 1000, 1000, 0, 'tools']],
  });
  const routing = async () =>
    (await run(s, { policies: ['cost'], state: 'none', info: 'hindsight' })).policies[0].routing;
  const listing = (from: string, features: string | null) =>
    s.run(
      `INSERT INTO offerings (provider, model, official, listed_from, context_length, features)
       VALUES ('b', 'toy', false, CAST($from AS DATE), 100000, $features)`,
      { from, features },
    );
  try {
    await listing('2025-06-01', null);
    // the later listing states nothing: b is judged on its first one, without tools
    assert.deepEqual(await routing(), [{ provider: 'a', share: 100 }]);
    await listing('2025-07-01', 'tools,json_schema');
    assert.deepEqual(await routing(), [{ provider: 'b', share: 100 }]);
  } finally {
    s.close();
  }
});

test('causal and hindsight differ when a provider fails all its measurements in the request window', async () => {
  // p (official, 1/1) measured ok at 00:10 (TTFT 1000, 40 TPS) and 01:10 (800, 50).
  // q (0.5/0.5) ok at 00:10 (300, 80); both of its 01:xx probes fail → window 01:00: success 0, TTFT 300 / 80 TPS kept.
  const s = await openMarket({
    offers: [
      { provider: 'p', official: true, price: [1, 1] },
      { provider: 'q', price: [0.5, 0.5] },
    ],
    probes: [
      ['2025-10-01 00:10', 'p', true, 1000, 40],
      ['2025-10-01 01:10', 'p', true, 800, 50],
      ['2025-10-01 00:10', 'q', true, 300, 80],
      ['2025-10-01 01:10', 'q', false, null, null],
      ['2025-10-01 01:20', 'q', false, null, null],
    ],
    requests: [['r', '2025-10-01 01:30', 'p', 1000, 1000, 0, null]],
  });
  try {
    const [causal] = (await run(s, { policies: ['cost'], info: 'causal' })).policies;
    const q1 = await s.one<{ success: number; ttft: number; tps: number }>(
      `SELECT success, ttft, tps FROM sim_state WHERE provider = 'q' AND w = TIMESTAMP '2025-10-01 01:00'`,
    );
    assert.deepEqual(q1, { success: 0, ttft: 300, tps: 80 });
    // Causal decides on window 00:00, where q is fine and cheaper: p 2000/1e6 = 0.002, q 0.001 → 50% saved.
    // Outcome on window 01:00: q fails (success 0) at 80 TPS; p runs at 50 TPS → +60%.
    assert.deepEqual(causal.routing, [{ provider: 'q', share: 100 }]);
    close(causal.savingsPct, 50);
    close(causal.failureRate, 100);
    close(causal.baselineThroughput, 50);
    close(causal.throughputGainPct, 60);
    close(causal.p50LatencyMs, 300 + (1000 / 80) * 1000); // 12800
    // Hindsight sees q's outage: p is the only feasible provider.
    const [hindsight] = (await run(s, { policies: ['cost'], info: 'hindsight' })).policies;
    assert.deepEqual(hindsight.routing, [{ provider: 'p', share: 100 }]);
    close(hindsight.savingsPct, 0);
    close(hindsight.failureRate, 0);
    close(hindsight.throughputGainPct, 0);
    close(hindsight.p50LatencyMs, 800 + (1000 / 50) * 1000); // 20800
    // 2 h windows: q's window 00:00–02:00 has 1 ok of 3 (success 1/3), so hindsight avoids it there too;
    // p's median TPS over its two ok probes is 45, TTFT 900
    const [wide] = (await run(s, { policies: ['cost'], info: 'hindsight', window: '2h' })).policies;
    assert.deepEqual(wide.routing, [{ provider: 'p', share: 100 }]);
    close(wide.policyThroughput, 45);
    close(wide.meanTtftMs, 900);
    // causal with 2 h windows decides on 22:00–24:00 of the day before: nobody measured, nothing compared
    const [early] = (await run(s, { policies: ['cost'], info: 'causal', window: '2h' })).policies;
    assert.equal(early.requests, 0);
    assert.equal(early.infeasible, 1);
  } finally {
    s.close();
  }
});

test('a provider without a current state fails, at its decision-state speed; state expires after --stale', async () => {
  // q last measured in window 2025-10-01 00:00. The request at 10-02 01:30 decides (causal) on window 10-02 00:00,
  // exactly 24 h later (still carried), and its outcome window 10-02 01:00 is 25 h later: no state.
  const s = await openMarket({
    offers: [
      { provider: 'p', official: true, price: [1, 1] },
      { provider: 'q', price: [0.5, 0.5] },
    ],
    probes: [
      ['2025-10-01 00:10', 'q', true, 300, 80],
      ['2025-10-02 00:10', 'p', true, 1000, 40],
      ['2025-10-02 01:10', 'p', true, 800, 50],
    ],
    requests: [['r', '2025-10-02 01:30', 'p', 1000, 1000, 0, null]],
  });
  try {
    const [causal] = (await run(s, { policies: ['cost'], info: 'causal' })).policies;
    assert.deepEqual(causal.routing, [{ provider: 'q', share: 100 }]);
    close(causal.savingsPct, 50); // 0.002 vs 0.001
    close(causal.failureRate, 100);
    close(causal.meanTtftMs, 300);
    close(causal.policyThroughput, 80);
    close(causal.throughputGainPct, 60); // 80 / 50
    const [hindsight] = (await run(s, { policies: ['cost'], info: 'hindsight' })).policies;
    assert.deepEqual(hindsight.routing, [{ provider: 'p', share: 100 }]);
    // --stale 23h: q's state has expired in the decision window too
    const [short] = (await run(s, { policies: ['cost'], info: 'causal', stale: '23h' })).policies;
    assert.deepEqual(short.routing, [{ provider: 'p', share: 100 }]);
  } finally {
    s.close();
  }
});

test('static state: one state over all measurements, for measurements outside the log period', async () => {
  // Measured only a month before the request: windowed state has long expired, static state holds.
  // q: 3 ok + 1 failed → success 0.75 < 0.9 (infeasible); with --min-success 0.7 it is chosen.
  const s = await openMarket({
    offers: [
      { provider: 'p', official: true, price: [1, 1] },
      { provider: 'q', price: [0.5, 0.5] },
    ],
    probes: [
      ['2025-09-01 00:10', 'p', true, 1000, 40],
      ['2025-09-02 00:10', 'p', true, 1000, 60],
      ['2025-09-01 00:10', 'q', true, 300, 80],
      ['2025-09-01 00:20', 'q', true, 300, 90],
      ['2025-09-01 00:30', 'q', true, 300, 100],
      ['2025-09-01 00:40', 'q', false, null, null],
    ],
    requests: [['r', '2025-10-01 01:30', 'p', 1000, 1000, 0, null]],
  });
  try {
    const [windowed] = (await run(s, { policies: ['cost'] })).policies;
    assert.equal(windowed.requests, 0);
    assert.equal(windowed.infeasible, 1);
    const [stat] = (await run(s, { policies: ['cost'], state: 'static' })).policies;
    assert.deepEqual(stat.routing, [{ provider: 'p', share: 100 }]);
    close(stat.policyThroughput, 50); // median of 40 and 60
    const [lenient] = (await run(s, { policies: ['cost'], state: 'static', minSuccess: 0.7 })).policies;
    assert.deepEqual(lenient.routing, [{ provider: 'q', share: 100 }]);
    close(lenient.policyThroughput, 90);
    close(lenient.failureRate, 25);
  } finally {
    s.close();
  }
});

test('logged requests stand in for a provider without latency measurements', async () => {
  // No latency rows for q: its own logged requests give the state. In window 00:00 q served two requests:
  // TTFT 200 and 400 (median 300); TPS 100 / ((1200 − 200) / 1000) = 100 and 100 / ((1400 − 400) / 1000) = 100.
  const s = await openMarket({
    offers: [
      { provider: 'p', official: true, price: [1, 1] },
      { provider: 'q', price: [0.5, 0.5] },
    ],
    probes: [['2025-10-01 00:05', 'p', true, 1000, 40]],
    requests: [],
  });
  try {
    await s.run(
      `INSERT INTO requests (request_id, ts, model, provider, input_tokens, output_tokens, ttft_ms, latency_ms, status) VALUES
       ('a', TIMESTAMP '2025-10-01 00:10', 'toy', 'q', 100, 100, 200, 1200, 'ok'),
       ('b', TIMESTAMP '2025-10-01 00:20', 'toy', 'q', 100, 100, 400, 1400, 'ok')`,
    );
    const r = await run(s, { policies: ['throughput'], info: 'hindsight' });
    const [tp] = r.policies;
    // both requests: p 40 TPS vs q 100 → q; official baseline p
    assert.equal(tp.requests, 2);
    assert.deepEqual(tp.routing, [{ provider: 'q', share: 100 }]);
    close(tp.meanTtftMs, 300);
    close(tp.throughputGainPct, 150);
  } finally {
    s.close();
  }
});
