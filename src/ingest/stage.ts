import { quotedIdentifier } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tableFromIPC, Type, type Table } from 'apache-arrow';
import { InputError, ResourceError } from '../errors.js';
import { firstLine, type Store } from '../store/db.js';
import type { SourceFile } from './sources.js';

export interface StagedColumn {
  name: string;
  type: string;
}

export const STAGE = 'stage_raw';

function readerSql(format: SourceFile['format']): string {
  switch (format) {
    case 'parquet':
      return 'read_parquet($1, hive_partitioning = false, union_by_name = false)';
    case 'csv':
      // Text cells stay text: validation parses them and names what is wrong.
      return `read_csv($1, all_varchar = true, header = true, null_padding = true, hive_partitioning = false,
        ignore_errors = true, store_rejects = true, rejects_table = 'csv_reject_errors', rejects_scan = 'csv_reject_scans')`;
    case 'json':
      return `read_json($1, format = 'auto', records = 'auto', hive_partitioning = false,
        maximum_object_size = 268435456, sample_size = -1)`;
    case 'arrow':
      throw new Error('arrow files are staged through apache-arrow');
  }
}

export interface Source {
  /** a parenthesised relation: the file's columns plus `__row`, its 1-based row number */
  relation: string;
  /** named parameters the relation uses */
  params: Record<string, string>;
  columns: StagedColumn[];
  /** lines the CSV reader could not parse */
  csvRejects: CsvReject[];
}

/**
 * Opens one file as a relation. Parquet is read in place (it numbers its own
 * rows); other formats are staged into the temp table `stage_raw` first, in file
 * order. Unreadable files raise InputError naming the file.
 */
export async function openSource(store: Store, src: SourceFile): Promise<Source> {
  await store.run(`DROP TABLE IF EXISTS ${STAGE}`);
  let csvRejects: CsvReject[] = [];
  let relation: string;
  let params: Record<string, string> = {};
  try {
    if (src.format === 'parquet') {
      params = { file: src.path };
      relation = `(SELECT * EXCLUDE (file_row_number), file_row_number + 1 AS __row
        FROM read_parquet($file, file_row_number = true, hive_partitioning = false))`;
      await store.all(`SELECT * FROM ${relation} LIMIT 0`, params);
    } else {
      if (src.format === 'arrow') await stageArrow(store, src.path);
      else {
        // A fresh table keeps insertion order, so rowid order is file order.
        await store.run(`CREATE TEMP TABLE ${STAGE} AS SELECT * FROM ${readerSql(src.format)}`, [src.path]);
        if (src.format === 'csv') csvRejects = await takeCsvRejects(store);
      }
      relation = `(SELECT *, rowid - (SELECT min(rowid) FROM ${STAGE}) + 1 AS __row FROM ${STAGE})`;
      if (csvRejects.length) relation = await skipRejectedRows(store, relation, csvRejects);
    }
  } catch (e) {
    // a CSV or JSON file larger than memory can be read, but not under this ceiling
    if (e instanceof InputError || e instanceof ResourceError) throw e;
    throw new InputError(`${src.path}: cannot read as ${src.format}: ${firstLine((e as Error).message)}`);
  }
  const columns = (
    await store.all<{ column_name: string; column_type: string }>(`DESCRIBE SELECT * FROM ${relation}`, params)
  )
    .filter((c) => c.column_name !== '__row')
    .map((c) => ({ name: c.column_name, type: c.column_type }));
  if (columns.length === 0) throw new InputError(`${src.path}: no columns found`);
  return { relation, params, columns, csvRejects };
}

/** Drops the temp tables a file was staged into (`stage_*`, by convention also for presets). */
export async function closeSource(store: Store): Promise<void> {
  const tables = await store.all<{ name: string }>(
    "SELECT table_name AS name FROM duckdb_tables() WHERE temporary AND starts_with(table_name, 'stage_')",
  );
  for (const t of tables) await store.run(`DROP TABLE IF EXISTS ${quotedIdentifier(t.name)}`);
}

