import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../../src/errors.js';
import { fixtures, query, tmpDir } from '../helpers.js';
import type { Store } from '../../src/store/db.js';
import { assertIdempotent, ingestCli, rejects, rows, withIngest } from './gateway-helpers.js';

const PRESET = 'openrouter-generations';
// GET /api/v1/generation responses ({"data": …}), one per line; see the README beside it.
const file = path.join(fixtures, 'presets', PRESET, 'generations.jsonl');
const G1 = 'gen-1759276800-Qm3kR8vTzL1pXa9bC2dE';
const G2 = 'gen-1759276860-Wn7hJ2sKq4LmZx8vB1cF';
const G3 = 'gen-1759276920-Tp5gH9dRw2NbYc6xA3eG';
const G5 = 'gen-1759277040-Zc2vN7bMx5KsPq4wE8uJ';
const CANCELLED = 'gen-1759277280-Cn5vR2kWq8TzLp3xYb6N';
const BYOK = 'gen-1759277340-By7kQ4mWs1VxRt9zLc2P';
const NOVITA = 'gen-1759277400-Lt3hV8nPq5WcZx2mKd7R';

const ALL_REQUESTS = 'SELECT * EXCLUDE (ingest_id) FROM requests ORDER BY request_id';
const ALL_LATENCY = 'SELECT * EXCLUDE (ingest_id, row_key) FROM latency ORDER BY ts, provider, model';

// The canonical columns of a request (SPEC "Canonical input tables" and cache writes).
const REQUEST_COLUMNS = `request_id, ts, model, provider, task, app, input_tokens, output_tokens, cached_tokens,
  cache_write_tokens, ttft_ms, latency_ms, status, error_type, features, cost, currency`;

async function request(s: Store, id: string): Promise<Record<string, unknown>> {
  const [r] = await rows(s, `SELECT ${REQUEST_COLUMNS} FROM requests WHERE request_id = $1`, [id]);
  assert.ok(r, `request ${id} is stored`);
  return r;
}

