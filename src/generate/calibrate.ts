/**
 * Calibrates the two routing stories of the market against their targets by
 * replaying them in hindsight (1 h windows, state from the latency measurements,
 * carried forward up to the staleness limit, against the official endpoint):
 *
 * - cost: one provider's listed prices for the cost model are scaled so that
 *   cost routing saves the target percentage;
 * - throughput: every third party's speed for the throughput model is scaled so that
 *   throughput routing gains the target percentage.
 *
 * Both outcomes are monotone in their scale, so a bisection finds it.
 */
import { listCostSql, pricesOf, tokensOf } from '../query/measures.js';
import type { Store } from '../store/db.js';
import { CALIBRATION } from './market.js';

export interface RoutingFigure {
  model: string;
  /** Requests of the model for which the official endpoint is feasible. */
  compared: number;
  /** Scale applied to the knob (1 when nothing was tuned). */
  scale: number;
  /** Outcome after tuning: savingsPct for cost, throughputGainPct for throughput. */
  pct: number | null;
}

export interface Calibration {
  cost: RoutingFigure;
  throughput: RoutingFigure;
}

/**
 * Hourly provider state of the calibrated models, and for every request of theirs for which the official endpoint
 * is feasible: the official option's cost and TPS, and what the other feasible options offer at best (the cheapest
 * cost apart from the knob provider's, the knob provider's cost, the fastest official and third-party TPS), so that
 * each step of the search reads one row per request. A request counts once per official option (n_official), its
 * official costs and TPS summed. g_req_cal holds the served requests of the calibrated models.
 */
async function buildOptions(store: Store): Promise<void> {
  const models = [CALIBRATION.cost.model, CALIBRATION.throughput.model];
  await store.run(
    `CREATE OR REPLACE TEMP TABLE c_windows AS
     SELECT oid, date_trunc('hour', ts) AS w,
       quantile_cont(tps_raw, 0.5) FILTER (WHERE ok) AS tps,
       count(*) FILTER (WHERE ok) / count(*) AS success
     FROM g_lat WHERE model IN ($1, $2)
     GROUP BY ALL`,
    models,
  );
  // The last measured state at every hour of the window, so that requests find theirs by an equality join.
  await store.run(
    `CREATE OR REPLACE TEMP TABLE c_state AS
     WITH grid AS (
       SELECT pm.oid, epoch_ms(getvariable('t0_ms')::BIGINT + g.h * 3600000) AS w
       FROM (SELECT DISTINCT oid FROM c_windows) pm, range(getvariable('hours')::BIGINT) AS g(h)
     ), carried AS (
       SELECT grid.oid, grid.w,
         last_value(CASE WHEN s.w IS NOT NULL THEN {'w': s.w, 'tps': s.tps, 'success': s.success} END IGNORE NULLS)
           OVER (PARTITION BY grid.oid ORDER BY grid.w) AS s
       FROM grid LEFT JOIN c_windows s USING (oid, w)
     )
     SELECT oid, w, s.w AS state_w, s.tps, s.success FROM carried WHERE s IS NOT NULL`,
  );
  await store.run(
    `CREATE OR REPLACE TEMP TABLE c_options AS
     WITH r AS (
       SELECT i, model, ts, date_trunc('hour', ts) AS w, input_tokens, output_tokens, cached_tokens,
         need_tools, need_json, need_stream
       FROM g_req_cal WHERE model IN ($1, $2)
     ), opts AS (
       SELECT r.*, o.oid, o.provider, o.official, o.listed_from, o.listed_to, o.context_length, o.has_tools, o.has_json, o.has_stream
       FROM r JOIN g_offerings o ON o.model = r.model
     ), priced AS (
       SELECT opts.*, p.ts AS price_ts, p.input_price, p.output_price, p.cached_input_price
       FROM opts
       LEFT JOIN g_prices p ON p.oid = opts.oid AND opts.ts >= p.ts AND opts.ts < p.ts_to
     ), stated AS (
       SELECT priced.*, s.state_w, s.tps, s.success
       FROM priced LEFT JOIN c_state s ON s.oid = priced.oid AND s.w = priced.w
     ), options AS (
       SELECT i, model, provider, official, tps,
         (${listCostSql(tokensOf('stated', { writes: false }), pricesOf('stated', { writes: false }))}) / 1e6 AS cost
       FROM stated
       WHERE ((listed_from <= ts AND (listed_to IS NULL OR ts < listed_to)) OR price_ts IS NOT NULL)
         AND context_length >= input_tokens + output_tokens
         AND (NOT need_tools OR has_tools) AND (NOT need_json OR has_json) AND (NOT need_stream OR has_stream)
         AND state_w IS NOT NULL
         AND w - state_w <= to_hours(getvariable('stale_hours')::BIGINT)
         AND success >= getvariable('min_success')
     )
     SELECT any_value(model) AS model,
       count(*) FILTER (WHERE official) AS n_official,
       sum(cost) FILTER (WHERE official) AS base_cost,
       sum(tps) FILTER (WHERE official) AS base_tps,
       min(cost) FILTER (WHERE provider <> $3) AS cost_other,
       min(cost) FILTER (WHERE provider = $3) AS cost_knob,
       max(tps) FILTER (WHERE official) AS tps_official,
       max(tps) FILTER (WHERE NOT official) AS tps_third
     FROM options GROUP BY i
     HAVING count(*) FILTER (WHERE official) > 0
     -- by model, so that each step of a search reads only its model's rows
     ORDER BY model`,
    [...models, CALIBRATION.cost.knob],
  );
}

