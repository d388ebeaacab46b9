/**
 * Tiny hand-built markets for the replay tests: rows written with SQL into an
 * in-memory store, all for the model `toy` (unknown to the catalog, so its own model).
 */
import { prepareNames } from '../../src/query/model-map.js';
import {
  DEFAULT_SIMULATE_OPTIONS,
  replay,
  simulate,
  type Replay,
  type SimulateOptions,
  type SimulateResult,
} from '../../src/simulate/index.js';
import { parsePolicy } from '../../src/simulate/policy.js';
import { Store } from '../../src/store/db.js';

export interface Offer {
  provider: string;
  official?: boolean;
  context?: number;
  features?: string;
  /** [input, output, cached?] per 1 M tokens, in force from 2025-09-01 */
  price?: [number, number, number?];
}

/** [ts, provider, ok, ttft_ms, tps] */
export type Probe = [string, string, boolean, number | null, number | null];

/** [request_id, ts, provider, input, output, cached, features] */
export type Req = [string, string, string, number, number, number, string | null];

export interface Market {
  offers: Offer[];
  probes?: Probe[];
  requests: Req[];
  /** extra price snapshots [ts, provider, input, output, cached] */
  prices?: [string, string, number, number, number | null][];
}

export async function openMarket(m: Market): Promise<Store> {
  const s = await Store.open(':memory:');
  for (const o of m.offers) {
    await s.run(
      `INSERT INTO offerings (provider, model, official, context_length, features) VALUES ($p, 'toy', $off, $ctx, $f)`,
      {
        p: o.provider,
        off: o.official ?? false,
        ctx: o.context ?? 100_000,
        f: o.features ?? 'tools,json_schema,stream',
      },
    );
    if (o.price) {
      await s.run(
        `INSERT INTO prices (ts, provider, model, input_price, output_price, cached_input_price)
         VALUES (TIMESTAMP '2025-09-01 00:00:00', $p, 'toy', $i, $o, $c)`,
        { p: o.provider, i: o.price[0], o: o.price[1], c: o.price[2] ?? null },
      );
    }
  }
  for (const [ts, p, i, o, c] of m.prices ?? []) {
    await s.run(
      `INSERT INTO prices (ts, provider, model, input_price, output_price, cached_input_price)
       VALUES (CAST($ts AS TIMESTAMP), $p, 'toy', $i, $o, $c)`,
      { ts, p, i, o, c },
    );
  }
  for (const [ts, p, ok, ttft, tps] of m.probes ?? []) {
    await s.run(
      `INSERT INTO latency (ts, provider, model, ok, ttft_ms, tps) VALUES (CAST($ts AS TIMESTAMP), $p, 'toy', $ok, $ttft, $tps)`,
      { ts, p, ok, ttft, tps },
    );
  }
  for (const [id, ts, p, input, output, cached, features] of m.requests) {
    await s.run(
      `INSERT INTO requests (request_id, ts, model, provider, input_tokens, output_tokens, cached_tokens, status, features)
       VALUES ($id, CAST($ts AS TIMESTAMP), 'toy', $p, $input, $output, $cached, 'ok', $features)`,
      { id, ts, p, input, output, cached, features },
    );
  }
  await prepareNames(s);
  return s;
}

/** Simulate options with the policies by name, as `--policy` lists them. */
export type NamedPolicyOptions = Partial<Omit<SimulateOptions, 'policies'>> & { policies: readonly string[] };

/** The default options (bootstrap off) with `o` over them, the policies parsed. */
export const options = (o: NamedPolicyOptions): SimulateOptions => ({
  ...DEFAULT_SIMULATE_OPTIONS,
  bootstrap: 0,
  ...o,
  policies: o.policies.map(parsePolicy),
});

export function run(s: Store, o: NamedPolicyOptions): Promise<SimulateResult> {
  return simulate(s, options(o));
}

/** Like run, with the per-request outcomes and feasibility behind the results. */
export function runReplay(s: Store, o: NamedPolicyOptions): Promise<Replay> {
  return replay(s, options(o));
}

/** Floating-point results compared to hand-computed values. */
export function close(actual: number | null | undefined, expected: number, what = 'value'): void {
  if (actual === null || actual === undefined || Math.abs(actual - expected) > 1e-9 * Math.max(1, Math.abs(expected))) {
    throw new Error(`${what}: expected ${expected}, got ${actual}`);
  }
}
