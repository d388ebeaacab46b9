import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { ingestFiles, type FileCounts } from '../../src/ingest/index.js';
import type { SkippedFile } from '../../src/ingest/sources.js';
import { structFields } from '../../src/ingest/validate.js';
import { Store } from '../../src/store/db.js';
import { readValue } from '../../src/store/schema.js';
import { fixtures, tmpDir, withMemory } from '../helpers.js';

const fx = (f: string) => path.join(fixtures, 'ingest', f);

/** The OpenAI-style usage object, mapped onto the canonical token columns. */
const USAGE_MAP = {
  input_tokens: 'usage.prompt_tokens',
  output_tokens: 'usage.completion_tokens',
  cached_tokens: 'usage.prompt_tokens_details.cached_tokens',
};

type Row = [string, string, string, string, number, number, number | null, string, string | null];

/** A request's status as the tool reads it: an empty one is stored empty and read as ok. */
const STATUS = `${readValue('requests', 'status', 'status')} AS status`;

/** Every stored request: id, ts, model, provider, input, output, cached, status, error_type. */
async function requests(s: Store): Promise<Row[]> {
  const rows = await s.all<Record<string, unknown>>(
    `SELECT request_id, ts, model, provider, input_tokens, output_tokens, cached_tokens, ${STATUS}, error_type
     FROM requests ORDER BY request_id`,
  );
  return rows.map((r) => [
    r.request_id as string,
    (r.ts as Date).toISOString(),
    r.model as string,
    r.provider as string,
    r.input_tokens as number,
    r.output_tokens as number,
    r.cached_tokens as number | null,
    r.status as string,
    r.error_type as string | null,
  ]);
}

async function rejects(s: Store): Promise<[number, string, string][]> {
  const rows = await s.all<{ row_number: number; field: string; reason: string }>(
    'SELECT row_number, field, reason FROM rejects ORDER BY row_number',
  );
  return rows.map((r) => [r.row_number, r.field, r.reason]);
}

function counts(c: FileCounts): number[] {
  assert.equal(c.read, c.accepted + c.duplicates + c.rejected, 'read = accepted + duplicates + rejected');
  return [c.read, c.accepted, c.duplicates, c.rejected];
}

