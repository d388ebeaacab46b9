import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../../src/errors.js';
import { ingestFiles, type FileCounts } from '../../src/ingest/index.js';
import { PRESETS } from '../../src/ingest/presets/index.js';
import { Store } from '../../src/store/db.js';
import { fixtures, readText, realData, runCli, tmpDir, withMemory } from '../helpers.js';

const preset = PRESETS['models-dev'];
const historyDir = path.join(realData, 'models-dev', 'history');
const snapshot = (day: string) => path.join(historyDir, day, 'api.json.gz');
const sample = path.join(fixtures, 'presets', 'models-dev', 'sample.json');
const bad = path.join(fixtures, 'presets', 'models-dev', 'bad.json');

/** The makers' own pay-per-token APIs, written out here rather than imported from the preset. */
const OFFICIAL = new Set([
  'deepseek',
  'moonshotai',
  'moonshotai-cn',
  'alibaba',
  'zai',
  'zhipuai',
  'minimax',
  'minimax-cn',
  'mistral',
  'openai',
  'anthropic',
  'google',
  'xai',
  'cohere',
  'xiaomi',
  'stepfun',
  'llama',
  'nova',
  'perplexity',
  'inception',
  'upstage',
  'bailing',
  'sakana',
  'poolside',
  'sarvam',
  'morph',
  'v0',
]);

type Cost = Record<string, unknown> & {
  tiers?: (Record<string, unknown> & { tier: { size: number } })[];
  context_over_200k?: Record<string, unknown>;
};
interface Model {
  tool_call?: boolean;
  structured_output?: boolean;
  reasoning?: boolean;
  status?: string;
  limit: { context: number; input?: number; output?: number };
  cost?: Cost;
}
type Catalogue = Record<string, { models: Record<string, Model> }>;

/**
 * What the preset should make of a file, computed with plain JavaScript from JSON.parse,
 * independently of the SQL: one offering tuple per model entry, one price tuple per priced
 * entry that is not deprecated and one per long-context tier (`tiers[]` when present, else
 * `context_over_200k` at 200,000).
 */
function expectedFromFile(file: string, day: string) {
  const doc = JSON.parse(readText(file)) as Catalogue;
  const offerings: string[] = [];
  const prices: string[] = [];
  const priceRow = (provider: string, model: string, tier: number, c: Record<string, unknown>) =>
    JSON.stringify([provider, model, tier, c.input, c.output, c.cache_read ?? null, c.cache_write ?? null]);
  for (const [provider, p] of Object.entries(doc)) {
    for (const [model, m] of Object.entries(p.models)) {
      const deprecated = m.status === 'deprecated';
      const features = [
        m.tool_call && 'tools',
        m.structured_output && 'json_schema',
        m.reasoning && 'reasoning',
        'stream',
      ]
        .filter(Boolean)
        .join(',');
      offerings.push(
        JSON.stringify([
          provider,
          model,
          OFFICIAL.has(provider),
          day,
          deprecated ? day : null,
          m.limit.context,
          m.limit.output ?? null,
          features || null,
        ]),
      );
      if (!m.cost || deprecated) continue;
      prices.push(priceRow(provider, model, 0, m.cost));
      const tiers: [number, Record<string, unknown>][] = m.cost.tiers
        ? m.cost.tiers.map((t) => [t.tier.size, t])
        : m.cost.context_over_200k
          ? [[200000, m.cost.context_over_200k]]
          : [];
      for (const [size, t] of tiers) prices.push(priceRow(provider, model, size, t));
    }
  }
  return { doc, offerings, prices };
}

function counts(r: FileCounts[]) {
  return r.map((f) => ({
    kind: f.kind,
    read: f.read,
    accepted: f.accepted,
    duplicates: f.duplicates,
    rejected: f.rejected,
  }));
}

