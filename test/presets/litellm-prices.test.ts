import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../../src/errors.js';
import { ingestFiles, type FileCounts } from '../../src/ingest/index.js';
import { PRESETS } from '../../src/ingest/presets/index.js';
import { Store } from '../../src/store/db.js';
import { fixtures, query, readText, realData, runCli, tmpDir, withMemory } from '../helpers.js';

const preset = PRESETS['litellm-prices'];
const dataDir = path.join(realData, 'litellm-prices');
const latest = path.join(dataDir, 'model_prices_and_context_window.json.gz');
const HISTORY_DATES = ['2025-03-01', '2025-07-01', '2025-11-01', '2026-03-01'];
const history = HISTORY_DATES.map((d) => path.join(dataDir, 'history', d, 'model_prices_and_context_window.json.gz'));
const sample = path.join(fixtures, 'presets', 'litellm-prices', 'sample.json');
const bad = path.join(fixtures, 'presets', 'litellm-prices', 'bad.json');
const tiers = path.join(fixtures, 'presets', 'litellm-prices', 'tiers.json');
const badTiers = path.join(fixtures, 'presets', 'litellm-prices', 'bad-tiers.json');

type Entry = Record<string, unknown>;

/** The ingest's plausible maximum price per 1 M tokens (src/store/schema.ts MAX_PRICE): a row above it is rejected. */
const MAX_PRICE = 10_000;

/** One price row as the file states it: the tier's threshold and its per-token costs (USD per token, unscaled). */
interface TierCosts {
  tier: number;
  i: number | null;
  o: number | null;
  c: number | null;
  w: number | null;
}

const ABOVE =
  /^(input_cost_per_token|output_cost_per_token|cache_read_input_token_cost|cache_creation_input_token_cost)_above_(\d+)(k?)_tokens$/;
const SHORT = {
  input_cost_per_token: 'i',
  output_cost_per_token: 'o',
  cache_read_input_token_cost: 'c',
  cache_creation_input_token_cost: 'w',
} as const;

/**
 * The tiers of an entry, read with plain JavaScript: `tiered_pricing` ranges (the lowest one is
 * tier 0), else the flat prices as tier 0 and one tier per `_above_<N>k_tokens` threshold.
 */
function tiersOf(v: Entry): TierCosts[] {
  const num = (x: unknown) => (x == null ? null : (x as number));
  const ranges = v.tiered_pricing as Entry[] | undefined;
  if (Array.isArray(ranges) && ranges.length > 0) {
    const lowest = Math.min(...ranges.map((r) => (r.range as number[])[0]));
    return ranges
      .map((r) => ({
        tier: (r.range as number[])[0] === lowest ? 0 : (r.range as number[])[0],
        i: num(r.input_cost_per_token),
        o: num(r.output_cost_per_token),
        c: num(r.cache_read_input_token_cost),
        w: num(r.cache_creation_input_token_cost),
      }))
      .sort((a, b) => a.tier - b.tier);
  }
  const tiers = new Map<number, TierCosts>([
    [
      0,
      {
        tier: 0,
        i: num(v.input_cost_per_token),
        o: num(v.output_cost_per_token),
        c: num(v.cache_read_input_token_cost ?? v.input_cost_per_token_cache_hit),
        w: num(v.cache_creation_input_token_cost),
      },
    ],
  ]);
  for (const [field, x] of Object.entries(v)) {
    const m = ABOVE.exec(field);
    if (!m) continue;
    const tier = Number(m[2]) * (m[3] ? 1000 : 1);
    const t = tiers.get(tier) ?? { tier, i: null, o: null, c: null, w: null };
    t[SHORT[m[1] as keyof typeof SHORT]] = num(x);
    tiers.set(tier, t);
  }
  return [...tiers.values()].sort((a, b) => a.tier - b.tier);
}

/** Whether a tier states a price above MAX_PRICE per 1 M tokens (a per-token cost above 0.01 USD). */
function overMax(t: TierCosts): boolean {
  return [t.i, t.o, t.c, t.w].some((x) => x != null && x * 1e6 > MAX_PRICE);
}

/**
 * What the preset should make of a file, computed with plain JavaScript from JSON.parse,
 * independently of the SQL: the chat entries, their offering and price tuples. Keys that become
 * one (provider, model) but state different tiers keep their own spelling as the model. A price
 * row with any price above MAX_PRICE per 1 M tokens is a rejected row (each one, never a
 * duplicate), not a stored price; the keys that disagree are found before that check, as the
 * preset yields its rows before the ingest validates them.
 */
function expectedFromFile(file: string) {
  const doc = JSON.parse(readText(file)) as Record<string, unknown>;
  const chat = Object.entries(doc).filter(
    ([k, v]) => k !== 'sample_spec' && typeof v === 'object' && v !== null && (v as Entry).mode === 'chat',
  ) as [string, Entry][];
  const modelOf = (key: string, provider: string) => {
    const i = key.indexOf('/');
    if (i < 0) return key;
    const seg = key.slice(0, i);
    return seg === provider || provider.startsWith(`${seg}-`) || seg.replaceAll('-', '_') === provider
      ? key.slice(i + 1)
      : key;
  };
  const features = (v: Entry) =>
    [
      v.supports_function_calling === true ? 'tools' : null,
      v.supports_response_schema === true ? 'json_schema' : null,
      v.supports_native_streaming === false ? null : 'stream',
    ]
      .filter(Boolean)
      .join(',') || null;
  const priced = chat
    .filter(
      ([, v]) =>
        v.input_cost_per_token != null ||
        v.output_cost_per_token != null ||
        (Array.isArray(v.tiered_pricing) && v.tiered_pricing.length > 0) ||
        Object.keys(v).some((f) => ABOVE.test(f)),
    )
    .map(([k, v]) => ({ key: k, v, tiers: tiersOf(v) }));
  // An entry with a tier short of an input or output price is one rejected row.
  const complete = (e: (typeof priced)[number]) => e.tiers.every((t) => t.i != null && t.o != null);
  const kept = priced.filter(complete);
  const byModel = new Map<string, Set<string>>();
  for (const e of kept) {
    const group = `${e.v.litellm_provider as string}|${modelOf(e.key, e.v.litellm_provider as string)}`;
    byModel.set(group, (byModel.get(group) ?? new Set()).add(JSON.stringify(e.tiers)));
  }
  const conflicting = new Set([...byModel].filter(([, sigs]) => sigs.size > 1).map(([group]) => group));
  const storedModel = (key: string, provider: string) =>
    conflicting.has(`${provider}|${modelOf(key, provider)}`) ? key : modelOf(key, provider);
  const offerings = chat.map(([k, v]) =>
    JSON.stringify([
      v.litellm_provider,
      storedModel(k, v.litellm_provider as string),
      v.max_input_tokens ?? v.max_tokens ?? null,
      v.max_output_tokens ?? null,
      features(v),
    ]),
  );
  const tierRows = kept.flatMap((e) =>
    e.tiers.map((t) => ({
      e,
      t,
      row: JSON.stringify([e.v.litellm_provider, storedModel(e.key, e.v.litellm_provider as string), t]),
    })),
  );
  const tooHigh = tierRows.filter((r) => overMax(r.t));
  const rows = tierRows.filter((r) => !overMax(r.t)).map((r) => r.row);
  const distinct = [...new Set(rows)].map((r) => {
    const [provider, model, t] = JSON.parse(r) as [string, string, TierCosts];
    return { provider, model, ...t };
  });
  return {
    doc,
    chat,
    lastUpdated: doc.last_updated as string | undefined,
    offerings: { read: chat.length, duplicates: offerings.length - new Set(offerings).size, rejected: 0 },
    prices: {
      read: tierRows.length + priced.length - kept.length,
      duplicates: rows.length - distinct.length,
      rejected: priced.length - kept.length + tooHigh.length,
      distinct: distinct.length,
      zeroInput: distinct.filter((r) => r.i === 0).length,
    },
    /** every price row the file should leave in `prices`, unscaled */
    rows: distinct,
    /** the keys of the price rows above MAX_PRICE, one per rejected row */
    tooHigh: tooHigh.map((r) => r.e.key),
    /** the (provider, derived model) pairs whose keys disagree */
    conflicting: [...conflicting].sort(),
    tieredOnly: kept.filter((e) => Array.isArray(e.v.tiered_pricing)).length,
  };
}

