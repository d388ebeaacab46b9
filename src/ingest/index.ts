import { quotedIdentifier, quotedString } from '@duckdb/node-api';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.js';
import { firstLine, Store } from '../store/db.js';
import { readValue, TABLES, type ColumnDef, type TableKind } from '../store/schema.js';
import { expandSources, type SkippedFile, type SourceFile } from './sources.js';
import type { Preset } from './presets/relations.js';
import { closeSource, openSource, type Source } from './stage.js';
import {
  inferKind,
  jsonStructurePaths,
  knownPaths,
  namesAnyColumn,
  NO_SOURCE,
  unknownPath,
  validationSql,
  type ColumnSources,
  type ValidationSql,
} from './validate.js';

export interface IngestFilesOptions {
  kind?: TableKind;
  /** canonical column → constant, for every file */
  set?: Record<string, string>;
  /** canonical column → source column name */
  map?: Record<string, string>;
  /** any rejected row fails the whole ingest */
  strict?: boolean;
  /** reads a known real-world layout instead of canonical columns */
  preset?: Preset;
  onProgress?: (msg: string) => void;
  /** told about each stray file of a folder argument, which is not read */
  onSkip?: (skipped: SkippedFile) => void;
}

export interface RejectSample {
  row: number;
  field: string;
  reason: string;
}

export interface FileCounts {
  /** this file's entry in the `ingests` log */
  ingestId: number;
  file: string;
  kind: TableKind;
  read: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  /** the first few rejected rows, for messages */
  rejects: RejectSample[];
  /** what the preset found worth telling about the rows it made (e.g. one model priced two ways) */
  warnings?: string[];
}

const SAMPLE_REJECTS = 5;

export function fileHash(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (d) => h.update(d))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

const SEP = "'\u001f'";
/**
 * A row's values as text for its content hash, an empty one as `\N`; an empty cell of a column
 * hashed only when set is left out (`concat_ws` skips NULL), keeping the hash an earlier schema gave.
 */
const asText = (kind: TableKind, cols: readonly ColumnDef[]) =>
  cols
    .map((c) => {
      const text = `CAST(${readValue(kind, c.name, quotedIdentifier(c.name))} AS VARCHAR)`;
      return c.hashedWhenSet ? text : `coalesce(${text}, '\\N')`;
    })
    .join(', ');

/** A stored row from before the ingest after `base` (a row written without an ingest id is one too). */
const fromBefore = (base: number, alias = '') => `(${alias}ingest_id <= ${base} OR ${alias}ingest_id IS NULL)`;

/**
 * The valid rows of a file with their identity `key`. Requests keep their
 * logged id; within the file, a repeated id keeps its first valid row; a request
 * without an id gets a hash of its content plus its occurrence among identical
 * rows. Measurement rows are identified by a hash of their values (plus, for
 * repeatable measurements, their occurrence among identical rows). Branches that
 * a file does not need are left out, so the common case is one scan. With `stored` (the table
 * holds rows; for requests, rows from before this ingest, `base`), rows whose key is stored already
 * are left out too: a logged id by `stored_ids` (storedIds), any other key by a join with those rows.
 * The other files of the same ingest are dropRepeats', at its end.
 */
