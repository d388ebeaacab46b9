/**
 * The generator's SQL, set-wise over `range(n)`. Every random number is
 * u01(key, salt): a hash of (seed, key, salt) mapped to (0, 1), so the same seed gives
 * the same data whatever the thread schedule. Tunables are DuckDB variables
 * (see tables.ts); the small plan tables are g_tasks, g_bands, g_offerings, ….
 */
import { listCostSql, pricesOf, tokensOf } from '../query/measures.js';

export const MACROS = [
  // DuckDB combines the hashes of several arguments by XOR, which would correlate the
  // streams of different salts; hashing the key XOR a per-(seed, salt) constant does not.
  `CREATE OR REPLACE MACRO h64(k, salt) AS hash(xor(k::UBIGINT, hash(getvariable('seed')::BIGINT, salt)))`,
  `CREATE OR REPLACE MACRO u01(k, salt) AS ((h64(k, salt) >> 11)::DOUBLE + 0.5) / 9007199254740992.0`,
  // Inverse of the standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9).
  `CREATE OR REPLACE MACRO qnorm(p) AS
     CASE WHEN p < 0.02425 THEN
            (((((-7.784894002430293e-03 * sqrt(-2 * ln(p)) - 3.223964580411365e-01) * sqrt(-2 * ln(p))
              - 2.400758277161838e+00) * sqrt(-2 * ln(p)) - 2.549732539343734e+00) * sqrt(-2 * ln(p))
              + 4.374664141464968e+00) * sqrt(-2 * ln(p)) + 2.938163982698783e+00)
            / ((((7.784695709041462e-03 * sqrt(-2 * ln(p)) + 3.224671290700398e-01) * sqrt(-2 * ln(p))
              + 2.445134137142996e+00) * sqrt(-2 * ln(p)) + 3.754408661907416e+00) * sqrt(-2 * ln(p)) + 1)
          WHEN p > 1 - 0.02425 THEN
            -(((((-7.784894002430293e-03 * sqrt(-2 * ln(1 - p)) - 3.223964580411365e-01) * sqrt(-2 * ln(1 - p))
              - 2.400758277161838e+00) * sqrt(-2 * ln(1 - p)) - 2.549732539343734e+00) * sqrt(-2 * ln(1 - p))
              + 4.374664141464968e+00) * sqrt(-2 * ln(1 - p)) + 2.938163982698783e+00)
            / ((((7.784695709041462e-03 * sqrt(-2 * ln(1 - p)) + 3.224671290700398e-01) * sqrt(-2 * ln(1 - p))
              + 2.445134137142996e+00) * sqrt(-2 * ln(1 - p)) + 3.754408661907416e+00) * sqrt(-2 * ln(1 - p)) + 1)
          ELSE
            (((((-3.969683028665376e+01 * ((p - 0.5) * (p - 0.5)) + 2.209460984245205e+02) * ((p - 0.5) * (p - 0.5))
              - 2.759285104469687e+02) * ((p - 0.5) * (p - 0.5)) + 1.383577518672690e+02) * ((p - 0.5) * (p - 0.5))
              - 3.066479806614716e+01) * ((p - 0.5) * (p - 0.5)) + 2.506628277459239e+00) * (p - 0.5)
            / (((((-5.447609879822406e+01 * ((p - 0.5) * (p - 0.5)) + 1.615858368580409e+02) * ((p - 0.5) * (p - 0.5))
              - 1.556989798598866e+02) * ((p - 0.5) * (p - 0.5)) + 6.680131188771972e+01) * ((p - 0.5) * (p - 0.5))
              - 1.328068155288572e+01) * ((p - 0.5) * (p - 0.5)) + 1)
     END`,
  // A standard normal draw by inverse-CDF sampling.
  `CREATE OR REPLACE MACRO nrm(k, salt) AS qnorm(u01(k, salt))`,
  `CREATE OR REPLACE MACRO hour_of(ts) AS (epoch_ms(ts) - getvariable('t0_ms')::BIGINT) // 3600000`,
  // Positions of the highest and of the lowest set bit of x > 0 (exact for the 33-bit words of REQUEST_KEYS).
  `CREATE OR REPLACE MACRO high_bit(x) AS floor(log2(x))::BIGINT`,
  `CREATE OR REPLACE MACRO low_bit(x) AS floor(log2(x & -x))::BIGINT`,
  // Time from the previous request of a session to request k (ms), log-uniform.
  `CREATE OR REPLACE MACRO session_gap_ms(k) AS
     floor(getvariable('gap_min_ms') * pow(getvariable('gap_max_ms') / getvariable('gap_min_ms'), u01(k, 'session-gap')))::BIGINT`,
  // Prompt length slows the first token a little: 1.0 at 1k tokens, 1.6 at 16k.
  `CREATE OR REPLACE MACRO prefill_factor(input_tokens) AS 0.8 + 0.2 * sqrt(input_tokens / 1000.0)`,
];

