/**
 * Policies, tie rules, cached-token pricing, baselines and the bootstrap on
 * hand-built markets; every expected figure is worked out in the comments.
 * Prices are per 1 M tokens; costs below are in millionths.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simulate } from '../../src/simulate/index.js';
import { parsePolicies } from '../../src/simulate/policy.js';
import { prepareNames } from '../../src/query/model-map.js';
import { close, openMarket, run, runReplay, type Probe } from './market.js';

const ok = (provider: string, ts: string, ttft: number, tps: number): Probe => [ts, provider, true, ttft, tps];

test('cached tokens at the cached price, the price in force at the request time, and the tie rules', async () => {
  // Two requests in window 00:00, each 1000 in (800 cached) + 100 out.
  const s = await openMarket({
    offers: [
      { provider: 'px', official: true, price: [1, 2, 0.1] },
      { provider: 'py', price: [0.5, 1.0] }, // no cached price: cached tokens at 0.5
      { provider: 'f', price: [0.45, 0.9] },
      { provider: 't1', price: [0.4, 0.8, 0.04] },
      { provider: 't2', price: [0.4, 0.8, 0.04] },
      { provider: 't3', price: [0.4, 0.8, 0.04] },
    ],
    // x doubles its prices at 00:30, inside the window
    prices: [['2025-10-01 00:30', 'px', 2, 4, 0.2]],
    probes: [
      ok('px', '2025-10-01 00:05', 500, 50),
      ok('py', '2025-10-01 00:05', 500, 100),
      ok('f', '2025-10-01 00:05', 500, 100),
      ok('t1', '2025-10-01 00:05', 500, 30),
      ok('t2', '2025-10-01 00:05', 500, 60),
      ok('t3', '2025-10-01 00:05', 500, 60),
    ],
    requests: [
      ['early', '2025-10-01 00:15', 'px', 1000, 100, 800, null],
      ['late', '2025-10-01 00:45', 'px', 1000, 100, 800, null],
    ],
  });
  try {
    // warm: every logged hit is kept wherever a request goes (test/simulate/cache.test.ts prices lost hits)
    const [cost, throughput] = (await run(s, { policies: ['cost', 'throughput'], info: 'hindsight', cache: 'warm' }))
      .policies;
    // x early: 200·1 + 800·0.1 + 100·2 = 480; late: 200·2 + 800·0.2 + 100·4 = 960 → baseline 1440
    close(cost.baselineCost, 1440e-6, 'baseline cost');
    // t1 = t2 = t3: 200·0.4 + 800·0.04 + 100·0.8 = 192; cost tie → higher TPS (t2, t3: 60) → name: t2
    assert.deepEqual(cost.routing, [{ provider: 't2', share: 100 }]);
    close(cost.policyCost, 384e-6, 'cost policy');
    close(cost.savingsPct, ((1440 - 384) / 1440) * 100); // 73.33…
    // y and f both 100 TPS; y 200·0.5 + 800·0.5 + 100·1 = 600, f 90 + 360 + 90 = 540 → f (lower cost)
    assert.deepEqual(throughput.routing, [{ provider: 'f', share: 100 }]);
    close(throughput.policyCost, 1080e-6);
    close(throughput.savingsPct, 25); // (1440 − 1080) / 1440
    close(throughput.throughputGainPct, 100); // 100 vs 50
  } finally {
    s.close();
  }
});

test('an infeasible baseline excludes the request and counts it; observed is always comparable', async () => {
  // off (official, context 4000, 1/1) and big (context 100k, 2/2), both measured in window 00:00.
  // r1 1000 + 1000 tokens; r2 5000 + 1000 (too long for off); r3 needs vision, which nobody supports.
  const s = await openMarket({
    offers: [
      { provider: 'off', official: true, context: 4000, price: [1, 1] },
      { provider: 'big', price: [2, 2] },
    ],
    probes: [ok('off', '2025-10-01 00:05', 500, 50), ok('big', '2025-10-01 00:05', 500, 50)],
    requests: [
      ['r1', '2025-10-01 00:10', 'off', 1000, 1000, 0, null],
      ['r2', '2025-10-01 00:20', 'big', 5000, 1000, 0, null],
      ['r3', '2025-10-01 00:30', 'off', 1000, 1000, 0, 'vision'],
    ],
  });
  try {
    const sim = (baseline: 'official' | 'observed' | 'provider:big') =>
      run(s, { policies: ['cost'], info: 'hindsight', baseline }).then((r) => r.policies[0]);
    // official: only r1 (off 2000 = policy off 2000)
    const official = await sim('official');
    assert.equal(official.requests, 1);
    assert.equal(official.infeasible, 2);
    close(official.baselineCost, 0.002);
    close(official.policyCost, 0.002);
    // observed: r1 on off (2000), r2 on big (12000); r3 has no feasible policy choice
    const observed = await sim('observed');
    assert.equal(observed.requests, 2);
    assert.equal(observed.infeasible, 1);
    close(observed.baselineCost, 0.014);
    close(observed.savingsPct, 0);
    // provider:big: r1 4000 + r2 12000 = 16000 vs policy 2000 + 12000 = 14000 → 12.5%
    const big = await sim('provider:big');
    assert.equal(big.requests, 2);
    close(big.baselineCost, 0.016);
    close(big.savingsPct, 12.5);
    assert.deepEqual(big.routing, [
      { provider: 'big', share: 50 },
      { provider: 'off', share: 50 },
    ]);
  } finally {
    s.close();
  }
});

test('latency, ttft, fixed, round-robin and random choices', async () => {
  // quick: TTFT 200, 20 TPS; fast: TTFT 2000, 200 TPS; same price 1/1. Observed baseline quick.
  // short (10 out): quick 200 + 10/20·1000 = 700 ms, fast 2000 + 50 = 2050 → quick
  // long (1000 out): quick 200 + 50000 = 50200, fast 2000 + 5000 = 7000 → fast
  const s = await openMarket({
    offers: [
      { provider: 'quick', price: [1, 1] },
      { provider: 'fast', price: [1, 1] },
    ],
    probes: [ok('quick', '2025-10-01 00:05', 200, 20), ok('fast', '2025-10-01 00:05', 2000, 200)],
    requests: [
      ['short', '2025-10-01 00:20', 'quick', 100, 10, 0, null],
      ['long', '2025-10-01 00:40', 'quick', 100, 1000, 0, null],
    ],
  });
  try {
    const policies = ['latency', 'ttft', 'fixed:fast', 'round-robin', 'random'];
    const { result: r, outcomes } = await runReplay(s, { policies, info: 'hindsight', baseline: 'observed' });
    const [latency, ttft, fixed, roundRobin, random] = r.policies;
    assert.deepEqual(latency.routing, [
      { provider: 'fast', share: 50 },
      { provider: 'quick', share: 50 },
    ]);
    close(latency.meanTtftMs, 1100); // (200 + 2000) / 2
    close(latency.p50LatencyMs, 3850); // (700 + 7000) / 2
    close(latency.p90LatencyMs, 6370); // 700 + 0.9 · 6300
    close(latency.throughputGainPct, 450); // (20 + 200) / 2 = 110 vs 20
    close(latency.baselineCost, (110 + 1100) / 1e6);
    assert.deepEqual(ttft.routing, [{ provider: 'quick', share: 100 }]);
    assert.deepEqual(fixed.routing, [{ provider: 'fast', share: 100 }]);
    // round-robin in time order over the feasible providers by name: short → fast (1st), long → quick (2nd)
    const picks = await s.all<{ request_id: string; provider: string }>(
      `SELECT request_id, provider FROM (${outcomes.sql}) WHERE policy = 'round-robin' ORDER BY request_id`,
      outcomes.params,
    );
    assert.deepEqual(
      picks.map((p) => [p.request_id, p.provider]),
      [
        ['long', 'quick'],
        ['short', 'fast'],
      ],
    );
    assert.equal(roundRobin.requests, 2);
    assert.equal(random.requests, 2);
    assert.equal(
      random.routing.reduce((t, x) => t + x.share, 0),
      100,
    );
    // a provider the database does not know is an error naming the closest ones, not a policy that compares nothing
    await assert.rejects(runReplay(s, { policies: ['fixed:fasst'], info: 'hindsight' }), {
      name: 'UsageError',
      message: "--policy fixed:fasst: 'fasst' names no provider in the database; closest: fast, quick",
    });
    await assert.rejects(runReplay(s, { policies: ['cost'], baseline: 'provider:nobody' }), {
      name: 'UsageError',
      message: /^--baseline provider:nobody: 'nobody' names no provider in the database; closest: /,
    });
    await assert.rejects(runReplay(s, { policies: ['cost'], model: 'toyy' }), {
      name: 'UsageError',
      message: "--model: 'toyy' names no model in the database; closest: toy",
    });
    // random is seeded: the same seed gives the same choices
    const again = await run(s, { policies: ['random'], info: 'hindsight', baseline: 'observed' });
    assert.deepEqual(again.policies[0].routing, random.routing);
  } finally {
    s.close();
  }
});

test('anomalous prices are left out unless included', async () => {
  // free lists a zero price (an anomaly): without a usable price it is infeasible.
  const s = await openMarket({
    offers: [
      { provider: 'off', official: true, price: [1, 1] },
      { provider: 'free', price: [0, 0] },
    ],
    probes: [ok('off', '2025-10-01 00:05', 500, 50), ok('free', '2025-10-01 00:05', 500, 50)],
    requests: [['r', '2025-10-01 00:10', 'off', 1000, 1000, 0, null]],
  });
  try {
    const [excluded] = (await run(s, { policies: ['cost'], info: 'hindsight' })).policies;
    assert.deepEqual(excluded.routing, [{ provider: 'off', share: 100 }]);
    const [included] = (await run(s, { policies: ['cost'], info: 'hindsight', includeAnomalousPrices: true })).policies;
    assert.deepEqual(included.routing, [{ provider: 'free', share: 100 }]);
    close(included.savingsPct, 100);
  } finally {
    s.close();
  }
});

test('two spellings priced at one instant: the highest of each price; in conflict, left out unless included', async () => {
  // b prices toy and its alias toy-2 at the same instant. One request of 10k input (8k cached) and 1k output,
  // no state, cache warm: at b it costs 2,000 · input + 8,000 · cached + 1,000 · output.
  const s = await openMarket({
    offers: [
      { provider: 'a', official: true, price: [2, 2] },
      { provider: 'b', price: [1, 1, 0.1] },
    ],
    requests: [['r', '2025-10-01 00:10', 'a', 10_000, 1_000, 8_000, null]],
  });
  try {
    await s.run("INSERT INTO catalog (alias, model) VALUES ('toy-2', 'toy')");
    await s.run(`INSERT INTO prices (ts, provider, model, input_price, output_price, cached_input_price)
      VALUES (TIMESTAMP '2025-09-01 00:00:00', 'b', 'toy-2', 1, 1, 0.5)`);
    await s.run("UPDATE prices SET currency = 'USD'"); // as ingest sets it: prices in conflict share a currency
    await prepareNames(s);
    const o = { policies: ['cost'], state: 'none', cache: 'warm' } as const;
    // the same input and output prices, not in conflict: the cached tokens at the higher 0.5
    close((await run(s, o)).policies[0].policyCost, 7_000e-6, 'the highest cached price');
    // another input price: both spellings are flagged, b is unpriced and the request stays at a
    await s.run("UPDATE prices SET input_price = 1.5 WHERE model = 'toy-2'");
    assert.deepEqual((await run(s, o)).policies[0].routing, [{ provider: 'a', share: 100 }]);
    // included: the highest of each, 2,000 · 1.5 + 8,000 · 0.5 + 1,000 · 1
    const included = await run(s, { ...o, includeAnomalousPrices: true });
    close(included.policies[0].policyCost, 8_000e-6, 'the highest of each price');
  } finally {
    s.close();
  }
});

test('day-block bootstrap: with two days the interval spans the two single-day figures', async () => {
  // Day 1: p (official 1/1, 50 TPS) vs q (0.5/0.5, 100 TPS): cost picks q, 50% saved, +100% TPS.
  // Day 2: q unmeasured → p: 0% saved, +0%. Each resample draws 2 days: {1,1} 50%, {1,2} 25%, {2,2} 0%;
  // with 200 resamples each extreme turns up far more than 5 times, so the 2.5th / 97.5th percentiles are 0 and 50.
  const s = await openMarket({
    offers: [
      { provider: 'p', official: true, price: [1, 1] },
      { provider: 'q', price: [0.5, 0.5] },
    ],
    probes: [
      ok('p', '2025-10-01 00:05', 500, 50),
      ok('q', '2025-10-01 00:05', 500, 100),
      ok('p', '2025-10-03 00:05', 500, 50),
    ],
    requests: [
      ['d1', '2025-10-01 00:10', 'p', 1000, 1000, 0, null],
      ['d2', '2025-10-03 00:10', 'p', 1000, 1000, 0, null],
    ],
  });
  try {
    const [c] = (await run(s, { policies: ['cost'], info: 'hindsight', bootstrap: 200, seed: 7 })).policies;
    close(c.savingsPct, 25);
    close(c.throughputGainPct, 50);
    assert.deepEqual(c.savingsCi95, [0, 50]);
    assert.deepEqual(c.throughputGainCi95, [0, 100]);
    const [off] = (await run(s, { policies: ['cost'], info: 'hindsight', bootstrap: 0 })).policies;
    assert.equal(off.savingsCi95, null);
    assert.equal(off.throughputGainCi95, null);
  } finally {
    s.close();
  }
});

test('bad options are usage errors', async () => {
  const s = await openMarket({ offers: [], requests: [] });
  try {
    const base = {
      policies: parsePolicies('cost'),
      baseline: 'official' as const,
      info: 'causal' as const,
      window: '1h',
      stale: '24h',
      minSuccess: 0.9,
      state: 'windowed' as const,
      bootstrap: 0,
      seed: 1,
      includeAnomalousPrices: false,
    };
    assert.throws(() => parsePolicies('cost,cheapest'), { name: 'UsageError', message: /unknown policy 'cheapest'/ });
    await assert.rejects(simulate(s, { ...base, window: '1 fortnight' }), { name: 'UsageError' });
    await assert.rejects(simulate(s, { ...base, baseline: 'nobody' as never }), { name: 'UsageError' });
    await assert.rejects(simulate(s, { ...base, minSuccess: 2 }), { name: 'UsageError' });
    const empty = await simulate(s, base);
    assert.equal(empty.requests, 0);
    assert.equal(empty.policies[0].savingsPct, null);
  } finally {
    s.close();
  }
});

test('balanced scores min–max-normalised criteria; sla takes the cheapest provider meeting the objective', async () => {
  // One request, 1000 in + 1000 out, TTFT 1000 everywhere:
  //   a: 1/1 → cost 2000, 50 TPS → 1000 + 1000/50·1000 = 21000 ms
  //   b: 0.5/0.5 → 1000, 20 TPS → 51000 ms
  //   c: 2/2 → 4000, 100 TPS → 11000 ms
  // Normalised (0 best, 1 worst): cost a 1/3, b 0, c 1; latency a 0.25, b 1, c 0; throughput a 0.625, b 1, c 0.
  const s = await openMarket({
    offers: [
      { provider: 'a', price: [1, 1] },
      { provider: 'b', price: [0.5, 0.5] },
      { provider: 'c', price: [2, 2] },
    ],
    probes: [
      ok('a', '2025-10-01 00:05', 1000, 50),
      ok('b', '2025-10-01 00:05', 1000, 20),
      ok('c', '2025-10-01 00:05', 1000, 100),
    ],
    requests: [['r', '2025-10-01 00:10', 'a', 1000, 1000, 0, null]],
  });
  try {
    const pick = async (
      o: { weights?: { cost?: number; latency?: number; throughput?: number }; sloLatencyMs?: number },
      policy: string,
    ) =>
      (await run(s, { policies: [policy], info: 'hindsight', baseline: 'observed', ...o })).policies[0].routing[0]
        ?.provider;
    // equal weights: a 1/3 + 0.25 + 0.625 = 1.208, b 2, c 1 → c
    assert.equal(await pick({}, 'balanced'), 'c');
    // cost weighs 3: a 1 + 0.875 = 1.875, b 2, c 3 → a
    assert.equal(await pick({ weights: { cost: 3 } }, 'balanced'), 'a');
    // cost alone → b
    assert.equal(await pick({ weights: { cost: 1, latency: 0, throughput: 0 } }, 'balanced'), 'b');
    // throughput weighs 0.5: a 1/3 + 0.25 + 0.3125 = 0.896, b 1.5, c 1 → a
    assert.equal(await pick({ weights: { throughput: 0.5 } }, 'balanced'), 'a');
    // no weight at all: every provider scores 0, and the tie goes to the cheapest (b)
    assert.equal(await pick({ weights: { cost: 0, latency: 0, throughput: 0 } }, 'balanced'), 'b');
    // 25 s: a (21 s) and c (11 s) meet it, a is cheaper; 60 s: all do, b cheapest; 5 s: nobody, the fastest (c)
    assert.equal(await pick({ sloLatencyMs: 25_000 }, 'sla'), 'a');
    assert.equal(await pick({ sloLatencyMs: 60_000 }, 'sla'), 'b');
    assert.equal(await pick({ sloLatencyMs: 5_000 }, 'sla'), 'c');
  } finally {
    s.close();
  }
});

test('balanced: a provider without a decision TPS scores 0 on latency and throughput, the others keep their range', async () => {
  // As above, plus d: 3/3 → cost 6000, measured without TPS, so no expected latency either.
  // Cost over 1000..6000: a 0.2, b 0, c 0.6, d 1; latency over the three known (11000..51000): a 0.25, b 1, c 0, d 0.
  const s = await openMarket({
    offers: [
      { provider: 'a', price: [1, 1] },
      { provider: 'b', price: [0.5, 0.5] },
      { provider: 'c', price: [2, 2] },
      { provider: 'd', price: [3, 3] },
    ],
    probes: [
      ok('a', '2025-10-01 00:05', 1000, 50),
      ok('b', '2025-10-01 00:05', 1000, 20),
      ok('c', '2025-10-01 00:05', 1000, 100),
      ['2025-10-01 00:05', 'd', true, 1000, null],
    ],
    requests: [['r', '2025-10-01 00:10', 'a', 1000, 1000, 0, null]],
  });
  try {
    const pick = async (weights: { cost?: number; latency?: number; throughput?: number }) =>
      (await run(s, { policies: ['balanced'], info: 'hindsight', baseline: 'observed', weights })).policies[0]
        .routing[0]?.provider;
    // latency weighs 3, throughput 0: a 0.2 + 0.75 = 0.95, b 3, c 0.6, d 1 → c
    // (a latency range reaching d's missing figure would zero every latency term and pick b)
    assert.equal(await pick({ latency: 3, throughput: 0 }), 'c');
    // cost alone: b; throughput alone over 20..100: a 0.625, b 1, c 0, d 0 → c, the cheaper of the two at 0
    assert.equal(await pick({ latency: 0, throughput: 0 }), 'b');
    assert.equal(await pick({ cost: 0, latency: 0 }), 'c');
  } finally {
    s.close();
  }
});

test('official baseline: the first official endpoint by name that fits the request; features differ within a window', async () => {
  // Window 00:00, hindsight. a-off and b-off are both official; a-off takes 1000 tokens and no vision.
  const s = await openMarket({
    offers: [
      { provider: 'a-off', official: true, context: 1000, features: 'tools,stream', price: [1, 1] },
      { provider: 'b-off', official: true, features: 'tools,vision,stream', price: [2, 2] },
      { provider: 'cheap', features: 'tools', price: [0.5, 0.5] },
    ],
    probes: [
      ok('a-off', '2025-10-01 00:05', 500, 50),
      ok('b-off', '2025-10-01 00:05', 500, 50),
      ok('cheap', '2025-10-01 00:05', 500, 50),
    ],
    requests: [
      ['r1', '2025-10-01 00:10', 'a-off', 500, 100, 0, null], // baseline a-off 600·1; cheap 600·0.5
      ['r2', '2025-10-01 00:20', 'a-off', 2000, 100, 0, null], // too long for a-off: b-off 2100·2; cheap 2100·0.5
      ['r3', '2025-10-01 00:30', 'a-off', 500, 100, 0, 'vision'], // only b-off: 600·2 both sides
    ],
  });
  try {
    const [cost] = (await run(s, { policies: ['cost'], info: 'hindsight' })).policies;
    assert.equal(cost.requests, 3);
    close(cost.baselineCost, (600 + 4200 + 1200) / 1e6, 'baseline cost');
    close(cost.policyCost, (300 + 1050 + 1200) / 1e6, 'policy cost');
    close(cost.savingsPct, ((6000 - 2550) / 6000) * 100); // 57.5
    assert.deepEqual(
      cost.routing.map((r) => [r.provider, Number(r.share.toFixed(6))]),
      [
        ['cheap', 66.666667],
        ['b-off', 33.333333],
      ],
    );
  } finally {
    s.close();
  }
});

test('round-robin carries any text through its sort: quotes in providers, tasks and features', async () => {
  // a, b, c in time order take turns 0, 1, 2 over p and q'o (by name): p, q'o, p
  const s = await openMarket({
    offers: [
      { provider: 'p', official: true, features: "tools,it's", price: [1, 1] },
      { provider: "q'o", features: "tools,it's", price: [1, 1] },
    ],
    probes: [ok('p', '2025-10-01 00:05', 500, 50), ok("q'o", '2025-10-01 00:05', 500, 50)],
    requests: [
      ['a', '2025-10-01 00:10', "q'o", 100, 100, 0, "it's"],
      ['b', '2025-10-01 00:20', 'p', 100, 100, 0, null],
      ['c', '2025-10-01 00:30', "q'o", 100, 100, 0, "it's"],
    ],
  });
  try {
    await s.run(`UPDATE requests SET task = CASE request_id WHEN 'b' THEN 'plain' ELSE 'o''clock' END`);
    const r = await run(s, { policies: ['round-robin'], info: 'hindsight', baseline: 'observed', by: 'task' });
    const shares = (task: string) => r.groups!.find((g) => g.group === task)!.routing;
    assert.deepEqual(shares("o'clock"), [{ provider: 'p', share: 100 }]);
    assert.deepEqual(shares('plain'), [{ provider: "q'o", share: 100 }]);
  } finally {
    s.close();
  }
});

/** Two providers p (official) and q alike in price and speed, both feasible, with the given requests. */
const twoAlike = (requests: Parameters<typeof openMarket>[0]['requests']) =>
  openMarket({
    offers: [
      { provider: 'p', official: true, price: [1, 1] },
      { provider: 'q', price: [1, 1] },
    ],
    probes: [ok('p', '2025-10-01 00:05', 500, 50), ok('q', '2025-10-01 00:05', 500, 50)],
    requests,
  });

