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

const preset = PRESETS['openrouter-endpoints'];
const root = path.join(fixtures, 'presets', 'openrouter-endpoints');
const folder = path.join(root, '2026-03-15');
const deepseek = path.join(folder, 'deepseek-v3.2.json');
const qwen = path.join(folder, 'qwen3-32b.json');
const modelList = path.join(fixtures, 'presets', 'openrouter-models', 'models-2026-03-15.json');

/** The stored provider: OpenRouter's `Google` is Vertex AI, every other name is kept as written. */
const storedProvider = (name: unknown) => ((name as string).trim() === 'Google' ? 'Google Vertex' : name);

/** What the preset should make of one endpoints response, computed from JSON.parse of the file. */
function expectedFromFile(file: string) {
  const { data } = JSON.parse(readText(file)) as { data: Json & { endpoints: Json[] } };
  const author = (data.id as string).split('/')[0];
  const makers: Record<string, string[]> = { deepseek: ['deepseek'], qwen: ['qwen', 'alibaba'] };
  const offerings = data.endpoints.map((e) =>
    JSON.stringify([
      storedProvider(e.provider_name),
      data.id,
      makers[author].includes((e.tag as string).split('/')[0]),
      e.context_length,
      e.max_completion_tokens,
      expectedFeatures(e.supported_parameters),
      e.quantization === 'unknown' ? null : e.quantization,
    ]),
  );
  const prices = data.endpoints.flatMap((e) =>
    expectedPriceRows(e.pricing as Json).map((r) =>
      JSON.stringify([storedProvider(e.provider_name), data.id, ...r.prices, r.tier]),
    ),
  );
  const p50 = (v: unknown) => ((v as Json | null)?.p50 as number | undefined) ?? null;
  const latency = data.endpoints
    .filter((e) => p50(e.latency_last_30m) !== null || p50(e.throughput_last_30m) !== null)
    .map((e) =>
      JSON.stringify([storedProvider(e.provider_name), data.id, p50(e.latency_last_30m), p50(e.throughput_last_30m)]),
    );
  return { data, offerings, prices, latency };
}

function counts(r: FileCounts[]) {
  return r.map((f) => ({
    file: path.basename(f.file),
    kind: f.kind,
    read: f.read,
    accepted: f.accepted,
    duplicates: f.duplicates,
    rejected: f.rejected,
  }));
}

