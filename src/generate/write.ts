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

/** The canonical columns the generated view `source` has (the market leaves optional ones out, e.g. latency's region), typed. */
async function outputColumns(store: Store, table: TableKind, source: string): Promise<string[]> {
  const present = new Set(
    (await store.all<{ column_name: string }>(`DESCRIBE SELECT * FROM ${source}`)).map((c) => c.column_name),
  );
  return TABLES[table].columns
    .filter((c) => present.has(c.name))
    .map((c) => `CAST(${quotedIdentifier(c.name)} AS ${sqlType(c.type)}) AS ${quotedIdentifier(c.name)}`);
}

/** Tables whose source is already in output order (written part by part); a COPY of a plain scan keeps it. */
const IN_ORDER: readonly TableKind[] = ['requests'];

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
  const source = quotedIdentifier(`o_${table}`);
  const columns = (await outputColumns(store, table, source)).join(', ');
  const order = IN_ORDER.includes(table) ? '' : ` ORDER BY ${OUTPUT_ORDER[table]}`;
  await store.run(`COPY (SELECT ${columns} FROM ${source}${order}) TO ${quotedString(file)} (${COPY_OPTIONS[format]})`);
  const counted = await store.one<{ n: number }>(`SELECT count(*) AS n FROM ${source}`);
  return { table, file, rows: counted?.n ?? 0 };
}
