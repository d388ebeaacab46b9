/**
 * The benchmark's reference: a plain CREATE TABLE AS over read_parquet, nothing else. With `requests` as a
 * third argument, the same file inserted by name into ai-ping's empty tables (as its schema makes them) instead:
 * what the width of the canonical `requests` table costs a load, before any of ingest's own work.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { schemaDdl } from '../src/store/schema.js';

const [db, parquet, into] = process.argv.slice(2);
const instance = await DuckDBInstance.create(db);
const conn = await instance.connect();
try {
  if (into === 'requests') {
    for (const ddl of schemaDdl()) await conn.run(ddl);
    // as ingest inserts: the rows in any order
    await conn.run('SET preserve_insertion_order = false');
    await conn.run('INSERT INTO requests BY NAME SELECT * FROM read_parquet($1)', [parquet]);
  } else await conn.run('CREATE TABLE requests AS SELECT * FROM read_parquet($1)', [parquet]);
} finally {
  conn.closeSync();
  instance.closeSync();
}