interface StoredPrice {
  provider: string;
  model: string;
  tier: number;
  i: number;
  o: number;
  c: number | null;
  w: number | null;
}

/** The stored rows of one snapshot against a file's expected rows: one each, prices x 1,000,000. */
async function assertSnapshot(store: Store, ts: string, exp: ReturnType<typeof expectedFromFile>): Promise<void> {
  const rows = await store.all<StoredPrice>(
    `SELECT provider, model, tier_min_input_tokens AS tier, input_price AS i, output_price AS o, cached_input_price AS c,
            cache_write_price AS w
     FROM prices WHERE strftime(ts, '%Y-%m-%dT%H:%M:%S') = $1`,
    [ts],
  );
  assert.equal(rows.length, exp.rows.length);
  const stored = new Map(rows.map((r) => [`${r.provider}|${r.model}|${r.tier}`, r]));
  // One row per (provider, model, tier): the preset never leaves two prices for one tier of a snapshot.
  assert.equal(stored.size, rows.length);
  const scaled = (x: number | null) => (x == null ? null : x * 1e6);
  const wrong = exp.rows.filter((e) => {
    const r = stored.get(`${e.provider}|${e.model}|${e.tier}`);
    return !(r && near(r.i, scaled(e.i)) && near(r.o, scaled(e.o)) && near(r.c, scaled(e.c)) && near(r.w, scaled(e.w)));
  });
  assert.deepEqual(wrong, []);
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

/** Relative closeness for prices scaled from per-token costs (the file's decimals vs binary doubles). */
function near(actual: number | null, expected: number | null): boolean {
  if (actual === null || expected === null) return actual === expected;
  return Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected));
}

