/**
 * Policies and baselines over `sim_cand`: every policy's choice and the baseline's
 * per request in one pass (one GROUP BY over the candidates, an arg_min per policy
 * over the feasible ones), unnested into `sim_outcome`.
 */
import { UsageError } from '../errors.js';
import type { SqlParams } from '../metrics/selection.js';
import type { Store } from '../store/db.js';

export type Baseline = 'official' | 'observed' | `provider:${string}`;

export const SIMPLE_POLICIES = [
  'cost', 'throughput', 'latency', 'ttft', 'balanced', 'sla', 'round-robin', 'random', 'static-best', 'task-aware',
] as const;

export type Objective = 'cost' | 'throughput' | 'latency' | 'ttft';
export const OBJECTIVES: readonly Objective[] = ['cost', 'throughput', 'latency', 'ttft'];

/**
 * task-aware's default objective per task: interactive work wants a short wait,
 * long generations want speed, bulk document work wants a low price.
 */
export const DEFAULT_TASK_OBJECTIVES: Record<string, Objective> = {
  code: 'latency',
  chat: 'ttft',
  agent: 'latency',
  reasoning: 'throughput',
  'doc-analysis': 'cost',
};

/** static-best keeps one provider per model and task if it is feasible for at least this share of their requests. */
export const STATIC_COVERAGE = 0.9;

/**
 * `sim_static_best(model, task, provider)`: one provider per model and task, from
 * whole-period averages — the lowest average cost among the providers feasible for
 * at least STATIC_COVERAGE of the group's requests (when none is, the provider
 * feasible for the most); ties: higher average decision TPS, then name.
 */
const STATIC_BEST_SQL = `
CREATE OR REPLACE TEMP TABLE sim_static_best AS
WITH g AS (
  SELECT r.model, r.task, c.provider,
    count(*) FILTER (WHERE c.feasible) / any_value(n) AS coverage,
    avg(c.cost) FILTER (WHERE c.feasible) AS avg_cost, avg(c.d_tps) FILTER (WHERE c.feasible) AS avg_tps
  FROM sim_cand c JOIN (SELECT *, count(*) OVER (PARTITION BY model, task) AS n FROM sim_req) r USING (request_id)
  GROUP BY ALL
)
SELECT model, task, arg_min(provider, {'a': coverage < ${STATIC_COVERAGE}, 'b': CASE WHEN coverage < ${STATIC_COVERAGE} THEN -coverage ELSE avg_cost END,
  'c': -coalesce(avg_tps, 0), 'd': provider}) AS provider
FROM g WHERE coverage > 0 GROUP BY ALL`;

/** Weights of the `balanced` score over min–max-normalised cost, end-to-end latency and throughput. */
export interface BalancedWeights {
  cost: number;
  latency: number;
  throughput: number;
}