const OFFERING_TUPLES = `SELECT to_json([to_json(provider), to_json(model), to_json(official), to_json(strftime(listed_from, '%Y-%m-%d')),
    to_json(strftime(listed_to, '%Y-%m-%d')), to_json(context_length), to_json(max_output_tokens), to_json(features)])::VARCHAR AS t
  FROM offerings`;
const PRICE_TUPLES = `SELECT to_json([to_json(provider), to_json(model), to_json(tier_min_input_tokens), to_json(input_price),
    to_json(output_price), to_json(cached_input_price), to_json(cache_write_price)])::VARCHAR AS t
  FROM prices`;

/** Stored tuples as plain JSON arrays (numbers through JSON.parse, so 0.26 compares as 0.26). */
async function tuples(store: Store, sql: string): Promise<string[]> {
  const rows = await store.all<{ t: string }>(sql);
  return rows.map((r) => JSON.stringify(JSON.parse(r.t))).sort();
}

describe('models-dev on the 2026-03-15 snapshot', () => {
  let store: Store;
  let result: FileCounts[];
  const file = snapshot('2026-03-15');
  const exp = expectedFromFile(file, '2026-03-15');

  before(async () => {
    store = await Store.open(':memory:');
    const t0 = performance.now();
    result = await ingestFiles(store, [file], { preset });
    const ms = performance.now() - t0;
    assert.ok(ms < 5000, `ingest took ${ms.toFixed(0)} ms`);
  });
  after(() => store.close());

  test('counts: 102 providers, 3,742 offerings, 3,586 price rows (67 of them long-context tiers)', () => {
    assert.equal(Object.keys(exp.doc).length, 102);
    assert.deepEqual(counts(result), [
      { kind: 'offerings', read: 3742, accepted: 3742, duplicates: 0, rejected: 0 },
      { kind: 'prices', read: 3586, accepted: 3586, duplicates: 0, rejected: 0 },
    ]);
    assert.deepEqual(
      result.map((f) => f.read),
      [exp.offerings.length, exp.prices.length],
    );
    for (const f of result) assert.equal(f.read, f.accepted + f.duplicates + f.rejected);
  });

  test('every offering and price row equals a plain JSON.parse of the file', async () => {
    assert.deepEqual(await tuples(store, OFFERING_TUPLES), [...exp.offerings].sort());
    assert.deepEqual(await tuples(store, PRICE_TUPLES), [...exp.prices].sort());
    assert.deepEqual(await store.all(`SELECT DISTINCT strftime(ts, '%Y-%m-%dT%H:%M:%S') AS ts, currency FROM prices`), [
      { ts: '2026-03-15T00:00:00', currency: 'USD' },
    ]);
  });

  test('DeepSeek-V3.2 under its plain spellings: 28 offerings, 26 priced; read by hand', async () => {
    const plain = `regexp_matches(lower(model), '(^|[/:])deepseek-v3\\.2$')`;
    const n = await store.one<{ o: number; p: number }>(
      `SELECT (SELECT count(*) FROM offerings WHERE ${plain}) AS o, (SELECT count(*) FROM prices WHERE ${plain}) AS p`,
    );
    // baseten's is deprecated (no price row), ollama-cloud's has no cost.
    assert.deepEqual(n, { o: 28, p: 26 });
    const rows = await store.all(
      `SELECT o.provider, o.model, o.official, strftime(o.listed_to, '%Y-%m-%d') AS listed_to, o.context_length,
              o.max_output_tokens, o.features, p.input_price, p.output_price, p.cached_input_price, p.cache_write_price,
              p.tier_min_input_tokens
       FROM offerings o LEFT JOIN prices p USING (provider, model)
       WHERE (o.provider, o.model) IN (('deepinfra', 'deepseek-ai/DeepSeek-V3.2'), ('nebius', 'deepseek-ai/DeepSeek-V3.2'),
         ('synthetic', 'hf:deepseek-ai/DeepSeek-V3.2'), ('nano-gpt', 'deepseek/deepseek-v3.2'), ('iflowcn', 'deepseek-v3.2'),
         ('baseten', 'deepseek-ai/DeepSeek-V3.2'), ('ollama-cloud', 'deepseek-v3.2'), ('kilo', 'deepseek/deepseek-v3.2'))
       ORDER BY o.provider`,
    );
    const host = (provider: string, model: string, limits: [number, number], features: string) => ({
      provider,
      model,
      official: false,
      listed_to: null as string | null,
      context_length: limits[0],
      max_output_tokens: limits[1],
      features,
      tier_min_input_tokens: 0 as number | null,
    });
    const unpriced = { input_price: null, output_price: null, cached_input_price: null, cache_write_price: null };
    assert.deepEqual(rows, [
      // status "deprecated": listed [2026-03-15, 2026-03-15), so nowhere; no price row
      {
        ...host('baseten', 'deepseek-ai/DeepSeek-V3.2', [163800, 131100], 'tools,reasoning,stream'),
        listed_to: '2026-03-15',
        ...unpriced,
        tier_min_input_tokens: null,
      },
      {
        ...host('deepinfra', 'deepseek-ai/DeepSeek-V3.2', [163840, 64000], 'tools,reasoning,stream'),
        input_price: 0.26,
        output_price: 0.38,
        cached_input_price: 0.13,
        cache_write_price: null,
      },
      // 0 and 0: stored, and flagged by the price sanity check
      {
        ...host('iflowcn', 'deepseek-v3.2', [128000, 64000], 'tools,stream'),
        input_price: 0,
        output_price: 0,
        cached_input_price: null,
        cache_write_price: null,
      },
      {
        ...host('kilo', 'deepseek/deepseek-v3.2', [163840, 65536], 'tools,reasoning,stream'),
        input_price: 0.25,
        output_price: 0.38,
        cached_input_price: 0.125,
        cache_write_price: null,
      },
      // the float noise is in the catalogue's TOML, kept as written
      {
        ...host('nano-gpt', 'deepseek/deepseek-v3.2', [163000, 65536], 'tools,json_schema,stream'),
        input_price: 0.27999999999999997,
        output_price: 0.42000000000000004,
        cached_input_price: null,
        cache_write_price: null,
      },
      // limit.input 160,000 of a 163,000 window: context_length is the window
      {
        ...host('nebius', 'deepseek-ai/DeepSeek-V3.2', [163000, 16384], 'tools,json_schema,reasoning,stream'),
        input_price: 0.3,
        output_price: 0.45,
        cached_input_price: 0.03,
        cache_write_price: 0.375,
      },
      {
        ...host('ollama-cloud', 'deepseek-v3.2', [163840, 65536], 'tools,reasoning,stream'),
        ...unpriced,
        tier_min_input_tokens: null,
      },
      // a cache-write price of 0 is kept as 0, not as "none"
      {
        ...host('synthetic', 'hf:deepseek-ai/DeepSeek-V3.2', [162816, 8000], 'tools,json_schema,reasoning,stream'),
        input_price: 0.27,
        output_price: 0.4,
        cached_input_price: 0.27,
        cache_write_price: 0,
      },
    ]);
    const range = await store.one(
      `SELECT min(input_price) AS lo, max(input_price) AS hi FROM prices WHERE ${plain} AND input_price > 0`,
    );
    assert.deepEqual(range, { lo: 0.25, hi: 0.58 }); // kilo; azure and azure-cognitive-services
  });

  test('context_over_200k becomes a tier row at 200,000; a price it leaves out stays empty', async () => {
    const rows = await store.all(
      `SELECT provider, model, tier_min_input_tokens AS tier, input_price AS i, output_price AS o,
              cached_input_price AS c, cache_write_price AS w
       FROM prices WHERE (provider, model) IN (('amazon-bedrock', 'anthropic.claude-sonnet-4-6'),
         ('openai', 'gpt-5.4'), ('openai', 'gpt-5.4-pro'))
       ORDER BY provider, model, tier`,
    );
    assert.deepEqual(
      rows,
      [
        // {"input":3,"output":15,"cache_read":0.3,"cache_write":3.75,
        //  "context_over_200k":{"input":6,"output":22.5,"cache_read":0.6,"cache_write":7.5}}
        ['amazon-bedrock', 'anthropic.claude-sonnet-4-6', 0, 3, 15, 0.3, 3.75],
        ['amazon-bedrock', 'anthropic.claude-sonnet-4-6', 200000, 6, 22.5, 0.6, 7.5],
        // Before cost.tiers (June 2026) the catalogue only says "over 200k": 200,000 here, where the
        // 2026-07-01 snapshot's tiers[] says 272,000 (see the sample test).
        ['openai', 'gpt-5.4', 0, 2.5, 15, 0.25, null],
        ['openai', 'gpt-5.4', 200000, 5, 22.5, 0.5, null],
        // {"input":30,"output":180,"context_over_200k":{"input":60,"output":270}}: no cached price in either tier
        ['openai', 'gpt-5.4-pro', 0, 30, 180, null, null],
        ['openai', 'gpt-5.4-pro', 200000, 60, 270, null, null],
      ].map(([provider, model, tier, i, o, c, w]) => ({ provider, model, tier, i, o, c, w })),
    );
    const partial = exp.prices
      .map((t) => JSON.parse(t) as unknown[])
      .filter((t) => t[2] === 200000 && t[5] === null && t[6] === null);
    const stored = await store.one<{ n: number }>(
      `SELECT count(*) AS n FROM prices WHERE tier_min_input_tokens = 200000 AND cached_input_price IS NULL AND cache_write_price IS NULL`,
    );
    assert.equal(stored!.n, partial.length);
    assert.equal(partial.length, 6); // tiers with only input and output
  });

  test("official only for a maker's own API; coding plans and resellers are not", async () => {
    const byProvider = await store.all(
      `SELECT provider, bool_and(official) AS official FROM offerings
       WHERE provider IN ('deepseek', 'moonshotai', 'alibaba', 'alibaba-cn', 'zai', 'zai-coding-plan', 'minimax',
         'minimax-coding-plan', 'google', 'google-vertex', 'openrouter', 'togetherai', 'fireworks-ai', 'kimi-for-coding')
       GROUP BY provider ORDER BY provider`,
    );
    assert.deepEqual(byProvider, [
      { provider: 'alibaba', official: true },
      { provider: 'alibaba-cn', official: false }, // resells DeepSeek and Kimi beside Qwen
      { provider: 'deepseek', official: true },
      { provider: 'fireworks-ai', official: false },
      { provider: 'google', official: true },
      { provider: 'google-vertex', official: false },
      { provider: 'kimi-for-coding', official: false },
      { provider: 'minimax', official: true },
      { provider: 'minimax-coding-plan', official: false },
      { provider: 'moonshotai', official: true },
      { provider: 'openrouter', official: false },
      { provider: 'togetherai', official: false },
      { provider: 'zai', official: true },
      { provider: 'zai-coding-plan', official: false },
    ]);
    const mixed = await store.all(
      'SELECT provider FROM offerings GROUP BY provider HAVING bool_or(official) <> bool_and(official)',
    );
    assert.deepEqual(mixed, []);
  });

  test('ingesting the same file again adds nothing', async () => {
    const again = await ingestFiles(store, [file], { preset });
    assert.deepEqual(counts(again), [
      { kind: 'offerings', read: 3742, accepted: 0, duplicates: 3742, rejected: 0 },
      { kind: 'prices', read: 3586, accepted: 0, duplicates: 3586, rejected: 0 },
    ]);
  });
});