describe('litellm-prices on the 2026-07-24 file', () => {
  let store: Store;
  let result: FileCounts[];
  const exp = expectedFromFile(latest);

  before(async () => {
    store = await Store.open(':memory:');
    const t0 = performance.now();
    result = await ingestFiles(store, [latest], { preset });
    const ms = performance.now() - t0;
    // About 0.3 s here; a lateral json_each once made this 20 s.
    assert.ok(ms < 5000, `ingest took ${ms.toFixed(0)} ms`);
  });
  after(() => store.close());

  test('counts: read = accepted + duplicates + rejected, and they match a plain JSON.parse of the file', () => {
    // Hand-checked: 2,985 top-level keys, 2,285 of them chat entries; 93 of those carry no price,
    // 3 (Bedrock's TwelveLabs Pegasus) only an output price, 18 only tiered_pricing ranges. A price
    // row is one tier: 2,171 flat entries give 2,171 rows at tier 0 and 100 above a threshold
    // (13 at 128k, 49 at 200k, 1 at 256k, 36 at 272k, 1 at 512k); the 18 give 52 ranges; and
    // each Pegasus entry is one rejected row: 2,326 read. Three pairs of keys that disagree now keep
    // their own spelling (see below), so their offerings are no longer duplicates: 16 → 13.
    // Rejected: the 3 Pegasus rows and 11 wandb/* rows priced above the plausible maximum of 10,000
    // per 1 M (see below): 3 + 11 = 14, so 2,309 - 11 = 2,298 accepted.
    assert.equal(Object.keys(exp.doc).length, 2985);
    assert.deepEqual(counts(result), [
      { kind: 'offerings', read: 2285, accepted: 2272, duplicates: 13, rejected: 0 },
      { kind: 'prices', read: 2326, accepted: 2298, duplicates: 14, rejected: 14 },
    ]);
    const [o, p] = result;
    assert.deepEqual(
      [o.read, o.duplicates, o.rejected],
      [exp.offerings.read, exp.offerings.duplicates, exp.offerings.rejected],
    );
    assert.deepEqual([p.read, p.duplicates, p.rejected], [exp.prices.read, exp.prices.duplicates, exp.prices.rejected]);
    for (const f of result) assert.equal(f.read, f.accepted + f.duplicates + f.rejected);
  });

  test('rejects name the entry by its position among the top-level keys', async () => {
    const keys = Object.keys(exp.doc);
    const rows = await store.all<{ row: number; field: string; provider: string; model: string }>(
      `SELECT row_number AS row, field, json_extract_string(raw_row, '$.provider') AS provider,
              json_extract_string(raw_row, '$.model') AS model
       FROM rejects ORDER BY row_number`,
    );
    assert.deepEqual(rows.slice(0, 3), [
      { row: 57, field: 'input_price', provider: 'bedrock', model: 'twelvelabs.pegasus-1-2-v1:0' },
      { row: 58, field: 'input_price', provider: 'bedrock', model: 'us.twelvelabs.pegasus-1-2-v1:0' },
      { row: 59, field: 'input_price', provider: 'bedrock', model: 'eu.twelvelabs.pegasus-1-2-v1:0' },
    ]);
    assert.deepEqual(
      [keys[56], keys[57], keys[58]],
      rows.slice(0, 3).map((r) => r.model),
    );
    // The rest are the wandb/* entries above the plausible maximum (see below): each row names its
    // key, whose wandb/ prefix the stored model drops.
    assert.deepEqual(
      rows.slice(3).map((r) => keys[r.row - 1]),
      exp.tooHigh,
    );
    assert.deepEqual(
      rows.slice(3).map((r) => `${r.provider}/${r.model}`),
      exp.tooHigh,
    );
  });

  test('the official DeepSeek-V3.2 entry, read by hand: 2.8e-07 / 4e-07 / cache hit 2.8e-08 USD per token', async () => {
    const offering = await store.all(
      `SELECT provider, model, official, strftime(listed_from, '%Y-%m-%d') AS listed_from, listed_to, context_length,
              max_output_tokens, features, quantization
       FROM offerings WHERE provider = 'deepseek' AND model = 'deepseek-v3.2'`,
    );
    assert.deepEqual(offering, [
      {
        provider: 'deepseek',
        model: 'deepseek-v3.2',
        official: true,
        listed_from: '2026-07-24',
        listed_to: null,
        context_length: 163840,
        max_output_tokens: 163840,
        features: 'tools,stream',
        quantization: null,
      },
    ]);
    const price = await store.all(
      `SELECT strftime(ts, '%Y-%m-%dT%H:%M:%S.%f') AS ts, input_price, output_price, cached_input_price, currency
       FROM prices WHERE provider = 'deepseek' AND model = 'deepseek-v3.2'`,
    );
    // ts is the mirror's last_updated, 2026-07-24T18:23:43.215560+00:00, to the second.
    assert.deepEqual(price, [
      {
        ts: '2026-07-24T18:23:43.000000',
        input_price: 0.28,
        output_price: 0.4,
        cached_input_price: 0.028,
        currency: 'USD',
      },
    ]);
  });

  test('DeepSeek-V3.2 elsewhere: Fireworks, Vertex (provider vertex_ai-deepseek_models) and Bedrock, read by hand', async () => {
    const rows = await store.all(
      `SELECT o.provider, o.model, o.official, o.context_length, o.max_output_tokens, o.features,
              p.input_price, p.output_price, p.cached_input_price
       FROM offerings o JOIN prices p USING (provider, model)
       WHERE (o.provider, o.model) IN (('fireworks_ai', 'accounts/fireworks/models/deepseek-v3p2'),
              ('vertex_ai-deepseek_models', 'deepseek-ai/deepseek-v3.2-maas'), ('bedrock', 'us-east-1/deepseek.v3.2'))
       ORDER BY o.provider`,
    );
    assert.deepEqual(rows, [
      // bedrock/us-east-1/deepseek.v3.2: 6.2e-07 / 1.85e-06, 163,840 tokens, function calling
      {
        provider: 'bedrock',
        model: 'us-east-1/deepseek.v3.2',
        official: false,
        context_length: 163840,
        max_output_tokens: 163840,
        features: 'tools,stream',
        input_price: 0.62,
        output_price: 1.85,
        cached_input_price: null,
      },
      // 5.6e-07 / 1.68e-06 (not 1.6800000000000002: scaled as a decimal), function calling and response schema
      {
        provider: 'fireworks_ai',
        model: 'accounts/fireworks/models/deepseek-v3p2',
        official: false,
        context_length: 163840,
        max_output_tokens: 163840,
        features: 'tools,json_schema,stream',
        input_price: 0.56,
        output_price: 1.68,
        cached_input_price: null,
      },
      // max_input_tokens 163,840 but max_tokens 32,768: context_length takes max_input_tokens
      {
        provider: 'vertex_ai-deepseek_models',
        model: 'deepseek-ai/deepseek-v3.2-maas',
        official: false,
        context_length: 163840,
        max_output_tokens: 32768,
        features: 'tools,stream',
        input_price: 0.56,
        output_price: 1.68,
        cached_input_price: null,
      },
    ]);
  });

  test("every price row, tiers included, is the per-token cost x 1,000,000, in USD, at the file's last_updated", async () => {
    await assertSnapshot(store, '2026-07-24T18:23:43', exp);
    // 2,309 distinct rows less the 11 wandb/* rows above the plausible maximum
    assert.equal(exp.rows.length, 2298);
    assert.deepEqual(
      await store.all(`SELECT DISTINCT strftime(ts, '%Y-%m-%dT%H:%M:%S.%f') AS ts, currency FROM prices`),
      [{ ts: '2026-07-24T18:23:43.000000', currency: 'USD' }],
    );
    // Rows above a threshold: 134 read, 133 stored (gemini/gemini-pro-latest and gemini-pro-latest
    // state the same 200k tier).
    assert.deepEqual(
      await store.all(
        `SELECT tier_min_input_tokens AS tier, count(*) AS n FROM prices WHERE tier_min_input_tokens > 0 GROUP BY ALL ORDER BY tier`,
      ),
      [
        { tier: 32000, n: 12 },
        { tier: 128000, n: 25 },
        { tier: 200000, n: 48 },
        { tier: 256000, n: 11 },
        { tier: 272000, n: 36 },
        { tier: 512000, n: 1 },
      ],
    );
  });

  test('gemini/gemini-2.5-pro, read by hand: 1.25 / 10 (cached 0.125), and above 200k 2.5 / 15 (cached 0.25)', async () => {
    // input 1.25e-06, output 1e-05, cache_read 1.25e-07; *_above_200k_tokens 2.5e-06, 1.5e-05, 2.5e-07;
    // no cache_creation price at either tier; the *_priority prices are another service tier, not read.
    assert.deepEqual(
      await store.all(
        `SELECT tier_min_input_tokens AS tier, input_price, output_price, cached_input_price, cache_write_price
         FROM prices WHERE provider = 'gemini' AND model = 'gemini-2.5-pro' ORDER BY tier`,
      ),
      [
        { tier: 0, input_price: 1.25, output_price: 10, cached_input_price: 0.125, cache_write_price: null },
        { tier: 200000, input_price: 2.5, output_price: 15, cached_input_price: 0.25, cache_write_price: null },
      ],
    );
    // Vertex's bare key gemini-2.5-pro states a cache-write price above 200k only (2.5e-07): tier 0 keeps none.
    assert.deepEqual(
      await store.all(
        `SELECT tier_min_input_tokens AS tier, cache_write_price FROM prices
         WHERE provider = 'vertex_ai-language-models' AND model = 'gemini-2.5-pro' ORDER BY tier`,
      ),
      [
        { tier: 0, cache_write_price: null },
        { tier: 200000, cache_write_price: 0.25 },
      ],
    );
  });

  test('tiered_pricing: dashscope/qwen3-coder-plus, read by hand, one row per range from its lower bound', async () => {
    // Ranges [0, 32000], [32000, 128000], [128000, 256000], [256000, 1000000] at 1e-06 / 5e-06 (cache read
    // 1e-07), 1.8e-06 / 9e-06 (1.8e-07), 3e-06 / 1.5e-05 (3e-07), 6e-06 / 6e-05 (6e-07). LiteLLM bills a
    // request by the range with from < input <= to: 32,000 input tokens pay the first, 32,001 the second,
    // as "strictly more than 32000" does here.
    assert.deepEqual(
      await store.all(
        `SELECT tier_min_input_tokens AS tier, input_price, output_price, cached_input_price, cache_write_price
         FROM prices WHERE provider = 'dashscope' AND model = 'qwen3-coder-plus' ORDER BY tier`,
      ),
      [
        { tier: 0, input_price: 1, output_price: 5, cached_input_price: 0.1, cache_write_price: null },
        { tier: 32000, input_price: 1.8, output_price: 9, cached_input_price: 0.18, cache_write_price: null },
        { tier: 128000, input_price: 3, output_price: 15, cached_input_price: 0.3, cache_write_price: null },
        { tier: 256000, input_price: 6, output_price: 60, cached_input_price: 0.6, cache_write_price: null },
      ],
    );
    // The 18 entries priced by tiered_pricing alone (official Qwen and Volcengine's Doubao) now all have prices.
    const tieredOnly = exp.chat.filter(([, v]) => Array.isArray(v.tiered_pricing)).map(([k]) => k);
    assert.equal(tieredOnly.length, 18);
    assert.equal(exp.tieredOnly, 18);
    const priced = await store.all<{ key: string }>(
      `SELECT DISTINCT provider || '/' || model AS key FROM prices WHERE tier_min_input_tokens = 0`,
    );
    const pricedKeys = new Set(priced.map((r) => r.key));
    assert.deepEqual(
      tieredOnly.filter((k) => !pricedKeys.has(k)),
      [],
    );
    assert.ok(
      tieredOnly.includes('dashscope/qwen3-max') && tieredOnly.includes('volcengine/doubao-seed-2-0-pro-260215'),
    );
  });

  test('keys that price one model two ways: both kept under their own spelling, and a warning names them', async () => {
    assert.deepEqual(exp.conflicting, [
      'deepseek|deepseek-chat',
      'gemini|gemini-exp-1206',
      'gemini|gemini-flash-latest',
      'gemini|gemini-flash-lite-latest',
    ]);
    assert.deepEqual(result[1].warnings, [
      // cache_creation_input_token_cost 0.0 beside a key without one: free cache writes, or the input price
      "keys 'deepseek-chat' and 'deepseek/deepseek-chat' price deepseek's 'deepseek-chat' differently (cache_write_price none vs 0); each is kept under its own key as the model",
      "keys 'gemini/gemini-exp-1206' and 'gemini-exp-1206' price gemini's 'gemini-exp-1206' differently (input_price 0 vs 0.3; output_price 0 vs 2.5; cached_input_price none vs 0.03; above 128000 tokens: no such tier in 'gemini-exp-1206'); each is kept under its own key as the model",
      "keys 'gemini/gemini-flash-latest' and 'gemini-flash-latest' price gemini's 'gemini-flash-latest' differently (cached_input_price 0.075 vs 0.03); each is kept under its own key as the model",
      "keys 'gemini/gemini-flash-lite-latest' and 'gemini-flash-lite-latest' price gemini's 'gemini-flash-lite-latest' differently (cached_input_price 0.025 vs 0.01); each is kept under its own key as the model",
    ]);
    assert.equal(result[0].warnings, undefined);
    // gemini/gemini-flash-latest: cache_read 7.5e-08; the bare key gemini-flash-latest (also provider gemini): 3e-08.
    assert.deepEqual(
      await store.all(
        `SELECT p.model, p.input_price, p.output_price, p.cached_input_price, count(o.model) AS offerings
         FROM prices p LEFT JOIN offerings o USING (provider, model)
         WHERE p.provider = 'gemini' AND p.model IN ('gemini-flash-latest', 'gemini/gemini-flash-latest') GROUP BY ALL ORDER BY p.model`,
      ),
      [
        { model: 'gemini-flash-latest', input_price: 0.3, output_price: 2.5, cached_input_price: 0.03, offerings: 1 },
        {
          model: 'gemini/gemini-flash-latest',
          input_price: 0.3,
          output_price: 2.5,
          cached_input_price: 0.075,
          offerings: 1,
        },
      ],
    );
  });

  test('wandb/* prices (about 100,000x too high) are rejected rows; zero prices arrive as they are', async () => {
    // Counted from the file with JSON.parse: the priced wandb chat entries, and those with a price above
    // the plausible maximum of 10,000 per 1 M tokens (a per-token cost above 0.01 USD).
    const keys = Object.keys(exp.doc);
    const wandbKeys = exp.chat.filter(([, v]) => v.litellm_provider === 'wandb' && v.input_cost_per_token != null);
    const tooHigh = wandbKeys.filter(([, v]) => tiersOf(v).some(overMax));
    assert.equal(wandbKeys.length, 16);
    assert.equal(tooHigh.length, 11);
    // No other entry of the file is priced above the maximum.
    assert.deepEqual(
      exp.tooHigh,
      tooHigh.map(([k]) => k),
    );
    const perMillionText = (x: number) => String(Number((x * 1e6).toPrecision(15)));
    const reason = (v: Entry) =>
      (
        [
          ['input_price', v.input_cost_per_token],
          ['output_price', v.output_cost_per_token],
        ] as [string, number | undefined][]
      )
        .filter(([, x]) => x != null && x * 1e6 > MAX_PRICE)
        .map(([f, x]) => `${f}: '${perMillionText(x!)}' is above the plausible maximum of ${MAX_PRICE}`)
        .join('; ');
    const rejects = await store.all<{ row: number; reason: string }>(
      `SELECT row_number AS row, reason FROM rejects WHERE json_extract_string(raw_row, '$.provider') = 'wandb'
       ORDER BY row_number`,
    );
    assert.deepEqual(
      rejects,
      tooHigh.map(([k, v]) => ({ row: keys.indexOf(k) + 1, reason: reason(v) })),
    );
    // By hand: wandb/openai/gpt-oss-120b is 0.015 and 0.06 USD per token in the file; gpt-oss-20b's input,
    // 0.005 (5,000 per 1 M), is under the maximum, its output 0.02 is not.
    assert.deepEqual(rejects.slice(0, 2), [
      {
        row: 2413,
        reason:
          "input_price: '15000' is above the plausible maximum of 10000; output_price: '60000' is above the plausible maximum of 10000",
      },
      { row: 2414, reason: "output_price: '20000' is above the plausible maximum of 10000" },
    ]);
    // The 5 others arrive as they are: the two Qwen3-235B entries at exactly 10,000 (0.01 USD per token: the
    // maximum itself is accepted) and three plausibly priced ones.
    assert.deepEqual(
      await store.all(
        `SELECT model, input_price, output_price FROM prices WHERE provider = 'wandb' ORDER BY model COLLATE NOCASE`,
      ),
      [
        { model: 'MiniMaxAI/MiniMax-M2.5', input_price: 0.3, output_price: 1.2 },
        { model: 'moonshotai/Kimi-K2-Instruct', input_price: 0.6, output_price: 2.5 },
        { model: 'moonshotai/Kimi-K2.5', input_price: 0.6, output_price: 3 },
        { model: 'Qwen/Qwen3-235B-A22B-Instruct-2507', input_price: 10000, output_price: 10000 },
        { model: 'Qwen/Qwen3-235B-A22B-Thinking-2507', input_price: 10000, output_price: 10000 },
      ],
    );
    assert.equal(wandbKeys.length - tooHigh.length, 5);
    const zeros = (await store.one<{ n: number }>('SELECT count(*) AS n FROM prices WHERE input_price = 0'))!.n;
    assert.equal(zeros, exp.prices.zeroInput);
    // 74 entries priced 0; 4 of them (free Gemini previews: gemini-exp-1114, gemini/gemini-exp-1206,
    // learnlm-1.5-pro-experimental, gemma-3-27b-it) also 0 above 128k
    assert.equal(zeros, 78);
    assert.equal(
      (await store.one<{ n: number }>(
        'SELECT count(*) AS n FROM prices WHERE input_price = 0 AND tier_min_input_tokens = 0',
      ))!.n,
      74,
    );
    assert.deepEqual(
      await store.all(
        `SELECT input_price, output_price FROM prices WHERE provider = 'ollama' AND model = 'qwen3-coder:480b-cloud'`,
      ),
      [{ input_price: 0, output_price: 0 }],
    );
  });

  test("official only for a maker's own API", async () => {
    const official = await store.all<{ provider: string }>(
      'SELECT DISTINCT provider FROM offerings WHERE official ORDER BY provider',
    );
    assert.ok(
      official.every((r) =>
        [
          'deepseek',
          'moonshot',
          'dashscope',
          'zai',
          'minimax',
          'mistral',
          'codestral',
          'meta_llama',
          'openai',
          'anthropic',
          'gemini',
          'xai',
          'ai21',
          'cohere_chat',
          'amazon_nova',
        ].includes(r.provider),
      ),
      JSON.stringify(official),
    );
    const byProvider = await store.all(
      `SELECT provider, bool_and(official) AS all_official, bool_or(official) AS any_official FROM offerings
       WHERE provider IN ('deepseek', 'moonshot', 'dashscope', 'zai', 'meta_llama', 'volcengine', 'together_ai', 'openrouter')
       GROUP BY provider ORDER BY provider`,
    );
    assert.deepEqual(byProvider, [
      { provider: 'dashscope', all_official: true, any_official: true },
      { provider: 'deepseek', all_official: true, any_official: true },
      { provider: 'meta_llama', all_official: true, any_official: true },
      { provider: 'moonshot', all_official: true, any_official: true },
      { provider: 'openrouter', all_official: false, any_official: false },
      { provider: 'together_ai', all_official: false, any_official: false },
      // volcengine lists DeepSeek, GLM and Kimi beside its own Doubao: never official
      { provider: 'volcengine', all_official: false, any_official: false },
      { provider: 'zai', all_official: true, any_official: true },
    ]);
  });

  test("model is the key without the provider's prefix; other prefixes stay", async () => {
    const rows = await store.all(
      `SELECT provider, model FROM offerings WHERE (provider, model) IN (
         ('amazon_nova', 'nova-micro-v1'), ('vertex_ai-llama_models', 'meta/llama-3.1-405b-instruct-maas'),
         ('deepseek', 'deepseek-chat'), ('bedrock_converse', 'meta.llama3-3-70b-instruct-v1:0'),
         ('replicate', 'replicateopenai/gpt-oss-20b'), ('cloudflare', '@cf/meta/llama-3.3-70b-instruct-fp8-fast'))
       ORDER BY provider, model`,
    );
    assert.deepEqual(rows, [
      { provider: 'amazon_nova', model: 'nova-micro-v1' }, // key amazon-nova/nova-micro-v1
      { provider: 'bedrock_converse', model: 'meta.llama3-3-70b-instruct-v1:0' }, // a bare key
      { provider: 'cloudflare', model: '@cf/meta/llama-3.3-70b-instruct-fp8-fast' },
      { provider: 'deepseek', model: 'deepseek-chat' }, // the bare key; deepseek/deepseek-chat prices it otherwise and keeps its spelling
      { provider: 'replicate', model: 'replicateopenai/gpt-oss-20b' }, // a prefix that does not name the provider
      { provider: 'vertex_ai-llama_models', model: 'meta/llama-3.1-405b-instruct-maas' }, // key vertex_ai/meta/…
    ]);
  });

  test('non-chat entries, sample_spec, last_updated and entries without a mode are not read', async () => {
    const modes = new Map<string, number>();
    for (const v of Object.values(exp.doc)) {
      const mode = typeof v === 'object' && v !== null ? String((v as Entry).mode ?? '(none)') : '(not an object)';
      modes.set(mode, (modes.get(mode) ?? 0) + 1);
    }
    assert.equal(modes.get('chat'), 2285);
    assert.equal(modes.get('(none)'), 9); // 8 Fireworks size tiers and fallback_generalizations
    assert.equal(modes.get('(not an object)'), 1); // last_updated
    const n = (await store.one<{ n: number }>(
      `SELECT count(*) AS n FROM offerings WHERE model IN ('sample_spec', 'last_updated', 'fireworks-ai-up-to-4b',
         'fallback_generalizations', 'text-embedding-3-small', 'o3-pro')`,
    ))!.n;
    assert.equal(n, 0);
  });

  test('ingesting the same file again adds nothing', async () => {
    const before = await store.all(
      'SELECT (SELECT count(*) FROM offerings) AS o, (SELECT count(*) FROM prices) AS p, (SELECT count(*) FROM rejects) AS r',
    );
    const again = await ingestFiles(store, [latest], { preset });
    assert.deepEqual(counts(again), [
      { kind: 'offerings', read: 2285, accepted: 0, duplicates: 2285, rejected: 0 },
      // the 14 rejects (3 Pegasus, 11 wandb/*) are rejected again; the 2,312 other rows are duplicates now
      { kind: 'prices', read: 2326, accepted: 0, duplicates: 2312, rejected: 14 },
    ]);
    const after = await store.all(
      'SELECT (SELECT count(*) FROM offerings) AS o, (SELECT count(*) FROM prices) AS p, (SELECT count(*) FROM rejects) AS r',
    );
    assert.deepEqual(after, before);
  });
});

