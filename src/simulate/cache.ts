/**
 * Prompt caches in the replay. A request's logged cached tokens were a hit at the provider
 * that served it; under a policy they stay a hit only where the provider holds the prefix.
 * A cache chain is a run of one model's requests sharing a cache key, in time order, each
 * within the time to live of the one before. Pure: options and SQL expressions, no store.
 */
import { UsageError } from '../errors.js';
import { parseDuration } from '../time.js';

/**
 * `chain`: a hit where the policy sent the chain's previous request (the first of a chain: where
 * it was served); `warm`: every logged hit kept wherever the request goes; `cold`: hits kept only
 * at the provider that served the request.
 */
export const CACHE_MODES = ['chain', 'warm', 'cold'] as const;
export type CacheMode = (typeof CACHE_MODES)[number];

/** The request columns a cache key may be made of, and the default: the first of them a request has. */
export const CACHE_KEY_COLUMNS = ['session', 'app', 'user', 'task'] as const;
export const DEFAULT_CACHE_KEY = ['session', 'app', 'user'] as const;

export const DEFAULT_CACHE_MODE: CacheMode = 'chain';
/** A longer gap between requests of one key starts a new chain. */
export const DEFAULT_CACHE_TTL = '5m';

export interface CacheOptions {
  mode: CacheMode;
  /** the columns tried in turn for a request's key; none: one key per model */
  key: string[];
  ttlSeconds: number;
}

export function parseCacheMode(text: string): CacheMode {
  if ((CACHE_MODES as readonly string[]).includes(text)) return text as CacheMode;
  throw new UsageError(`--cache must be ${CACHE_MODES.join(', ')}, not '${text}'`);
}

/** `session,app,user` (tried in turn), or `none` (one chain per model and run of requests). */
export function parseCacheKey(text: string | readonly string[]): string[] {
  const names = (typeof text === 'string' ? text.split(',') : text).map((c) => c.trim()).filter(Boolean);
  if (names.length === 1 && names[0] === 'none') return [];
  const unknown = names.find((c) => !(CACHE_KEY_COLUMNS as readonly string[]).includes(c));
  if (unknown !== undefined || names.length === 0)
    throw new UsageError(
      `--cache-key takes columns of the requests tried in turn (${CACHE_KEY_COLUMNS.join(', ')}) or none, not '${unknown ?? text}'`,
    );
  return [...new Set(names)];
}

export function cacheOptions(o: {
  cache?: string;
  cacheKey?: string | readonly string[];
  cacheTtl?: string | number;
}): CacheOptions {
  return {
    mode: parseCacheMode(o.cache ?? DEFAULT_CACHE_MODE),
    key: parseCacheKey(o.cacheKey ?? DEFAULT_CACHE_KEY),
    ttlSeconds: parseDuration('--cache-ttl', o.cacheTtl ?? DEFAULT_CACHE_TTL),
  };
}

/**
 * The columns a request's chain is found by, over the requests' own columns: two 64-bit hashes of its model
 * and cache key (the first of the key's columns it has, named so that values of two columns never meet) and
 * one of its id (`chain_tie`). Taken where the request is read, so that no sort on the way to the chain
 * window carries the text (a round-robin's turns are a sort of every request too).
 */
export function chainColumnsSql(key: readonly string[]): string {
  // quoted: a bare user that names no column is DuckDB's current user
  const parts = key.map((c) => `'${c}:' || "${c}"`);
  const k =
    parts.length === 0 ? 'CAST(NULL AS VARCHAR)' : parts.length === 1 ? parts[0] : `coalesce(${parts.join(', ')})`;
  return `hash(model, ${k}) AS chain_part, hash(${k}, model) AS chain_key, hash(request_id) AS chain_tie`;
}

/**
 * The window over a model's requests of one key in time order, a tie broken by a 64-bit hash of the request
 * id (`chain_tie`): a sort on the text would be about twice as long. It sorts on two 64-bit hashes of
 * (model, key) rather than the text (chainColumnsSql): `chain_part` partitions, `chain_key` keeps each key's
 * requests together within a partition, and two keys are taken for one only when both hashes collide.
 */
const CHAIN_ORDER = 'PARTITION BY chain_part ORDER BY chain_key, ts, chain_tie';

/**
 * Whether a request starts a chain, over the window `chain` (CHAIN_ORDER): the first of its key, or more
 * than the TTL (`$cache_ttl_s`) after the one before; a gap of exactly the TTL is within.
 */
const CHAIN_FIRST = `lag(chain_key) OVER chain IS DISTINCT FROM chain_key OR ts - lag(ts) OVER chain > to_seconds($cache_ttl_s)`;

/**
 * Over requests with their chainColumnsSql and `ts`: whether each starts its chain (`cache_first`) and, for
 * the others, each `[expr, as]` of `sent` as it was for the request before it in its chain (NULL for the
 * first). The rows come out in chain order, with the columns they came with but the chain's.
 */
export function chainPreviousSql(sql: string, sent: readonly (readonly [string, string])[]): string {
  const windowed = `SELECT * EXCLUDE (chain_part, chain_key, chain_tie), ${CHAIN_FIRST} AS cache_first
      ${sent.map(([expr, as]) => `, lag(${expr}) OVER chain AS ${as}`).join('')}
    FROM (${sql})
    WINDOW chain AS (${CHAIN_ORDER})`;
  if (sent.length === 0) return windowed;
  const previous = sent.map(([, as]) => `CASE WHEN NOT cache_first THEN ${as} END AS ${as}`);
  return `SELECT * REPLACE (${previous.join(', ')}) FROM (${windowed})`;
}

/**
 * Over requests with their chainColumnsSql, `ts` and a row number (`rid`): for every
 * request, the rid of the request before it in its chain (`prev_rid`; none for the first of a chain) and
 * the chain it is in (`cache_chain`, the rid of its first request).
 */
export function chainLinksSql(sql: string): string {
  const links = `SELECT rid, CASE WHEN NOT (${CHAIN_FIRST}) THEN lag(rid) OVER chain END AS prev_rid,
      chain_part, chain_key, ts, chain_tie
    FROM (SELECT rid, ts, chain_part, chain_key, chain_tie FROM (${sql}))
    WINDOW chain AS (${CHAIN_ORDER})`;
  return `SELECT rid, prev_rid,
      last_value(CASE WHEN prev_rid IS NULL THEN rid END IGNORE NULLS) OVER (${CHAIN_ORDER} ROWS UNBOUNDED PRECEDING) AS cache_chain
    FROM (${links})`;
}
