import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../../src/errors.js';
import { Store } from '../../src/store/db.js';
import { fixtures, query, tmpDir } from '../helpers.js';
import {
  assertIdempotent,
  ingestCli,
  ingestWarnings,
  rejects,
  requestRow,
  rows,
  withIngest,
} from './gateway-helpers.js';

const PRESET = 'litellm-spend-logs';
// A Postgres CSV export of LiteLLM_SpendLogs (columns as in BerriAI/litellm schema.prisma); see the README beside it.
const file = path.join(fixtures, 'presets', PRESET, 'spend-logs.csv');
// A page of the admin UI's GET /spend/logs/ui: {"data": [...], "total": n, ...}.
const uiPage = path.join(fixtures, 'presets', PRESET, 'spend-logs-ui.json');
const CACHE_HIT_WARNING =
  '1 LiteLLM response-cache hit(s) (cache_hit True) not stored: LiteLLM answered them from its own cache, so no provider served them and they cost nothing';
const id = (n: string) => `chatcmpl-3f1c2a7e-5b1d-4c7e-9a52-0c1f3e2d${n}`;
const failedId = (n: string) => `5b2e8c1d-6f0a-4d3b-8e7c-1a2b3c4d${n}`;

describe('litellm-spend-logs preset', () => {
  test('11 rows: the response-cache hit left out; of 10 read, 9 accepted, the request never routed to a provider rejected', async () => {
    await withIngest(PRESET, [file], async (s, c) => {
      assert.deepEqual(c, [{ kind: 'requests', read: 10, accepted: 9, duplicates: 0, rejected: 1 }]);
      // Row 8 is the call LiteLLM refused before routing (invalid model): custom_llm_provider is empty.
      assert.deepEqual(await rejects(s), [
        { kind: 'requests', row: 8, field: 'provider', reason: 'provider: missing required value' },
      ]);
    });
  });

  test('a streamed success, every canonical value from its row', async () => {
    await withIngest(PRESET, [file], async (s) => {
      assert.deepEqual(await requestRow(s, id('0001')), {
        request_id: id('0001'),
        ts: '2025-10-01T00:00:00.000Z', // startTime 2025-10-01 00:00:00 (timestamp(3) without zone: UTC)
        model: 'deepseek-v3.1', // model_group, not the deployment's together_ai/deepseek-ai/DeepSeek-V3.1
        provider: 'together_ai', // custom_llm_provider
        task: null,
        app: null,
        session: 'sess-01', // session_id
        user: 'cust-42', // end_user (the key has no owner: user is empty)
        input_tokens: 1200, // prompt_tokens
        output_tokens: 350, // completion_tokens
        cached_tokens: 0, // metadata.usage_object.prompt_tokens_details.cached_tokens
        cache_write_tokens: null,
        ttft_ms: 1250, // completionStartTime 00:00:01.25 − startTime 00:00:00 = 1250 ms
        latency_ms: 4750, // endTime 00:00:04.75 − startTime 00:00:00 = 4750 ms
        status: 'ok', // status 'success'
        error_type: null,
        features: null,
        cost: 0.000868, // spend
        currency: 'USD',
      });
    });
  });

  test('not streamed: completionStartTime = endTime gives no TTFT; cached tokens from the usage object', async () => {
    await withIngest(PRESET, [file], async (s) => {
      const r = await requestRow(s, id('0002'));
      assert.deepEqual(
        [r.model, r.provider, r.input_tokens, r.cached_tokens, r.ttft_ms, r.latency_ms],
        // 00:01:02.4 − 00:01:00 = 2400 ms end to end; prompt_tokens_details.cached_tokens = 512 of 2048.
        ['deepseek-v3.1', 'fireworks_ai', 2048, 512, null, 2400],
      );
    });
  });

  test('failures: error_type from error_information (class first, then HTTP code); no completionStartTime, no TTFT', async () => {
    await withIngest(PRESET, [file], async (s) => {
      const failed = await rows(
        s,
        `SELECT request_id, status, error_type, input_tokens, output_tokens, ttft_ms, latency_ms, cost FROM requests
         WHERE status = 'error' ORDER BY ts`,
      );
      assert.deepEqual(failed, [
        // RateLimitError, code 429; 00:02:00.18 − 00:02:00 = 180 ms
        {
          request_id: failedId('0003'),
          status: 'error',
          error_type: 'rate_limit',
          input_tokens: 0,
          output_tokens: 0,
          ttft_ms: null,
          latency_ms: 180,
          cost: 0,
        },
        // ServiceUnavailableError, code 503
        {
          request_id: failedId('0004'),
          status: 'error',
          error_type: 'server',
          input_tokens: 0,
          output_tokens: 0,
          ttft_ms: null,
          latency_ms: 1500,
          cost: 0,
        },
        // ContextWindowExceededError although its HTTP code is 400
        {
          request_id: failedId('0009'),
          status: 'error',
          error_type: 'context_length',
          input_tokens: 0,
          output_tokens: 0,
          ttft_ms: null,
          latency_ms: 300,
          cost: 0,
        },
      ]);
    });
  });

  test('retried through a fallback deployment: two requests of one model group on two providers', async () => {
    await withIngest(PRESET, [file], async (s) => {
      const pair = await rows(
        s,
        `SELECT model, provider, status, ttft_ms, latency_ms FROM requests WHERE request_id IN ($1, $2) ORDER BY ts`,
        [failedId('0004'), id('0005')],
      );
      assert.deepEqual(pair, [
        { model: 'qwen3-32b', provider: 'together_ai', status: 'error', ttft_ms: null, latency_ms: 1500 },
        // 00:03:02.02 − 00:03:01.52 = 500 ms; 00:03:05.02 − 00:03:01.52 = 3500 ms
        { model: 'qwen3-32b', provider: 'deepinfra', status: 'ok', ttft_ms: 500, latency_ms: 3500 },
      ]);
    });
  });

  test('session: the session_id column, shared by a client session and by the attempts of one call', async () => {
    await withIngest(PRESET, [file], async (s) => {
      assert.deepEqual(await rows(s, 'SELECT request_id, session FROM requests ORDER BY ts, request_id'), [
        // rows 1 and 2: the client sent litellm_session_id sess-01
        { request_id: id('0001'), session: 'sess-01' },
        { request_id: id('0002'), session: 'sess-01' },
        // row 3: no client session, the call's own trace id
        { request_id: failedId('0003'), session: 'c2a41f0e-8b7d-4e3a-9f10-5d6c7b8a9e01' },
        // rows 4 and 5: one call, retried on another deployment, keeps its trace id
        { request_id: failedId('0004'), session: '9e1b7c3a-2f4d-4a6b-8c0e-1d2f3a4b5c6d' },
        { request_id: id('0005'), session: '9e1b7c3a-2f4d-4a6b-8c0e-1d2f3a4b5c6d' },
        { request_id: id('0006'), session: 'b3f8e2d1-7c6a-4b5e-9d0f-2a1b3c4d5e6f' },
        // row 9: written before the column existed
        { request_id: id('0008'), session: null },
        { request_id: failedId('0009'), session: 'e5b0a4f3-9c8d-4e7f-b1c2-4d3e5f6a7b8c' },
        { request_id: id('0011'), session: 'f6c1b5a4-0d9e-4f8a-c2d3-5e4f6a7b8c9d' },
      ]);
    });
  });

  test("user: the end user the call was made for (end_user), else the key's owner (user)", async () => {
    const users = 'SELECT request_id, session, user FROM requests WHERE user IS NOT NULL ORDER BY ts';
    await withIngest(PRESET, [file], async (s) => {
      assert.deepEqual(await rows(s, users), [
        // rows 1 and 2: end_user cust-42, the request's `user`; the key has no owner
        { request_id: id('0001'), session: 'sess-01', user: 'cust-42' },
        { request_id: id('0002'), session: 'sess-01', user: 'cust-42' },
        // row 9, older: end_user cust-77 and no session
        { request_id: id('0008'), session: null, user: 'cust-77' },
      ]);
    });
    // The same log sent with a key that an internal user owns: the owner stands in where no end user is recorded.
    const owned = path.join(tmpDir(), 'spend-logs.csv');
    const s = await Store.open(':memory:', { init: false });
    try {
      await s.run(
        `COPY (SELECT * REPLACE ('u-dev-3' AS "user") FROM read_csv($file, all_varchar = true))
         TO '${owned.replaceAll("'", "''")}' (FORMAT csv, HEADER true)`,
        { file },
      );
    } finally {
      s.close();
    }
    await withIngest(PRESET, [owned], async (st) => {
      assert.deepEqual(await rows(st, 'SELECT user, count(*) AS n FROM requests GROUP BY user ORDER BY user'), [
        { user: 'cust-42', n: 2 },
        { user: 'cust-77', n: 1 },
        { user: 'u-dev-3', n: 6 },
      ]);
    });
  });

  test("a hit in LiteLLM's response cache is no provider request: not stored, counted in a warning", async () => {
    await withIngest(PRESET, [file], async (s) => {
      assert.deepEqual(await rows(s, "SELECT request_id FROM requests WHERE request_id LIKE '%_cache_hit%'"), []);
    });
    assert.deepEqual(await ingestWarnings(PRESET, [file]), [[CACHE_HIT_WARNING]]);
  });

  test('prompt-cache writes: cache_write_tokens from the usage object, part of prompt_tokens', async () => {
    await withIngest(PRESET, [file], async (s) => {
      const r = await requestRow(s, id('0011'));
      // Anthropic via LiteLLM: prompt_tokens 5040 = 40 fresh + cache_read_input_tokens 3000 + cache_creation_input_tokens 2000
      assert.deepEqual(
        [r.provider, r.input_tokens, r.cached_tokens, r.cache_write_tokens, r.output_tokens, r.ttft_ms],
        ['anthropic', 5040, 3000, 2000, 300, 1100],
      );
    });
  });

  test('model falls back to the deployment name without a model group; older rows keep status and usage in metadata', async () => {
    await withIngest(PRESET, [file], async (s) => {
      const direct = await requestRow(s, id('0006'));
      assert.deepEqual(
        [direct.model, direct.provider, direct.ttft_ms, direct.latency_ms],
        ['openai/gpt-oss-120b', 'groq', 210, 1010],
      );
      const old = await requestRow(s, id('0008'));
      // status column empty, metadata.status 'success'; additional_usage_values.prompt_tokens_details.cached_tokens = 256
      assert.deepEqual([old.status, old.cached_tokens, old.ttft_ms, old.latency_ms], ['ok', 256, 400, 2000]);
    });
  });

  test('totals over the accepted rows: spend and tokens add up as in the file', async () => {
    await withIngest(PRESET, [file], async (s) => {
      const [t] = await rows(
        s,
        'SELECT sum(cost) AS cost, sum(input_tokens) AS input, sum(output_tokens) AS output FROM requests',
      );
      // spend: 0.000868 + 0.0012 + 0.00032 + 0.00035 + 0.00016 + 0.01302 (failures cost 0; the cache hit is not stored)
      assert.ok(Math.abs((t.cost as number) - 0.015918) < 1e-12);
      assert.equal(t.input, 1200 + 2048 + 800 + 300 + 1000 + 5040);
      assert.equal(t.output, 350 + 120 + 400 + 500 + 200 + 300);
    });
  });

  test('the same log as JSON (metadata as an object, as /spend/logs returns it) gives the same requests', async () => {
    const json = path.join(tmpDir(), 'spend-logs.json');
    const s = await Store.open(':memory:', { init: false });
    try {
      await s.run(
        `COPY (SELECT * REPLACE (CAST(metadata AS JSON) AS metadata) FROM read_csv($file, all_varchar = true))
         TO '${json.replaceAll("'", "''")}' (FORMAT json, ARRAY true)`,
        { file },
      );
    } finally {
      s.close();
    }
    const all = 'SELECT * EXCLUDE (ingest_id) FROM requests ORDER BY request_id';
    const fromCsv = await withIngest(PRESET, [file], (st) => rows(st, all));
    const fromJson = await withIngest(PRESET, [json], (st) => rows(st, all));
    assert.equal(fromCsv.length, 9);
    assert.deepEqual(fromJson, fromCsv);
  });

  test("the admin UI's /spend/logs/ui page ({data, total}) gives the same requests", async () => {
    const ids = [id('0001'), id('0006'), id('0011')];
    const some = `SELECT * EXCLUDE (ingest_id) FROM requests WHERE request_id IN (${ids.map((i) => `'${i}'`).join(', ')}) ORDER BY request_id`;
    const fromCsv = await withIngest(PRESET, [file], (st) => rows(st, some));
    const fromUi = await withIngest(PRESET, [uiPage], async (st, c) => {
      // 4 records, one a response-cache hit
      assert.deepEqual(c, [{ kind: 'requests', read: 3, accepted: 3, duplicates: 0, rejected: 0 }]);
      return rows(st, some);
    });
    assert.equal(fromUi.length, 3);
    assert.deepEqual(fromUi, fromCsv);
    assert.deepEqual(await ingestWarnings(PRESET, [uiPage]), [[CACHE_HIT_WARNING]]);
  });

  test('idempotent: ingesting the file twice adds nothing', async () => {
    await assertIdempotent(PRESET, file);
  });

  test('a file that is not a spend-logs export is refused, naming the file', async () => {
    const other = path.join(tmpDir(), 'other.csv');
    writeFileSync(other, 'request_id,model,spend\nr1,m,0.1\n');
    await assert.rejects(
      withIngest(PRESET, [other], async () => undefined),
      (e: Error) =>
        e instanceof InputError &&
        /other\.csv: not a LiteLLM_SpendLogs export: no column 'startTime', 'endTime'/.test(e.message),
    );
  });

  test('CLI: ai-ping ingest --preset litellm-spend-logs --format json', async () => {
    const r = ingestCli(file, PRESET);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      r.files.map((f) => [path.basename(f.file), f.kind, f.read, f.accepted, f.duplicates, f.rejected]),
      [['spend-logs.csv', 'requests', 10, 9, 0, 1]],
    );
    assert.match(r.stderr, /spend-logs\.csv: row 8: provider: missing required value/);
    assert.ok(r.stderr.includes(`spend-logs.csv: ${CACHE_HIT_WARNING}`), r.stderr);
    const [n] = await query<{ n: number; usd: number }>(
      r.db,
      "SELECT count(*) AS n, count(*) FILTER (WHERE currency = 'USD') AS usd FROM requests",
    );
    assert.deepEqual(n, { n: 9, usd: 9 });
  });
});