function keyedRowsSql(
  kind: TableKind,
  v: ValidationSql,
  has: { dupIds: boolean; nullIds: boolean },
  stored: boolean,
  /** the last ingest id before this ingest */
  base: number,
): string {
  const cols = TABLES[kind].columns;
  const valid = `(${v.valid})`;
  const column = TABLES[kind].key === 'row' ? 'row_key' : 'request_id';
  const before = kind === 'requests' ? ` AND ${fromBefore(base, 't.')}` : '';
  const unstored = (sql: string) =>
    stored
      ? `SELECT * FROM (${sql}) k WHERE NOT EXISTS (SELECT 1 FROM ${kind} t WHERE t.${column} = k.key${before})`
      : sql;
  if (kind !== 'requests') {
    const hashed = `SELECT *, md5(concat_ws(${SEP}, ${asText(kind, cols)})) AS h FROM ${valid}`;
    const numbered = `SELECT *, row_number() OVER (PARTITION BY h ORDER BY __row) AS occurrence FROM (${hashed})`;
    return unstored(
      TABLES[kind].repeatable
        ? `SELECT * EXCLUDE (h, occurrence), h || '-' || occurrence AS key FROM (${numbered})`
        : `SELECT * EXCLUDE (h, occurrence), h AS key FROM (${numbered}) WHERE occurrence = 1`,
    );
  }
  const content = asText(
    kind,
    cols.filter((c) => c.name !== 'request_id'),
  );
  const fresh = stored ? 'AND request_id NOT IN (SELECT key FROM stored_ids)' : '';
  const branches = [
    `SELECT *, request_id AS key FROM ${valid} WHERE request_id IS NOT NULL
       ${has.dupIds ? 'AND request_id NOT IN (SELECT key FROM dup_ids)' : ''} ${fresh}`,
  ];
  if (has.dupIds) {
    branches.push(`SELECT * EXCLUDE (occurrence), request_id AS key FROM (
      SELECT *, row_number() OVER (PARTITION BY request_id ORDER BY __row) AS occurrence
      FROM ${valid} WHERE request_id IN (SELECT key FROM dup_ids) ${fresh}) WHERE occurrence = 1`);
  }
  if (has.nullIds) {
    branches.push(
      unstored(`SELECT * EXCLUDE (h), h || '-' || row_number() OVER (PARTITION BY h ORDER BY __row) AS key
      FROM (SELECT *, md5(concat_ws(${SEP}, ${content})) AS h FROM ${valid} WHERE request_id IS NULL)`),
    );
  }
  return branches.join('\nUNION ALL BY NAME\n');
}

/**
 * The values of `key` that occur more than once among the rows of `sql`, and a NULL row when some key is
 * NULL: one sort, neighbours compared (a hash aggregate over every key took longer).
 */
const repeatsSql = (sql: string) =>
  `SELECT DISTINCT key FROM (SELECT key, lag(key) OVER (ORDER BY key) AS prev FROM (${sql})) WHERE key = prev OR key IS NULL`;

/**
 * Ids longer than this (bytes, on average over a file's first rows) are sorted by their 64-bit hashes: DuckDB
 * holds strings up to 12 bytes inline, and sorts them about as fast as the hashes, while longer ones take
 * several times as long (10 M UUIDs: 4.4-4.8 s against 1.2 s). For short ids the sort of the text measured
 * the faster whole ingest here (the `INSERT` after it ran 1.5-2 s faster).
 */
export const INLINE_ID_BYTES = 12;

/**
 * Whether any id occurs more than once in the file (then `dup_ids(key)` holds those ids) and whether any
 * row lacks an id, from one scan of that column; long ids by their hashes, whose candidates are then compared
 * as text (a second scan, only when some hash repeats), so two ids whose hashes collide are no duplicates.
 */
async function scanIds(store: Store, source: Source, v: ValidationSql): Promise<{ dupIds: boolean; nullIds: boolean }> {
  await store.run('DROP TABLE IF EXISTS dup_ids');
  if (v.raw.request_id === NO_SOURCE) return { dupIds: false, nullIds: true };
  const ids = `SELECT ${v.raw.request_id} AS key FROM ${source.relation} s`;
  const params = { ...source.params, ...v.params };
  const long = !!(
    await store.one<{ long: boolean | null }>(
      `SELECT avg(strlen(key)) > ${INLINE_ID_BYTES} AS long FROM (SELECT key FROM (${ids}) LIMIT 1000)`,
      params,
    )
  )?.long;
  const hashed = `SELECT CASE WHEN key IS NOT NULL THEN hash(key) END AS key FROM (${ids})`;
  await store.run(`CREATE OR REPLACE TEMP TABLE id_repeats AS ${repeatsSql(long ? hashed : ids)}`, params);
  const r = (await store.one<{ dup: number; nul: number }>(
    'SELECT count(key) AS dup, count(*) - count(key) AS nul FROM id_repeats',
  ))!;
  if (r.dup > 0)
    await store.run(
      `CREATE TEMP TABLE dup_ids AS ${
        long
          ? `SELECT key FROM (${ids}) WHERE key IS NOT NULL AND hash(key) IN (SELECT key FROM id_repeats WHERE key IS NOT NULL)
             GROUP BY key HAVING count(*) > 1`
          : 'SELECT key FROM id_repeats WHERE key IS NOT NULL'
      }`,
      params,
    );
  await store.run('DROP TABLE id_repeats');
  const dupIds = r.dup > 0 && !!(await store.one('SELECT 1 AS x FROM dup_ids LIMIT 1'));
  return { dupIds, nullIds: r.nul > 0 };
}

