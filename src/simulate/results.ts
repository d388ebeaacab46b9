/**
 * Per-policy results over `sim_outcome`, and the day-block bootstrap of savings
 * and throughput gain.
 */
import type { Store } from '../store/db.js';

export interface RoutingShare {
  provider: string;
  /** percent of the policy's compared requests */
  share: number;
}

export interface PolicyResult {
  policy: string;
  /** with --by model|task: the model or task these figures are for */
  group?: string | null;
  /** requests compared (baseline feasible and the policy had a choice) */
  requests: number;
  /** selected requests left out of the comparison */
  infeasible: number;
  baselineCost: number;
  policyCost: number;
  savingsPct: number | null;
  savingsCi95: [number, number] | null;
  baselineThroughput: number | null;
  policyThroughput: number | null;
  throughputGainPct: number | null;
  throughputGainCi95: [number, number] | null;
  meanTtftMs: number | null;
  p50LatencyMs: number | null;
  p90LatencyMs: number | null;
  /** expected failure rate, percent (after fallback, with --retries) */
  failureRate: number | null;
  /** expected failure rate of the first attempt alone, percent */
  failureRateNoFallback: number | null;
  routing: RoutingShare[];
}

interface Totals {
  policy: string;
  requests: number;
  baseline_cost: number | null;
  policy_cost: number | null;
  baseline_tps: number | null;
  policy_tps: number | null;
  mean_ttft: number | null;
  p50: number | null;
  p90: number | null;
  failure: number | null;
  first_failure: number | null;
}

const savings = (base: number | null, cost: number | null) => (base ? ((base - (cost ?? 0)) / base) * 100 : null);
const gain = (base: number | null, tps: number | null) => (base && tps !== null ? (tps / base - 1) * 100 : null);

/**
 * `boot(policy, lo_s, hi_s, lo_g, hi_g)`: 2.5th and 97.5th percentiles of savings %
 * and gain % over `resamples` day-block resamples. Each resample draws as many days
 * as there are, with replacement, from seeded hashes; a day drawn k times weighs k.
 */
async function bootstrap(
  store: Store,
  outcomes: string,
  resamples: number,
  seed: number,
): Promise<Map<string, [number, number][]>> {
  const days = (await store.one<{ n: number }>('SELECT count(DISTINCT day) AS n FROM sim_outcome'))?.n ?? 0;
  const out = new Map<string, [number, number][]>();
  if (resamples <= 0 || days === 0) return out;
  const rows = await store.all<{ policy: string; grp: string | null; s: number[] | null; g: number[] | null }>(
    `WITH day_index AS (
       SELECT day, row_number() OVER (ORDER BY day) - 1 AS i FROM (SELECT DISTINCT day FROM sim_outcome)
     ), draws AS (
       SELECT b.b, hash(xor((b.b * $days + j.j)::UBIGINT, hash($seed::BIGINT, 'bootstrap'))) % $days AS i
       FROM range($resamples) b(b), range($days) j(j)
     ), weights AS (
       SELECT d.b, x.day, count(*) AS k FROM draws d JOIN day_index x USING (i) GROUP BY ALL
     ), per_day AS (
       SELECT policy, grp, day, sum(base_cost) AS base_cost, sum(cost) AS cost,
         sum(base_tps) AS base_tps, count(base_tps) AS base_n, sum(tps) AS tps, count(tps) AS n
       FROM ${outcomes} GROUP BY ALL
     ), per_resample AS (
       SELECT p.policy, p.grp, w.b,
         (sum(w.k * p.base_cost) - sum(w.k * p.cost)) / nullif(sum(w.k * p.base_cost), 0) * 100 AS s,
         (sum(w.k * p.tps) / nullif(sum(w.k * p.n), 0))
           / nullif(sum(w.k * p.base_tps) / nullif(sum(w.k * p.base_n), 0), 0) * 100 - 100 AS g
       FROM per_day p JOIN weights w USING (day) GROUP BY ALL
     )
     SELECT policy, grp, quantile_cont(s, [0.025, 0.975]) AS s, quantile_cont(g, [0.025, 0.975]) AS g
     FROM per_resample GROUP BY policy, grp`,
    { days, seed, resamples },
  );
  for (const r of rows) {
    out.set(key(r.policy, r.grp), [
      [r.s?.[0] ?? NaN, r.s?.[1] ?? NaN],
      [r.g?.[0] ?? NaN, r.g?.[1] ?? NaN],
    ]);
  }
  return out;
}

