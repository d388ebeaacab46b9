/**
 * Provider state for the replay: per (canonical model, provider, window) the
 * success rate and the median TTFT and TPS, carried forward up to `stale`; and
 * the prices in force. Needs the temp tables `model_map`, `provider_map`, `sim_windows` (the
 * selected requests' windows) and `sim_selected` (their providers).
 */
import { priceAnomaliesSql } from '../metrics/price-anomalies.js';
import { requestTpsSql, TIERS_AGG } from '../query/measures.js';
import type { Store } from '../store/db.js';
import { readValue } from '../store/schema.js';

/**
 * `windowed`: per-window state from measurements; `static`: one state over all of them;
 * `none`: no measurements judged (success taken as 1, TTFT and TPS unknown).
 */
export type StateMode = 'windowed' | 'static' | 'none';

/** The UTC window (a TIMESTAMP) a timestamp expression falls in; `$win_s` is the window length in seconds. */
export const windowOf = (tsExpr: string) => `time_bucket(to_seconds($win_s), ${tsExpr}, TIMESTAMP '1970-01-01')`;

/** Latency rows by canonical model and provider (up to `$market_at` when set). */
const LATENCY_SQL = `
  SELECT coalesce(m.model, l.model) AS model, pv.provider, l.ts, coalesce(l.ok, false) AS ok, l.ttft_ms, l.tps
  FROM latency l LEFT JOIN model_map m ON m.name = l.model JOIN provider_map pv ON pv.name = l.provider
  WHERE $market_at IS NULL OR l.ts <= CAST($market_at AS TIMESTAMP)`;

/**
 * `sim_measured(model, provider, w, success, ttft, tps, ttft_w, tps_w)`: one row per
 * window with measurements. Latency rows where the provider and model have any;
 * otherwise the provider's own logged requests (`logged`: some provider of a
 * selected model has no latency rows). `ttft`/`tps` are the last medians
 * over ok rows up to that window and `ttft_w`/`tps_w` the window they come from, so
 * an all-failed window keeps the previous speed.
 */
function measuredSql(mode: StateMode, logged: boolean): string {
  const w = mode === 'static' ? "TIMESTAMP '1970-01-01'" : windowOf('ts');
  return `
  CREATE OR REPLACE TEMP TABLE sim_measured AS
  WITH lat AS (${LATENCY_SQL}), lat_pairs AS (SELECT DISTINCT model, provider FROM lat),
  logged AS (
    SELECT coalesce(m.model, r.model) AS model, pv.provider, r.ts, ${readValue('requests', 'status', 'r.status')} = 'ok' AS ok, r.ttft_ms,
      ${requestTpsSql('r')} AS tps
    FROM requests r LEFT JOIN model_map m ON m.name = r.model JOIN provider_map pv ON pv.name = r.provider
    WHERE $market_at IS NULL OR r.ts <= CAST($market_at AS TIMESTAMP)
  ), src AS (
    SELECT * FROM lat
    ${logged ? 'UNION ALL SELECT g.* FROM logged g ANTI JOIN lat_pairs p ON p.model = g.model AND p.provider = g.provider' : ''}
  ), per_window AS (
    SELECT model, provider, ${w} AS w,
      count(*) FILTER (WHERE ok)::DOUBLE / count(*) AS success,
      quantile_cont(ttft_ms, 0.5) FILTER (WHERE ok) AS ttft,
      quantile_cont(tps, 0.5) FILTER (WHERE ok) AS tps
    FROM src GROUP BY ALL
  )
  SELECT model, provider, w, success,
    last_value(ttft IGNORE NULLS) OVER win AS ttft,
    last_value(CASE WHEN ttft IS NOT NULL THEN w END IGNORE NULLS) OVER win AS ttft_w,
    last_value(tps IGNORE NULLS) OVER win AS tps,
    last_value(CASE WHEN tps IS NOT NULL THEN w END IGNORE NULLS) OVER win AS tps_w
  FROM per_window
  WINDOW win AS (PARTITION BY model, provider ORDER BY w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`;
}

/**
 * `sim_state(model, provider, w, success, ttft, tps)` for every window a decision or
 * an outcome needs (the requests' windows and the ones before them) and every
 * provider of the model: the last measured window at most `$stale_s` seconds back.
 * Static mode: the one whole-period state, for every window.
 */
