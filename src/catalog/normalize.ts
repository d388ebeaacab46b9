/**
 * Model-name normalisation: turns a name as logged into a catalog model. Pure: no fs, no DuckDB.
 *
 * Matching compares normalised keys exactly, after removing only recognised prefixes and
 * suffixes; it never matches substrings, so a fine-tune or distill whose name contains a
 * catalog model's name (`DeepSeek-R1-Distill-Llama-70B`, `Hermes-3-Llama-3.1-70B`) stays
 * its own model unless the catalog lists it.
 *
 * A name is tried whole first, then with its variant suffixes removed one at a time from the
 * end (`kimi-k2-thinking-turbo` is Kimi-K2-Thinking served `turbo`, not Kimi-K2), each time
 * also without a trailing date stamp. Date stamps: a name that ends in a full date
 * (`-20251201`, `-2024-08-06`, `@20250514`) and is not itself in the catalog is the catalog
 * model named by the rest. Such stamps are OpenRouter's permaslugs
 * (`deepseek/deepseek-v3.2-20251201`), Anthropic's, OpenAI's and Vertex's snapshot ids of
 * one model; a dated snapshot that is a different model (`gpt-4o-2024-08-06`,
 * `claude-3-5-sonnet-20240620`) is listed in the catalog and matches whole first. Shorter
 * version tags are never dropped: `-0324`, `-2507`, `-0905`, `-250324` and Google's
 * `-preview-06-05` name distinct releases.
 */
import { calendarDay } from '../time.js';

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
  // served inside a trusted execution environment (Chutes, nano-gpt)
  'tee',
  // The thinking mode of a hybrid model (`deepseek-v3.2-thinking`, `claude-sonnet-4-thinking`).
  // A separately released thinking model (`Kimi-K2-Thinking`, `Qwen3-…-Thinking-2507`) is a
  // catalog name of its own and matches whole before the suffix is read.
  'thinking',
  'think',
]);

/**
 * `model:tag` route tags that keep the model (OpenRouter and nano-gpt style): a price or
 * speed route, OpenRouter's tool-calling (`exacto`), web-search and long-output routes, and
 * the thinking mode. Other tags (`qwen3:32b`, `:beta`) are left alone.
 */
const ROUTE_TAGS = new Set(['free', 'nitro', 'floor', 'exacto', 'online', 'extended', 'thinking']);

/**
 * Path segments that name a serving tier of the same weights: SiliconFlow's `Pro/` (paid
 * balance only, higher rate limits, same price) and nano-gpt's `TEE/`.
 */
const VARIANT_SEGMENTS = new Set(['pro', 'tee']);

/**
 * Tokens that never distinguish two catalog models (chat/instruct tuning is what providers
 * serve). Not after `gpt`: OpenAI's `gpt-5-chat` is a model of its own.
 */
const NEUTRAL_TOKENS = new Set(['instruct', 'chat', 'it', 'hf']);

/**
 * A maker or publisher written before its family's name with a `-` instead of a `/`
 * (`meta-llama-3-3-70b`, `alibaba-qwen3-32b`, `openai-gpt-oss-120b`, `zai-org-glm-4.6`,
 * `deepseek-ai-deepseek-v3.1`): [its tokens, the family token that must follow]. Dropped
 * only at the start of a name, longest first.
 */
const MAKER_BEFORE_FAMILY: [string[], string][] = [
  [['meta', 'llama'], 'meta'],
  [['deepseek', 'ai'], 'deepseek'],
  [['zai', 'org'], 'glm'],
  [['z', 'ai'], 'glm'],
  [['meta'], 'llama'],
  [['alibaba'], 'qwen'],
  [['qwen'], 'qwen'],
  [['openai'], 'gpt'],
  [['thudm'], 'glm'],
  [['zai'], 'glm'],
  [['moonshotai'], 'kimi'],
  [['minimaxai'], 'minimax'],
  [['google'], 'gemma'],
  [['google'], 'gemini'],
  [['anthropic'], 'claude'],
];

/**
 * Claude's tiers. Names up to Claude 3.7 put the version before the tier
 * (`claude-3-5-sonnet`), later ones after it (`claude-sonnet-4-5`), and OpenRouter's
 * permaslugs keep the old order (`claude-4.6-sonnet-20260217`): keys read the tier first.
 */
const CLAUDE_TIERS = new Set(['opus', 'sonnet', 'haiku', 'fable']);

/** Amazon Bedrock ids: `[region.]vendor.model-v1:0`. */
const BEDROCK_ID =
  /^(?:(?:us|eu|apac|global|au|jp|us-gov)\.)?(meta|deepseek|qwen|openai|mistral|moonshot|moonshotai|minimax|google|zai|anthropic)\.(.+?)(?:-v?\d+:\d+|-v\d+)?$/i;

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

/**
 * A pinned version of a hosted deployment (Replicate's `model:<64 hex digits>`, Vertex AI's
 * `model@default`): the same weights.
 */
const PINNED_VERSION = /(?::[0-9a-f]{64}|@default)$/i;

export interface ParsedName {
  /** Key of the whole name after the path prefix (a variant segment such as `Pro/` kept), suffixes included. */
  fullKey: string;
  /** Key after removing recognised variants (suffixes, route tags, `Pro/`); equals fullKey when there are none. */
  baseKey: string;
  variant: string | null;
}

