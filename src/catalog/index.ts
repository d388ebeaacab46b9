/**
 * The catalog in use: the built-in catalog with user rows (database `catalog` table, then a
 * `--catalog` file) applied on top. Pure data and resolution: query/model-map.ts puts the
 * resolutions into DuckDB.
 */
import { InputError } from '../errors.js';
import { calendarDay } from '../time.js';
import { BUILTIN_MODELS } from './builtin.js';
import {
  parseName,
  resolveName,
  type Catalog,
  type CatalogModel,
  type LookupTables,
  type Resolution,
} from './normalize.js';

export { BUILTIN_MODELS } from './builtin.js';
export { nameKey, parseName, resolveName, type Catalog, type CatalogModel, type Resolution } from './normalize.js';

/** A catalog row as ingested or read from a catalog file (canonical `catalog` columns). */
export interface CatalogRow {
  alias: string;
  model: string;
  family?: string | null;
  line?: string | null;
  release_date?: string | Date | null;
}

const emptyTables = (): LookupTables => ({ exact: new Map(), keys: new Map() });

/**
 * Builds the catalog from the built-in models and user rows, applied in order (a later row
 * wins). A row maps its alias to its model, overriding any built-in resolution of that
 * spelling; its model is taken as a built-in model when the spelling matches one, and its
 * non-empty family/line/release_date set that model's attributes, so every alias of a
 * model agrees. A new model with empty fields is its own family and line.
 */
export function buildCatalog(userRows: readonly CatalogRow[] = []): Catalog {
  const models = new Map<string, CatalogModel>();
  const names = emptyTables();
  const userAliases = emptyTables();
  const add = (tables: LookupTables, spelling: string, model: string, user: boolean, replace: boolean) => {
    const exact = spelling.trim().toLowerCase();
    const key = parseName(spelling).fullKey;
    if (replace || !tables.exact.has(exact)) tables.exact.set(exact, { model, user });
    if (key && (replace || !tables.keys.has(key))) tables.keys.set(key, { model, user });
  };

  for (const b of BUILTIN_MODELS) {
    models.set(b.model, {
      model: b.model,
      family: b.family,
      line: b.line,
      releaseDate: b.releaseDate,
      aliases: [...(b.aliases ?? [])],
      source: 'builtin',
    });
    add(names, b.model, b.model, false, false);
  }
  for (const b of BUILTIN_MODELS) for (const a of b.aliases ?? []) add(names, a, b.model, false, false);
  // Canonical spellings of built-in models, for recognising them in a user row's model field.
  const builtinByKey = new Map<string, string>();
  for (const b of BUILTIN_MODELS) builtinByKey.set(parseName(b.model).fullKey, b.model);

  for (const row of userRows) {
    const rawModel = text(row.model);
    const alias = text(row.alias) ?? rawModel;
    if (!rawModel || !alias) continue;
    const model =
      models.get(rawModel)?.source === 'builtin'
        ? rawModel
        : (builtinByKey.get(parseName(rawModel).fullKey) ?? rawModel);
    const current = models.get(model);
    const next: CatalogModel = current
      ? { ...current, aliases: [...current.aliases] }
      : { model, family: model, line: model, releaseDate: null, aliases: [], source: 'user' };
    const family = text(row.family);
    const line = text(row.line);
    const releaseDate = isoDate(row.release_date, alias);
    if (family) next.family = family;
    if (line) next.line = line;
    if (releaseDate) next.releaseDate = releaseDate;
    if (alias !== model && !next.aliases.includes(alias)) next.aliases.push(alias);
    models.set(model, next);
    add(userAliases, alias, model, true, true);
    // A new model's own name resolves too, below any explicit alias.
    add(names, model, model, next.source === 'user', false);
  }
  return { models, names, userAliases };
}

/** One resolution per distinct name, in first-seen order. */
export function resolveNames(names: Iterable<string>, catalog: Catalog): Resolution[] {
  const seen = new Set<string>();
  const out: Resolution[] = [];
  for (const name of names) {
    if (seen.has(name)) continue;
    seen.add(name);
    out.push(resolveName(name, catalog));
  }
  return out;
}

/** The catalog's models ordered by family, line, release date and name. */
export function catalogModels(catalog: Catalog): CatalogModel[] {
  return [...catalog.models.values()].sort(
    (a, b) =>
      cmp(a.family, b.family) ||
      cmp(a.line, b.line) ||
      cmp(a.releaseDate ?? '', b.releaseDate ?? '') ||
      cmp(a.model, b.model),
  );
}

function text(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  const s = String(v).trim();
  return s ? s : undefined;
}

function isoDate(v: string | Date | null | undefined, alias: string): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) throw new InputError(`catalog row '${alias}': invalid release_date`);
    return v.toISOString().slice(0, 10);
  }
  const s = String(v).trim();
  if (!s) return null;
  const day = calendarDay(s);
  if (!day) throw new InputError(`catalog row '${alias}': release_date '${s}' is not a date (YYYY-MM-DD)`);
  return day;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
