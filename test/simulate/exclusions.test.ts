import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildProviderCatalog, resolveProvider } from '../../src/catalog/providers.js';
import { simulateReport } from '../../src/commands/simulate.js';
import { close, openMarket, run } from './market.js';

test('every request not compared is counted under its first reason, adding up to selected − compared', async () => {
  const s = await openMarket({
    offers: [
      { provider: 'pa', official: true, context: 1000, price: [1, 2] },
      { provider: 'pb', features: 'json_schema,stream', price: [0.5, 1] },
    ],
    probes: [
      ['2025-10-01 00:05', 'pa', true, 500, 50],
      ['2025-10-01 00:05', 'pb', true, 500, 50],
    ],
    requests: [
      ['r1', '2025-10-01 00:10', 'pa', 500, 100, 0, null], // compared by both
      ['r2', '2025-10-01 00:20', 'pa', 1900, 100, 0, null], // too long for pa's context
      ['r3', '2025-10-01 05:10', 'pa', 500, 100, 0, null], // no state within --stale 1h
      ['r4', '2025-10-01 00:30', 'pa', 500, 100, 0, 'tools'], // pb lacks tools
    ],
  });
  try {
    const r = await run(s, { policies: ['cost', 'fixed:pb'], info: 'hindsight', stale: '1h' });
    const [cost, fixed] = r.policies;
    assert.equal(r.requests, 4);
    assert.equal(cost.requests, 2);
    assert.deepEqual(cost.excluded, { baseline_infeasible: 1, no_state: 1 });
    assert.equal(fixed.requests, 1);
    assert.deepEqual(fixed.excluded, { baseline_infeasible: 1, no_state: 1, no_feasible_candidate: 1 });
    for (const p of r.policies) {
      const sum = Object.values(p.excluded!).reduce((a, n) => a + n, 0);
      assert.equal(sum, r.requests - p.requests);
      assert.equal(sum, p.infeasible);
    }
    const notes = simulateReport(r).notes!;
    assert.ok(notes.includes(`not compared (no_state): 1 of 4 requests: ${noStateStep}`), notes.join('\n'));
    assert.ok(notes.some((n) => n.startsWith('not compared by fixed:pb (no_feasible_candidate): 1 requests: ')));
  } finally {
    s.close();
  }
});
const noStateStep =
  'no measurements or logged requests judge the baseline then; use --state static (one state over all measurements) or --state none';

test('a logs-only database: every request lacks a baseline price, and the note says what to do', async () => {
  const s = await openMarket({
    offers: [{ provider: 'pa', official: true }, { provider: 'pb' }],
    requests: [
      ['r1', '2025-10-01 00:10', 'pa', 500, 100, 0, null],
      ['r2', '2025-10-01 00:20', 'pb', 500, 100, 0, null],
    ],
  });
  try {
    const r = await run(s, { policies: ['cost'], info: 'hindsight' });
    assert.deepEqual(r.policies[0].excluded, { no_baseline_price: 2 });
    const observed = await run(s, { policies: ['cost'], info: 'hindsight', baseline: 'observed' });
    assert.deepEqual(observed.policies[0].excluded, { no_baseline_price: 2 });
    assert.match(
      simulateReport(r).notes!.join('\n'),
      /not compared \(no_baseline_price\): 2 of 2 requests: .*--market-at latest/,
    );
  } finally {
    s.close();
  }
});

test('an anomalous price alone is its own reason; --include-anomalous-prices compares', async () => {
  const s = await openMarket({
    offers: [
      { provider: 'pa', official: true, price: [0, 0] }, // a zero price is flagged
      { provider: 'pb', price: [1, 2] },
    ],
    probes: [
      ['2025-10-01 00:05', 'pa', true, 500, 50],
      ['2025-10-01 00:05', 'pb', true, 500, 50],
    ],
    requests: [['r1', '2025-10-01 00:10', 'pa', 500, 100, 0, null]],
  });
  try {
    const r = await run(s, { policies: ['cost'], info: 'hindsight' });
    assert.deepEqual(r.policies[0].excluded, { anomalous_price: 1 });
    const included = await run(s, { policies: ['cost'], info: 'hindsight', includeAnomalousPrices: true });
    assert.deepEqual(included.policies[0].excluded, {});
  } finally {
    s.close();
  }
});