function stateSql(mode: StateMode): string {
  if (mode === 'none') {
    return `
  CREATE OR REPLACE TEMP TABLE sim_state AS
  WITH windows AS (
    SELECT DISTINCT model, w FROM sim_windows
    UNION SELECT DISTINCT model, w - to_seconds($win_s) FROM sim_windows
  )
  SELECT w.model, o.provider, w.w, 1.0 AS success, CAST(NULL AS DOUBLE) AS ttft, CAST(NULL AS DOUBLE) AS tps
  FROM windows w JOIN sim_offers o ON o.model = w.model`;
  }
  const fresh = (col: string) =>
    mode === 'static' ? `m.${col}` : `CASE WHEN n.w - m.${col}_w <= to_seconds($stale_s) THEN m.${col} END`;
  return `
  CREATE OR REPLACE TEMP TABLE sim_state AS
  WITH windows AS (
    SELECT DISTINCT model, w FROM sim_windows
    UNION SELECT DISTINCT model, w - to_seconds($win_s) FROM sim_windows
  ), needed AS (
    SELECT w.model, o.provider, w.w FROM windows w JOIN sim_offers o ON o.model = w.model
  )
  SELECT n.model, n.provider, n.w, m.success, ${fresh('ttft')} AS ttft, ${fresh('tps')} AS tps
  FROM needed n ${mode === 'static' ? 'JOIN' : 'ASOF JOIN'} sim_measured m
    ON m.model = n.model AND m.provider = n.provider ${mode === 'static' ? '' : 'AND n.w >= m.w'}
  ${mode === 'static' ? '' : 'WHERE n.w - m.w <= to_seconds($stale_s)'}`;
}

/** The time every price snapshot of a `--market-at` replay is moved to: before any request. */
const MARKET_EPOCH = "TIMESTAMP '1970-01-01'";

/** Until when a snapshot is in force: the next one's time (of two at one instant, the first is never). */
const UNTIL = "lead(ts, 1, 'infinity'::TIMESTAMP) OVER (PARTITION BY model, provider ORDER BY ts) AS until";

/**
 * `sim_prices(model, provider, ts, until, tiers)`: snapshots by canonical model and provider, `tiers`
 * their tier rows in ascending order of threshold (measures.TIERS_AGG), the first always the
 * base tier (all prices NULL, so unpriced, when the snapshot has no row of threshold 0).
 * Anomalous snapshots (see price-anomalies) are left out unless included; they are kept apart
 * in `sim_flagged_prices(model, provider, ts, until)`, which says why a provider is unpriced.
 * With `$market_at`, each provider's latest snapshot at or before it, in force from 1970 on.
 */
async function buildPrices(
  store: Store,
  o: Pick<StateOptions, 'includeAnomalousPrices' | 'marketAt' | 'prices'>,
): Promise<void> {
  const { marketAt } = o;
  await store.run(`CREATE OR REPLACE TEMP TABLE sim_anomalous AS ${priceAnomaliesSql()}`);
  // several spellings priced at one instant: the highest of each price, per tier
  const list = `
    SELECT model, provider, ts, ${TIERS_AGG} AS tiers, bool_or(flagged) AS flagged
    FROM (
      SELECT coalesce(m.model, p.model) AS model, pv.provider, p.ts, coalesce(p.tier_min_input_tokens, 0) AS tier_min_input_tokens,
        max(p.input_price) AS input_price, max(p.output_price) AS output_price,
        max(p.cached_input_price) AS cached_input_price, max(p.cache_write_price) AS cache_write_price,
        NOT $include_anomalous AND bool_or(EXISTS (
          SELECT 1 FROM sim_anomalous a
          WHERE a.provider = pv.provider AND a."sourceModel" = p.model AND a.ts = strftime(p.ts, '%Y-%m-%dT%H:%M:%SZ'))) AS flagged
      FROM prices p LEFT JOIN model_map m ON m.name = p.model JOIN provider_map pv ON pv.name = p.provider
      WHERE $market_at IS NULL OR p.ts <= CAST($market_at AS TIMESTAMP)
      GROUP BY ALL
    ) p
    GROUP BY model, provider, ts`;
  // prices fitted from bills: one base tier, never flagged (they are what was paid)
  const billed = `
    SELECT b.model, b.provider, b.ts, [{'min': 0, 'input_price': b.input_price, 'output_price': b.output_price,
      'cached_input_price': b.cached_input_price, 'cache_write_price': NULL::DOUBLE}] AS tiers, false AS flagged
    FROM billed_prices b
    WHERE $market_at IS NULL OR b.ts <= CAST($market_at AS TIMESTAMP)`;
  // both: a billed snapshot only before the first list snapshot of its model and provider
  const snapshots =
    o.prices === 'billed'
      ? billed
      : o.prices === 'both'
        ? `WITH l AS (${list})
           SELECT * FROM l
           UNION ALL
           SELECT b.* FROM (${billed}) b
           WHERE b.ts < coalesce((SELECT min(l.ts) FROM l WHERE l.model = b.model AND l.provider = b.provider), 'infinity'::TIMESTAMP)`
        : list;
  // at a market time: each provider's latest snapshot of each kind, in force for every request
  const latest = (flagged: boolean) =>
    marketAt
      ? `SELECT model, provider, ${MARKET_EPOCH} AS ts, tiers FROM (
           SELECT * FROM sim_snapshots WHERE flagged = ${flagged}
           QUALIFY ts = max(ts) OVER (PARTITION BY model, provider))`
      : `SELECT model, provider, ts, tiers FROM sim_snapshots WHERE flagged = ${flagged}`;
  const params = { include_anomalous: o.includeAnomalousPrices, market_at: marketAt };
  await store.run(`CREATE OR REPLACE TEMP TABLE sim_snapshots AS ${snapshots}`, params);
  await store.run(
    `CREATE OR REPLACE TEMP TABLE sim_prices AS
     SELECT model, provider, ts, ${UNTIL},
       CASE WHEN tiers[1].min = 0 THEN tiers
         ELSE list_prepend({'min': 0, 'input_price': NULL, 'output_price': NULL, 'cached_input_price': NULL,
           'cache_write_price': NULL}, tiers) END AS tiers
     FROM (${latest(false)})`,
  );
  await store.run(
    `CREATE OR REPLACE TEMP TABLE sim_flagged_prices AS SELECT model, provider, ts, ${UNTIL} FROM (${latest(true)})`,
  );
  await store.run('DROP TABLE sim_snapshots');
}

