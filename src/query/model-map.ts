/**
 * Model names as SQL: the catalog's resolutions of every name in the database as the
 * temp table `model_map`, which analysis and replay join requests, prices and offerings
 * through; and the catalog rows and model names the database holds.
 */
import { dateValue, quotedIdentifier } from '@duckdb/node-api';
import {
  buildCatalog,
  catalogModels,
  resolveNames,
  type Catalog,
  type CatalogRow,
  type Resolution,
} from '../catalog/index.js';
import type { Store } from '../store/db.js';

export const MODEL_MAP_DDL = `CREATE OR REPLACE TEMP TABLE model_map (
  name VARCHAR, model VARCHAR, family VARCHAR, line VARCHAR, release_date DATE, variant VARCHAR, known BOOLEAN
)`;

/**
 * Creates (or replaces) the TEMP table `model_map` with one row per distinct name, so
 * queries can `JOIN model_map ON model_map.name = requests.model`. Returns the resolutions.
 */
export async function loadModelMap(store: Store, names: Iterable<string>, catalog: Catalog): Promise<Resolution[]> {
  const resolutions = resolveNames(names, catalog);
  await store.run(MODEL_MAP_DDL);
  const appender = await store.conn.createAppender('model_map', 'main', 'temp');
  try {
    for (const r of resolutions) {
      appender.appendVarchar(r.name);
      appender.appendVarchar(r.model);
      appender.appendVarchar(r.family);
      appender.appendVarchar(r.line);
      if (r.releaseDate) appender.appendDate(dateValue(epochDays(r.releaseDate)));
      else appender.appendNull();
      if (r.variant) appender.appendVarchar(r.variant);
      else appender.appendNull();
      appender.appendBoolean(r.known);
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  return resolutions;
}

/** Tables whose `model` column holds names as logged. */
export const MODEL_NAME_TABLES = ['requests', 'offerings', 'prices', 'latency', 'probes'] as const;

export interface NameCount {
  name: string;
  rows: number;
}

/** Every distinct model name in the database's tables, with the number of rows using it. */
export async function modelNamesInStore(store: Store): Promise<NameCount[]> {
  const present = await existingTables(store);
  const parts = MODEL_NAME_TABLES.filter((t) => present.has(t)).map(
    (t) => `SELECT model AS name, count(*) AS n FROM ${quotedIdentifier(t)} WHERE model IS NOT NULL GROUP BY model`,
  );
  if (!parts.length) return [];
  return store.all<NameCount>(
    `SELECT name, sum(n)::BIGINT AS rows FROM (${parts.join(' UNION ALL ')}) GROUP BY name ORDER BY name`,
  );
}

/** Rows of the ingested `catalog` table, in ingest order (a later ingest overrides an earlier one). */
export async function catalogRowsFromStore(store: Store): Promise<CatalogRow[]> {
  if (!(await existingTables(store)).has('catalog')) return [];
  return store.all<CatalogRow>(
    `SELECT alias, model, family, line, release_date FROM ${quotedIdentifier('catalog')} ORDER BY ingest_id NULLS FIRST, rowid`,
  );
}

async function existingTables(store: Store): Promise<Set<string>> {
  const rows = await store.all<{ name: string }>(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'main' AND table_catalog = current_database()",
  );
  return new Set(rows.map((r) => r.name));
}

function epochDays(isoDay: string): number {
  return Math.round(Date.parse(`${isoDay}T00:00:00Z`) / 86_400_000);
}

/** The rows of a catalog file (any format ingest reads). */
export async function readCatalogFile(file: string): Promise<CatalogRow[]> {
  const { readTable } = await import('../ingest/index.js');
  return (await readTable(file, 'catalog')) as unknown as CatalogRow[];
}

/**
 * `catalog_releases(model, line, release_date)`: every catalog model with a release
 * date, used or not — a successor nobody here called still supersedes its line.
 */
async function loadCatalogReleases(store: Store, catalog: Catalog): Promise<void> {
  await store.run('CREATE OR REPLACE TEMP TABLE catalog_releases (model VARCHAR, line VARCHAR, release_date DATE)');
  const appender = await store.conn.createAppender('catalog_releases', 'main', 'temp');
  try {
    for (const m of catalogModels(catalog)) {
      if (!m.releaseDate) continue;
      appender.appendVarchar(m.model);
      appender.appendVarchar(m.line);
      appender.appendVarchar(m.releaseDate);
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/**
 * Builds the temp table `model_map(name, model, family, line, release_date,
 * variant, known)` for every model name in the store, from the built-in
 * catalog, the database's catalog rows and an optional catalog file, in that order.
 */
export async function prepareModelMap(
  store: Store,
  catalogFile?: string,
): Promise<{ catalog: Catalog; resolutions: Resolution[] }> {
  const fileRows = catalogFile ? await readCatalogFile(catalogFile) : [];
  const catalog = buildCatalog([...(await catalogRowsFromStore(store)), ...fileRows]);
  const names = (await modelNamesInStore(store)).map((n) => n.name);
  const resolutions = await loadModelMap(store, names, catalog);
  await loadCatalogReleases(store, catalog);
  return { catalog, resolutions };
}