export interface PolicyOptions {
  /** fall back to the policy's next choice after a failed attempt, at most this many times */
  retries: number;
  /** failed attempts bill nothing (default: their input tokens) */
  failedAttemptsFree: boolean;
  weights: BalancedWeights;
  /** the replay's own progress, 0..100 */
  onProgress?: (pct: number) => void;
  /** task-aware: objective per task; tasks not named (and requests without one) use cost */
  taskObjectives: Record<string, Objective>;
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

/** One attempt per request: its figures as they are. */
const SINGLE_ATTEMPT = `
     SELECT x.policy, request_id, x.pick.day AS day, x.pick.provider AS provider, x.pick.cost AS cost,
       x.pick.tps AS tps, x.pick.ttft AS ttft, x.pick.e2e AS e2e, x.pick.success AS success,
       x.pick.success AS first_success, base.cost AS base_cost, base.tps AS base_tps
     FROM flat WHERE x.pick IS NOT NULL`;

/**
 * With fallback, attempt k is reached with probability reach_k = Π_{j<k} (1 − p_j).
 * Expected cost Σ reach_k (p_k cost_k + (1 − p_k) failed_k), where a failed attempt
 * bills its input tokens (or nothing); a failed attempt takes its TTFT, so expected
 * time to first token is Σ reach_k ttft_k and end-to-end Σ reach_k (p_k e2e_k + (1 − p_k) ttft_k);
 * the request fails with probability Π (1 − p_k); TPS is that of the attempt that succeeds.
 */
function expectedOverAttempts(failedAttemptsFree: boolean): string {
  return `, attempts AS (
       SELECT x.policy AS policy, request_id, base, unnest(x.pick) AS a, generate_subscripts(x.pick, 1) AS k
       FROM flat WHERE len(x.pick) > 0
     ), reached AS (
       SELECT *, coalesce(product(1 - a.success) OVER (PARTITION BY policy, request_id ORDER BY k
         ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 1) AS reach
       FROM attempts
     )
     SELECT policy, request_id, arg_min(a.day, k) AS day, arg_min(a.provider, k) AS provider,
       sum(reach * (a.success * a.cost + (1 - a.success) * ${failedAttemptsFree ? '0' : 'a.input_cost'})) AS cost,
       sum(reach * a.success * a.tps) / nullif(sum(reach * a.success), 0) AS tps,
       sum(reach * a.ttft) AS ttft,
       sum(reach * (a.success * a.e2e + (1 - a.success) * a.ttft)) AS e2e,
       1 - product(1 - a.success) AS success, arg_min(a.success, k) AS first_success,
       any_value(base.cost) AS base_cost, any_value(base.tps) AS base_tps
     FROM reached GROUP BY policy, request_id`;
}

/** What the results need of a chosen candidate. */
const CHOICE = `{'provider': provider, 'day': day, 'cost': cost, 'input_cost': input_cost, 'tps': o_tps, 'ttft': o_ttft, 'e2e': o_e2e, 'success': o_success}`;

/** The aggregate over a request's candidates that gives policy i's choice (a CHOICE struct), feasible ones only. */
function choiceOf(policy: string, i: number, params: SqlParams, retries: number): string {
  // With fallback every pick is a list of attempts; a policy that makes one choice gives a list of one.
  const one = (choice: string) => (retries > 0 ? `CASE WHEN ${choice} IS NULL THEN NULL ELSE [${choice}] END` : choice);
  if (policy.startsWith('fixed:')) {
    params[`fixed_${i}`] = policy.slice('fixed:'.length);
    return one(`any_value(${CHOICE}) FILTER (WHERE feasible AND provider = $fixed_${i})`);
  }
  // both cycle through the feasible providers in name order
  const nth = (k: string) =>
    one(`(list(${CHOICE} ORDER BY provider) FILTER (WHERE feasible))[CAST(any_value(${k}) % count(*) FILTER (WHERE feasible) + 1 AS BIGINT)]`);
  if (policy === 'round-robin') return nth('seq');
  if (policy === 'random') return nth('u');
  if (policy === 'static-best') return one(`any_value(${CHOICE}) FILTER (WHERE feasible AND static_pick)`);
  if (policy === 'task-aware') {
    // every candidate of a request shares its task, so one key shape serves all objectives
    const primary = `CASE objective WHEN 'throughput' THEN -coalesce(d_tps, ${NEG_INF}) WHEN 'latency' THEN coalesce(d_e2e, ${INF})
      WHEN 'ttft' THEN coalesce(d_ttft, ${INF}) ELSE cost END`;
    const secondary = `CASE objective WHEN 'cost' THEN -coalesce(d_tps, ${NEG_INF}) ELSE cost END`;
    return ranked(`{'a': ${primary}, 'b': ${secondary}, 'c': provider}`, retries);
  }
  return ranked(KEYS[policy], retries);
}

/** The first choice, or with fallback the first `retries + 1` feasible choices in the policy's order. */
function ranked(key: string, retries: number): string {
  return retries > 0
    ? `(list(${CHOICE} ORDER BY ${key}) FILTER (WHERE feasible))[1:${retries + 1}]`
    : `arg_min(${CHOICE}, ${key}) FILTER (WHERE feasible)`;
}

/** 0 for the best and 1 for the worst of a request's feasible candidates; 0 when they are all equal. */
const normalised = (x: string, worst: 'max' | 'min') => {
  const best = worst === 'max' ? 'min' : 'max';
  const f = `CASE WHEN feasible THEN ${x} END`;
  return `coalesce(abs(${x} - ${best}(${f}) OVER req) / nullif(max(${f}) OVER req - min(${f}) OVER req, 0), 0)`;
};

const BALANCED_SCORE = `$w_cost * ${normalised('cost', 'max')}
  + $w_latency * ${normalised('d_e2e', 'max')} + $w_throughput * ${normalised('d_tps', 'min')}`;

/** The baseline's choice per request: observed always, the others only when feasible. */
function baselineOf(baseline: Baseline, params: SqlParams): string {
  // observed needs no feasibility, only a price in force to model its cost
  if (baseline === 'observed') return `any_value(${CHOICE}) FILTER (WHERE provider = observed AND cost IS NOT NULL)`;
  // a model with several official endpoints: the first by name
  if (baseline === 'official') return `arg_min(${CHOICE}, provider) FILTER (WHERE official AND feasible)`;
  params.baseline_provider = baseline.slice('provider:'.length);
  return `any_value(${CHOICE}) FILTER (WHERE feasible AND provider = $baseline_provider)`;
}

/**
 * `sim_outcome(policy, request_id, day, provider, cost, tps, ttft, e2e, success,
 * base_cost, base_tps)`: one row per policy and compared request (baseline feasible
 * and the policy has a choice). One GROUP BY over the candidates serves every policy.
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
  const choices = policies.map((p, i) => `${choiceOf(p, i, params, o.retries)} AS pick_${i}`).join(',\n       ');
  const picks = policies.map((p, i) => {
    params[`policy_${i}`] = p;
    return `{'policy': $policy_${i}, 'pick': pick_${i}}`;
  });
  // the balanced score needs each request's best and worst figures: a second look at its candidates
  let source = policies.includes('balanced')
    ? `(SELECT *, ${BALANCED_SCORE} AS score FROM sim_cand WINDOW req AS (PARTITION BY request_id))`
    : 'sim_cand';
  if (policies.includes('static-best')) {
    await store.run(STATIC_BEST_SQL);
    source = `(SELECT c.*, sb.provider IS NOT NULL AS static_pick FROM ${source} c JOIN sim_req r USING (request_id)
      LEFT JOIN sim_static_best sb ON sb.model = r.model AND sb.task IS NOT DISTINCT FROM r.task AND sb.provider = c.provider)`;
  }
  if (policies.includes('task-aware')) {
    await store.run('CREATE OR REPLACE TEMP TABLE sim_task_objective (task VARCHAR, objective VARCHAR)');
    for (const [task, objective] of Object.entries(o.taskObjectives)) {
      await store.run('INSERT INTO sim_task_objective VALUES ($1, $2)', [task, objective]);
    }
    source = `(SELECT c.*, coalesce(t.objective, 'cost') AS objective FROM ${source} c JOIN sim_req r USING (request_id)
      LEFT JOIN sim_task_objective t ON t.task = r.task)`;
  }
  await store.runWithProgress(
    `CREATE OR REPLACE TEMP TABLE sim_outcome AS
     WITH choices AS (
       SELECT request_id, ${baselineOf(baseline, params)} AS base, ${choices}
       FROM ${source} GROUP BY request_id
     ), flat AS (
       SELECT request_id, base, unnest([${picks.join(', ')}]) AS x FROM choices WHERE base IS NOT NULL
     )
     ${o.retries > 0 ? expectedOverAttempts(o.failedAttemptsFree) : SINGLE_ATTEMPT}`,
    params,
    o.onProgress,
  );
}
