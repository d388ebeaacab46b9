import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ingestFiles } from '../../src/ingest/index.js';
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
  await s.run('ALTER TABLE requests DROP COLUMN user');
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
    assert.equal((await w.one<{ n: number }>('SELECT count(r.user) AS n FROM requests r'))!.n, 0);
  } finally {
    w.close();
  }
});

/** A requests CSV without request_id, so its rows are keyed by their content. */
const NO_ID_LOG = 'ts,model,provider,input_tokens,output_tokens\n2025-10-01T00:00:00Z,deepseek-v3.2,deepinfra,100,20\n';

/**
 * The key schema 3 gave that row: MD5 of its canonical values other than request_id, as text joined
 * by U+001F with `\N` for an empty one (ts, model, provider, task, app, session, input_tokens,
 * output_tokens, cached_tokens, cache_write_tokens, ttft_ms, latency_ms, status, error_type,
 * features, cost, currency), then its occurrence.
 */
const NO_ID_V3_KEY = `${createHash('md5')
  .update(
    ['2025-10-01 00:00:00', 'deepseek-v3.2', 'deepinfra', '\\N', '\\N', '\\N', '100', '20']
      .concat(['\\N', '\\N', '\\N', '\\N', 'ok', '\\N', '\\N', '\\N', 'CNY'])
      .join('\u001f'),
  )
  .digest('hex')}-1`;

test('a fresh database has requests.user, a text column after session', async () => {
  const s = await Store.open(':memory:');
  try {
    const cols = await s.all<{ name: string; type: string }>(
      `SELECT column_name AS name, data_type AS type FROM information_schema.columns
       WHERE table_name = 'requests' ORDER BY ordinal_position`,
    );
    const at = cols.findIndex((c) => c.name === 'user');
    assert.deepEqual(cols[at], { name: 'user', type: 'VARCHAR' });
    assert.equal(cols[at - 1].name, 'session');
  } finally {
    s.close();
  }
});

test('a database of schema 3: readers ask for an ingest, which adds requests.user, keeps every row and key', async () => {
  const dir = tmpDir();
  const db = path.join(dir, 'v3.duckdb');
  const s = await Store.open(db);
  // as schema 3 left it: one request with an id, and the id-less row of NO_ID_LOG under the key schema 3 gave it
  await s.run('ALTER TABLE requests DROP COLUMN user');
  await s.run(
    `INSERT INTO requests (request_id, ts, model, provider, session, input_tokens, output_tokens, status, currency)
     VALUES ('r-1', TIMESTAMP '2025-09-30', 'm', 'p', 's-1', 10, 1, 'ok', 'CNY'),
            ($1, TIMESTAMP '2025-10-01', 'deepseek-v3.2', 'deepinfra', NULL, 100, 20, 'ok', 'CNY')`,
    [NO_ID_V3_KEY],
  );
  await s.run("UPDATE meta SET value = '3' WHERE key = 'schema_version'");
  s.close();

  await assert.rejects(
    Store.open(db, { readOnly: true }),
    /written by an earlier ai-ping \(schema 3, now 4\); any 'ai-ping ingest --db .*' upgrades it in place/,
  );
  const noId = path.join(dir, 'no-id.csv');
  writeFileSync(noId, NO_ID_LOG);
  const withUser = path.join(dir, 'with-user.csv');
  writeFileSync(
    withUser,
    'request_id,ts,model,provider,user,input_tokens,output_tokens\nr-2,2025-10-02,m,p,u-7,10,1\n',
  );
  const w = await Store.open(db);
  try {
    assert.equal(SCHEMA_VERSION, 4);
    const v = await w.one<{ value: string }>("SELECT value FROM meta WHERE key = 'schema_version'");
    assert.equal(v!.value, '4');
    const [again, added] = await ingestFiles(w, [noId, withUser]);
    // the id-less row keeps its schema-3 key: the same file adds nothing
    assert.deepEqual([again.accepted, again.duplicates], [0, 1]);
    assert.deepEqual([added.accepted, added.duplicates], [1, 0]);
    assert.deepEqual(await w.all('SELECT request_id, session, user FROM requests ORDER BY ts'), [
      { request_id: 'r-1', session: 's-1', user: null },
      { request_id: NO_ID_V3_KEY, session: null, user: null },
      { request_id: 'r-2', session: null, user: 'u-7' },
    ]);
  } finally {
    w.close();
  }
  // upgraded: readers open it
  (await Store.open(db, { readOnly: true })).close();
});

test('a CSV with a user column lands in requests.user; without one it stays empty', async () => {
  const dir = tmpDir();
  const log = path.join(dir, 'log.csv');
  writeFileSync(
    log,
    'request_id,ts,model,provider,app,user,input_tokens,output_tokens\n' +
      'a,2025-10-01,m,p,chat,alice,10,1\n' +
      'b,2025-10-01,m,p,chat, bob ,10,1\n' +
      'c,2025-10-01,m,p,chat,,10,1\n',
  );
  const bare = path.join(dir, 'bare.csv');
  // DuckDB reads a bare `user` that names no column as its current user: that must never reach the table
  writeFileSync(bare, 'request_id,ts,model,provider,input_tokens,output_tokens\nd,2025-10-01,m,p,10,1\n');
  const s = await Store.open(':memory:');
  try {
    await ingestFiles(s, [log, bare]);
    assert.deepEqual(await s.all('SELECT request_id, user FROM requests ORDER BY request_id'), [
      { request_id: 'a', user: 'alice' },
      { request_id: 'b', user: 'bob' }, // trimmed, like every text cell
      { request_id: 'c', user: null }, // empty: none
      { request_id: 'd', user: null },
    ]);
  } finally {
    s.close();
  }
});
