import path from 'node:path';
import { ingestFiles } from '../../src/ingest/index.js';
import { prepareNames } from '../../src/query/model-map.js';
import { Store } from '../../src/store/db.js';
import { fixtures } from '../helpers.js';

export const DEMAND_FILES = ['demand-requests.csv', 'demand-prices.csv'];
export const MARKET_FILES = ['market-offerings.csv', 'market-prices.csv', 'market-latency.csv', 'market-requests.csv'];

/** An in-memory store with files of fixtures/analyze ingested and `model_map` built. */
export async function analyzeStore(files: string[], extra: string[] = []): Promise<Store> {
  const store = await Store.open(':memory:');
  try {
    await ingestFiles(store, [...files.map((f) => path.join(fixtures, 'analyze', f)), ...extra]);
    await prepareNames(store);
    return store;
  } catch (e) {
    store.close();
    throw e;
  }
}

/** Runs fn on a fresh store and always closes it. */
export async function withAnalyzeStore<T>(
  files: string[],
  fn: (s: Store) => Promise<T>,
  extra: string[] = [],
): Promise<T> {
  const store = await analyzeStore(files, extra);
  try {
    return await fn(store);
  } finally {
    store.close();
  }
}

/** Rounds every number in a value to 9 decimals, so float results compare with hand-computed ones. */
export function approx<T>(v: T): T {
  if (typeof v === 'number') return (Number.isFinite(v) ? Math.round(v * 1e9) / 1e9 + 0 : v) as T;
  if (Array.isArray(v)) return v.map(approx) as T;
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, approx(x)])) as T;
  }
  return v;
}