/**
 * `stored_ids(key)`: the file's logged ids that the requests table held before this ingest (`base`, the
 * last ingest id before it; this ingest's rows are skipped by their row groups' bounds, so the check does
 * not grow with every file loaded). The table is read against the file's ids, so that the join holds the
 * file's ids, not the whole table's.
 */
async function storedIds(store: Store, source: Source, v: ValidationSql, base: number): Promise<void> {
  await store.run(
    `CREATE OR REPLACE TEMP TABLE stored_ids AS
     SELECT DISTINCT request_id AS key FROM requests
     WHERE ${fromBefore(base)} AND request_id IN (SELECT ${v.raw.request_id} FROM ${source.relation} s)`,
    { ...source.params, ...v.params },
  );
}

/**
 * A request that two files of one ingest both hold: each file was checked against the rows from before
 * the ingest and within itself only, so both landed. The later file's row is a duplicate: removed here
 * and counted in `results` and the `ingests` log. One sort of the 64-bit hashes of the ingest's ids finds
 * the candidates, whose ids are then compared as text.
 */
async function dropRepeats(
  store: Store,
  base: number,
  results: FileCounts[],
  onProgress?: (msg: string) => void,
): Promise<void> {
  const loaded = results.filter((r) => r.kind === 'requests' && r.accepted > 0).length;
  if (loaded < 2) return;
  onProgress?.(`request ids across ${loaded} files`);
  await store.run(
    `CREATE OR REPLACE TEMP TABLE dup_hashes AS
     ${repeatsSql(`SELECT hash(request_id) AS key FROM requests WHERE ingest_id > ${base}`)}`,
  );
  if (await store.one('SELECT 1 AS x FROM dup_hashes LIMIT 1')) {
    // within one file an id is kept once, so every row of a later file than the id's first is one to drop
    await store.run(
      `CREATE OR REPLACE TEMP TABLE repeats AS SELECT row_id, ingest_id FROM (
         SELECT rowid AS row_id, ingest_id, min(ingest_id) OVER (PARTITION BY request_id) AS first
         FROM requests WHERE ingest_id > ${base} AND hash(request_id) IN (SELECT key FROM dup_hashes)
       ) WHERE ingest_id > first`,
    );
    await store.run('DELETE FROM requests WHERE rowid IN (SELECT row_id FROM repeats)');
    const counts = await store.all<{ id: number; n: number }>(
      'SELECT ingest_id AS id, count(*) AS n FROM repeats GROUP BY ingest_id',
    );
    for (const { id, n } of counts) {
      const r = results.find((x) => x.ingestId === id)!;
      r.accepted -= n;
      r.duplicates += n;
      await store.run('UPDATE ingests SET accepted = $1, duplicates = $2 WHERE ingest_id = $3', [
        r.accepted,
        r.duplicates,
        id,
      ]);
    }
  }
  for (const t of ['dup_hashes', 'repeats']) await store.run(`DROP TABLE IF EXISTS ${t}`);
}

/**
 * A `--map` path into JSON must name a key that some row has: otherwise it is a misspelling, or the
 * column holds no JSON, and it would read as a column of NULLs. The error lists the keys the rows have.
 */