/**
 * Upper ends of the plan's lookup intervals. Lookups join on lo <= x < hi, which DuckDB
 * streams against the small plan table; an ASOF join would sort all requests first.
 */
export const INTERVALS = [
  `CREATE OR REPLACE TABLE g_tasks AS
   SELECT *, coalesce(lead(lo) OVER (ORDER BY lo), 'infinity') AS hi FROM g_tasks`,
  `CREATE OR REPLACE TABLE g_apps AS
   SELECT *, coalesce(lead(lo) OVER (PARTITION BY task ORDER BY lo), 'infinity') AS hi FROM g_apps`,
  `CREATE OR REPLACE TABLE g_bands AS
   SELECT *, coalesce(lead(lo) OVER (ORDER BY lo), 'infinity') AS hi FROM g_bands`,
  `CREATE OR REPLACE TABLE g_caps AS
   SELECT *, coalesce(lead(from_ts) OVER (ORDER BY from_ts), 'infinity') AS to_ts FROM g_caps`,
  `CREATE OR REPLACE TABLE g_epochs AS
   SELECT *, coalesce(lead(epoch_from) OVER (PARTITION BY line ORDER BY epoch_from), 'infinity') AS epoch_to FROM g_epochs`,
  `CREATE OR REPLACE TABLE g_epoch_older AS
   SELECT *, coalesce(lead(lo) OVER (PARTITION BY line, epoch_from ORDER BY lo), 'infinity') AS hi FROM g_epoch_older`,
  `CREATE OR REPLACE TABLE g_alias AS
   SELECT *, coalesce(lead(lo) OVER (PARTITION BY model ORDER BY lo), 'infinity') AS hi FROM g_alias`,
  `CREATE OR REPLACE TABLE g_prices AS
   SELECT *, coalesce(lead(ts) OVER (PARTITION BY provider, model ORDER BY ts), 'infinity') AS ts_to FROM g_prices`,
];

/**
 * The hidden true service of every offering, hour by hour: health (ok, degraded:
 * some measurements fail, down: an outage) and the median TTFT and TPS around which
 * both the latency measurements and the logged requests scatter.
 */
