/**
 * Test support: generate a market once into a temporary folder and query the written
 * files with SQL, without going through the generator's own code.
 */
import { quotedString } from '@duckdb/node-api';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generate, type GenerateResult } from '../../src/commands/generate.js';
import { Store } from '../../src/store/db.js';

export const TABLE_NAMES = ['requests', 'offerings', 'prices', 'latency', 'probes', 'catalog'] as const;

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `ai-ping-${prefix}-`));
}

export async function generateInto(
  prefix: string,
  requests: number,
  seed: number,
  dataFormat: 'parquet' | 'csv' = 'parquet',
): Promise<GenerateResult> {
  return generate({ dir: tempDir(prefix), requests, seed, dataFormat });
}

/** An in-memory database with one view per written table. */
export async function openWritten(dir: string, format: 'parquet' | 'csv' = 'parquet'): Promise<Store> {
  const store = await Store.open(':memory:', { init: false });
  for (const t of TABLE_NAMES) {
    const file = quotedString(path.join(dir, `${t}.${format}`));
    const reader = format === 'parquet' ? `read_parquet(${file})` : `read_csv(${file}, header = true)`;
    await store.run(`CREATE VIEW ${t} AS SELECT * FROM ${reader}`);
  }
  return store;
}

export function fileHash(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Reference hindsight replay of one model against its official endpoint, straight
 * from the semantics of the spec: 1 h UTC windows; state = median TPS over ok rows
 * and ok/all success rate of the window's latency rows, carried forward at most 24 h
 * (TPS from the last window with ok rows); price in force = latest snapshot ≤ t;
 * feasible = listed (or priced) at t, context ≥ input + output, every needed feature,
 * state present, success ≥ 0.9. Every logged request is replayed.
 */
export async function referenceReplay(
  store: Store,
  model: string,
): Promise<{ compared: number; excluded: number; savingsPct: number; throughputGainPct: number }> {
  await store.run(
    `CREATE OR REPLACE TEMP TABLE ref_requests AS
     SELECT r.request_id, r.ts, date_trunc('hour', r.ts) AS w,
       r.input_tokens AS input, r.output_tokens AS output, coalesce(r.cached_tokens, 0) AS cached,
       coalesce(string_split(r.features, ','), []::VARCHAR[]) AS needs
     FROM requests r JOIN catalog c ON c.alias = r.model
     WHERE c.model = $1`,
    [model],
  );
  await store.run(
    `CREATE OR REPLACE TEMP TABLE ref_measured AS
     SELECT provider, date_trunc('hour', ts) AS w,
       count(*) FILTER (WHERE ok)::DOUBLE / count(*) AS success,
       quantile_cont(tps, 0.5) FILTER (WHERE ok) AS tps
     FROM latency WHERE model = $1
     GROUP BY ALL`,
    [model],
  );
  // Every hour of the quarter for every provider of the model, with the last measured state.
  await store.run(
    `CREATE OR REPLACE TEMP TABLE ref_state AS
     WITH grid AS (
       SELECT o.provider, TIMESTAMP '2025-10-01 00:00:00' + to_hours(g.k) AS w
       FROM offerings o, range(92 * 24) AS g(k)
       WHERE o.model = $1
     ), joined AS (
       SELECT g.provider, g.w, m.w AS measured_w, m.success, m.tps
       FROM grid g LEFT JOIN ref_measured m ON m.provider = g.provider AND m.w = g.w
     ), filled AS (
       SELECT provider, w,
         last_value(measured_w IGNORE NULLS) OVER win AS last_w,
         last_value(success IGNORE NULLS) OVER win AS success,
         last_value(tps IGNORE NULLS) OVER win AS tps
       FROM joined
       WINDOW win AS (PARTITION BY provider ORDER BY w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
     )
     SELECT * FROM filled WHERE last_w IS NOT NULL AND w - last_w <= INTERVAL 24 HOUR`,
    [model],
  );
  await store.run(
    `CREATE OR REPLACE TEMP TABLE ref_options AS
     WITH pairs AS (
       SELECT r.*, o.provider, o.official, o.listed_from, o.listed_to, o.context_length,
         string_split(o.features, ',') AS offered,
         (SELECT arg_max({'i': p.input_price, 'o': p.output_price, 'c': p.cached_input_price}, p.ts)
            FROM prices p WHERE p.provider = o.provider AND p.model = $1 AND p.ts <= r.ts) AS price
       FROM ref_requests r CROSS JOIN offerings o
       WHERE o.model = $1
     )
     SELECT p.request_id, p.provider, p.official, s.tps,
       ((p.input - p.cached) * p.price.i + p.cached * coalesce(p.price.c, p.price.i) + p.output * p.price.o) / 1e6 AS cost
     FROM pairs p JOIN ref_state s ON s.provider = p.provider AND s.w = p.w
     WHERE ((p.listed_from IS NULL OR p.listed_from <= p.ts) AND (p.listed_to IS NULL OR p.ts < p.listed_to)
            OR p.price IS NOT NULL)
       AND p.context_length >= p.input + p.output
       AND list_has_all(p.offered, p.needs)
       AND s.success >= 0.9`,
    [model],
  );
  const row = await store.one<{
    total: number;
    compared: number;
    base_cost: number;
    cost_policy: number;
    base_tps: number;
    tps_policy: number;
  }>(
    `WITH ranked AS (
       SELECT *,
         row_number() OVER (PARTITION BY request_id ORDER BY cost, tps DESC, provider) AS cost_rank,
         row_number() OVER (PARTITION BY request_id ORDER BY tps DESC, cost, provider) AS tps_rank
       FROM ref_options
     ), baseline AS (SELECT request_id, cost, tps FROM ref_options WHERE official),
     by_cost AS (SELECT request_id, cost FROM ranked WHERE cost_rank = 1),
     by_tps AS (SELECT request_id, tps FROM ranked WHERE tps_rank = 1)
     SELECT (SELECT count(*) FROM ref_requests) AS total, count(*) AS compared,
       sum(b.cost) AS base_cost, sum(c.cost) AS cost_policy, avg(b.tps) AS base_tps, avg(t.tps) AS tps_policy
     FROM baseline b JOIN by_cost c USING (request_id) JOIN by_tps t USING (request_id)`,
  );
  if (!row) throw new Error('reference replay returned nothing');
  return {
    compared: row.compared,
    excluded: row.total - row.compared,
    savingsPct: ((row.base_cost - row.cost_policy) / row.base_cost) * 100,
    throughputGainPct: (row.tps_policy / row.base_tps - 1) * 100,
  };
}

/** Optional canonical columns the generated market has no values for, so `generate` leaves them out. */
export const NOT_GENERATED = [
  'latency.region',
  'requests.cache_write_tokens',
  'requests.user',
  'prices.cache_write_price',
  'prices.tier_min_input_tokens',
];