async function checkJsonPaths(store: Store, source: Source, v: ValidationSql, file: string): Promise<void> {
  if (v.jsonPaths.length === 0) return;
  const found = (await store.one<Record<string, boolean | null>>(
    `SELECT ${v.jsonPaths.map((p, i) => `bool_or(json_exists(${p.json.expr}, ${quotedString(p.json.pointer)})) AS p${i}`).join(', ')}
     FROM ${source.relation} s`,
    source.params,
  ))!;
  const missing = v.jsonPaths.find((_p, i) => !found[`p${i}`]);
  if (!missing) return;
  const { structure } = (await store.one<{ structure: string | null }>(
    `SELECT CAST(json_group_structure(CASE WHEN json_type(j) = 'OBJECT' THEN j END) AS VARCHAR) AS structure
     FROM (SELECT ${missing.json.expr} AS j FROM ${source.relation} s)`,
    source.params,
  ))!;
  const keys = jsonStructurePaths(missing.json.node, JSON.parse(structure ?? 'null'));
  throw unknownPath(file, missing.column, missing.path, [...knownPaths(source.columns), ...keys]);
}

/** One relation to load into one canonical table: a file as it is, or what a preset makes of it. */
export interface LoadUnit {
  /** the table; inferred from the columns when absent */
  kind?: TableKind;
  source: Source;
  /** messages for the user about this relation's rows, printed after the ingest */
  warnings?: string[];
}

/**
 * Loads one relation inside the caller's transaction: appends the valid rows
 * not stored yet in one set-wise INSERT, then, only if some rows did not land,
 * finds and records the rejected ones.
 */
