import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { InputError } from '../../src/errors.js';
import { ingestFiles, type FileCounts } from '../../src/ingest/index.js';
import { PRESETS } from '../../src/ingest/presets/index.js';
import { Store } from '../../src/store/db.js';
import { fixtures, readText, tmpDir, withMemory } from '../helpers.js';
import { expectedFeatures, expectedPriceRows, type Json } from './openrouter-expected.js';

const preset = PRESETS['openrouter-models'];
const dir = path.join(fixtures, 'presets', 'openrouter-models');
const sample = path.join(dir, 'models-2026-03-15.json');
const bad = path.join(dir, 'bad-models.json');
const endpointsFile = path.join(fixtures, 'presets', 'openrouter-endpoints', '2026-03-15', 'deepseek-v3.2.json');

/** What the preset should make of a model list, computed from JSON.parse of the file. */
function expectedFromFile(file: string) {
  const doc = JSON.parse(readText(file)) as { data: Json[] };
  const offerings = doc.data.map((m) => {
    const top = (m.top_provider ?? {}) as Json;
    return JSON.stringify([
      'openrouter',
      m.id,
      m.context_length ?? top.context_length ?? null,
      top.max_completion_tokens ?? null,
      expectedFeatures(m.supported_parameters),
    ]);
  });
  const variable = doc.data.filter((m) => {
    const p = (m.pricing ?? {}) as Json;
    return Number(p.prompt) < 0 || Number(p.completion) < 0;
  });
  const prices = doc.data
    .filter((m) => !variable.includes(m))
    .flatMap((m) =>
      expectedPriceRows((m.pricing ?? {}) as Json).map((r) =>
        JSON.stringify(['openrouter', m.id, ...r.prices, r.tier]),
      ),
    );
  return { doc, offerings, prices, variable };
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

describe('openrouter-models on the sample list', () => {
  let store: Store;
  let result: FileCounts[];
  const exp = expectedFromFile(sample);

  before(async () => {
    store = await Store.open(':memory:');
    result = await ingestFiles(store, [sample], { preset });
  });
  after(() => store.close());

  test('counts: 9 models, 1 variable-price router without a price, 2 long-context tiers; read = accepted + duplicates + rejected', () => {
    assert.deepEqual(counts(result), [
      { kind: 'offerings', read: 9, accepted: 9, duplicates: 0, rejected: 0 },
      { kind: 'prices', read: 10, accepted: 10, duplicates: 0, rejected: 0 },
    ]);
    assert.equal(exp.doc.data.length, 9);
    assert.deepEqual(
      exp.variable.map((m) => m.id),
      ['openrouter/auto'],
    );
    assert.equal(result[0].read, exp.offerings.length);
    assert.equal(result[1].read, exp.prices.length);
    for (const f of result) assert.equal(f.read, f.accepted + f.duplicates + f.rejected);
  });

  test('DeepSeek-V3.2, read by hand: 2.8e-7 / 4.2e-7 / cache read 2.8e-8 USD per token', async () => {
    assert.deepEqual(
      await store.all(
        `SELECT provider, model, official, strftime(listed_from, '%Y-%m-%d') AS listed_from, listed_to, context_length,
                max_output_tokens, features, quantization
         FROM offerings WHERE model = 'deepseek/deepseek-v3.2'`,
      ),
      [
        {
          provider: 'openrouter',
          model: 'deepseek/deepseek-v3.2',
          official: false,
          listed_from: '2026-03-15',
          listed_to: null,
          context_length: 163840,
          max_output_tokens: 65536,
          features: 'tools,json_schema,stream',
          quantization: null,
        },
      ],
    );
    assert.deepEqual(
      await store.all(
        `SELECT strftime(ts, '%Y-%m-%dT%H:%M:%S') AS ts, input_price, output_price, cached_input_price, cache_write_price,
                tier_min_input_tokens, currency
         FROM prices WHERE model = 'deepseek/deepseek-v3.2'`,
      ),
      [
        {
          ts: '2026-03-15T00:00:00',
          input_price: 0.28,
          output_price: 0.42,
          cached_input_price: 0.028,
          cache_write_price: null,
          tier_min_input_tokens: 0,
          currency: 'USD',
        },
      ],
    );
  });

  test('long-context overrides become tier rows; a key an override leaves out keeps the base price', async () => {
    const rows = await store.all(
      `SELECT model, tier_min_input_tokens AS tier, input_price AS i, output_price AS o, cached_input_price AS c,
              cache_write_price AS w
       FROM prices WHERE model IN ('google/gemini-2.5-pro', 'anthropic/claude-sonnet-4.5') ORDER BY model, tier`,
    );
    assert.deepEqual(rows, [
      // 3e-6 / 1.5e-5 / 3e-7 / 3.75e-6; above 200,000 prompt tokens 6e-6 / 2.25e-5 / 6e-7 / 7.5e-6
      { model: 'anthropic/claude-sonnet-4.5', tier: 0, i: 3, o: 15, c: 0.3, w: 3.75 },
      { model: 'anthropic/claude-sonnet-4.5', tier: 200000, i: 6, o: 22.5, c: 0.6, w: 7.5 },
      // the override has no input_cache_write: 1.625e-6 is inherited from the base prices
      { model: 'google/gemini-2.5-pro', tier: 0, i: 1.25, o: 10, c: 0.31, w: 1.625 },
      { model: 'google/gemini-2.5-pro', tier: 200000, i: 2.5, o: 15, c: 0.625, w: 1.625 },
    ]);
  });

  test('time-window overrides are not tiers: GLM 4.6 keeps its top-level prices only', async () => {
    assert.deepEqual(
      await store.all(
        `SELECT tier_min_input_tokens AS tier, input_price AS i, output_price AS o, cached_input_price AS c
         FROM prices WHERE model = 'z-ai/glm-4.6'`,
      ),
      [{ tier: 0, i: 0.6, o: 2.2, c: 0.11 }],
    );
  });

  test('the variable-price router is listed but never priced; a free model is priced at zero', async () => {
    assert.deepEqual(
      await store.all(
        `SELECT model, context_length, max_output_tokens, features FROM offerings WHERE model = 'openrouter/auto'`,
      ),
      [{ model: 'openrouter/auto', context_length: 2000000, max_output_tokens: null, features: 'tools,stream' }],
    );
    assert.deepEqual(await store.all(`SELECT * FROM prices WHERE model = 'openrouter/auto'`), []);
    assert.deepEqual(await store.all(`SELECT count(*) AS n FROM prices WHERE input_price < 0 OR output_price < 0`), [
      { n: 0 },
    ]);
    assert.deepEqual(
      await store.all(
        `SELECT input_price, output_price FROM prices WHERE model = 'meta-llama/llama-3.3-70b-instruct:free'`,
      ),
      [{ input_price: 0, output_price: 0 }],
    );
  });

  test('context_length null: the top provider figure; response_format without structured_outputs is not json_schema', async () => {
    assert.deepEqual(
      await store.all(
        `SELECT model, context_length, max_output_tokens, features FROM offerings
         WHERE model IN ('moonshotai/kimi-k2-0905', 'qwen/qwen3-32b', 'perplexity/sonar') ORDER BY model`,
      ),
      [
        {
          model: 'moonshotai/kimi-k2-0905',
          context_length: 262144,
          max_output_tokens: 262144,
          features: 'tools,json_schema,stream',
        },
        { model: 'perplexity/sonar', context_length: 127072, max_output_tokens: null, features: 'stream' },
        { model: 'qwen/qwen3-32b', context_length: 40960, max_output_tokens: 40960, features: 'tools,stream' },
      ],
    );
  });

  test('every stored row equals a plain JavaScript reading of the file (exact per-1M values)', async () => {
    const offerings = await store.all<{ provider: string; model: string; c: number; m: number; f: string }>(
      `SELECT provider, model, context_length AS c, max_output_tokens AS m, features AS f FROM offerings`,
    );
    assert.deepEqual(
      offerings.map((r) => JSON.stringify([r.provider, r.model, r.c, r.m, r.f])).sort(),
      [...exp.offerings].sort(),
    );
    const prices = await store.all<{
      provider: string;
      model: string;
      i: number;
      o: number;
      c: number | null;
      w: number | null;
      t: number;
    }>(
      `SELECT provider, model, input_price AS i, output_price AS o, cached_input_price AS c, cache_write_price AS w,
              tier_min_input_tokens AS t FROM prices`,
    );
    assert.deepEqual(
      prices.map((r) => JSON.stringify([r.provider, r.model, r.i, r.o, r.c, r.w, r.t])).sort(),
      [...exp.prices].sort(),
    );
  });

  test('ingesting the same file again adds nothing', async () => {
    const again = await ingestFiles(store, [sample], { preset });
    assert.deepEqual(counts(again), [
      { kind: 'offerings', read: 9, accepted: 0, duplicates: 9, rejected: 0 },
      { kind: 'prices', read: 10, accepted: 0, duplicates: 10, rejected: 0 },
    ]);
  });
});

describe('snapshot time', () => {
  const stamp = async (store: Store) =>
    store.all<{ ts: string; d: string }>(
      `SELECT DISTINCT strftime(p.ts, '%Y-%m-%dT%H:%M:%S') AS ts, strftime(o.listed_from, '%Y-%m-%d') AS d
       FROM prices p, offerings o`,
    );

  test('a date in the file name: models-2026-03-15.json is 2026-03-15 at UTC midnight', async () => {
    await withMemory(async (store) => {
      await ingestFiles(store, [sample], { preset });
      assert.deepEqual(await stamp(store), [{ ts: '2026-03-15T00:00:00', d: '2026-03-15' }]);
    });
  });

  test('--set ts wins over the name, as ISO 8601 with an offset or as epoch seconds; a bad one is refused', async () => {
    await withMemory(async (store) => {
      await ingestFiles(store, [sample], { preset, set: { ts: '2026-03-16T01:30:00+02:00' } });
      assert.deepEqual(await stamp(store), [{ ts: '2026-03-15T23:30:00', d: '2026-03-15' }]);
    });
    await withMemory(async (store) => {
      await ingestFiles(store, [sample], { preset, set: { ts: '1773792000' } }); // 2026-03-18T00:00:00Z
      assert.deepEqual(await stamp(store), [{ ts: '2026-03-18T00:00:00', d: '2026-03-18' }]);
      await assert.rejects(
        ingestFiles(store, [sample], { preset, set: { ts: 'yesterday' } }),
        (e: Error) => e instanceof InputError && /--set ts 'yesterday' is not a timestamp/.test(e.message),
      );
    });
  });

  test('a folder named by a date; a gzip-compressed file with a date in its name', async () => {
    const root = tmpDir();
    mkdirSync(path.join(root, '2026-04-01'));
    const inFolder = path.join(root, '2026-04-01', 'models.json');
    copyFileSync(sample, inFolder);
    const gz = path.join(root, 'models-2026-05-02.json.gz');
    writeFileSync(gz, gzipSync(readFileSync(sample)));
    await withMemory(async (store) => {
      const r = await ingestFiles(store, [inFolder, gz], { preset });
      assert.deepEqual(
        counts(r).map((c) => [c.kind, c.read, c.accepted]),
        [
          ['offerings', 9, 9],
          ['prices', 10, 10],
          ['offerings', 9, 9],
          ['prices', 10, 10],
        ],
      );
      assert.deepEqual(
        await store.all(
          `SELECT strftime(ts, '%Y-%m-%dT%H:%M:%S') AS ts, count(*) AS n FROM prices GROUP BY ts ORDER BY ts`,
        ),
        [
          { ts: '2026-04-01T00:00:00', n: 10 },
          { ts: '2026-05-02T00:00:00', n: 10 },
        ],
      );
    });
  });

  test('no date anywhere: today at UTC midnight', async () => {
    const file = path.join(tmpDir(), 'models.json');
    copyFileSync(sample, file);
    await withMemory(async (store) => {
      const before = new Date().toISOString().slice(0, 10);
      await ingestFiles(store, [file], { preset });
      const after = new Date().toISOString().slice(0, 10);
      const [row] = await stamp(store);
      assert.ok([before, after].includes(row.d), row.d);
      assert.equal(row.ts, `${row.d}T00:00:00`);
    });
  });
});

test('bad values: rejects name the row, the field and, in entry, the model', async () => {
  await withMemory(async (store) => {
    const r = await ingestFiles(store, [bad], { preset, set: { ts: '2026-03-15' } });
    // 7 entries; acme/bad-tier has one override, so 8 price rows.
    assert.deepEqual(counts(r), [
      { kind: 'offerings', read: 7, accepted: 5, duplicates: 0, rejected: 2 },
      { kind: 'prices', read: 8, accepted: 3, duplicates: 0, rejected: 5 },
    ]);
    assert.deepEqual(
      await store.all(
        `SELECT kind, row_number, reason, json_extract_string(raw_row, '$.entry') AS entry,
                json_extract_string(raw_row, '$.model') AS model
         FROM rejects ORDER BY kind, row_number`,
      ),
      [
        {
          kind: 'offerings',
          row_number: 3,
          reason: "context_length: '1000.5' is not a whole number",
          entry: 'data[2]',
          model: 'acme/fractional-context',
        },
        { kind: 'offerings', row_number: 4, reason: 'model: missing required value', entry: 'data[3]', model: null },
        {
          kind: 'prices',
          row_number: 1,
          reason: "input_price: 'cheap' is not a number",
          entry: 'data[0]',
          model: 'acme/text-price',
        },
        {
          kind: 'prices',
          row_number: 2,
          reason: 'input_price: missing required value; output_price: missing required value',
          entry: 'data[1]',
          model: 'acme/no-pricing',
        },
        { kind: 'prices', row_number: 4, reason: 'model: missing required value', entry: 'data[3]', model: null },
        {
          kind: 'prices',
          row_number: 6,
          reason: "tier_min_input_tokens: 'lots' is not a number",
          entry: 'data[4]',
          model: 'acme/bad-tier',
        },
        {
          kind: 'prices',
          row_number: 8,
          // the reject shows the scaled value: -1e-7 per token is -0.1 per 1M
          reason: "cached_input_price: '-0.1' is negative",
          entry: 'data[6]',
          model: 'acme/negative-cache',
        },
      ],
    );
    // 1.68e-06 as text and 2.8e-7 as a JSON number, both exact
    assert.deepEqual(await store.all(`SELECT model, input_price, output_price FROM prices ORDER BY model`), [
      { model: 'acme/bad-tier', input_price: 1, output_price: 2 },
      { model: 'acme/fractional-context', input_price: 1, output_price: 2 },
      { model: 'acme/scientific', input_price: 1.68, output_price: 0.28 },
    ]);
  });
});

describe('files that are not a model list are refused, naming the file and the expected shape', () => {
  const refuses = async (file: string, message: RegExp) =>
    withMemory(async (store) => {
      await assert.rejects(
        ingestFiles(store, [file], { preset }),
        (e: Error) => e instanceof InputError && e.message.startsWith(file) && message.test(e.message),
      );
      assert.deepEqual(await store.all('SELECT count(*) AS n FROM offerings'), [{ n: 0 }]);
    });
  const write = (name: string, text: string) => {
    const file = path.join(tmpDir(), name);
    writeFileSync(file, text);
    return file;
  };

  test('a bare array, two objects, an object without data', async () => {
    const expected =
      /not an OpenRouter model list: expected one JSON object \{"data": \[model, …\]\} as GET \/api\/v1\/models returns/;
    await refuses(write('array.json', '[{"id": "a/b"}]'), new RegExp(`${expected.source}, found a JSON array$`));
    await refuses(
      write('two.jsonl', '{"data": []}\n{"data": []}\n'),
      new RegExp(`${expected.source}, found 2 JSON values$`),
    );
    await refuses(
      write('nodata.json', '{"models": []}'),
      new RegExp(`${expected.source}, found an object without "data"$`),
    );
  });

  test('an endpoints response: the message points to the other preset', async () => {
    await refuses(endpointsFile, /found \{"data": object\} \(.*--preset openrouter-endpoints\)$/);
  });

  test('text that is not JSON', async () => {
    await refuses(write('models.json', 'id,pricing\na/b,1\n'), /cannot read as JSON/);
  });
});