describe('openrouter-endpoints on a folder of two models (2026-03-15/)', () => {
  let store: Store;
  let result: FileCounts[];
  const exp = [deepseek, qwen].map(expectedFromFile);

  before(async () => {
    store = await Store.open(':memory:');
    result = await ingestFiles(store, [root], { preset });
  });
  after(() => store.close());

  test('counts per file and table: 8 + 4 endpoints, one tier, one bad price, one endpoint without figures', () => {
    assert.deepEqual(counts(result), [
      { file: 'deepseek-v3.2.json', kind: 'offerings', read: 8, accepted: 8, duplicates: 0, rejected: 0 },
      { file: 'deepseek-v3.2.json', kind: 'prices', read: 9, accepted: 8, duplicates: 0, rejected: 1 },
      { file: 'deepseek-v3.2.json', kind: 'latency', read: 7, accepted: 7, duplicates: 0, rejected: 0 },
      { file: 'qwen3-32b.json', kind: 'offerings', read: 4, accepted: 4, duplicates: 0, rejected: 0 },
      { file: 'qwen3-32b.json', kind: 'prices', read: 4, accepted: 4, duplicates: 0, rejected: 0 },
      { file: 'qwen3-32b.json', kind: 'latency', read: 4, accepted: 4, duplicates: 0, rejected: 0 },
    ]);
    const expected = exp.flatMap((e) => [e.offerings.length, e.prices.length, e.latency.length]);
    assert.deepEqual(
      result.map((f) => f.read),
      expected,
    );
    for (const f of result) assert.equal(f.read, f.accepted + f.duplicates + f.rejected);
  });

  test('one snapshot per file, at the folder date', async () => {
    assert.deepEqual(
      await store.all(
        `SELECT model, strftime(ts, '%Y-%m-%dT%H:%M:%S') AS ts, count(*) AS n FROM prices GROUP BY ALL ORDER BY model`,
      ),
      [
        { model: 'deepseek/deepseek-v3.2', ts: '2026-03-15T00:00:00', n: 8 },
        { model: 'qwen/qwen3-32b', ts: '2026-03-15T00:00:00', n: 4 },
      ],
    );
    assert.deepEqual(
      await store.all(
        `SELECT DISTINCT strftime(listed_from, '%Y-%m-%d') AS d FROM offerings
         UNION ALL SELECT DISTINCT strftime(ts, '%Y-%m-%dT%H:%M:%S') FROM latency`,
      ),
      [{ d: '2026-03-15' }, { d: '2026-03-15T00:00:00' }],
    );
  });

  test('DeepSeek-V3.2 on eight providers, read by hand', async () => {
    const rows = await store.all(
      `SELECT o.provider, o.official, o.context_length AS ctx, o.max_output_tokens AS max_out, o.features, o.quantization AS q,
              p.input_price AS i, p.output_price AS out, p.cached_input_price AS c, p.cache_write_price AS w,
              p.tier_min_input_tokens AS tier
       FROM offerings o LEFT JOIN prices p USING (provider, model)
       WHERE model = 'deepseek/deepseek-v3.2' ORDER BY o.provider, tier`,
    );
    assert.deepEqual(rows, [
      // cache write 3.5625e-7 per token; a smaller context (131,072) than the model's
      {
        provider: 'AtlasCloud',
        official: false,
        ctx: 131072,
        max_out: 32768,
        features: 'tools,json_schema,stream',
        q: 'bf16',
        i: 0.285,
        out: 0.43,
        c: 0.0285,
        w: 0.35625,
        tier: 0,
      },
      // discount 0.2 is already inside 2.24e-7 / 3.36e-7 (0.28 x 0.8, 0.42 x 0.8): stored as listed
      {
        provider: 'Chutes',
        official: false,
        ctx: 163840,
        max_out: 163840,
        features: 'tools,stream',
        q: 'fp8',
        i: 0.224,
        out: 0.336,
        c: null,
        w: null,
        tier: 0,
      },
      {
        provider: 'DeepInfra',
        official: false,
        ctx: 163840,
        max_out: 163840,
        features: 'tools,json_schema,stream',
        q: 'fp4',
        i: 0.26,
        out: 0.38,
        c: 0.13,
        w: null,
        tier: 0,
      },
      // the maker's own endpoint (tag deepseek); its off-peak time window is not a tier
      {
        provider: 'DeepSeek',
        official: true,
        ctx: 163840,
        max_out: 65536,
        features: 'tools,stream',
        q: 'fp8',
        i: 0.28,
        out: 0.42,
        c: 0.028,
        w: null,
        tier: 0,
      },
      // above 128,000 prompt tokens 1.2e-6 / 3.5e-6; the cache read price 2.8e-7 carries over
      {
        provider: 'Fireworks',
        official: false,
        ctx: 163840,
        max_out: 163840,
        features: 'tools,json_schema,stream',
        q: 'fp8',
        i: 0.56,
        out: 1.68,
        c: 0.28,
        w: null,
        tier: 0,
      },
      {
        provider: 'Fireworks',
        official: false,
        ctx: 163840,
        max_out: 163840,
        features: 'tools,json_schema,stream',
        q: 'fp8',
        i: 1.2,
        out: 3.5,
        c: 0.28,
        w: null,
        tier: 128000,
      },
      // provider_name 'Google' is Vertex AI (tag google-vertex): stored as 'Google Vertex'; quantization 'unknown'
      // is not stored
      {
        provider: 'Google Vertex',
        official: false,
        ctx: 163840,
        max_out: 32768,
        features: 'stream',
        q: null,
        i: 0.56,
        out: 1.68,
        c: null,
        w: null,
        tier: 0,
      },
      {
        provider: 'Novita',
        official: false,
        ctx: 163840,
        max_out: 65536,
        features: 'tools,stream',
        q: 'fp8',
        i: 0.27,
        out: 0.41,
        c: 0.135,
        w: null,
        tier: 0,
      },
      // listed, but its price row was rejected
      {
        provider: 'SiliconFlow',
        official: false,
        ctx: 163840,
        max_out: 163840,
        features: 'tools,stream',
        q: 'fp8',
        i: null,
        out: null,
        c: null,
        w: null,
        tier: null,
      },
    ]);
  });

  test('the bad price is rejected naming the endpoint and the field', async () => {
    assert.deepEqual(
      await store.all(
        `SELECT kind, row_number, field, reason, json_extract_string(raw_row, '$.entry') AS entry,
                json_extract_string(raw_row, '$.provider') AS provider
         FROM rejects`,
      ),
      [
        {
          kind: 'prices',
          // price rows are numbered in endpoint order, each endpoint's tiers after its base row: Fireworks has two
          row_number: 9,
          field: 'output_price',
          reason: "output_price: '0,00000042' is not a number",
          entry: 'data.endpoints[7]',
          provider: 'SiliconFlow',
        },
      ],
    );
  });

  test("latency: one row per endpoint with published figures, OpenRouter's 30-minute medians", async () => {
    assert.deepEqual(
      await store.all(
        `SELECT provider, model, ttft_ms, tps, latency_ms, ok, error_type, input_tokens, region FROM latency
         WHERE model = 'deepseek/deepseek-v3.2' ORDER BY provider`,
      ),
      [
        ['AtlasCloud', 1490, 22.8],
        ['Chutes', 2210, null], // latency published, throughput null
        ['DeepInfra', 702, 41.3],
        ['DeepSeek', 1312, 27.4],
        ['Fireworks', 540, 88.1],
        ['Novita', 955, 35],
        ['SiliconFlow', 1102, 30.2], // its price was rejected; its figures stand
      ].map(([provider, ttft, tps]) => ({
        provider,
        model: 'deepseek/deepseek-v3.2',
        ttft_ms: ttft,
        tps,
        latency_ms: null,
        ok: true,
        error_type: null,
        input_tokens: null,
        region: null,
      })),
    );
    // Google (Vertex) publishes no figures (null, as for unauthenticated requests): no row
    assert.deepEqual(await store.all(`SELECT count(*) AS n FROM latency WHERE provider LIKE 'Google%'`), [{ n: 0 }]);
  });

  test('Qwen3-32B: Alibaba is the maker (qwen/ is served by alibaba); a null quantization stays null', async () => {
    assert.deepEqual(
      await store.all(
        `SELECT provider, official, quantization FROM offerings WHERE model = 'qwen/qwen3-32b' ORDER BY provider`,
      ),
      [
        { provider: 'Alibaba', official: true, quantization: null },
        { provider: 'Cerebras', official: false, quantization: 'fp16' },
        { provider: 'DeepInfra', official: false, quantization: 'fp8' },
        { provider: 'Groq', official: false, quantization: null },
      ],
    );
  });

  test('every stored row equals a plain JavaScript reading of the files (exact per-1M values)', async () => {
    const offerings = await store.all<Record<string, unknown>>(
      `SELECT provider, model, official, context_length AS c, max_output_tokens AS m, features AS f, quantization AS q
       FROM offerings`,
    );
    assert.deepEqual(
      offerings.map((r) => JSON.stringify([r.provider, r.model, r.official, r.c, r.m, r.f, r.q])).sort(),
      exp.flatMap((e) => e.offerings).sort(),
    );
    const prices = await store.all<Record<string, unknown>>(
      `SELECT provider, model, input_price AS i, output_price AS o, cached_input_price AS c, cache_write_price AS w,
              tier_min_input_tokens AS t FROM prices`,
    );
    const bad = JSON.stringify(['SiliconFlow', 'deepseek/deepseek-v3.2', 0.27, '0,00000042', null, null, 0]);
    assert.ok(exp[0].prices.includes(bad));
    assert.deepEqual(
      prices.map((r) => JSON.stringify([r.provider, r.model, r.i, r.o, r.c, r.w, r.t])).sort(),
      exp
        .flatMap((e) => e.prices)
        .filter((p) => p !== bad)
        .sort(),
    );
    const latency = await store.all<Record<string, unknown>>(`SELECT provider, model, ttft_ms AS t, tps FROM latency`);
    assert.deepEqual(
      latency.map((r) => JSON.stringify([r.provider, r.model, r.t, r.tps])).sort(),
      exp.flatMap((e) => e.latency).sort(),
    );
  });

  test('ingesting the folder again adds nothing, latency included', async () => {
    const again = await ingestFiles(store, [root], { preset });
    assert.deepEqual(
      again.map((f) => [f.kind, f.accepted, f.duplicates, f.rejected]),
      [
        ['offerings', 0, 8, 0],
        ['prices', 0, 8, 1],
        ['latency', 0, 7, 0],
        ['offerings', 0, 4, 0],
        ['prices', 0, 4, 0],
        ['latency', 0, 4, 0],
      ],
    );
  });
});