/**
 * Cost routing savings (percent) with the knob provider's prices scaled by `scale`: the cheapest option per request
 * (least and greatest pass over a side a request lacks).
 */
async function savingsPct(store: Store, scale: number): Promise<{ pct: number | null; compared: number }> {
  const row = await store.one<{ base: number | null; routed: number | null; compared: number }>(
    `SELECT sum(base_cost) AS base, sum(n_official * least(cost_other, cost_knob * $2)) AS routed,
       sum(n_official) AS compared
     FROM c_options WHERE model = $1`,
    [CALIBRATION.cost.model, scale],
  );
  if (!row || !row.compared || !row.base) return { pct: null, compared: row?.compared ?? 0 };
  return { pct: ((row.base - (row.routed ?? 0)) / row.base) * 100, compared: row.compared };
}

/** Throughput routing gain (percent) with every third party's TPS scaled by `scale`: the fastest option per request. */
async function gainPct(store: Store, scale: number): Promise<{ pct: number | null; compared: number }> {
  const row = await store.one<{ base: number | null; routed: number | null; compared: number }>(
    `SELECT sum(base_tps) / sum(n_official) AS base,
       sum(n_official * greatest(tps_official, tps_third * $2)) / sum(n_official) AS routed, sum(n_official) AS compared
     FROM c_options WHERE model = $1`,
    [CALIBRATION.throughput.model, scale],
  );
  if (!row || !row.compared || !row.base) return { pct: null, compared: row?.compared ?? 0 };
  return { pct: ((row.routed ?? 0) / row.base - 1) * 100, compared: row.compared };
}

/**
 * Finds the scale in [lo, hi] whose outcome is closest to `target`, assuming the
 * outcome moves monotonically with the scale (`rising`: up as the scale grows).
 */
async function solve(
  f: (scale: number) => Promise<number | null>,
  target: number,
  lo: number,
  hi: number,
  rising: boolean,
): Promise<number> {
  const atLo = await f(lo);
  const atHi = await f(hi);
  if (atLo === null || atHi === null) return 1;
  const scaleTooSmall = (v: number) => (rising ? v < target : v > target);
  if (!scaleTooSmall(atLo)) return lo;
  if (scaleTooSmall(atHi)) return hi;
  for (let k = 0; k < 30; k++) {
    const mid = (lo + hi) / 2;
    const v = await f(mid);
    if (v === null) return 1;
    if (scaleTooSmall(v)) lo = mid;
    else hi = mid;
  }
  return roundScale((lo + hi) / 2);
}

/**
 * Scales are rounded so that the last bits of parallel floating-point sums, which may
 * differ from run to run, never reach the written data.
 */
function roundScale(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

export async function calibrate(store: Store): Promise<Calibration> {
  await buildOptions(store);
  const { cost: c, throughput: t } = CALIBRATION;
  const costScale = await solve(
    async (s) => (await savingsPct(store, s)).pct,
    c.savingsPct,
    c.scaleRange[0],
    c.scaleRange[1],
    false,
  );
  const tpsScale = await solve(
    async (s) => (await gainPct(store, s)).pct,
    t.gainPct,
    t.scaleRange[0],
    t.scaleRange[1],
    true,
  );

  await store.run(
    `UPDATE g_prices SET input_price = round(input_price * $3, 2), output_price = round(output_price * $3, 2),
       cached_input_price = round(cached_input_price * $3, 2)
     WHERE provider = $1 AND model = $2`,
    [CALIBRATION.cost.knob, CALIBRATION.cost.model, costScale],
  );
  const thirdParties = `SELECT oid FROM g_offerings WHERE model = $1 AND NOT official`;
  await store.run(`UPDATE g_lat SET tps_raw = tps_raw * $2 WHERE oid IN (${thirdParties})`, [
    CALIBRATION.throughput.model,
    tpsScale,
  ]);
  await store.run(`UPDATE g_oh SET tps_true = tps_true * $2 WHERE oid IN (${thirdParties})`, [
    CALIBRATION.throughput.model,
    tpsScale,
  ]);

  // Measure what the written data now gives.
  await buildOptions(store);
  const cost = await savingsPct(store, 1);
  const throughput = await gainPct(store, 1);
  await store.run('DROP TABLE c_options');
  await store.run('DROP TABLE c_windows');
  await store.run('DROP TABLE c_state');
  return {
    cost: { model: CALIBRATION.cost.model, compared: cost.compared, scale: costScale, pct: cost.pct },
    throughput: {
      model: CALIBRATION.throughput.model,
      compared: throughput.compared,
      scale: tpsScale,
      pct: throughput.pct,
    },
  };
}
