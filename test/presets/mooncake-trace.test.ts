import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { InputError } from '../../src/errors.js';
import { ingestFiles } from '../../src/ingest/index.js';
// The registry first: preset modules import their helpers from it.
import { PRESETS } from '../../src/ingest/presets/index.js';
import { MOONCAKE_BLOCK_TOKENS } from '../../src/ingest/presets/mooncake-trace.js';
import { Store } from '../../src/store/db.js';
import { fixtures, query, readText, realData, runCli, tmpDir } from '../helpers.js';

const preset = PRESETS['mooncake-trace'];
const small = path.join(fixtures, 'presets', 'mooncake-trace', 'small.jsonl');
const trace = path.join(realData, 'mooncake-fast25', 'conversation_trace.jsonl.gz');
const set = { model: 'kimi-k1', provider: 'moonshot' };

interface Row {
  ts: string;
  input_tokens: number;
  output_tokens: number;
  cached_tokens: number | null;
}

async function ingestRows(
  file: string,
  extra: Record<string, string> = {},
): Promise<{ counts: number[]; rows: Row[] }> {
  const s = await Store.open(':memory:');
  try {
    const [c] = await ingestFiles(s, [file], { preset, set: { ...set, ...extra } });
    const rows = await s.all<Row>(
      `SELECT strftime(ts, '%Y-%m-%d %H:%M:%S.%g') AS ts, input_tokens, output_tokens, cached_tokens
       FROM requests ORDER BY ts, input_tokens, output_tokens, cached_tokens`,
    );
    return { counts: [c.read, c.accepted, c.duplicates, c.rejected], rows };
  } finally {
    s.close();
  }
}

/**
 * The estimate computed independently, one request at a time: walk the requests in
 * (timestamp, row) order keeping the set of blocks seen so far.
 */
function cachedByWalking(lines: { timestamp: number; input_length: number; hash_ids?: number[] }[]): (number | null)[] {
  const order = lines.map((_, i) => i).sort((a, b) => lines[a].timestamp - lines[b].timestamp || a - b);
  const seen = new Set<number>();
  const out: (number | null)[] = new Array(lines.length).fill(null);
  for (const i of order) {
    const ids = lines[i].hash_ids;
    if (!ids) continue;
    let n = 0;
    while (n < ids.length && seen.has(ids[n])) n++;
    out[i] = Math.min(MOONCAKE_BLOCK_TOKENS * n, lines[i].input_length);
    for (const id of ids) seen.add(id);
  }
  return out;
}

