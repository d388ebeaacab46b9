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
  // Inverse of the standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9), given
  // q = p - 0.5 and r = q * q. A macro repeats an argument's expression wherever it appears: callers on many
  // rows pass these as columns (see centred), computed once.
  `CREATE OR REPLACE MACRO qnorm_at(p, q, r) AS
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
            (((((-3.969683028665376e+01 * r + 2.209460984245205e+02) * r
              - 2.759285104469687e+02) * r + 1.383577518672690e+02) * r
              - 3.066479806614716e+01) * r + 2.506628277459239e+00) * q
            / (((((-5.447609879822406e+01 * r + 1.615858368580409e+02) * r
              - 1.556989798598866e+02) * r + 6.680131188771972e+01) * r
              - 1.328068155288572e+01) * r + 1)
     END`,
  `CREATE OR REPLACE MACRO qnorm(p) AS qnorm_at(p, p - 0.5, (p - 0.5) * (p - 0.5))`,
  // A standard normal draw by inverse-CDF sampling.
  `CREATE OR REPLACE MACRO nrm(k, salt) AS qnorm(u01(k, salt))`,
  `CREATE OR REPLACE MACRO hour_of(ts) AS (epoch_ms(ts) - getvariable('t0_ms')::BIGINT) // 3600000`,
  // Positions of the highest and of the lowest set bit of x > 0 (exact for the 33-bit words of the session blocks).
  `CREATE OR REPLACE MACRO high_bit(x) AS floor(log2(x))::BIGINT`,
  `CREATE OR REPLACE MACRO low_bit(x) AS floor(log2(x & -x))::BIGINT`,
  // Time from the previous request of a session to request k (ms), log-uniform.
  `CREATE OR REPLACE MACRO session_gap_ms(k) AS
     floor(getvariable('gap_min_ms') * pow(getvariable('gap_max_ms') / getvariable('gap_min_ms'), u01(k, 'session-gap')))::BIGINT`,
  // Prompt length slows the first token a little: 1.0 at 1k tokens, 1.6 at 16k.
  `CREATE OR REPLACE MACRO prefill_factor(input_tokens) AS 0.8 + 0.2 * sqrt(input_tokens / 1000.0)`,
];

/** Columns u_q = u - 0.5 and u_r = u_q² of the uniform draw column `u`, which qnorm_at takes besides u. */
const centred = (u: string) => `${u} - 0.5 AS ${u}_q, (${u} - 0.5) * (${u} - 0.5) AS ${u}_r`;

/** The standard normal draw from the uniform draw column `u` (table-qualified or not), given its centred columns. */
const normal = (u: string) => `qnorm_at(${u}, ${u}_q, ${u}_r)`;

/**
 * Upper ends of the plan's lookup intervals. Lookups join on lo <= x < hi, which DuckDB
 * streams against the small plan table; an ASOF join would sort all requests first. Tasks,
 * apps and spellings are numbered too: requests carry the numbers, named when written.
 */
export const INTERVALS = [
  `CREATE OR REPLACE TABLE g_tasks AS
   SELECT *, coalesce(lead(lo) OVER (ORDER BY lo), 'infinity') AS hi, row_number() OVER (ORDER BY lo) AS task_id
   FROM g_tasks`,
  `CREATE OR REPLACE TABLE g_apps AS
   SELECT *, coalesce(lead(lo) OVER (PARTITION BY task ORDER BY lo), 'infinity') AS hi,
     row_number() OVER (ORDER BY task, lo) AS app_id
   FROM g_apps`,
  `CREATE OR REPLACE TABLE g_bands AS
   SELECT *, coalesce(lead(lo) OVER (ORDER BY lo), 'infinity') AS hi FROM g_bands`,
  `CREATE OR REPLACE TABLE g_caps AS
   SELECT *, coalesce(lead(from_ts) OVER (ORDER BY from_ts), 'infinity') AS to_ts FROM g_caps`,
  `CREATE OR REPLACE TABLE g_epochs AS
   SELECT *, coalesce(lead(epoch_from) OVER (PARTITION BY line ORDER BY epoch_from), 'infinity') AS epoch_to FROM g_epochs`,
  `CREATE OR REPLACE TABLE g_epoch_older AS
   SELECT *, coalesce(lead(lo) OVER (PARTITION BY line, epoch_from ORDER BY lo), 'infinity') AS hi FROM g_epoch_older`,
  `CREATE OR REPLACE TABLE g_alias AS
   SELECT *, coalesce(lead(lo) OVER (PARTITION BY model ORDER BY lo), 'infinity') AS hi,
     row_number() OVER (ORDER BY model, lo) AS alias_id
   FROM g_alias`,
  // Prices also by offering number (an offering is one provider's listing of one model).
  `CREATE OR REPLACE TABLE g_prices AS
   SELECT p.*, coalesce(lead(p.ts) OVER (PARTITION BY p.provider, p.model ORDER BY p.ts), 'infinity') AS ts_to, o.oid
   FROM g_prices p LEFT JOIN g_offerings o USING (provider, model)`,
];

