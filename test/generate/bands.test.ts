/**
 * The family bands are cut from the tokens per key bin and a sort of the few bins where a band
 * starts: they must be those a sort of every request in key order gives.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildMarket, writeMarket } from '../../src/generate/index.js';
import { REQUEST_TOKENS } from '../../src/generate/sql.js';
import { Store } from '../../src/store/db.js';
import { removeDir, tempDir } from './helpers.js';

// Enough requests that a key bin holds about one request's worth of tokens or more, so that
// only a few bins per band are sorted.
const REQUESTS = 200_000;

test('family bands cut per key bin are those of the sort of every request', async () => {
  const dir = tempDir('bands');
  const store = await Store.open(':memory:', { init: false });
  try {
    await buildMarket(store, { requests: REQUESTS, seed: 9 });
    await writeMarket(store, dir, 'parquet');
    // Every request's key and tokens again, in one chunk, and the bands' first sessions in key order.
    await store.run('CREATE TABLE g_numbers AS SELECT range AS n FROM range($1)', [REQUESTS]);
    await store.run('SET VARIABLE chunk_lo = 0');
    await store.run('SET VARIABLE chunk_hi = $1', [REQUESTS]);
    const sorted = await store.all(
      `WITH r AS (SELECT i, s, fkey, input_tokens + output_tokens AS tok FROM (${REQUEST_TOKENS})),
       placed AS (
         SELECT s, fkey,
           (sum(tok) OVER (ORDER BY fkey, i ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) - tok / 2.0)
             / (SELECT sum(tok) FROM r) AS fpos
         FROM r
       )
       SELECT b.family, min({'k': p.fkey, 'i': p.s}) AS key_from
       FROM placed p JOIN g_bands b ON p.fpos >= b.lo AND p.fpos < b.hi
       GROUP BY ALL ORDER BY key_from`,
    );
    const cut = await store.all('SELECT family, key_from FROM g_fbounds ORDER BY key_from');
    assert.ok(sorted.length > 10, `${sorted.length} bands`);
    assert.deepEqual(cut, sorted);
  } finally {
    store.close();
    removeDir(dir);
  }
});