describe('--map paths into nested fields', () => {
  test('an OpenAI-style JSONL log: usage.* read from the struct, status codes become status and error_type', async () => {
    await withMemory(async (s) => {
      const [c] = await ingestFiles(s, [fx('openai-nested.jsonl')], { map: { ts: 'created', ...USAGE_MAP } });
      assert.equal(c.kind, 'requests');
      assert.deepEqual(counts(c), [9, 6, 1, 2]);
      assert.deepEqual(await requests(s), [
        ['chatcmpl-001', '2025-12-01T10:00:00.000Z', 'deepseek-chat', 'deepseek', 1200, 80, 1024, 'ok', null],
        ['chatcmpl-002', '2025-12-01T10:01:00.000Z', 'deepseek-chat', 'deepseek', 600, 350, 0, 'ok', null],
        ['chatcmpl-003', '2025-12-01T10:02:00.000Z', 'qwen3-32b', 'provider-a', 300, 20, null, 'ok', null],
        ['chatcmpl-004', '2025-12-01T10:03:00.000Z', 'qwen3-32b', 'provider-a', 500, 0, null, 'error', 'rate_limit'],
        // a 400 whose error object says the context was too long
        [
          'chatcmpl-005',
          '2025-12-01T10:04:00.000Z',
          'qwen3-32b',
          'provider-b',
          40000,
          0,
          null,
          'error',
          'context_length',
        ],
        ['chatcmpl-008', '2025-12-01T10:07:00.000Z', 'deepseek-chat', 'deepseek', 900, 0, null, 'error', 'timeout'],
      ]);
      assert.deepEqual(await rejects(s), [
        [6, 'input_tokens', 'input_tokens: missing required value; output_tokens: missing required value'],
        [8, 'cached_tokens', 'cached_tokens: 200 exceeds input_tokens 100'],
      ]);
    });
  });

  test('without --kind the mapped paths count towards the table: a tie becomes requests', async () => {
    const f = path.join(tmpDir(), 'tie.jsonl');
    writeFileSync(
      f,
      '{"created": 1764583200, "model": "m", "provider": "p", "usage": {"prompt_tokens": 7, "completion_tokens": 3}}\n',
    );
    await withMemory(async (s) => {
      await assert.rejects(ingestFiles(s, [f]), /tie\.jsonl: columns fit both .* pass --kind/);
      const [c] = await ingestFiles(s, [f], {
        map: { ts: 'created', input_tokens: 'usage.prompt_tokens', output_tokens: 'usage.completion_tokens' },
      });
      assert.equal(c.kind, 'requests');
      assert.deepEqual(counts(c), [1, 1, 0, 0]);
      assert.deepEqual(
        (await requests(s)).map((r) => r.slice(1)),
        [['2025-12-01T10:00:00.000Z', 'm', 'p', 7, 3, null, 'ok', null]],
      );
    });
  });

  test('other tables too: prices from a nested pricing object, kind inferred', async () => {
    const f = path.join(tmpDir(), 'models.jsonl');
    writeFileSync(
      f,
      '{"id": "qwen/qwen3-32b", "created": 1745000000, "provider": "openrouter", "pricing": {"prompt": "0.1", "completion": "0.3"}}\n' +
        '{"id": "z-ai/glm-4.6", "created": 1745000000, "provider": "openrouter", "pricing": {"prompt": "0.6", "completion": "-1"}}\n',
    );
    await withMemory(async (s) => {
      const [c] = await ingestFiles(s, [f], {
        map: { ts: 'created', model: 'id', input_price: 'pricing.prompt', output_price: 'pricing.completion' },
      });
      assert.equal(c.kind, 'prices');
      assert.deepEqual(counts(c), [2, 1, 0, 1]);
      const rows = await s.all<Record<string, unknown>>(
        'SELECT ts, provider, model, input_price, output_price FROM prices',
      );
      assert.deepEqual(
        rows.map((r) => [(r.ts as Date).toISOString(), r.provider, r.model, r.input_price, r.output_price]),
        [['2025-04-18T18:13:20.000Z', 'openrouter', 'qwen/qwen3-32b', 0.1, 0.3]],
      );
      assert.deepEqual(await rejects(s), [[2, 'output_price', "output_price: '-1' is negative"]]);
    });
  });

  describe('Parquet struct columns', () => {
    const dir = tmpDir();
    const parquet = path.join(dir, 'struct.parquet');
    const flat = path.join(dir, 'flat-and-struct.parquet');
    before(async () => {
      const s = await Store.open(':memory:', { init: false });
      try {
        const usage = (p: number, c: number, cached: number | null) =>
          `{'prompt_tokens': ${p}, 'completion_tokens': ${c}, 'prompt_tokens_details': {'cached_tokens': ${cached ?? 'NULL::INTEGER'}}}`;
        await s.run(`COPY (SELECT request_id, CAST(ts AS TIMESTAMP) AS ts, model, provider, CAST(status AS INTEGER) AS status,
            usage, error_message FROM (VALUES
              ('pq-1', '2025-10-01 00:00:00', 'GLM-4.6', 'provider-a', 200, ${usage(1000, 100, 500)}, NULL),
              ('pq-2', '2025-10-01 00:01:00', 'GLM-4.6', 'provider-a', 429, ${usage(2000, 0, null)}, 'slow down'),
              ('pq-3', '2025-10-01 00:02:00', 'GLM-4.6', 'provider-b', 413, ${usage(3000, 0, 0)}, 'prompt has too many tokens'),
              ('pq-4', '2025-10-01 00:03:00', 'GLM-4.6', 'provider-b', 500, ${usage(4000, 0, null)}, NULL),
              ('pq-5', '2025-10-01 00:04:00', 'GLM-4.6', 'provider-b', 200, ${usage(10, -1, null)}, NULL),
              ('pq-6', '2025-10-01 00:05:00', 'GLM-4.6', 'provider-b', 301, ${usage(10, 1, null)}, NULL)
            ) v(request_id, ts, model, provider, status, usage, error_message))
          TO '${parquet}' (FORMAT parquet)`);
        // a flattened export can hold a column named like the path as well as the struct
        await s.run(`COPY (SELECT 'f-1' AS request_id, TIMESTAMP '2025-10-01 00:00:00' AS ts, 'm' AS model, 'p' AS provider,
            1111 AS "usage.prompt_tokens", ${usage(9, 8, null)} AS usage) TO '${flat}' (FORMAT parquet)`);
      } finally {
        s.close();
      }
    });

    test('usage.* walks the struct; an INTEGER status column reads as codes', async () => {
      await withMemory(async (s) => {
        const [c] = await ingestFiles(s, [parquet], { kind: 'requests', map: USAGE_MAP });
        assert.deepEqual(counts(c), [6, 4, 0, 2]);
        assert.deepEqual(await requests(s), [
          ['pq-1', '2025-10-01T00:00:00.000Z', 'GLM-4.6', 'provider-a', 1000, 100, 500, 'ok', null],
          ['pq-2', '2025-10-01T00:01:00.000Z', 'GLM-4.6', 'provider-a', 2000, 0, null, 'error', 'rate_limit'],
          ['pq-3', '2025-10-01T00:02:00.000Z', 'GLM-4.6', 'provider-b', 3000, 0, 0, 'error', 'context_length'],
          ['pq-4', '2025-10-01T00:03:00.000Z', 'GLM-4.6', 'provider-b', 4000, 0, null, 'error', 'server'],
        ]);
        assert.deepEqual(await rejects(s), [
          [5, 'output_tokens', "output_tokens: '-1' is negative"],
          [
            6,
            'status',
            "status: '301' is not a known value (expected ok, success, succeeded, error, failed, failure or an HTTP status code 2xx, 4xx or 5xx)",
          ],
        ]);
      });
    });

    test('a column named like the path wins over the struct field; names match in any case', async () => {
      await withMemory(async (s) => {
        await ingestFiles(s, [flat], {
          map: { input_tokens: 'usage.prompt_tokens', output_tokens: 'USAGE.Completion_Tokens' },
        });
        assert.deepEqual(await s.all('SELECT input_tokens, output_tokens FROM requests'), [
          { input_tokens: 1111, output_tokens: 8 },
        ]);
      });
    });

    test('a path that names no field: exit-2 error naming the file, the option and the closest paths', async () => {
      await withMemory(async (s) => {
        await assert.rejects(
          ingestFiles(s, [parquet], { map: { ...USAGE_MAP, cached_tokens: 'usage.cached_tokens' } }),
          {
            message:
              `${parquet}: --map cached_tokens=usage.cached_tokens: the file has no column or field 'usage.cached_tokens'; ` +
              'closest: usage.prompt_tokens_details.cached_tokens, usage.prompt_tokens, usage.completion_tokens',
          },
        );
        await assert.rejects(
          ingestFiles(s, [parquet], { kind: 'requests', map: { input_tokens: 'usage.prompt_tokens.value' } }),
          /--map input_tokens=usage\.prompt_tokens\.value: the file has no column or field 'usage\.prompt_tokens\.value'; closest: usage\.prompt_tokens,/,
        );
        assert.equal((await s.one<{ n: number }>('SELECT count(*) AS n FROM requests'))!.n, 0);
      });
    });
  });

  describe('JSON held as text or as a JSON column', () => {
    const dir = tmpDir();
    const csv = path.join(dir, 'usage-text.csv');
    writeFileSync(
      csv,
      'request_id,ts,model,provider,usage\n' +
        'c-1,2025-10-01T00:00:00Z,m,p,"{""prompt_tokens"": 10, ""completion_tokens"": 2, ""prompt_tokens_details"": {""cached_tokens"": 4}}"\n' +
        'c-2,2025-10-01T00:01:00Z,m,p,"{""prompt_tokens"": 20, ""completion_tokens"": 3}"\n' +
        'c-3,2025-10-01T00:02:00Z,m,p,not json\n',
    );
    // an object in one row and text in another: DuckDB reads the column as JSON
    const mixed = path.join(dir, 'mixed.jsonl');
    writeFileSync(
      mixed,
      '{"request_id": "x-1", "ts": "2025-10-01T00:00:00Z", "model": "m", "provider": "p", "usage": {"prompt_tokens": 5, "completion_tokens": 1}}\n' +
        '{"request_id": "x-2", "ts": "2025-10-01T00:01:00Z", "model": "m", "provider": "p", "usage": "n/a"}\n',
    );

    test('a CSV cell of JSON text is read with json_extract; a row without it is rejected', async () => {
      await withMemory(async (s) => {
        const [c] = await ingestFiles(s, [csv], { map: USAGE_MAP });
        assert.deepEqual(counts(c), [3, 2, 0, 1]);
        assert.deepEqual(
          (await requests(s)).map((r) => [r[0], r[4], r[5], r[6]]),
          [
            ['c-1', 10, 2, 4],
            ['c-2', 20, 3, null],
          ],
        );
        assert.deepEqual(await rejects(s), [
          [3, 'input_tokens', 'input_tokens: missing required value; output_tokens: missing required value'],
        ]);
      });
    });

    test('a JSON column', async () => {
      await withMemory(async (s) => {
        const [c] = await ingestFiles(s, [mixed], {
          map: { input_tokens: 'usage.prompt_tokens', output_tokens: 'usage.completion_tokens' },
        });
        assert.deepEqual(counts(c), [2, 1, 0, 1]);
        assert.deepEqual(
          (await requests(s)).map((r) => [r[0], r[4], r[5]]),
          [['x-1', 5, 1]],
        );
      });
    });

    test('a key no row has, or text that holds no JSON, is an error listing the keys the rows have', async () => {
      await withMemory(async (s) => {
        await assert.rejects(ingestFiles(s, [csv], { map: { ...USAGE_MAP, input_tokens: 'usage.prompt_tokenz' } }), {
          message:
            `${csv}: --map input_tokens=usage.prompt_tokenz: the file has no column or field 'usage.prompt_tokenz'; ` +
            'closest: usage.prompt_tokens, usage.completion_tokens, usage.prompt_tokens_details',
        });
        await assert.rejects(
          ingestFiles(s, [csv], { map: { ...USAGE_MAP, output_tokens: 'model.tokens' } }),
          /usage-text\.csv: --map output_tokens=model\.tokens: the file has no column or field 'model\.tokens'; closest: /,
        );
      });
    });
  });

  test('a folder file whose only known columns are mapped paths is read, not skipped as a stray', async () => {
    const dir = tmpDir();
    mkdirSync(path.join(dir, 'logs'));
    writeFileSync(
      path.join(dir, 'logs', 'part-0.jsonl'),
      '{"created": 1764583200, "usage": {"prompt_tokens": 7, "completion_tokens": 3}}\n',
    );
    writeFileSync(path.join(dir, 'logs', 'notes.txt'), 'collected by hand\n');
    await withMemory(async (s) => {
      const skipped: SkippedFile[] = [];
      const files = await ingestFiles(s, [path.join(dir, 'logs')], {
        kind: 'requests',
        map: { ts: 'created', input_tokens: 'usage.prompt_tokens', output_tokens: 'usage.completion_tokens' },
        set: { model: 'm', provider: 'p' },
        onSkip: (x) => skipped.push(x),
      });
      assert.deepEqual(
        files.map((f) => [path.basename(f.file), f.accepted]),
        [['part-0.jsonl', 1]],
      );
      assert.deepEqual(
        skipped.map((x) => path.basename(x.file)),
        ['notes.txt'],
      );
    });
  });
});

