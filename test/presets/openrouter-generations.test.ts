import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../../src/errors.js';
import { fixtures, query, tmpDir } from '../helpers.js';
import { assertIdempotent, ingestCli, rejects, requestRow, rows, withIngest } from './gateway-helpers.js';

const PRESET = 'openrouter-generations';
// GET /api/v1/generation responses ({"data": …}), one per line; see the README beside it.
const file = path.join(fixtures, 'presets', PRESET, 'generations.jsonl');
const G1 = 'gen-1759276800-Qm3kR8vTzL1pXa9bC2dE';
const G2 = 'gen-1759276860-Wn7hJ2sKq4LmZx8vB1cF';
const G3 = 'gen-1759276920-Tp5gH9dRw2NbYc6xA3eG';
const G5 = 'gen-1759277040-Zc2vN7bMx5KsPq4wE8uJ';

const ALL_REQUESTS = 'SELECT * EXCLUDE (ingest_id) FROM requests ORDER BY request_id';
const ALL_LATENCY = 'SELECT * EXCLUDE (ingest_id, row_key) FROM latency ORDER BY ts, provider, model';

describe('openrouter-generations preset', () => {
  test('one file, two tables: 8 generations (7 accepted) and 11 provider attempts (10 accepted)', async () => {
    await withIngest(PRESET, [file], async (s, c) => {
      assert.deepEqual(c, [
        { kind: 'requests', read: 8, accepted: 7, duplicates: 0, rejected: 1 },
        { kind: 'latency', read: 11, accepted: 10, duplicates: 0, rejected: 1 },
      ]);
      assert.deepEqual(await rejects(s), [
        // line 8: stopped before any provider (moderation): no provider_name, no provider_responses
        { kind: 'latency', row: 9, field: 'provider', reason: 'provider: missing required value' },
        { kind: 'requests', row: 8, field: 'provider', reason: 'provider: missing required value' },
      ]);
    });
  });

  test('a streamed generation, every canonical value of its request and of its attempt', async () => {
    await withIngest(PRESET, [file], async (s) => {
      assert.deepEqual(await requestRow(s, G1), {
        request_id: G1, // id
        ts: '2025-10-01T00:00:00.000Z', // created_at 2025-10-01T00:00:00.000000+00:00
        model: 'deepseek/deepseek-v3.2', // model
        provider: 'DeepInfra', // provider_name
        task: null,
        app: null,
        input_tokens: 1500, // native_tokens_prompt (tokens_prompt, normalised, is 1480)
        output_tokens: 700, // native_tokens_completion
        cached_tokens: 0, // native_tokens_cached
        cache_write_tokens: null,
        ttft_ms: 850, // latency: ms to the first token
        latency_ms: 4350, // generation_time: ms to the end of the response
        status: 'ok', // finish_reason stop, the last attempt 200
        error_type: null,
        features: 'stream', // streamed: true
        cost: 0.00086, // total_cost, USD
        currency: 'USD',
      });
      const [attempt] = await rows(
        s,
        "SELECT * EXCLUDE (ingest_id, row_key) FROM latency WHERE ts = '2025-10-01 00:00:00'",
      );
      assert.deepEqual(attempt, {
        ts: '2025-10-01T00:00:00.000Z',
        provider: 'DeepInfra',
        model: 'deepseek/deepseek-v3.2',
        ttft_ms: 850, // provider_responses[0].latency
        tps: 200, // 700 tokens / ((4350 − 850) ms / 1000) = 200 tokens/s
        latency_ms: 4350, // generation_time, for the attempt that served
        ok: true, // status 200
        error_type: null,
        input_tokens: 1500,
        region: null,
      });
    });
  });

  test('retried through fallback providers: one request, three attempts, the failures typed by HTTP status', async () => {
    await withIngest(PRESET, [file], async (s) => {
      const r = await requestRow(s, G2);
      assert.deepEqual([r.provider, r.status, r.ttft_ms, r.latency_ms], ['DeepInfra', 'ok', 640, 2640]);
      assert.deepEqual(
        await rows(
          s,
          "SELECT provider, ok, error_type, ttft_ms, latency_ms, tps FROM latency WHERE ts = '2025-10-01 00:01:00' ORDER BY provider",
        ),
        [
          { provider: 'DeepInfra', ok: true, error_type: null, ttft_ms: 640, latency_ms: 2640, tps: 250 }, // 500 / ((2640 − 640) / 1000)
          { provider: 'Fireworks', ok: false, error_type: 'server', ttft_ms: null, latency_ms: 3000, tps: null }, // 502
          { provider: 'Together', ok: false, error_type: 'rate_limit', ttft_ms: null, latency_ms: 120, tps: null }, // 429
        ],
      );
    });
  });

  test('per-provider error rates come from the attempts', async () => {
    await withIngest(PRESET, [file], async (s) => {
      // Hand-counted from provider_responses: Together 429 + 503, Fireworks 502, Chutes 500, SiliconFlow 408, Groq 429.
      assert.deepEqual(
        await rows(
          s,
          `SELECT provider, CAST(count(*) AS INTEGER) AS attempts, CAST(count(*) FILTER (WHERE ok) AS INTEGER) AS ok
           FROM latency GROUP BY provider ORDER BY provider`,
        ),
        [
          { provider: 'Cerebras', attempts: 1, ok: 1 },
          { provider: 'Chutes', attempts: 1, ok: 0 },
          { provider: 'DeepInfra', attempts: 2, ok: 2 },
          { provider: 'Fireworks', attempts: 1, ok: 0 },
          { provider: 'Groq', attempts: 1, ok: 0 },
          { provider: 'Novita', attempts: 1, ok: 1 },
          { provider: 'SiliconFlow', attempts: 1, ok: 0 },
          { provider: 'Together', attempts: 2, ok: 0 },
        ],
      );
    });
  });

  test('cached prompt tokens, tool calls, and a fallback to another model', async () => {
    await withIngest(PRESET, [file], async (s) => {
      const r = await requestRow(s, G3);
      // not streamed, finish_reason tool_calls; native_tokens_cached 1024 of 3000
      assert.deepEqual([r.features, r.input_tokens, r.cached_tokens, r.output_tokens], ['tools', 3000, 1024, 1000]);
      assert.deepEqual(
        await rows(
          s,
          "SELECT provider, model, ok, tps FROM latency WHERE ts = '2025-10-01 00:02:00' ORDER BY provider",
        ),
        [
          // permaslug moonshotai/kimi-k2-thinking-20251106: the generation's model, dated
          { provider: 'Novita', model: 'moonshotai/kimi-k2-thinking', ok: true, tps: 200 }, // 1000 / ((5900 − 900) / 1000)
          // permaslug moonshotai/kimi-k2-0905: another model, tried first
          { provider: 'Together', model: 'moonshotai/kimi-k2-0905', ok: false, tps: null },
        ],
      );
    });
  });

  test('every attempt failed: an error request on the last provider tried, with zero tokens', async () => {
    await withIngest(PRESET, [file], async (s) => {
      const r = await requestRow(s, G5);
      // attempts: Chutes 500, then SiliconFlow 408 (timeout); no provider_name, no usage
      assert.deepEqual(
        [r.provider, r.status, r.error_type, r.input_tokens, r.output_tokens, r.ttft_ms, r.latency_ms],
        ['SiliconFlow', 'error', 'timeout', 0, 0, null, null],
      );
    });
  });

  test('a generation without provider_responses is a request without attempts', async () => {
    await withIngest(PRESET, [file], async (s) => {
      const r = await requestRow(s, 'gen-1759276980-Ld8fS3gXv6QaWe1rT9yH');
      assert.deepEqual([r.provider, r.cached_tokens, r.ttft_ms, r.latency_ms], ['Groq', null, 700, 2100]);
      const [n] = await rows(s, "SELECT count(*) AS n FROM latency WHERE ts = '2025-10-01 00:03:00'");
      assert.equal(n.n, 0);
    });
  });

  describe('every layout the records come in gives the same rows', () => {
    const dir = tmpDir();
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    const records = lines.map((l) => (JSON.parse(l) as { data: unknown }).data);
    const layouts: Record<string, string> = {
      'array.json': JSON.stringify(records),
      'plain.jsonl': records.map((r) => JSON.stringify(r)).join('\n'),
      'wrapped-list.json': JSON.stringify({ data: records }),
    };
    let expected: { requests: unknown[]; latency: unknown[] };
    before(async () => {
      for (const [name, body] of Object.entries(layouts)) writeFileSync(path.join(dir, name), body);
      expected = await withIngest(PRESET, [file], async (s) => ({
        requests: await rows(s, ALL_REQUESTS),
        latency: await rows(s, ALL_LATENCY),
      }));
      assert.equal(expected.requests.length, 7);
      assert.equal(expected.latency.length, 10);
    });
    for (const name of Object.keys(layouts)) {
      test(name, async () => {
        await withIngest(PRESET, [path.join(dir, name)], async (s, c) => {
          assert.deepEqual(
            c.map((x) => [x.kind, x.read, x.accepted, x.rejected]),
            [
              ['requests', 8, 7, 1],
              ['latency', 11, 10, 1],
            ],
          );
          assert.deepEqual({ requests: await rows(s, ALL_REQUESTS), latency: await rows(s, ALL_LATENCY) }, expected);
        });
      });
    }
  });

  test("OpenRouter's Google is Vertex AI: stored as Google Vertex, in requests and attempts; Google AI Studio as written", async () => {
    // OpenRouter names Vertex AI 'Google' and the Gemini API 'Google AI Studio'; every other source means the
    // Gemini API by 'google', so only the exact name 'Google' (trimmed) is renamed.
    const gen = (id: string, minute: number, provider: string | null, attempts: [string, number][]) =>
      JSON.stringify({
        id,
        created_at: `2025-10-02T00:0${minute}:00Z`,
        model: 'google/gemini-2.5-flash',
        provider_name: provider,
        native_tokens_prompt: 100,
        native_tokens_completion: 10,
        provider_responses: attempts.map(([name, status]) => ({ provider_name: name, status, latency: 500 })),
      });
    const google = path.join(tmpDir(), 'google.jsonl');
    writeFileSync(
      google,
      [
        // a 429 from Vertex, then served by AI Studio (the README's real case)
        gen('g-studio', 0, 'Google AI Studio', [
          ['Google', 429],
          ['Google AI Studio', 200],
        ]),
        gen('g-vertex', 1, 'Google ', [['Google', 200]]),
        // every attempt failed: the request's provider is the last attempt's
        gen('g-failed', 2, null, [[' Google', 500]]),
      ].join('\n'),
    );
    await withIngest(PRESET, [google], async (s) => {
      assert.deepEqual(await rows(s, 'SELECT request_id, provider FROM requests ORDER BY ts'), [
        { request_id: 'g-studio', provider: 'Google AI Studio' },
        { request_id: 'g-vertex', provider: 'Google Vertex' },
        { request_id: 'g-failed', provider: 'Google Vertex' },
      ]);
      assert.deepEqual(await rows(s, 'SELECT provider, ok FROM latency ORDER BY ts, ok'), [
        { provider: 'Google Vertex', ok: false },
        { provider: 'Google AI Studio', ok: true },
        { provider: 'Google Vertex', ok: true },
        { provider: 'Google Vertex', ok: false },
      ]);
    });
  });

  test('idempotent: ingesting the file twice adds nothing to either table', async () => {
    await assertIdempotent(PRESET, file);
  });

  test('records of another kind are refused, naming the file', async () => {
    const other = path.join(tmpDir(), 'other.jsonl');
    writeFileSync(other, '{"object": "chat.completion", "model": "m"}\n');
    await assert.rejects(
      withIngest(PRESET, [other], async () => undefined),
      (e: Error) => e instanceof InputError && /other\.jsonl: not OpenRouter generation records/.test(e.message),
    );
  });

  test('CLI: ai-ping ingest --preset openrouter-generations --format json', async () => {
    const r = ingestCli(file, PRESET);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      r.files.map((f) => [path.basename(f.file), f.kind, f.read, f.accepted, f.duplicates, f.rejected]),
      [
        ['generations.jsonl', 'requests', 8, 7, 0, 1],
        ['generations.jsonl', 'latency', 11, 10, 0, 1],
      ],
    );
    const [n] = await query<{ requests: number; latency: number }>(
      r.db,
      'SELECT (SELECT count(*) FROM requests) AS requests, (SELECT count(*) FROM latency) AS latency',
    );
    assert.deepEqual(n, { requests: 7, latency: 10 });
  });
});