describe('mooncake-trace preset', () => {
  test('the small fixture: cached tokens as computed by hand (see its README)', async () => {
    const { counts, rows } = await ingestRows(small, { start: '2024-01-01T00:00:00Z' });
    assert.deepEqual(counts, [8, 8, 0, 0]);
    assert.deepEqual(rows, [
      { ts: '2024-01-01 00:00:00.500', input_tokens: 700, output_tokens: 7, cached_tokens: 0 }, // row 3
      { ts: '2024-01-01 00:00:01.000', input_tokens: 1100, output_tokens: 5, cached_tokens: 1100 }, // row 2: 1536, capped
      { ts: '2024-01-01 00:00:01.000', input_tokens: 1500, output_tokens: 10, cached_tokens: 512 }, // row 1
      { ts: '2024-01-01 00:00:02.000', input_tokens: 5000, output_tokens: 1, cached_tokens: 0 }, // row 4
      { ts: '2024-01-01 00:00:02.000', input_tokens: 5000, output_tokens: 1, cached_tokens: 1024 }, // row 5
      { ts: '2024-01-01 00:00:02.500', input_tokens: 2000, output_tokens: 3, cached_tokens: 0 }, // row 8
      { ts: '2024-01-01 00:00:03.000', input_tokens: 300, output_tokens: 2, cached_tokens: 0 }, // row 6
      { ts: '2024-01-01 00:00:03.000', input_tokens: 300, output_tokens: 2, cached_tokens: null }, // row 7
    ]);
  });

  test("session: 'h' and the first block id; none without blocks", async () => {
    const sessions = async (file: string, sql: string): Promise<unknown[]> => {
      const s = await Store.open(':memory:');
      try {
        await ingestFiles(s, [file], { preset, set });
        return await s.all(sql);
      } finally {
        s.close();
      }
    };
    assert.deepEqual(
      await sessions(
        small,
        'SELECT input_tokens, session FROM requests ORDER BY ts, input_tokens, output_tokens, cached_tokens NULLS LAST',
      ),
      [
        { input_tokens: 700, session: 'h1' }, // row 3: [1, 9]
        { input_tokens: 1100, session: 'h1' }, // row 2: [1, 2, 3, 4]
        { input_tokens: 1500, session: 'h1' }, // row 1: [1, 2, 3]
        { input_tokens: 5000, session: 'h7' }, // row 4: [7, 1, 2]: 1 and 2 are shared, but not from the first block
        { input_tokens: 5000, session: 'h7' }, // row 5: [7, 7, 8]
        { input_tokens: 2000, session: 'h5' }, // row 8: [5, 5]
        { input_tokens: 300, session: null }, // row 6: []
        { input_tokens: 300, session: null }, // row 7: no hash_ids
      ],
    );
    // The real conversation trace: every request starts with block 0.
    assert.deepEqual(
      await sessions(trace, 'SELECT session, CAST(count(*) AS INTEGER) AS n FROM requests GROUP BY session'),
      [{ session: 'h0', n: 12031 }],
    );
  });

  test('ts defaults to the epoch plus the millisecond offset', async () => {
    const { rows } = await ingestRows(small);
    assert.deepEqual(rows.map((r) => r.ts).slice(0, 3), [
      '1970-01-01 00:00:00.500',
      '1970-01-01 00:00:01.000',
      '1970-01-01 00:00:01.000',
    ]);
  });

  test('bad settings are input errors', async () => {
    const s = await Store.open(':memory:');
    try {
      await assert.rejects(ingestFiles(s, [small], { preset, set: { ...set, start: 'yesterday-ish' } }), (e: Error) => {
        assert.ok(e instanceof InputError);
        assert.match(e.message, /--set start='yesterday-ish' is not a timestamp/);
        return true;
      });
      await assert.rejects(
        ingestFiles(s, [small], { preset, set: { model: 'kimi' } }),
        /small\.jsonl: the Mooncake trace names no model or provider; pass --set model=… --set provider=… \(missing: provider/,
      );
    } finally {
      s.close();
    }
  });

  test('the real trace: every request read, the estimate equals an independent walk over the file', async () => {
    const lines = readText(trace)
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l));
    assert.equal(lines.length, 12031);
    const cached = cachedByWalking(lines);
    // The first lines by hand: every request shares block 0 with the first one (timestamp 0).
    assert.deepEqual(cached.slice(0, 12), [0, 512, 512, 512, 512, 512, 512, 512, 512, 512, 512, 512]);
    // Line 67 (t=21000) starts [0, 1541..1545]; line 134 (t=48000) starts [0, 1541, 1542, 1543, 1544, 3753]:
    // five leading blocks seen before, 2,560 tokens of its 3,024.
    assert.deepEqual(lines[133], {
      timestamp: 48000,
      input_length: 3024,
      output_length: 111,
      hash_ids: [0, 1541, 1542, 1543, 1544, 3753],
    });
    assert.equal(cached[66], 512);
    assert.equal(cached[133], 2560);

    const { counts, rows } = await ingestRows(trace, { start: '2024-06-01T00:00:00Z' });
    assert.deepEqual(counts, [12031, 12031, 0, 0]);
    const iso = (ms: number) =>
      new Date(Date.parse('2024-06-01T00:00:00Z') + ms).toISOString().replace('T', ' ').slice(0, 23);
    const expected = lines
      .map((l, i) => ({
        ts: iso(l.timestamp),
        input_tokens: l.input_length,
        output_tokens: l.output_length,
        cached_tokens: cached[i],
      }))
      .sort(
        (a, b) =>
          (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0) ||
          a.input_tokens - b.input_tokens ||
          a.output_tokens - b.output_tokens ||
          a.cached_tokens! - b.cached_tokens!,
      );
    assert.deepEqual(rows, expected);
    assert.equal(
      rows.reduce((a, r) => a + r.cached_tokens!, 0),
      54098411,
    );
    assert.equal(rows.find((r) => r.ts === '2024-06-01 00:00:48.000' && r.input_tokens === 3024)?.cached_tokens, 2560);
  });

  test('CLI: ingest --preset mooncake-trace --set start=…', async () => {
    const db = path.join(tmpDir(), 'mooncake.duckdb');
    const r = runCli([
      'ingest',
      trace,
      '--preset',
      'mooncake-trace',
      '--set',
      'start=2024-06-01T08:00:00Z',
      '--set',
      'model=kimi-k1',
      '--set',
      'provider=moonshot',
      '--db',
      db,
      '--format',
      'json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      JSON.parse(r.stdout).files.map((f: Record<string, unknown>) => [
        f.kind,
        f.read,
        f.accepted,
        f.duplicates,
        f.rejected,
      ]),
      [['requests', 12031, 12031, 0, 0]],
    );
    assert.deepEqual(
      await query(
        db,
        `SELECT strftime(min(ts), '%Y-%m-%dT%H:%M:%S') AS first, sum(cached_tokens) AS cached FROM requests`,
      ),
      [{ first: '2024-06-01T08:00:00', cached: 54098411 }],
    );
  });
});
