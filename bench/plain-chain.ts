/**
 * What the two hand-written replays (plain-simulate.ts, plain-simulate-demo.ts) share after each has
 * made its choices: the cache chains and the figures. Follows a CTE `picked` with one row per request,
 * compared or not: `ts`, `request_id`, the chain's columns, `observed` (the slot that served it), `k` and
 * `base_k` (the slots the policy and the baseline chose; NULL for none), `pid` (the policy's provider, a
 * number into `providers` from 1), `cost` and `base_cost` with every logged hit kept, `lost` and
 * `base_lost` (what the hits cost more where they miss), `input_tokens`, `cached`, `tps`, `ttft`, `e2e`,
 * `success` and `base_tps`.
 */
import { quotedString, type DuckDBConnection } from '@duckdb/node-api';

/**
 * The CTEs after `picked` and the final SELECT: a window over each chain (`chain`, the PARTITION BY
 * columns) in time order, ties by a hash of the request id, gives where the policy and the baseline sent the previous
 * request; a chain's first request (a gap over 5 minutes) has its prefix where it was served; a cached
 * prompt that went elsewhere is written again. Then the figures over the compared requests.
 */
export function chainFiguresSql(chain: string, providers: readonly string[]): string {
  const routing = providers.map(
    (p, j) => `{'provider': ${quotedString(p)}, 'share': count(*) FILTER (WHERE pid = ${j + 1}) * 100.0 / count(*)}`,
  );
  return `chained AS (
  SELECT *, lag(ts) OVER chain AS prev_ts, lag(k) OVER chain AS prev_k, lag(base_k) OVER chain AS prev_base_k
  FROM picked WINDOW chain AS (PARTITION BY ${chain} ORDER BY ts, hash(request_id))
), held AS (
  SELECT *, prev_ts IS NULL OR ts - prev_ts > INTERVAL 5 MINUTE AS first,
    CASE WHEN first THEN observed ELSE prev_k END AS k_holder,
    CASE WHEN first THEN observed ELSE prev_base_k END AS base_holder
  FROM chained WHERE base_k IS NOT NULL AND k IS NOT NULL
), outcome AS (
  SELECT pid, input_tokens, cached, tps, ttft, e2e, success, base_tps,
    base_cost + CASE WHEN base_holder IS DISTINCT FROM base_k THEN base_lost ELSE 0 END AS base_cost,
    CASE WHEN k_holder IS DISTINCT FROM k THEN lost ELSE 0 END AS lost,
    cost + CASE WHEN k_holder IS DISTINCT FROM k THEN lost ELSE 0 END AS cost,
    CASE WHEN k_holder = k THEN cached ELSE 0 END AS kept
  FROM held
)
SELECT count(*) AS requests, (SELECT count(*) FROM requests) - count(*) AS infeasible,
  sum(base_cost) AS "baselineCost", sum(cost) AS "policyCost",
  (sum(base_cost) - sum(cost)) / sum(base_cost) * 100 AS "savingsPct",
  avg(base_tps) AS "baselineThroughput", avg(tps) AS "policyThroughput", avg(ttft) AS "meanTtftMs",
  quantile_cont(e2e, 0.5) AS "p50LatencyMs", quantile_cont(e2e, 0.9) AS "p90LatencyMs",
  avg(1 - success) * 100 AS "failureRate",
  sum(kept) / sum(input_tokens) * 100 AS "cacheHitRate",
  sum(cached) / sum(input_tokens) * 100 AS "loggedCacheHitRate", sum(lost) AS "lostCacheCost",
  [${routing.join(', ')}] AS routing
FROM outcome`;
}

/** Runs a hand-written replay and prints its one row of figures as a JSON line, as the benchmark reads it. */
export async function printFigures(conn: DuckDBConnection, sql: string): Promise<void> {
  const reader = await conn.runAndReadAll(sql);
  process.stdout.write(JSON.stringify(reader.getRowObjectsJson()[0]) + '\n');
}
