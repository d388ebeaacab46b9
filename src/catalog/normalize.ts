/**
 * Model-name normalisation: turns a name as logged into a catalog model. Pure: no fs, no DuckDB.
 *
 * Matching compares normalised keys exactly, after removing only recognised prefixes and
 * suffixes; it never matches substrings, so a fine-tune or distill whose name contains a
 * catalog model's name (`DeepSeek-R1-Distill-Llama-70B`, `Hermes-3-Llama-3.1-70B`) stays
 * its own model unless the catalog lists it.
 */

export type MatchedBy = 'alias' | 'user' | 'normalized' | 'unknown';

export interface ModelInfo {
  model: string;
  family: string;
  line: string;
  /** 'YYYY-MM-DD' or null when unknown. */
  releaseDate: string | null;
}

export interface Resolution extends ModelInfo {
  /** The name as given. */
  name: string;
  /** Recognised quantisation/speed/route suffixes of the name (`fp8`, `turbo`, `free`), or null. */
  variant: string | null;
  known: boolean;
  /**
   * `alias`: the name is a catalog spelling (canonical name or listed alias), up to case;
   * `user`: a user catalog row decided it; `normalized`: matched after normalisation.
   */
  matchedBy: MatchedBy;
}

export interface CatalogModel extends ModelInfo {
  /** Spellings listed for this model besides its canonical name. */
  aliases: string[];
  source: 'builtin' | 'user';
}

/** Where a lookup lands: the canonical model and whether a user row put it there. */
export interface CatalogEntry {
  model: string;
  user: boolean;
}

export interface LookupTables {
  /** Lower-cased, trimmed spelling → entry. */
  exact: Map<string, CatalogEntry>;
  /** Normalised key → entry. */
  keys: Map<string, CatalogEntry>;
}

/**
 * A built catalog. User aliases are looked up before catalog names so that a user row
 * overrides a built-in resolution; see `buildCatalog` in ./index.ts.
 */
export interface Catalog {
  models: Map<string, CatalogModel>;
  userAliases: LookupTables;
  names: LookupTables;
}

/** Suffixes that name a quantisation, a speed tier or a route of the same weights. */
const VARIANT_SUFFIXES = new Set([
  'fp8',
  'fp16',
  'bf16',
  'fp4',
  'nvfp4',
  'mxfp4',
  'mxfp',
  'int4',
  'int8',
  'awq',
  'gptq',
  'gguf',
  'w4a16',
  'w8a8',
  // `-fp8-dynamic`: FP8 weights with dynamically scaled activations.
  'dynamic',
  'turbo',
  'fast',
  'versatile',
  'instant',
  'free',
  'maas',
  'tput',
  'nitro',
  'floor',
]);

/** `model:tag` route tags that keep the model (OpenRouter style). Other tags are left alone. */
const ROUTE_TAGS = new Set(['free', 'nitro', 'floor']);

/** Tokens that never distinguish two catalog models (chat/instruct tuning is what providers serve). */
const NEUTRAL_TOKENS = new Set(['instruct', 'chat', 'it', 'hf']);

/**
 * A maker's name written before its family's name (`meta-llama-3-3-70b`, `alibaba-qwen3-32b`,
 * `openai-gpt-oss-120b`): dropped when it is the first token and the family name follows.
 */
const MAKER_BEFORE_FAMILY = new Map([
  ['meta', 'llama'],
  ['alibaba', 'qwen'],
  ['openai', 'gpt'],
]);

/** Amazon Bedrock ids: `[region.]vendor.model-v1:0`. */
const BEDROCK_ID =
  /^(?:(?:us|eu|apac|global|au|jp|us-gov)\.)?(meta|deepseek|qwen|openai|mistral|moonshot|moonshotai|minimax|google|zai)\.(.+?)(?:-v?\d+:\d+|-v\d+)?$/i;

/**
 * A Bedrock model part that is only a dotted version (`deepseek.v3.2`) is named after its
 * vendor. A bare major version is not: Bedrock's `deepseek.v3-v1:0` is DeepSeek-V3.1.
 */
const BARE_VERSION = /^v\d+\.\d+$/i;

/**
 * Route prefixes glued to the model name by a platform's endpoint naming
 * (`databricks-meta-llama-3-3-70b-instruct`). Only platforms that never publish models
 * of their own under that prefix: Snowflake's `snowflake-llama-3.3-70b` is its own model.
 */
const ROUTE_NAME_PREFIX = /^databricks-/i;

/** A pinned version of a hosted deployment (Replicate's `model:<64 hex digits>`): the same weights. */
const PINNED_VERSION = /:[0-9a-f]{64}$/i;

