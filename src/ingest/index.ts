import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { InputError } from '../errors.js';
import { Store } from '../store/db.js';
import { TABLES, type TableKind } from '../store/schema.js';
import { expandSources, type SourceFile } from './sources.js';
import { STAGE, stageFile } from './stage.js';
import { inferKind, validationSql, type ColumnSources } from './validate.js';

export interface IngestFilesOptions {
  kind?: TableKind;
  /** canonical column → constant, for every file */
  set?: Record<string, string>;
  /** canonical column → source column name */
  map?: Record<string, string>;
  /** any rejected row fails the whole ingest */
  strict?: boolean;
  onProgress?: (msg: string) => void;
}

export interface RejectSample {
  row: number;
  field: string;
  reason: string;
}

export interface FileCounts {
  file: string;
  kind: TableKind;
  read: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  /** the first few rejected rows, for messages */
  rejects: RejectSample[];
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

/** Identity of a measurement row: a hash over its canonical values. */
function rowKeySql(kind: TableKind): string {
  const cols = TABLES[kind].columns.map((c) => `coalesce(CAST(${c.name} AS VARCHAR), '\\N')`);
  return `md5(concat_ws('\u001f', ${cols.join(', ')}))`;
}

/**
 * Ingests one staged file inside the caller's transaction: validates set-wise,
 * records rejects, skips rows already stored, appends the rest.
 */
async function ingestOne(store: Store, src: SourceFile, ingestId: number, opts: IngestFilesOptions): Promise<FileCounts> {
  const hash = fileHash(src.path);
  const { columns, csvRejects } = await stageFile(store, src);
  const sources: ColumnSources = { set: { ...src.partitions, ...opts.set }, map: opts.map ?? {} };
  const kind = opts.kind ?? inferKind(columns, sources, src.path);
  const def = TABLES[kind];
  const { sql, params } = validationSql(kind, columns, sources, src.path, STAGE);
  await store.run('DROP TABLE IF EXISTS stage_checked');
  await store.run(`CREATE TEMP TABLE stage_checked AS ${sql}`, params);

  const counts = await store.one<{ read: number; bad: number }>(
    'SELECT count(*) AS read, count(*) FILTER (WHERE len(problems) > 0) AS bad FROM stage_checked',
  );
  const contentHash = await hash;
  // A re-ingested file does not record its rejects twice.
  const seenBefore = await store.one<{ n: number }>(
    'SELECT count(*) AS n FROM ingests WHERE content_hash = $1 AND kind = $2',
    [contentHash, kind],
  );
  if (!seenBefore?.n) {
    await store.run(
      `INSERT INTO rejects
       SELECT $1, $2, $3, c.__row, split_part(c.problems[1], ':', 1), array_to_string(c.problems, '; '), to_json(s)::VARCHAR
       FROM stage_checked c JOIN ${STAGE} s ON s.rowid - (SELECT min(rowid) FROM ${STAGE}) + 1 = c.__row
       WHERE len(c.problems) > 0`,
      [ingestId, src.path, kind],
    );
    for (const r of csvRejects) {
      await store.run('INSERT INTO rejects VALUES ($1, $2, $3, $4, NULL, $5, $6)', [
        ingestId, src.path, kind, r.line, `line ${r.line}: ${r.reason}`, r.raw,
      ]);
    }
  }
  const samples = await store.all<RejectSample>(
    `SELECT __row AS row, split_part(problems[1], ':', 1) AS field, array_to_string(problems, '; ') AS reason
     FROM stage_checked WHERE len(problems) > 0 ORDER BY __row LIMIT ${SAMPLE_REJECTS}`,
  );
  samples.push(...csvRejects.slice(0, SAMPLE_REJECTS).map((r) => ({ row: r.line, field: '', reason: `line ${r.line}: ${r.reason}` })));

  const cols = def.columns.map((c) => c.name);
  let accepted: number;
  if (def.key === 'request_id') {
    // Without a logged id: a hash of the content plus the occurrence among identical rows.
    const content = cols.filter((c) => c !== 'request_id').map((c) => `coalesce(CAST(${c} AS VARCHAR), '\\N')`);
    accepted = await store.run(
      `INSERT INTO requests
       SELECT ${cols.map((c) => (c === 'request_id' ? 'key' : c)).join(', ')}, $1
       FROM (
         SELECT *, row_number() OVER (PARTITION BY key ORDER BY __row) AS occurrence
         FROM (
           SELECT *, coalesce(request_id, md5(concat_ws('\u001f', ${content.join(', ')})) || '-' ||
             row_number() OVER (PARTITION BY request_id IS NULL, md5(concat_ws('\u001f', ${content.join(', ')})) ORDER BY __row)) AS key
           FROM stage_checked WHERE len(problems) = 0
         )
       ) k
       WHERE occurrence = 1 AND NOT EXISTS (SELECT 1 FROM requests r WHERE r.request_id = k.key)`,
      [ingestId],
    );
  } else {
    accepted = await store.run(
      `INSERT INTO ${kind}
       SELECT ${cols.join(', ')}, row_key, $1
       FROM (
         SELECT *, row_number() OVER (PARTITION BY row_key ORDER BY __row) AS occurrence
         FROM (SELECT *, ${rowKeySql(kind)} AS row_key FROM stage_checked WHERE len(problems) = 0)
       ) k
       WHERE occurrence = 1 AND NOT EXISTS (SELECT 1 FROM ${kind} t WHERE t.row_key = k.row_key)`,
      [ingestId],
    );
  }
  const rejected = counts!.bad + csvRejects.length;
  const read = counts!.read + csvRejects.length;
  const result: FileCounts = {
    file: src.path,
    kind,
    read,
    accepted,
    duplicates: read - rejected - accepted,
    rejected,
    rejects: samples,
  };
  await store.run(
    'INSERT INTO ingests VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now()::TIMESTAMP)',
    [ingestId, src.path, contentHash, kind, result.read, result.accepted, result.duplicates, result.rejected],
  );
  await store.run(`DROP TABLE IF EXISTS ${STAGE}`);
  await store.run('DROP TABLE IF EXISTS stage_checked');
  return result;
}

/** Expands the arguments into files, DuckDB's glob doing the pattern matching. */
export async function resolveFiles(store: Store, args: string[]): Promise<SourceFile[]> {
  return expandSources(args, async (pattern) =>
    (await store.all<{ file: string }>('SELECT file FROM glob($1)', [pattern])).map((r) => r.file),
  );
}

/**
 * Ingests files into the store as one transaction: a whole-file problem, or a
 * rejected row under `strict`, rolls everything back.
 */
export async function ingestFiles(store: Store, args: string[], opts: IngestFilesOptions = {}): Promise<FileCounts[]> {
  const files = await resolveFiles(store, args);
  return store.transaction(async () => {
    const base = (await store.one<{ id: number }>('SELECT coalesce(max(ingest_id), 0) AS id FROM ingests'))!.id;
    const results: FileCounts[] = [];
    for (const [i, f] of files.entries()) {
      opts.onProgress?.(`[${i + 1}/${files.length}] ${f.path}`);
      const counts = await ingestOne(store, f, base + i + 1, opts);
      if (opts.strict && counts.rejected > 0) {
        const first = counts.rejects[0];
        throw new InputError(
          `${f.path}: ${counts.rejected} row(s) rejected under --strict; nothing was ingested. ` +
            `First: row ${first.row}, ${first.reason}`,
        );
      }
      results.push(counts);
    }
    return results;
  });
}

/**
 * Reads one file as a canonical table without touching any database: used for
 * side inputs such as `--catalog FILE`. Rejected rows are an error here.
 */
export async function readTable(file: string, kind: TableKind): Promise<Record<string, unknown>[]> {
  const store = await Store.open(':memory:');
  try {
    await ingestFiles(store, [file], { kind, strict: true });
    return await store.all(`SELECT * EXCLUDE (ingest_id${TABLES[kind].key === 'row' ? ', row_key' : ''}) FROM ${kind}`);
  } finally {
    store.close();
  }
}