const ci = (pair: [number, number] | undefined): [number, number] | null =>
  pair && Number.isFinite(pair[0]) && Number.isFinite(pair[1]) ? pair : null;

const key = (policy: string, grp: string | null) => `${policy}\u0000${grp ?? ''}`;

/**
 * One result per policy, in the order given; with `by`, one per policy and
 * model (or task), groups by requests compared, most first.
 */
export async function policyResults(
  store: Store,
  policies: string[],
  o: { bootstrap: number; seed: number; by?: 'model' | 'task' },
): Promise<PolicyResult[]> {
  const grp = o.by ? `CAST(r.${o.by} AS VARCHAR)` : 'CAST(NULL AS VARCHAR)';
  const outcomes = `(SELECT x.*, ${grp} AS grp FROM sim_outcome x JOIN sim_req r USING (request_id))`;
  const selected = await store.all<{ grp: string | null; n: number }>(
    `SELECT ${grp} AS grp, count(*) AS n FROM sim_req r GROUP BY ALL ORDER BY n DESC, grp`,
  );
  const totals = await store.all<Totals & { grp: string | null }>(
    `SELECT policy, grp, count(*) AS requests, sum(base_cost) AS baseline_cost, sum(cost) AS policy_cost,
       avg(base_tps) AS baseline_tps, avg(tps) AS policy_tps, avg(ttft) AS mean_ttft,
       quantile_cont(e2e, 0.5) AS p50, quantile_cont(e2e, 0.9) AS p90, avg(1 - success) * 100 AS failure,
       avg(1 - first_success) * 100 AS first_failure
     FROM ${outcomes} GROUP BY policy, grp`,
  );
  const routing = await store.all<{ policy: string; grp: string | null; provider: string; share: number }>(
    `SELECT policy, grp, provider, count(*) * 100.0 / sum(count(*)) OVER (PARTITION BY policy, grp) AS share
     FROM ${outcomes} GROUP BY policy, grp, provider ORDER BY policy, grp, share DESC, provider`,
  );
  const boot = await bootstrap(store, outcomes, o.bootstrap, o.seed);
  return policies.flatMap((policy) =>
    selected.map(({ grp: g, n: total }) => {
      const t = totals.find((x) => x.policy === policy && x.grp === g);
      const b = boot.get(key(policy, g));
      return {
        policy,
        ...(o.by ? { group: g } : {}),
        requests: t?.requests ?? 0,
        infeasible: total - (t?.requests ?? 0),
        baselineCost: t?.baseline_cost ?? 0,
        policyCost: t?.policy_cost ?? 0,
        savingsPct: savings(t?.baseline_cost ?? null, t?.policy_cost ?? null),
        savingsCi95: ci(b?.[0]),
        baselineThroughput: t?.baseline_tps ?? null,
        policyThroughput: t?.policy_tps ?? null,
        throughputGainPct: gain(t?.baseline_tps ?? null, t?.policy_tps ?? null),
        throughputGainCi95: ci(b?.[1]),
        meanTtftMs: t?.mean_ttft ?? null,
        p50LatencyMs: t?.p50 ?? null,
        p90LatencyMs: t?.p90 ?? null,
        failureRate: t?.failure ?? null,
        failureRateNoFallback: t?.first_failure ?? null,
        routing: routing
          .filter((r) => r.policy === policy && r.grp === g)
          .map((r) => ({ provider: r.provider, share: r.share })),
      };
    }),
  );
}
