import { blendedPriceSql } from '../query/measures.js';
import type { Store } from '../store/db.js';
import { priceAnomalies } from './price-anomalies.js';

export interface PriceTier {
  minInputTokens: number;
  inputPrice: number;
  outputPrice: number | null;
  cachedInputPrice: number | null;
  cacheWritePrice: number | null;
}

export interface ProviderOffering {
  model: string;
  /** canonical provider id */
  provider: string;
  /** `host`, `gateway`, or null for a provider the catalog does not know */
  kind: string | null;
  /** the model name as the provider lists it */
  sourceModel: string;
  variant: string | null;
  quantization: string | null;
  official: boolean | null;
  listed: boolean;
  inputPrice: number | null;
  outputPrice: number | null;
  cachedInputPrice: number | null;
  cacheWritePrice: number | null;
  /** the snapshot's long-context tiers: prices for requests of more than `minInputTokens` input tokens */
  tiers: PriceTier[];
  /** (3 × input + output) / 4 */
  blendedPrice: number | null;
  currency: string | null;
  priceTs: string | null;
  contextLength: number | null;
  maxOutputTokens: number | null;
  features: string | null;
  anomalies: string[];
  medianTtftMs: number | null;
  medianTps: number | null;
  p90LatencyMs: number | null;
  /** ok measurements / all measurements, 0..1 */
  successRate: number | null;
  measurements: number;
}

/**
 * One row per offering (provider × model name as listed) of the selected
 * canonical model, or of every model: listing, price in force at `at` (the base tier's, and
 * the tiers above it), and latency measurements of that provider for the model. Needs
 * `model_map` and `provider_map`.
 */
const PROVIDERS_SQL = `
WITH m AS (SELECT name, model, variant FROM model_map WHERE $model IS NULL OR model = $model),
keys AS (
  SELECT DISTINCT pv.provider, pv.kind, x.source FROM (
    SELECT provider, model AS source FROM offerings UNION
    SELECT provider, model FROM prices UNION
    SELECT provider, model FROM latency
  ) x JOIN provider_map pv ON pv.name = x.provider
),
listing AS (
  SELECT pv.provider, o.model AS source,
    arg_max(o.official, coalesce(o.listed_from, DATE '1970-01-01')) AS official,
    arg_max(o.context_length, coalesce(o.listed_from, DATE '1970-01-01')) AS context_length,
    arg_max(o.max_output_tokens, coalesce(o.listed_from, DATE '1970-01-01')) AS max_output_tokens,
    arg_max(o.features, coalesce(o.listed_from, DATE '1970-01-01')) AS features,
    arg_max(o.quantization, coalesce(o.listed_from, DATE '1970-01-01')) AS quantization,
    bool_or(coalesce(o.listed_from, DATE '1970-01-01') <= CAST($at AS DATE)
            AND (o.listed_to IS NULL OR o.listed_to > CAST($at AS DATE))) AS listed
  FROM offerings o JOIN provider_map pv ON pv.name = o.provider GROUP BY ALL
),
priced AS (
  SELECT pv.provider, p.model AS source, p.* EXCLUDE (provider, model), coalesce(p.tier_min_input_tokens, 0) AS tier,
    max(p.ts) OVER (PARTITION BY pv.provider, p.model) AS price_ts
  FROM prices p JOIN provider_map pv ON pv.name = p.provider
  WHERE p.ts <= CAST($at AS TIMESTAMP)
),
price AS (
  SELECT provider, source, price_ts,
    max(input_price) FILTER (WHERE tier = 0) AS input_price, max(output_price) FILTER (WHERE tier = 0) AS output_price,
    max(cached_input_price) FILTER (WHERE tier = 0) AS cached_input_price,
    max(cache_write_price) FILTER (WHERE tier = 0) AS cache_write_price, max(currency) AS currency,
    coalesce(list(DISTINCT {'minInputTokens': tier, 'inputPrice': input_price, 'outputPrice': output_price,
      'cachedInputPrice': cached_input_price, 'cacheWritePrice': cache_write_price}) FILTER (WHERE tier > 0), []) AS tiers
  FROM priced WHERE ts = price_ts GROUP BY ALL
),
speed AS (
  SELECT pv.provider, mm.model,
    quantile_cont(l.ttft_ms, 0.5) FILTER (WHERE l.ok) AS ttft,
    quantile_cont(l.tps, 0.5) FILTER (WHERE l.ok) AS tps,
    quantile_cont(l.latency_ms, 0.9) FILTER (WHERE l.ok) AS p90,
    avg(CASE WHEN l.ok THEN 1.0 ELSE 0.0 END) AS success, count(*) AS n
  FROM latency l JOIN model_map mm ON mm.name = l.model JOIN provider_map pv ON pv.name = l.provider GROUP BY ALL
)
SELECT m.model, k.provider, k.kind, k.source AS "sourceModel", m.variant, li.quantization, li.official,
  coalesce(li.listed, p.input_price IS NOT NULL) AS listed,
  p.input_price AS "inputPrice", p.output_price AS "outputPrice", p.cached_input_price AS "cachedInputPrice",
  p.cache_write_price AS "cacheWritePrice", list_sort(coalesce(p.tiers, [])) AS tiers,
  round(${blendedPriceSql('p.input_price', 'p.output_price')}, 9) AS "blendedPrice", p.currency,
  strftime(p.price_ts, '%Y-%m-%dT%H:%M:%SZ') AS "priceTs",
  li.context_length AS "contextLength", li.max_output_tokens AS "maxOutputTokens", li.features,
  s.ttft AS "medianTtftMs", s.tps AS "medianTps", s.p90 AS "p90LatencyMs", s.success AS "successRate",
  coalesce(s.n, 0) AS measurements
FROM keys k JOIN m ON m.name = k.source
LEFT JOIN listing li ON li.provider = k.provider AND li.source = k.source
LEFT JOIN price p ON p.provider = k.provider AND p.source = k.source
LEFT JOIN speed s ON s.provider = k.provider AND s.model = m.model
ORDER BY m.model, li.official DESC NULLS LAST, "blendedPrice" NULLS LAST, k.provider, k.source`;

