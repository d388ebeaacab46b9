import type { Store } from '../store/db.js';
import {
  beforePeriodEnd,
  listingOverlaps,
  selectedRequestsSql,
  type AnalyzeSelection,
  type DemandUnit,
} from '../query/selection.js';

/** A model carries real use at a provider from this share of the provider's demand on, percent. */
export const USED_SHARE_PCT = 1;

export interface SupplyUseModel {
  model: string;
  family: string;
  /** distinct providers listing the model in the period (an offering, or a price snapshot in force) */
  listingBreadth: number;
  requests: number;
  demand: number;
  /** percent of total demand */
  share: number | null;
}

export interface SupplyUseProvider {
  provider: string;
  /** canonical models the provider lists in the period */
  modelsListed: number;
  /** canonical models with at least USED_SHARE_PCT % of the provider's demand */
  modelsUsed: number;
  requests: number;
  demand: number;
}

export interface SupplyUseResult {
  unit: DemandUnit;
  /**
   * The models with requests, and the models the catalog knows listed beside them; by demand,
   * largest first, then by name.
   */
  models: SupplyUseModel[];
  /**
   * Listed names the catalog does not resolve and nobody called (a price catalogue's long
   * tail): counted, not ranked, since each would stand as its own model and family.
   */
  unresolved: { models: number; listings: number; providers: number };
  /**
   * Spearman rank correlation of listing breadth and demand across `models`
   * (tied values take their average rank); null below 3 models with requests, or when either
   * side is constant.
   */
  spearman: number | null;
  providers: SupplyUseProvider[];
  /** listed (provider, model) pairs with no request in the selection */
  unusedOfferings: { provider: string; model: string }[];
}

/**
 * Listings are offerings whose listing period overlaps the selection period, and
 * price snapshots taken before its end (a price in force lists the model);
 * names resolve to canonical models and providers through `model_map` and `provider_map`. One statement, one scan
 * of the requests: rows of kind 'model' (with the Spearman correlation repeated), of kind
 * 'provider', each in its own order `ord`, and one row of kind 'unresolved' counting the names
 * left out of the ranking.
 */
