/**
 * The requests to replay and, for each, every provider of its model with the
 * decision and outcome figures and whether it is feasible.
 */
import { selectedRequestsSql } from '../metrics/selection.js';
import type { Store } from '../store/db.js';
import { windowOf } from './state.js';

export interface RequestSelection {
  model?: string;
  task?: string;
  from?: string;
  to?: string;
}

/**
 * `sim_req`: every selected request, whatever its status, with its window `w`, UTC
 * `day`, the features it needed, its order within its model (`seq`, for round-robin)
 * and a seeded uniform hash `u` (for random).
 */
export async function buildRequests(store: Store, sel: RequestSelection, p: { win_s: number; seed: number }) {
  const s = selectedRequestsSql({ by: 'requests', ...sel });
  await store.run(
    `CREATE OR REPLACE TEMP TABLE sim_req AS
     SELECT request_id, ts, day, ${windowOf('ts')} AS w, model, provider, task,
       input_tokens, output_tokens, coalesce(cached_tokens, 0) AS cached_tokens,
       list_filter(list_transform(coalesce(string_split(features, ','), []), x -> trim(x)), x -> x <> '') AS needs,
       row_number() OVER (PARTITION BY model ORDER BY ts, request_id) - 1 AS seq,
       -- DuckDB's multi-argument hash XORs its arguments; mixing the key with a per-seed constant keeps streams apart
       hash(xor(hash(request_id)::UBIGINT, hash($seed::BIGINT, 'random'))) AS u
     FROM (${s.sql})`,
    { ...s.params, win_s: p.win_s, seed: p.seed },
  );
}

/** Cost of the request on the price row `pr`, per 1 M tokens; cached tokens at the cached price when there is one. */
/** What a failed attempt bills: its prompt, cached tokens at the cached price. */
const INPUT_COST = `((r.input_tokens - r.cached_tokens) * pr.input_price
  + r.cached_tokens * coalesce(pr.cached_input_price, pr.input_price)) / 1e6`;

const COST = `((r.input_tokens - r.cached_tokens) * pr.input_price
  + r.cached_tokens * coalesce(pr.cached_input_price, pr.input_price)
  + r.output_tokens * pr.output_price) / 1e6`;

/**
 * `sim_cand`: one row per (request, provider of its model). Decision figures (`d_*`)
 * come from the decision window's state (the previous window when causal), outcome
 * figures (`o_*`) from the current window's; without a current state the outcome is
 * a failure with the decision state's speed.
 */
export function candidatesSql(): string {
  return `
  CREATE OR REPLACE TEMP TABLE sim_cand AS
  WITH priced AS (
    SELECT r.request_id, r.day, r.ts, r.w, r.seq, r.u, r.provider AS observed, o.provider, o.official,
      r.output_tokens,
      pr.input_price IS NOT NULL AS has_price, ${COST} AS cost, ${INPUT_COST} AS input_cost,
      list_count(list_filter(o.periods, x -> (x.f IS NULL OR x.f <= r.ts) AND (x.t IS NULL OR r.ts < x.t))) > 0 AS listed,
      o.context_length IS NULL OR o.context_length >= r.input_tokens + r.output_tokens AS context_ok,
      o.features IS NULL OR list_has_all(list_transform(o.features, x -> trim(x)), r.needs) AS features_ok,
      r.model
    FROM sim_req r JOIN sim_offers o ON o.model = r.model
    ASOF LEFT JOIN sim_prices pr ON pr.model = r.model AND pr.provider = o.provider AND r.ts >= pr.ts
  )
  -- a price in force lists a provider too; without one no cost can be modelled, so it is required anyway
  SELECT c.request_id, c.day, c.seq, c.u, c.observed, c.provider, c.official, c.cost, c.input_cost,
    ds.success AS d_success, ds.ttft AS d_ttft, ds.tps AS d_tps,
    ds.ttft + c.output_tokens / ds.tps * 1000 AS d_e2e,
    coalesce(cs.success, 0) AS o_success,
    CASE WHEN cs.w IS NULL THEN ds.ttft ELSE coalesce(cs.ttft, ds.ttft) END AS o_ttft,
    CASE WHEN cs.w IS NULL THEN ds.tps ELSE coalesce(cs.tps, ds.tps) END AS o_tps,
    o_ttft + c.output_tokens / o_tps * 1000 AS o_e2e,
    (c.listed OR c.has_price) AND c.has_price AND c.context_ok AND c.features_ok
      AND ds.w IS NOT NULL AND ds.success >= $min_success AS feasible
  FROM priced c
  LEFT JOIN sim_state ds ON ds.model = c.model AND ds.provider = c.provider AND ds.w = c.w - to_seconds($decision_lag_s)
  LEFT JOIN sim_state cs ON cs.model = c.model AND cs.provider = c.provider AND cs.w = c.w`;
}

export async function buildCandidates(
  store: Store,
  o: { minSuccess: number; decisionLagSeconds: number; onProgress?: (pct: number) => void },
): Promise<void> {
  await store.runWithProgress(candidatesSql(), { min_success: o.minSuccess, decision_lag_s: o.decisionLagSeconds }, o.onProgress);
}