test("OpenRouter's Google is Vertex AI, stored as Google Vertex; Google AI Studio and other spellings as written", async () => {
  // OpenRouter names Vertex AI 'Google' (tag google-vertex) and the Gemini API 'Google AI Studio'; every other
  // source means the Gemini API by 'google', so only the exact name 'Google' is renamed.
  const endpoint = (name: string, tag: string, prompt: string, p50: number) => ({
    provider_name: name,
    tag,
    context_length: 1048576,
    pricing: { prompt, completion: '0.0000025' },
    latency_last_30m: { p50 },
  });
  const file = path.join(tmpDir(), 'gemini-2.5-flash.json');
  writeFileSync(
    file,
    JSON.stringify({
      data: {
        id: 'google/gemini-2.5-flash',
        endpoints: [
          endpoint('Google', 'google-vertex/global', '0.0000001', 100),
          endpoint('Google AI Studio', 'google-ai-studio', '0.0000002', 200),
          endpoint('google', 'google', '0.0000003', 300),
        ],
      },
    }),
  );
  await withMemory(async (store) => {
    await ingestFiles(store, [file], { preset, set: { ts: '2026-03-15' } });
    const stored = ['Google Vertex', 'Google AI Studio', 'google'];
    const providers = async (sql: string) => (await store.all<{ provider: string }>(sql)).map((r) => r.provider);
    assert.deepEqual(
      await providers('SELECT provider FROM prices ORDER BY input_price'), // 0.1, 0.2, 0.3 per 1M
      stored,
    );
    assert.deepEqual(await providers('SELECT provider FROM latency ORDER BY ttft_ms'), stored);
    assert.deepEqual(
      await providers(
        'SELECT o.provider FROM offerings o JOIN prices p USING (provider, model) ORDER BY p.input_price',
      ),
      stored,
    );
  });
});

