/**
 * What the OpenRouter presets should store, computed in plain JavaScript from JSON.parse of a
 * response, independently of their SQL.
 */

export type Json = Record<string, unknown>;

/**
 * A decimal text (or JSON number) times 1,000,000, by moving the decimal point in the digits:
 * exact, and independent of the SQL's DECIMAL arithmetic.
 */
export function perMillion(value: unknown): number | string | null {
  if (value === null || value === undefined) return null;
  const text = typeof value === 'number' ? String(value) : (value as string);
  const m = /^(-?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(text.trim());
  if (!m) return text; // not a number: validation rejects it
  const [, sign, int, frac = '', exp = '0'] = m;
  const digits = `${int}${frac}`;
  const point = int.length + Number(exp) + 6;
  const padded = point > digits.length ? digits.padEnd(point, '0') : digits;
  const shifted = point <= 0 ? `0.${'0'.repeat(-point)}${digits}` : `${padded.slice(0, point)}.${padded.slice(point)}`;
  return Number(`${sign}${shifted}`);
}

const PRICE_KEYS = ['prompt', 'completion', 'input_cache_read', 'input_cache_write'] as const;

/**
 * The price rows of one `pricing` object, by OpenRouter's documented rule, in plain JavaScript:
 * base at tier 0; per long-context threshold N, each key from the last override with a
 * threshold ≤ N that has it, else the base. Time-window overrides are no tiers.
 */
export function expectedPriceRows(pricing: Json): { tier: number | string; prices: (number | string | null)[] }[] {
  const longContext = ((pricing.overrides as Json[] | undefined) ?? []).filter(
    (o) => o.min_prompt_tokens != null && o.utc_start == null && o.utc_end == null,
  );
  const rows = [{ tier: 0 as number | string, prices: PRICE_KEYS.map((k) => perMillion(pricing[k])) }];
  const thresholds = [...new Set(longContext.map((o) => o.min_prompt_tokens as number | string))];
  for (const n of thresholds.sort((a, b) => Number(a) - Number(b))) {
    const applicable = longContext.filter((o) => Number(o.min_prompt_tokens) <= Number(n));
    const prices = PRICE_KEYS.map((k) => {
      const last = applicable.filter((o) => o[k] != null).at(-1);
      return perMillion(last ? last[k] : pricing[k]);
    });
    rows.push({ tier: n, prices });
  }
  return rows;
}

/** Features as the preset states them, from `supported_parameters`. */
export function expectedFeatures(params: unknown): string | null {
  if (!Array.isArray(params)) return null;
  return [
    params.includes('tools') ? 'tools' : null,
    params.includes('structured_outputs') ? 'json_schema' : null,
    'stream',
  ]
    .filter(Boolean)
    .join(',');
}
