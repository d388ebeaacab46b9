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
  FAMILY_BOUNDS,
  INTERVALS,
  LATENCY,
  LATENCY_OUTPUT,
  MACROS,
  OFFERING_HOURS,
  OFFERINGS_OUTPUT,
  PRICES_OUTPUT,
  PROBES_OUTPUT,
  REQUEST_FAMILY,
  REQUEST_KEYS,
  REQUEST_SERVED,
  requestOutput,
  requestsView,
  SESSION_BLOCK,
  SESSION_MODEL,
  SESSION_ROUTE,
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

const CHUNKS = { requests: 500_000, partRequests: 1_000_000 };
/** DuckDB spills what does not fit (the family ordering of all requests) to the scratch folder. */
const MEMORY_LIMIT = '1GB';

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
  for (const sql of INTERVALS) await store.run(sql);

  progress('generate: provider service by hour, latency measurements');
  await store.run(OFFERING_HOURS);
  await store.run(LATENCY);

  progress(`generate: ${o.requests.toLocaleString('en-US')} requests`);
  await store.run(REQUEST_KEYS);
  await setChunk(store, 0, o.requests);
  await store.run(FAMILY_BOUNDS);

  // Served requests go to parquet files by part (consecutive days); the calibrated models' stay in g_req_cal.
  const chunks = o.chunks ?? CHUNKS;
  const parts = Math.min(Math.max(1, Math.ceil(o.requests / chunks.partRequests)), await days(store));
  const served = path.join(scratch, 'served');
  // A chunk holds whole sessions: they never cross a block of SESSION_BLOCK request numbers.
  const step = Math.ceil(Math.max(1, chunks.requests) / SESSION_BLOCK) * SESSION_BLOCK;
  let built = 0;
  for (let lo = 0, k = 0; lo < o.requests || k === 0; lo += step, k++) {
    await setChunk(store, lo, Math.min(o.requests, lo + step));
    await store.run(REQUEST_FAMILY);
    await store.run(SESSION_MODEL);
    await store.run(SESSION_ROUTE);
    await store.run(REQUEST_SERVED);
    await dropTables(store, 'g_req_family', 'g_session_model', 'g_session_route');
    built += (await store.one<{ n: number }>('SELECT count(*) AS n FROM g_req'))?.n ?? 0;
    await store.run(
      `COPY (SELECT *, ((epoch_ms(ts) - getvariable('t0_ms')::BIGINT) // 86400000) * ${parts} // getvariable('days')::BIGINT AS part
             FROM g_req)
       TO ${quotedString(served)} (FORMAT parquet, PARTITION_BY (part), FILENAME_PATTERN 'chunk${k}_{i}', OVERWRITE_OR_IGNORE)`,
    );
    await store.run('CREATE TABLE IF NOT EXISTS g_req_cal AS FROM g_req LIMIT 0');
    await store.run('INSERT INTO g_req_cal SELECT * FROM g_req WHERE model IN ($1, $2)', [
      CALIBRATION.cost.model,
      CALIBRATION.throughput.model,
    ]);
    await dropTables(store, 'g_req');
  }
  assertEveryRequestServed(built, o.requests);

  progress('generate: calibrating routing outcomes');
  const calibration = await calibrate(store);

  // Each part sorted on its own: the parts follow each other in time, so together they are in order.
  const written: string[] = [];
  for (let part = 0; part < parts; part++) {
    const dir = path.join(served, `part=${part}`);
    const files = (await readdir(dir).catch(() => [] as string[])).map((f) => quotedString(path.join(dir, f)));
    const source = files.length
      ? `read_parquet([${files.join(', ')}], hive_partitioning = false)`
      : '(FROM g_req_cal LIMIT 0)';
    const file = path.join(scratch, `requests-${part}.parquet`);
    await store.run(`COPY (${requestOutput(source)}) TO ${quotedString(file)} (FORMAT parquet)`);
    written.push(quotedString(file));
  }
  await dropTables(store, 'g_req_cal');
  await store.run(requestsView(written));
  await store.run(LATENCY_OUTPUT);
  await store.run(OFFERINGS_OUTPUT);
  await store.run(PRICES_OUTPUT);
  await store.run(PROBES_OUTPUT);
  await store.run(CATALOG_OUTPUT);
  return calibration;
}

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