describe('snapshot time', () => {
  const times = (store: Store) =>
    store.all<{ t: string }>(
      `SELECT DISTINCT strftime(ts, '%Y-%m-%dT%H:%M:%S') AS t FROM prices
       UNION SELECT DISTINCT strftime(ts, '%Y-%m-%dT%H:%M:%S') FROM latency
       UNION SELECT DISTINCT strftime(listed_from, '%Y-%m-%d') FROM offerings ORDER BY t`,
    );

  test('--set ts wins over the folder date, for prices, latency and listings alike', async () => {
    await withMemory(async (store) => {
      await ingestFiles(store, [deepseek], { preset, set: { ts: '2026-03-20T12:00:00Z' } });
      assert.deepEqual(await times(store), [{ t: '2026-03-20' }, { t: '2026-03-20T12:00:00' }]);
    });
  });

  test('a date folder above another folder, as ai-ping pull lays files out: <date>/endpoints/<author>--<slug>.json.gz', async () => {
    const dir = path.join(tmpDir(), '2026-04-03', 'endpoints');
    mkdirSync(dir, { recursive: true });
    const gz = path.join(dir, 'deepseek--deepseek-v3.2.json.gz');
    writeFileSync(gz, gzipSync(readFileSync(deepseek)));
    await withMemory(async (store) => {
      await ingestFiles(store, [path.dirname(dir)], { preset });
      assert.deepEqual(await times(store), [{ t: '2026-04-03' }, { t: '2026-04-03T00:00:00' }]);
    });
  });

  test('a gzip-compressed file with a date in its name; no date anywhere: today at UTC midnight', async () => {
    const dir = tmpDir();
    const gz = path.join(dir, 'deepseek-v3.2-2026-04-02.json.gz');
    writeFileSync(gz, gzipSync(readFileSync(deepseek)));
    const plain = path.join(dir, 'qwen3-32b.json');
    copyFileSync(qwen, plain);
    await withMemory(async (store) => {
      const r = await ingestFiles(store, [gz], { preset });
      assert.deepEqual(
        r.map((f) => [f.kind, f.read, f.accepted, f.rejected]),
        [
          ['offerings', 8, 8, 0],
          ['prices', 9, 8, 1],
          ['latency', 7, 7, 0],
        ],
      );
      assert.deepEqual(await times(store), [{ t: '2026-04-02' }, { t: '2026-04-02T00:00:00' }]);
    });
    await withMemory(async (store) => {
      const before = new Date().toISOString().slice(0, 10);
      await ingestFiles(store, [plain], { preset });
      const after = new Date().toISOString().slice(0, 10);
      const [day, midnight] = await times(store);
      assert.ok([before, after].includes(day.t), day.t);
      assert.deepEqual(midnight, { t: `${day.t}T00:00:00` });
    });
  });
});