test('the history folder ingests as 14 snapshots, each dated by its folder', async () => {
  await withMemory(async (store) => {
    const days = readdirSync(historyDir).sort();
    assert.equal(days.length, 14);
    const result = await ingestFiles(store, [historyDir], { preset });
    assert.equal(result.length, 28);
    const expected = days.map((d) => expectedFromFile(snapshot(d), d));
    assert.deepEqual(
      counts(result).map((c) => [c.kind, c.read, c.accepted, c.duplicates, c.rejected]),
      expected.flatMap((e) => [
        ['offerings', e.offerings.length, e.offerings.length, 0, 0],
        ['prices', e.prices.length, e.prices.length, 0, 0],
      ]),
    );
    const perTs = await store.all<{ ts: string; n: number }>(
      `SELECT strftime(ts, '%Y-%m-%dT%H:%M:%S') AS ts, count(*) AS n FROM prices GROUP BY ts ORDER BY ts`,
    );
    assert.deepEqual(
      perTs,
      days.map((d, i) => ({ ts: `${d}T00:00:00`, n: expected[i].prices.length })),
    );
    // Hand-checked against the table in data/real/models-dev/README.md (models per snapshot).
    assert.deepEqual(
      expected.map((e) => e.offerings.length),
      [181, 427, 633, 747, 1005, 1496, 1929, 2372, 3054, 3742, 4108, 4387, 4967, 5272],
    );
    assert.deepEqual(
      perTs.map((r) => r.n),
      [170, 360, 615, 723, 981, 1443, 1847, 2265, 2910, 3586, 3922, 4224, 4828, 4974],
    );
    // openrouter openai/gpt-oss-120b, read by hand: 0.15/0.6 at 2025-09-01, 0.072/0.28 from 2025-10-01,
    // 0.039/0.18 at 2026-06-01, 0.03/0.15 at 2026-07-01.
    const oss = await store.all(
      `SELECT strftime(ts, '%Y-%m-%d') AS d, input_price AS i, output_price AS o FROM prices
       WHERE provider = 'openrouter' AND model = 'openai/gpt-oss-120b' AND strftime(ts, '%d') = '01'
         AND (ts <= '2025-10-01' OR ts >= '2026-06-01') ORDER BY ts`,
    );
    assert.deepEqual(oss, [
      { d: '2025-09-01', i: 0.15, o: 0.6 },
      { d: '2025-10-01', i: 0.072, o: 0.28 },
      { d: '2026-06-01', i: 0.039, o: 0.18 },
      { d: '2026-07-01', i: 0.03, o: 0.15 },
    ]);
    // nebius DeepSeek-V3.2 is deprecated at 2026-07-01: that snapshot closes its listing and adds no
    // price, so the latest price row stays the 2026-06-01 one (a later snapshot cannot retract it).
    const nebius = await store.all(
      `SELECT strftime(max(p.ts), '%Y-%m-%d') AS last_price,
              (SELECT strftime(max(listed_to), '%Y-%m-%d') FROM offerings
               WHERE provider = 'nebius' AND model = 'deepseek-ai/DeepSeek-V3.2') AS listed_to
       FROM prices p WHERE provider = 'nebius' AND model = 'deepseek-ai/DeepSeek-V3.2'`,
    );
    assert.deepEqual(nebius, [{ last_price: '2026-06-01', listed_to: '2026-07-01' }]);
    const again = await ingestFiles(store, [historyDir], { preset });
    assert.ok(again.every((f) => f.accepted === 0 && f.duplicates === f.read));
  });
});

