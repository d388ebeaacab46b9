/**
 * The replay of `ai-ping simulate --policy cost` (official baseline, causal, 1 h windows, 24 h
 * carry-forward, success ≥ 0.9, prompt caches in chain mode keyed on session, app, user with a
 * 5 min TTL) written by hand as one set-wise DuckDB query for the generated demo market, whose
 * models, aliases and providers are read from the tables: per-window provider state, cut at
 * price changes, each model's providers pivoted into numbered slots in name order (a small
 * query first counts the slots), joined once to the requests by model, features and window,
 * one expression per slot; then the cache chains (docs/simulate.md): a window over each model
 * and cache key in time order gives where the policy and the baseline sent the previous
 * request, and a cached prompt that went elsewhere is written again. Left out, as the demo has
 * none of them: price tiers (base tier only), state from logged requests (every provider that
 * lists or prices a model has latency rows for it; the script stops otherwise), anomalous price
 * snapshots, and the built-in catalogs (aliases from the catalog table; provider names as
 * written). Prints the figures as JSON.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { chainFiguresSql, printFigures } from './plain-chain.js';

const [db] = process.argv.slice(2);
const instance = await DuckDBInstance.create(db, { access_mode: 'READ_ONLY' });
const conn = await instance.connect();
await conn.run("SET TimeZone = 'UTC'");

const hour = (t: string) => `time_bucket(INTERVAL 1 HOUR, ${t}, TIMESTAMP '1970-01-01')`;

// the catalog's aliases (a later row wins); any other name is its own canonical model
const NAMES = `names AS (SELECT alias, arg_max(model, rowid) AS model FROM catalog GROUP BY alias)`;
// the candidates of each model: the providers that list or price it (those that only served it never have a price)
const PAIRS = `pairs AS (
  SELECT DISTINCT coalesce(n.model, t.model) AS model, t.provider
  FROM (SELECT model, provider FROM offerings UNION ALL SELECT model, provider FROM prices) t
  LEFT JOIN names n ON n.alias = t.model
)`;

// the slots: providers of the most widely offered model; every provider, in name order, for the routing;
// and what this query leaves out: price tiers, and state from logged requests for a pair without latency rows
const shape = await conn.runAndReadAll(`
  WITH ${NAMES}, ${PAIRS}
  SELECT (SELECT max(n) FROM (SELECT count(*) AS n FROM pairs GROUP BY model)) AS slots,
    (SELECT list(DISTINCT provider ORDER BY provider) FROM pairs) AS providers,
    (SELECT count(*) FROM prices WHERE tier_min_input_tokens > 0) AS tiers,
    (SELECT count(*) FROM pairs p WHERE NOT EXISTS (SELECT 1 FROM latency l LEFT JOIN names n ON n.alias = l.model
      WHERE coalesce(n.model, l.model) = p.model AND l.provider = p.provider)) AS unmeasured`);
const { slots, providers, tiers, unmeasured } = shape.getRowObjectsJson()[0] as {
  slots: string;
  providers: string[];
  tiers: string;
  unmeasured: string;
};
if (Number(tiers) || Number(unmeasured)) throw new Error('price tiers or unmeasured providers: not the demo market');
const S = Array.from({ length: Number(slots) }, (_, i) => i + 1);
const each = (f: (i: number) => string, sep = ', ') => S.map(f).join(sep);
const FIELDS = ['provider', 'pid', 'official', 'cap', 'ip', 'op', 'cp', 'wp', 'd_tps', 'o_success', 'o_ttft', 'o_tps'];
const NO_TPS = `'-infinity'::DOUBLE`;
// slot i's cost of request r: uncached input, cached input, cache writes and output at its prices per token
const costOf = (i: number) =>
  `(r.input_tokens - r.cached - r.written) * ip${i} + r.cached * cp${i} + r.written * wp${i} + r.output_tokens * op${i}`;

const sql = `
WITH ${NAMES}, ${PAIRS}, offers AS (
  -- per model and provider: official, the largest context, the features of the latest listing
  SELECT coalesce(n.model, o.model) AS model, o.provider, bool_or(coalesce(o.official, false)) AS official,
    max(o.context_length) AS ctx,
    arg_max(list_transform(string_split(o.features, ','), x -> trim(x)), coalesce(o.listed_from, DATE '1970-01-01')) AS feats
  FROM offerings o LEFT JOIN names n ON n.alias = o.model GROUP BY ALL
), snapshots AS (
  -- price snapshots per token by canonical model: the highest of each base-tier price where spellings meet
  SELECT model, provider, ts, max(input_price) FILTER (WHERE base) / 1e6 AS ip,
    max(output_price) FILTER (WHERE base) / 1e6 AS op,
    coalesce(max(cached_input_price) FILTER (WHERE base), max(input_price) FILTER (WHERE base)) / 1e6 AS cp,
    coalesce(max(cache_write_price) FILTER (WHERE base), max(input_price) FILTER (WHERE base)) / 1e6 AS wp
  FROM (SELECT p.*, coalesce(n.model, p.model) AS model, coalesce(p.tier_min_input_tokens, 0) = 0 AS base
    FROM prices p LEFT JOIN names n ON n.alias = p.model)
  GROUP BY model, provider, ts
), slots AS (
  -- each model's candidates in name order (slot), with a number per provider name (pid) for the routing
  SELECT p.model, p.provider, row_number() OVER (PARTITION BY p.model ORDER BY p.provider) AS slot,
    dense_rank() OVER (ORDER BY p.provider) AS pid, coalesce(o.official, false) AS official,
    coalesce(o.ctx, 9223372036854775807) AS ctx, o.feats
  FROM pairs p LEFT JOIN offers o ON o.model = p.model AND o.provider = p.provider
), reqs AS NOT MATERIALIZED (
  -- every request: canonical model, window, features string, cache key (the first of session, app, user)
  SELECT r.request_id, r.ts, ${hour('r.ts')} AS w, coalesce(n.model, r.model) AS model, r.provider,
    coalesce(r.features, '') AS fk, coalesce('session:' || r.session, 'app:' || r.app, 'user:' || r."user") AS ckey,
    r.input_tokens, r.output_tokens, coalesce(r.cached_tokens, 0) AS cached, coalesce(r.cache_write_tokens, 0) AS written
  FROM requests r LEFT JOIN names n ON n.alias = r.model
), windows AS MATERIALIZED (
  SELECT DISTINCT model, fk, w FROM reqs
), measured AS (
  -- per window with latency rows: success rate, median TTFT and TPS of the ok rows
  SELECT coalesce(n.model, l.model) AS model, l.provider, ${hour('l.ts')} AS w,
    count(*) FILTER (WHERE l.ok) / count(*) AS success,
    quantile_cont(CASE WHEN l.ok THEN l.ttft_ms END, 0.5) AS ttft, quantile_cont(CASE WHEN l.ok THEN l.tps END, 0.5) AS tps
  FROM latency l LEFT JOIN names n ON n.alias = l.model GROUP BY ALL
), carried AS (
  -- the last known speeds up to each measured window, and the windows they come from
  SELECT model, provider, w, success,
    last_value(ttft IGNORE NULLS) OVER win AS ttft, last_value(CASE WHEN ttft IS NOT NULL THEN w END IGNORE NULLS) OVER win AS ttft_w,
    last_value(tps IGNORE NULLS) OVER win AS tps, last_value(CASE WHEN tps IS NOT NULL THEN w END IGNORE NULLS) OVER win AS tps_w
  FROM measured WINDOW win AS (PARTITION BY model, provider ORDER BY w)
), state AS MATERIALIZED (
  -- for each window with requests and the one before it: the last measured window at most 24 h back,
  -- its speeds only if they were measured at most 24 h back
  SELECT x.model, s.provider, x.w, c.success,
    CASE WHEN x.w - c.ttft_w <= INTERVAL 24 HOUR THEN c.ttft END AS ttft,
    CASE WHEN x.w - c.tps_w <= INTERVAL 24 HOUR THEN c.tps END AS tps
  FROM (SELECT model, w FROM windows UNION SELECT model, w - INTERVAL 1 HOUR FROM windows) x
  JOIN slots s ON s.model = x.model
  ASOF JOIN carried c ON c.provider = s.provider AND c.model = x.model AND x.w >= c.w
  WHERE x.w - c.w <= INTERVAL 24 HOUR
), cuts AS (
  -- segments per model and features string: from each window with such requests and each price snapshot
  SELECT model, fk, t0, ${hour('t0')} AS w, lead(t0, 1, TIMESTAMP 'infinity') OVER (PARTITION BY model, fk ORDER BY t0) AS t1
  FROM (
    SELECT model, fk, w AS t0 FROM windows
    UNION SELECT f.model, f.fk, p.ts FROM (SELECT DISTINCT model, fk FROM windows) f JOIN snapshots p ON p.model = f.model
  )
), segment AS (
  -- each slot over a segment: its price in force; its context as the cap of a request's tokens where it is open
  -- (priced, a decision state, the previous window's, with success >= 0.9, every needed feature), else -1;
  -- decision TPS; outcome state, this window's (none: a failure at the decision state's speed)
  SELECT c.model, c.fk, c.t0, c.t1, c.w, s.slot, s.provider, s.pid, s.official,
    CASE WHEN pr.ip IS NOT NULL AND d.w IS NOT NULL AND d.success >= 0.9
      AND (s.feats IS NULL OR list_has_all(s.feats, list_filter(list_transform(string_split(c.fk, ','), x -> trim(x)), x -> x <> '')))
      THEN s.ctx ELSE -1 END AS cap,
    pr.ip, pr.op, pr.cp, pr.wp, d.tps AS d_tps, coalesce(o.success, 0) AS o_success,
    CASE WHEN o.w IS NULL THEN d.ttft ELSE coalesce(o.ttft, d.ttft) END AS o_ttft,
    CASE WHEN o.w IS NULL THEN d.tps ELSE coalesce(o.tps, d.tps) END AS o_tps
  FROM cuts c JOIN slots s ON s.model = c.model
  ASOF LEFT JOIN snapshots pr ON pr.provider = s.provider AND pr.model = c.model AND c.t0 >= pr.ts
  LEFT JOIN state d ON d.provider = s.provider AND d.model = c.model AND d.w = c.w - INTERVAL 1 HOUR
  LEFT JOIN state o ON o.provider = s.provider AND o.model = c.model AND o.w = c.w
), wide AS (
  -- one row per segment, one set of columns per slot
  SELECT model, fk, t0, t1, w,
    ${each((i) => FIELDS.map((f) => `any_value(CASE WHEN slot = ${i} THEN ${f} END) AS ${f}${i}`).join(', '), ',\n    ')}
  FROM segment GROUP BY model, fk, t0, t1, w
), priced AS (
  -- each request with its segment: every slot's cost, what its cached tokens cost more where they miss, feasibility
  SELECT r.request_id, r.ts, r.model, r.ckey, r.input_tokens, r.output_tokens, r.cached,
    CASE r.provider ${each((i) => `WHEN provider${i} THEN ${i}`, ' ')} END AS observed,
    ${each(
      (i) => `${costOf(i)} AS cost${i}, r.cached * (wp${i} - cp${i}) AS lost${i},
    cap${i} >= r.input_tokens + r.output_tokens AS ok${i}`,
      ',\n    ',
    )},
    ${each((i) => `official${i}, pid${i}, d_tps${i}, o_success${i}, o_ttft${i}, o_tps${i}`)}
  FROM reqs r JOIN wide s ON s.model = r.model AND s.fk = r.fk AND s.w = r.w AND r.ts >= s.t0 AND r.ts < s.t1
), best AS (
  SELECT *, least(${each((i) => `CASE WHEN ok${i} THEN cost${i} END`)}) AS min_cost FROM priced
), tied AS (
  -- equal costs: the higher decision TPS (unknown last), then the first by name (the first such slot)
  SELECT *, greatest(${each((i) => `CASE WHEN ok${i} AND cost${i} = min_cost THEN coalesce(d_tps${i}, ${NO_TPS}) END`)}) AS top_tps
  FROM best
), chosen AS (
  -- every request, compared or not: where it goes, its prompt is cached for the next of its chain;
  -- the baseline: the first feasible official endpoint by name
  SELECT *,
    CASE ${each((i) => `WHEN ok${i} AND cost${i} = min_cost AND coalesce(d_tps${i}, ${NO_TPS}) = top_tps THEN ${i}`, ' ')} END AS k,
    CASE ${each((i) => `WHEN ok${i} AND official${i} THEN ${i}`, ' ')} END AS base_k
  FROM tied
), picked AS (
  SELECT request_id, ts, model, ckey, observed, input_tokens, cached, k, base_k, min_cost AS cost,
    CASE base_k ${each((i) => `WHEN ${i} THEN cost${i}`, ' ')} END AS base_cost,
    CASE base_k ${each((i) => `WHEN ${i} THEN lost${i}`, ' ')} END AS base_lost,
    CASE base_k ${each((i) => `WHEN ${i} THEN o_tps${i}`, ' ')} END AS base_tps,
    CASE k ${each((i) => `WHEN ${i} THEN lost${i}`, ' ')} END AS lost,
    CASE k ${each((i) => `WHEN ${i} THEN pid${i}`, ' ')} END AS pid,
    CASE k ${each((i) => `WHEN ${i} THEN o_tps${i}`, ' ')} END AS tps,
    CASE k ${each((i) => `WHEN ${i} THEN o_ttft${i}`, ' ')} END AS ttft,
    CASE k ${each((i) => `WHEN ${i} THEN o_success${i}`, ' ')} END AS success,
    ttft + output_tokens / tps * 1000 AS e2e
  FROM chosen
), ${chainFiguresSql('model, ckey', providers)}`;

await printFigures(conn, sql);
conn.closeSync();
instance.closeSync();