async function loadUnit(
  store: Store,
  src: SourceFile,
  unit: LoadUnit,
  ingestId: number,
  /** the file's content hash, still being computed while the rows load */
  contentHash: Promise<string>,
  opts: IngestFilesOptions,
  label: string,
  /** the last ingest id before this ingest */
  base: number,
): Promise<FileCounts> {
  const { source } = unit;
  const sources: ColumnSources = { set: { ...src.partitions, ...opts.set }, map: opts.map ?? {} };
  const kind = unit.kind ?? opts.kind ?? inferKind(source.columns, sources, src.path);
  const def = TABLES[kind];
  const v = validationSql(kind, source.columns, sources, src.path, source.relation);
  await checkJsonPaths(store, source, v, src.path);
  const params = { ...source.params, ...v.params };
  const has = kind === 'requests' ? await scanIds(store, source, v) : { dupIds: false, nullIds: false };
  const cols = def.columns.map((c) => c.name);
  const stored = def.key === 'row' ? [...cols, 'row_key'] : cols;
  const selected = def.key === 'row' ? [...cols, 'key'] : cols.map((c) => (c === 'request_id' ? 'key' : c));
  const list = (names: string[]) => names.map((n) => quotedIdentifier(n)).join(', ');
  // Into an empty table nothing can be a stored duplicate: skip that join. Requests are checked against the
  // rows from before this ingest (the other files of the ingest by dropRepeats, at its end).
  const holds = !!(await store.one(
    `SELECT 1 AS x FROM ${kind} ${kind === 'requests' ? `WHERE ${fromBefore(base)}` : ''} LIMIT 1`,
  ));
  if (holds && kind === 'requests') await storedIds(store, source, v, base);

  // Row order in the table does not matter (rows carry their own keys), and not preserving it lets the
  // insert run fully in parallel: a fifth faster than keeping the file's order, for about twice the memory.
  await store.run('SET preserve_insertion_order = false');
  const accepted = await store.runWithProgress(
    `INSERT INTO ${kind} (${list([...stored, 'ingest_id'])})
     SELECT ${list(selected)}, $ingest_id FROM (${keyedRowsSql(kind, v, has, holds, base)})`,
    { ...params, ingest_id: String(ingestId) },
    opts.onProgress && ((pct) => opts.onProgress!(`${label}: ${pct.toFixed(0)}%`)),
  );
  await store.run('RESET preserve_insertion_order');
  const read = (await store.one<{ n: number }>(`SELECT count(*) AS n FROM ${source.relation} s`, source.params))!.n;

  let rejected = 0;
  const samples: RejectSample[] = [];
  if (accepted < read) {
    await store.run('DROP TABLE IF EXISTS bad_rows');
    await store.run(`CREATE TEMP TABLE bad_rows AS ${v.invalid}`, params);
    rejected = (await store.one<{ n: number }>('SELECT count(*) AS n FROM bad_rows'))!.n;
    samples.push(
      ...(await store.all<RejectSample>(
        `SELECT __row AS row, split_part(problems[1], ':', 1) AS field, array_to_string(problems, '; ') AS reason
         FROM bad_rows ORDER BY __row LIMIT ${SAMPLE_REJECTS}`,
      )),
    );
  }
  // The reader's rejects and validation's, merged: the file's first rejected rows, whichever found them.
  samples.push(
    ...source.csvRejects
      .slice(0, SAMPLE_REJECTS)
      .map((r) => ({ row: r.row, field: r.field ?? '', reason: `line ${r.line}: ${r.reason}` })),
  );
  samples.sort((a, b) => a.row - b.row).splice(SAMPLE_REJECTS);
  // A re-ingested file does not record its rejects twice.
  const hash = await contentHash;
  const seenBefore = (await store.one<{ n: number }>(
    'SELECT count(*) AS n FROM ingests WHERE content_hash = $1 AND kind = $2',
    [hash, kind],
  ))!.n;
  if (!seenBefore && rejected > 0) {
    const rawRow = `to_json(struct_pack(${source.columns.map((c) => `${quotedIdentifier(c.name)} := s.${quotedIdentifier(c.name)}`).join(', ')}))`;
    await store.run(
      `INSERT INTO rejects
       SELECT $ingest_id, $path, $kind, b.__row, split_part(b.problems[1], ':', 1), array_to_string(b.problems, '; '), ${rawRow}::VARCHAR
       FROM ${source.relation} s JOIN bad_rows b ON b.__row = s.__row`,
      { ...source.params, ingest_id: String(ingestId), path: src.path, kind },
    );
  }
  if (!seenBefore) {
    for (const r of source.csvRejects) {
      await store.run('INSERT INTO rejects VALUES ($1, $2, $3, $4, $5, $6, $7)', [
        ingestId,
        src.path,
        kind,
        r.row,
        r.field,
        `line ${r.line}: ${r.reason}`,
        r.raw,
      ]);
    }
  }
  rejected += source.csvRejects.length;
  const result: FileCounts = {
    ingestId,
    file: src.path,
    kind,
    read: read + source.csvRejects.length,
    accepted,
    duplicates: read - (rejected - source.csvRejects.length) - accepted,
    rejected,
    rejects: samples,
    ...(unit.warnings?.length ? { warnings: unit.warnings } : {}),
  };
  await store.run('INSERT INTO ingests VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now()::TIMESTAMP)', [
    ingestId,
    src.path,
    hash,
    kind,
    result.read,
    result.accepted,
    result.duplicates,
    result.rejected,
  ]);
  for (const t of ['dup_ids', 'stored_ids', 'bad_rows']) await store.run(`DROP TABLE IF EXISTS ${t}`);
  return result;
}

/** DuckDB's errors for data it cannot read, as opposed to a statement of ours that is wrong. */
const READ_FAILURE = /^(IO|Invalid|Invalid Input|Conversion|Out of Range) Error/;

/**
 * The relations a file yields: itself, or what its preset makes of it; none for a file found in
 * a folder whose columns are no table's (it is skipped, and the caller told).
 */
async function unitsOf(store: Store, src: SourceFile, opts: IngestFilesOptions): Promise<LoadUnit[]> {
  if (opts.preset) return opts.preset.open(store, src, { set: opts.set ?? {} });
  const source = await openSource(store, src);
  if (src.inFolder && !namesAnyColumn(source.columns, opts.map ?? {}, opts.kind)) {
    const names = source.columns.slice(0, 5).map((c) => (c.name.length > 40 ? `${c.name.slice(0, 40)}…` : c.name));
    const more = source.columns.length > 5 ? `, … ${source.columns.length - 5} more` : '';
    opts.onSkip?.({
      file: src.path,
      reason: `not ${opts.kind ? `a ${opts.kind} table` : 'a table ai-ping reads'}: no known column (columns: ${names.join(', ')}${more})`,
    });
    return [];
  }
  return [{ kind: opts.kind, source }];
}

