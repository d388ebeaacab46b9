/**
 * What the two OpenRouter catalogue presets share beyond the other catalogues (see `catalogue.ts`):
 * the shape of a `{"data": …}` response, features from `supported_parameters`, and a `pricing`
 * object (with its long-context `overrides`) as price rows, one per tier.
 * Field meanings: OpenRouter's OpenAPI document (schemas `PublicPricing`, `PricingOverride`)
 * and https://openrouter.ai/docs/guides/overview/models; see the fixture READMEs.
 */
import type { Store } from '../../store/db.js';
import type { SourceFile } from '../sources.js';
import { describeValues, perMillion, stageDocument, type DocumentShape } from './catalogue.js';

/** A staged response's values, and the JSON type of their `data`. */
export interface ResponseShape extends DocumentShape {
  dataType: string | null;
}

/** Stages one OpenRouter response as the temp table `table(doc)` (see `stageDocument`) and returns its shape. */
export async function stageResponse(store: Store, src: SourceFile, table: string): Promise<ResponseShape> {
  const shape = await stageDocument(store, src, table);
  const data = await store.one<{ dataType: string | null }>(
    `SELECT min(json_type(doc -> 'data')) AS "dataType" FROM ${table}`,
  );
  return { ...shape, dataType: data?.dataType ?? null };
}

/** What a file holds, for a message: "a JSON array", "2 JSON values", "{"data": object}". */
export function describeShape(shape: ResponseShape): string {
  if (shape.n !== 1 || shape.type !== 'OBJECT') return describeValues(shape);
  return shape.dataType === null ? 'an object without "data"' : `{"data": ${shape.dataType.toLowerCase()}}`;
}

/**
 * Canonical features from an object's `supported_parameters`: `tools` → tools,
 * `structured_outputs` → json_schema (`response_format` alone is JSON mode, not schema
 * enforcement), and `stream` always (OpenRouter streams from any model). NULL when the
 * object has no parameter list: unknown, so not held against a request.
 */
export function featuresSql(obj: string): string {
  const params = `json_extract_string(${obj}, '$.supported_parameters[*]')`;
  return `CASE WHEN json_type(${obj} -> 'supported_parameters') = 'ARRAY' THEN concat_ws(',',
      CASE WHEN list_contains(${params}, 'tools') THEN 'tools' END,
      CASE WHEN list_contains(${params}, 'structured_outputs') THEN 'json_schema' END,
      'stream') END`;
}

/** A negative prompt or completion price: OpenRouter's mark of a variable-price router (`openrouter/auto`). */
function variablePriceSql(pricing: string): string {
  return `coalesce(TRY_CAST(${pricing} ->> 'prompt' AS DOUBLE) < 0 OR TRY_CAST(${pricing} ->> 'completion' AS DOUBLE) < 0, false)`;
}

/** The price keys a tier row carries, by canonical column. */
const PRICE_KEYS = [
  ['prompt', 'input_price'],
  ['completion', 'output_price'],
  ['input_cache_read', 'cached_input_price'],
  ['input_cache_write', 'cache_write_price'],
] as const;

/**
 * Price rows (USD per 1 M tokens) from `items(pos, provider, model, pricing, entry)`: one at
 * tier 0 per item with the top-level prices, and one per distinct `min_prompt_tokens` N of its
 * long-context overrides with tier_min_input_tokens = N. A tier's price for each key is the
 * last applicable override's (every override with a threshold ≤ N, in array order), else the
 * base price: "later entries win per key; price keys absent from an entry inherit the base
 * price". Overrides with a UTC time window are not tiers and are left out (the top-level
 * prices are the window in force when the response was made). Variable-price items are
 * skipped. `__row` numbers the rows in item order, each item's tiers after its base row.
 */
export function priceRowsSql(items: string): string {
  const key = (o: string, k: string) => `(${o} ->> '${k}')`;
  return `
WITH priced AS (
  SELECT pos, provider, model, pricing, entry FROM ${items} WHERE NOT ${variablePriceSql('pricing')}
), overrides AS (
  SELECT pos, o, i FROM (
    SELECT pos, unnest(ov) AS o, generate_subscripts(ov, 1) AS i
    FROM (SELECT pos, TRY_CAST(pricing -> 'overrides' AS JSON[]) AS ov FROM priced) WHERE ov IS NOT NULL)
  WHERE ${key('o', 'min_prompt_tokens')} IS NOT NULL AND ${key('o', 'utc_start')} IS NULL AND ${key('o', 'utc_end')} IS NULL
), tiers AS (
  SELECT DISTINCT pos, ${key('o', 'min_prompt_tokens')} AS tier FROM overrides
), tier_prices AS (
  SELECT t.pos, t.tier,
    ${PRICE_KEYS.map(([k]) => `arg_max(${key('v.o', k)}, v.i) FILTER (WHERE ${key('v.o', k)} IS NOT NULL) AS ${k}`).join(',\n    ')}
  FROM tiers t JOIN overrides v ON v.pos = t.pos
    AND TRY_CAST(${key('v.o', 'min_prompt_tokens')} AS DOUBLE) <= TRY_CAST(t.tier AS DOUBLE)
  GROUP BY t.pos, t.tier
), tier_rows AS (
  SELECT pos, provider, model, entry, '0' AS tier, -1 AS tier_order,
    ${PRICE_KEYS.map(([k]) => `${key('pricing', k)} AS ${k}`).join(', ')}
  FROM priced
  UNION ALL
  SELECT p.pos, p.provider, p.model, p.entry, t.tier, coalesce(TRY_CAST(t.tier AS DOUBLE), 'infinity'),
    ${PRICE_KEYS.map(([k]) => `coalesce(tp.${k}, ${key('p.pricing', k)}) AS ${k}`).join(', ')}
  FROM tiers t JOIN priced p USING (pos) LEFT JOIN tier_prices tp USING (pos, tier)
)
SELECT row_number() OVER (ORDER BY pos, tier_order, tier) AS __row, CAST($snapshot AS TIMESTAMP) AS ts,
  provider, model, ${PRICE_KEYS.map(([k, col]) => `${perMillion(k)} AS ${col}`).join(', ')},
  tier AS tier_min_input_tokens, 'USD' AS currency, entry
FROM tier_rows`;
}
