/**
 * The canonical tables of the spec, described once. DDL, validation SQL and
 * kind inference are all derived from these definitions.
 */
import { quotedIdentifier, quotedString } from '@duckdb/node-api';

export type ColumnType = 'string' | 'timestamp' | 'date' | 'int' | 'float' | 'bool';

export interface ColumnDef {
  name: string;
  type: ColumnType;
  required?: boolean;
  /** Value used when the source lacks the column or the cell is empty. */
  default?: string;
  /**
   * The default is applied where the row is read (`readValue`), not stored: an empty cell is stored
   * NULL. A table as long as the request log would otherwise store the same text on every row of a
   * log without the column, which costs its load a quarter more than the columns the log has.
   */
  defaultOnRead?: boolean;
  /** Allowed values (lower-cased) for a string column. */
  values?: readonly string[];
  /** Numbers must be >= 0 (all token counts, prices and timings). */
  nonNegative?: boolean;
  /** Opaque identifier compared exactly: not trimmed. */
  verbatim?: boolean;
  /** Numbers above this are rejected rows: no real value is that large (prices, `MAX_PRICE`). */
  max?: number;
  /**
   * Added after rows were first identified by their content: an empty cell is left out of the
   * content hash, so a row without it keeps the identity an earlier schema gave it.
   */
  hashedWhenSet?: boolean;
}

/** The highest plausible price per 1 M tokens: a larger one is a unit error (per token, per 1 K), not a price. */
export const MAX_PRICE = 10_000;

export type TableKind = 'requests' | 'offerings' | 'prices' | 'latency' | 'probes' | 'catalog' | 'provider_catalog';

export interface TableDef {
  kind: TableKind;
  columns: readonly ColumnDef[];
  /**
   * Identity of a row: re-ingesting a row with the same key is a duplicate.
   * `request_id` for requests; the whole row for measurement tables.
   */
  key: 'request_id' | 'row';
  /**
   * Identical rows within one file are separate events (two probes that failed
   * alike), told apart by their occurrence; the same row in another file is
   * still a duplicate.
   */
  repeatable?: boolean;
}

const tokens = (name: string, required = false): ColumnDef => ({ name, type: 'int', required, nonNegative: true });
const money = (name: string, required = false): ColumnDef => ({ name, type: 'float', required, nonNegative: true });
const price = (name: string, required = false): ColumnDef => ({ ...money(name, required), max: MAX_PRICE });
const ms = (name: string): ColumnDef => ({ name, type: 'float', nonNegative: true });

export const TABLES: Record<TableKind, TableDef> = {
  requests: {
    kind: 'requests',
    key: 'request_id',
    columns: [
      { name: 'request_id', type: 'string', verbatim: true },
      { name: 'ts', type: 'timestamp', required: true },
      { name: 'model', type: 'string', required: true },
      { name: 'provider', type: 'string', required: true },
      { name: 'task', type: 'string' },
      { name: 'app', type: 'string' },
      { name: 'session', type: 'string' },
      // the end user the request was made for: the replay's cache key after session and app
      { name: 'user', type: 'string', hashedWhenSet: true },
      tokens('input_tokens', true),
      tokens('output_tokens', true),
      tokens('cached_tokens'),
      tokens('cache_write_tokens'),
      ms('ttft_ms'),
      ms('latency_ms'),
      { name: 'status', type: 'string', default: 'ok', defaultOnRead: true, values: ['ok', 'error'] },
      { name: 'error_type', type: 'string' },
      { name: 'features', type: 'string' },
      money('cost'),
      { name: 'currency', type: 'string', default: 'CNY', defaultOnRead: true },
    ],
  },
  offerings: {
    kind: 'offerings',
    key: 'row',
    columns: [
      { name: 'provider', type: 'string', required: true },
      { name: 'model', type: 'string', required: true },
      { name: 'official', type: 'bool', default: 'false' },
      { name: 'listed_from', type: 'date' },
      { name: 'listed_to', type: 'date' },
      tokens('context_length'),
      tokens('max_output_tokens'),
      { name: 'features', type: 'string' },
      { name: 'quantization', type: 'string' },
    ],
  },
  prices: {
    kind: 'prices',
    key: 'row',
    columns: [
      { name: 'ts', type: 'timestamp', required: true },
      { name: 'provider', type: 'string', required: true },
      { name: 'model', type: 'string', required: true },
      price('input_price', true),
      price('output_price', true),
      price('cached_input_price'),
      price('cache_write_price'),
      { name: 'tier_min_input_tokens', type: 'int', default: '0', nonNegative: true },
      { name: 'currency', type: 'string', default: 'CNY' },
    ],
  },
  latency: {
    kind: 'latency',
    key: 'row',
    repeatable: true,
    columns: [
      { name: 'ts', type: 'timestamp', required: true },
      { name: 'provider', type: 'string', required: true },
      { name: 'model', type: 'string', required: true },
      ms('ttft_ms'),
      { name: 'tps', type: 'float', nonNegative: true },
      ms('latency_ms'),
      { name: 'ok', type: 'bool', required: true },
      { name: 'error_type', type: 'string' },
      tokens('input_tokens'),
      { name: 'region', type: 'string' },
    ],
  },
  probes: {
    kind: 'probes',
    key: 'row',
    columns: [
      { name: 'ts', type: 'timestamp', required: true },
      { name: 'provider', type: 'string', required: true },
      { name: 'model', type: 'string', required: true },
      { name: 'feature', type: 'string', required: true },
      { name: 'passed', type: 'bool', required: true },
      { name: 'error_code', type: 'string' },
      { name: 'error_message', type: 'string' },
    ],
  },
  catalog: {
    kind: 'catalog',
    key: 'row',
    columns: [
      { name: 'alias', type: 'string', required: true },
      { name: 'model', type: 'string', required: true },
      { name: 'family', type: 'string' },
      { name: 'line', type: 'string' },
      { name: 'release_date', type: 'date' },
    ],
  },
  provider_catalog: {
    kind: 'provider_catalog',
    key: 'row',
    columns: [
      { name: 'alias', type: 'string', required: true },
      { name: 'provider', type: 'string', required: true },
      { name: 'kind', type: 'string', values: ['host', 'gateway'] },
    ],
  },
};