describe('status: HTTP codes and words', () => {
  test('every row of a CSV mixing codes, words, spaces and cases', async () => {
    await withMemory(async (s) => {
      const [c] = await ingestFiles(s, [fx('requests-status.csv')]);
      assert.deepEqual(counts(c), [27, 23, 1, 3]);
      const rows = await s.all<{ request_id: string; status: string; error_type: string | null }>(
        `SELECT request_id, ${STATUS}, error_type FROM requests ORDER BY request_id`,
      );
      assert.deepEqual(
        rows.map((r) => [r.request_id, r.status, r.error_type]),
        [
          ['st-01', 'ok', null], // 200
          ['st-02', 'ok', null], // " 204 "
          ['st-03', 'error', 'rate_limit'], // 429
          ['st-04', 'error', 'timeout'], // 408
          ['st-05', 'error', 'timeout'], // 504
          ['st-06', 'error', 'context_length'], // 400, "maximum context length"
          ['st-07', 'error', 'bad_request'], // 400, another message
          ['st-08', 'error', 'context_length'], // 413, "too many tokens"
          ['st-09', 'error', 'context_length'], // 422, "context_length_exceeded"
          ['st-10', 'error', 'bad_request'], // 422, another message
          ['st-11', 'error', 'server'], // 500: the message matters for 400, 413 and 422 only
          ['st-12', 'error', 'server'], // 503
          ['st-13', 'error', 'http_404'],
          ['st-14', 'error', 'http_401'],
          ['st-15', 'ok', null], // Success
          ['st-16', 'ok', null], // SUCCEEDED
          ['st-17', 'ok', null], // " Ok "
          ['st-18', 'error', null], // failed
          ['st-19', 'error', null], // Failure
          ['st-20', 'error', null], // ERROR
          ['st-21', 'error', 'quota'], // 429, but the logged error_type wins
          ['st-22', 'error', 'upstream'], // 502, likewise
          ['st-23', 'ok', null], // empty: the default
        ],
      );
      const expected =
        'is not a known value (expected ok, success, succeeded, error, failed, failure or an HTTP status code 2xx, 4xx or 5xx)';
      assert.deepEqual(await rejects(s), [
        [24, 'status', `status: 'maybe' ${expected}`],
        [25, 'status', `status: '302' ${expected}`],
        [26, 'status', `status: '2000' ${expected}`],
      ]);
    });
  });

  test('--set status takes the same values', async () => {
    const f = path.join(tmpDir(), 'r.csv');
    writeFileSync(f, 'ts,model,provider,input_tokens,output_tokens\n2025-10-01T00:00:00Z,m,p,1,1\n');
    await withMemory(async (s) => {
      await ingestFiles(s, [f], { set: { status: '504' } });
      assert.deepEqual(await s.all('SELECT status, error_type FROM requests'), [
        { status: 'error', error_type: 'timeout' },
      ]);
    });
  });
});

test('structFields reads DuckDB struct types, quoted and nested names included', () => {
  assert.deepEqual(
    structFields(
      'STRUCT(a BIGINT, "b c" STRUCT(d DECIMAL(18,3), e VARCHAR[]), "x""y" MAP(VARCHAR, INTEGER), f ENUM(\'1,)\', \'2\'))',
    ),
    [
      { name: 'a', type: 'BIGINT' },
      { name: 'b c', type: 'STRUCT(d DECIMAL(18,3), e VARCHAR[])' },
      { name: 'x"y', type: 'MAP(VARCHAR, INTEGER)' },
      { name: 'f', type: "ENUM('1,)', '2')" },
    ],
  );
  assert.deepEqual(structFields('BIGINT'), []);
  assert.deepEqual(structFields('STRUCT(a BIGINT)[]'), []);
});
