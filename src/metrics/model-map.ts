import {
  buildCatalog,
  catalogModels,
  catalogRowsFromStore,
  loadModelMap,
  modelNamesInStore,
  type Catalog,
  type CatalogRow,
  type Resolution,
} from '../catalog/index.js';
import type { Store } from '../store/db.js';

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
  const fileRows: CatalogRow[] = [];
  if (catalogFile) {
    const { readTable } = await import('../ingest/index.js');
    fileRows.push(...((await readTable(catalogFile, 'catalog')) as unknown as CatalogRow[]));
  }
  const catalog = buildCatalog([...(await catalogRowsFromStore(store)), ...fileRows]);
  const names = (await modelNamesInStore(store)).map((n) => n.name);
  const resolutions = await loadModelMap(store, names, catalog);
  await loadCatalogReleases(store, catalog);
  return { catalog, resolutions };
}
