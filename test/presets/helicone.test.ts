import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../../src/errors.js';
import { fixtures, query, tmpDir } from '../helpers.js';
import { assertIdempotent, ingestCli, rejects, requestRow, rows, withIngest } from './gateway-helpers.js';

const PRESET = 'helicone';
// @helicone/export JSONL: the records of POST /v1/request/query-clickhouse; see the README beside it.
const file = path.join(fixtures, 'presets', PRESET, 'requests.jsonl');
const id = (n: string) => `9b2f4e10-1c3a-4d5e-8f70-${n.padStart(12, '0')}`;

describe('helicone preset', () => {
  test('10 records read: 9 accepted, the 200 without usage rejected', async () => {
    await withIngest(PRESET, [file], async (s, c) => {
      assert.deepEqual(c, [{ kind: 'requests', read: 10, accepted: 9, duplicates: 0, rejected: 1 }]);
      assert.deepEqual(await rejects(s), [
        {
          kind: 'requests',
          row: 6,
          field: 'input_tokens',
          reason: 'input_tokens: missing required value; output_tokens: missing required value',
        },
      ]);
    });
  });

  test('a streamed success, every canonical value from its record', async () => {
    await withIngest(PRESET, [file], async (s) => {
      assert.deepEqual(await requestRow(s, id('1')), {
        request_id: id('1'), // request_id
        ts: '2025-10-01T00:00:00.000Z', // request_created_at 2025-10-01 00:00:00.000 (UTC)
        model: 'deepseek-ai/DeepSeek-V3.1', // request_model
        provider: 'TOGETHER', // provider, as Helicone names it
        task: null,
        app: null,
        session: 'sess-7', // request_properties["Helicone-Session-Id"]
        user: 'user-4821', // request_user_id (the Helicone-User-Id header)
        input_tokens: 900, // prompt_tokens 900 + prompt_cache_read_tokens 0 + prompt_cache_write_tokens 0
        output_tokens: 260, // completion_tokens 260 + no reasoning_tokens
        cached_tokens: 0, // prompt_cache_read_tokens
        cache_write_tokens: 0, // prompt_cache_write_tokens
        ttft_ms: 410, // time_to_first_token (ms)
        latency_ms: 3200, // delay_ms (ClickHouse `latency`, ms) = 00:00:03.200 − 00:00:00.000
        status: 'ok', // response_status 200
        error_type: null,
        features: null,
        cost: 0.000602, // cost, USD
        currency: 'USD',
      });
    });
  });

  test('cache reads are prompt tokens on top of prompt_tokens', async () => {
    await withIngest(PRESET, [file], async (s) => {
      const r = await requestRow(s, id('2'));
      // Helicone prices prompt_tokens as fresh tokens and cache reads separately: 300 + 1700 = 2000.
      assert.deepEqual([r.provider, r.input_tokens, r.cached_tokens, r.output_tokens], ['DEEPINFRA', 2000, 1700, 420]);
    });
  });

  test('reasoning tokens are output tokens: Helicone keeps them apart from completion_tokens', async () => {
    await withIngest(PRESET, [file], async (s) => {
      const r = await requestRow(s, id('9'));
      // deepseek-reasoner: completion_tokens 420 + reasoning_tokens 1650 = 2070
      assert.deepEqual([r.model, r.input_tokens, r.output_tokens], ['deepseek-reasoner', 1200, 2070]);
    });
  });

  test('cache writes are prompt tokens on top of prompt_tokens, kept as cache_write_tokens', async () => {
    await withIngest(PRESET, [file], async (s) => {
      const r = await requestRow(s, id('10'));
      // prompt_tokens 40 (fresh) + prompt_cache_read_tokens 3000 + prompt_cache_write_tokens 2000 = 5040
      assert.deepEqual(
        [r.input_tokens, r.cached_tokens, r.cache_write_tokens, r.output_tokens],
        [5040, 3000, 2000, 300],
      );
    });
  });

  test('session: the Helicone-Session-Id property; none without the header', async () => {
    await withIngest(PRESET, [file], async (s) => {
      assert.deepEqual(await rows(s, 'SELECT right(request_id, 2) AS n, session FROM requests ORDER BY ts'), [
        ...['01', '02', '03', '04', '05', '07', '08'].map((n) => ({ n, session: 'sess-7' })),
        { n: '09', session: null }, // properties {"app": "support-bot"}
        { n: '10', session: 'agent-run-42' }, // with Helicone-Session-Name and -Path, not stored
      ]);
    });
  });

  test('user: the request_user_id, which Helicone fills from the Helicone-User-Id header', async () => {
    await withIngest(PRESET, [file], async (s) => {
      // every record of the fixture was sent with Helicone-User-Id user-4821
      assert.deepEqual(await rows(s, 'SELECT user, count(*) AS n FROM requests GROUP BY user'), [
        { user: 'user-4821', n: 9 },
      ]);
    });
  });

  test("the export tool's JSON (no --limit: the array ends with a trailing comma) gives the same requests", async () => {
    const json = path.join(fixtures, 'presets', PRESET, 'output.json');
    assert.match(readFileSync(json, 'utf8'), /\},\n\]\n$/);
    const some = `SELECT * EXCLUDE (ingest_id) FROM requests WHERE request_id IN ('${id('1')}', '${id('3')}', '${id('9')}') ORDER BY request_id`;
    const fromJsonl = await withIngest(PRESET, [file], (s) => rows(s, some));
    const fromJson = await withIngest(PRESET, [json], async (s, c) => {
      assert.deepEqual(c, [{ kind: 'requests', read: 3, accepted: 3, duplicates: 0, rejected: 0 }]);
      return rows(s, some);
    });
    assert.equal(fromJson.length, 3);
    assert.deepEqual(fromJson, fromJsonl);
  });

  test('failed requests: status from the HTTP code, zero tokens when none were logged', async () => {
    await withIngest(PRESET, [file], async (s) => {
      assert.deepEqual(
        await rows(
          s,
          "SELECT right(request_id, 1) AS n, error_type, input_tokens, output_tokens, ttft_ms, latency_ms FROM requests WHERE status = 'error' ORDER BY ts",
        ),
        [
          { n: '3', error_type: 'rate_limit', input_tokens: 0, output_tokens: 0, ttft_ms: null, latency_ms: 150 }, // 429
          { n: '4', error_type: 'server', input_tokens: 0, output_tokens: 0, ttft_ms: null, latency_ms: 900 }, // 500
          { n: '8', error_type: 'timeout', input_tokens: 0, output_tokens: 0, ttft_ms: null, latency_ms: 60000 }, // 504
        ],
      );
    });
  });

  test("served from Helicone's cache: tokens kept, the cache's times not; a missing TTFT stays missing", async () => {
    await withIngest(PRESET, [file], async (s) => {
      const hit = await requestRow(s, id('5'));
      // cache_reference_id points at request …0001; delay_ms 12 and time_to_first_token 8 are the cache's
      assert.deepEqual([hit.input_tokens, hit.output_tokens, hit.ttft_ms, hit.latency_ms], [900, 260, null, null]);
      const plain = await requestRow(s, id('7'));
      assert.deepEqual([plain.ttft_ms, plain.latency_ms, plain.status], [null, 4100, 'ok']);
    });
  });

  test("the export tool's CSV layout: no request_id, no provider, so --set provider fills it", async () => {
    const csv = path.join(tmpDir(), 'output.csv');
    writeFileSync(
      csv,
      [
        'response_id,response_created_at,response_status,request_created_at,request_body,request_properties,request_user_id,model,prompt_tokens,completion_tokens,latency,cost',
        '"c41e7a52-0b6d-4f3a-9e81-00000000000a","2025-10-02 08:00:02.000","200","2025-10-02 08:00:00.000","","{""Helicone-Session-Id"":""s-1"",""app"":""x""}","u1","Qwen/Qwen3-32B","100","40","2000","0.00005"',
        '"c41e7a52-0b6d-4f3a-9e81-00000000000b","2025-10-02 08:01:00.300","429","2025-10-02 08:01:00.000","","","u1","Qwen/Qwen3-32B","","","300","0"',
      ].join('\n'),
    );
    await withIngest(
      PRESET,
      [csv],
      async (s, c) => {
        assert.deepEqual(c, [{ kind: 'requests', read: 2, accepted: 2, duplicates: 0, rejected: 0 }]);
        assert.deepEqual(
          await rows(
            s,
            'SELECT request_id, provider, session, user, input_tokens, latency_ms, status, error_type FROM requests ORDER BY ts',
          ),
          [
            {
              request_id: 'c41e7a52-0b6d-4f3a-9e81-00000000000a',
              provider: 'deepinfra',
              session: 's-1', // request_properties as JSON text
              user: 'u1', // request_user_id
              input_tokens: 100,
              latency_ms: 2000,
              status: 'ok',
              error_type: null,
            },
            {
              request_id: 'c41e7a52-0b6d-4f3a-9e81-00000000000b',
              provider: 'deepinfra',
              session: null,
              user: 'u1',
              input_tokens: 0,
              latency_ms: 300,
              status: 'error',
              error_type: 'rate_limit',
            },
          ],
        );
      },
      { provider: 'deepinfra' },
    );
  });

  test('idempotent: ingesting the file twice adds nothing', async () => {
    await assertIdempotent(PRESET, file);
  });

  test('a file that is not a Helicone export is refused, naming the file', async () => {
    const other = path.join(tmpDir(), 'other.jsonl');
    writeFileSync(other, '{"id": "x", "model": "m"}\n');
    await assert.rejects(
      withIngest(PRESET, [other], async () => undefined),
      (e: Error) =>
        e instanceof InputError &&
        /other\.jsonl: not a Helicone export: no field 'request_created_at', 'response_status'/.test(e.message),
    );
  });

  test('CLI: ai-ping ingest --preset helicone --format json', async () => {
    const r = ingestCli(file, PRESET);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      r.files.map((f) => [path.basename(f.file), f.kind, f.read, f.accepted, f.duplicates, f.rejected]),
      [['requests.jsonl', 'requests', 10, 9, 0, 1]],
    );
    assert.match(r.stderr, /requests\.jsonl: row 6: input_tokens: missing required value/);
    const [t] = await query<{ cost: number }>(r.db, 'SELECT sum(cost) AS cost FROM requests');
    // 0.000602 + 0.00019 + 0 + 0 + 0.000602 + 0.00184 + 0 + 0.005193 + 0.01302
    assert.ok(Math.abs(t.cost - 0.021447) < 1e-12);
  });
});
