/**
 * p50 and p90 of end-to-end latency from bands placed by a sample: exactly what
 * quantile_cont over every latency gives, and a band that misses is reported.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { latencyAggregates, latencyPercentiles, groupKey, type Bands } from '../../src/simulate/percentiles.js';
import { Store } from '../../src/store/db.js';
import { openMarket, runReplay } from './market.js';

/** sim_agg_wide over 1,001 latencies in 7 groups, for one policy: with bands, or keeping every latency. */
async function aggregated(s: Store, bands?: Bands) {
  const names = new Map<string, string>();
  const agg = (expr: string) => names.get(expr) ?? (names.set(expr, `a${names.size}`), `a${names.size - 1}`);
  const columns: string[] = [];
  const column = (expr: string) => (columns.push(`${expr} AS c${columns.length}`), `c${columns.length - 1}`);
  const l = latencyAggregates('x', bands, agg, column);
  await s.run(`CREATE OR REPLACE TEMP TABLE sim_agg_wide AS
    SELECT g, ${[...names].map(([e, a]) => `${e} AS ${a}`).join(', ')}
    FROM (SELECT *, ${columns.join(', ') || '0'} FROM (
      SELECT i % 7 AS g, CASE WHEN i % 50 = 0 THEN NULL ELSE (hash(i) % 10007)::DOUBLE / 7 END AS x FROM range(1001) r(i)))
    GROUP BY g`);
  return l;
}

test('percentiles from bands equal quantile_cont over every latency; a band that misses gives null', async () => {
  const s = await Store.open(':memory:');
  try {
    const exact = await s.one<{ q: number[] }>(`SELECT quantile_cont(x, [0.5, 0.9]) AS q
      FROM (SELECT CASE WHEN i % 50 = 0 THEN NULL ELSE (hash(i) % 10007)::DOUBLE / 7 END AS x FROM range(1001) r(i))`);
    const [p50, p90] = exact!.q;
    // every latency kept
    const all = await latencyPercentiles(s, ['p'], [await aggregated(s)]);
    assert.deepEqual(all!.get(groupKey('p', null)), [p50, p90]);
    // bands around each percentile, a little wider than it
    const bands: Bands = [
      [p50 - 50, p50 + 50],
      [p90 - 20, p90 + 20],
    ];
    const banded = await latencyPercentiles(s, ['p'], [await aggregated(s, bands)]);
    const [b50, b90] = banded!.get(groupKey('p', null))!;
    assert.ok(
      Math.abs(b50! - p50) <= 1e-9 * p50 && Math.abs(b90! - p90) <= 1e-9 * p90,
      `${b50} ${b90} vs ${p50} ${p90}`,
    );
    // bands that overlap, and bands that touch at a latency (it lies in both, and below neither)
    const edge = (await s.one<{ e: number }>(`SELECT min(x) AS e FROM (SELECT (hash(i) % 10007)::DOUBLE / 7 AS x
      FROM range(1001) r(i) WHERE i % 50 <> 0) WHERE x > ${p50} + 10`))!.e;
    for (const touching of [
      [
        [p50 - 50, p90],
        [p90 - 20, p90 + 20],
      ],
      [
        [p50 - 50, edge],
        [edge, p90 + 20],
      ],
    ] as Bands[]) {
      const [t50, t90] = (await latencyPercentiles(s, ['p'], [await aggregated(s, touching)]))!.get(
        groupKey('p', null),
      )!;
      assert.ok(Math.abs(t50! - p50) <= 1e-9 * p50 && Math.abs(t90! - p90) <= 1e-9 * p90, `${touching}: ${t50} ${t90}`);
    }
    // open-ended bands hold everything
    const open = await latencyPercentiles(
      s,
      ['p'],
      [
        await aggregated(s, [
          [-Infinity, Infinity],
          [-Infinity, Infinity],
        ]),
      ],
    );
    assert.deepEqual(open!.get(groupKey('p', null)), [p50, p90]);
    // a band entirely above p50 misses it
    assert.equal(
      await latencyPercentiles(
        s,
        ['p'],
        [
          await aggregated(s, [
            [p50 + 1, p50 + 100],
            [p90 - 20, p90 + 20],
          ]),
        ],
      ),
      null,
    );
  } finally {
    s.close();
  }
});

test('a replay with sampled bands, or with a band that misses, reports the percentiles of every latency', async () => {
  const s = await openMarket({
    offers: [
      { provider: 'p', official: true, price: [1, 2] },
      { provider: 'q', price: [0.5, 1] },
      { provider: 'r', price: [0.8, 0.8] },
    ],
    probes: [
      ['2025-10-01 00:05', 'p', true, 900, 40],
      ['2025-10-01 00:05', 'q', true, 400, 90],
      ['2025-10-01 00:05', 'r', true, 200, 60],
      ['2025-10-01 01:05', 'p', true, 800, 50],
      ['2025-10-01 01:05', 'q', true, 700, 30],
      ['2025-10-01 01:05', 'r', true, 300, 70],
    ],
    requests: [],
  });
  try {
    await s.run(`INSERT INTO requests (request_id, ts, model, provider, input_tokens, output_tokens, status)
      SELECT 'r' || i, TIMESTAMP '2025-10-01 00:00' + to_seconds(i * 2), 'toy', 'p', 100 + hash(i) % 900, 10 + hash(i * 7) % 2000, 'ok'
      FROM range(3000) t(i)`);
    const policies = ['cost', 'throughput', 'latency', 'balanced', 'round-robin'];
    const every = await runReplay(s, { policies, info: 'hindsight' });
    // independently: quantile_cont over the per-request outcomes
    const direct = await s.all<{ policy: string; q: number[] }>(
      `SELECT policy, quantile_cont(e2e, [0.5, 0.9]) AS q FROM (${every.outcomes.sql}) GROUP BY policy`,
      every.outcomes.params,
    );
    const sampled = await runReplay(s, { policies, info: 'hindsight', bandSampling: { every: 3, sigmas: 6 } });
    const missed = await runReplay(s, { policies, info: 'hindsight', bandSampling: { every: 1, sigmas: 0 } });
    for (const [i, p] of every.result.policies.entries()) {
      const [d50, d90] = direct.find((d) => d.policy === p.policy)!.q;
      for (const r of [p, sampled.result.policies[i], missed.result.policies[i]]) {
        assert.ok(Math.abs(r.p50LatencyMs! - d50) <= 1e-9 * d50, `${p.policy} p50 ${r.p50LatencyMs} vs ${d50}`);
        assert.ok(Math.abs(r.p90LatencyMs! - d90) <= 1e-9 * d90, `${p.policy} p90 ${r.p90LatencyMs} vs ${d90}`);
        // the same sums, perhaps in another order
        assert.ok(
          Math.abs(r.policyCost - p.policyCost) <= 1e-12 * p.policyCost,
          `${p.policy} cost ${r.policyCost} vs ${p.policyCost}`,
        );
      }
    }
  } finally {
    s.close();
  }
});
