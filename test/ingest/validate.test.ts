import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { INLINE_ID_BYTES, ingestFiles, readTable } from '../../src/ingest/index.js';
import { priceAnomalies } from '../../src/metrics/price-anomalies.js';
import { prepareNames } from '../../src/query/model-map.js';
import type { Store } from '../../src/store/db.js';
import { MAX_PRICE, readValue } from '../../src/store/schema.js';
import { inferKind } from '../../src/ingest/validate.js';
import { fixtures, tmpDir, withMemory } from '../helpers.js';

const fx = (f: string) => path.join(fixtures, 'ingest', f);

const iso = (d: unknown) => (d as Date).toISOString();

describe('canonical tables', () => {
  test('requests: every timestamp form lands as the same UTC instant rules say', async () => {
    await withMemory(async (s) => {
      const [c] = await ingestFiles(s, [fx('requests.csv')]);
      assert.deepEqual([c.read, c.accepted, c.duplicates, c.rejected], [6, 6, 0, 0]);
      const rows = await s.all<{ request_id: string; ts: Date }>(
        'SELECT request_id, ts FROM requests ORDER BY request_id',
      );
      assert.deepEqual(
        rows.map((r) => [r.request_id, iso(r.ts)]),
        [
          ['q-001', '2025-10-01T00:00:05.000Z'], // ISO with Z
          ['q-002', '2025-10-01T00:10:00.000Z'], // no zone: UTC
          ['q-003', '2025-10-01T00:20:00.000Z'], // +08:00 offset converted
          ['q-004', '2025-10-01T00:10:00.000Z'], // epoch seconds
          ['q-005', '2025-10-01T00:11:00.000Z'], // epoch milliseconds
          ['q-006', '2025-10-01T00:31:00.123Z'], // 7 fraction digits
        ],
      );
    });
  });

  test('requests: types, defaults and optional columns', async () => {
    await withMemory(async (s) => {
      await ingestFiles(s, [fx('requests.csv')]);
      const r = await s.one<Record<string, unknown>>("SELECT * FROM requests WHERE request_id = 'q-003'");
      assert.equal(r!.input_tokens, 16000);
      assert.equal(r!.cached_tokens, null);
      assert.equal(r!.status, 'error');
      assert.equal(r!.error_type, 'timeout');
      assert.equal(r!.features, 'json_schema,stream');
      assert.equal(r!.latency_ms, null);
      // an empty currency or status is stored empty, and read as the default
      const read = (c: string) => `${readValue('requests', c, c)} AS read_${c}`;
      const g = await s.one<Record<string, unknown>>(
        `SELECT *, ${read('currency')} FROM requests WHERE request_id = 'q-006'`,
      );
      assert.equal(g!.currency, null);
      assert.equal(g!.read_currency, 'CNY', 'currency defaults to CNY');
      assert.equal(g!.cost, null);
      const semi = await ingestFiles(s, [fx('requests-semicolon.csv')]);
      assert.equal(semi[0].accepted, 3, 'semicolon delimiter sniffed');
      const st = await s.one<Record<string, unknown>>(
        `SELECT status, ${read('status')} FROM requests WHERE request_id = 's-1'`,
      );
      assert.equal(st!.status, null);
      assert.equal(st!.read_status, 'ok', 'status defaults to ok');
    });
  });

  test('epoch microseconds are told apart from seconds; lower-case ISO separators', async () => {
    const dir = tmpDir();
    const f = path.join(dir, 'us.csv');
    writeFileSync(
      f,
      'ts,model,provider,input_tokens,output_tokens\n1759276800000000,m,p,1,1\n1759276800.5,m,p,1,1\n2025-10-01t00:00:01z,m,p,1,1\n',
    );
    await withMemory(async (s) => {
      await ingestFiles(s, [f]);
      const rows = await s.all<{ ts: Date }>('SELECT ts FROM requests ORDER BY ts');
      assert.deepEqual(
        rows.map((r) => iso(r.ts)),
        ['2025-10-01T00:00:00.000Z', '2025-10-01T00:00:00.500Z', '2025-10-01T00:00:01.000Z'],
        'epoch µs, epoch s with a fraction, lower-case t and z (RFC 3339)',
      );
    });
  });

  for (const [file, kind, n] of [
    ['offerings.csv', 'offerings', 3],
    ['prices.csv', 'prices', 3],
    ['latency.csv', 'latency', 3],
    ['probes.csv', 'probes', 2],
    ['catalog.csv', 'catalog', 2],
    ['requests.jsonl', 'requests', 3],
    ['requests-array.json', 'requests', 2],
  ] as const) {
    test(`${file} is recognised as ${kind} and lands whole`, async () => {
      await withMemory(async (s) => {
        const [c] = await ingestFiles(s, [fx(file)]);
        assert.equal(c.kind, kind);
        assert.deepEqual([c.read, c.accepted, c.rejected], [n, n, 0]);
        const stored = await s.one<{ n: number }>(`SELECT count(*) AS n FROM ${kind}`);
        assert.equal(stored!.n, n);
      });
    });
  }

  test('typed values of the measurement tables', async () => {
    await withMemory(async (s) => {
      await ingestFiles(s, [fx('offerings.csv'), fx('latency.csv'), fx('prices.csv')]);
      const o = await s.all<Record<string, unknown>>('SELECT * FROM offerings ORDER BY provider');
      assert.deepEqual(
        o.map((r) => [r.provider, r.official, r.context_length, r.listed_to === null ? null : iso(r.listed_to)]),
        [
          ['provider-a', false, 32768, null],
          ['provider-b', false, 131072, '2025-12-15T00:00:00.000Z'],
          ['qwen-official', true, 131072, null],
        ],
      );
      const l = await s.all<Record<string, unknown>>('SELECT ok, ttft_ms, tps FROM latency ORDER BY provider, ts');
      assert.deepEqual(
        l.map((r) => [r.ok, r.ttft_ms, r.tps]),
        [
          [true, 300, 88],
          [true, 450, 42.5],
          [false, null, null],
        ],
      );
      const p = await s.one<Record<string, unknown>>(
        "SELECT * FROM prices WHERE provider = 'provider-a' ORDER BY ts DESC LIMIT 1",
      );
      assert.deepEqual([p!.input_price, p!.output_price, p!.cached_input_price], [1, 4, null]);
    });
  });
});