/**
 * A draw in [0, 1) finds its task through BINS equal bins: each task under every bin its
 * interval overlaps, so that the lookup is an equality join on the bin (checking lo <= x < hi
 * still), not a range join, which sorts its input.
 */
const BINS = 64;

/** The task bins, and the lists the written requests look their names up in by number (provider: by offering number + 1). */
export const LOOKUPS = [
  `CREATE OR REPLACE TABLE g_task_bins AS
   SELECT b.bin, t.* FROM g_tasks t, range(${BINS}) AS b(bin)
   WHERE t.lo < (b.bin + 1) / ${BINS} AND t.hi > b.bin / ${BINS}`,
  `SET VARIABLE task_names = (SELECT list(task ORDER BY task_id) FROM g_tasks)`,
  `SET VARIABLE app_names = (SELECT list(app ORDER BY app_id) FROM g_apps)`,
  `SET VARIABLE alias_names = (SELECT list(alias ORDER BY alias_id) FROM g_alias)`,
  `SET VARIABLE provider_names = (SELECT list(provider ORDER BY oid) FROM g_offerings)`,
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
         WHEN ue < 0.4 THEN 'rate_limit' WHEN ue < 0.7 THEN 'timeout' ELSE 'server' END AS error_type,
    ${centred('u_ttft')}, ${centred('u_tps')}
  FROM judged
)
SELECT ts, provider, model, oid, h, input_tokens, NOT failed AS ok, error_type,
  CASE WHEN failed THEN NULL
       ELSE ttft_true * prefill_factor(input_tokens) * exp(0.2 * ${normal('u_ttft')}) END AS ttft_raw,
  CASE WHEN failed THEN NULL ELSE tps_true * exp(0.1 * ${normal('u_tps')}) END AS tps_raw,
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

/** Bins of the family key (in [0, 1)) over which its bands are cut and looked up. */
const KEY_BINS = 4096;

/**
 * Request numbers from chunk_lo to chunk_hi with their session: its first request number s
 * and the number s_end after its last. The numbers come from a table (g_numbers: 0 up to the
 * chunk size), which DuckDB scans on every thread, where range() is read by one.
 */
const MEMBERS = `
WITH numbers AS (
  SELECT getvariable('chunk_lo')::BIGINT + n AS i FROM g_numbers
  WHERE n < getvariable('chunk_hi')::BIGINT - getvariable('chunk_lo')::BIGINT
), words AS (
  SELECT i, i % ${SESSION_BLOCK} AS k, h64(i // ${SESSION_BLOCK}, 'session-a') AS a, h64(i // ${SESSION_BLOCK}, 'session-b') AS b
  FROM numbers
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
)`;

/** Session s's place x in [0, 1) in the quarter (demand growing over it), and the UTC midnight of its day. */
const DAY_DRAW = `(sqrt(1 + getvariable('growth') * (2 + getvariable('growth')) * u01(s, 'day')) - 1) / getvariable('growth')`;
const DAY_MS = `getvariable('t0_ms')::BIGINT + least(floor(x * getvariable('days')), getvariable('days') - 1)::BIGINT * 86400000`;