export const OFFERING_HOURS = `
CREATE OR REPLACE TABLE g_oh AS
WITH hrs AS (
  SELECT o.oid, o.provider, o.model, o.ttft_ms, o.tps, o.degraded_rate, r.h,
         epoch_ms(getvariable('t0_ms')::BIGINT + r.h * 3600000) AS h_ts
  FROM g_offerings o, range(getvariable('hours')::BIGINT) AS r(h)
  WHERE getvariable('t0_ms')::BIGINT + r.h * 3600000 >= o.from_ms
    AND getvariable('t0_ms')::BIGINT + r.h * 3600000 < o.to_ms
), flagged AS (
  SELECT hrs.*,
    EXISTS (SELECT 1 FROM g_outages x WHERE x.provider = hrs.provider AND hrs.h_ts >= x.from_ts AND hrs.h_ts < x.to_ts) AS down,
    NOT EXISTS (SELECT 1 FROM g_gaps x WHERE x.provider = hrs.provider AND hrs.h_ts >= x.from_ts AND hrs.h_ts < x.to_ts) AS measured,
    0.5 + 0.5 * cos(2 * pi() * ((h % 24) - getvariable('peak_hour')) / 24) AS load,
    h // 24 AS day
  FROM hrs
), typical AS (
  SELECT oid, provider, model, h, measured,
    CASE WHEN down THEN 'down'
         WHEN u01(oid * 100000 + h, 'degraded') < degraded_rate THEN 'degraded'
         ELSE 'ok' END AS health,
    ttft_ms * (0.85 + 0.3 * load)
      * exp(0.08 * nrm(oid * 1000 + day, 'day-ttft') + 0.05 * nrm(oid * 100000 + h, 'hour-ttft')) AS ttft_typical,
    tps * (1.1 - 0.2 * load)
      * exp(0.06 * nrm(oid * 1000 + day, 'day-tps') + 0.04 * nrm(oid * 100000 + h, 'hour-tps')) AS tps_typical
  FROM flagged
)
SELECT oid * 100000 + h AS ohk, oid, provider, model, h, health, measured,
  ttft_typical * CASE health WHEN 'ok' THEN 1 ELSE 1.8 END AS ttft_true,
  tps_typical * CASE health WHEN 'ok' THEN 1 ELSE 0.7 END AS tps_true
FROM typical`;

/**
 * Latency measurements: each offering about every 12.5 minutes (10–15 minutes
 * apart) while listed, none during monitoring gaps. In a degraded hour those in the
 * first quarter of the hour fail, and others at random; in an outage all fail.
 */
export const LATENCY = `
CREATE OR REPLACE TABLE g_lat AS
WITH slots AS (
  SELECT o.oid, o.provider, o.model, o.to_ms, r.k,
    o.from_ms + round((r.k + 0.5) * getvariable('meas_every_ms')
      + (2 * u01(o.oid * 1000000 + r.k, 'meas-jitter') - 1) * getvariable('meas_jitter_ms'))::BIGINT AS ts_ms
  FROM g_offerings o,
    range(ceil((getvariable('t1_ms') - getvariable('t0_ms')) / getvariable('meas_every_ms'))::BIGINT) AS r(k)
), kept AS (
  SELECT s.oid, s.provider, s.model, s.k, epoch_ms(s.ts_ms) AS ts,
    s.oid * 100000 + (s.ts_ms - getvariable('t0_ms')::BIGINT) // 3600000 AS ohk
  FROM slots s
  WHERE s.ts_ms < s.to_ms
), measured AS (
  SELECT kept.*, oh.h, oh.health, oh.ttft_true, oh.tps_true, pi.input_tokens,
    -- Measurements are at most 15 minutes apart, so every hour has one in its first quarter.
    epoch_ms(kept.ts) % 3600000 < 900000 AS first_quarter,
    kept.oid * 1000000 + kept.k AS key
  FROM kept
  JOIN g_oh oh ON oh.ohk = kept.ohk AND oh.measured
  JOIN g_probe_inputs pi ON pi.k = floor(u01(kept.oid * 1000000 + kept.k, 'meas-input') * 4)::BIGINT
), judged AS (
  SELECT measured.*,
    health = 'down' OR (health = 'degraded'
      AND (first_quarter OR u01(key, 'meas-fail') < getvariable('degraded_meas_fail'))) AS failed,
    u01(key, 'meas-error') AS ue,
    u01(key, 'meas-ttft') AS u_ttft,
    u01(key, 'meas-tps') AS u_tps
  FROM measured
), typed AS (
  SELECT judged.*,
    CASE WHEN NOT failed THEN NULL
         WHEN health = 'down' THEN CASE WHEN ue < 0.6 THEN 'server' ELSE 'timeout' END
         WHEN ue < 0.4 THEN 'rate_limit' WHEN ue < 0.7 THEN 'timeout' ELSE 'server' END AS error_type
  FROM judged
)
SELECT ts, provider, model, oid, h, input_tokens, NOT failed AS ok, error_type,
  CASE WHEN failed THEN NULL
       ELSE ttft_true * prefill_factor(input_tokens) * exp(0.2 * qnorm(u_ttft)) END AS ttft_raw,
  CASE WHEN failed THEN NULL ELSE tps_true * exp(0.1 * qnorm(u_tps)) END AS tps_raw,
  CASE error_type
    WHEN 'timeout' THEN 30000.0
    WHEN 'rate_limit' THEN 50 + 250 * u01(key, 'meas-error-ms')
    WHEN 'server' THEN 200 + 2800 * u01(key, 'meas-error-ms') END AS failed_latency_ms
FROM typed`;

