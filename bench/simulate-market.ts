/**
 * The simulate benchmark's database, made in SQL at scale: two models, each
 * offered by the same eight providers (one of them official), 92 days of hourly
 * latency probes with failures and a few outages, a few price changes per
 * provider, and N requests with tasks, needed features and sessions whose
 * requests reuse a cached share of their prompt (cache chains).
 */
import { Store } from '../src/store/db.js';

export const BENCH_PROVIDERS = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8'];
export const BENCH_MODELS = ['DeepSeek-V3.2', 'Qwen3-32B'];
/** 2025-10-01 .. 2025-12-31 */
const DAYS = 92;

/** A constant list as SQL: these names are fixed here, never user input. */
const list = (xs: string[]) => `[${xs.map((x) => `'${x}'`).join(', ')}]`;

export async function buildSimulateBenchDb(file: string, requests: number): Promise<void> {
  const store = await Store.open(file);
  try {
    await buildSimulateBenchMarket(store);
    await store.run(`INSERT INTO requests BY NAME ${benchRequestsSql(0, requests)}`);
  } finally {
    store.close();
  }
}

/** The market of the simulate benchmark: offerings, price snapshots and latency probes. */
export async function buildSimulateBenchMarket(store: Store): Promise<void> {
  // p1 is official; context 32k or 128k; p3 and p7 lack tools
  await store.run(
    `INSERT INTO offerings (provider, model, official, context_length, features)
       SELECT p, m, p = 'p1', CASE WHEN i % 3 = 0 THEN 32768 ELSE 131072 END,
         CASE WHEN i IN (3, 7) THEN 'stream,json_schema' ELSE 'stream,tools,json_schema' END
       FROM (SELECT unnest(${list(BENCH_PROVIDERS)}) AS p, generate_subscripts(${list(BENCH_PROVIDERS)}, 1) AS i), (SELECT unnest(${list(BENCH_MODELS)}) AS m)`,
  );
  // three price snapshots per offering: at the start, day 30 and day 61; the official p1 among the dearer;
  // p2, p4, p6 and p8 discount cached input, the others charge a quarter more for writing a prompt to the cache
  await store.run(
    `INSERT INTO prices (ts, provider, model, input_price, output_price, cached_input_price, cache_write_price,
         currency)
       SELECT TIMESTAMP '2025-10-01' + INTERVAL 1 DAY * d, p, m,
         (1 + (i + 3) % 8 * 0.15 + j * 0.5) * (1 - d / 400), (2 + i * 3 % 8 * 0.2 + j) * (1 - d / 300),
         CASE WHEN i % 2 = 0 THEN (1 + (i + 3) % 8 * 0.15 + j * 0.5) / 4 END,
         CASE WHEN i % 2 = 1 THEN (1 + (i + 3) % 8 * 0.15 + j * 0.5) * (1 - d / 400) * 1.25 END, 'CNY'
       FROM (SELECT unnest(${list(BENCH_PROVIDERS)}) AS p, generate_subscripts(${list(BENCH_PROVIDERS)}, 1) AS i),
         (SELECT unnest(${list(BENCH_MODELS)}) AS m, generate_subscripts(${list(BENCH_MODELS)}, 1) AS j), (SELECT unnest([0, 30, 61]) AS d)`,
  );
  // 6 probes per provider, model and hour; about 3% fail, and each provider has a 10-hour outage
  await store.run(
    `INSERT INTO latency (ts, provider, model, ttft_ms, tps, ok)
       WITH x AS (
         SELECT p, i, m, j, h, k, hash(i, j, h, k) % 1000 AS u
         FROM (SELECT unnest(${list(BENCH_PROVIDERS)}) AS p, generate_subscripts(${list(BENCH_PROVIDERS)}, 1) AS i),
           (SELECT unnest(${list(BENCH_MODELS)}) AS m, generate_subscripts(${list(BENCH_MODELS)}, 1) AS j),
           range(${DAYS * 24}) t(h), range(6) s(k)
       ), y AS (SELECT *, u < 30 OR h BETWEEN 200 * i AND 200 * i + 9 AS failed FROM x)
       SELECT TIMESTAMP '2025-10-01' + INTERVAL 1 HOUR * h + INTERVAL 10 MINUTE * k, p, m,
         CASE WHEN NOT failed THEN 300 + 60 * i + (u % 200) + 100 * sin(h / 24.0 + i) END,
         CASE WHEN NOT failed THEN 40 + 9 * ((i * 5 + h // 24) % 8) + (u % 20) END, NOT failed
       FROM y`,
  );
}

/**
 * Requests number `from` to `to` (excluded) of the benchmark's log: sessions of 1, 2 and 5 requests in each
 * block of 8, a block on one model and one provider (the observed one); a session's requests 0–300 s apart,
 * one gap in 7 beyond the 5-minute cache TTL (a new chain); most follow-ups reuse 30–89% of their prompt from
 * the cache, a first request at most a short prefix. Any range of numbers gives the same rows as the whole.
 */
export function benchRequestsSql(from: number, to: number): string {
  const gap = (i: string) => `CASE WHEN ${i} % 7 = 3 THEN 301 + (${i} * 13) % 1200 ELSE (${i} * 41) % 301 END`;
  return `
    WITH block AS (
      SELECT i, i // 8 AS b, CASE WHEN i % 8 < 1 THEN 0 WHEN i % 8 < 3 THEN 1 ELSE 2 END AS k,
        100 + (i * 31) % 40000 AS input_tokens
      FROM range(${from}, ${to}) t(i)
    ), session AS (
      SELECT *, 3 * b + k AS s, i % 8 - [0, 1, 3][1 + k] AS j FROM block
    )
    SELECT 'r' || i AS request_id,
      TIMESTAMP '2025-10-01' + INTERVAL 1 SECOND * (s * 7919 % ${DAYS * 86_400 - 7200}
        + coalesce(list_sum(list_transform(range(j), m -> ${gap('(i - m)')})), 0)) AS ts,
      ${list(BENCH_MODELS)}[1 + b % 2] AS model, ${list(BENCH_PROVIDERS)}[1 + (b // 2) % 8] AS provider,
      ['code', 'chat', 'doc-analysis', 'agent', 'reasoning'][1 + (i // 3) % 5] AS task, 's' || s AS session,
      input_tokens, 10 + (i * 17) % 4000 AS output_tokens,
      CASE WHEN j > 0 AND i % 5 <> 0 THEN input_tokens * (30 + (i * 13) % 60) // 100
        WHEN i % 4 = 0 THEN (i * 13) % 100 END AS cached_tokens,
      200 + (i * 7) % 3000 AS ttft_ms, 4000 + (i * 11) % 60000 AS latency_ms,
      CASE WHEN i % 60 = 0 THEN 'error' ELSE 'ok' END AS status, CASE WHEN i % 10 = 0 THEN 'tools,stream' END AS features,
      'CNY' AS currency
    FROM session`;
}