test('--state none: no measurements needed, success taken as 1, no speed figures', async () => {
  const s = await openMarket({
    offers: [
      { provider: 'pa', official: true, price: [1, 2] },
      { provider: 'pb', price: [0.5, 1] },
    ],
    requests: [
      ['r1', '2025-10-01 00:10', 'pa', 1000, 100, 0, null],
      ['r2', '2025-10-02 09:00', 'pa', 2000, 100, 0, null],
    ],
  });
  try {
    // judged on logged requests, pb (never used) has no state: only pa is feasible
    const windowed = await run(s, { policies: ['cost'], info: 'hindsight' });
    assert.deepEqual(windowed.policies[0].routing, [{ provider: 'pa', share: 100 }]);
    const r = await run(s, { policies: ['cost'], state: 'none' });
    assert.equal(r.state, 'none');
    const cost = r.policies[0];
    assert.equal(cost.requests, 2);
    // baseline pa: 1,000 + 200 and 2,000 + 200; pb: 500 + 100 and 1,000 + 100 (per 1 M)
    close(cost.baselineCost, 0.0034, 'baseline cost');
    close(cost.policyCost, 0.0017, 'policy cost');
    assert.equal(cost.baselineThroughput, null);
    assert.equal(cost.meanTtftMs, null);
    assert.deepEqual(cost.routing, [{ provider: 'pb', share: 100 }]);
  } finally {
    s.close();
  }
});

test('--market-at: every request priced by the market of that time, which the result names', async () => {
  const s = await openMarket({
    offers: [{ provider: 'pa', official: true }, { provider: 'pb' }],
    prices: [
      ['2025-12-01 00:00', 'pa', 1, 2, null],
      ['2025-12-01 00:00', 'pb', 0.5, 1, null],
      ['2026-01-01 00:00', 'pb', 0.25, 0.5, null],
    ],
    requests: [['r1', '2025-10-01 00:10', 'pa', 1000, 100, 0, null]],
  });
  try {
    const own = await run(s, { policies: ['cost'], state: 'none' });
    assert.deepEqual(own.policies[0].excluded, { no_baseline_price: 1 });
    const dec = await run(s, { policies: ['cost'], state: 'none', marketAt: '2025-12-15' });
    assert.equal(dec.marketAt, '2025-12-15T00:00:00.000Z');
    close(dec.policies[0].policyCost, 0.0006, 'December: 1,000 · 0.5 + 100 · 1');
    const latest = await run(s, { policies: ['cost'], state: 'none', marketAt: 'latest' });
    assert.equal(latest.marketAt, '2026-01-01T00:00:00.000000Z');
    close(latest.policies[0].policyCost, 0.0003, 'January: 1,000 · 0.25 + 100 · 0.5');
    close(latest.policies[0].baselineCost, 0.0012, 'pa at its December price');
    assert.match(
      simulateReport(latest).sections[0].title!,
      /none state, cache chain, market at 2026-01-01T00:00:00\.000000Z\)$/,
    );
  } finally {
    s.close();
  }
});

test('candidate sets: --providers, --exclude-providers and --hosts-only filter every policy, never the baseline', async () => {
  const s = await openMarket({
    offers: [
      { provider: 'pa', official: true, price: [1, 2] },
      { provider: 'openrouter', price: [0.2, 0.4] }, // a gateway, the cheapest
      { provider: 'together_ai', price: [0.5, 1] },
    ],
    requests: [['r1', '2025-10-01 00:10', 'pa', 1000, 100, 0, null]],
  });
  const ids = buildProviderCatalog();
  const providerId = (n: string) => resolveProvider(n, ids).provider;
  const routed = async (o: Record<string, unknown>) =>
    (await run(s, { policies: ['cost'], state: 'none', providerId, ...o })).policies[0].routing;
  try {
    assert.deepEqual(await routed({}), [{ provider: 'openrouter', share: 100 }]);
    assert.deepEqual(await routed({ hostsOnly: true }), [{ provider: 'together', share: 100 }]);
    assert.deepEqual(await routed({ excludeProviders: ['OpenRouter', 'Together'] }), [{ provider: 'pa', share: 100 }]);
    assert.deepEqual(await routed({ providers: ['together-ai'] }), [{ provider: 'together', share: 100 }]);
    // the baseline is never filtered: openrouter stays the baseline though no policy may choose it
    const r = await run(s, {
      policies: ['cost'],
      state: 'none',
      providerId,
      baseline: 'provider:openrouter',
      excludeProviders: ['openrouter'],
    });
    assert.equal(r.policies[0].requests, 1);
    close(r.policies[0].baselineCost, 0.00024, 'openrouter: 1,000 · 0.2 + 100 · 0.4');
    await assert.rejects(
      run(s, { policies: ['cost'], state: 'none', providerId, providers: ['nope'] }),
      /--providers: 'nope' names no provider/,
    );
  } finally {
    s.close();
  }
});
