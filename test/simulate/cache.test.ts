/**
 * Prompt caches in the replay, tested by hand on one session of the model `toy`.
 *
 * Provider a: input 1, cached 0.1, output 4 per 1 M tokens, context 100k; provider b is 10%
 * cheaper on every price (0.9, 0.09, 3.6) with a 32k context. Every request was served by a.
 * A request of 10k input tokens, 8k of them cached, and 1k output costs at a, with its hits,
 * 2,000 × 1 + 8,000 × 0.1 + 1,000 × 4 = 6,800 (in 1e-6); at b 6,120. A lost hit costs
 * 8,000 × (1 − 0.1) = 7,200 more at a and 8,000 × (0.9 − 0.09) = 6,480 more at b (neither
 * prices cache writes, so the prefix is billed at the input price).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prepareNames } from '../../src/query/model-map.js';
import { Store } from '../../src/store/db.js';
import { close, run, runReplay, type NamedPolicyOptions } from './market.js';

/** [minute after 10:00, input tokens, session]: 8,000 cached, 1,000 output, served by a */
type Turn = [minutes: number, input: number, session?: string];

async function market(turns: Turn[], o: { officialB?: boolean; bWrite?: number } = {}): Promise<Store> {
  const s = await Store.open(':memory:');
  await s.run(`INSERT INTO offerings (provider, model, official, context_length) VALUES
    ('a', 'toy', ${!o.officialB}, 100000), ('b', 'toy', ${!!o.officialB}, 32000)`);
  await s.run(
    `INSERT INTO prices (ts, provider, model, input_price, output_price, cached_input_price, cache_write_price) VALUES
     (TIMESTAMP '2025-09-01', 'a', 'toy', 1, 4, 0.1, NULL), (TIMESTAMP '2025-09-01', 'b', 'toy', 0.9, 3.6, 0.09, $w)`,
    { w: o.bWrite ?? null },
  );
  for (const [i, [minutes, input, session]] of turns.entries()) {
    await s.run(
      `INSERT INTO requests (request_id, ts, model, provider, session, input_tokens, output_tokens, cached_tokens, status)
       VALUES ($id, TIMESTAMP '2025-09-02 10:00:00' + to_seconds($sec), 'toy', 'a', $session, $input, 1000, 8000, 'ok')`,
      { id: `r${i + 1}`, sec: Math.round(minutes * 60), session: session ?? 's1', input },
    );
  }
  await prepareNames(s);
  return s;
}

const observed = (o: Partial<NamedPolicyOptions> & { policies: string[] }): NamedPolicyOptions => ({
  baseline: 'observed',
  state: 'none',
  info: 'hindsight',
  ...o,
});

/** The chain of the issue: four requests a minute apart, the third (40k) too long for b. */
const CHAIN: Turn[] = [
  [0, 10_000],
  [1, 10_000],
  [2, 40_000],
  [3, 10_000],
];
// observed: 3 × 6,800 + (32,000 + 800 + 4,000) = 57,200
const OBSERVED = 57_200e-6;