describe('the sample (nine real entries of the 2026-07-01 snapshot)', () => {
  test('hand-computed offerings and prices: tiers[] thresholds, cache writes, deprecated, no cost, zero', async () => {
    await withMemory(async (store) => {
      const r = await ingestFiles(store, [sample], { preset, set: { ts: '2026-07-01T00:00:00Z' } });
      assert.deepEqual(counts(r), [
        { kind: 'offerings', read: 9, accepted: 9, duplicates: 0, rejected: 0 },
        { kind: 'prices', read: 10, accepted: 10, duplicates: 0, rejected: 0 },
      ]);
      assert.deepEqual(
        await store.all(
          `SELECT provider, model, official, strftime(listed_from, '%Y-%m-%d') AS listed_from,
                  strftime(listed_to, '%Y-%m-%d') AS listed_to, context_length, max_output_tokens, features, quantization
           FROM offerings ORDER BY provider, model`,
        ),
        [
          ['aihubmix', 'doubao-seed-2-0-pro', false, null, 256000, 128000, 'tools,json_schema,reasoning,stream'],
          ['anthropic', 'claude-3-opus-20240229', true, '2026-07-01', 200000, 4096, 'tools,stream'], // deprecated
          ['anthropic', 'claude-sonnet-4-6', true, null, 1000000, 64000, 'tools,reasoning,stream'],
          ['deepseek', 'deepseek-chat', true, null, 1000000, 384000, 'tools,stream'],
          [
            'nebius',
            'deepseek-ai/DeepSeek-V3.2',
            false,
            '2026-07-01',
            163000,
            16384,
            'tools,json_schema,reasoning,stream',
          ],
          ['ollama-cloud', 'deepseek-v3.2', false, null, 163840, 65536, 'tools,reasoning,stream'],
          // limit.input 922,000 of a 1,050,000 window
          ['openai', 'gpt-5.4', true, null, 1050000, 128000, 'tools,json_schema,reasoning,stream'],
          [
            'openrouter',
            'anthropic/claude-sonnet-4.5',
            false,
            null,
            1000000,
            64000,
            'tools,json_schema,reasoning,stream',
          ],
          ['zai-coding-plan', 'glm-4.7', false, null, 204800, 131072, 'tools,reasoning,stream'],
        ].map(([provider, model, official, listed_to, context_length, max_output_tokens, features]) => ({
          provider,
          model,
          official,
          listed_from: '2026-07-01',
          listed_to,
          context_length,
          max_output_tokens,
          features,
          quantization: null,
        })),
      );
      assert.deepEqual(
        await store.all(
          `SELECT provider, model, tier_min_input_tokens AS tier, input_price AS i, output_price AS o,
                  cached_input_price AS c, cache_write_price AS w
           FROM prices ORDER BY provider, model, tier`,
        ),
        [
          // two tiers, no context_over_200k: cost.tiers sizes 32,000 and 128,000
          ['aihubmix', 'doubao-seed-2-0-pro', 0, 0.48, 2.41, 0.09644, null],
          ['aihubmix', 'doubao-seed-2-0-pro', 32000, 0.72, 3.62, 0.144656, null],
          ['aihubmix', 'doubao-seed-2-0-pro', 128000, 1.45, 7.23, 0.28932, null],
          ['anthropic', 'claude-sonnet-4-6', 0, 3, 15, 0.3, 3.75],
          ['deepseek', 'deepseek-chat', 0, 0.14, 0.28, 0.0028, null],
          // tiers[0].tier.size is 272,000; the context_over_200k copy of it is not read at 200,000
          ['openai', 'gpt-5.4', 0, 2.5, 15, 0.25, null],
          ['openai', 'gpt-5.4', 272000, 5, 22.5, 0.5, null],
          ['openrouter', 'anthropic/claude-sonnet-4.5', 0, 3, 15, 0.3, 3.75],
          ['openrouter', 'anthropic/claude-sonnet-4.5', 200000, 6, 22.5, 0.6, 7.5],
          // a coding plan: 0 everywhere, kept (the anomaly check flags it)
          ['zai-coding-plan', 'glm-4.7', 0, 0, 0, 0, 0],
        ].map(([provider, model, tier, i, o, c, w]) => ({ provider, model, tier, i, o, c, w })),
      );
      assert.deepEqual(await store.all(`SELECT DISTINCT strftime(ts, '%Y-%m-%dT%H:%M:%S') AS ts FROM prices`), [
        { ts: '2026-07-01T00:00:00' },
      ]);
    });
  });

  test('outside a dated folder and without --set ts the snapshot is today at 00:00 UTC', async () => {
    await withMemory(async (store) => {
      const before = new Date().toISOString().slice(0, 10);
      await ingestFiles(store, [sample], { preset });
      const after = new Date().toISOString().slice(0, 10);
      const [row] = await store.all<{ ts: string; d: string }>(
        `SELECT DISTINCT strftime(p.ts, '%Y-%m-%dT%H:%M:%S') AS ts, strftime(o.listed_from, '%Y-%m-%d') AS d
         FROM prices p, offerings o`,
      );
      assert.ok([before, after].includes(row.d), row.d);
      assert.equal(row.ts, `${row.d}T00:00:00`);
    });
  });

  test('--set ts wins over the folder date; a folder named like an impossible date is refused', async () => {
    const dir = tmpDir();
    mkdirSync(path.join(dir, '2026-02-30'));
    const impossible = path.join(dir, '2026-02-30', 'api.json');
    copyFileSync(sample, impossible);
    await withMemory(async (store) => {
      await ingestFiles(store, [snapshot('2025-07-01')], { preset, set: { ts: '2025-06-27T20:51:06Z' } });
      assert.deepEqual(await store.all(`SELECT DISTINCT strftime(ts, '%Y-%m-%dT%H:%M:%S') AS ts FROM prices`), [
        { ts: '2025-06-27T20:51:06' },
      ]);
      await assert.rejects(
        ingestFiles(store, [impossible], { preset }),
        (e: Error) => e instanceof InputError && /folder '2026-02-30' is not a date/.test(e.message),
      );
      await assert.rejects(
        ingestFiles(store, [sample], { preset, set: { ts: 'yesterday' } }),
        (e: Error) => e instanceof InputError && /--set ts 'yesterday' is not a timestamp/.test(e.message),
      );
    });
  });
});

