/**
 * Policies and baselines over `sim_cand`: every policy's choice per request in one
 * pass (feasible candidates ranked once with window functions), then joined to the
 * baseline's outcome into `sim_outcome`.
 */
import { UsageError } from '../errors.js';
import type { SqlParams } from '../metrics/selection.js';
import type { Store } from '../store/db.js';

export type Baseline = 'official' | 'observed' | `provider:${string}`;

export const SIMPLE_POLICIES = ['cost', 'throughput', 'latency', 'ttft', 'balanced', 'sla', 'round-robin', 'random'] as const;

/** Weights of the `balanced` score over min–max-normalised cost, end-to-end latency and throughput. */
export interface BalancedWeights {
  cost: number;
  latency: number;
  throughput: number;
}

export interface PolicyOptions {
  weights: BalancedWeights;
  /** `sla`: the cheapest provider whose expected end-to-end latency is at most this */
  sloLatencyMs: number;
}

/** Ranking of the feasible candidates of one request; ties: lower cost, then provider name. */
const RANKS: Record<string, string> = {
  cost: 'cost, d_tps DESC NULLS LAST, provider',
  throughput: 'd_tps DESC NULLS LAST, cost, provider',
  latency: 'd_e2e NULLS LAST, cost, provider',
  ttft: 'd_ttft NULLS LAST, cost, provider',
  balanced: 'score NULLS LAST, cost, provider',
  // meeting the objective first; when nobody does, the fastest
  sla: 'd_e2e > $slo_ms, CASE WHEN d_e2e <= $slo_ms THEN cost END, d_e2e NULLS LAST, cost, provider',
  name: 'provider',
};

export function checkPolicy(policy: string): void {
  if ((SIMPLE_POLICIES as readonly string[]).includes(policy)) return;
  if (/^fixed:.+/.test(policy)) return;
  throw new UsageError(
    `unknown policy '${policy}'; use ${SIMPLE_POLICIES.join(', ')} or fixed:PROVIDER`,
  );
}

export function checkBaseline(baseline: string): asserts baseline is Baseline {
  if (baseline === 'official' || baseline === 'observed' || /^provider:.+/.test(baseline)) return;
  throw new UsageError(`unknown baseline '${baseline}'; use official, observed or provider:NAME`);
}

/** The condition on a ranked candidate row that makes it policy i's choice. */
function chosenBy(policy: string, i: number, params: SqlParams): string {
  if (policy.startsWith('fixed:')) {
    params[`fixed_${i}`] = policy.slice('fixed:'.length);
    return `provider = $fixed_${i}`;
  }
  if (policy === 'round-robin') return `r_name = seq % n_feasible + 1`;
  if (policy === 'random') return `r_name = u % n_feasible + 1`;
  return `r_${policy} = 1`;
}

/** 0 for the best and 1 for the worst of a request's feasible candidates; 0 when they are all equal. */
const normalised = (x: string, worst: 'max' | 'min') => {
  const best = worst === 'max' ? 'min' : 'max';
  return `coalesce(abs(${x} - ${best}(${x}) OVER req) / nullif(max(${x}) OVER req - min(${x}) OVER req, 0), 0)`;
};

const BALANCED_SCORE = `$w_cost * ${normalised('cost', 'max')}
  + $w_latency * ${normalised('d_e2e', 'max')} + $w_throughput * ${normalised('d_tps', 'min')}`;

const OUTCOME_COLS = 'request_id, day, provider, cost, o_tps AS tps, o_ttft AS ttft, o_e2e AS e2e, o_success AS success';

/** The baseline's candidate row per request: observed always, the others only when feasible. */
function baselineSql(baseline: Baseline, params: SqlParams): string {
  if (baseline === 'observed') return `SELECT ${OUTCOME_COLS} FROM sim_cand WHERE provider = observed`;
  if (baseline === 'official') {
    // a model with several official endpoints: the first by name
    return `SELECT ${OUTCOME_COLS} FROM sim_cand WHERE official AND feasible
      QUALIFY row_number() OVER (PARTITION BY request_id ORDER BY provider) = 1`;
  }
  params.baseline_provider = baseline.slice('provider:'.length);
  return `SELECT ${OUTCOME_COLS} FROM sim_cand WHERE provider = $baseline_provider AND feasible`;
}

/**
 * `sim_outcome(policy, request_id, day, provider, cost, tps, ttft, e2e, success,
 * base_cost, base_tps)`: one row per policy and compared request (baseline feasible
 * and the policy has a choice).
 */
export async function replayPolicies(
  store: Store,
  policies: string[],
  baseline: Baseline,
  o: PolicyOptions,
): Promise<void> {
  const params: SqlParams = {
    slo_ms: o.sloLatencyMs,
    w_cost: o.weights.cost,
    w_latency: o.weights.latency,
    w_throughput: o.weights.throughput,
  };
  const picks = policies.map((p, i) => {
    params[`policy_${i}`] = p;
    return `SELECT $policy_${i} AS policy, ${OUTCOME_COLS} FROM ranked WHERE ${chosenBy(p, i, params)}`;
  });
  const ranks = Object.entries(RANKS)
    .map(([name, order]) => `row_number() OVER (PARTITION BY request_id ORDER BY ${order}) AS r_${name}`)
    .join(',\n      ');
  await store.run(
    `CREATE OR REPLACE TEMP TABLE sim_outcome AS
     WITH feasible AS (SELECT * FROM sim_cand WHERE feasible),
     scored AS (
       SELECT *, ${BALANCED_SCORE} AS score FROM feasible
       WINDOW req AS (PARTITION BY request_id)
     ),
     ranked AS (
       SELECT *, ${ranks}, count(*) OVER (PARTITION BY request_id) AS n_feasible
       FROM scored
     ), picks AS (${picks.join('\n UNION ALL ')}),
     base AS (${baselineSql(baseline, params)})
     SELECT p.*, b.cost AS base_cost, b.tps AS base_tps
     FROM picks p JOIN base b USING (request_id)`,
    params,
  );
}
