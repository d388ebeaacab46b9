import {
  buildCatalog,
  catalogRowsFromStore,
  loadModelMap,
  modelNamesInStore,
  type Catalog,
  type CatalogRow,
  type Resolution,
} from '../catalog/index.js';
import type { Store } from '../store/db.js';

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
  return { catalog, resolutions: await loadModelMap(store, names, catalog) };
}
