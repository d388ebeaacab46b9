import { existsSync } from 'node:fs';
import { catalogModels, resolveNames, type CatalogModel, type Resolution } from '../catalog/index.js';
import {
  catalogProviders,
  resolveProvider,
  type CatalogProvider,
  type ProviderResolution,
} from '../catalog/providers.js';
import { loadCatalogs, modelNamesInStore, providerNamesInStore, type NameCount } from '../query/model-map.js';
import type { Report, Section } from '../report/index.js';
import { Store } from '../store/db.js';

export interface CatalogOptions {
  /** Names to resolve; when empty, the names found in the database. */
  names: string[];
  db: string;
  /** A catalog file applied on top of the built-in catalog and the database's catalog rows. */
  catalog?: string;
  /** List the whole catalog (built-in plus user rows). */
  all?: boolean;
  /** Resolve provider names instead of model names. */
  providers?: boolean;
}

export interface CatalogName extends Resolution {
  /** Rows in requests/offerings/prices/latency/probes using this name (names from the database only). */
  rows?: number;
}

export interface CatalogProviderName extends ProviderResolution {
  /** Rows in requests/offerings/prices/latency/probes using this name (names from the database only). */
  rows?: number;
}

interface Listing<N> {
  /** Where the names came from. */
  source: 'arguments' | 'database' | 'none';
  /** The database read, or null when there was none. */
  database: string | null;
  names: N[];
  unknown: string[];
  /** Catalog rows applied on top of the built-in catalog. */
  userRows: { database: number; file: number };
  notes: string[];
}

export interface CatalogResult extends Listing<CatalogName> {
  /** The whole catalog, when listed (`--all`, or no names and no database). */
  models?: CatalogModel[];
}

export interface ProviderCatalogResult extends Listing<CatalogProviderName> {
  /** The whole provider catalog, when listed (`--all`, or no names and no database). */
  providers?: CatalogProvider[];
}

/**
 * Resolves the names given, else every name in the database (with its row count, unknown
 * names first, then by rows); `listAll` when the whole catalog is to be listed.
 */
async function listing<N extends { name: string; known: boolean; rows?: number }>(
  o: CatalogOptions,
  store: Store | undefined,
  inStore: (s: Store) => Promise<NameCount[]>,
  resolve: (names: string[]) => N[],
  what: string,
): Promise<Omit<Listing<N>, 'userRows'> & { listAll: boolean }> {
  const notes: string[] = [];
  const names = [...new Set(o.names)];
  let source: Listing<N>['source'] = 'none';
  let resolved: N[] = [];
  if (names.length) {
    source = 'arguments';
    resolved = resolve(names);
  } else if (store) {
    source = 'database';
    const counts = await inStore(store);
    const rows = new Map(counts.map((c) => [c.name, c.rows]));
    resolved = resolve(counts.map((c) => c.name)).map((r) => ({ ...r, rows: rows.get(r.name) ?? 0 }));
    resolved.sort((a, b) => Number(a.known) - Number(b.known) || (b.rows ?? 0) - (a.rows ?? 0) || cmp(a.name, b.name));
    if (!resolved.length) notes.push(`database ${o.db} holds no ${what} names yet`);
  } else {
    notes.push(`no database at ${o.db}; showing the built-in catalog`);
  }
  const unknown = resolved.filter((r) => !r.known).map((r) => r.name);
  return {
    source,
    database: store ? o.db : null,
    names: resolved,
    unknown,
    notes,
    listAll: !!o.all || (!names.length && !store),
  };
}

export async function catalog(o: CatalogOptions): Promise<CatalogResult> {
  return withCatalogs(o, async (store, cats) => {
    const { listAll, ...l } = await listing(
      o,
      store,
      modelNamesInStore,
      (names) => resolveNames(names, cats.catalog),
      'model',
    );
    if (l.unknown.length) {
      l.notes.push(
        `${l.unknown.length} unknown name(s), each treated as its own model, line and family; ` +
          'map them with a catalog file (alias, model, family, line, release_date) via --catalog or ingest',
      );
    }
    return { ...l, userRows: cats.userRows, ...(listAll ? { models: catalogModels(cats.catalog) } : {}) };
  });
}