/** A stored column `expr` of `kind`'s column `name` as read: with its default where that is applied on reading. */
export function readValue(kind: TableKind, name: string, expr: string): string {
  const c = TABLES[kind].columns.find((col) => col.name === name)!;
  return c.defaultOnRead ? `coalesce(${expr}, ${quotedString(c.default!)})` : expr;
}

export const TABLE_KINDS = Object.keys(TABLES) as TableKind[];

export function isTableKind(s: string): s is TableKind {
  return (TABLE_KINDS as string[]).includes(s);
}

const SQL_TYPES: Record<ColumnType, string> = {
  string: 'VARCHAR',
  timestamp: 'TIMESTAMP',
  date: 'DATE',
  int: 'BIGINT',
  float: 'DOUBLE',
  bool: 'BOOLEAN',
};

export function sqlType(t: ColumnType): string {
  return SQL_TYPES[t];
}

/** Bump when the DDL changes; a database from a newer version is refused. */
export const SCHEMA_VERSION = 4;

export function schemaDdl(): string[] {
  const ddl = TABLE_KINDS.map((kind) => {
    const def = TABLES[kind];
    // every column name through the quoting helper: one of them, `user`, is an SQL keyword
    const cols = def.columns.map((c) => `${quotedIdentifier(c.name)} ${sqlType(c.type)}`);
    // Measurement tables keep a content hash of the canonical values as their identity.
    if (def.key === 'row') cols.push('row_key VARCHAR');
    cols.push('ingest_id BIGINT');
    return `CREATE TABLE IF NOT EXISTS ${kind} (${cols.join(', ')})`;
  });
  return [
    'CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)',
    ...ddl,
    `CREATE TABLE IF NOT EXISTS rejects (ingest_id BIGINT, file VARCHAR, kind VARCHAR, row_number BIGINT,
      field VARCHAR, reason VARCHAR, raw_row VARCHAR)`,
    // prices fitted from bills (`reconcile --save-prices`), by canonical model and provider; read by `simulate --prices`
    `CREATE TABLE IF NOT EXISTS billed_prices (ts TIMESTAMP, provider VARCHAR, model VARCHAR, input_price DOUBLE,
      output_price DOUBLE, cached_input_price DOUBLE, currency VARCHAR, r2 DOUBLE, n BIGINT, saved_at TIMESTAMP)`,
    `CREATE TABLE IF NOT EXISTS ingests (ingest_id BIGINT, file VARCHAR, content_hash VARCHAR, kind VARCHAR,
      read BIGINT, accepted BIGINT, duplicates BIGINT, rejected BIGINT, ingested_at TIMESTAMP)`,
  ];
}
