/**
 * Builds the synthetic market inside DuckDB, step by step, and writes its tables.
 */
import { quotedIdentifier } from '@duckdb/node-api';
import { type Store } from '../store/db.js';
import { calibrate, type Calibration } from './calibrate.js';
import {
  CATALOG_OUTPUT,
  LATENCY,
  LATENCY_OUTPUT,
  MACROS,
  OFFERING_HOURS,
  OFFERINGS_OUTPUT,
  PRICES_OUTPUT,
  PROBES_OUTPUT,
  REQUEST_BASE,
  REQUEST_FAMILY,
  REQUEST_MODEL,
  REQUEST_OUTPUT,
  REQUEST_ROUTE,
  REQUEST_SERVED,
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
}

/** Builds every table of the market in `store` (an empty in-memory database) and returns the calibration reached. */
export async function buildMarket(store: Store, o: MarketOptions): Promise<Calibration> {
  const progress = o.onProgress ?? (() => undefined);
  await setVariables(store, { seed: o.seed, requests: o.requests });
  for (const sql of MACROS) await store.run(sql);
  await loadPlan(store);

  progress('generate: provider service by hour, latency measurements');
  await store.run(OFFERING_HOURS);
  await store.run(LATENCY);

  progress(`generate: ${o.requests.toLocaleString('en-US')} requests`);
  await store.run(REQUEST_BASE);
  await store.run(REQUEST_FAMILY);
  await dropTables(store, 'g_req_base');
  await store.run(REQUEST_MODEL);
  await dropTables(store, 'g_req_family');
  await store.run(REQUEST_ROUTE);
  await store.run(REQUEST_SERVED);
  await dropTables(store, 'g_req_model', 'g_req_route');
  await assertEveryRequestServed(store, o.requests);

  progress('generate: calibrating routing outcomes');
  const calibration = await calibrate(store);

  await store.run(REQUEST_OUTPUT);
  await dropTables(store, 'g_req');
  await store.run(LATENCY_OUTPUT);
  await store.run(OFFERINGS_OUTPUT);
  await store.run(PRICES_OUTPUT);
  await store.run(PROBES_OUTPUT);
  await store.run(CATALOG_OUTPUT);
  return calibration;
}

/** Intermediate steps are dropped as soon as the next one is built, to bound memory at large request counts. */
async function dropTables(store: Store, ...tables: string[]): Promise<void> {
  for (const t of tables) await store.run(`DROP TABLE ${quotedIdentifier(t)}`);
}

/** A request without a listed offering would silently drop out of the joins; the market must cover its demand. */
async function assertEveryRequestServed(store: Store, requests: number): Promise<void> {
  const row = await store.one<{ n: number }>('SELECT count(*) AS n FROM g_req');
  if (row?.n !== requests) {
    throw new Error(`generate: ${requests - (row?.n ?? 0)} request(s) found no listed offering of their model`);
  }
}

export const OUTPUT_TABLES: readonly TableKind[] = ['requests', 'offerings', 'prices', 'latency', 'probes', 'catalog'];

export async function writeMarket(store: Store, dir: string, format: DataFormat): Promise<WrittenTable[]> {
  const out: WrittenTable[] = [];
  for (const table of OUTPUT_TABLES) out.push(await writeTable(store, table, dir, format));
  return out;
}
