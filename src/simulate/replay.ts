/**
 * Policies and baselines over `sim_cand`: every policy's choice per request in one
 * pass (one GROUP BY over the feasible candidates, an arg_min per policy), then
 * joined to the baseline's outcome into `sim_outcome`.
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

const INF = `'infinity'::DOUBLE`;
const NEG_INF = `'-infinity'::DOUBLE`;

/**
 * Order keys of the feasible candidates of one request (lowest wins), compared field
 * by field; a missing figure ranks last. Ties: `cost` the higher decision TPS, every
 * other policy the lower cost; then the provider name.
 */
const KEYS: Record<string, string> = {
  cost: `{'a': cost, 'b': -coalesce(d_tps, ${NEG_INF}), 'c': provider}`,
  throughput: `{'a': -coalesce(d_tps, ${NEG_INF}), 'b': cost, 'c': provider}`,
  latency: `{'a': coalesce(d_e2e, ${INF}), 'b': cost, 'c': provider}`,
  ttft: `{'a': coalesce(d_ttft, ${INF}), 'b': cost, 'c': provider}`,
  balanced: `{'a': coalesce(score, ${INF}), 'b': cost, 'c': provider}`,
  // meeting the objective first, the cheapest of those; when nobody does, the fastest
  sla: `{'a': coalesce(d_e2e > $slo_ms, true), 'b': CASE WHEN d_e2e <= $slo_ms THEN cost ELSE 0 END,
    'c': coalesce(d_e2e, ${INF}), 'd': cost, 'e': provider}`,
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

/** What the results need of a chosen candidate. */
const CHOICE = `{'provider': provider, 'day': day, 'cost': cost, 'tps': o_tps, 'ttft': o_ttft, 'e2e': o_e2e, 'success': o_success}`;

/** The aggregate over a request's feasible candidates that gives policy i's choice (a CHOICE struct). */
function choiceOf(policy: string, i: number, params: SqlParams): string {
  if (policy.startsWith('fixed:')) {
    params[`fixed_${i}`] = policy.slice('fixed:'.length);
    return `any_value(${CHOICE}) FILTER (WHERE provider = $fixed_${i})`;
  }
  // both cycle through the feasible providers in name order
  if (policy === 'round-robin') return `list(${CHOICE} ORDER BY provider)[CAST(any_value(seq) % count(*) + 1 AS BIGINT)]`;
  if (policy === 'random') return `list(${CHOICE} ORDER BY provider)[CAST(any_value(u) % count(*) + 1 AS BIGINT)]`;
  return `arg_min(${CHOICE}, ${KEYS[policy]})`;
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
  const choices = policies.map((p, i) => `${choiceOf(p, i, params)} AS pick_${i}`).join(',\n       ');
  const picks = policies.map((p, i) => {
    params[`policy_${i}`] = p;
    return `SELECT $policy_${i} AS policy, request_id, pick_${i} AS pick FROM choices WHERE pick_${i} IS NOT NULL`;
  });
  // the balanced score needs each request's best and worst figures: a second look at its candidates
  const source = policies.includes('balanced')
    ? `(SELECT *, ${BALANCED_SCORE} AS score FROM sim_cand WHERE feasible WINDOW req AS (PARTITION BY request_id))`
    : `(SELECT * FROM sim_cand WHERE feasible)`;
  await store.run(
    `CREATE OR REPLACE TEMP TABLE sim_outcome AS
     WITH choices AS (
       SELECT request_id, ${choices}
       FROM ${source} GROUP BY request_id
     ), picks AS (${picks.join('\n UNION ALL ')}),
     base AS (${baselineSql(baseline, params)})
     SELECT p.policy, p.request_id, p.pick.day AS day, p.pick.provider AS provider, p.pick.cost AS cost,
       p.pick.tps AS tps, p.pick.ttft AS ttft, p.pick.e2e AS e2e, p.pick.success AS success,
       b.cost AS base_cost, b.tps AS base_tps
     FROM picks p JOIN base b USING (request_id)`,
    params,
  );
}
