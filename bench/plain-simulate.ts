/**
 * The simulate benchmark's reference: the same replay (cost policy vs the official
 * endpoint, causal, 1 h windows, 24 h carry-forward, success ≥ 0.9) written by hand
 * as one set-wise DuckDB query for the benchmark market, whose eight providers and
 * official endpoint are known: per-window provider state, cut at price changes,
 * pivoted to one column per provider, joined once to the requests, one expression
 * per provider; then the cache chains (docs/simulate.md): a window over each model
 * and cache key in time order gives where the policy and the baseline sent the
 * previous request, and a cached prompt that went elsewhere is written again.
 * Prints the figures as JSON so the benchmark can compare them.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { chainFiguresSql, printFigures } from './plain-chain.js';
import { BENCH_MODELS, BENCH_PROVIDERS } from './simulate-market.js';

const [db] = process.argv.slice(2);
const instance = await DuckDBInstance.create(db, { access_mode: 'READ_ONLY' });
const conn = await instance.connect();
await conn.run("SET TimeZone = 'UTC'");

const P = BENCH_PROVIDERS.map((name, i) => ({ name, i: i + 1 }));
const each = (f: (p: { name: string; i: number }) => string, sep = ', ') => P.map(f).join(sep);
const hour = (t: string) => `time_bucket(INTERVAL 1 HOUR, ${t}, TIMESTAMP '1970-01-01')`;

const sql = `
WITH measured AS (
  SELECT provider, model, ${hour('ts')} AS w, count(*) FILTER (WHERE ok) / count(*) AS success,
    median(ttft_ms) FILTER (WHERE ok) AS ttft, median(tps) FILTER (WHERE ok) AS tps
  FROM latency GROUP BY ALL
), carried AS (
  SELECT provider, model, w, success,
    last_value(ttft IGNORE NULLS) OVER win AS ttft, last_value(CASE WHEN ttft IS NOT NULL THEN w END IGNORE NULLS) OVER win AS ttft_w,
    last_value(tps IGNORE NULLS) OVER win AS tps, last_value(CASE WHEN tps IS NOT NULL THEN w END IGNORE NULLS) OVER win AS tps_w
  FROM measured WINDOW win AS (PARTITION BY provider, model ORDER BY w)
), windows AS (
  SELECT DISTINCT model, ${hour('ts')} AS w FROM requests
), state AS (
  -- the last measured window at most 24 h back, for each window and the one before it
  SELECT x.model, p.provider, x.w, c.success,
    CASE WHEN x.w - c.ttft_w <= INTERVAL 24 HOUR THEN c.ttft END AS ttft,
    CASE WHEN x.w - c.tps_w <= INTERVAL 24 HOUR THEN c.tps END AS tps
  FROM (SELECT model, w FROM windows UNION SELECT model, w - INTERVAL 1 HOUR FROM windows) x
  CROSS JOIN (SELECT DISTINCT provider FROM offerings) p
  ASOF JOIN carried c ON c.provider = p.provider AND c.model = x.model AND x.w >= c.w
  WHERE x.w - c.w <= INTERVAL 24 HOUR
), cuts AS (
  SELECT model, w AS t0 FROM windows UNION SELECT model, ts FROM prices
), segment AS (
  -- per provider: price in force, decision state (previous window), outcome state (this window)
  SELECT c.model, c.t0, o.provider, o.context_length AS ctx, o.features LIKE '%tools%' AS tools,
    pr.input_price / 1e6 AS ip, pr.output_price / 1e6 AS op, coalesce(pr.cached_input_price, pr.input_price) / 1e6 AS cp,
    coalesce(pr.cache_write_price, pr.input_price) / 1e6 AS wp,
    d.success >= 0.9 AND pr.input_price IS NOT NULL AS open, d.tps AS d_tps,
    coalesce(s.success, 0) AS o_success,
    CASE WHEN s.w IS NULL THEN d.ttft ELSE coalesce(s.ttft, d.ttft) END AS o_ttft,
    CASE WHEN s.w IS NULL THEN d.tps ELSE coalesce(s.tps, d.tps) END AS o_tps
  FROM cuts c JOIN offerings o USING (model)
  ASOF LEFT JOIN prices pr ON pr.provider = o.provider AND pr.model = c.model AND c.t0 >= pr.ts
  LEFT JOIN state d ON d.provider = o.provider AND d.model = c.model AND d.w = ${hour('c.t0')} - INTERVAL 1 HOUR
  LEFT JOIN state s ON s.provider = o.provider AND s.model = c.model AND s.w = ${hour('c.t0')}
), wide AS (
  SELECT model, t0, ${hour('t0')} AS w, lead(t0, 1, TIMESTAMP 'infinity') OVER (PARTITION BY model ORDER BY t0) AS t1,
    ${each(
      ({ name, i }) =>
        ['ctx', 'tools', 'ip', 'op', 'cp', 'wp', 'open', 'd_tps', 'o_success', 'o_ttft', 'o_tps']
          .map((f) => `any_value(${f}) FILTER (WHERE provider = '${name}') AS ${f}${i}`)
          .join(', '),
      ',\n    ',
    )}
  FROM segment GROUP BY model, t0
), priced AS (
  -- every request of this market has a session, its cache key; the chain window sorts models by number, not name
  SELECT r.request_id, r.ts, r.session, r.input_tokens, r.output_tokens, coalesce(r.cached_tokens, 0) AS cached,
    CASE r.model ${BENCH_MODELS.map((m, i) => `WHEN '${m}' THEN ${i + 1}`).join(' ')} END AS model_no,
    CASE r.provider ${each(({ name, i }) => `WHEN '${name}' THEN ${i}`, ' ')} END AS observed,
    ${each(
      ({ i }) => `(r.input_tokens - coalesce(r.cached_tokens, 0)) * ip${i} + coalesce(r.cached_tokens, 0) * cp${i}
      + r.output_tokens * op${i} AS cost${i}, coalesce(r.cached_tokens, 0) * (wp${i} - cp${i}) AS lost${i},
    open${i} AND ctx${i} >= r.input_tokens + r.output_tokens AND (r.features IS NULL OR tools${i}) AS ok${i}`,
      ',\n    ',
    )},
    ${each(({ i }) => `d_tps${i}, o_success${i}, o_ttft${i}, o_tps${i}`)}
  FROM requests r JOIN wide s ON s.model = r.model AND s.w = ${hour('r.ts')} AND r.ts >= s.t0 AND r.ts < s.t1
), best AS (
  SELECT *, least(${each(({ i }) => `CASE WHEN ok${i} THEN cost${i} END`)}) AS min_cost FROM priced
), chosen AS (
  -- every request, compared or not: each one's pick is where its prompt went for the next of its chain
  -- equal costs: the higher decision TPS, then the first provider by name
  SELECT *, CASE ${each(
    ({ i }) =>
      `WHEN ok${i} AND cost${i} = min_cost AND coalesce(d_tps${i}, 0) = greatest(${each(
        ({ i: j }) => `CASE WHEN ok${j} AND cost${j} = min_cost THEN coalesce(d_tps${j}, 0) END`,
      )}) THEN ${i}`,
    ' ',
  )} END AS k
  FROM best
), picked AS (
  SELECT request_id, ts, model_no, session, observed, input_tokens, cached,
    CASE WHEN ok1 THEN 1 END AS base_k, cost1 AS base_cost, lost1 AS base_lost, o_tps1 AS base_tps,
    k, k AS pid, min_cost AS cost,
    CASE k ${each(({ i }) => `WHEN ${i} THEN lost${i}`, ' ')} END AS lost,
    CASE k ${each(({ i }) => `WHEN ${i} THEN o_tps${i}`, ' ')} END AS tps,
    CASE k ${each(({ i }) => `WHEN ${i} THEN o_ttft${i}`, ' ')} END AS ttft,
    CASE k ${each(({ i }) => `WHEN ${i} THEN o_success${i}`, ' ')} END AS success,
    ttft + output_tokens / tps * 1000 AS e2e
  FROM chosen
), ${chainFiguresSql('model_no, session', BENCH_PROVIDERS)}`;

await printFigures(conn, sql);
conn.closeSync();
instance.closeSync();