test('cost sends the chain b, b, a, b: under chain it loses the hits of requests 1, 3 and 4, under warm none', async () => {
  const s = await market(CHAIN);
  try {
    const chain = await runReplay(s, observed({ policies: ['cost'] }));
    const picks = await s.all<{ request_id: string; provider: string; cost: number }>(
      `SELECT request_id, provider, cost FROM (${chain.outcomes.sql}) ORDER BY request_id`,
      chain.outcomes.params,
    );
    assert.deepEqual(
      picks.map((p) => p.provider),
      ['b', 'b', 'a', 'b'],
    );
    // 6,120 + 6,480 (first of the chain, not where it was served); 6,120 (after b); 36,800 + 7,200 (after b); 6,120 + 6,480 (after a)
    [12_600, 6_120, 44_000, 12_600].forEach((c, i) => close(picks[i].cost, c * 1e-6, `cost of r${i + 1}`));
    const p = chain.result.policies[0];
    close(p.baselineCost, OBSERVED, 'observed cost keeps every hit');
    close(p.policyCost, 75_320e-6, 'chain cost');
    close(p.savingsPct, ((57_200 - 75_320) / 57_200) * 100, 'chain savings'); // −31.68%
    assert.equal(p.savingsPct!.toFixed(1), '-31.7');
    close(p.lostCacheCost, (6_480 + 7_200 + 6_480) * 1e-6, 'lost cache cost');
    close(p.cacheHitRate, (8_000 / 70_000) * 100, 'hits kept: request 2 only');
    close(p.loggedCacheHitRate, (32_000 / 70_000) * 100, 'hits logged');

    const warm = (await run(s, observed({ policies: ['cost'], cache: 'warm' }))).policies[0];
    close(warm.policyCost, (3 * 6_120 + 36_800) * 1e-6, 'warm cost');
    close(warm.savingsPct, (2_040 / 57_200) * 100, 'warm savings'); // +3.57%
    assert.equal(warm.savingsPct!.toFixed(1), '3.6');
    assert.equal(warm.lostCacheCost, 0);
    close(warm.cacheHitRate, (32_000 / 70_000) * 100, 'warm keeps every hit');

    // cold: a hit only where the request was served; b serves three, a the third
    const cold = (await run(s, observed({ policies: ['cost'], cache: 'cold' }))).policies[0];
    close(cold.policyCost, (3 * 12_600 + 36_800) * 1e-6, 'cold cost');
    close(cold.cacheHitRate, (8_000 / 70_000) * 100, 'cold keeps the hit of request 3');
  } finally {
    s.close();
  }
});

test('cost-sticky keeps the chain on the one provider feasible for all of it', async () => {
  const s = await market(CHAIN);
  try {
    const r = await runReplay(s, observed({ policies: ['cost', 'cost-sticky'] }));
    const sticky = r.result.policies[1];
    assert.deepEqual(sticky.routing, [{ provider: 'a', share: 100 }]);
    close(sticky.policyCost, OBSERVED, 'a keeps every hit');
    assert.equal(sticky.savingsPct, 0);
    assert.equal(sticky.lostCacheCost, 0);
    close(r.result.stickyValue?.savingsPp, ((75_320 - 57_200) / 57_200) * 100, 'value of sticking over cost');
  } finally {
    s.close();
  }
});

test('cost-sticky stays on a when the first miss at b costs more than b saves, and moves to b on a longer chain', async () => {
  // four requests of 10k: a 4 × 6,800 = 27,200; b 4 × 6,120 + 6,480 = 30,960
  const short = await market([0, 1, 2, 3].map((m): Turn => [m, 10_000]));
  try {
    const r = await run(short, observed({ policies: ['cost', 'cost-sticky'] }));
    const [cost, sticky] = r.policies;
    close(cost.policyCost, 30_960e-6, 'cost goes to b and loses the first hit');
    assert.deepEqual(sticky.routing, [{ provider: 'a', share: 100 }]);
    close(sticky.policyCost, 27_200e-6, 'sticky keeps a');
    close(r.stickyValue?.savingsPp, ((30_960 - 27_200) / 27_200) * 100, 'sticky over cost, in pp');
  } finally {
    short.close();
  }
  // twelve: a 81,600; b 12 × 6,120 + 6,480 = 79,920
  const long = await market(Array.from({ length: 12 }, (_, m): Turn => [m, 10_000]));
  try {
    const sticky = (await run(long, observed({ policies: ['cost-sticky'] }))).policies[0];
    assert.deepEqual(sticky.routing, [{ provider: 'b', share: 100 }]);
    close(sticky.policyCost, 79_920e-6, 'sticky moves the whole chain to b');
    close(sticky.lostCacheCost, 6_480e-6, 'the first request loses its hit');
  } finally {
    long.close();
  }
});