/** A key a name may match, and the variant the name then carries. */
interface NameCandidate {
  key: string;
  variant: string | null;
}

/**
 * The normalised key of a spelling: lower case, `3p1` read as `3.1`, split into letter and
 * digit runs (so separators, `.` and `llama3` vs `llama-3` do not matter), neutral tokens,
 * a version `v` and a leading maker name before its family's name (`meta` before `llama`)
 * dropped, and Claude's tier read first. A `:` is kept as a token so that unrecognised tags
 * (`qwen3:32b`, `deepseek-r1:70b`) never normalise onto a model.
 */
export function nameKey(spelling: string): string {
  const s = spelling.toLowerCase().replace(/(\d)p(?=\d)/g, '$1.');
  let raw: string[] = s.match(/[a-z]+|\d+|:/g) ?? [];
  for (let maker = makerBeforeFamily(raw); maker > 0; maker = makerBeforeFamily(raw)) raw = raw.slice(maker);
  const out: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    const t = raw[i];
    if (NEUTRAL_TOKENS.has(t) && raw[0] !== 'gpt') continue;
    if (t === 'v' && /^\d/.test(raw[i + 1] ?? '')) continue;
    out.push(t);
  }
  if (out[0] === 'claude') {
    const tier = out.findIndex((t) => CLAUDE_TIERS.has(t));
    if (tier > 1 && out.slice(1, tier).every((t) => /^\d+$/.test(t))) out.splice(1, 0, ...out.splice(tier, 1));
  }
  return out.join(' ');
}

/** How many leading tokens name a maker before its family's name (0 when none do). */
function makerBeforeFamily(tokens: string[]): number {
  const hit = MAKER_BEFORE_FAMILY.find(
    ([maker, family]) => maker.every((t, i) => tokens[i] === t) && tokens[maker.length] === family,
  );
  return hit ? hit[0].length : 0;
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

/**
 * The name read as variants are removed: the whole name first, then one route tag or variant
 * suffix less at a time from the end; where a path segment names a variant (`Pro/`, `TEE/`),
 * each step with and then without it.
 */
function variantSteps(name: string): NameCandidate[] {
  const route = name
    .trim()
    .split('/')
    .slice(0, -1)
    .map((segment) => segment.toLowerCase())
    .filter((segment) => VARIANT_SEGMENTS.has(segment));
  const peeled: string[] = [];
  const variant = (parts: string[]) => (parts.length ? parts.join('-') : null);
  const steps: NameCandidate[] = [];
  for (let s = stripPrefix(name); ;) {
    steps.push({ key: nameKey([...route, s].join(' ')), variant: variant(peeled) });
    if (route.length) steps.push({ key: nameKey(s), variant: variant([...route, ...peeled]) });
    const tag = /:([a-z0-9]+)$/i.exec(s);
    const suffix = /[-_\s]+([^-_\s]+)$/.exec(s);
    const end = tag && ROUTE_TAGS.has(tag[1].toLowerCase()) ? tag : suffix;
    if (!end || end.index === 0 || (end !== tag && !VARIANT_SUFFIXES.has(end[1].toLowerCase()))) return steps;
    peeled.unshift(end[1].toLowerCase());
    s = s.slice(0, end.index);
  }
}

export function parseName(name: string): ParsedName {
  const steps = variantSteps(name);
  const base = steps[steps.length - 1];
  return { fullKey: steps[0].key, baseKey: base.key, variant: base.variant };
}

/**
 * Every key a name may match, most specific first: each step of `variantSteps`, followed by
 * itself without a trailing date stamp when it has one.
 */
function nameCandidates(name: string): NameCandidate[] {
  return variantSteps(name).flatMap((step) => {
    const undated = withoutDateStamp(step.key);
    return undated ? [step, { key: undated, variant: step.variant }] : [step];
  });
}

/** A key without its trailing full date (`… 20251201` or `… 2024 08 06`), or undefined. */
function withoutDateStamp(key: string): string | undefined {
  const t = key.split(' ');
  const n = t.length;
  const compact = /^(20\d\d)(\d\d)(\d\d)$/.exec(t[n - 1]);
  if (n > 1 && compact && calendarDay(`${compact[1]}-${compact[2]}-${compact[3]}`)) return t.slice(0, -1).join(' ');
  const dashed = n > 3 && /^20\d\d$/.test(t[n - 3]) && /^\d\d$/.test(t[n - 2]) && /^\d\d$/.test(t[n - 1]);
  if (dashed && calendarDay(t.slice(-3).join('-'))) return t.slice(0, -3).join(' ');
  return undefined;
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
  const candidates = nameCandidates(name);
  const found = lookup(catalog.userAliases, exact, candidates, true) ?? lookup(catalog.names, exact, candidates, false);
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
  candidates: NameCandidate[],
  userLevel: boolean,
): { entry: CatalogEntry; variant: string | null; matchedBy: MatchedBy } | undefined {
  const how = (entry: CatalogEntry, normalized: boolean): MatchedBy =>
    userLevel || entry.user ? 'user' : normalized ? 'normalized' : 'alias';
  const byExact = tables.exact.get(exact);
  if (byExact) return { entry: byExact, variant: null, matchedBy: how(byExact, false) };
  for (const { key, variant } of candidates) {
    const entry = key ? tables.keys.get(key) : undefined;
    if (entry) return { entry, variant, matchedBy: how(entry, true) };
  }
  return undefined;
}