/**
 * Sessions are runs of consecutive request numbers inside blocks of this many (the bits of
 * one 32-bit random word); chunks start at a block.
 */
export const SESSION_BLOCK = 32;

/**
 * Request skeletons of all requests, computed on the fly from their number: session,
 * time (demand growing over the quarter, a diurnal cycle), task, lognormal token counts
 * and the key that orders sessions for the family bands. A session's requests take its
 * first request's (number s) draws of day, time, task, app and family key, so each is
 * distributed like a random request, and their own token counts; each follows the one
 * before by a session gap. A session ends before the UTC midnight after its start, so
 * that listings, versions and prices, which change at midnights, hold for all of it.
 */
export const REQUEST_KEYS = `
CREATE OR REPLACE VIEW g_req_keyed AS
WITH words AS (
  SELECT range AS i, range % ${SESSION_BLOCK} AS k,
    h64(range // ${SESSION_BLOCK}, 'session-a') AS a, h64(range // ${SESSION_BLOCK}, 'session-b') AS b
  FROM range(getvariable('chunk_lo')::BIGINT, getvariable('chunk_hi')::BIGINT)
), starts AS (
  -- Bit k: request block · ${SESSION_BLOCK} + k starts a session. x AND (y OR (z AND w)) of the four 32-bit halves
  -- sets it with probability 1/2 · (1 - 1/2 · 3/4) = 5/16 (lengths geometric, 3 on average with the
  -- block's cut); bit 0 always, and bit ${SESSION_BLOCK} stands for the next block's first request.
  SELECT i, k,
    (1 | (1::BIGINT << ${SESSION_BLOCK})
      | ((a & 4294967295::UBIGINT) & ((a >> 32) | ((b & 4294967295::UBIGINT) & (b >> 32))))::BIGINT) AS bits
  FROM words
), members AS (
  SELECT i, i - k + high_bit(bits & ((2::BIGINT << k) - 1)) AS s, i + 1 + low_bit(bits >> (k + 1)) AS s_end
  FROM starts
), b AS (
  SELECT i, s, s_end,
    (sqrt(1 + getvariable('growth') * (2 + getvariable('growth')) * u01(s, 'day')) - 1) / getvariable('growth') AS x,
    u01(s, 'time-of-day') AS v,
    u01(s, 'task') AS ut,
    u01(s, 'app') AS ua
  FROM members
), t AS (
  SELECT i, s, s_end, ut, ua,
    getvariable('t0_ms')::BIGINT + least(floor(x * getvariable('days')), getvariable('days') - 1)::BIGINT * 86400000 AS day_ms,
    -- A monotone warp of the time of day: arrival density peaks at peak_hour.
    v - getvariable('diurnal') / (2 * pi()) * sin(2 * pi() * (v - getvariable('peak_hour') / 24.0)) AS f
  FROM b
), tasked AS (
  -- Lognormal lengths by inverse-CDF sampling.
  SELECT t.i, t.s, t.s_end, t.day_ms, t.f, t.ua,
    k.task, k.p_stream, k.p_tools, k.p_json, k.cache_p, k.cache_lo, k.cache_hi,
    least(k.in_max, greatest(1, round(exp(ln(k.in_med) + k.in_sig * qnorm(u01(t.i, 'input'))))))::BIGINT AS input_tokens,
    least(k.out_max, greatest(1, round(exp(ln(k.out_med) + k.out_sig * qnorm(u01(t.i, 'output'))))))::BIGINT AS output_tokens
  FROM t JOIN g_tasks k ON t.ut >= k.lo AND t.ut < k.hi
), gapped AS (
  SELECT tasked.*, list_transform(range(s + 1, s_end), j -> session_gap_ms(j)) AS gaps FROM tasked
), started AS (
  -- Early enough to end before midnight.
  SELECT gapped.*,
    least(day_ms + floor((f - floor(f)) * 86400000)::BIGINT, day_ms + 86400000 - 1 - coalesce(list_sum(gaps), 0)::BIGINT) AS start_ms
  FROM gapped
)
-- Sessions started before a late family exists get keys below its band (its day's: caps change at midnights).
SELECT st.i, st.s, epoch_ms(st.start_ms + coalesce(list_sum(st.gaps[1:st.i - st.s]), 0)::BIGINT) AS ts,
  epoch_ms(st.start_ms) AS session_ts, st.ua, st.task, st.p_stream, st.p_tools, st.p_json, st.cache_p, st.cache_lo,
  st.cache_hi, st.input_tokens, st.output_tokens, u01(st.s, 'family') * c.cap AS fkey
FROM started st JOIN g_caps c ON epoch_ms(st.day_ms) >= c.from_ts AND epoch_ms(st.day_ms) < c.to_ts`;

