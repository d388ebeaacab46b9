import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { Store } from '../../src/store/db.js';
import { SCHEMA_VERSION } from '../../src/store/schema.js';
import { tmpDir } from '../helpers.js';

test('a database of schema 1: readers ask for an ingest, which adds the new columns and keeps every row', async () => {
  const db = path.join(tmpDir(), 'old.duckdb');
  const s = await Store.open(db);
  await s.run(
    `INSERT INTO prices (ts, provider, model, input_price, output_price) VALUES (TIMESTAMP '2025-10-01', 'p', 'm', 1, 2)`,
  );
  // as schema 1 left it
  await s.run('ALTER TABLE prices DROP COLUMN cache_write_price');
  await s.run('ALTER TABLE prices DROP COLUMN tier_min_input_tokens');
  await s.run('ALTER TABLE requests DROP COLUMN cache_write_tokens');
  await s.run('ALTER TABLE requests DROP COLUMN session');
  await s.run('DROP TABLE provider_catalog');
  await s.run('DROP TABLE billed_prices');
  await s.run("UPDATE meta SET value = '1' WHERE key = 'schema_version'");
  s.close();

  await assert.rejects(
    Store.open(db, { readOnly: true }),
    new RegExp(
      `written by an earlier ai-ping \\(schema 1, now ${SCHEMA_VERSION}\\); any 'ai-ping ingest --db .*' upgrades it in place`,
    ),
  );
  const w = await Store.open(db);
  try {
    const v = await w.one<{ value: string }>("SELECT value FROM meta WHERE key = 'schema_version'");
    assert.equal(Number(v!.value), SCHEMA_VERSION);
    const row = await w.one<Record<string, unknown>>('SELECT * EXCLUDE (row_key, ingest_id) FROM prices');
    assert.equal(row!.input_price, 1);
    assert.equal(row!.cache_write_price, null);
    assert.equal(row!.tier_min_input_tokens, null);
    assert.equal((await w.one<{ n: number }>('SELECT count(*) AS n FROM provider_catalog'))!.n, 0);
    assert.equal((await w.one<{ n: number }>('SELECT count(*) AS n FROM billed_prices'))!.n, 0);
    assert.equal((await w.one<{ n: number }>('SELECT count(session) AS n FROM requests'))!.n, 0);
  } finally {
    w.close();
  }
});