/**
 * `sim_offers(model, provider, official, context_length, features)`: every
 * provider that lists, prices or served a model. Unknown context length or features
 * (no offering row) are not held against a provider. Listing periods are not kept:
 * a provider needs a price in force to be feasible, and a price in force lists it.
 */
const OFFERS_SQL = `
  CREATE OR REPLACE TEMP TABLE sim_offers AS
  WITH listed AS (
    SELECT coalesce(m.model, o.model) AS model, pv.provider, bool_or(coalesce(o.official, false)) AS official,
      max(o.context_length) AS context_length,
      arg_max(string_split(o.features, ','), coalesce(o.listed_from, DATE '1970-01-01')) AS features
    FROM offerings o LEFT JOIN model_map m ON m.name = o.model JOIN provider_map pv ON pv.name = o.provider
    GROUP BY ALL
  ), pairs AS (
    SELECT model, provider FROM listed
    UNION SELECT model, provider FROM sim_prices
    UNION SELECT DISTINCT model, provider FROM sim_selected
  )
  SELECT p.model, p.provider, coalesce(l.official, false) AS official, l.context_length, l.features
  FROM pairs p LEFT JOIN listed l USING (model, provider)`;

export interface StateOptions {
  windowSeconds: number;
  staleSeconds: number;
  state: StateMode;
  includeAnomalousPrices: boolean;
  /** replay against the market as it stood then (ISO time): prices and measurements up to it */
  marketAt: string | null;
  /** which snapshots price the replay: list prices, prices fitted from bills, or list where in force and billed elsewhere */
  prices: PriceSource;
}

export const PRICE_SOURCES = ['list', 'billed', 'both'] as const;
export type PriceSource = (typeof PRICE_SOURCES)[number];

/** Builds `sim_prices`, `sim_offers`, `sim_measured` and `sim_state` (needs `sim_windows` and `sim_selected`). */
export async function buildProviderState(store: Store, o: StateOptions): Promise<void> {
  const params = { win_s: o.windowSeconds, stale_s: o.staleSeconds, market_at: o.marketAt };
  await buildPrices(store, o);
  await store.run(OFFERS_SQL);
  if (o.state !== 'none') {
    // scanning every logged request for state is only needed for a provider without latency rows
    const unmeasured = await store.one<{ n: number }>(
      `SELECT count(*) AS n FROM sim_offers o WHERE model IN (SELECT model FROM sim_windows)
         AND NOT EXISTS (SELECT 1 FROM (${LATENCY_SQL}) l WHERE l.model = o.model AND l.provider = o.provider)`,
      params,
    );
    await store.run(measuredSql(o.state, (unmeasured?.n ?? 0) > 0), params);
  }
  await store.run(stateSql(o.state), params);
}