export async function providerCatalog(o: CatalogOptions): Promise<ProviderCatalogResult> {
  return withCatalogs(o, async (store, cats) => {
    const { listAll, ...l } = await listing(
      o,
      store,
      providerNamesInStore,
      (names) => names.map((n) => resolveProvider(n, cats.providers)),
      'provider',
    );
    if (l.unknown.length) {
      l.notes.push(
        `${l.unknown.length} unknown provider name(s), each standing for itself; ` +
          'map them with a catalog file (alias, provider, kind) via --catalog or ingest',
      );
    }
    return { ...l, userRows: cats.userRows, ...(listAll ? { providers: catalogProviders(cats.providers) } : {}) };
  });
}

async function withCatalogs<T>(
  o: CatalogOptions,
  body: (store: Store | undefined, cats: Awaited<ReturnType<typeof loadCatalogs>>) => Promise<T>,
): Promise<T> {
  // Never create a database just to look at names.
  const store = existsSync(o.db) ? await Store.open(o.db, { readOnly: true }) : undefined;
  try {
    return await body(store, await loadCatalogs(store, o.catalog));
  } finally {
    store?.close();
  }
}

export function catalogReport(r: CatalogResult): Report {
  const sections: Section[] = [];
  if (r.source !== 'none') {
    const withRows = r.source === 'database';
    sections.push({
      title: withRows ? `Model names in ${r.database}` : 'Model names',
      columns: [
        'name',
        'model',
        'line',
        'family',
        'release date',
        'variant',
        'matched by',
        ...(withRows ? ['rows'] : []),
      ],
      rows: r.names.map((n) => [
        n.name,
        n.model,
        n.line,
        n.family,
        n.releaseDate,
        n.variant,
        n.matchedBy,
        ...(withRows ? [n.rows ?? 0] : []),
      ]),
    });
  }
  if (r.models) {
    sections.push({
      title: 'Catalog',
      columns: ['model', 'line', 'family', 'release date', 'aliases', 'source'],
      rows: r.models.map((m) => [m.model, m.line, m.family, m.releaseDate, m.aliases.join(', '), m.source]),
    });
  }
  return {
    json: {
      names: r.names.map((n) => ({
        name: n.name,
        model: n.model,
        line: n.line,
        family: n.family,
        releaseDate: n.releaseDate,
        variant: n.variant,
        known: n.known,
        matchedBy: n.matchedBy,
        ...(n.rows !== undefined ? { rows: n.rows } : {}),
      })),
      unknown: r.unknown,
      ...(r.models
        ? {
            models: r.models.map((m) => ({
              model: m.model,
              line: m.line,
              family: m.family,
              releaseDate: m.releaseDate,
              aliases: m.aliases,
              source: m.source,
            })),
          }
        : {}),
    },
    sections,
    notes: withUserRows(r),
  };
}

function withUserRows(r: Listing<unknown>): string[] {
  const notes = [...r.notes];
  if (r.userRows.database || r.userRows.file) {
    notes.push(`applied ${r.userRows.database} catalog row(s) from the database and ${r.userRows.file} from --catalog`);
  }
  return notes;
}

export function providerCatalogReport(r: ProviderCatalogResult): Report {
  const sections: Section[] = [];
  if (r.source !== 'none') {
    const withRows = r.source === 'database';
    sections.push({
      title: withRows ? `Provider names in ${r.database}` : 'Provider names',
      columns: ['name', 'provider', 'display name', 'kind', 'known', ...(withRows ? ['rows'] : [])],
      rows: r.names.map((n) => [
        n.name,
        n.provider,
        n.display,
        n.kind,
        n.known ? 'yes' : 'no',
        ...(withRows ? [n.rows ?? 0] : []),
      ]),
    });
  }
  if (r.providers) {
    sections.push({
      title: 'Provider catalog',
      columns: ['provider', 'display name', 'kind', 'aliases', 'source'],
      rows: r.providers.map((p) => [p.id, p.name, p.kind, p.aliases.join(', '), p.source]),
    });
  }
  return {
    json: {
      names: r.names.map((n) => ({
        name: n.name,
        provider: n.provider,
        display: n.display,
        kind: n.kind,
        known: n.known,
        ...(n.rows !== undefined ? { rows: n.rows } : {}),
      })),
      unknown: r.unknown,
      ...(r.providers
        ? {
            providers: r.providers.map((p) => ({
              provider: p.id,
              display: p.name,
              kind: p.kind,
              aliases: p.aliases,
              source: p.source,
            })),
          }
        : {}),
    },
    sections,
    notes: withUserRows(r),
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