test('bad values are rejected naming the entry and the field; read = accepted + duplicates + rejected', async () => {
  await withMemory(async (store) => {
    const r = await ingestFiles(store, [bad], { preset, set: { ts: '2026-07-01' } });
    assert.deepEqual(counts(r), [
      { kind: 'offerings', read: 8, accepted: 7, duplicates: 0, rejected: 1 },
      { kind: 'prices', read: 10, accepted: 4, duplicates: 0, rejected: 6 },
    ]);
    for (const f of r) assert.equal(f.read, f.accepted + f.duplicates + f.rejected);
    assert.deepEqual(
      await store.all(
        `SELECT kind, row_number AS row, json_extract_string(raw_row, '$.provider') || '/' || json_extract_string(raw_row, '$.model') AS entry,
                json_extract_string(raw_row, '$.tier_min_input_tokens') AS tier, field, reason
         FROM rejects ORDER BY kind, row_number`,
      ),
      [
        {
          kind: 'offerings',
          row: 4,
          entry: 'acme/fractional-context',
          tier: null,
          field: 'context_length',
          reason: "context_length: '1000.5' is not a whole number",
        },
        {
          kind: 'prices',
          row: 2,
          entry: 'acme/text-price',
          tier: '0',
          field: 'input_price',
          reason: "input_price: 'cheap' is not a number",
        },
        {
          kind: 'prices',
          row: 3,
          entry: 'acme/negative-price',
          tier: '0',
          field: 'input_price',
          reason: "input_price: '-1' is negative",
        },
        // the base row of legacy-tier (row 5) is accepted; its context_over_200k row is not
        {
          kind: 'prices',
          row: 6,
          entry: 'acme/legacy-tier',
          tier: '200000',
          field: 'output_price',
          reason: "output_price: 'lots' is not a number",
        },
        {
          kind: 'prices',
          row: 8,
          entry: 'acme/tier-without-size',
          tier: '(no tier.size)',
          field: 'tier_min_input_tokens',
          reason: "tier_min_input_tokens: '(no tier.size)' is not a number",
        },
        {
          kind: 'prices',
          row: 9,
          entry: 'acme/cost-is-text',
          tier: '0',
          field: 'input_price',
          reason: `input_price: '"free"' is not a number; output_price: missing required value`,
        },
        {
          kind: 'prices',
          row: 10,
          entry: 'acme/no-output-price',
          tier: '0',
          field: 'output_price',
          reason: 'output_price: missing required value',
        },
      ],
    );
    assert.deepEqual(
      await store.all(
        `SELECT model, tier_min_input_tokens AS tier, input_price, cache_write_price FROM prices ORDER BY model, tier`,
      ),
      [
        { model: 'fractional-context', tier: 0, input_price: 1, cache_write_price: null },
        { model: 'good-model', tier: 0, input_price: 1, cache_write_price: null },
        { model: 'legacy-tier', tier: 0, input_price: 1, cache_write_price: 1.25 },
        { model: 'tier-without-size', tier: 0, input_price: 1, cache_write_price: null },
      ],
    );
  });
});