/**
 * Families by construction: sessions in a random order (by key), each family taking
 * the next band of cumulative tokens, so token shares match the plan up to one
 * session. Only the first session of each band is kept: the bands are then ranges of
 * the (key, session) order, and a request's family needs nothing but its session's key.
 */
export const FAMILY_BOUNDS = `
CREATE OR REPLACE TABLE g_fbounds AS
WITH keyed AS (
  SELECT i, s, fkey, input_tokens, output_tokens FROM g_req_keyed
), placed AS (
  SELECT i, s, fkey,
    (sum(input_tokens + output_tokens) OVER (ORDER BY fkey, i ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
      - (input_tokens + output_tokens) / 2.0)
      / (SELECT sum(input_tokens + output_tokens) FROM keyed) AS fpos
  FROM keyed
), firsts AS (
  SELECT b.family, b.avail_ts, min({'k': p.fkey, 'i': p.s}) AS key_from
  FROM placed p JOIN g_bands b ON p.fpos >= b.lo AND p.fpos < b.hi
  GROUP BY ALL
)
SELECT family, avail_ts, key_from,
  coalesce(lead(key_from) OVER (ORDER BY key_from), {'k': 'infinity'::DOUBLE, 'i': 0::BIGINT}) AS key_to,
  -- Where requests made before their band's family exists go (a scalar subquery per request would cost a cross join).
  (SELECT family FROM g_bands ORDER BY lo LIMIT 1) AS first_family
FROM firsts`;

/**
 * The requests of one chunk (numbers chunk_lo to chunk_hi): session, family, app, cached
 * prompt tokens (later turns reuse the session's prefix), features needed (one app
 * integration: the same for the whole session).
 */
export const REQUEST_FAMILY = `
CREATE OR REPLACE TABLE g_req_family AS
SELECT r.i, r.s, r.ts, r.task, a.app, r.input_tokens, r.output_tokens,
  CASE WHEN r.i > r.s AND u01(r.i, 'cache') < r.cache_p
       THEN floor(r.input_tokens * (r.cache_lo + (r.cache_hi - r.cache_lo) * u01(r.i, 'cache-fraction')))::BIGINT
       ELSE 0 END AS cached_tokens,
  u01(r.s, 'needs-tools') < r.p_tools AS need_tools,
  u01(r.s, 'needs-json') < r.p_json AS need_json,
  u01(r.s, 'needs-stream') < r.p_stream AS need_stream,
  CASE WHEN f.avail_ts <= r.session_ts THEN f.family ELSE f.first_family END AS family
FROM g_req_keyed r
JOIN g_fbounds f ON {'k': r.fkey, 'i': r.s} >= f.key_from AND {'k': r.fkey, 'i': r.s} < f.key_to
JOIN g_apps a ON a.task = r.task AND r.ua >= a.lo AND r.ua < a.hi`;