describe('openrouter-generations preset', () => {
  test('one file, two tables: 11 generations (10 accepted) and 14 provider attempts (13 accepted)', async () => {
    await withIngest(PRESET, [file], async (s, c) => {
      assert.deepEqual(c, [
        { kind: 'requests', read: 11, accepted: 10, duplicates: 0, rejected: 1 },
        { kind: 'latency', read: 14, accepted: 13, duplicates: 0, rejected: 1 },
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
      assert.deepEqual(await request(s, G1), {
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
      const r = await request(s, G2);
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
      // Hand-counted from provider_responses: Together 429 + 503, Fireworks 502, Chutes 500, SiliconFlow 408, Groq 429;
      // DeepInfra and Novita served every attempt they got (lines 1, 2, 9, 10 and 3, 11).
      assert.deepEqual(
        await rows(
          s,
          `SELECT provider, CAST(count(*) AS INTEGER) AS attempts, CAST(count(*) FILTER (WHERE ok) AS INTEGER) AS ok
           FROM latency GROUP BY provider ORDER BY provider`,
        ),
        [
          { provider: 'Cerebras', attempts: 1, ok: 1 },
          { provider: 'Chutes', attempts: 1, ok: 0 },
          { provider: 'DeepInfra', attempts: 4, ok: 4 },
          { provider: 'Fireworks', attempts: 1, ok: 0 },
          { provider: 'Groq', attempts: 1, ok: 0 },
          { provider: 'Novita', attempts: 2, ok: 2 },
          { provider: 'SiliconFlow', attempts: 1, ok: 0 },
          { provider: 'Together', attempts: 2, ok: 0 },
        ],
      );
    });
  });

  test('cached prompt tokens, tool calls, and a fallback to another model', async () => {
    await withIngest(PRESET, [file], async (s) => {
      const r = await request(s, G3);
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
      const r = await request(s, G5);
      // attempts: Chutes 500, then SiliconFlow 408 (timeout); no provider_name, no usage
      assert.deepEqual(
        [r.provider, r.status, r.error_type, r.input_tokens, r.output_tokens, r.ttft_ms, r.latency_ms],
        ['SiliconFlow', 'error', 'timeout', 0, 0, null, null],
      );
    });
  });

  test('a generation without provider_responses is a request without attempts', async () => {
    await withIngest(PRESET, [file], async (s) => {
      const r = await request(s, 'gen-1759276980-Ld8fS3gXv6QaWe1rT9yH');
      assert.deepEqual([r.provider, r.cached_tokens, r.ttft_ms, r.latency_ms], ['Groq', null, 700, 2100]);
      const [n] = await rows(s, "SELECT count(*) AS n FROM latency WHERE ts = '2025-10-01 00:03:00'");
      assert.equal(n.n, 0);
    });
  });

  test('a cancelled generation is an error of type cancelled, its billed tokens and cost kept', async () => {
    await withIngest(PRESET, [file], async (s) => {
      // line 9: cancelled true, finish_reason null, its one attempt answered 200
      assert.deepEqual(await request(s, CANCELLED), {
        request_id: CANCELLED,
        ts: '2025-10-01T00:08:00.000Z',
        model: 'meta-llama/llama-4-scout-17b-16e-instruct',
        provider: 'DeepInfra',
        task: null,
        app: null,
        input_tokens: 64, // native_tokens_prompt
        output_tokens: 98, // native_tokens_completion, generated before the abort
        cached_tokens: 0,
        cache_write_tokens: null,
        ttft_ms: 1016, // latency
        latency_ms: 2940, // generation_time, until the abort
        status: 'error', // cancelled: true
        error_type: 'cancelled',
        features: 'stream',
        cost: 0.00003452, // total_cost: billed all the same
        currency: 'USD',
      });
      // The provider did not fail: its attempt stays ok.
      assert.deepEqual(await rows(s, "SELECT provider, ok, error_type FROM latency WHERE ts = '2025-10-01 00:08:00'"), [
        { provider: 'DeepInfra', ok: true, error_type: null },
      ]);
    });
  });

  test("a BYOK generation costs what the provider charged, not OpenRouter's fee", async () => {
    await withIngest(PRESET, [file], async (s) => {
      // line 10: is_byok true, upstream_inference_cost 0.000726, total_cost 0.0000363 (5% fee)
      const r = await request(s, BYOK);
      assert.deepEqual([r.provider, r.status, r.cost, r.currency], ['DeepInfra', 'ok', 0.000726, 'USD']);
    });
  });

  test('a BYOK generation without upstream_inference_cost has no cost, not the fee', async () => {
    const one = path.join(tmpDir(), 'byok.jsonl');
    writeFileSync(
      one,
      JSON.stringify({
        id: 'g-byok',
        created_at: '2025-10-02T00:00:00Z',
        model: 'deepseek/deepseek-v3.2',
        provider_name: 'DeepInfra',
        native_tokens_prompt: 100,
        native_tokens_completion: 10,
        total_cost: 0.000002,
        upstream_inference_cost: null,
        is_byok: true,
      }) + '\n',
    );
    await withIngest(PRESET, [one], async (s) => {
      assert.equal((await request(s, 'g-byok')).cost, null);
    });
  });

  test('the request and its serving attempt share TTFT, latency and TPS: the generation latency is the TTFT', async () => {
    await withIngest(PRESET, [file], async (s) => {
      // line 11: generation latency 10941, its one attempt's latency 9155 (first response, not first token),
      // generation_time 12615, 52 native completion tokens, 1600 of 88813 prompt tokens read from the cache
      assert.deepEqual(await request(s, NOVITA), {
        request_id: NOVITA,
        ts: '2025-10-01T00:10:00.000Z',
        model: 'deepseek/deepseek-chat-v3-0324',
        provider: 'Novita',
        task: null,
        app: null,
        input_tokens: 88813, // native_tokens_prompt, the cached ones included
        output_tokens: 52,
        cached_tokens: 1600, // native_tokens_cached: cache reads
        cache_write_tokens: null, // the generation record has no cache-write count
        ttft_ms: 10941,
        latency_ms: 12615,
        status: 'ok',
        error_type: null,
        features: 'stream,tools',
        cost: 0.02382175, // total_cost, net of the 0.000216 cache discount
        currency: 'USD',
      });
      const [attempt] = await rows(
        s,
        "SELECT provider, ok, ttft_ms, latency_ms, tps FROM latency WHERE ts = '2025-10-01 00:10:00'",
      );
      assert.deepEqual(attempt, { provider: 'Novita', ok: true, ttft_ms: 10941, latency_ms: 12615, tps: 52 / 1.674 });
      // Every served request agrees with its 2xx attempt, TPS computed from the request as the spec defines it.
      const pairs = await rows(
        s,
        `SELECT r.request_id, r.ttft_ms AS r_ttft, l.ttft_ms AS l_ttft, r.latency_ms AS r_latency, l.latency_ms AS l_latency,
           r.output_tokens / ((r.latency_ms - r.ttft_ms) / 1000.0) AS r_tps, l.tps AS l_tps
         FROM requests r JOIN latency l ON l.ts = r.ts AND l.provider = r.provider AND l.ok
         ORDER BY r.request_id`,
      );
      assert.equal(pairs.length, 7);
      for (const p of pairs) {
        assert.equal(p.l_ttft, p.r_ttft, `${p.request_id}: TTFT`);
        assert.equal(p.l_latency, p.r_latency, `${p.request_id}: latency`);
        assert.ok(Math.abs((p.l_tps as number) - (p.r_tps as number)) < 1e-9, `${p.request_id}: TPS`);
      }
    });
  });

  test('session: the session_id; user: the external_user; each only its own field', async () => {
    await withIngest(PRESET, [file], async (s) => {
      assert.deepEqual(
        await rows(
          s,
          'SELECT request_id, session, user FROM requests WHERE session IS NOT NULL OR user IS NOT NULL ORDER BY ts',
        ),
        [
          { request_id: G1, session: 'conv-7f2a', user: null }, // session_id
          { request_id: G2, session: 'conv-7f2a', user: null }, // session_id: the next turn
          { request_id: G3, session: 'agent-run-9', user: 'user-123' }, // session_id and external_user
          { request_id: BYOK, session: null, user: 'user-123' }, // no session_id: no session, external_user
        ],
      );
      // The other six accepted generations have neither.
      assert.deepEqual(await rows(s, 'SELECT count(*) AS n FROM requests WHERE session IS NULL AND user IS NULL'), [
        { n: 6 },
      ]);
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
      assert.equal(expected.requests.length, 10);
      assert.equal(expected.latency.length, 13);
    });
    for (const name of Object.keys(layouts)) {
      test(name, async () => {
        await withIngest(PRESET, [path.join(dir, name)], async (s, c) => {
          assert.deepEqual(
            c.map((x) => [x.kind, x.read, x.accepted, x.rejected]),
            [
              ['requests', 11, 10, 1],
              ['latency', 14, 13, 1],
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
        ['generations.jsonl', 'requests', 11, 10, 0, 1],
        ['generations.jsonl', 'latency', 14, 13, 0, 1],
      ],
    );
    const [n] = await query<{ requests: number; latency: number }>(
      r.db,
      'SELECT (SELECT count(*) FROM requests) AS requests, (SELECT count(*) FROM latency) AS latency',
    );
    assert.deepEqual(n, { requests: 10, latency: 13 });
  });
});