test('five versions make a price history: one snapshot per file, unchanged prices included', async () => {
  await withMemory(async (store) => {
    const files = [...history, latest];
    const result = await ingestFiles(store, files, { preset });
    const expected = files.map(expectedFromFile);
    // Per file: [offerings read, accepted, duplicates, rejected; the same for prices]. A price row is one tier.
    // wandb/* rows priced above the plausible maximum of 10,000 per 1 M are rejected: none before 2025-11,
    // then 12 (2025-11-01: 4 + 12 = 16 rejected) and 11 (2026-03-01: 3 + 11 = 14; 2026-07-24: 3 + 11 = 14).
    assert.deepEqual(
      counts(result).map((c) => [c.kind, c.read, c.accepted, c.duplicates, c.rejected]),
      [
        ['offerings', 633, 633, 0, 0],
        ['prices', 628, 628, 0, 0],
        ['offerings', 875, 874, 1, 0],
        ['prices', 849, 848, 1, 0],
        ['offerings', 1349, 1347, 2, 0],
        ['prices', 1369, 1351, 2, 16],
        ['offerings', 2006, 1999, 7, 0],
        ['prices', 2041, 2019, 8, 14],
        ['offerings', 2285, 2272, 13, 0],
        ['prices', 2326, 2298, 14, 14],
      ],
    );
    for (const [i, r] of result.entries()) {
      const e = expected[Math.floor(i / 2)];
      const want = r.kind === 'offerings' ? e.offerings : e.prices;
      assert.deepEqual([r.read, r.duplicates, r.rejected], [want.read, want.duplicates, want.rejected], r.file);
    }
    const perTs = await store.all<{ ts: string; n: number }>(
      `SELECT strftime(ts, '%Y-%m-%dT%H:%M:%S.%f') AS ts, count(*) AS n FROM prices GROUP BY ts ORDER BY ts`,
    );
    assert.deepEqual(
      perTs,
      expected.map((e) => ({ ts: `${e.lastUpdated!.slice(0, 19)}.000000`, n: e.prices.distinct })),
    );
    assert.deepEqual(
      perTs.map((r) => r.n),
      [628, 848, 1351, 2019, 2298],
    );
    // Every price row of every version, tiers included, against the file read with JSON.parse.
    for (const e of expected) await assertSnapshot(store, e.lastUpdated!.slice(0, 19), e);
    // Tiered-only entries per version (none before 2025-11), and keys that disagree.
    assert.deepEqual(
      expected.map((e) => e.tieredOnly),
      [0, 0, 10, 11, 18],
    );
    assert.deepEqual(
      expected.map((e) => e.conflicting.length),
      [0, 0, 2, 4, 4],
    );
    const listed = await store.all<{ d: string; n: number }>(
      `SELECT strftime(listed_from, '%Y-%m-%d') AS d, count(*) AS n FROM offerings GROUP BY d ORDER BY d`,
    );
    assert.deepEqual(listed, [
      { d: '2025-02-28', n: 633 },
      { d: '2025-06-28', n: 874 },
      { d: '2025-10-31', n: 1347 },
      { d: '2026-02-27', n: 1999 },
      { d: '2026-07-24', n: 2272 },
    ]);
    // deepseek-chat, read by hand in each version. Until 2025-10-31 only `deepseek/deepseek-chat`
    // exists: 0.27/1.1 (cache 0.07, cache write 0), stored as deepseek-chat. From 2025-10-31 the bare key
    // `deepseek-chat` prices it otherwise (0.6/1.7, cache 0.06; later 0.28/0.42, cache 0.028, no cache-write
    // price, against the prefixed key's 0): each keeps its own spelling, never two rows for one model.
    const chat = await store.all(
      `SELECT strftime(ts, '%Y-%m-%d') AS d, model, input_price AS i, output_price AS o, cached_input_price AS c,
              cache_write_price AS w
       FROM prices WHERE provider = 'deepseek' AND model IN ('deepseek-chat', 'deepseek/deepseek-chat') ORDER BY ts, model`,
    );
    assert.deepEqual(chat, [
      { d: '2025-02-28', model: 'deepseek-chat', i: 0.27, o: 1.1, c: 0.07, w: 0 },
      { d: '2025-06-28', model: 'deepseek-chat', i: 0.27, o: 1.1, c: 0.07, w: 0 },
      { d: '2025-10-31', model: 'deepseek-chat', i: 0.6, o: 1.7, c: 0.06, w: null },
      { d: '2025-10-31', model: 'deepseek/deepseek-chat', i: 0.27, o: 1.1, c: 0.07, w: 0 },
      { d: '2026-02-27', model: 'deepseek-chat', i: 0.28, o: 0.42, c: 0.028, w: null },
      { d: '2026-02-27', model: 'deepseek/deepseek-chat', i: 0.28, o: 0.42, c: 0.028, w: 0 },
      { d: '2026-07-24', model: 'deepseek-chat', i: 0.28, o: 0.42, c: 0.028, w: null },
      { d: '2026-07-24', model: 'deepseek/deepseek-chat', i: 0.28, o: 0.42, c: 0.028, w: 0 },
    ]);
    const again = await ingestFiles(store, files, { preset });
    assert.ok(again.every((f) => f.accepted === 0 && f.duplicates === f.read - f.rejected));
    assert.equal(
      (await store.one<{ n: number }>('SELECT count(*) AS n FROM prices'))!.n,
      628 + 848 + 1351 + 2019 + 2298,
    );
  });
});

