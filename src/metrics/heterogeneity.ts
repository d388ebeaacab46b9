import { blendedPriceSql, requestTpsSql } from '../query/measures.js';
import type { Store } from '../store/db.js';
import {
  beforePeriodEnd,
  listingOverlaps,
  periodCondition,
  selectedRequestsSql,
  type AnalyzeSelection,
} from '../query/selection.js';

export interface HeterogeneityProvider {
  provider: string;
  official: boolean;
  /** price in force at the end of the period, per 1 M tokens */
  inputPrice: number | null;
  outputPrice: number | null;
  /** (3 × input + output) / 4 */
  blendedPrice: number | null;
  currency: string | null;
  priceTs: string | null;
  contextLength: number | null;
  medianTtftMs: number | null;
  medianTps: number | null;
  /** failed / all, 0..1 */
  errorRate: number | null;
  /** where TTFT, TPS and error rate come from */
  speedSource: 'latency' | 'requests' | null;
  /** latency measurements or logged requests behind the speed figures */
  samples: number;
}

/** Spread of one figure across the providers that have it. */
export interface Spread {
  /** providers with a value */
  n: number;
  mean: number | null;
  min: number | null;
  max: number | null;
  /** population standard deviation / mean; null below 2 values or with a zero mean */
  cv: number | null;
  /** max / min; null below 2 values or with a zero minimum */
  maxMinRatio: number | null;
}

export const HETEROGENEITY_FIGURES = [
  'inputPrice',
  'outputPrice',
  'blendedPrice',
  'medianTtftMs',
  'medianTps',
  'contextLength',
  'errorRate',
] as const;
export type HeterogeneityFigure = (typeof HETEROGENEITY_FIGURES)[number];

export interface OfficialDeviation {
  officialProvider: string;
  /** mean |provider price − official price| over the other providers with a price, per 1 M tokens */
  input: number | null;
  output: number | null;
  blended: number | null;
  /** the blended deviation relative to the official blended price, percent */
  blendedPct: number | null;
}

export interface HeterogeneityModel {
  model: string;
  family: string;
  /** the providers' common price currency; null when they differ (price spreads are then left out) */
  currency: string | null;
  providers: HeterogeneityProvider[];
  spread: Record<HeterogeneityFigure, Spread>;
  officialDeviation: OfficialDeviation | null;
  /** every price CV is below both the TTFT and the TPS CV; null when any of them is unknown */
  priceAnchored: boolean | null;
}

export interface HeterogeneityResult {
  /** the latest price snapshot at or before the end of the period (all snapshots without --to) */
  priceAt: string | null;
  models: HeterogeneityModel[];
}

/**
 * One row per (canonical model, provider) for models with at least two providers.
 * A provider serves a model when it lists it (offering overlapping the period, or a
 * price snapshot before the period's end), was measured serving it in the period,
 * or served a selected request. Prices: the latest snapshot at or before the end of
 * the period, over every name of the model at that provider. Speed and errors: the
 * provider's latency measurements of the model in the period when there are any
 * (medians over ok rows, error rate = failed / all rows), else its selected logged
 * requests (medians over ok requests, error rate = error share).
 */
export function heterogeneitySql(sel: AnalyzeSelection) {
  // Demand plays no part here: request counts spare the price lookup of --by cost.
  const s = selectedRequestsSql({ ...sel, by: 'requests' });
  const sql = `
WITH sel AS (${s.sql}),
price_rows AS (
  SELECT pv.provider, m.model, p.ts, p.input_price, p.output_price, p.currency,
    row_number() OVER (PARTITION BY pv.provider, m.model
      ORDER BY p.ts DESC, 3 * p.input_price + p.output_price, p.model) AS k
  FROM prices p JOIN model_map m ON m.name = p.model JOIN provider_map pv ON pv.name = p.provider
  -- the base tier: what every request pays below the long-context thresholds
  WHERE coalesce(p.tier_min_input_tokens, 0) = 0
    AND ${beforePeriodEnd('p.ts', sel)} AND ($sel_model IS NULL OR m.model = $sel_model)
),
price AS (SELECT * EXCLUDE (k) FROM price_rows WHERE k = 1),
listing AS (
  SELECT pv.provider, m.model,
    arg_max(o.context_length, coalesce(o.listed_from, DATE '1970-01-01')) AS context_length,
    coalesce(bool_or(o.official), false) AS official
  FROM offerings o JOIN model_map m ON m.name = o.model JOIN provider_map pv ON pv.name = o.provider
  WHERE ${listingOverlaps('o.listed_from', 'o.listed_to')} AND ($sel_model IS NULL OR m.model = $sel_model)
  GROUP BY ALL
),
measured AS (
  SELECT pv.provider, m.model,
    quantile_cont(l.ttft_ms, 0.5) FILTER (WHERE l.ok) AS ttft,
    quantile_cont(l.tps, 0.5) FILTER (WHERE l.ok) AS tps,
    avg(CASE WHEN l.ok THEN 0.0 ELSE 1.0 END) AS error_rate, count(*) AS n
  FROM latency l JOIN model_map m ON m.name = l.model JOIN provider_map pv ON pv.name = l.provider
  WHERE ${periodCondition('l.ts', sel)} AND ($sel_model IS NULL OR m.model = $sel_model)
  GROUP BY ALL
),
logged AS (
  SELECT provider, model,
    quantile_cont(ttft_ms, 0.5) FILTER (WHERE status = 'ok') AS ttft,
    quantile_cont(${requestTpsSql('sel')}, 0.5) FILTER (WHERE status = 'ok') AS tps,
    avg(CASE WHEN status = 'error' THEN 1.0 ELSE 0.0 END) AS error_rate, count(*) AS n
  FROM sel GROUP BY ALL
),
pairs AS (
  SELECT provider, model FROM price UNION SELECT provider, model FROM listing
  UNION SELECT provider, model FROM measured UNION SELECT provider, model FROM logged
),
multi AS (SELECT *, count(*) OVER (PARTITION BY model) AS providers FROM pairs),
families AS (SELECT model, min(family) AS family FROM model_map GROUP BY ALL)
SELECT x.model, coalesce(f.family, x.model) AS family, x.provider,
  coalesce(li.official, false) AS official,
  pr.input_price AS "inputPrice", pr.output_price AS "outputPrice",
  ${blendedPriceSql('pr.input_price', 'pr.output_price')} AS "blendedPrice", pr.currency,
  strftime(pr.ts, '%Y-%m-%dT%H:%M:%SZ') AS "priceTs",
  li.context_length AS "contextLength",
  CASE WHEN me.n > 0 THEN me.ttft ELSE lo.ttft END AS "medianTtftMs",
  CASE WHEN me.n > 0 THEN me.tps ELSE lo.tps END AS "medianTps",
  CASE WHEN me.n > 0 THEN me.error_rate ELSE lo.error_rate END AS "errorRate",
  CASE WHEN me.n > 0 THEN 'latency' WHEN lo.n > 0 THEN 'requests' END AS "speedSource",
  coalesce(me.n, lo.n, 0) AS samples
FROM multi x
LEFT JOIN price pr USING (provider, model)
LEFT JOIN listing li USING (provider, model)
LEFT JOIN measured me USING (provider, model)
LEFT JOIN logged lo USING (provider, model)
LEFT JOIN families f USING (model)
WHERE x.providers >= 2
ORDER BY x.model, official DESC, "blendedPrice" NULLS LAST, x.provider`;
  return { sql, params: s.params };
}