test('a file that is not a catalogue of providers is refused, naming the file', async () => {
  const dir = tmpDir();
  const cases: [string, string, RegExp][] = [
    ['array.json', '[{"id": "acme", "models": {}}]', /array\.json: not a models\.dev catalogue: .*found a JSON array/],
    [
      'litellm.json',
      '{"gpt-4o": {"litellm_provider": "openai", "mode": "chat"}}',
      /litellm\.json: not a models\.dev catalogue: .*provider 'gpt-4o' has no `models` object/,
    ],
    [
      'model-not-object.json',
      '{"acme": {"id": "acme", "models": {"m1": 3}}}',
      /model-not-object\.json: not a models\.dev catalogue: model 'm1' of provider 'acme' is a JSON number, not an object/,
    ],
  ];
  await withMemory(async (store) => {
    for (const [name, text, message] of cases) {
      const file = path.join(dir, name);
      writeFileSync(file, text);
      await assert.rejects(
        ingestFiles(store, [file], { preset }),
        (e: Error) => e instanceof InputError && message.test(e.message),
      );
    }
    assert.equal((await store.one<{ n: number }>('SELECT count(*) AS n FROM offerings'))!.n, 0);
  });
});

describe('ai-ping ingest --preset models-dev (CLI)', () => {
  test('a folder of dated snapshots prints both tables per file; the preset is listed', () => {
    const dir = tmpDir();
    for (const d of ['2026-03-15', '2026-07-01']) {
      mkdirSync(path.join(dir, 'history', d), { recursive: true });
      copyFileSync(snapshot(d), path.join(dir, 'history', d, 'api.json.gz'));
    }
    const r = runCli([
      'ingest',
      path.join(dir, 'history'),
      '--preset',
      'models-dev',
      '--db',
      path.join(dir, 'm.duckdb'),
      '--format',
      'json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      (JSON.parse(r.stdout) as { files: Record<string, unknown>[] }).files.map((f) => [
        f.kind,
        f.read,
        f.accepted,
        f.duplicates,
        f.rejected,
      ]),
      [
        ['offerings', 3742, 3742, 0, 0],
        ['prices', 3586, 3586, 0, 0],
        ['offerings', 5272, 5272, 0, 0],
        ['prices', 4974, 4974, 0, 0],
      ],
    );
    assert.match(r.stderr, /anomalous price\(s\)/);
    const list = runCli(['ingest', '--preset', 'list', '--format', 'json']);
    assert.equal(list.code, 0, list.stderr);
    assert.ok(
      (JSON.parse(list.stdout) as { presets: { name: string }[] }).presets.some((p) => p.name === 'models-dev'),
    );
  });
});