test('round-robin: turns run on across days', async () => {
  // p and q both feasible. Day 1: a, b, c take turns 0, 1, 2 → p, q, p; day 2: d is the model's fourth
  // request, turn 3 → 3 mod 2 = 1 → q (counting from the day's start it would be turn 0 → p)
  const s = await twoAlike([
    ['a', '2025-10-01 00:10', 'p', 100, 100, 0, null],
    ['b', '2025-10-01 00:20', 'p', 100, 100, 0, null],
    ['c', '2025-10-01 23:50', 'p', 100, 100, 0, null],
    ['d', '2025-10-02 00:10', 'p', 100, 100, 0, null],
  ]);
  try {
    const { outcomes } = await runReplay(s, { policies: ['round-robin'], info: 'hindsight', state: 'static' });
    const picks = await s.all<{ request_id: string; provider: string }>(
      `SELECT request_id, provider FROM (${outcomes.sql}) ORDER BY request_id`,
      outcomes.params,
    );
    assert.deepEqual(
      picks.map((p) => [p.request_id, p.provider]),
      [
        ['a', 'p'],
        ['b', 'q'],
        ['c', 'p'],
        ['d', 'q'],
      ],
    );
  } finally {
    s.close();
  }
});

test('round-robin: requests logged at the same instant share a turn', async () => {
  // p and q both feasible. a and b at 00:10 share turn 0 → p (first by name); c is third in time order,
  // rank 2 → 2 mod 2 = 0 → p again. Without the shared turn it would go p, q, p.
  const s = await twoAlike([
    ['a', '2025-10-01 00:10', 'p', 100, 100, 0, null],
    ['b', '2025-10-01 00:10', 'p', 100, 100, 0, null],
    ['c', '2025-10-01 00:20', 'p', 100, 100, 0, null],
  ]);
  try {
    const [rr] = (await run(s, { policies: ['round-robin'], info: 'hindsight' })).policies;
    assert.equal(rr.requests, 3);
    assert.deepEqual(rr.routing, [{ provider: 'p', share: 100 }]);
  } finally {
    s.close();
  }
});

test('mean TTFT and throughput each over the requests whose provider has that figure', async () => {
  // p: TTFT 500, 50 TPS; q: TTFT 800, no throughput measured. round-robin: a → p (turn 0), b → q (turn 1).
  // mean TTFT (500 + 800) / 2 = 650 over both; throughput 50 over a alone (b has none)
  const s = await openMarket({
    offers: [
      { provider: 'p', official: true, price: [1, 1] },
      { provider: 'q', price: [1, 1] },
    ],
    probes: [ok('p', '2025-10-01 00:05', 500, 50), ['2025-10-01 00:05', 'q', true, 800, null]],
    requests: [
      ['a', '2025-10-01 00:10', 'p', 100, 100, 0, null],
      ['b', '2025-10-01 00:20', 'p', 100, 100, 0, null],
    ],
  });
  try {
    const [rr] = (await run(s, { policies: ['round-robin'], info: 'hindsight', state: 'static' })).policies;
    assert.deepEqual(rr.routing, [
      { provider: 'p', share: 50 },
      { provider: 'q', share: 50 },
    ]);
    close(rr.meanTtftMs, 650);
    close(rr.policyThroughput, 50);
  } finally {
    s.close();
  }
});
