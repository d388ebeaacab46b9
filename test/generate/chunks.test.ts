/**
 * Requests are built in chunks and written in parts of consecutive days: the written
 * data must not depend on the chunk and part sizes.
 */
import { quotedString } from '@duckdb/node-api';
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { buildMarket, writeMarket, type WrittenTable } from '../../src/generate/index.js';
import { Store } from '../../src/store/db.js';
import { removeDir, TABLE_NAMES, tempDir } from './helpers.js';

const REQUESTS = 30_000;
const SEED = 5;

async function generateWith(chunks?: { requests: number; partRequests: number }): Promise<{
  dir: string;
  tables: WrittenTable[];
}> {
  const dir = tempDir('chunks');
  const store = await Store.open(':memory:', { init: false });
  try {
    await buildMarket(store, { requests: REQUESTS, seed: SEED, chunks });
    return { dir, tables: await writeMarket(store, dir, 'parquet') };
  } finally {
    store.close();
  }
}

let whole: { dir: string; tables: WrittenTable[] };
let chunked: { dir: string; tables: WrittenTable[] };

before(async () => {
  whole = await generateWith();
  // Five uneven chunks, written in four parts.
  chunked = await generateWith({ requests: 7_000, partRequests: 8_000 });
});

after(() => {
  if (whole) removeDir(whole.dir);
  if (chunked) removeDir(chunked.dir);
});

test('chunked generation writes the same rows, in the same order, as one chunk', async () => {
  assert.deepEqual(
    chunked.tables.map((t) => [t.table, t.rows]),
    whole.tables.map((t) => [t.table, t.rows]),
  );
  const db = await Store.open(':memory:', { init: false });
  try {
    for (const t of TABLE_NAMES) {
      const read = (dir: string) =>
        `SELECT row_number() OVER () AS rn, * FROM read_parquet(${quotedString(path.join(dir, `${t}.parquet`))})`;
      const row = await db.one<{ a: number; b: number }>(
        `SELECT (SELECT count(*) FROM (${read(whole.dir)} EXCEPT ALL ${read(chunked.dir)})) AS a,
           (SELECT count(*) FROM (${read(chunked.dir)} EXCEPT ALL ${read(whole.dir)})) AS b`,
      );
      assert.deepEqual(row, { a: 0, b: 0 }, `${t} differs between chunked and whole generation`);
    }
  } finally {
    db.close();
  }
});

test('requests are written in time order', async () => {
  const db = await Store.open(':memory:', { init: false });
  try {
    const row = await db.one<{ n: number; unordered: number }>(
      `WITH r AS (
         SELECT ts, request_id, lag(ts) OVER () AS prev_ts, lag(request_id) OVER () AS prev_id
         FROM read_parquet(${quotedString(path.join(chunked.dir, 'requests.parquet'))})
       )
       SELECT count(*) AS n,
         count(*) FILTER (WHERE prev_ts > ts OR (prev_ts = ts AND prev_id > request_id)) AS unordered
       FROM r`,
    );
    assert.deepEqual(row, { n: REQUESTS, unordered: 0 });
  } finally {
    db.close();
  }
});
