import type { Store } from '../store/db.js';

/** A price this far above or below the median of the model's other providers is an anomaly. */
export const ANOMALY_FACTOR = 20;

export interface PriceAnomaly {
  provider: string;
  /** the model name as the price source gives it */
  sourceModel: string;
  model: string;
  ts: string;
  field: 'input' | 'output';
  price: number;
  currency: string;
  /** median price of the same model's other providers in force at ts; null when there are none */
  otherMedian: number | null;
  otherProviders: number;
  reason: string;
}

/**
 * Every price snapshot row that is zero, more than ANOMALY_FACTOR times above or below
 * the median of the same model's other providers (their base-tier prices in force at the
 * same time), or in conflict: another spelling of the same model gives the same provider
 * another price for the same tier at the same time (both rows are flagged; neither is
 * picked silently). Needs the temp tables `model_map` and `provider_map`.
 * `ingestIds` restricts the rows examined (not the comparison set).
 */
export function priceAnomaliesSql(opts: { ingestIds?: boolean } = {}): string {
  return `
WITH p AS (
  SELECT pv.provider, pr.model AS source_model, m.model, pr.ts, coalesce(pr.tier_min_input_tokens, 0) AS tier,
    pr.input_price, pr.output_price, pr.currency, pr.ingest_id
  FROM prices pr JOIN model_map m ON m.name = pr.model JOIN provider_map pv ON pv.name = pr.provider
),
base AS (SELECT * FROM p WHERE tier = 0),
-- each other provider's price in force at the row's time
others AS (
  SELECT r.provider, r.source_model, r.ts, q.provider AS other,
    arg_max(q.input_price, q.ts) AS other_in, arg_max(q.output_price, q.ts) AS other_out
  FROM p r JOIN base q ON q.model = r.model AND q.currency = r.currency AND q.provider <> r.provider AND q.ts <= r.ts
  GROUP BY ALL
),
-- another spelling's different price for the same provider, model, tier and time
conflicts AS (
  SELECT r.provider, r.source_model, r.ts, r.tier, f.field, min(q.source_model) AS other_model, min(f.other) AS other_price
  FROM p r JOIN p q ON q.model = r.model AND q.provider = r.provider AND q.ts = r.ts AND q.tier = r.tier
    AND q.currency = r.currency AND q.source_model <> r.source_model,
  LATERAL (VALUES ('input', r.input_price, q.input_price), ('output', r.output_price, q.output_price)) f(field, price, other)
  WHERE f.price <> f.other
  GROUP BY ALL
),
med AS (
  SELECT provider, source_model, ts,
    quantile_cont(other_in, 0.5) FILTER (WHERE other_in > 0) AS med_in,
    quantile_cont(other_out, 0.5) FILTER (WHERE other_out > 0) AS med_out,
    count(DISTINCT other) AS n_others
  FROM others GROUP BY ALL
),
per_field AS (
  SELECT p.provider, p.source_model, p.model, p.ts, p.tier, p.currency, p.ingest_id, f.field, f.price, f.med,
    coalesce(med.n_others, 0) AS n_others
  FROM p LEFT JOIN med USING (provider, source_model, ts),
  LATERAL (VALUES ('input', p.input_price, med.med_in), ('output', p.output_price, med.med_out)) f(field, price, med)
),
fields AS (
  SELECT f.*, c.other_model, c.other_price
  FROM per_field f LEFT JOIN conflicts c USING (provider, source_model, ts, tier, field)
)
SELECT DISTINCT provider, source_model AS "sourceModel", model, strftime(ts, '%Y-%m-%dT%H:%M:%SZ') AS ts, field, price, currency,
  med AS "otherMedian", n_others AS "otherProviders",
  CASE WHEN other_model IS NOT NULL
         THEN printf('conflicts with %s at the same time (%s)', other_model, CAST(other_price AS VARCHAR))
       WHEN price = 0 THEN 'zero price'
       WHEN price > ${ANOMALY_FACTOR} * med THEN printf('%.0fx the median of %d other provider(s)', price / med, n_others)
       ELSE printf('1/%.0f of the median of %d other provider(s)', med / price, n_others) END AS reason
FROM fields
WHERE (other_model IS NOT NULL OR price = 0 OR price > ${ANOMALY_FACTOR} * med OR price * ${ANOMALY_FACTOR} < med)
  ${opts.ingestIds ? 'AND ingest_id IN (SELECT unnest(CAST($ingest_ids AS BIGINT[])))' : ''}
ORDER BY model, provider, "sourceModel", ts, field`;
}

export async function priceAnomalies(store: Store, ingestIds?: number[]): Promise<PriceAnomaly[]> {
  if (ingestIds && ingestIds.length === 0) return [];
  const sql = priceAnomaliesSql({ ingestIds: !!ingestIds });
  return store.all<PriceAnomaly>(sql, ingestIds ? { ingest_ids: `[${ingestIds.join(',')}]` } : undefined);
}
