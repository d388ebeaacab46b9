import { existsSync } from 'node:fs';
import { buildCatalog, catalogModels, resolveNames, type CatalogModel, type Resolution } from '../catalog/index.js';
import { catalogRowsFromStore, modelNamesInStore, readCatalogFile } from '../query/model-map.js';
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
}

export interface CatalogName extends Resolution {
  /** Rows in requests/offerings/prices/latency/probes using this name (names from the database only). */
  rows?: number;
}

export interface CatalogResult {
  /** Where the names came from. */
  source: 'arguments' | 'database' | 'none';
  /** The database read, or null when there was none. */
  database: string | null;
  names: CatalogName[];
  unknown: string[];
  /** The whole catalog, when listed (`--all`, or no names and no database). */
  models?: CatalogModel[];
  /** Catalog rows applied on top of the built-in catalog. */
  userRows: { database: number; file: number };
  notes: string[];
}

export async function catalog(o: CatalogOptions): Promise<CatalogResult> {
  const notes: string[] = [];
  // Never create a database just to look at names.
  const store = existsSync(o.db) ? await Store.open(o.db, { readOnly: true }) : undefined;
  try {
    const dbRows = store ? await catalogRowsFromStore(store) : [];
    const fileRows = o.catalog ? await readCatalogFile(o.catalog) : [];
    const cat = buildCatalog([...dbRows, ...fileRows]);
    const names = [...new Set(o.names)];

    let source: CatalogResult['source'] = 'none';
    let resolved: CatalogName[] = [];
    if (names.length) {
      source = 'arguments';
      resolved = resolveNames(names, cat);
    } else if (store) {
      source = 'database';
      const counts = await modelNamesInStore(store);
      const rows = new Map(counts.map((c) => [c.name, c.rows]));
      resolved = resolveNames(
        counts.map((c) => c.name),
        cat,
      ).map((r) => ({ ...r, rows: rows.get(r.name) ?? 0 }));
      resolved.sort(
        (a, b) => Number(a.known) - Number(b.known) || (b.rows ?? 0) - (a.rows ?? 0) || cmp(a.name, b.name),
      );
      if (!resolved.length) notes.push(`database ${o.db} holds no model names yet`);
    } else {
      notes.push(`no database at ${o.db}; showing the built-in catalog`);
    }

    const listAll = o.all || (!names.length && !store);
    const unknown = resolved.filter((r) => !r.known).map((r) => r.name);
    if (unknown.length) {
      notes.push(
        `${unknown.length} unknown name(s), each treated as its own model, line and family; ` +
          'map them with a catalog file (alias, model, family, line, release_date) via --catalog or ingest',
      );
    }
    return {
      source,
      database: store ? o.db : null,
      names: resolved,
      unknown,
      ...(listAll ? { models: catalogModels(cat) } : {}),
      userRows: { database: dbRows.length, file: fileRows.length },
      notes,
    };
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
  const notes = [...r.notes];
  if (r.userRows.database || r.userRows.file) {
    notes.push(`applied ${r.userRows.database} catalog row(s) from the database and ${r.userRows.file} from --catalog`);
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
    notes,
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
