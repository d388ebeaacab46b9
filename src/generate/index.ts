/**
 * Builds the synthetic market inside DuckDB, step by step, and writes its tables.
 */
import { quotedIdentifier, quotedString } from '@duckdb/node-api';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Store } from '../store/db.js';
import { calibrate, type Calibration } from './calibrate.js';
import { CALIBRATION } from './market.js';
import {
  CATALOG_OUTPUT,
  familyBounds,
  INTERVALS,
  KEY_SUMS,
  keySums,
  LATENCY,
  LATENCY_OUTPUT,
  LOOKUPS,
  MACROS,
  OFFERING_HOURS,
  OFFERINGS_OUTPUT,
  PRICES_OUTPUT,
  PROBES_OUTPUT,
  REQUEST_SERVED,
  REQUEST_TOKENS,
  requestOutput,
  requestsView,
  SESSION_BLOCK,
  SESSION_MODEL,
  SESSION_ROUTE,
  SESSIONS,
} from './sql.js';
import { loadPlan, setVariables } from './tables.js';
import { writeTable, type DataFormat, type WrittenTable } from './write.js';
import type { TableKind } from '../store/schema.js';

export type { Calibration } from './calibrate.js';
export type { DataFormat, WrittenTable } from './write.js';

export interface MarketOptions {
  requests: number;
  seed: number;
  onProgress?: (msg: string) => void;
  /**
   * Requests are built `requests` at a time (rounded up to whole session blocks), and written in parts of consecutive days
   * holding about `partRequests` each, so that memory stays the same whatever the number
   * of requests. The data does not depend on these sizes.
   */
  chunks?: { requests: number; partRequests: number };
}

const CHUNKS = { requests: 1_000_000, partRequests: 1_000_000 };
/** DuckDB spills what does not fit to the scratch folder; a chunk, or a part being sorted, fits well within it. */
const MEMORY_LIMIT = '1GB';

/**
 * The scratch files (requests between steps) are read once or twice and then removed: light compression (they take
 * about half the disk), and no dictionaries, which cost more time to build than they save.
 */
const SCRATCH = 'FORMAT parquet, COMPRESSION snappy, DICTIONARY_SIZE_LIMIT 1';

/** Scratch folder of each market being built, removed once its files are written. */
const scratchDirs = new WeakMap<Store, string>();

/** Builds every table of the market in `store` (an empty in-memory database) and returns the calibration reached. */
export async function buildMarket(store: Store, o: MarketOptions): Promise<Calibration> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'ai-ping-generate-'));
  scratchDirs.set(store, scratch);
  try {
    return await build(store, o, scratch);
  } catch (e) {
    await removeScratch(store);
    throw e;
  }
}

