/**
 * What the two OpenRouter catalogue presets share: reading one JSON response, the snapshot
 * time, per-token USD strings as per-1M prices, features from `supported_parameters`, and
 * a `pricing` object (with its long-context `overrides`) as price rows, one per tier.
 * Field meanings: OpenRouter's OpenAPI document (schemas `PublicPricing`, `PricingOverride`)
 * and https://openrouter.ai/docs/guides/overview/models; see the fixture READMEs.
 */
import path from 'node:path';
import { InputError } from '../../errors.js';
import type { Store } from '../../store/db.js';
import { calendarDay } from '../../time.js';
import type { SourceFile } from '../sources.js';

const MAX_OBJECT_BYTES = 1 << 30;

/** The JSON type of the file's values, after staging it as the one-column table `stage_<name>(doc)`. */
export async function stageDocument(
  store: Store,
  src: SourceFile,
  name: string,
): Promise<{ n: number; type: string | null; dataType: string | null }> {
  try {
    await store.run(
      `CREATE OR REPLACE TEMP TABLE stage_${name} AS
       SELECT json AS doc FROM read_json_objects($file, format = 'unstructured', maximum_object_size = ${MAX_OBJECT_BYTES})`,
      { file: src.path },
    );
  } catch (e) {
    throw new InputError(`${src.path}: cannot read as JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  return (await store.one<{ n: number; type: string | null; dataType: string | null }>(
    `SELECT count(*) AS n, min(json_type(doc)) AS type, min(json_type(doc -> 'data')) AS "dataType" FROM stage_${name}`,
  ))!;
}

/** What a file holds, for a message: "a JSON array", "2 JSON values", "{"data": object}". */
export function describeShape(shape: { n: number; type: string | null; dataType: string | null }): string {
  if (shape.n !== 1) return `${shape.n} JSON values`;
  if (shape.type !== 'OBJECT') return `a JSON ${String(shape.type).toLowerCase()}`;
  return shape.dataType === null ? 'an object without "data"' : `{"data": ${shape.dataType.toLowerCase()}}`;
}

/** The first real calendar date in the file name, else in the nearest folder named by a date (`2026-03-15`, `date=2026-03-15`). */
function dateInPath(file: string): string | undefined {
  for (const m of path.basename(file).matchAll(/(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)/g)) {
    const day = calendarDay(m[0]);
    if (day) return day;
  }
  for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const m = /^(?:[^=]+=)?(\d{4}-\d{2}-\d{2})$/.exec(path.basename(dir));
    if (m && calendarDay(m[1])) return m[1];
  }
  return undefined;
}

/**
 * The snapshot time as `YYYY-MM-DD HH:MM:SS[.ffffff]` (UTC): `--set ts` (ISO 8601 or epoch),
 * else a date in the file or folder name, else today, each at UTC midnight.
 */
export async function snapshotTime(store: Store, file: string, setTs: string | undefined): Promise<string> {
  if (setTs === undefined) return `${dateInPath(file) ?? new Date().toISOString().slice(0, 10)} 00:00:00`;
  const parsed = await store.one<{ t: string | null }>(
    `SELECT strftime(CASE WHEN regexp_full_match($t, '[0-9]+(\\.[0-9]*)?')
        THEN CASE WHEN CAST($t AS DOUBLE) < 1e11 THEN to_timestamp(CAST($t AS DOUBLE))
                  ELSE to_timestamp(CAST($t AS DOUBLE) / 1000) END
        ELSE TRY_CAST($t AS TIMESTAMPTZ) END, '%Y-%m-%d %H:%M:%S.%f') AS t`,
    { t: setTs.trim() },
  );
  if (!parsed?.t) throw new InputError(`--set ts '${setTs}' is not a timestamp; pass --set ts=YYYY-MM-DDTHH:MM:SSZ`);
  return parsed.t;
}

/**
 * A USD-per-token text (or JSON number) as USD per 1 M tokens, handed on as exact text
 * (0.00000028 → 0.28, never 0.27999999999999997); other text passes through for validation
 * to reject with its reason.
 */
export function perMillion(text: string): string {
  const num = `TRY_CAST(${text} AS DOUBLE)`;
  return `CASE WHEN ${num} IS NULL THEN ${text}
    WHEN abs(${num}) < 1e6 THEN rtrim(rtrim(CAST(CAST(${text} AS DECIMAL(38, 24)) * 1000000 AS VARCHAR), '0'), '.')
    ELSE CAST(${num} * 1e6 AS VARCHAR) END`;
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
