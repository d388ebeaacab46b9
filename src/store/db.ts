import {
  DuckDBConnection,
  DuckDBInstance,
  quotedIdentifier,
  type DuckDBDataChunk,
  type DuckDBValue,
} from '@duckdb/node-api';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, ResourceError } from '../errors.js';
import { SCHEMA_VERSION, schemaDdl, sqlType, TABLE_KINDS, TABLES } from './schema.js';

export type Params = DuckDBValue[] | Record<string, DuckDBValue>;
export type Row = Record<string, unknown>;

/** BIGINT / HUGEINT results become numbers, in lists and structs too; dates stay Date objects. */
function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  }
  return v;
}

/**
 * Named parameters the statement actually references: SQL assembled from
 * fragments can share one parameter object, and DuckDB rejects unknown names.
 */
function usedParams(sql: string, params?: Params): Params | undefined {
  if (!params || Array.isArray(params)) return params;
  return Object.fromEntries(Object.entries(params).filter(([k]) => new RegExp(`\\$${k}\\b`).test(sql)));
}

/**
 * DuckDB's out-of-memory error (its ceiling reached by work it cannot spill, or the spill folder full) as
 * one line that says what would change it; any other error as it is.
 */
function failed(e: unknown): never {
  const msg = e instanceof Error ? e.message : '';
  const oom = /^Out of Memory Error: (.*)/.exec(firstLine(msg));
  if (!oom) throw e;
  throw new ResourceError(
    `DuckDB ran out of memory (${oom[1]}); raise its ceiling with --memory-limit or AI_PING_MEMORY_LIMIT, free disk where it spills (--temp-dir), or run on fewer requests`,
  );
}

/** Whether each statement's time goes to stderr (the CLI sets it from AI_PING_DEBUG=sql). */
let debugging = false;
export function debugSql(on: boolean): void {
  debugging = on;
}

function logSql(sql: string, t0: number): void {
  const ms = (performance.now() - t0).toFixed(0).padStart(6);
  process.stderr.write(`[sql ${ms} ms] ${sql.replace(/\s+/g, ' ').slice(0, 110)}\n`);
}

/**
 * The tool works offline: DuckDB never installs or loads an extension on its own (a SQLite file
 * given as --db would otherwise make it download sqlite_scanner). Parquet, JSON and ICU are built in.
 */