export function supplyUseSql(sel: AnalyzeSelection) {
  const s = selectedRequestsSql(sel);
  const sql = `
WITH sel AS (${s.sql}),
listed AS (
  SELECT DISTINCT pv.provider, m.model
  FROM offerings o JOIN model_map m ON m.name = o.model JOIN provider_map pv ON pv.name = o.provider
  WHERE ${listingOverlaps('o.listed_from', 'o.listed_to')} AND ($sel_model IS NULL OR m.model = $sel_model)
  UNION
  SELECT DISTINCT pv.provider, m.model
  FROM prices p JOIN model_map m ON m.name = p.model JOIN provider_map pv ON pv.name = p.provider
  WHERE ${beforePeriodEnd('p.ts', sel)} AND ($sel_model IS NULL OR m.model = $sel_model)
),
used AS (SELECT provider, model, count(*) AS requests, sum(demand) AS demand FROM sel GROUP BY ALL),
pairs AS MATERIALIZED (
  SELECT coalesce(l.provider, u.provider) AS provider, coalesce(l.model, u.model) AS model,
    l.model IS NOT NULL AS is_listed, coalesce(u.requests, 0) AS requests, coalesce(u.demand, 0) AS demand
  FROM listed l FULL JOIN used u ON u.provider = l.provider AND u.model = l.model
),
names AS (SELECT model, min(family) AS family, bool_or(known) AS known FROM model_map GROUP BY ALL),
per_model AS MATERIALIZED (
  SELECT p.model, count(DISTINCT p.provider) FILTER (WHERE p.is_listed) AS breadth,
    sum(p.requests) AS requests, sum(p.demand) AS demand, sum(p.requests) > 0 OR coalesce(any_value(n.known), false) AS ranked
  FROM pairs p LEFT JOIN names n USING (model) GROUP BY ALL
),
folded AS (
  SELECT 'unresolved' AS kind, 0 AS ord, count(DISTINCT model) AS unresolved_models, count(*) AS unresolved_listings,
    count(DISTINCT provider) AS unresolved_providers
  FROM pairs WHERE model IN (SELECT model FROM per_model WHERE NOT ranked)
),
ranked AS (
  SELECT *,
    -- average rank for ties: the first rank of the tie plus half its extra width
    rank() OVER (ORDER BY breadth) + (count(*) OVER (PARTITION BY breadth) - 1) / 2 AS breadth_rank,
    rank() OVER (ORDER BY demand) + (count(*) OVER (PARTITION BY demand) - 1) / 2 AS demand_rank
  FROM per_model WHERE ranked
),
model_rows AS (
  SELECT 'model' AS kind, row_number() OVER (ORDER BY r.demand DESC, r.model) AS ord,
    r.model, coalesce(f.family, r.model) AS family, r.breadth AS "listingBreadth", r.requests, r.demand,
    r.demand / nullif(sum(r.demand) OVER (), 0) * 100 AS share,
    CASE WHEN count(*) FILTER (WHERE r.requests > 0) OVER () >= 3 AND var_pop(r.breadth_rank) OVER () > 0 AND var_pop(r.demand_rank) OVER () > 0
      THEN corr(r.breadth_rank, r.demand_rank) OVER () END AS spearman
  FROM ranked r LEFT JOIN names f USING (model)
),
shared AS (SELECT *, demand / nullif(sum(demand) OVER (PARTITION BY provider), 0) * 100 AS share FROM pairs),
provider_rows AS (
  SELECT 'provider' AS kind, row_number() OVER (ORDER BY sum(demand) DESC, provider) AS ord, provider,
    count(*) FILTER (WHERE is_listed) AS "modelsListed",
    count(*) FILTER (WHERE share >= ${USED_SHARE_PCT}) AS "modelsUsed",
    sum(requests) AS requests, sum(demand) AS demand,
    list(model ORDER BY model) FILTER (WHERE is_listed AND requests = 0) AS unused
  FROM shared GROUP BY provider
)
SELECT * FROM model_rows UNION ALL BY NAME SELECT * FROM provider_rows UNION ALL BY NAME SELECT * FROM folded
ORDER BY kind, ord`;
  return { sql, params: s.params };
}

type Row = SupplyUseModel &
  SupplyUseProvider & {
    kind: 'model' | 'provider' | 'unresolved';
    ord: number;
    spearman: number | null;
    unused: string[] | null;
    unresolved_models: number;
    unresolved_listings: number;
    unresolved_providers: number;
  };

export async function supplyUse(store: Store, opts: AnalyzeSelection): Promise<SupplyUseResult> {
  const q = supplyUseSql(opts);
  const rows = await store.all<Row>(q.sql, q.params);
  const models = rows.filter((r) => r.kind === 'model');
  const providers = rows.filter((r) => r.kind === 'provider');
  const folded = rows.find((r) => r.kind === 'unresolved');
  return {
    unit: opts.by,
    models: models.map((r) => ({
      model: r.model,
      family: r.family,
      listingBreadth: r.listingBreadth,
      requests: r.requests,
      demand: r.demand,
      share: r.share,
    })),
    unresolved: {
      models: folded?.unresolved_models ?? 0,
      listings: folded?.unresolved_listings ?? 0,
      providers: folded?.unresolved_providers ?? 0,
    },
    spearman: models[0]?.spearman ?? null,
    providers: providers.map((r) => ({
      provider: r.provider,
      modelsListed: r.modelsListed,
      modelsUsed: r.modelsUsed,
      requests: r.requests,
      demand: r.demand,
    })),
    unusedOfferings: providers
      .flatMap((r) => (r.unused ?? []).map((model) => ({ provider: r.provider, model })))
      .sort((a, b) => (a.model < b.model ? -1 : a.model > b.model ? 1 : a.provider < b.provider ? -1 : 1)),
  };
}