/**
 * The model of each session, drawn for its first request (number s, at the session's
 * start, kept with the tokens and features its route depends on): line within the family
 * (weighted by task, among lines already released), then the version within the line
 * (newest, or an older one with the decaying superseded share), then the spelling the
 * log uses.
 */
export const SESSION_MODEL = `
CREATE OR REPLACE TABLE g_session_model AS
WITH heads AS (
  SELECT i, ts, task, family, input_tokens, output_tokens, need_tools, need_json, need_stream
  FROM g_req_family WHERE i = s
), chosen AS (
  SELECT r.i, arg_max(w.line, ln(u01(r.i * 64 + w.line_id, 'line')) / w.weight) AS line
  FROM heads r
  JOIN g_line_weights w ON w.family = r.family AND w.task = r.task AND w.avail_ts <= r.ts AND w.weight > 0
  GROUP BY r.i
), lined AS (
  SELECT r.*, c.line FROM heads r JOIN chosen c USING (i)
), epoch AS (
  SELECT l.*, e.epoch_from, e.newest,
    e.s_floor + (e.s_start - e.s_floor)
      * exp(-(epoch_ms(l.ts) - epoch_ms(e.epoch_from)) / 86400000.0 / e.tau_days) AS superseded,
    u01(l.i, 'version') AS uv,
    u01(l.i, 'older-version') AS uo
  FROM lined l JOIN g_epochs e ON e.line = l.line AND l.ts >= e.epoch_from AND l.ts < e.epoch_to
), versioned AS (
  SELECT ep.* EXCLUDE (newest, superseded, uv, uo, epoch_from),
    CASE WHEN ep.uv >= ep.superseded THEN ep.newest ELSE o.model END AS model,
    u01(ep.i, 'alias') AS ual
  FROM epoch ep
  LEFT JOIN g_epoch_older o ON o.line = ep.line AND o.epoch_from = ep.epoch_from AND ep.uo >= o.lo AND ep.uo < o.hi
)
SELECT v.i AS s, v.ts, v.input_tokens, v.output_tokens, v.need_tools, v.need_json, v.need_stream,
  v.line, v.model, a.alias AS logged_model
FROM versioned v JOIN g_alias a ON a.model = v.model AND v.ual >= a.lo AND v.ual < a.hi`;

/**
 * The provider that served each session: weighted by traffic among the offerings
 * listed at its start, preferring those that fit its first request's context and the
 * session's features (Efraimidis–Spirakis: the largest ln(u) / weight wins). A later
 * turn that outgrows the context fails there, as it would.
 */
export const SESSION_ROUTE = `
CREATE OR REPLACE TABLE g_session_route AS
WITH candidates AS (
  SELECT r.s, o.oid, o.traffic,
    o.context_length >= r.input_tokens + r.output_tokens
      AND (NOT r.need_tools OR o.has_tools) AND (NOT r.need_json OR o.has_json) AND (NOT r.need_stream OR o.has_stream) AS capable
  FROM g_session_model r
  JOIN g_offerings o ON o.model = r.model AND o.traffic > 0 AND r.ts >= o.from_ts AND r.ts < o.to_ts
)
SELECT s, arg_max(oid, CASE WHEN capable THEN 0 ELSE -1e12 END + ln(u01(s * 256 + oid, 'route')) / traffic) AS oid
FROM candidates GROUP BY s`;

/**
 * What happened to each request: outages fail everything, degraded hours fail more,
 * and each provider has its own background failure rate.
 */