export async function providerOfferings(
  store: Store,
  opts: { model?: string; at: string },
): Promise<ProviderOffering[]> {
  const rows = await store.all<Omit<ProviderOffering, 'anomalies'>>(PROVIDERS_SQL, {
    model: opts.model ?? null,
    at: opts.at,
  });
  const flags = new Map<string, string[]>();
  for (const a of await priceAnomalies(store)) {
    const key = `${a.provider}\u0000${a.sourceModel}\u0000${a.ts}`;
    flags.set(key, [...(flags.get(key) ?? []), `${a.field} price ${a.reason}`]);
  }
  return rows.map((r) => ({
    ...r,
    anomalies: flags.get(`${r.provider}\u0000${r.sourceModel}\u0000${r.priceTs}`) ?? [],
  }));
}

/** The latest price snapshot time (ISO 8601, full precision), or now: the default moment for "price in force". */
export async function latestPriceTs(store: Store): Promise<string> {
  const r = await store.one<{ ts: string | null }>(
    `SELECT strftime(max(ts), '%Y-%m-%dT%H:%M:%S.%fZ') AS ts FROM prices`,
  );
  return r?.ts ?? new Date().toISOString();
}

export interface PricePoint {
  model: string;
  /** canonical provider id */
  provider: string;
  kind: string | null;
  /** snapshot time, ISO 8601 */
  ts: string;
  inputPrice: number;
  outputPrice: number;
  blendedPrice: number;
  currency: string | null;
}

/**
 * Every base-tier price snapshot of the selected canonical model, per provider and time; where a
 * provider lists the model under several names at one time, the cheapest (blended, then by name).
 * Needs `model_map` and `provider_map`.
 */
export function priceHistory(store: Store, model: string): Promise<PricePoint[]> {
  return store.all<PricePoint>(
    `SELECT model, provider, kind, ts, cheapest.input_price AS "inputPrice", cheapest.output_price AS "outputPrice",
       round(cheapest.blended, 9) AS "blendedPrice", cheapest.currency
     FROM (
       SELECT m.model, pv.provider, any_value(pv.kind) AS kind, strftime(p.ts, '%Y-%m-%dT%H:%M:%SZ') AS ts,
         arg_min({'input_price': p.input_price, 'output_price': p.output_price, 'currency': p.currency,
           'blended': ${blendedPriceSql('p.input_price', 'p.output_price')}},
           (${blendedPriceSql('p.input_price', 'p.output_price')}, p.model)) AS cheapest
       FROM prices p JOIN model_map m ON m.name = p.model JOIN provider_map pv ON pv.name = p.provider
       WHERE m.model = $model AND coalesce(p.tier_min_input_tokens, 0) = 0
       GROUP BY ALL
     ) ORDER BY provider, ts`,
    { model },
  );
}
