/**
 * The formulas behind the figures users see, written once as SQL over column expressions:
 * what tokens cost at list prices, the blended price, a logged request's throughput.
 */

/** A price row's input, cached-input, cache-write and output prices, as SQL expressions in one unit. */
export interface Prices {
  input: string;
  cached: string;
  write: string;
  output: string;
}

/**
 * The prices of the row `row` (`p` for `p.input_price` …): cached input and cache writes at
 * their own prices, else the input price (`writes: false` for rows without a cache-write price).
 */
export function pricesOf(row: string, o: { writes?: boolean } = {}): Prices {
  return {
    input: `${row}.input_price`,
    cached: `coalesce(${row}.cached_input_price, ${row}.input_price)`,
    write: o.writes === false ? '0' : `coalesce(${row}.cache_write_price, ${row}.input_price)`,
    output: `${row}.output_price`,
  };
}

/** A request's tokens as SQL expressions: uncached input, cached input, cache writes, output. */
export interface Tokens {
  fresh: string;
  cached: string;
  write: string;
  output: string;
}

/**
 * The logged tokens of the request row `row`, a missing cached or cache-write count being
 * none. Both are part of the input tokens; the rest of the input is fresh. `writes: false`
 * for rows without a cache-write count (the generated market's).
 */
export function tokensOf(row: string, o: { writes?: boolean } = {}): Tokens {
  const cached = `coalesce(${row}.cached_tokens, 0)`;
  const write = o.writes === false ? '0' : `coalesce(${row}.cache_write_tokens, 0)`;
  return {
    fresh: `(${row}.input_tokens - ${cached} - ${write})`,
    cached,
    write,
    output: `${row}.output_tokens`,
  };
}

/**
 * List cost: fresh input at the input price, cached input at the cached price, cache writes at
 * the cache-write price, output at the output price (all of one price tier).
 */
export function listCostSql(t: Tokens, p: Prices): string {
  return `${t.fresh} * ${p.input} + ${t.cached} * ${p.cached} + ${t.write} * ${p.write} + ${t.output} * ${p.output}`;
}

/**
 * The price tier a request of `inputTokens` input tokens (cached included) pays, given a
 * snapshot's tiers as a list of structs with `min` (`tier_min_input_tokens`) in ascending order:
 * the last tier whose threshold it passes strictly, else the first (tier 0).
 */
export function tierOf(tiers: string, inputTokens: string): string {
  return `coalesce(${passedTier(tiers, inputTokens)}, ${tiers}[1])`;
}

/** The last of `tiers` (ascending `min`) whose threshold `inputTokens` passes strictly, else NULL. */
export function passedTier(tiers: string, inputTokens: string): string {
  return `list_filter(${tiers}, t -> t.min < ${inputTokens})[-1]`;
}

/**
 * One price snapshot per (key columns, ts) from rows of `prices` aliased `p`: `tiers`, its
 * tier rows as structs {min, input_price, output_price, cached_input_price, cache_write_price}
 * in ascending order of threshold.
 */
export const TIERS_AGG = `list({'min': coalesce(p.tier_min_input_tokens, 0), 'input_price': p.input_price,
    'output_price': p.output_price, 'cached_input_price': p.cached_input_price, 'cache_write_price': p.cache_write_price}
    ORDER BY coalesce(p.tier_min_input_tokens, 0))`;

/** The blended price, 3 input : 1 output tokens. */
export function blendedPriceSql(input: string, output: string): string {
  return `(3 * ${input} + ${output}) / 4`;
}

/**
 * A logged request's throughput: output tokens per second between its first and last token,
 * NULL unless both times are known and the latency is longer than the TTFT.
 */
export function requestTpsSql(row: string): string {
  const c = (name: string) => `${row}.${name}`;
  return `CASE WHEN ${c('latency_ms')} > ${c('ttft_ms')} THEN ${c('output_tokens')} / ((${c('latency_ms')} - ${c('ttft_ms')}) / 1000) END`;
}