/** Lognormal token counts by inverse-CDF sampling of the draws u_input and u_output, with the task's parameters. */
const TOKENS = `
  least(in_max, greatest(1, round(exp(ln(in_med) + in_sig * ${normal('u_input')}))))::BIGINT AS input_tokens,
  least(out_max, greatest(1, round(exp(ln(out_med) + out_sig * ${normal('u_output')}))))::BIGINT AS output_tokens`;

/**
 * Every request of the chunk (numbers chunk_lo to chunk_hi) with its session (s to s_end), the
 * session's family key (its place in the order the family bands are cut from) and key bin, and
 * its tokens: what the bands are cut from, kept (a query, written to a file) for building the
 * requests themselves.
 */
export const REQUEST_TOKENS = `
${MEMBERS}, drawn AS (
  SELECT i, s, s_end, ${DAY_DRAW} AS x, u01(s, 'task') AS ut FROM members
), tasked AS (
  SELECT d.i, d.s, d.s_end, d.x, k.in_med, k.in_sig, k.in_max, k.out_med, k.out_sig, k.out_max,
    u01(d.i, 'input') AS u_input, u01(d.i, 'output') AS u_output
  FROM drawn d JOIN g_task_bins k ON k.bin = floor(d.ut * ${BINS})::BIGINT AND d.ut >= k.lo AND d.ut < k.hi
), dated AS (
  SELECT tasked.* EXCLUDE (x), ${DAY_MS} AS day_ms FROM tasked
), capped AS (
  -- Sessions started before a late family exists get keys below its band (its day's: caps change at midnights).
  -- Joined last: DuckDB guesses few rows out of this join, and would build the task lookup on the requests.
  SELECT d.*, u01(d.s, 'family') * c.cap AS fkey
  FROM dated d JOIN g_caps c ON epoch_ms(d.day_ms) >= c.from_ts AND epoch_ms(d.day_ms) < c.to_ts
), centred AS (
  SELECT capped.*, ${centred('u_input')}, ${centred('u_output')} FROM capped
)
SELECT i, s, s_end, fkey, floor(fkey * ${KEY_BINS})::BIGINT AS bin, ${TOKENS}
FROM centred`;

/** The tokens per key bin of a chunk's token file (`file`, quoted), added up over the chunks in g_key_sums. */
export const KEY_SUMS = 'CREATE OR REPLACE TABLE g_key_sums (bin BIGINT, tok HUGEINT)';
export const keySums = (file: string) =>
  `INSERT INTO g_key_sums SELECT bin, sum(input_tokens + output_tokens) FROM read_parquet(${file}) GROUP BY bin`;

/**
 * Families by construction: sessions in a random order (by key), each family taking
 * the next band of cumulative tokens, so token shares match the plan up to one
 * session. Only the first session of each band is kept: the bands are then ranges of
 * the (key, session) order, and a request's family needs nothing but its session's key.
 *
 * The cumulative tokens are not summed over all requests in key order (a sort of them all):
 * g_key_sums has the tokens per key bin (KEY_BINS, in key order), and only the requests of the
 * bins where a band starts are read back from the chunks' token files (`files`, quoted) and
 * sorted, their cumulative tokens being those of the bins before plus their own bin's up to
 * them. A band's first request lies in such a bin: its bin's tokens reach the band's start, and
 * those before the bin fall short of it by less than one request's tokens.
 */