describe('the sample (no last_updated)', () => {
  test('--set ts gives every price its time and every offering its listed_from', async () => {
    await withMemory(async (store) => {
      const r = await ingestFiles(store, [sample], { preset, set: { ts: '2026-07-24T00:00:00Z' } });
      // 16 keys: sample_spec, a size tier without a mode, an embedding, o3-pro (responses) and 12 chat entries;
      // deepseek-chat under two keys that disagree (a cache-write price of 0, and none), so two models;
      // github_copilot/gpt-4o has no token price; Pegasus only an output price; wandb/openai/gpt-oss-120b
      // is priced above the plausible maximum (15,000 and 60,000 per 1 M); xai/grok-4-1-fast has a tier
      // above 128k: 9 price rows at tier 0, 1 above, 2 rejected.
      assert.deepEqual(counts(r), [
        { kind: 'offerings', read: 12, accepted: 12, duplicates: 0, rejected: 0 },
        { kind: 'prices', read: 12, accepted: 10, duplicates: 0, rejected: 2 },
      ]);
      assert.deepEqual(
        await store.all(
          `SELECT tier_min_input_tokens AS tier, input_price, output_price, cached_input_price, cache_write_price
           FROM prices WHERE provider = 'xai' ORDER BY tier`,
        ),
        [
          // 2e-07 / 5e-07, cache read 5e-08; above 128k 4e-07 / 1e-06 and no cached price of its own
          { tier: 0, input_price: 0.2, output_price: 0.5, cached_input_price: 0.05, cache_write_price: null },
          { tier: 128000, input_price: 0.4, output_price: 1, cached_input_price: null, cache_write_price: null },
        ],
      );
      assert.deepEqual(await store.all(`SELECT DISTINCT strftime(ts, '%Y-%m-%dT%H:%M:%S') AS ts FROM prices`), [
        { ts: '2026-07-24T00:00:00' },
      ]);
      assert.deepEqual(await store.all(`SELECT DISTINCT strftime(listed_from, '%Y-%m-%d') AS d FROM offerings`), [
        { d: '2026-07-24' },
      ]);
      assert.deepEqual(await store.all(`SELECT row_number, field, reason FROM rejects ORDER BY row_number`), [
        {
          row_number: 10,
          field: 'input_price',
          reason:
            "input_price: '15000' is above the plausible maximum of 10000; output_price: '60000' is above the plausible maximum of 10000",
        },
        { row_number: 12, field: 'input_price', reason: 'input_price: missing required value' },
      ]);
      // xai/grok-4-1-fast writes its limits as 2000000.0; amazon-nova/… is the amazon_nova provider's prefix.
      assert.deepEqual(
        await store.all(`SELECT provider, model, official, context_length, max_output_tokens, features FROM offerings
          WHERE provider IN ('xai', 'amazon_nova', 'github_copilot', 'bedrock') ORDER BY provider`),
        [
          {
            provider: 'amazon_nova',
            model: 'nova-micro-v1',
            official: true,
            context_length: 128000,
            max_output_tokens: 10000,
            features: 'tools,json_schema,stream',
          },
          {
            provider: 'bedrock',
            model: 'twelvelabs.pegasus-1-2-v1:0',
            official: false,
            context_length: null,
            max_output_tokens: null,
            features: 'stream',
          },
          {
            provider: 'github_copilot',
            model: 'gpt-4o',
            official: false,
            context_length: 64000,
            max_output_tokens: 4096,
            features: 'tools,stream',
          },
          {
            provider: 'xai',
            model: 'grok-4-1-fast',
            official: true,
            context_length: 2000000,
            max_output_tokens: 2000000,
            features: 'tools,json_schema,stream',
          },
        ],
      );
    });
  });

  test('without --set ts the snapshot is today at UTC midnight', async () => {
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

  test('in a folder named by a date (as ai-ping pull lays it out) the snapshot is that day at 00:00 UTC', async () => {
    const dir = path.join(tmpDir(), '2025-12-01');
    mkdirSync(dir);
    const dated = path.join(dir, 'model_prices_and_context_window.json');
    copyFileSync(sample, dated);
    await withMemory(async (store) => {
      await ingestFiles(store, [dated], { preset });
      assert.deepEqual(
        await store.all(
          `SELECT DISTINCT strftime(p.ts, '%Y-%m-%dT%H:%M:%S') AS ts, strftime(o.listed_from, '%Y-%m-%d') AS d
           FROM prices p, offerings o`,
        ),
        [{ ts: '2025-12-01T00:00:00', d: '2025-12-01' }],
      );
    });
    // last_updated, where the file has one, wins over the folder; --set ts over both.
    const withStamp = path.join(dir, 'bad.json');
    copyFileSync(bad, withStamp);
    await withMemory(async (store) => {
      await ingestFiles(store, [withStamp], { preset });
      await ingestFiles(store, [dated], { preset, set: { ts: '2026-01-02T03:04:05Z' } });
      assert.deepEqual(
        await store.all(`SELECT DISTINCT strftime(ts, '%Y-%m-%dT%H:%M:%S') AS ts FROM prices ORDER BY ts`),
        [{ ts: '2025-05-04T23:00:00' }, { ts: '2026-01-02T03:04:05' }],
      );
    });
  });

  test('an epoch --set ts works too; a bad one is refused before anything lands', async () => {
    await withMemory(async (store) => {
      await ingestFiles(store, [sample], { preset, set: { ts: '1753315200' } });
      assert.deepEqual(await store.all(`SELECT DISTINCT strftime(listed_from, '%Y-%m-%d') AS d FROM offerings`), [
        { d: '2025-07-24' },
      ]);
      await assert.rejects(
        ingestFiles(store, [sample], { preset, set: { ts: 'yesterday' } }),
        (e: Error) => e instanceof InputError && /--set ts 'yesterday' is not a timestamp/.test(e.message),
      );
    });
  });
});

test('bad values are rejected with their reason; last_updated with an offset is read in UTC', async () => {
  await withMemory(async (store) => {
    const r = await ingestFiles(store, [bad], { preset });
    assert.deepEqual(counts(r), [
      { kind: 'offerings', read: 5, accepted: 3, duplicates: 0, rejected: 2 },
      { kind: 'prices', read: 5, accepted: 2, duplicates: 0, rejected: 3 },
    ]);
    assert.deepEqual(await store.all(`SELECT kind, row_number, reason FROM rejects ORDER BY kind, row_number`), [
      { kind: 'offerings', row_number: 4, reason: "context_length: '1000.5' is not a whole number" },
      { kind: 'offerings', row_number: 5, reason: 'provider: missing required value' },
      { kind: 'prices', row_number: 2, reason: "input_price: 'cheap' is not a number" },
      { kind: 'prices', row_number: 3, reason: "input_price: '-1' is negative" },
      { kind: 'prices', row_number: 5, reason: 'provider: missing required value' },
    ]);
    // 2025-05-05T01:00:00+02:00 is 2025-05-04 23:00 UTC.
    assert.deepEqual(await store.all(`SELECT DISTINCT strftime(ts, '%Y-%m-%dT%H:%M:%S') AS ts FROM prices`), [
      { ts: '2025-05-04T23:00:00' },
    ]);
    assert.deepEqual(await store.all(`SELECT DISTINCT strftime(listed_from, '%Y-%m-%d') AS d FROM offerings`), [
      { d: '2025-05-04' },
    ]);
    assert.deepEqual(
      await store.all(`SELECT model, input_price, output_price FROM prices WHERE model = 'good-model'`),
      [{ model: 'good-model', input_price: 1, output_price: 2 }],
    );
  });
});

describe('tiers and cache writes (tiers.json: five real entries)', () => {
  let store: Store;
  let result: FileCounts[];
  before(async () => {
    store = await Store.open(':memory:');
    result = await ingestFiles(store, [tiers], { preset, set: { ts: '2026-07-24T00:00:00Z' } });
  });
  after(() => store.close());

  const tierRows = (provider: string, model: string) =>
    store.all(
      `SELECT tier_min_input_tokens AS tier, input_price, output_price, cached_input_price, cache_write_price
       FROM prices WHERE provider = $1 AND model = $2 ORDER BY tier`,
      [provider, model],
    );

  test('counts: a price row per tier', () => {
    // claude-sonnet-4-5, qwen-flash and MiniMax-M3 two tiers each; the two gemini flash keys one each.
    assert.deepEqual(counts(result), [
      { kind: 'offerings', read: 5, accepted: 5, duplicates: 0, rejected: 0 },
      { kind: 'prices', read: 8, accepted: 8, duplicates: 0, rejected: 0 },
    ]);
  });

  test('claude-sonnet-4-5: cache_creation_input_token_cost is the cache-write price, at each tier', async () => {
    // 3e-06 / 1.5e-05, cache read 3e-07, cache creation 3.75e-06; above 200k 6e-06 / 2.25e-05, 6e-07,
    // 7.5e-06. The one-hour cache prices (_above_1hr, 6e-06 and 1.2e-05 above 200k) are not read.
    assert.deepEqual(await tierRows('anthropic', 'claude-sonnet-4-5'), [
      { tier: 0, input_price: 3, output_price: 15, cached_input_price: 0.3, cache_write_price: 3.75 },
      { tier: 200000, input_price: 6, output_price: 22.5, cached_input_price: 0.6, cache_write_price: 7.5 },
    ]);
  });

  test('dashscope/qwen-flash: ranges [0, 256000] and [256000, 1000000]; exactly 256,000 input tokens pay the first', async () => {
    // 5e-08 / 4e-07 and 2.5e-07 / 2e-06. LiteLLM picks the range with from < input <= to, so 256,000
    // tokens fall in [0, 256000]; here the second row applies to strictly more than 256,000: the same.
    assert.deepEqual(await tierRows('dashscope', 'qwen-flash'), [
      { tier: 0, input_price: 0.05, output_price: 0.4, cached_input_price: null, cache_write_price: null },
      { tier: 256000, input_price: 0.25, output_price: 2, cached_input_price: null, cache_write_price: null },
    ]);
  });

  test('minimax/MiniMax-M3: a 512k threshold', async () => {
    // 3e-07 / 1.2e-06, cache read 6e-08; above 512k 6e-07 / 2.4e-06, 1.2e-07
    assert.deepEqual(await tierRows('minimax', 'MiniMax-M3'), [
      { tier: 0, input_price: 0.3, output_price: 1.2, cached_input_price: 0.06, cache_write_price: null },
      { tier: 512000, input_price: 0.6, output_price: 2.4, cached_input_price: 0.12, cache_write_price: null },
    ]);
  });

  test('gemini/gemini-flash-latest and gemini-flash-latest disagree: both kept, both named', async () => {
    // Both provider gemini, both 3e-07 / 2.5e-06; cache read 7.5e-08 under the prefixed key, 3e-08 under the bare one.
    assert.deepEqual(await tierRows('gemini', 'gemini/gemini-flash-latest'), [
      { tier: 0, input_price: 0.3, output_price: 2.5, cached_input_price: 0.075, cache_write_price: null },
    ]);
    assert.deepEqual(await tierRows('gemini', 'gemini-flash-latest'), [
      { tier: 0, input_price: 0.3, output_price: 2.5, cached_input_price: 0.03, cache_write_price: null },
    ]);
    assert.deepEqual(await store.all(`SELECT model FROM offerings WHERE provider = 'gemini' ORDER BY model`), [
      { model: 'gemini-flash-latest' },
      { model: 'gemini/gemini-flash-latest' },
    ]);
    assert.deepEqual(result[1].warnings, [
      "keys 'gemini/gemini-flash-latest' and 'gemini-flash-latest' price gemini's 'gemini-flash-latest' differently (cached_input_price 0.075 vs 0.03); each is kept under its own key as the model",
    ]);
  });
});

test('an entry lands whole or not at all; tiered_pricing not on input tokens is refused (bad-tiers.json)', async () => {
  await withMemory(async (store) => {
    const r = await ingestFiles(store, [badTiers], { preset });
    // Five made-up entries: three rejected, one row each; two stored with two tiers each.
    assert.deepEqual(counts(r), [
      { kind: 'offerings', read: 5, accepted: 5, duplicates: 0, rejected: 0 },
      { kind: 'prices', read: 7, accepted: 4, duplicates: 0, rejected: 3 },
    ]);
    assert.deepEqual(
      await store.all(
        `SELECT row_number, reason, json_extract_string(raw_row, '$.tier_min_input_tokens') AS tier FROM rejects ORDER BY row_number`,
      ),
      [
        // a 200k tier with an output price only: the entry, tier 0 included, is not stored
        { row_number: 1, reason: 'input_price: missing required value', tier: '200000' },
        { row_number: 2, reason: "input_price: 'double' is not a number", tier: '128000' },
        {
          row_number: 3,
          reason:
            "tier_min_input_tokens: 'tiered_pricing keyed on max_results_range, not input tokens' is not a number",
          tier: 'tiered_pricing keyed on max_results_range, not input tokens',
        },
      ],
    );
    assert.deepEqual(
      await store.all(
        `SELECT model, tier_min_input_tokens AS tier, input_price, output_price, cached_input_price, cache_write_price
         FROM prices ORDER BY model, tier`,
      ),
      [
        // _above_128_tokens (no k) is 128 tokens, as LiteLLM reads it
        {
          model: 'above-128-tokens',
          tier: 0,
          input_price: 1,
          output_price: 2,
          cached_input_price: null,
          cache_write_price: null,
        },
        {
          model: 'above-128-tokens',
          tier: 128,
          input_price: 3,
          output_price: 6,
          cached_input_price: null,
          cache_write_price: null,
        },
        // ranges out of order; the lowest, [1, 32000], is tier 0
        {
          model: 'ranges-from-one',
          tier: 0,
          input_price: 1,
          output_price: 4,
          cached_input_price: 0.1,
          cache_write_price: null,
        },
        {
          model: 'ranges-from-one',
          tier: 32000,
          input_price: 2,
          output_price: 8,
          cached_input_price: null,
          cache_write_price: 2.5,
        },
      ],
    );
  });
});

test('a file that is not one JSON object is refused', async () => {
  const dir = tmpDir();
  const array = path.join(dir, 'array.json');
  writeFileSync(array, '[{"litellm_provider": "x", "mode": "chat"}]');
  await withMemory(async (store) => {
    await assert.rejects(
      ingestFiles(store, [array], { preset }),
      (e: Error) =>
        e instanceof InputError &&
        /not a LiteLLM price catalogue: expected one JSON object keyed by model name, found a JSON array/.test(
          e.message,
        ),
    );
  });
});

describe('ai-ping ingest --preset litellm-prices (CLI)', () => {
  test('prints both tables per file, warns about rejects and anomalous prices', async () => {
    const db = path.join(tmpDir(), 'l.duckdb');
    const r = runCli(['ingest', latest, '--preset', 'litellm-prices', '--db', db, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout) as {
      files: Record<string, unknown>[];
      anomalies?: { provider: string; sourceModel: string; model: string }[];
    };
    assert.deepEqual(
      json.files.map((f) => [f.kind, f.read, f.accepted, f.duplicates, f.rejected]),
      [
        ['offerings', 2285, 2272, 13, 0],
        ['prices', 2326, 2298, 14, 14],
      ],
    );
    assert.match(r.stderr, /row 57: input_price: missing required value/);
    assert.match(
      r.stderr,
      /row 2413: input_price: '15000' is above the plausible maximum of 10000; output_price: '60000' is above the plausible maximum of 10000/,
    );
    assert.match(r.stderr, /^warning: 14 row\(s\) rejected/m);
    // Keys that price one model two ways: named on stderr, not in the JSON.
    assert.match(
      r.stderr,
      /warning: \S*model_prices_and_context_window\.json\.gz: keys 'gemini\/gemini-flash-latest' and 'gemini-flash-latest' price gemini's 'gemini-flash-latest' differently \(cached_input_price 0\.075 vs 0\.03\)/,
    );
    assert.equal(r.stderr.match(/ price \S+'s '[^']+' differently/g)?.length, 4);
    assert.match(r.stderr, /anomalous price\(s\)/);
    // The price-sanity check compares providers of the same catalog model: wandb's Qwen3-235B-A22B-Instruct-2507,
    // at exactly the plausible maximum (10,000 per 1 M), is stored and flagged; its gpt-oss-120b, above it, was
    // rejected and is not.
    assert.ok(
      json.anomalies?.some(
        (a) =>
          a.provider === 'wandb' &&
          a.sourceModel === 'Qwen/Qwen3-235B-A22B-Instruct-2507' &&
          a.model === 'Qwen3-235B-A22B-Instruct-2507',
      ),
    );
    assert.ok(!json.anomalies?.some((a) => a.provider === 'wandb' && a.sourceModel === 'openai/gpt-oss-120b'));
    const [n] = await query<{ p: number; o: number }>(
      db,
      'SELECT (SELECT count(*) FROM prices) AS p, (SELECT count(*) FROM offerings) AS o',
    );
    assert.deepEqual(n, { p: 2298, o: 2272 });
    // The stored names resolve at query time: 20 offerings of DeepSeek-V3.2 (see test/catalog/litellm-names),
    // priced at the snapshot.
    const p = runCli(['providers', '--db', db, '--model', 'DeepSeek-V3.2', '--format', 'json']);
    assert.equal(p.code, 0, p.stderr);
    const prov = JSON.parse(p.stdout) as { at: string; providers: Record<string, unknown>[] };
    assert.equal(prov.at, '2026-07-24T18:23:43.000000Z');
    assert.equal(prov.providers.length, 20);
    const official = prov.providers.filter((r) => r.official);
    assert.deepEqual(
      official.map((r) => [r.provider, r.sourceModel, r.inputPrice, r.outputPrice, r.cachedInputPrice, r.currency]),
      [['deepseek', 'deepseek-v3.2', 0.28, 0.4, 0.028, 'USD']],
    );
  });

  test('--set ts on the command line; the preset is listed', () => {
    const dir = tmpDir();
    const r = runCli([
      'ingest',
      sample,
      '--preset',
      'litellm-prices',
      '--set',
      'ts=2026-01-02',
      '--db',
      path.join(dir, 's.duckdb'),
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
        // wandb/openai/gpt-oss-120b rejected beside Pegasus (see the sample test above)
        ['offerings', 12, 12, 0, 0],
        ['prices', 12, 10, 0, 2],
      ],
    );
    const list = runCli(['ingest', '--preset', 'list', '--format', 'json']);
    assert.equal(list.code, 0, list.stderr);
    assert.ok(
      (JSON.parse(list.stdout) as { presets: { name: string }[] }).presets.some((p) => p.name === 'litellm-prices'),
    );
  });

  test('a bad --set ts exits 2 and names the value', () => {
    const r = runCli([
      'ingest',
      sample,
      '--preset',
      'litellm-prices',
      '--set',
      'ts=soon',
      '--db',
      path.join(tmpDir(), 'b.duckdb'),
    ]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--set ts 'soon' is not a timestamp/);
  });
});