export const REQUEST_SERVED = `
CREATE OR REPLACE TABLE g_req AS
WITH routed AS (
  SELECT r.*, m.line, m.model, m.logged_model, x.oid, hour_of(r.ts) AS h, x.oid * 100000 + hour_of(r.ts) AS ohk
  FROM g_req_family r JOIN g_session_model m USING (s) JOIN g_session_route x USING (s)
), outcome AS (
  SELECT r.*, o.provider, oh.health, o.error_rate,
    o.context_length >= r.input_tokens + r.output_tokens AS fits,
    (NOT r.need_tools OR o.has_tools) AND (NOT r.need_json OR o.has_json) AND (NOT r.need_stream OR o.has_stream) AS supports,
    u01(r.i, 'failure') AS uf,
    u01(r.i, 'error-type') AS ue
  FROM routed r
  JOIN g_offerings o ON o.oid = r.oid
  JOIN g_oh oh ON oh.ohk = r.ohk
), failed AS (
  SELECT outcome.*,
    CASE WHEN NOT fits THEN 'context_length'
         WHEN NOT supports THEN 'bad_request'
         WHEN health = 'down' THEN CASE WHEN ue < 0.6 THEN 'server' ELSE 'timeout' END
         WHEN uf < error_rate + CASE WHEN health = 'degraded' THEN getvariable('degraded_fail') ELSE 0 END
           THEN CASE WHEN ue < 0.45 THEN 'rate_limit' WHEN ue < 0.7 THEN 'timeout' ELSE 'server' END
    END AS error_type
  FROM outcome
)
SELECT i, s, ts, task, app, family, line, model, logged_model, oid, provider, h, ohk,
  input_tokens,
  -- Rejected requests produce nothing; broken ones stop part-way.
  CASE WHEN error_type IS NULL THEN output_tokens
       WHEN error_type IN ('rate_limit', 'context_length', 'bad_request') THEN 0
       ELSE floor(output_tokens * u01(i, 'partial-output'))::BIGINT END AS output_tokens,
  cached_tokens, need_tools, need_json, need_stream, error_type
FROM failed`;

/**
 * Logged timings (around the serving provider's true speed that hour), status and
 * billed cost of the served requests in \`source\`, in the order they are written.
 */
export const requestOutput = (source: string) => `
WITH priced AS (
  SELECT r.*, p.input_price, p.output_price, p.cached_input_price, u01(r.i, 'ttft') AS u_ttft, u01(r.i, 'tps') AS u_tps
  FROM ${source} r
  LEFT JOIN g_prices p ON p.provider = r.provider AND p.model = r.model AND r.ts >= p.ts AND r.ts < p.ts_to
), timed AS (
  SELECT pr.*,
    oh.ttft_true * prefill_factor(pr.input_tokens) * exp(0.25 * qnorm(pr.u_ttft)) AS ttft,
    1000.0 * pr.output_tokens / (oh.tps_true * exp(0.15 * qnorm(pr.u_tps))) AS decode_ms,
    u01(pr.i, 'error-ms') AS ue,
    u01(pr.i, 'timings-missing') < getvariable('missing_timings') AS no_timings,
    u01(pr.i, 'cost-missing') < getvariable('missing_cost') AS no_cost
  FROM priced pr JOIN g_oh oh ON oh.ohk = pr.ohk
), shaped AS (
  SELECT timed.*,
    CASE WHEN no_timings THEN NULL
         WHEN error_type IN ('rate_limit', 'context_length', 'bad_request') THEN NULL
         WHEN need_stream AND (error_type IS NULL OR output_tokens > 0) THEN ttft END AS ttft_out,
    CASE WHEN no_timings THEN NULL
         WHEN error_type = 'rate_limit' THEN 40 + 400 * ue
         WHEN error_type IN ('context_length', 'bad_request') THEN 20 + 150 * ue
         WHEN error_type = 'timeout' THEN greatest(60000, ttft + decode_ms) + 1000 * ue
         WHEN error_type = 'server' THEN ttft + decode_ms + 50 + 2000 * ue
         ELSE ttft + decode_ms END AS latency_out
  FROM timed
)
SELECT
  'req-' || lpad(lower(to_hex(h64(i, 'request-id'))), 16, '0') AS request_id,
  ts, logged_model AS model, provider, task, app, s, input_tokens, output_tokens, cached_tokens,
  round(ttft_out, 1) AS ttft_ms,
  round(latency_out, 1) AS latency_ms,
  CASE WHEN error_type IS NULL THEN 'ok' ELSE 'error' END AS status,
  error_type,
  nullif(concat_ws(',', CASE WHEN need_tools THEN 'tools' END, CASE WHEN need_json THEN 'json_schema' END,
    CASE WHEN need_stream THEN 'stream' END), '') AS features,
  CASE WHEN no_cost THEN NULL
       WHEN error_type IS NOT NULL THEN 0.0
       ELSE round((${listCostSql(tokensOf('shaped', { writes: false }), pricesOf('shaped', { writes: false }))}) / 1e6, 8) END AS cost
FROM shaped
ORDER BY ts, request_id`;

