import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
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

type Entry = Record<string, unknown>;

/**
 * What the preset should make of a file, computed with plain JavaScript from JSON.parse,
 * independently of the SQL: the chat entries, their offering and price tuples.
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
    [v.supports_function_calling === true ? 'tools' : null, v.supports_response_schema === true ? 'json_schema' : null]
      .filter(Boolean)
      .join(',') || null;
  const offerings = chat.map(([k, v]) =>
    JSON.stringify([
      v.litellm_provider,
      modelOf(k, v.litellm_provider as string),
      v.max_input_tokens ?? v.max_tokens ?? null,
      v.max_output_tokens ?? null,
      features(v),
    ]),
  );
  const priced = chat.filter(([, v]) => v.input_cost_per_token != null || v.output_cost_per_token != null);
  const oneSided = priced.filter(([, v]) => v.input_cost_per_token == null || v.output_cost_per_token == null);
  const valid = priced
    .filter(([, v]) => v.input_cost_per_token != null && v.output_cost_per_token != null)
    .map(([k, v]) =>
      JSON.stringify([
        v.litellm_provider,
        modelOf(k, v.litellm_provider as string),
        v.input_cost_per_token,
        v.output_cost_per_token,
        v.cache_read_input_token_cost ?? v.input_cost_per_token_cache_hit ?? null,
      ]),
    );
  return {
    doc,
    chat,
    lastUpdated: doc.last_updated as string | undefined,
    offerings: { read: chat.length, duplicates: offerings.length - new Set(offerings).size, rejected: 0 },
    prices: {
      read: priced.length,
      duplicates: valid.length - new Set(valid).size,
      rejected: oneSided.length,
      distinct: new Set(valid).size,
      zeroInput: [...new Set(valid)].filter((t) => (JSON.parse(t) as unknown[])[2] === 0).length,
    },
  };
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
    // Hand-checked: 2,985 top-level keys, 2,285 of them chat entries; 111 of those carry no
    // per-token price and 3 (Bedrock's TwelveLabs Pegasus) only an output price.
    assert.equal(Object.keys(exp.doc).length, 2985);
    assert.deepEqual(counts(result), [
      { kind: 'offerings', read: 2285, accepted: 2269, duplicates: 16, rejected: 0 },
      { kind: 'prices', read: 2174, accepted: 2157, duplicates: 14, rejected: 3 },
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
    const rows = await store.all<{ row: number; field: string; model: string }>(
      `SELECT row_number AS row, field, json_extract_string(raw_row, '$.model') AS model FROM rejects ORDER BY row_number`,
    );
    assert.deepEqual(rows, [
      { row: 57, field: 'input_price', model: 'twelvelabs.pegasus-1-2-v1:0' },
      { row: 58, field: 'input_price', model: 'us.twelvelabs.pegasus-1-2-v1:0' },
      { row: 59, field: 'input_price', model: 'eu.twelvelabs.pegasus-1-2-v1:0' },
    ]);
    assert.deepEqual(
      [keys[56], keys[57], keys[58]],
      rows.map((r) => r.model),
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
        features: 'tools',
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
        features: 'tools',
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
        features: 'tools,json_schema',
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
        features: 'tools',
        input_price: 0.56,
        output_price: 1.68,
        cached_input_price: null,
      },
    ]);
  });

  test("every price is the per-token cost x 1,000,000, in USD, at the file's last_updated", async () => {
    const rows = await store.all<{
      provider: string;
      model: string;
      i: number;
      o: number;
      c: number | null;
      ts: string;
      currency: string;
    }>(
      `SELECT provider, model, input_price AS i, output_price AS o, cached_input_price AS c,
              strftime(ts, '%Y-%m-%dT%H:%M:%S.%f') AS ts, currency FROM prices`,
    );
    assert.equal(rows.length, exp.prices.distinct);
    const stored = new Map<string, typeof rows>();
    for (const r of rows)
      stored.set(`${r.provider}|${r.model}`, [...(stored.get(`${r.provider}|${r.model}`) ?? []), r]);
    let checked = 0;
    for (const [key, v] of exp.chat) {
      if (v.input_cost_per_token == null || v.output_cost_per_token == null) continue;
      const provider = v.litellm_provider as string;
      const model = key.startsWith(`${provider}/`) ? key.slice(provider.length + 1) : key;
      const candidates = stored.get(`${provider}|${model}`);
      if (!candidates) continue; // keys whose prefix is spelt unlike the provider are checked below
      const want = [
        v.input_cost_per_token,
        v.output_cost_per_token,
        v.cache_read_input_token_cost ?? v.input_cost_per_token_cache_hit ?? null,
      ].map((x) => (x == null ? null : (x as number) * 1e6));
      assert.ok(
        candidates.some((r) => near(r.i, want[0]) && near(r.o, want[1]) && near(r.c, want[2])),
        `${key}: ${JSON.stringify(want)} not among ${JSON.stringify(candidates)}`,
      );
      checked++;
    }
    assert.ok(checked > 2000, `checked ${checked}`);
    assert.deepEqual([...new Set(rows.map((r) => r.ts))], ['2026-07-24T18:23:43.000000']);
    assert.deepEqual([...new Set(rows.map((r) => r.currency))], ['USD']);
  });

  test('wandb/* prices (about 100,000x too high) and zero prices arrive as they are', async () => {
    const wandb = await store.all<{ model: string; input_price: number; output_price: number }>(
      `SELECT model, input_price, output_price FROM prices WHERE provider = 'wandb' ORDER BY model`,
    );
    const wandbKeys = exp.chat.filter(([, v]) => v.litellm_provider === 'wandb' && v.input_cost_per_token != null);
    assert.equal(wandb.length, wandbKeys.length);
    assert.equal(wandb.length, 16);
    // wandb/openai/gpt-oss-120b: 0.015 and 0.06 USD per token in the file.
    assert.deepEqual(
      wandb.find((r) => r.model === 'openai/gpt-oss-120b'),
      {
        model: 'openai/gpt-oss-120b',
        input_price: 15000,
        output_price: 60000,
      },
    );
    const zeros = (await store.one<{ n: number }>('SELECT count(*) AS n FROM prices WHERE input_price = 0'))!.n;
    assert.equal(zeros, exp.prices.zeroInput);
    assert.equal(zeros, 74);
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
      { provider: 'deepseek', model: 'deepseek-chat' }, // keys deepseek-chat and deepseek/deepseek-chat: one offering
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
      { kind: 'prices', read: 2174, accepted: 0, duplicates: 2171, rejected: 3 },
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
    // Per file: [offerings read, duplicates; prices read, accepted, duplicates, rejected].
    assert.deepEqual(
      counts(result).map((c) => [c.kind, c.read, c.accepted, c.duplicates, c.rejected]),
      [
        ['offerings', 633, 633, 0, 0],
        ['prices', 593, 593, 0, 0],
        ['offerings', 875, 874, 1, 0],
        ['prices', 798, 797, 1, 0],
        ['offerings', 1349, 1347, 2, 0],
        ['prices', 1265, 1259, 2, 4],
        ['offerings', 2006, 1996, 10, 0],
        ['prices', 1894, 1883, 8, 3],
        ['offerings', 2285, 2269, 16, 0],
        ['prices', 2174, 2157, 14, 3],
      ],
    );
    const perTs = await store.all<{ ts: string; n: number }>(
      `SELECT strftime(ts, '%Y-%m-%dT%H:%M:%S.%f') AS ts, count(*) AS n FROM prices GROUP BY ts ORDER BY ts`,
    );
    assert.deepEqual(
      perTs,
      expected.map((e) => ({ ts: `${e.lastUpdated!.slice(0, 19)}.000000`, n: e.prices.distinct })),
    );
    assert.deepEqual(
      perTs.map((r) => r.n),
      [593, 797, 1259, 1883, 2157],
    );
    const listed = await store.all<{ d: string; n: number }>(
      `SELECT strftime(listed_from, '%Y-%m-%d') AS d, count(*) AS n FROM offerings GROUP BY d ORDER BY d`,
    );
    assert.deepEqual(listed, [
      { d: '2025-02-28', n: 633 },
      { d: '2025-06-28', n: 874 },
      { d: '2025-10-31', n: 1347 },
      { d: '2026-02-27', n: 1996 },
      { d: '2026-07-24', n: 2269 },
    ]);
    // deepseek-chat, read by hand in each version: 0.27/1.1 (cache 0.07) until the 2025-10-31 snapshot,
    // 0.28/0.42 (cache 0.028) after. In 2025-10-31 `deepseek/deepseek-chat` still says 0.27/1.1 while the
    // bare key `deepseek-chat` says 0.6/1.7 (cache 0.06): two rows for one (provider, model, ts).
    const chat = await store.all(
      `SELECT strftime(ts, '%Y-%m-%d') AS d, input_price AS i, output_price AS o, cached_input_price AS c FROM prices
       WHERE provider = 'deepseek' AND model = 'deepseek-chat' ORDER BY ts, i`,
    );
    assert.deepEqual(chat, [
      { d: '2025-02-28', i: 0.27, o: 1.1, c: 0.07 },
      { d: '2025-06-28', i: 0.27, o: 1.1, c: 0.07 },
      { d: '2025-10-31', i: 0.27, o: 1.1, c: 0.07 },
      { d: '2025-10-31', i: 0.6, o: 1.7, c: 0.06 },
      { d: '2026-02-27', i: 0.28, o: 0.42, c: 0.028 },
      { d: '2026-07-24', i: 0.28, o: 0.42, c: 0.028 },
    ]);
    const again = await ingestFiles(store, files, { preset });
    assert.ok(again.every((f) => f.accepted === 0 && f.duplicates === f.read - f.rejected));
    assert.equal(
      (await store.one<{ n: number }>('SELECT count(*) AS n FROM prices'))!.n,
      593 + 797 + 1259 + 1883 + 2157,
    );
  });
});

describe('the sample (no last_updated)', () => {
  test('--set ts gives every price its time and every offering its listed_from', async () => {
    await withMemory(async (store) => {
      const r = await ingestFiles(store, [sample], { preset, set: { ts: '2026-07-24T00:00:00Z' } });
      // 16 keys: sample_spec, a size tier without a mode, an embedding, o3-pro (responses) and 12 chat entries;
      // deepseek-chat twice; github_copilot/gpt-4o has no token price; Pegasus only an output price.
      assert.deepEqual(counts(r), [
        { kind: 'offerings', read: 12, accepted: 11, duplicates: 1, rejected: 0 },
        { kind: 'prices', read: 11, accepted: 9, duplicates: 1, rejected: 1 },
      ]);
      assert.deepEqual(await store.all(`SELECT DISTINCT strftime(ts, '%Y-%m-%dT%H:%M:%S') AS ts FROM prices`), [
        { ts: '2026-07-24T00:00:00' },
      ]);
      assert.deepEqual(await store.all(`SELECT DISTINCT strftime(listed_from, '%Y-%m-%d') AS d FROM offerings`), [
        { d: '2026-07-24' },
      ]);
      assert.deepEqual(await store.all(`SELECT row_number, field, reason FROM rejects`), [
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
            features: 'tools,json_schema',
          },
          {
            provider: 'bedrock',
            model: 'twelvelabs.pegasus-1-2-v1:0',
            official: false,
            context_length: null,
            max_output_tokens: null,
            features: null,
          },
          {
            provider: 'github_copilot',
            model: 'gpt-4o',
            official: false,
            context_length: 64000,
            max_output_tokens: 4096,
            features: 'tools',
          },
          {
            provider: 'xai',
            model: 'grok-4-1-fast',
            official: true,
            context_length: 2000000,
            max_output_tokens: 2000000,
            features: 'tools,json_schema',
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
        ['offerings', 2285, 2269, 16, 0],
        ['prices', 2174, 2157, 14, 3],
      ],
    );
    assert.match(r.stderr, /row 57: input_price: missing required value/);
    assert.match(r.stderr, /anomalous price\(s\)/);
    // The price-sanity check compares providers of the same catalog model: wandb's gpt-oss-120b is flagged.
    assert.ok(
      json.anomalies?.some(
        (a) => a.provider === 'wandb' && a.sourceModel === 'openai/gpt-oss-120b' && a.model === 'gpt-oss-120b',
      ),
    );
    const [n] = await query<{ p: number; o: number }>(
      db,
      'SELECT (SELECT count(*) FROM prices) AS p, (SELECT count(*) FROM offerings) AS o',
    );
    assert.deepEqual(n, { p: 2157, o: 2269 });
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
        ['offerings', 12, 11, 1, 0],
        ['prices', 11, 9, 1, 1],
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