describe('bad rows are rejected with file, row, field and reason; good rows land', () => {
  const cases: [string, number, string, RegExp][] = [
    ['negative-tokens.csv', 1, 'input_tokens', /'-5' is negative/],
    ['fractional-tokens.csv', 1, 'input_tokens', /'5.5' is not a whole number/],
    ['non-numeric-tokens.csv', 1, 'output_tokens', /'many' is not a number/],
    ['bad-timestamp.csv', 1, 'ts', /'yesterday at noon' is not a timestamp/],
    ['timestamp-out-of-range.csv', 1, 'ts', /outside 1970-01-01 \.\. 2099-12-31/],
    [
      'unknown-status.csv',
      1,
      'status',
      /'maybe' is not a known value \(expected ok, success, succeeded, error, failed, failure or an HTTP status code/,
    ],
    ['missing-value.csv', 1, 'model', /missing required value/],
    ['cached-exceeds-input.csv', 1, 'cached_tokens', /6 exceeds input_tokens 5/],
    ['bad-bool.csv', 1, 'ok', /'maybe' is not true\/false/],
    ['unterminated-quote.csv', 2, 'ts', /is not a timestamp/],
  ];
  for (const [file, row, field, reason] of cases) {
    test(file, async () => {
      await withMemory(async (s) => {
        const [c] = await ingestFiles(s, [fx(`bad/${file}`)]);
        assert.equal(c.rejected, 1);
        assert.equal(c.accepted, 1);
        assert.equal(c.read, c.accepted + c.duplicates + c.rejected);
        const [r] = await s.all<{ file: string; row_number: number; field: string; reason: string; raw_row: string }>(
          'SELECT * FROM rejects',
        );
        assert.equal(r.file, fx(`bad/${file}`));
        assert.equal(r.row_number, row);
        assert.equal(r.field, field);
        assert.match(r.reason, reason);
        assert.ok(JSON.parse(r.raw_row), 'the raw row is kept as JSON');
      });
    });
  }

  test('token counts too large for a whole number (1e30, 2^63 − 1) are rejected rows, not a failed ingest', async () => {
    const f = path.join(tmpDir(), 'huge.csv');
    writeFileSync(
      f,
      'ts,model,provider,input_tokens,output_tokens,cached_tokens\n' +
        '2025-10-01T00:00:00Z,m,p,1e30,5,0\n' +
        '2025-10-01T00:00:00Z,m,p,10,9223372036854775807,0\n' +
        '2025-10-01T00:00:00Z,m,p,10,5,1e30\n' +
        '2025-10-01T00:00:00Z,m,p,9007199254740991,5,0\n',
    );
    await withMemory(async (s) => {
      const [c] = await ingestFiles(s, [f]);
      assert.deepEqual([c.read, c.accepted, c.rejected], [4, 1, 3]);
      assert.deepEqual(await s.all('SELECT row_number, field, reason FROM rejects ORDER BY row_number'), [
        { row_number: 1, field: 'input_tokens', reason: "input_tokens: '1e30' is larger than 9007199254740991" },
        {
          row_number: 2,
          field: 'output_tokens',
          reason: "output_tokens: '9223372036854775807' is larger than 9007199254740991",
        },
        { row_number: 3, field: 'cached_tokens', reason: "cached_tokens: '1e30' is larger than 9007199254740991" },
      ]);
      assert.deepEqual(await s.all('SELECT input_tokens FROM requests'), [{ input_tokens: 9007199254740991 }]);
    });
  });

  test('every problem of a row is named', async () => {
    const dir = tmpDir();
    const f = path.join(dir, 'many.csv');
    writeFileSync(f, 'ts,model,provider,input_tokens,output_tokens,status\nnever,,p,-1,x,odd\n');
    await withMemory(async (s) => {
      await ingestFiles(s, [f]);
      const r = await s.one<{ field: string; reason: string }>('SELECT field, reason FROM rejects');
      assert.equal(r!.field, 'ts');
      assert.equal(
        r!.reason,
        "ts: 'never' is not a timestamp; model: missing required value; input_tokens: '-1' is negative; " +
          "output_tokens: 'x' is not a number; status: 'odd' is not a known value " +
          '(expected ok, success, succeeded, error, failed, failure or an HTTP status code 2xx, 4xx or 5xx)',
      );
    });
  });
});

describe('duplicates', () => {
  // short ids are sorted as text, long ones (UUIDs) by their hashes
  for (const [label, one, two] of [
    ['short', 'd-1', 'd-2'],
    ['long', 'd1a5e8c2-0b7f-4c3e-9d21-6f0a8b3c4e51', 'd2b6f9d3-1c80-4d4f-8e32-7a1b9c4d5f62'],
  ]) {
    test(`a repeated request_id is stored once, in the file and across ingests (${label} ids)`, async () => {
      assert.equal(one.length > INLINE_ID_BYTES, label === 'long');
      const dir = tmpDir();
      const f = path.join(dir, 'dups.csv');
      writeFileSync(
        f,
        'request_id,ts,model,provider,input_tokens,output_tokens\n' +
          `${one},2025-10-01T00:00:00Z,m,p,-1,1\n` + // rejected: a later valid row with the same id is the one kept
          `${one},2025-10-01T00:00:00Z,m,p,10,1\n` +
          `${one},2025-10-01T00:00:00Z,m,p,20,1\n` +
          `${two},2025-10-01T00:00:00Z,m,p,30,1\n`,
      );
      await withMemory(async (s) => {
        const [a] = await ingestFiles(s, [f]);
        assert.deepEqual([a.read, a.accepted, a.duplicates, a.rejected], [4, 2, 1, 1]);
        const d1 = await s.one<{ input_tokens: number }>('SELECT input_tokens FROM requests WHERE request_id = $1', [
          one,
        ]);
        assert.equal(d1!.input_tokens, 10, 'the first valid row with the id wins');
        const [b] = await ingestFiles(s, [f]);
        assert.deepEqual([b.read, b.accepted, b.duplicates, b.rejected], [4, 0, 3, 1]);
        const n = await s.one<{ n: number; r: number }>(
          'SELECT (SELECT count(*) FROM requests) AS n, (SELECT count(*) FROM rejects) AS r',
        );
        assert.deepEqual([n!.n, n!.r], [2, 1], 'no second row, no second reject record');
      });
    });
  }

  test('rows without request_id: identical rows are distinct occurrences, and a re-ingest adds nothing', async () => {
    const dir = tmpDir();
    const f = path.join(dir, 'noid.csv');
    const line = '2025-10-01T00:00:00Z,m,p,10,1\n';
    writeFileSync(
      f,
      'ts,model,provider,input_tokens,output_tokens\n' + line + line + '2025-10-01T00:00:01Z,m,p,10,1\n',
    );
    await withMemory(async (s) => {
      const [a] = await ingestFiles(s, [f]);
      assert.deepEqual([a.accepted, a.duplicates], [3, 0]);
      const ids = await s.all<{ request_id: string }>('SELECT request_id FROM requests ORDER BY request_id');
      assert.equal(new Set(ids.map((r) => r.request_id)).size, 3);
      assert.ok(
        ids.some((r) => r.request_id.endsWith('-2')),
        'the second identical row carries occurrence 2',
      );
      const [b] = await ingestFiles(s, [f]);
      assert.deepEqual([b.accepted, b.duplicates], [0, 3]);
    });
  });

  test('a second file: its stored ids, its repeated ids and its rows without an id, one call or two', async () => {
    const dir = tmpDir();
    const head = 'request_id,ts,model,provider,input_tokens,output_tokens\n';
    const noId = (second: number) => `,2025-10-01T00:00:0${second}Z,m,p,10,1\n`;
    const first = path.join(dir, 'first.csv');
    writeFileSync(first, head + 'a-1,2025-10-01T00:00:00Z,m,p,1,1\na-2,2025-10-01T00:00:00Z,m,p,2,1\n' + noId(1));
    const second = path.join(dir, 'second.csv');
    writeFileSync(
      second,
      head +
        'a-2,2025-10-01T00:00:00Z,m,p,20,1\n' + // stored by the first file, twice
        'a-2,2025-10-01T00:00:00Z,m,p,21,1\n' +
        'a-3,2025-10-01T00:00:00Z,m,p,30,1\n' + // new, twice: the first row wins
        'a-3,2025-10-01T00:00:00Z,m,p,31,1\n' +
        'a-4,2025-10-01T00:00:00Z,m,p,40,1\n' +
        noId(1) + // the first file's row without an id
        noId(2),
    );
    const expected = [
      [3, 3, 0, 0],
      [7, 3, 4, 0],
    ];
    const stored = (s: Store) =>
      s.all<{ request_id: string; input_tokens: number }>(
        "SELECT request_id, input_tokens FROM requests WHERE request_id LIKE 'a-%' ORDER BY request_id",
      );
    const inputs = [
      { request_id: 'a-1', input_tokens: 1 },
      { request_id: 'a-2', input_tokens: 2 },
      { request_id: 'a-3', input_tokens: 30 },
      { request_id: 'a-4', input_tokens: 40 },
    ];
    await withMemory(async (s) => {
      const [a] = await ingestFiles(s, [first]);
      const [b] = await ingestFiles(s, [second]);
      assert.deepEqual(
        [a, b].map((c) => [c.read, c.accepted, c.duplicates, c.rejected]),
        expected,
      );
      assert.deepEqual(await stored(s), inputs);
    });
    await withMemory(async (s) => {
      const counts = await ingestFiles(s, [first, second]);
      assert.deepEqual(
        counts.map((c) => [c.read, c.accepted, c.duplicates, c.rejected]),
        expected,
      );
      assert.deepEqual(await stored(s), inputs);
      const n = await s.one<{ n: number }>('SELECT count(*) AS n FROM requests');
      assert.equal(n!.n, 6, 'four ids and two rows without one');
      const log = await s.all<Record<string, number>>(
        'SELECT read, accepted, duplicates, rejected FROM ingests ORDER BY ingest_id',
      );
      assert.deepEqual(
        log.map((c) => [c.read, c.accepted, c.duplicates, c.rejected]),
        expected,
        'the ingests log counts as the files do',
      );
      // both again, in one call: every row is stored from before, in each file
      const again = await ingestFiles(s, [first, second]);
      assert.deepEqual(
        again.map((c) => [c.read, c.accepted, c.duplicates, c.rejected]),
        [
          [3, 0, 3, 0],
          [7, 0, 7, 0],
        ],
      );
      assert.equal((await s.one<{ n: number }>('SELECT count(*) AS n FROM requests'))!.n, 6);
    });
  });

  test('measurement rows: the same provider, model, ts and values are one row', async () => {
    await withMemory(async (s) => {
      await ingestFiles(s, [fx('latency.csv')]);
      const [again] = await ingestFiles(s, [fx('latency.csv')]);
      assert.deepEqual([again.accepted, again.duplicates], [0, 3]);
      const n = await s.one<{ n: number }>('SELECT count(*) AS n FROM latency');
      assert.equal(n!.n, 3);
    });
  });
});

describe('column mapping', () => {
  test('--set fills a missing column and --map reads a renamed one', async () => {
    const dir = tmpDir();
    const f = path.join(dir, 'renamed.csv');
    writeFileSync(f, 'when,prompt_len,gen_len\n2025-10-01T00:00:00Z,100,7\n');
    await withMemory(async (s) => {
      const [c] = await ingestFiles(s, [f], {
        kind: 'requests',
        map: { ts: 'when', input_tokens: 'prompt_len', output_tokens: 'gen_len' },
        set: { model: 'Qwen3-32B', provider: 'azure', task: 'code' },
      });
      assert.equal(c.accepted, 1);
      const r = await s.one<Record<string, unknown>>(
        'SELECT model, provider, task, input_tokens, output_tokens FROM requests',
      );
      assert.deepEqual(r, { model: 'Qwen3-32B', provider: 'azure', task: 'code', input_tokens: 100, output_tokens: 7 });
    });
  });

  test('user is also read from user_id or end_user, the exact name first', async () => {
    const dir = tmpDir();
    const byId = path.join(dir, 'user-id.csv');
    writeFileSync(byId, 'request_id,ts,model,provider,user_id,input_tokens,output_tokens\na,2025-10-01,m,p,u-1,10,1\n');
    const both = path.join(dir, 'both.csv');
    writeFileSync(
      both,
      'request_id,ts,model,provider,end_user,user,input_tokens,output_tokens\nb,2025-10-01,m,p,cust-9,u-2,10,1\n',
    );
    const endUser = path.join(dir, 'end-user.csv');
    writeFileSync(
      endUser,
      'request_id,ts,model,provider,End_User,input_tokens,output_tokens\nc,2025-10-01,m,p,cust-3,10,1\n',
    );
    await withMemory(async (s) => {
      await ingestFiles(s, [byId, both, endUser]);
      assert.deepEqual(await s.all('SELECT request_id, user FROM requests ORDER BY request_id'), [
        { request_id: 'a', user: 'u-1' }, // user_id
        { request_id: 'b', user: 'u-2' }, // user, not end_user: a column of the canonical name wins
        { request_id: 'c', user: 'cust-3' }, // end_user, in any case
      ]);
    });
  });

  test('a --map to a column the file lacks is an error naming both', async () => {
    await withMemory(async (s) => {
      await assert.rejects(
        ingestFiles(s, [fx('requests.csv')], { map: { input_tokens: 'nope' } }),
        /requests\.csv: --map input_tokens=nope: the file has no column or field 'nope'; closest: /,
      );
    });
  });

  test('kind inference: the kind explaining most columns, ambiguity asks for --kind', () => {
    const cols = (...names: string[]) => names.map((name) => ({ name, type: 'VARCHAR' }));
    const none = { set: {}, map: {} };
    assert.equal(inferKind(cols('ts', 'model', 'provider', 'input_tokens', 'output_tokens'), none, 'f'), 'requests');
    assert.equal(inferKind(cols('ts', 'provider', 'model', 'input_price', 'output_price'), none, 'f'), 'prices');
    assert.equal(inferKind(cols('alias', 'model', 'family'), none, 'f'), 'catalog');
    assert.throws(() => inferKind(cols('provider', 'model'), none, 'f.csv'), /f\.csv: columns fit both .* pass --kind/);
    assert.throws(() => inferKind(cols('x', 'y'), none, 'f.csv'), /cannot tell which table this is \(columns: x, y\)/);
  });
});

test('readTable reads a side file without a database, and refuses bad rows', async () => {
  const { rows } = await readTable(fx('catalog.csv'), 'catalog');
  assert.equal(rows.length, 2);
  await assert.rejects(readTable(fx('bad/negative-tokens.csv'), 'requests'), /rejected under --strict/);
});

test('lines the CSV reader cannot parse are rejected too, and later rows keep their numbers', async () => {
  await withMemory(async (s) => {
    const [c] = await ingestFiles(s, [fx('bad/invalid-utf8.csv')]);
    // rows: u-1 ok, u-2 bad UTF-8, u-3 negative, u-4 bad UTF-8, u-5 negative
    assert.deepEqual([c.read, c.accepted, c.duplicates, c.rejected], [5, 1, 0, 4]);
    const r = await s.all<{ row_number: number; field: string | null; reason: string }>(
      'SELECT row_number, field, reason FROM rejects ORDER BY row_number',
    );
    assert.deepEqual(
      r.map((x) => [x.row_number, x.field]),
      [
        [2, 'model'],
        [3, 'input_tokens'],
        [4, 'model'],
        [5, 'input_tokens'],
      ],
    );
    assert.match(r[0].reason, /^line 3: model: Invalid unicode/);
    assert.match(r[2].reason, /^line 5: model: Invalid unicode/);
  });
});

test('a line with bad UTF-8 in two fields is one rejected row, counted and kept once', async () => {
  await withMemory(async (s) => {
    // row 1: bad bytes in model and provider; row 2: fine
    const [c] = await ingestFiles(s, [fx('bad/invalid-utf8-two-fields.csv')]);
    assert.deepEqual([c.read, c.accepted, c.duplicates, c.rejected], [2, 1, 0, 1]);
    assert.deepEqual(
      c.rejects.map((r) => [r.row, r.field]),
      [[1, 'model']],
    );
    const r = await s.all<{ row_number: number; field: string; reason: string }>(
      'SELECT row_number, field, reason FROM rejects',
    );
    assert.deepEqual(
      r.map((x) => [x.row_number, x.field, x.reason]),
      [
        [
          1,
          'model',
          'line 2: model, provider: Invalid unicode (byte sequence mismatch) detected. This file is not utf-8 encoded.',
        ],
      ],
    );
    const stored = await s.all<{ request_id: string }>('SELECT request_id FROM requests');
    assert.deepEqual(stored, [{ request_id: 'u-2' }]);
    const [log] = await s.all<{ read: number; rejected: number }>('SELECT read, rejected FROM ingests');
    assert.deepEqual([log.read, log.rejected], [2, 1]);
  });
});

test('a price above 10,000 per 1M tokens is a rejected row, so it flags no sound price beside it', async () => {
  assert.equal(MAX_PRICE, 10_000);
  await withMemory(async (s) => {
    const [c] = await ingestFiles(s, [fx('prices-implausible.csv')]);
    // good and at-limit (exactly 10,000 everywhere) land; absurd, cached-over and write-over do not
    assert.deepEqual([c.read, c.accepted, c.duplicates, c.rejected], [5, 2, 0, 3]);
    const r = await s.all<{ row_number: number; field: string; reason: string }>(
      'SELECT row_number, field, reason FROM rejects ORDER BY row_number',
    );
    assert.deepEqual(
      r.map((x) => [x.row_number, x.field, x.reason]),
      [
        [
          2,
          'input_price',
          "input_price: '1e30' is above the plausible maximum of 10000; output_price: '1e30' is above the plausible maximum of 10000",
        ],
        [4, 'cached_input_price', "cached_input_price: '10000.5' is above the plausible maximum of 10000"],
        [5, 'cache_write_price', "cache_write_price: '20000' is above the plausible maximum of 10000"],
      ],
    );
    assert.deepEqual(await s.all('SELECT provider FROM prices ORDER BY provider'), [
      { provider: 'at-limit' },
      { provider: 'good' },
    ]);
    // Stored, the 1e30 row would be the median of the "other providers" of good, and flag good as well.
    await prepareNames(s);
    assert.deepEqual(await priceAnomalies(s), []);
  });
});