describe('files that are not an endpoints response are refused, naming the file and the expected shape', () => {
  const expected =
    /not an OpenRouter endpoints response: expected one JSON object \{"data": \{"id": …, "endpoints": \[endpoint, …\]\}\} as GET \/api\/v1\/models\/\{author\}\/\{slug\}\/endpoints returns/;
  const refuses = async (file: string, found: RegExp) =>
    withMemory(async (store) => {
      await assert.rejects(
        ingestFiles(store, [file], { preset }),
        (e: Error) =>
          e instanceof InputError &&
          e.message.startsWith(`${file}: `) &&
          expected.test(e.message) &&
          found.test(e.message),
      );
      assert.deepEqual(await store.all('SELECT count(*) AS n FROM offerings'), [{ n: 0 }]);
    });
  const write = (text: string) => {
    const file = path.join(tmpDir(), 'endpoints.json');
    writeFileSync(file, text);
    return file;
  };

  test('a model list: the message points to the other preset', async () => {
    await refuses(modelList, /found \{"data": array\} \(a model list\? that reads with --preset openrouter-models\)$/);
  });

  test('data without an id or without an endpoints list; a bare array', async () => {
    await refuses(write('{"data": {"id": "a/b"}}'), /found \{"data": \{…\}\} without an 'endpoints' list$/);
    await refuses(write('{"data": {"endpoints": []}}'), /found \{"data": \{…\}\} without an 'id'$/);
    await refuses(write('{"data": {"name": "x"}}'), /without an 'id' and an 'endpoints' list$/);
    await refuses(write('[]'), /found a JSON array$/);
  });
});
