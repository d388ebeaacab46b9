import { blendedPriceSql } from '../query/measures.js';
import type { Store } from '../store/db.js';
import { priceAnomalies } from './price-anomalies.js';

export interface ProviderOffering {
  model: string;
  provider: string;
  /** the model name as the provider lists it */
  sourceModel: string;
  variant: string | null;
  quantization: string | null;
  official: boolean | null;
  listed: boolean;
  inputPrice: number | null;
  outputPrice: number | null;
  cachedInputPrice: number | null;
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
 * canonical model, or of every model: listing, price in force at `at`, and
 * latency measurements of that provider for the model. Needs `model_map`.
 */
const PROVIDERS_SQL = `
WITH m AS (SELECT name, model, variant FROM model_map WHERE $model IS NULL OR model = $model),
keys AS (
  SELECT provider, model AS source FROM offerings UNION
  SELECT provider, model FROM prices UNION
  SELECT provider, model FROM latency
),
listing AS (
  SELECT provider, model AS source,
    arg_max(official, coalesce(listed_from, DATE '1970-01-01')) AS official,
    arg_max(context_length, coalesce(listed_from, DATE '1970-01-01')) AS context_length,
    arg_max(max_output_tokens, coalesce(listed_from, DATE '1970-01-01')) AS max_output_tokens,
    arg_max(features, coalesce(listed_from, DATE '1970-01-01')) AS features,
    arg_max(quantization, coalesce(listed_from, DATE '1970-01-01')) AS quantization,
    bool_or(coalesce(listed_from, DATE '1970-01-01') <= CAST($at AS DATE)
            AND (listed_to IS NULL OR listed_to > CAST($at AS DATE))) AS listed
  FROM offerings GROUP BY ALL
),
price AS (
  SELECT provider, model AS source, max(ts) AS price_ts,
    arg_max(input_price, ts) AS input_price, arg_max(output_price, ts) AS output_price,
    arg_max(cached_input_price, ts) AS cached_input_price, arg_max(currency, ts) AS currency
  FROM prices WHERE ts <= CAST($at AS TIMESTAMP) GROUP BY ALL
),
speed AS (
  SELECT l.provider, mm.model,
    quantile_cont(l.ttft_ms, 0.5) FILTER (WHERE l.ok) AS ttft,
    quantile_cont(l.tps, 0.5) FILTER (WHERE l.ok) AS tps,
    quantile_cont(l.latency_ms, 0.9) FILTER (WHERE l.ok) AS p90,
    avg(CASE WHEN l.ok THEN 1.0 ELSE 0.0 END) AS success, count(*) AS n
  FROM latency l JOIN model_map mm ON mm.name = l.model GROUP BY ALL
)
SELECT m.model, k.provider, k.source AS "sourceModel", m.variant, li.quantization, li.official,
  coalesce(li.listed, p.input_price IS NOT NULL) AS listed,
  p.input_price AS "inputPrice", p.output_price AS "outputPrice", p.cached_input_price AS "cachedInputPrice",
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