/** Expands the arguments into files, DuckDB's glob doing the pattern matching. */
export async function resolveFiles(
  store: Store,
  args: string[],
  onSkip?: (skipped: SkippedFile) => void,
): Promise<SourceFile[]> {
  return expandSources(
    args,
    async (pattern) => (await store.all<{ file: string }>('SELECT file FROM glob($1)', [pattern])).map((r) => r.file),
    onSkip,
  );
}

/**
 * Ingests files into the store as one transaction: a whole-file problem, or a
 * rejected row under `strict`, rolls everything back.
 */
export async function ingestFiles(store: Store, args: string[], opts: IngestFilesOptions = {}): Promise<FileCounts[]> {
  const files = await resolveFiles(store, args, opts.onSkip);
  const strays: SkippedFile[] = [];
  const onSkip = (s: SkippedFile) => {
    strays.push(s);
    opts.onSkip?.(s);
  };
  const results = await store.transaction(async () => {
    const base = (await store.one<{ id: number }>('SELECT coalesce(max(ingest_id), 0) AS id FROM ingests'))!.id;
    const results: FileCounts[] = [];
    for (const [i, f] of files.entries()) {
      const label = `[${i + 1}/${files.length}] ${path.basename(f.path)}`;
      opts.onProgress?.(label);
      // hashed while its rows load; a file skipped (no table's columns) never awaits it
      const hash = fileHash(f.path);
      hash.catch(() => undefined);
      try {
        const units = await unitsOf(store, f, { ...opts, onSkip });
        for (const unit of units) {
          const counts = await loadUnit(store, f, unit, base + results.length + 1, hash, opts, label, base);
          if (opts.strict && counts.rejected > 0) {
            const first = counts.rejects[0];
            throw new InputError(
              `${f.path}: ${counts.rejected} row(s) rejected under --strict; nothing was ingested. ` +
                `First: row ${first.row}, ${first.reason}`,
            );
          }
          results.push(counts);
        }
      } catch (e) {
        // a file whose body DuckDB cannot read (a corrupt Parquet page, say) fails only once its rows are loaded
        if (e instanceof Error && READ_FAILURE.test(e.message)) {
          throw new InputError(`${f.path}: cannot read: ${firstLine(e.message)}`);
        }
        throw e;
      }
      await closeSource(store);
    }
    await dropRepeats(store, base, results, opts.onProgress);
    return results;
  });
  if (files.length > 0 && strays.length === files.length) {
    throw new InputError(
      `${args.join(', ')}: no file holds a table ai-ping reads; first: ${strays[0].file}: ${strays[0].reason}`,
    );
  }
  return results;
}

/**
 * Reads one file as a canonical table without touching any database: used for side inputs
 * such as `--catalog FILE`. Without `kind`, the table is inferred from the columns and must
 * be one of `allowed`. Rejected rows are an error here.
 */
export async function readTable(
  file: string,
  kind: TableKind | undefined,
  allowed: readonly TableKind[] = kind ? [kind] : [],
): Promise<{ kind: TableKind; rows: Record<string, unknown>[] }> {
  const store = await Store.open(':memory:');
  try {
    const [counts] = await ingestFiles(store, [file], { kind, strict: true });
    const read = counts?.kind ?? kind ?? allowed[0];
    if (!allowed.includes(read)) {
      throw new InputError(`${file}: holds ${read} rows; expected ${allowed.join(' or ')} columns`);
    }
    const rows = await store.all(
      `SELECT * EXCLUDE (ingest_id${TABLES[read].key === 'row' ? ', row_key' : ''}) FROM ${read}`,
    );
    return { kind: read, rows };
  } finally {
    store.close();
  }
}
