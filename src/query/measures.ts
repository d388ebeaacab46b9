/**
 * The formulas behind the figures users see, written once as SQL over column expressions:
 * what tokens cost at list prices, the blended price, a logged request's throughput.
 */

/** A price row's input, cached-input and output prices, as SQL expressions in one unit. */
export interface Prices {
  input: string;
  cached: string;
  output: string;
}

/** The prices of the row `row` (`p` for `p.input_price` …): cached input at its own price, else the input price. */
export function pricesOf(row: string): Prices {
  return {
    input: `${row}.input_price`,
    cached: `coalesce(${row}.cached_input_price, ${row}.input_price)`,
    output: `${row}.output_price`,
  };
}

/** A request's tokens as SQL expressions: uncached input, cached input, output. */
export interface Tokens {
  fresh: string;
  cached: string;
  output: string;
}

/** The logged tokens of the request row `row`, a missing cached count being none. */
export function tokensOf(row: string): Tokens {
  return {
    fresh: `(${row}.input_tokens - coalesce(${row}.cached_tokens, 0))`,
    cached: `coalesce(${row}.cached_tokens, 0)`,
    output: `${row}.output_tokens`,
  };
}

/** List cost: uncached input at the input price, cached input at the cached price, output at the output price. */
export function listCostSql(t: Tokens, p: Prices): string {
  return `${t.fresh} * ${p.input} + ${t.cached} * ${p.cached} + ${t.output} * ${p.output}`;
}

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