test('a gap over the TTL starts a new chain; a gap of exactly the TTL does not', async () => {
  // cost sends all three to b: the first of each chain misses
  const s = await market([
    [0, 10_000],
    [5, 10_000],
    [10 + 1 / 60, 10_000],
  ]);
  try {
    const five = (await run(s, observed({ policies: ['cost'] }))).policies[0];
    close(five.policyCost, (3 * 6_120 + 2 * 6_480) * 1e-6, 'two chains');
    const ten = (await run(s, observed({ policies: ['cost'], cacheTtl: '10m' }))).policies[0];
    close(ten.policyCost, (3 * 6_120 + 6_480) * 1e-6, 'one chain with a 10-minute TTL');
    // no request has a task: keyed by task, every request of the model shares one key
    const own = (await run(s, observed({ policies: ['cost'], cacheKey: 'task', cacheTtl: '10m' }))).policies[0];
    close(own.policyCost, (3 * 6_120 + 6_480) * 1e-6, 'one chain with the task as key');
  } finally {
    s.close();
  }
  const split = await market([
    [0, 10_000, 'x'],
    [1, 10_000, 'y'],
  ]);
  try {
    const two = (await run(split, observed({ policies: ['cost'] }))).policies[0];
    close(two.policyCost, 2 * 12_600e-6, 'two sessions, two chains');
    const none = (await run(split, observed({ policies: ['cost'], cacheKey: 'none' }))).policies[0];
    close(none.policyCost, (12_600 + 6_120) * 1e-6, 'one chain per model');
  } finally {
    split.close();
  }
});

test('requests at the same instant follow a hash of their ids in a chain; interleaved sessions keep their own chains', async () => {
  // r1 (10k) and r2 (40k, too long for b) at the same instant. r1 first: it goes to b, missing (6,120 + 6,480);
  // r2 follows at a, where its prefix no longer is (6,800 + 30,000 + 7,200). r2 first: it goes to a, where it
  // was served (36,800); r1 follows at b, missing (6,120 + 6,480). Their ids' text and hash orders differ.
  const tie = await market([
    [0, 10_000],
    [0, 40_000],
  ]);
  try {
    const { r1First } = (await tie.one<{ r1First: boolean }>(`SELECT hash('r1') < hash('r2') AS "r1First"`))!;
    assert.equal(r1First, false, 'the test needs ids whose hash order is not their text order');
    close((await run(tie, observed({ policies: ['cost'] }))).policies[0].policyCost, 49_400e-6, 'r2 before r1');
  } finally {
    tie.close();
  }
  // x, y, x, y a minute apart, all at b: the first of each session misses
  const mixed = await market([
    [0, 10_000, 'x'],
    [1, 10_000, 'y'],
    [2, 10_000, 'x'],
    [3, 10_000, 'y'],
  ]);
  try {
    const p = (await run(mixed, observed({ policies: ['cost'] }))).policies[0];
    close(p.policyCost, (4 * 6_120 + 2 * 6_480) * 1e-6, 'two chains of two');
  } finally {
    mixed.close();
  }
});

test('a session and an app of the same name are two cache keys', async () => {
  // r1 has session x, r2 only app x, a minute later: two chains, each first misses at b
  const s = await market([
    [0, 10_000, 'x'],
    [1, 10_000, 'x'],
  ]);
  try {
    await s.run("UPDATE requests SET session = NULL, app = 'x' WHERE request_id = 'r2'");
    const p = (await run(s, observed({ policies: ['cost'] }))).policies[0];
    close(p.policyCost, 2 * 12_600e-6, 'two keys');
  } finally {
    s.close();
  }
});

test('a lost hit is written again at the cache-write price; the official baseline loses hits too', async () => {
  // b writes at 1.2: a lost hit at b costs 8,000 × (1.2 − 0.09) = 8,880 more
  const s = await market(CHAIN, { bWrite: 1.2, officialB: true });
  try {
    const p = (await run(s, { policies: ['cost'], state: 'none', info: 'hindsight' })).policies[0];
    // the official baseline (b) cannot serve request 3; it sends 1, 2 and 4 to b: 1 misses (served by a),
    // 2 hits, 4 misses (request 3, in the chain, went nowhere under the baseline)
    assert.equal(p.requests, 3);
    close(p.baselineCost, (3 * 6_120 + 2 * 8_880) * 1e-6, 'baseline with lost hits');
    // cost sends request 3 to a: request 4 misses after it as the baseline's does
    close(p.policyCost, p.baselineCost, 'cost chooses as the baseline on the compared requests');
    close(p.lostCacheCost, 2 * 8_880e-6, 'two lost hits');
  } finally {
    s.close();
  }
});