const OFFLINE = { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' };

/**
 * DuckDB's memory ceiling and spill folder, so a run larger than memory spills to disk instead of
 * failing: `AI_PING_MEMORY_LIMIT` (e.g. `8GB`; default DEFAULT_MEMORY_SHARE of the memory DuckDB
 * finds, see defaultMemoryLimit) and `AI_PING_TEMP_DIR` (default: DuckDB's `<db>.tmp` beside a
 * database file, and a folder under the system's temporary directory for a database in memory, which
 * would otherwise spill into `./.tmp`).
 */
function resources(path: string): Record<string, string> {
  const memory = process.env.AI_PING_MEMORY_LIMIT;
  const temp = process.env.AI_PING_TEMP_DIR || (path === ':memory:' ? join(tmpdir(), 'ai-ping-spill') : undefined);
  return { ...(memory ? { memory_limit: memory } : {}), ...(temp ? { temp_directory: temp } : {}) };
}

/**
 * The share of the machine's memory (or of the container's, where it is limited) DuckDB may hold by
 * default. DuckDB's own default is 80%, which one replay of 100 M requests with cache chains filled to
 * 14 GB; with a ceiling it spills its sorts instead, and measured no slower for it (128 s under 1.5 GB
 * and 4 GB against 150 s and more without), while the markets of the benchmarks stay below a quarter.
 */
const DEFAULT_MEMORY_SHARE = 0.25;
/** DuckDB's default ceiling, as a share of the memory it finds. */
const DUCKDB_MEMORY_SHARE = 0.8;

const UNITS: Record<string, number> = { bytes: 1, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30, TiB: 2 ** 40 };

/** DEFAULT_MEMORY_SHARE of the memory DuckDB finds, from the ceiling it shows (`18.8 GiB`), in MiB. */
export function defaultMemoryLimit(shown: string): string | undefined {
  const m = /^([\d.]+) ?(bytes|KiB|MiB|GiB|TiB)$/.exec(shown);
  if (!m) return undefined;
  const bytes = (Number(m[1]) * UNITS[m[2]] * DEFAULT_MEMORY_SHARE) / DUCKDB_MEMORY_SHARE;
  return `${Math.floor(bytes / 2 ** 20)}MiB`;
}

export class Store {
  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    readonly conn: DuckDBConnection,
  ) {}

  /**
   * Opens (creating if needed) a database file, or ':memory:'. Maps DuckDB's
   * lock and version failures onto clear input errors.
   */
  static async open(path: string, opts: { readOnly?: boolean; init?: boolean } = {}): Promise<Store> {
    const given = resources(path);
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path, {
        ...OFFLINE,
        ...given,
        ...(opts.readOnly ? { access_mode: 'READ_ONLY' } : {}),
      });
    } catch (e) {
      const msg = (e as Error).message;
      if (/lock/i.test(msg)) {
        const pid = /PID (\d+)/.exec(msg)?.[1];
        throw new InputError(
          `database ${path} is in use by another process${pid ? ` (PID ${pid})` : ''}; wait for it to finish or use another --db`,
        );
      }
      // a file of another database's format: DuckDB would need one of its extensions to read it
      if (/Extension .* not found/i.test(msg)) {
        throw new InputError(
          `database ${path} is not a DuckDB database; --db takes a database that 'ai-ping ingest' wrote`,
        );
      }
      if (/No such file|does not exist/i.test(msg) && opts.readOnly) {
        throw new InputError(`database ${path} does not exist; run 'ai-ping ingest' first or pass --db`);
      }
      throw new InputError(`cannot open database ${path}: ${firstLine(msg)}`);
    }
    const conn = await instance.connect();
    const store = new Store(path, instance, conn);
    try {
      await store.run("SET TimeZone = 'UTC'");
      if (!given.memory_limit) {
        const shown = (await store.one<{ m: string }>("SELECT current_setting('memory_limit') AS m"))!.m;
        const limit = defaultMemoryLimit(shown);
        if (limit) await store.run(`SET memory_limit = '${limit}'`);
      }
      // Track query progress for our own progress line; DuckDB itself prints nothing.
      await store.run('SET enable_progress_bar = true');
      await store.run('SET enable_progress_bar_print = false');
      if (opts.init !== false) await store.ensureSchema(!opts.readOnly);
    } catch (e) {
      store.close();
      throw e;
    }
    return store;
  }

  private async ensureSchema(writable: boolean): Promise<void> {
    const hasMeta = await this.one<{ n: number }>(
      "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'meta' AND table_schema = 'main'",
    );
    if (hasMeta?.n) {
      const v = await this.one<{ value: string }>("SELECT value FROM meta WHERE key = 'schema_version'");
      const version = Number(v?.value ?? 0);
      if (version > SCHEMA_VERSION) {
        throw new InputError(
          `database ${this.path} has schema version ${version}, newer than this ai-ping understands (${SCHEMA_VERSION}); upgrade ai-ping`,
        );
      }
      if (version === SCHEMA_VERSION) return;
      if (!writable) {
        throw new InputError(
          `database ${this.path} was written by an earlier ai-ping (schema ${version}, now ${SCHEMA_VERSION}); any 'ai-ping ingest --db ${this.path} FILE' upgrades it in place`,
        );
      }
    } else {
      // a database ai-ping did not write: never add its tables beside someone else's, nor read it as ours
      const other = await this.one<{ name: string | null }>(
        'SELECT min(table_name) AS name FROM information_schema.tables WHERE table_catalog = current_database()',
      );
      if (other?.name) {
        throw new InputError(
          `database ${this.path} was not written by ai-ping (it holds table '${other.name}' and no ai-ping schema); pass another --db`,
        );
      }
    }
    if (!writable) return;
    await this.transaction(async () => {
      for (const sql of schemaDdl()) await this.run(sql);
      // an earlier schema's tables gain the columns added since, empty
      for (const sql of await this.missingColumnsDdl()) await this.run(sql);
      await this.run("INSERT OR REPLACE INTO meta VALUES ('schema_version', $1)", [String(SCHEMA_VERSION)]);
    });
  }

  private async missingColumnsDdl(): Promise<string[]> {
    const have = await this.all<{ t: string; c: string }>(
      "SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = 'main' AND table_catalog = current_database()",
    );
    const present = new Set(have.map((r) => `${r.t}.${r.c}`));
    return TABLE_KINDS.flatMap((kind) =>
      TABLES[kind].columns
        .filter((c) => !present.has(`${kind}.${c.name}`))
        .map((c) => `ALTER TABLE ${kind} ADD COLUMN ${quotedIdentifier(c.name)} ${sqlType(c.type)}`),
    );
  }

  async run(sql: string, params?: Params): Promise<number> {
    const t0 = debugging ? performance.now() : 0;
    const r = await this.conn.run(sql, usedParams(sql, params)).catch(failed);
    if (debugging) logSql(sql, t0);
    return r.rowsChanged;
  }

  /** Like run, calling `onProgress` with DuckDB's estimate (0..100) while the statement runs. */
  async runWithProgress(sql: string, params: Params | undefined, onProgress?: (pct: number) => void): Promise<number> {
    if (!onProgress) return this.run(sql, params);
    const timer = setInterval(() => {
      const pct = this.conn.progress.percentage;
      if (pct >= 0) onProgress(pct);
    }, 500);
    try {
      return await this.run(sql, params);
    } finally {
      clearInterval(timer);
    }
  }

  async all<T = Row>(sql: string, params?: Params): Promise<T[]> {
    const t0 = debugging ? performance.now() : 0;
    const reader = await this.conn.runAndReadAll(sql, usedParams(sql, params)).catch(failed);
    if (debugging) logSql(sql, t0);
    return reader.getRowObjectsJS().map((r) => {
      const o: Row = {};
      for (const [k, v] of Object.entries(r)) o[k] = plain(v);
      return o as T;
    });
  }

  /** A result read chunk by chunk, for large outputs (DuckDB runs the statement as they are read). */
  async *chunks(sql: string, params?: Params): AsyncGenerator<DuckDBDataChunk> {
    const result = await this.conn.stream(sql, usedParams(sql, params)).catch(failed);
    for (;;) {
      const chunk = await result.fetchChunk().catch(failed);
      if (!chunk || chunk.rowCount === 0) return;
      yield chunk;
    }
  }

  async one<T = Row>(sql: string, params?: Params): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    await this.run('BEGIN TRANSACTION');
    try {
      const out = await fn();
      await this.run('COMMIT');
      return out;
    } catch (e) {
      await this.run('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }

  close(): void {
    this.conn.closeSync();
    this.instance.closeSync();
  }
}

export function firstLine(s: string): string {
  return s.split('\n')[0];
}

/** Opens a store, runs fn, always closes. */
/**
 * Opens an existing database read-only; a missing file is an input error that says
 * what to do (`next`: e.g. "ingest request logs first") rather than an empty database.
 */
export async function openExisting(path: string, next: string): Promise<Store> {
  if (path !== ':memory:' && !existsSync(path)) throw new InputError(`database ${path} does not exist; ${next}`);
  return Store.open(path, { readOnly: true });
}

export async function withStore<T>(
  path: string,
  fn: (s: Store) => Promise<T>,
  opts: { readOnly?: boolean } = {},
): Promise<T> {
  const store = await Store.open(path, opts);
  try {
    return await fn(store);
  } finally {
    store.close();
  }
}