/**
 * The written requests, from the sorted parts (`files`, quoted). Session ids and the
 * currency are added on the way out: rows that carry a number instead of a string, and no
 * constant, keep the parts' sorts narrow.
 */
export const requestsView = (files: readonly string[]) => `
CREATE OR REPLACE VIEW o_requests AS
SELECT * EXCLUDE (s), 'ses-' || lpad(lower(to_hex(h64(s, 'session-id'))), 16, '0') AS session,
  getvariable('currency') AS currency
FROM read_parquet([${files.join(', ')}])`;

export const LATENCY_OUTPUT = `
CREATE OR REPLACE VIEW o_latency AS
SELECT ts, provider, model,
  round(ttft_raw, 1) AS ttft_ms,
  round(tps_raw, 2) AS tps,
  round(CASE WHEN ok THEN ttft_raw + 1000.0 * getvariable('meas_output') / tps_raw ELSE failed_latency_ms END, 1) AS latency_ms,
  ok, error_type, input_tokens
FROM g_lat`;

export const OFFERINGS_OUTPUT = `
CREATE OR REPLACE TABLE o_offerings AS
SELECT provider, model, official, listed_from, listed_to, context_length, max_output_tokens, features, quantization
FROM g_offerings`;

export const PRICES_OUTPUT = `
CREATE OR REPLACE TABLE o_prices AS
SELECT ts, provider, model, input_price, output_price, cached_input_price, getvariable('currency') AS currency
FROM g_prices`;

/** A few probes per offering and feature; they pass exactly when the offering lists the feature. */
export const PROBES_OUTPUT = `
CREATE OR REPLACE TABLE o_probes AS
WITH p AS (
  SELECT o.provider, o.model, o.features, o.unsupported_code, o.unsupported_message, o.to_ms, f.feature,
    o.from_ms + d.day * 86400000
      + floor(u01(o.oid * 1000 + d.day * 10 + f.k, 'probe-time') * 20 * 3600000)::BIGINT AS ts_ms
  FROM g_offerings o
  CROSS JOIN g_probe_days d
  CROSS JOIN (VALUES (0, 'tools'), (1, 'json_schema'), (2, 'stream')) AS f(k, feature)
)
SELECT epoch_ms(ts_ms) AS ts, provider, model, feature,
  list_contains(string_split(features, ','), feature) AS passed,
  CASE WHEN NOT list_contains(string_split(features, ','), feature) THEN unsupported_code END AS error_code,
  CASE WHEN NOT list_contains(string_split(features, ','), feature)
       THEN replace(unsupported_message, '{feature}', feature) END AS error_message
FROM p
WHERE ts_ms < to_ms`;

export const CATALOG_OUTPUT = `
CREATE OR REPLACE TABLE o_catalog AS
SELECT alias, model, family, line, release_date FROM g_catalog`;

/** Output tables and the order their rows are written in. */
export const OUTPUT_ORDER: Record<string, string> = {
  requests: 'ts, request_id',
  offerings: 'model, provider',
  prices: 'ts, provider, model',
  latency: 'ts, provider, model',
  probes: 'ts, provider, model, feature',
  catalog: 'family, line, model, alias',
};
