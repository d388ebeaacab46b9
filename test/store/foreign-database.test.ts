/** A DuckDB database that ai-ping did not write is refused, by readers and by ingest, and left as it was. */
import { DuckDBInstance } from '@duckdb/node-api';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fixtures, runCli, tmpDir } from '../helpers.js';

test('a DuckDB file with tables of its own: exit 2 with one line, no ai-ping tables written into it', async () => {
  const db = path.join(tmpDir(), 'warehouse.duckdb');
  const instance = await DuckDBInstance.create(db);
  const conn = await instance.connect();
  await conn.run('CREATE TABLE sales (region VARCHAR, amount DOUBLE)');
  conn.closeSync();
  instance.closeSync();
  const before = readFileSync(db);
  const message = `ai-ping: database ${db} was not written by ai-ping (it holds table 'sales' and no ai-ping schema); pass another --db\n`;
  for (const args of [
    ['ingest', path.join(fixtures, 'ingest', 'requests.csv'), '--db', db],
    ['analyze', '--db', db],
    ['simulate', '--db', db, '--policy', 'cost'],
    ['report', '--db', db],
    ['providers', '--db', db],
  ]) {
    const r = runCli(args);
    assert.equal(r.code, 2, `${args[0]}: ${r.stderr}`);
    assert.equal(r.stderr, message, args[0]);
  }
  assert.deepEqual(readFileSync(db), before);
});