/**
 * Row numbers that count the lines the CSV reader rejected, so a row's number
 * is its position among the file's data rows: the k-th staged row is data row
 * k + #{rejected rows j : r_j - j < k} (r_j the rejected rows in order).
 */
async function skipRejectedRows(store: Store, relation: string, rejects: CsvReject[]): Promise<string> {
  await store.run('CREATE OR REPLACE TEMP TABLE stage_csv_gaps (pos BIGINT)');
  for (const [j, r] of rejects.entries()) await store.run('INSERT INTO stage_csv_gaps VALUES ($1)', [r.row - (j + 1)]);
  return `(SELECT * EXCLUDE (__row), __row + (SELECT count(*) FROM stage_csv_gaps g WHERE g.pos < k.__row) AS __row
    FROM ${relation} k)`;
}

export interface CsvReject {
  /** the data row (header excluded) the reader could not parse */
  row: number;
  /** its line in the file */
  line: number;
  /** the first column the reader names for the line, if it names one */
  field: string | null;
  reason: string;
  raw: string;
}

/** One cell the CSV reader flagged: its column, when it names one, and what is wrong. */
interface CsvProblem {
  name: string | null;
  message: string;
}

/**
 * Lines the CSV reader itself could not parse (unterminated quotes, bad encoding): one per line,
 * however many cells of it the reader flags, so that a line counts and is kept once.
 */
async function takeCsvRejects(store: Store): Promise<CsvReject[]> {
  const rows = await store.all<{ line: number; raw: string | null; problems: CsvProblem[] }>(
    `SELECT line, any_value(csv_line) AS raw,
       list(struct_pack(name := column_name, message := error_message) ORDER BY byte_position, column_idx) AS problems
     FROM csv_reject_errors GROUP BY line ORDER BY line`,
  );
  await store.run('DROP TABLE IF EXISTS csv_reject_errors');
  await store.run('DROP TABLE IF EXISTS csv_reject_scans');
  // One header line: data row = line - 1.
  return rows.map((r) => ({
    row: Number(r.line) - 1,
    line: Number(r.line),
    field: r.problems.find((p) => p.name)?.name ?? null,
    reason: csvReason(r.problems),
    raw: String(r.raw ?? ''),
  }));
}

/** "model, provider: Invalid unicode …": each distinct message once, after the columns it was found in. */
function csvReason(problems: CsvProblem[]): string {
  const columns = new Map<string, string[]>();
  for (const p of problems) {
    const message = firstLine(String(p.message));
    const seen = columns.get(message) ?? [];
    if (p.name && !seen.includes(p.name)) seen.push(p.name);
    columns.set(message, seen);
  }
  return [...columns].map(([message, cols]) => (cols.length ? `${cols.join(', ')}: ${message}` : message)).join('; ');
}

function arrowCell(v: unknown, typeId: Type): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  if ((typeId === Type.Timestamp || typeId === Type.Date) && typeof v === 'number') return new Date(v).toISOString();
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'object') return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
  return String(v);
}

/** Arrow IPC (file or stream format) read with apache-arrow, staged as text cells. */
async function stageArrow(store: Store, file: string): Promise<void> {
  let table: Table;
  try {
    let bytes: Buffer = readFileSync(file);
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
    table = tableFromIPC(bytes);
  } catch (e) {
    throw new InputError(`${file}: cannot read as Arrow IPC: ${firstLine((e as Error).message)}`);
  }
  const fields = table.schema.fields;
  if (fields.length === 0) throw new InputError(`${file}: no columns found`);
  await store.run(
    `CREATE TEMP TABLE ${STAGE} (${fields.map((f) => `${quotedIdentifier(f.name)} VARCHAR`).join(', ')})`,
  );
  const appender = await store.conn.createAppender(STAGE, 'main', 'temp');
  try {
    const columns = fields.map((f, i) => ({ vec: table.getChildAt(i)!, typeId: f.typeId }));
    for (let r = 0; r < table.numRows; r++) {
      for (const c of columns) {
        const cell = arrowCell(c.vec.get(r), c.typeId);
        if (cell === null) appender.appendNull();
        else appender.appendVarchar(cell);
      }
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}