export interface ParsedName {
  /** Key of the whole name after the path prefix, suffixes included. */
  fullKey: string;
  /** Key after removing recognised variant suffixes; equals fullKey when there are none. */
  baseKey: string;
  variant: string | null;
}

/**
 * The normalised key of a spelling: lower case, `3p1` read as `3.1`, split into letter and
 * digit runs (so separators, `.` and `llama3` vs `llama-3` do not matter), neutral tokens,
 * a version `v` and a leading maker name before its family's name (`meta` before `llama`)
 * dropped. A `:` is kept as a token so that unrecognised tags (`qwen3:32b`,
 * `deepseek-r1:70b`) never normalise onto a model.
 */
export function nameKey(spelling: string): string {
  const s = spelling.toLowerCase().replace(/(\d)p(?=\d)/g, '$1.');
  const raw = s.match(/[a-z]+|\d+|:/g) ?? [];
  const out: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    const t = raw[i];
    if (NEUTRAL_TOKENS.has(t)) continue;
    if (t === 'v' && /^\d/.test(raw[i + 1] ?? '')) continue;
    if (out.length === 0 && MAKER_BEFORE_FAMILY.has(t) && raw[i + 1] === MAKER_BEFORE_FAMILY.get(t)) continue;
    out.push(t);
  }
  return out.join(' ');
}

/**
 * Strips the publisher/route path (`deepseek-ai/`, `accounts/fireworks/models/`, `@cf/meta/`),
 * a platform's route prefix (`databricks-`) and Bedrock decorations (`us.meta.…-v1:0`).
 */
export function stripPrefix(name: string): string {
  const s = name.trim();
  // Everything before the last '/' names a publisher or a route, never a model version.
  const last = s
    .slice(s.lastIndexOf('/') + 1)
    .replace(ROUTE_NAME_PREFIX, '')
    .replace(PINNED_VERSION, '');
  const bedrock = BEDROCK_ID.exec(last);
  if (!bedrock) return last;
  const [, vendor, model] = bedrock;
  return BARE_VERSION.test(model) ? `${vendor}-${model}` : model;
}

export function parseName(name: string): ParsedName {
  let s = stripPrefix(name);
  const fullKey = nameKey(s);
  const variant: string[] = [];
  const tag = /:([a-z0-9]+)$/i.exec(s);
  if (tag && ROUTE_TAGS.has(tag[1].toLowerCase())) {
    variant.unshift(tag[1].toLowerCase());
    s = s.slice(0, tag.index);
  }
  const parts = s.split(/[-_\s]+/);
  while (parts.length > 1 && VARIANT_SUFFIXES.has(parts[parts.length - 1].toLowerCase())) {
    variant.unshift(parts.pop()!.toLowerCase());
  }
  const baseKey = variant.length ? nameKey(parts.join('-')) : fullKey;
  return { fullKey, baseKey, variant: variant.length ? variant.join('-') : null };
}

/** What an unknown name becomes: its own model, line and family, as logged. */
export function unknownResolution(name: string): Resolution {
  return {
    name,
    model: name,
    family: name,
    line: name,
    releaseDate: null,
    variant: null,
    known: false,
    matchedBy: 'unknown',
  };
}

export function resolveName(name: string, catalog: Catalog): Resolution {
  const exact = name.trim().toLowerCase();
  const parsed = parseName(name);
  const found = lookup(catalog.userAliases, exact, parsed, true) ?? lookup(catalog.names, exact, parsed, false);
  if (!found) return unknownResolution(name);
  const info = catalog.models.get(found.entry.model);
  if (!info) return unknownResolution(name);
  return {
    name,
    model: info.model,
    family: info.family,
    line: info.line,
    releaseDate: info.releaseDate,
    variant: found.variant,
    known: true,
    matchedBy: found.matchedBy,
  };
}

function lookup(
  tables: LookupTables,
  exact: string,
  parsed: ParsedName,
  userLevel: boolean,
): { entry: CatalogEntry; variant: string | null; matchedBy: MatchedBy } | undefined {
  const how = (entry: CatalogEntry, normalized: boolean): MatchedBy =>
    userLevel || entry.user ? 'user' : normalized ? 'normalized' : 'alias';
  const byExact = tables.exact.get(exact);
  if (byExact) return { entry: byExact, variant: null, matchedBy: how(byExact, false) };
  const byFull = parsed.fullKey ? tables.keys.get(parsed.fullKey) : undefined;
  if (byFull) return { entry: byFull, variant: null, matchedBy: how(byFull, true) };
  if (parsed.variant) {
    const byBase = parsed.baseKey ? tables.keys.get(parsed.baseKey) : undefined;
    if (byBase) return { entry: byBase, variant: parsed.variant, matchedBy: how(byBase, true) };
  }
  return undefined;
}
