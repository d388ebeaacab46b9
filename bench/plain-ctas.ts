/** The benchmark's reference: a plain CREATE TABLE AS over read_parquet, nothing else. */
import { DuckDBInstance } from '@duckdb/node-api';

const [db, parquet] = process.argv.slice(2);
const instance = await DuckDBInstance.create(db);
const conn = await instance.connect();
try {
  await conn.run('CREATE TABLE requests AS SELECT * FROM read_parquet($1)', [parquet]);
} finally {
  conn.closeSync();
  instance.closeSync();
}