export const familyBounds = (files: readonly string[]) => [
  `CREATE OR REPLACE TABLE g_key_bins AS
   WITH bins AS (SELECT bin, sum(tok) AS tok FROM g_key_sums GROUP BY bin)
   SELECT bin, tok, sum(tok) OVER (ORDER BY bin) - tok AS before, sum(tok) OVER () AS total FROM bins`,
  `SET VARIABLE band_start_bins = (
     SELECT list(DISTINCT k.bin) FROM g_key_bins k, g_bands b
     WHERE k.before <= b.lo * k.total + (SELECT max(in_max + out_max) FROM g_tasks)
       AND k.before + k.tok >= b.lo * k.total - (SELECT max(in_max + out_max) FROM g_tasks))`,
  `CREATE OR REPLACE TABLE g_fbounds AS
   WITH near AS (
     SELECT i, s, fkey, bin, input_tokens + output_tokens AS tok FROM read_parquet([${files.join(', ')}])
     WHERE list_contains(getvariable('band_start_bins'), bin)
   ), placed AS (
     SELECT r.i, r.s, r.fkey,
       (k.before + sum(r.tok) OVER (PARTITION BY k.bin ORDER BY r.fkey, r.i ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
         - r.tok / 2.0) / k.total AS fpos
     FROM near r JOIN g_key_bins k USING (bin)
   ), firsts AS (
     SELECT b.family, b.avail_ts, min({'k': p.fkey, 'i': p.s}) AS key_from
     FROM placed p JOIN g_bands b ON p.fpos >= b.lo AND p.fpos < b.hi
     GROUP BY ALL
   )
   SELECT family, avail_ts, key_from,
     coalesce(lead(key_from) OVER (ORDER BY key_from), {'k': 'infinity'::DOUBLE, 'i': 0::BIGINT}) AS key_to,
     -- Where requests made before their band's family exists go (a scalar subquery per request would cost a cross join).
     (SELECT family FROM g_bands ORDER BY lo LIMIT 1) AS first_family
   FROM firsts`,
  // Each band under every key bin it overlaps, for an equality join on the bin.
  `CREATE OR REPLACE TABLE g_fbound_bins AS
   SELECT b.bin, f.* FROM g_fbounds f, range(${KEY_BINS}) AS b(bin)
   WHERE f.key_from.k < (b.bin + 1) / ${KEY_BINS} AND f.key_to.k >= b.bin / ${KEY_BINS}`,
];

/**
 * The sessions that start in the current chunk (numbers chunk_lo to chunk_hi): time (demand
 * growing over the quarter, a diurnal cycle), task, app, family and the features needed (one
 * app integration: the same for the whole session), all drawn for the first request (number
 * s), so that each request is distributed like a random one, and the gaps after which its
 * other requests follow. A session ends before the UTC midnight after its start, so that
 * listings, versions and prices, which change at midnights, hold for all of it. The chunk's
 * requests with their session, family key and tokens are in g_chunk_tok (see REQUEST_TOKENS), the
 * first requests in g_chunk_heads.
 */
export const SESSIONS = `
CREATE OR REPLACE TABLE g_sessions AS
WITH banded AS (
  -- The family band first, on the table itself: the join then builds on the small side.
  SELECT h.s, h.s_end, h.input_tokens, h.output_tokens, f.family, f.avail_ts, f.first_family
  FROM g_chunk_heads h
  JOIN g_fbound_bins f ON f.bin = floor(h.fkey * ${KEY_BINS})::BIGINT
    AND {'k': h.fkey, 'i': h.s} >= f.key_from AND {'k': h.fkey, 'i': h.s} < f.key_to
), b AS (
  SELECT s, s_end, input_tokens, output_tokens, family, avail_ts, first_family,
    ${DAY_DRAW} AS x, u01(s, 'time-of-day') AS v, u01(s, 'task') AS ut, u01(s, 'app') AS ua
  FROM banded
), t AS (
  SELECT s, s_end, input_tokens, output_tokens, family, avail_ts, first_family, ut, ua, ${DAY_MS} AS day_ms,
    -- A monotone warp of the time of day: arrival density peaks at peak_hour.
    v - getvariable('diurnal') / (2 * pi()) * sin(2 * pi() * (v - getvariable('peak_hour') / 24.0)) AS f
  FROM b
), tasked AS (
  SELECT t.*, k.task_id, k.task, k.p_stream, k.p_tools, k.p_json, k.cache_p, k.cache_lo, k.cache_hi
  FROM t JOIN g_task_bins k ON k.bin = floor(t.ut * ${BINS})::BIGINT AND t.ut >= k.lo AND t.ut < k.hi
), gapped AS (
  SELECT tasked.*, list_transform(range(s + 1, s_end), j -> session_gap_ms(j)) AS gaps FROM tasked
), started AS (
  -- Early enough to end before midnight.
  SELECT gapped.*,
    least(day_ms + floor((f - floor(f)) * 86400000)::BIGINT, day_ms + 86400000 - 1 - coalesce(list_sum(gaps), 0)::BIGINT) AS start_ms
  FROM gapped
)
SELECT r.s, r.start_ms, epoch_ms(r.start_ms) AS session_ts, r.gaps, r.task_id, r.task, a.app_id,
  r.cache_p, r.cache_lo, r.cache_hi, r.input_tokens, r.output_tokens,
  u01(r.s, 'needs-tools') < r.p_tools AS need_tools,
  u01(r.s, 'needs-json') < r.p_json AS need_json,
  u01(r.s, 'needs-stream') < r.p_stream AS need_stream,
  CASE WHEN r.avail_ts <= epoch_ms(r.start_ms) THEN r.family ELSE r.first_family END AS family
FROM started r
JOIN g_apps a ON a.task = r.task AND r.ua >= a.lo AND r.ua < a.hi`;