async function build(store: Store, o: MarketOptions, scratch: string): Promise<Calibration> {
  const progress = o.onProgress ?? (() => undefined);
  // the user's settings, where given, win (AI_PING_TEMP_DIR, AI_PING_MEMORY_LIMIT)
  const spill = process.env.AI_PING_TEMP_DIR || path.join(scratch, 'spill');
  await store.run(`SET temp_directory = ${quotedString(spill)}`);
  await store.run(`SET memory_limit = ${quotedString(process.env.AI_PING_MEMORY_LIMIT || MEMORY_LIMIT)}`);
  await setVariables(store, { seed: o.seed, requests: o.requests });
  for (const sql of MACROS) await store.run(sql);
  await loadPlan(store);
  for (const sql of [...INTERVALS, ...LOOKUPS]) await store.run(sql);

  progress('generate: provider service by hour, latency measurements');
  await store.run(OFFERING_HOURS);
  await store.run(LATENCY);

  progress(`generate: ${o.requests.toLocaleString('en-US')} requests`);
  const chunks = o.chunks ?? CHUNKS;
  // A chunk holds whole sessions: they never cross a block of SESSION_BLOCK request numbers.
  const step = Math.ceil(Math.max(1, chunks.requests) / SESSION_BLOCK) * SESSION_BLOCK;
  const starts: number[] = [];
  for (let lo = 0; lo < o.requests || starts.length === 0; lo += step) starts.push(lo);
  const tokenFiles = starts.map((_, k) => path.join(scratch, `tokens-${k}.parquet`));

  // First pass: every request's family key and tokens, to a file per chunk, and the tokens per key bin.
  await store.run('CREATE TABLE g_numbers AS SELECT range AS n FROM range($1)', [step]);
  await store.run(KEY_SUMS);
  for (const [k, lo] of starts.entries()) {
    await setChunk(store, lo, Math.min(o.requests, lo + step));
    await store.run(`COPY (${REQUEST_TOKENS}) TO ${quotedString(tokenFiles[k])} (${SCRATCH})`);
    await store.run(keySums(quotedString(tokenFiles[k])));
  }
  for (const sql of familyBounds(tokenFiles.map(quotedString))) await store.run(sql);
  await dropTables(store, 'g_key_sums', 'g_key_bins', 'g_numbers');

  // Second pass: the requests themselves, chunk by chunk, to parquet files by part (consecutive days). Each chunk's
  // tokens are read back from its file of the first pass.
  const parts = Math.min(Math.max(1, Math.ceil(o.requests / chunks.partRequests)), await days(store));
  const served = path.join(scratch, 'served');
  let built = 0;
  for (const [k, lo] of starts.entries()) {
    await setChunk(store, lo, Math.min(o.requests, lo + step));
    await store.run(`CREATE OR REPLACE TABLE g_chunk_tok AS FROM ${quotedString(tokenFiles[k])}`);
    // The first requests apart: a table's size is known when joins are planned, a filter's result is guessed.
    await store.run('CREATE OR REPLACE TABLE g_chunk_heads AS FROM g_chunk_tok WHERE i = s');
    await store.run(SESSIONS);
    for (const sql of SESSION_MODEL) await store.run(sql);
    await store.run(SESSION_ROUTE);
    // The first chunk also leaves an empty table of the served rows' shape, the source of a part without requests.
    if (k === 0) await store.run(`CREATE TABLE g_req_none AS ${REQUEST_SERVED} LIMIT 0`);
    const copied = await store.one<{ Count: number }>(
      `COPY (SELECT *, ((epoch_ms(ts) - getvariable('t0_ms')::BIGINT) // 86400000) * ${parts} // getvariable('days')::BIGINT AS part
             FROM (${REQUEST_SERVED}))
       TO ${quotedString(served)} (${SCRATCH}, PARTITION_BY (part), FILENAME_PATTERN 'chunk${k}_{i}', OVERWRITE_OR_IGNORE)`,
    );
    built += copied?.Count ?? 0;
    await dropTables(
      store,
      'g_sessions',
      'g_session_line',
      'g_session_model',
      'g_session_route',
      'g_chunk_tok',
      'g_chunk_heads',
    );
    await rm(tokenFiles[k]);
  }
  assertEveryRequestServed(built, o.requests);
  const partFiles: string[][] = [];
  for (let part = 0; part < parts; part++) {
    const dir = path.join(served, `part=${part}`);
    partFiles.push((await readdir(dir).catch(() => [] as string[])).map((f) => quotedString(path.join(dir, f))));
  }
  const servedFrom = (files: string[]) =>
    files.length ? `read_parquet([${files.join(', ')}], hive_partitioning = false)` : 'g_req_none';
  await store.run(`CREATE TABLE g_req_cal AS ${CALIBRATED(servedFrom(partFiles.flat()))}`, [
    CALIBRATION.cost.model,
    CALIBRATION.throughput.model,
  ]);

  progress('generate: calibrating routing outcomes');
  const calibration = await calibrate(store);

  // Each part sorted on its own: the parts follow each other in time, so together they are in order.
  const written: string[] = [];
  for (const [part, files] of partFiles.entries()) {
    const file = path.join(scratch, `requests-${part}.parquet`);
    await store.run(`COPY (${requestOutput(servedFrom(files))}) TO ${quotedString(file)} (${SCRATCH})`);
    written.push(quotedString(file));
    await rm(path.join(served, `part=${part}`), { recursive: true, force: true });
  }
  await dropTables(store, 'g_req_cal', 'g_req_none');
  await store.run(requestsView(written));
  await store.run(LATENCY_OUTPUT);
  await store.run(OFFERINGS_OUTPUT);
  await store.run(PRICES_OUTPUT);
  await store.run(PROBES_OUTPUT);
  await store.run(CATALOG_OUTPUT);
  return calibration;
}

/** What calibration needs of the served requests (`source`) of the calibrated models ($1, $2). */
const CALIBRATED = (source: string) => `
SELECT r.i, o.model, r.ts, r.input_tokens, r.output_tokens, r.cached_tokens, r.need_tools, r.need_json, r.need_stream
FROM ${source} r JOIN g_offerings o USING (oid)
WHERE o.model IN ($1, $2)`;

async function setChunk(store: Store, lo: number, hi: number): Promise<void> {
  await store.run('SET VARIABLE chunk_lo = $1', [lo]);
  await store.run('SET VARIABLE chunk_hi = $1', [hi]);
}

async function days(store: Store): Promise<number> {
  return (await store.one<{ d: number }>("SELECT getvariable('days')::BIGINT AS d"))?.d ?? 1;
}

async function removeScratch(store: Store): Promise<void> {
  const dir = scratchDirs.get(store);
  scratchDirs.delete(store);
  if (dir) await rm(dir, { recursive: true, force: true });
}

/** Intermediate steps are dropped as soon as the next one is built, to bound memory. */
async function dropTables(store: Store, ...tables: string[]): Promise<void> {
  for (const t of tables) await store.run(`DROP TABLE ${quotedIdentifier(t)}`);
}

/** A request without a listed offering would silently drop out of the joins; the market must cover its demand. */
function assertEveryRequestServed(built: number, requests: number): void {
  if (built !== requests) {
    throw new Error(`generate: ${requests - built} request(s) found no listed offering of their model`);
  }
}

export const OUTPUT_TABLES: readonly TableKind[] = ['requests', 'offerings', 'prices', 'latency', 'probes', 'catalog'];

export async function writeMarket(store: Store, dir: string, format: DataFormat): Promise<WrittenTable[]> {
  try {
    const out: WrittenTable[] = [];
    for (const table of OUTPUT_TABLES) out.push(await writeTable(store, table, dir, format));
    return out;
  } finally {
    await removeScratch(store);
  }
}
