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
 * Hourly provider state of the calibrated models, and every feasible (request, provider) option with its cost and TPS.
 * g_req_cal holds the served requests of the calibrated models.
 */
async function buildOptions(store: Store): Promise<void> {
  const models = [CALIBRATION.cost.model, CALIBRATION.throughput.model];
  await store.run(
    `CREATE OR REPLACE TEMP TABLE c_windows AS
     SELECT provider, model, date_trunc('hour', ts) AS w,
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
       SELECT pm.provider, pm.model, epoch_ms(getvariable('t0_ms')::BIGINT + g.h * 3600000) AS w
       FROM (SELECT DISTINCT provider, model FROM c_windows) pm, range(getvariable('hours')::BIGINT) AS g(h)
     ), carried AS (
       SELECT grid.provider, grid.model, grid.w,
         last_value(CASE WHEN s.w IS NOT NULL THEN {'w': s.w, 'tps': s.tps, 'success': s.success} END IGNORE NULLS)
           OVER (PARTITION BY grid.provider, grid.model ORDER BY grid.w) AS s
       FROM grid LEFT JOIN c_windows s USING (provider, model, w)
     )
     SELECT provider, model, w, s.w AS state_w, s.tps, s.success FROM carried WHERE s IS NOT NULL`,
  );
  await store.run(
    `CREATE OR REPLACE TEMP TABLE c_options AS
     WITH r AS (
       SELECT i, model, ts, date_trunc('hour', ts) AS w, input_tokens, output_tokens, cached_tokens,
         need_tools, need_json, need_stream
       FROM g_req_cal WHERE model IN ($1, $2)
     ), opts AS (
       SELECT r.*, o.provider, o.official, o.listed_from, o.listed_to, o.context_length, o.has_tools, o.has_json, o.has_stream
       FROM r JOIN g_offerings o ON o.model = r.model
     ), priced AS (
       SELECT opts.*, p.ts AS price_ts, p.input_price, p.output_price, p.cached_input_price
       FROM opts
       LEFT JOIN g_prices p ON p.provider = opts.provider AND p.model = opts.model AND opts.ts >= p.ts AND opts.ts < p.ts_to
     ), stated AS (
       SELECT priced.*, s.state_w, s.tps, s.success
       FROM priced LEFT JOIN c_state s ON s.provider = priced.provider AND s.model = priced.model AND s.w = priced.w
     )
     SELECT i, model, provider, official, tps,
       (${listCostSql(tokensOf('stated', { writes: false }), pricesOf('stated', { writes: false }))}) / 1e6 AS cost
     FROM stated
     WHERE ((listed_from <= ts AND (listed_to IS NULL OR ts < listed_to)) OR price_ts IS NOT NULL)
       AND context_length >= input_tokens + output_tokens
       AND (NOT need_tools OR has_tools) AND (NOT need_json OR has_json) AND (NOT need_stream OR has_stream)
       AND state_w IS NOT NULL
       AND w - state_w <= to_hours(getvariable('stale_hours')::BIGINT)
       AND success >= getvariable('min_success')`,
    models,
  );
}

/** Cost routing savings (percent) with the knob provider's prices scaled by `scale`. */
async function savingsPct(store: Store, scale: number): Promise<{ pct: number | null; compared: number }> {
  const row = await store.one<{ base: number | null; routed: number | null; compared: number }>(
    `WITH best AS (
       SELECT i, min(CASE WHEN provider = $2 THEN cost * $3 ELSE cost END) AS cost
       FROM c_options WHERE model = $1 GROUP BY i
     ), base AS (
       SELECT i, cost FROM c_options WHERE model = $1 AND official
     )
     SELECT sum(base.cost) AS base, sum(best.cost) AS routed, count(*) AS compared
     FROM base JOIN best USING (i)`,
    [CALIBRATION.cost.model, CALIBRATION.cost.knob, scale],
  );
  if (!row || !row.compared || !row.base) return { pct: null, compared: row?.compared ?? 0 };
  return { pct: ((row.base - (row.routed ?? 0)) / row.base) * 100, compared: row.compared };
}

/** Throughput routing gain (percent) with every third party's TPS scaled by `scale`. */
async function gainPct(store: Store, scale: number): Promise<{ pct: number | null; compared: number }> {
  const row = await store.one<{ base: number | null; routed: number | null; compared: number }>(
    `WITH best AS (
       SELECT i, max(CASE WHEN official THEN tps ELSE tps * $2 END) AS tps
       FROM c_options WHERE model = $1 GROUP BY i
     ), base AS (
       SELECT i, tps FROM c_options WHERE model = $1 AND official
     )
     SELECT avg(base.tps) AS base, avg(best.tps) AS routed, count(*) AS compared
     FROM base JOIN best USING (i)`,
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