/** Mean, population CV and max/min of the non-null values. */
export function spreadOf(values: (number | null)[]): Spread {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const n = xs.length;
  if (n === 0) return { n, mean: null, min: null, max: null, cv: null, maxMinRatio: null };
  const mean = xs.reduce((a, x) => a + x, 0) / n;
  const min = Math.min(...xs);
  const max = Math.max(...xs);
  const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / n;
  return {
    n,
    mean,
    min,
    max,
    cv: n >= 2 && mean !== 0 ? Math.sqrt(variance) / mean : null,
    maxMinRatio: n >= 2 && min !== 0 ? max / min : null,
  };
}

function meanAbsDeviation(values: (number | null)[], official: number | null): number | null {
  if (official === null) return null;
  const xs = values.filter((v): v is number => v !== null);
  return xs.length ? xs.reduce((a, x) => a + Math.abs(x - official), 0) / xs.length : null;
}

/** Mean absolute deviation of the other providers' prices from the official provider's. */
export function officialDeviation(providers: HeterogeneityProvider[]): OfficialDeviation | null {
  const official = providers.find((p) => p.official && p.blendedPrice !== null);
  if (!official) return null;
  const others = providers.filter((p) => p !== official);
  const blended = meanAbsDeviation(
    others.map((p) => p.blendedPrice),
    official.blendedPrice,
  );
  return {
    officialProvider: official.provider,
    input: meanAbsDeviation(
      others.map((p) => p.inputPrice),
      official.inputPrice,
    ),
    output: meanAbsDeviation(
      others.map((p) => p.outputPrice),
      official.outputPrice,
    ),
    blended,
    blendedPct: blended !== null && official.blendedPrice ? (blended / official.blendedPrice) * 100 : null,
  };
}

/** Price is anchored when every price CV is below both the TTFT CV and the TPS CV. */
export function isPriceAnchored(spread: Record<HeterogeneityFigure, Spread>): boolean | null {
  const prices = [spread.inputPrice.cv, spread.outputPrice.cv, spread.blendedPrice.cv];
  const speed = [spread.medianTtftMs.cv, spread.medianTps.cv];
  if ([...prices, ...speed].some((v) => v === null)) return null;
  return Math.max(...(prices as number[])) < Math.min(...(speed as number[]));
}

type Row = HeterogeneityProvider & { model: string; family: string };

export async function heterogeneity(store: Store, opts: AnalyzeSelection): Promise<HeterogeneityResult> {
  const q = heterogeneitySql(opts);
  const rows = await store.all<Row>(q.sql, q.params);
  const byModel = new Map<string, Row[]>();
  for (const r of rows) byModel.set(r.model, [...(byModel.get(r.model) ?? []), r]);
  const models = [...byModel.values()].map((rs): HeterogeneityModel => {
    const providers: HeterogeneityProvider[] = rs.map(({ model: _m, family: _f, ...p }) => p);
    const currencies = new Set(providers.filter((p) => p.currency !== null).map((p) => p.currency));
    const currency = currencies.size === 1 ? [...currencies][0] : null;
    // Prices in different currencies cannot be compared: their spreads stay unknown.
    const priced = currencies.size <= 1;
    const spread = Object.fromEntries(
      HETEROGENEITY_FIGURES.map((f) => [
        f,
        spreadOf(f.endsWith('Price') && !priced ? [] : providers.map((p) => p[f] as number | null)),
      ]),
    ) as Record<HeterogeneityFigure, Spread>;
    return {
      model: rs[0].model,
      family: rs[0].family,
      currency,
      providers,
      spread,
      officialDeviation: priced ? officialDeviation(providers) : null,
      priceAnchored: isPriceAnchored(spread),
    };
  });
  const priceAt = await store.one<{ at: string | null }>(
    `SELECT strftime(max(ts), '%Y-%m-%dT%H:%M:%SZ') AS at FROM prices WHERE ${beforePeriodEnd('ts', opts)}`,
    q.params,
  );
  return { priceAt: priceAt?.at ?? null, models };
}