/**
 * The model of each session, drawn for its first request (number s, at the session's
 * start, kept with the tokens and features its route depends on): line within the family
 * (weighted by task, among lines already released), then the version within the line
 * (newest, or an older one with the decaying superseded share), then the spelling the
 * log uses.
 */
export const SESSION_MODEL = [
  // The line on its own: a table's size is known when the joins after it are planned, a grouping's is guessed.
  `CREATE OR REPLACE TABLE g_session_line AS
   SELECT r.s, arg_max(w.line, ln(u01(r.s * 64 + w.line_id, 'line')) / w.weight) AS line
   FROM g_sessions r
   JOIN g_line_weights w ON w.family = r.family AND w.task = r.task AND w.avail_ts <= r.session_ts AND w.weight > 0
   GROUP BY r.s`,
  `CREATE OR REPLACE TABLE g_session_model AS
   WITH lined AS (
     SELECT g.s AS i, g.session_ts AS ts, g.input_tokens, g.output_tokens, g.need_tools, g.need_json, g.need_stream, l.line
     FROM g_sessions g JOIN g_session_line l USING (s)
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
     v.model, a.alias_id
   FROM versioned v JOIN g_alias a ON a.model = v.model AND v.ual >= a.lo AND v.ual < a.hi`,
];

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
 * The requests of the chunk's sessions and what happened to each: each follows the one before
 * by a session gap, with its own token counts (from g_chunk_tok) and cached prompt tokens (later turns reuse the
 * session's prefix); outages fail everything, degraded hours fail more, and each provider has
 * its own background failure rate. Text goes as numbers (offering, spelling, task, app), named
 * when the requests are written. A query: the chunk's served requests go straight to files.
 */
export const REQUEST_SERVED = `
WITH routed AS (
  SELECT g.s, g.start_ms, g.gaps, g.task_id, g.app_id, g.cache_p, g.cache_lo, g.cache_hi,
    g.need_tools, g.need_json, g.need_stream, m.alias_id, x.oid,
    o.error_rate, o.context_length, o.has_tools, o.has_json, o.has_stream
  FROM g_sessions g JOIN g_session_model m USING (s) JOIN g_session_route x USING (s) JOIN g_offerings o ON o.oid = x.oid
), drawn AS (
  SELECT r.i, g.* EXCLUDE (gaps, start_ms),
    epoch_ms(g.start_ms + coalesce(list_sum(g.gaps[1:r.i - g.s]), 0)::BIGINT) AS ts, r.input_tokens, r.output_tokens
  FROM g_chunk_tok r JOIN routed g USING (s)
), outcome AS (
  SELECT d.*, oh.health,
    CASE WHEN d.i > d.s AND u01(d.i, 'cache') < d.cache_p
         THEN floor(d.input_tokens * (d.cache_lo + (d.cache_hi - d.cache_lo) * u01(d.i, 'cache-fraction')))::BIGINT
         ELSE 0 END AS cached_tokens,
    d.context_length >= d.input_tokens + d.output_tokens AS fits,
    (NOT d.need_tools OR d.has_tools) AND (NOT d.need_json OR d.has_json) AND (NOT d.need_stream OR d.has_stream) AS supports,
    u01(d.i, 'failure') AS uf,
    u01(d.i, 'error-type') AS ue
  FROM drawn d
  JOIN g_oh oh ON oh.ohk = d.oid * 100000 + hour_of(d.ts)
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
SELECT i, s, ts, oid, alias_id, task_id, app_id, input_tokens,
  -- Rejected requests produce nothing; broken ones stop part-way.
  CASE WHEN error_type IS NULL THEN output_tokens
       WHEN error_type IN ('rate_limit', 'context_length', 'bad_request') THEN 0
       ELSE floor(output_tokens * u01(i, 'partial-output'))::BIGINT END AS output_tokens,
  cached_tokens, need_tools, need_json, need_stream, error_type
FROM failed`;

/**
 * Logged timings (around the serving provider's true speed that hour), status and
 * billed cost of the served requests in \`source\`, in the order they are written: by time,
 * then request id (the hash the id spells in fixed-width hex).
 */
export const requestOutput = (source: string) => `
WITH priced AS (
  SELECT r.*, p.input_price, p.output_price, p.cached_input_price, u01(r.i, 'ttft') AS u_ttft, u01(r.i, 'tps') AS u_tps
  FROM ${source} r
  LEFT JOIN g_prices p ON p.oid = r.oid AND r.ts >= p.ts AND r.ts < p.ts_to
), timed AS (
  SELECT pr.*,
    oh.ttft_true * prefill_factor(pr.input_tokens) * exp(0.25 * ${normal('pr.u_ttft')}) AS ttft,
    1000.0 * pr.output_tokens / (oh.tps_true * exp(0.15 * ${normal('pr.u_tps')})) AS decode_ms,
    u01(pr.i, 'error-ms') AS ue,
    u01(pr.i, 'timings-missing') < getvariable('missing_timings') AS no_timings,
    u01(pr.i, 'cost-missing') < getvariable('missing_cost') AS no_cost
  FROM (SELECT priced.*, ${centred('u_ttft')}, ${centred('u_tps')} FROM priced) pr
  JOIN g_oh oh ON oh.ohk = pr.oid * 100000 + hour_of(pr.ts)
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
SELECT i, s, ts, alias_id, oid, task_id, app_id, input_tokens, output_tokens, cached_tokens,
  round(ttft_out, 1) AS ttft_ms,
  round(latency_out, 1) AS latency_ms,
  error_type, need_tools, need_json, need_stream,
  CASE WHEN no_cost THEN NULL
       WHEN error_type IS NOT NULL THEN 0.0
       ELSE round((${listCostSql(tokensOf('shaped', { writes: false }), pricesOf('shaped', { writes: false }))}) / 1e6, 8) END AS cost
FROM shaped
ORDER BY ts, h64(i, 'request-id')`;

/**
 * The written requests, from the sorted parts (`files`, quoted). Ids (a hash in fixed-width hex),
 * names, features and the currency are spelled out on the way out (names by number from the lists
 * LOOKUPS sets), so that the parts and their sorts carry numbers rather than text.
 */
export const requestsView = (files: readonly string[]) => `
CREATE OR REPLACE VIEW o_requests AS
SELECT printf('req-%016x', h64(i, 'request-id')) AS request_id,
  ts,
  getvariable('alias_names')[alias_id] AS model,
  getvariable('provider_names')[oid + 1] AS provider,
  getvariable('task_names')[task_id] AS task,
  getvariable('app_names')[app_id] AS app,
  input_tokens, output_tokens, cached_tokens, ttft_ms, latency_ms,
  CASE WHEN error_type IS NULL THEN 'ok' ELSE 'error' END AS status,
  error_type,
  nullif(concat_ws(',', CASE WHEN need_tools THEN 'tools' END, CASE WHEN need_json THEN 'json_schema' END,
    CASE WHEN need_stream THEN 'stream' END), '') AS features,
  cost,
  printf('ses-%016x', h64(s, 'session-id')) AS session,
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
