/**
 * Model and provider names as SQL: the catalogs' resolutions of every name in the database as
 * the temp tables `model_map` and `provider_map`, which analysis and replay join requests,
 * prices, offerings and latency through; and the catalog rows and names the database holds.
 */
import { quotedIdentifier } from '@duckdb/node-api';
import {
  buildCatalog,
  catalogModels,
  resolveNames,
  type Catalog,
  type CatalogRow,
  type Resolution,
} from '../catalog/index.js';
import {
  buildProviderCatalog,
  resolveProvider,
  type ProviderCatalog,
  type ProviderCatalogRow,
  type ProviderResolution,
} from '../catalog/providers.js';
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
  await appendRows(
    store,
    'model_map',
    resolutions.map((r) => [r.name, r.model, r.family, r.line, r.releaseDate, r.variant, r.known]),
  );
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

/** Rows of the ingested `provider_catalog` table, in ingest order. */
export async function providerCatalogRowsFromStore(store: Store): Promise<ProviderCatalogRow[]> {
  if (!(await existingTables(store)).has('provider_catalog')) return [];
  return store.all<ProviderCatalogRow>(
    'SELECT alias, provider, kind FROM provider_catalog ORDER BY ingest_id NULLS FIRST, rowid',
  );
}

/** Tables whose `provider` column holds names as logged. */
const PROVIDER_NAME_TABLES = ['requests', 'offerings', 'prices', 'latency', 'probes'] as const;

/** Every distinct provider name in the database's tables, with the number of rows using it. */
export async function providerNamesInStore(store: Store): Promise<NameCount[]> {
  const present = await existingTables(store);
  const parts = PROVIDER_NAME_TABLES.filter((t) => present.has(t)).map(
    (t) => `SELECT provider AS name, count(*) AS n FROM ${t} WHERE provider IS NOT NULL GROUP BY provider`,
  );
  if (!parts.length) return [];
  return store.all<NameCount>(
    `SELECT name, sum(n)::BIGINT AS rows FROM (${parts.join(' UNION ALL ')}) GROUP BY name ORDER BY name`,
  );
}

/**
 * Creates (or replaces) the TEMP table `provider_map(name, provider, display, kind, known)`
 * with one row per distinct name, so queries can `JOIN provider_map ON provider_map.name = t.provider`
 * and compare `provider_map.provider`. Returns the resolutions.
 */
export async function loadProviderMap(
  store: Store,
  names: Iterable<string>,
  catalog: ProviderCatalog,
): Promise<ProviderResolution[]> {
  const resolutions = [...new Set(names)].map((n) => resolveProvider(n, catalog));
  await store.run(
    'CREATE OR REPLACE TEMP TABLE provider_map (name VARCHAR, provider VARCHAR, display VARCHAR, kind VARCHAR, known BOOLEAN)',
  );
  await appendRows(
    store,
    'provider_map',
    resolutions.map((r) => [r.name, r.provider, r.display, r.kind, r.known]),
  );
  return resolutions;
}

async function existingTables(store: Store): Promise<Set<string>> {
  const rows = await store.all<{ name: string }>(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'main' AND table_catalog = current_database()",
  );
  return new Set(rows.map((r) => r.name));
}

/**
 * Appends rows to the temp table `table`: text (a date as `YYYY-MM-DD` too), booleans, and
 * null or undefined as NULL.
 */
async function appendRows(
  store: Store,
  table: string,
  rows: readonly (readonly (string | boolean | null | undefined)[])[],
): Promise<void> {
  const appender = await store.conn.createAppender(table, 'main', 'temp');
  try {
    for (const row of rows) {
      for (const v of row) {
        if (v === null || v === undefined) appender.appendNull();
        else if (typeof v === 'boolean') appender.appendBoolean(v);
        else appender.appendVarchar(v);
      }
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/** The rows of a catalog file (any format ingest reads): model rows or provider rows, told by its columns. */
export async function readCatalogFile(
  file: string,
): Promise<{ models: CatalogRow[]; providers: ProviderCatalogRow[] }> {
  const { readTable } = await import('../ingest/index.js');
  const { kind, rows } = await readTable(file, undefined, ['catalog', 'provider_catalog']);
  return kind === 'catalog'
    ? { models: rows as unknown as CatalogRow[], providers: [] }
    : { models: [], providers: rows as unknown as ProviderCatalogRow[] };
}

/**
 * `catalog_releases(model, line, release_date)`: every catalog model with a release
 * date, used or not — a successor nobody here called still supersedes its line.
 */
async function loadCatalogReleases(store: Store, catalog: Catalog): Promise<void> {
  await store.run('CREATE OR REPLACE TEMP TABLE catalog_releases (model VARCHAR, line VARCHAR, release_date DATE)');
  await appendRows(
    store,
    'catalog_releases',
    catalogModels(catalog).flatMap((m) => (m.releaseDate ? [[m.model, m.line, m.releaseDate]] : [])),
  );
}

/** The model and provider catalogs in use: built-in, then the database's rows, then a catalog file's. */
export async function loadCatalogs(
  store: Store | undefined,
  catalogFile?: string,
): Promise<{ catalog: Catalog; providers: ProviderCatalog; userRows: { database: number; file: number } }> {
  const file = catalogFile ? await readCatalogFile(catalogFile) : { models: [], providers: [] };
  const dbModels = store ? await catalogRowsFromStore(store) : [];
  const dbProviders = store ? await providerCatalogRowsFromStore(store) : [];
  return {
    catalog: buildCatalog([...dbModels, ...file.models]),
    providers: buildProviderCatalog([...dbProviders, ...file.providers]),
    userRows: {
      database: dbModels.length + dbProviders.length,
      file: file.models.length + file.providers.length,
    },
  };
}

/**
 * Builds the temp tables `model_map(name, model, family, line, release_date, variant, known)`,
 * `catalog_releases` and `provider_map(name, provider, display, kind, known)` for every model
 * and provider name in the store, from the built-in catalogs, the database's catalog rows and
 * an optional catalog file, in that order.
 */
export async function prepareNames(
  store: Store,
  catalogFile?: string,
): Promise<{ catalog: Catalog; providers: ProviderCatalog; resolutions: Resolution[] }> {
  const { catalog, providers } = await loadCatalogs(store, catalogFile);
  const names = (await modelNamesInStore(store)).map((n) => n.name);
  const resolutions = await loadModelMap(store, names, catalog);
  await loadCatalogReleases(store, catalog);
  await loadProviderMap(
    store,
    (await providerNamesInStore(store)).map((n) => n.name),
    providers,
  );
  return { catalog, providers, resolutions };
}
