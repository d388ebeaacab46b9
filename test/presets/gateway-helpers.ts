/** Shared helpers for the gateway and observability preset tests. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { ingestFiles, type FileCounts } from '../../src/ingest/index.js';
import { PRESETS } from '../../src/ingest/presets/index.js';
import { Store } from '../../src/store/db.js';
import { runCli, tmpDir } from '../helpers.js';

export interface Counts {
  kind: string;
  read: number;
  accepted: number;
  duplicates: number;
  rejected: number;
}

export function counts(r: FileCounts[]): Counts[] {
  return r.map((f) => ({
    kind: f.kind,
    read: f.read,
    accepted: f.accepted,
    duplicates: f.duplicates,
    rejected: f.rejected,
  }));
}

/** Ingests files with a preset into a fresh in-memory store and hands the store to `fn`. */
export async function withIngest<T>(
  preset: string,
  files: string[],
  fn: (s: Store, c: Counts[]) => Promise<T>,
  set: Record<string, string> = {},
): Promise<T> {
  const s = await Store.open(':memory:');
  try {
    const c = counts(await ingestFiles(s, files, { preset: PRESETS[preset], set }));
    for (const f of c)
      assert.equal(
        f.read,
        f.accepted + f.duplicates + f.rejected,
        `${f.kind}: read = accepted + duplicates + rejected`,
      );
    return await fn(s, c);
  } finally {
    s.close();
  }
}

/** A stored row with timestamps as ISO strings, without the ingest bookkeeping. */
function plainRow(r: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]));
}

export async function requestRow(s: Store, id: string): Promise<Record<string, unknown>> {
  const r = await s.one<Record<string, unknown>>('SELECT * EXCLUDE (ingest_id) FROM requests WHERE request_id = $1', [
    id,
  ]);
  assert.ok(r, `request ${id} is stored`);
  return plainRow(r);
}

export async function rows(s: Store, sql: string, params?: unknown[]): Promise<Record<string, unknown>[]> {
  return (await s.all<Record<string, unknown>>(sql, params as never)).map(plainRow);
}

export async function rejects(s: Store): Promise<{ kind: string; row: number; field: string; reason: string }[]> {
  return s.all('SELECT kind, row_number AS row, field, reason FROM rejects ORDER BY kind, row_number');
}

/** Ingesting the same file twice adds nothing: every accepted row comes back as a duplicate. */
export async function assertIdempotent(preset: string, file: string, set: Record<string, string> = {}): Promise<void> {
  const s = await Store.open(':memory:');
  try {
    const first = counts(await ingestFiles(s, [file], { preset: PRESETS[preset], set }));
    const tables = async () =>
      s.one<Record<string, number>>(
        `SELECT (SELECT count(*) FROM requests) AS requests, (SELECT count(*) FROM latency) AS latency,
                (SELECT count(*) FROM rejects) AS rejects`,
      );
    const before = await tables();
    const second = counts(await ingestFiles(s, [file], { preset: PRESETS[preset], set }));
    assert.deepEqual(
      second,
      first.map((f) => ({ ...f, accepted: 0, duplicates: f.accepted + f.duplicates })),
      'the second ingest accepts nothing and counts every accepted row as a duplicate',
    );
    assert.deepEqual(await tables(), before, 'no table grew, rejects are not recorded twice');
  } finally {
    s.close();
  }
}

/** `ai-ping ingest FILE --preset NAME --db DB --format json`: the per-file counts and stderr. */
export function ingestCli(
  file: string,
  preset: string,
  extra: string[] = [],
): { code: number; files: (Counts & { file: string })[]; stderr: string; db: string } {
  const db = path.join(tmpDir(), 'cli.duckdb');
  const r = runCli(['ingest', file, '--preset', preset, '--db', db, '--format', 'json', ...extra]);
  const files = r.code === 0 ? (JSON.parse(r.stdout) as { files: (Counts & { file: string })[] }).files : [];
  return { code: r.code, files, stderr: r.stderr, db };
}

/** The warnings a preset gives about each file, ingested into a fresh in-memory store. */
export async function ingestWarnings(
  preset: string,
  files: string[],
  set: Record<string, string> = {},
): Promise<string[][]> {
  const s = await Store.open(':memory:');
  try {
    return (await ingestFiles(s, files, { preset: PRESETS[preset], set })).map((f) => f.warnings ?? []);
  } finally {
    s.close();
  }
}
