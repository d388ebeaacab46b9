/**
 * Provider identity: every source spells providers its own way (`fireworks_ai`, `Fireworks`,
 * `FIREWORKS`, `api.fireworks.ai`). The provider catalog maps each spelling to one canonical
 * provider id and says whether it is a `host` or a `gateway`. Built in, with user rows
 * (`alias, provider, kind`) applied on top, a later row winning. Unknown names stand for
 * themselves.
 */
import { BUILTIN_PROVIDERS } from './providers-builtin.js';

export type ProviderKind = 'host' | 'gateway';

export interface CatalogProvider {
  id: string;
  name: string;
  kind: ProviderKind | null;
  aliases: string[];
  source: 'builtin' | 'user';
}

/** A provider catalog row as ingested or read from a catalog file (canonical `provider_catalog` columns). */
export interface ProviderCatalogRow {
  alias: string;
  provider: string;
  kind?: string | null;
}

export interface ProviderCatalog {
  providers: Map<string, CatalogProvider>;
  /** folded spelling → provider id */
  byFolded: Map<string, string>;
}

export interface ProviderResolution {
  /** the name as given */
  name: string;
  /** canonical id, or the name itself when unknown */
  provider: string;
  display: string;
  kind: ProviderKind | null;
  known: boolean;
}

/**
 * The form spellings are compared in: lower case; an URL's scheme and everything from the
 * first `/` on dropped (`https://api.fireworks.ai/inference/v1` is `api.fireworks.ai`, an
 * OpenRouter slug `deepinfra/fp8` is `deepinfra`); runs of space, `_`, `-` and `.` are one `-`.
 */
export function foldProvider(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, '')
    .replace(/\/.*$/, '')
    .replace(/[\s_.-]+/g, '-')
    .replace(/^-|-$/g, '');
}

export function buildProviderCatalog(userRows: readonly ProviderCatalogRow[] = []): ProviderCatalog {
  const providers = new Map<string, CatalogProvider>();
  const byFolded = new Map<string, string>();
  for (const b of BUILTIN_PROVIDERS) {
    providers.set(b.id, { id: b.id, name: b.name, kind: b.kind, aliases: [...b.aliases], source: 'builtin' });
    for (const spelling of [b.id, b.name, ...b.aliases]) {
      const f = foldProvider(spelling);
      if (f && !byFolded.has(f)) byFolded.set(f, b.id);
    }
  }
  for (const row of userRows) {
    const alias = text(row.alias);
    const target = text(row.provider);
    if (!alias || !target) continue;
    // a row naming a known provider by any spelling extends it; another name is a new provider
    const id = byFolded.get(foldProvider(target)) ?? target;
    const current = providers.get(id);
    const next: CatalogProvider = current
      ? { ...current, aliases: [...current.aliases] }
      : { id, name: id, kind: null, aliases: [], source: 'user' };
    const kind = text(row.kind)?.toLowerCase();
    if (kind === 'host' || kind === 'gateway') next.kind = kind;
    if (foldProvider(alias) !== foldProvider(id) && !next.aliases.includes(alias)) next.aliases.push(alias);
    providers.set(id, next);
    byFolded.set(foldProvider(alias), id);
    if (!byFolded.has(foldProvider(id))) byFolded.set(foldProvider(id), id);
  }
  return { providers, byFolded };
}

export function resolveProvider(name: string, catalog: ProviderCatalog): ProviderResolution {
  const id = catalog.byFolded.get(foldProvider(name));
  const p = id === undefined ? undefined : catalog.providers.get(id);
  if (!p) return { name, provider: name.trim(), display: name.trim(), kind: null, known: false };
  return { name, provider: p.id, display: p.name, kind: p.kind, known: true };
}

/** The catalog's providers ordered by id. */
export function catalogProviders(catalog: ProviderCatalog): CatalogProvider[] {
  return [...catalog.providers.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function text(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  const s = String(v).trim();
  return s ? s : undefined;
}
