/**
 * Writes the output tables with DuckDB's COPY, with exactly the canonical columns
 * and types of the store schema.
 */
import { quotedIdentifier, quotedString } from '@duckdb/node-api';
import path from 'node:path';
import { type Store } from '../store/db.js';
import { sqlType, TABLES, type TableKind } from '../store/schema.js';
import { OUTPUT_ORDER } from './sql.js';

export type DataFormat = 'parquet' | 'csv';

export interface WrittenTable {
  table: TableKind;
  file: string;
  rows: number;
}

/** Canonical columns written for a table: all of them except the optional `region` of latency. */
export function outputColumns(table: TableKind): { name: string; sql: string }[] {
  return TABLES[table].columns
    .filter((c) => !(table === 'latency' && c.name === 'region'))
    .map((c) => ({
      name: c.name,
      sql: `CAST(${quotedIdentifier(c.name)} AS ${sqlType(c.type)}) AS ${quotedIdentifier(c.name)}`,
    }));
}

const COPY_OPTIONS: Record<DataFormat, string> = {
  parquet: 'FORMAT parquet, COMPRESSION zstd',
  csv: "FORMAT csv, HEADER true, TIMESTAMPFORMAT '%Y-%m-%dT%H:%M:%S.%gZ', DATEFORMAT '%Y-%m-%d'",
};

export async function writeTable(
  store: Store,
  table: TableKind,
  dir: string,
  format: DataFormat,
): Promise<WrittenTable> {
  const file = path.join(dir, `${table}.${format}`);
  const columns = outputColumns(table)
    .map((c) => c.sql)
    .join(', ');
  const source = quotedIdentifier(`o_${table}`);
  await store.run(
    `COPY (SELECT ${columns} FROM ${source} ORDER BY ${OUTPUT_ORDER[table]}) TO ${quotedString(file)} (${COPY_OPTIONS[format]})`,
  );
  const counted = await store.one<{ n: number }>(`SELECT count(*) AS n FROM ${source}`);
  return { table, file, rows: counted?.n ?? 0 };
}
