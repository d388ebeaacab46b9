import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../../src/errors.js';
import { fixtures, query, runCli, tmpDir } from '../helpers.js';
import {
  assertIdempotent,
  ingestCli,
  ingestWarnings,
  rejects,
  requestRow,
  rows,
  withIngest,
} from './gateway-helpers.js';

const PRESET = 'langfuse';
// A blob-storage export of observations (observations_v2), as JSONL and as CSV; see the README beside them.
const jsonl = path.join(fixtures, 'presets', PRESET, 'observations.jsonl');
const csv = path.join(fixtures, 'presets', PRESET, 'observations.csv');
// Pages of the public API: GET /api/public/observations (v1) and /api/public/v2/observations.
const apiV1 = path.join(fixtures, 'presets', PRESET, 'api-observations-v1.json');
const apiV2 = path.join(fixtures, 'presets', PRESET, 'api-observations-v2.json');
const ALL = 'SELECT * EXCLUDE (ingest_id) FROM requests ORDER BY request_id';

describe('langfuse preset', () => {
  test('only generations are read: 11 of 14 observations; 9 accepted, 2 rejected with their reasons', async () => {
    await withIngest(PRESET, [jsonl], async (s, c) => {
      assert.deepEqual(c, [{ kind: 'requests', read: 11, accepted: 9, duplicates: 0, rejected: 2 }]);
      assert.deepEqual(await rejects(s), [
        // line 6: metadata names no provider
        { kind: 'requests', row: 6, field: 'provider', reason: 'provider: missing required value' },
        // line 8: a generation logged without usage
        {
          kind: 'requests',
          row: 8,
          field: 'input_tokens',
          reason: 'input_tokens: missing required value; output_tokens: missing required value',
        },
      ]);
    });
  });

  test('a streamed generation, every canonical value from its observation', async () => {
    await withIngest(PRESET, [jsonl], async (s) => {
      assert.deepEqual(await requestRow(s, 'gen-0001'), {
        request_id: 'gen-0001', // id
        ts: '2025-10-01T00:00:00.000Z', // start_time 2025-10-01 00:00:00.000000 (UTC)
        model: 'Qwen/Qwen3-32B', // provided_model_name
        provider: 'siliconflow', // metadata.provider
        task: null,
        app: null,
        session: 'sess-7', // session_id (the trace's session)
        user: 'user-4821', // user_id (the trace's user)
        input_tokens: 1500, // usage_details.input
        output_tokens: 420, // usage_details.output
        cached_tokens: null, // no cached usage type
        cache_write_tokens: null,
        ttft_ms: 1250, // completion_start_time 00:00:01.250000 − start_time 00:00:00.000000 = 1250 ms
        latency_ms: 5000, // end_time 00:00:05.000000 − start_time = 5000 ms
        status: 'ok', // level DEFAULT
        error_type: null,
        features: null,
        cost: 0.000552, // total_cost, USD
        currency: 'USD',
      });
    });
  });

  test('usage types: cached and cache-read prompt tokens add to input, reasoning tokens to output', async () => {
    await withIngest(PRESET, [jsonl], async (s) => {
      assert.deepEqual(
        await rows(
          s,
          "SELECT request_id, provider, input_tokens, cached_tokens, cache_write_tokens, output_tokens, ttft_ms, latency_ms, cost FROM requests WHERE request_id IN ('gen-0002', 'gen-0004', 'gen-0007') ORDER BY request_id",
        ),
        [
          // input 700 + input_cached_tokens 1300; no completion_start_time: no TTFT; provider from gen_ai.system
          {
            request_id: 'gen-0002',
            provider: 'deepseek',
            input_tokens: 2000,
            cached_tokens: 1300,
            cache_write_tokens: null,
            output_tokens: 210,
            ttft_ms: null,
            latency_ms: 3400,
            cost: 0.000412,
          },
          // output 300 + output_reasoning_tokens 1200; provider from ls_provider
          {
            request_id: 'gen-0004',
            provider: 'fireworks',
            input_tokens: 900,
            cached_tokens: null,
            cache_write_tokens: null,
            output_tokens: 1500,
            ttft_ms: 4000,
            latency_ms: 10500,
            cost: 0.003,
          },
          // input 50 + input_cache_read 3000 + input_cache_creation 500 (a cache write); total_cost null: cost_details.total
          {
            request_id: 'gen-0007',
            provider: 'groq',
            input_tokens: 3550,
            cached_tokens: 3000,
            cache_write_tokens: 500,
            output_tokens: 120,
            ttft_ms: 420,
            latency_ms: 1620,
            cost: 0.00155,
          },
        ],
      );
    });
  });

  test('Anthropic-style usage (input_tokens without the cache): cache reads and writes add to input', async () => {
    await withIngest(PRESET, [jsonl], async (s) => {
      const r = await requestRow(s, 'gen-0011');
      // input_tokens 40 + cache_read_input_tokens 3000 + cache_creation_input_tokens 2000 = 5040; output_tokens 300
      assert.deepEqual(
        [r.input_tokens, r.cached_tokens, r.cache_write_tokens, r.output_tokens],
        [5040, 3000, 2000, 300],
      );
    });
  });

  test('OpenTelemetry spans: provider keys and the base URL are found inside metadata.attributes', async () => {
    await withIngest(PRESET, [jsonl], async (s) => {
      assert.deepEqual(
        await rows(
          s,
          "SELECT request_id, provider, input_tokens, cached_tokens, output_tokens FROM requests WHERE request_id IN ('gen-0008', 'gen-0009') ORDER BY request_id",
        ),
        [
          // OpenLLMetry's OpenAI instrumentation under LangChain: gen_ai.system 'openai' names the client;
          // gen_ai.openai.api_base 'https://api.deepinfra.com/v1/openai/' names the host that served it
          {
            request_id: 'gen-0008',
            provider: 'api.deepinfra.com',
            input_tokens: 1800,
            cached_tokens: null,
            output_tokens: 350,
          },
          // pydantic-ai: gen_ai.provider.name 'deepseek'; input 300 + input_cached_tokens 1700, output 420 + output_reasoning_tokens 1650
          {
            request_id: 'gen-0009',
            provider: 'deepseek',
            input_tokens: 2000,
            cached_tokens: 1700,
            output_tokens: 2070,
          },
        ],
      );
    });
  });

  test("LangChain's ChatOpenAI: the host of a recorded base URL, else 'openai' with a warning", async () => {
    await withIngest(PRESET, [jsonl], async (s) => {
      // metadata.base_url 'https://api.moonshot.ai/anthropic'
      assert.equal((await requestRow(s, 'gen-0011')).provider, 'api.moonshot.ai');
      // Langfuse's LangChain handler records ls_provider 'openai' and no base URL
      assert.equal((await requestRow(s, 'gen-0010')).provider, 'openai');
    });
    const [warnings] = await ingestWarnings(PRESET, [jsonl]);
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0],
      /^1 generation\(s\) take provider 'openai' from gen_ai\.system, gen_ai\.provider\.name or ls_provider, which name the client library: .*--set provider=NAME/,
    );
    assert.deepEqual(await ingestWarnings(PRESET, [jsonl], { provider: 'deepinfra' }), [[]]);
  });

  test('level ERROR is a failed request typed from its status message, with zero tokens', async () => {
    await withIngest(PRESET, [jsonl], async (s) => {
      const r = await requestRow(s, 'gen-0003');
      // status_message "Error code: 429 - {'error': {'message': 'Rate limit reached for requests', …}}"
      assert.deepEqual(
        [r.status, r.error_type, r.input_tokens, r.output_tokens, r.ttft_ms, r.latency_ms],
        ['error', 'rate_limit', 0, 0, null, 250],
      );
    });
  });

  test('the CSV export (JSON-encoded objects) gives the same requests as JSONL', async () => {
    const fromJsonl = await withIngest(PRESET, [jsonl], (s) => rows(s, ALL));
    const fromCsv = await withIngest(PRESET, [csv], async (s, c) => {
      assert.deepEqual(c, [{ kind: 'requests', read: 11, accepted: 9, duplicates: 0, rejected: 2 }]);
      return rows(s, ALL);
    });
    assert.equal(fromJsonl.length, 9);
    assert.deepEqual(fromCsv, fromJsonl);
  });

  test('--set provider fills every row; --set provider_key reads another metadata key', async () => {
    await withIngest(
      PRESET,
      [jsonl],
      async (s, c) => {
        assert.deepEqual(c, [{ kind: 'requests', read: 11, accepted: 10, duplicates: 0, rejected: 1 }]);
        assert.deepEqual(await rows(s, 'SELECT DISTINCT provider FROM requests'), [{ provider: 'novita' }]);
      },
      { provider: 'novita' },
    );
    await withIngest(
      PRESET,
      [jsonl],
      async (s, c) => {
        assert.deepEqual(c, [{ kind: 'requests', read: 11, accepted: 10, duplicates: 0, rejected: 1 }]);
        // gen-0005 has metadata {"team": "search"}; the others fall back to the documented keys
        assert.equal((await requestRow(s, 'gen-0005')).provider, 'search');
        assert.equal((await requestRow(s, 'gen-0001')).provider, 'siliconflow');
      },
      { provider_key: 'team' },
    );
  });

  test('--set provider_key naming an object is refused: a provider is never a JSON blob', async () => {
    await assert.rejects(
      withIngest(PRESET, [jsonl], async () => undefined, { provider_key: 'attributes' }),
      (e: Error) =>
        e instanceof InputError &&
        /observations\.jsonl: metadata key 'attributes' holds an object, not a provider name, in 2 generation\(s\); pass --set provider_key=KEY with a key inside it/.test(
          e.message,
        ),
    );
  });

  test('public API pages ({data, meta}) of GET /api/public/observations, v1 and v2', async () => {
    const api =
      'SELECT request_id, model, provider, input_tokens, cached_tokens, output_tokens, ttft_ms, latency_ms, status, error_type, cost FROM requests ORDER BY request_id';
    await withIngest(PRESET, [apiV1], async (s, c) => {
      assert.deepEqual(c, [{ kind: 'requests', read: 2, accepted: 2, duplicates: 0, rejected: 0 }]);
      assert.deepEqual(await rows(s, api), [
        // model; metadata.attributes (an object: the API parses metadata values) gen_ai.provider.name;
        // usageDetails input 500 + input_cached_tokens 1500; calculatedTotalCost
        {
          request_id: 'api-gen-0001',
          model: 'accounts/fireworks/models/deepseek-v3p1',
          provider: 'fireworks',
          input_tokens: 2000,
          cached_tokens: 1500,
          output_tokens: 200,
          ttft_ms: 800,
          latency_ms: 3500,
          status: 'ok',
          error_type: null,
          cost: 0.001036,
        },
        // level ERROR, "Error code: 503 - …", usageDetails {}
        {
          request_id: 'api-gen-0002',
          model: 'deepseek-ai/DeepSeek-V3.1',
          provider: 'together',
          input_tokens: 0,
          cached_tokens: null,
          output_tokens: 0,
          ttft_ms: null,
          latency_ms: 400,
          status: 'error',
          error_type: 'server',
          cost: null,
        },
      ]);
    });
    await withIngest(PRESET, [apiV2], async (s, c) => {
      assert.deepEqual(c, [{ kind: 'requests', read: 1, accepted: 1, duplicates: 0, rejected: 0 }]);
      assert.deepEqual(await rows(s, api), [
        // providedModelName; metadata.attributes (a JSON string) server.address; totalCost
        {
          request_id: 'api-gen-0003',
          model: 'Qwen/Qwen3-32B',
          provider: 'api.deepinfra.com',
          input_tokens: 1000,
          cached_tokens: null,
          output_tokens: 300,
          ttft_ms: 700,
          latency_ms: 2500,
          status: 'ok',
          error_type: null,
          cost: 0.00019,
        },
      ]);
    });
  });

  test("session: the trace's session id, else the trace id", async () => {
    const sessions = 'SELECT request_id, session FROM requests ORDER BY request_id';
    // The enriched export (observations_v2): every line has session_id sess-7.
    await withIngest(PRESET, [jsonl], async (s) => {
      assert.deepEqual(await rows(s, 'SELECT DISTINCT session FROM requests'), [{ session: 'sess-7' }]);
    });
    // v1 API: no sessionId, so the traceId.
    await withIngest(PRESET, [apiV1], async (s) => {
      assert.deepEqual(await rows(s, sessions), [
        { request_id: 'api-gen-0001', session: 'a41c7e0f5b2d4c8e9f10213243546576' },
        { request_id: 'api-gen-0002', session: 'a41c7e0f5b2d4c8e9f10213243546576' },
      ]);
    });
    // v2 API: sessionId.
    await withIngest(PRESET, [apiV2], async (s) => {
      assert.deepEqual(await rows(s, sessions), [{ request_id: 'api-gen-0003', session: 'sess-9' }]);
    });
    // The legacy observations/ export has no trace fields: the trace_id.
    const legacy = path.join(tmpDir(), 'observations.jsonl');
    const lines = readFileSync(jsonl, 'utf8')
      .trim()
      .split('\n')
      .map((l) => {
        const { session_id: _session, user_id: _user, ...rest } = JSON.parse(l) as Record<string, unknown>;
        return rest;
      });
    writeFileSync(legacy, lines.map((o) => JSON.stringify(o)).join('\n'));
    await withIngest(PRESET, [legacy], async (s) => {
      assert.deepEqual(await rows(s, 'SELECT DISTINCT session FROM requests'), [
        { session: '7f3c1b2a9d8e4f60a1b2c3d4e5f60718' },
      ]);
    });
  });

  test("user: the trace's user id, where the layout carries it", async () => {
    const users = 'SELECT request_id, user FROM requests ORDER BY request_id';
    // The enriched export (observations_v2), as JSONL and as CSV: every line has user_id user-4821.
    for (const layout of [jsonl, csv]) {
      await withIngest(PRESET, [layout], async (s) => {
        assert.deepEqual(await rows(s, 'SELECT user, count(*) AS n FROM requests GROUP BY user'), [
          { user: 'user-4821', n: 9 },
        ]);
      });
    }
    // v2 API: userId.
    await withIngest(PRESET, [apiV2], async (s) => {
      assert.deepEqual(await rows(s, users), [{ request_id: 'api-gen-0003', user: 'user-4821' }]);
    });
    // v1 API: Langfuse leaves userId out.
    await withIngest(PRESET, [apiV1], async (s) => {
      assert.deepEqual(await rows(s, users), [
        { request_id: 'api-gen-0001', user: null },
        { request_id: 'api-gen-0002', user: null },
      ]);
    });
  });

  test('no provider anywhere and no --set provider: a clear error naming the file', async () => {
    const dir = tmpDir();
    const bare = path.join(dir, 'bare.jsonl');
    const lines = readFileSync(jsonl, 'utf8')
      .trim()
      .split('\n')
      .map((l) => ({ ...(JSON.parse(l) as object), metadata: {} }));
    writeFileSync(bare, lines.map((o) => JSON.stringify(o)).join('\n'));
    await assert.rejects(
      withIngest(PRESET, [bare], async () => undefined),
      (e: Error) =>
        e instanceof InputError &&
        /bare\.jsonl: Langfuse observations name no provider: none of the 11 generation\(s\) has a metadata key 'provider', 'base_url', 'api_base', 'openai_api_base', 'gen_ai\.openai\.api_base', 'server\.address', 'gen_ai\.provider\.name', 'gen_ai\.system', 'ls_provider' \(nor in metadata\.attributes\); pass --set provider=NAME/.test(
          e.message,
        ),
    );
    const r = runCli(['ingest', bare, '--preset', PRESET, '--db', path.join(dir, 'x.duckdb')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bare\.jsonl: Langfuse observations name no provider/);
    await withIngest(PRESET, [bare], async (_s, c) => assert.equal(c[0].accepted, 10), { provider: 'together' });
  });

  test('a file without observation types is refused, naming the file', async () => {
    const other = path.join(tmpDir(), 'traces.jsonl');
    writeFileSync(other, '{"id": "t1", "timestamp": "2025-10-01 00:00:00.000000", "name": "x"}\n');
    await assert.rejects(
      withIngest(PRESET, [other], async () => undefined),
      (e: Error) =>
        e instanceof InputError && /traces\.jsonl: not a Langfuse observations export: no field 'type'/.test(e.message),
    );
  });

  test('idempotent: ingesting the file twice adds nothing', async () => {
    await assertIdempotent(PRESET, jsonl);
  });

  test('CLI: ai-ping ingest --preset langfuse --format json (and --set provider_key is a known setting)', async () => {
    const r = ingestCli(csv, PRESET, ['--set', 'provider_key=team']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      r.files.map((f) => [path.basename(f.file), f.kind, f.read, f.accepted, f.duplicates, f.rejected]),
      [['observations.csv', 'requests', 11, 10, 0, 1]],
    );
    assert.match(r.stderr, /observations\.csv: row 8: input_tokens: missing required value/);
    const [n] = await query<{ n: number }>(r.db, "SELECT count(*) AS n FROM requests WHERE provider = 'search'");
    assert.equal(n.n, 1);
  });
});
