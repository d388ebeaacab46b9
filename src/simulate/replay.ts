/**
 * Policies and baselines over the candidates (see feasibility.ts): every policy's
 * choice and the baseline's per request, as expressions over the request's slots,
 * in one pass; `outcomesSql` is one row per policy and compared request.
 */
import { UsageError } from '../errors.js';
import type { SqlFragment, SqlParams } from '../metrics/selection.js';
import type { Store } from '../store/db.js';
import { candidatesSql, figureOf, firstSlot, type Figure } from './feasibility.js';

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
  /** `sla`: the cheapest provider whose expected end-to-end latency is at most this */
  sloLatencyMs: number;
  /** slots per request (providers of the most widely offered model) */
  slots: number;
  /** namedProviders of the run, in that order */
  named: string[];
  /** official endpoints of one model, at most */
  officials: number;
}

/** Whether a policy has a choice for every request with a feasible provider (all but fixed and static-best). */
export function alwaysChooses(policy: string): boolean {
  return !policy.startsWith('fixed:') && policy !== 'static-best';
}

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

const INF = `'infinity'::DOUBLE`;
const NEG_INF = `'-infinity'::DOUBLE`;

/** A policy's order keys for slot k (lowest wins), compared in turn; then the provider name (slot order). */
type Keys = ((k: number) => string)[];

const fastest = (k: number) => `-coalesce(d_tps_${k}, ${NEG_INF})`;
const cheapest = (k: number) => `cost_${k}`;

/**
 * Ties: `cost` prefers the higher decision TPS, every other policy the lower cost;
 * a missing figure ranks last.
 */
const KEYS: Record<string, Keys> = {
  cost: [cheapest, fastest],
  throughput: [fastest, cheapest],
  latency: [(k) => `coalesce(d_e2e_${k}, ${INF})`, cheapest],
  ttft: [(k) => `coalesce(d_ttft_${k}, ${INF})`, cheapest],
  // meeting the objective first, the cheapest of those; when nobody does, the fastest
  sla: [
    (k) => `CASE WHEN d_e2e_${k} <= $slo_ms THEN 0 ELSE 1 END`,
    (k) => `CASE WHEN d_e2e_${k} <= $slo_ms THEN cost_${k} ELSE 0 END`,
    (k) => `coalesce(d_e2e_${k}, ${INF})`,
    cheapest,
  ],
  // every slot of a request shares its task, so one key shape serves all objectives
  'task-aware': [
    (k) => `CASE objective WHEN 'throughput' THEN ${fastest(k)} WHEN 'latency' THEN coalesce(d_e2e_${k}, ${INF})
      WHEN 'ttft' THEN coalesce(d_ttft_${k}, ${INF}) ELSE cost_${k} END`,
    (k) => `CASE objective WHEN 'cost' THEN ${fastest(k)} ELSE cost_${k} END`,
  ],
};

/**
 * Columns computed in layers over the candidates: a column may use the columns of
 * earlier layers (each layer is one projection, so nothing is inlined twice).
 */
class Layers {
  private readonly layers: string[][] = [];
  private readonly filters: string[] = [];
  add(layer: number, column: string): void {
    const cols = (this.layers[layer] ??= []);
    if (!cols.includes(column)) cols.push(column); // policies may share a column
  }
  /** Keeps only the rows for which `condition` holds after `layer`. */
  filter(layer: number, condition: string): void {
    this.filters[layer] = condition;
  }
  wrap(sql: string): string {
    return this.layers.reduce((inner, cols, i) => {
      if (!cols?.length) return inner;
      const layer = `SELECT *, ${cols.join(',\n  ')} FROM (${inner})`;
      return this.filters[i] ? `SELECT * FROM (${layer}) WHERE ${this.filters[i]}` : layer;
    }, sql);
  }
}

/**
 * Adds column `name`: the eligible slot with the lowest keys, compared in turn,
 * then the lowest slot. Level i keeps the minimum of key i among the slots that
 * tie on the keys before it. Returns the layer after the one `name` is in.
 */
function argMin(L: Layers, layer: number, name: string, keys: Keys, eligible: (k: number) => string, slots: number): number {
  const ties = (k: number, upto: number) => keys.slice(0, upto).map((key, i) => ` AND ${key(k)} = ${name}_m${i}`).join('');
  const ks = Array.from({ length: slots }, (_, i) => i + 1);
  keys.forEach((key, i) => {
    L.add(layer + i, `least(${ks.map((k) => `CASE WHEN ${eligible(k)}${ties(k, i)} THEN ${key(k)} END`).join(', ')}) AS ${name}_m${i}`);
  });
  L.add(layer + keys.length, `${firstSlot((k) => `${eligible(k)}${ties(k, keys.length)}`, slots)} AS ${name}`);
  return layer + keys.length + 1;
}

/** 0 for the best and 1 for the worst of a request's feasible slots; 0 when they are all equal. */
function balancedKeys(L: Layers, slots: number): Keys {
  const ks = Array.from({ length: slots }, (_, i) => i + 1);
  for (const f of ['cost', 'd_e2e', 'd_tps']) {
    for (const fn of ['least', 'greatest']) {
      L.add(0, `${fn}(${ks.map((k) => `CASE WHEN feas_${k} THEN ${f}_${k} END`).join(', ')}) AS bal_${fn}_${f}`);
    }
  }
  const norm = (f: string, k: number, best: 'least' | 'greatest') =>
    `coalesce(abs(${f}_${k} - bal_${best}_${f}) / nullif(bal_greatest_${f} - bal_least_${f}, 0), 0)`;
  const score = (k: number) =>
    `$w_cost * ${norm('cost', k, 'least')} + $w_latency * ${norm('d_e2e', k, 'least')} + $w_throughput * ${norm('d_tps', k, 'greatest')}`;
  return [(k) => `coalesce(${score(k)}, ${INF})`, cheapest];
}

/**
 * Adds the columns `pick_<i>_<j>`: policy i's j-th attempt (1 without fallback,
 * up to retries + 1 for a ranking policy; a policy that makes one choice has one).
 * Returns how many attempts it has and the layer after its last pick.
 */
function addPolicy(L: Layers, policy: string, i: number, o: PolicyOptions): { attempts: number; layer: number } {
  const n = o.slots;
  const name = (j: number) => `pick_${i}_${j}`;
  const one = (expr: string) => {
    L.add(1, `${expr} AS ${name(1)}`);
    return { attempts: 1, layer: 2 };
  };
  if (policy.startsWith('fixed:')) {
    return one(namedSlot(o.named.indexOf(policy.slice('fixed:'.length))));
  }
  if (policy === 'static-best') return one(firstSlot((k) => `feas_${k} AND static_slot = ${k}`, n));
  if (policy === 'round-robin' || policy === 'random') {
    // both cycle through the feasible slots in provider-name order: the nth feasible one
    for (let k = 1; k <= n; k++) {
      L.add(0, `${Array.from({ length: k }, (_, x) => `feas_${x + 1}::INT`).join(' + ')} AS feasible_upto_${k}`);
    }
    L.add(1, `${policy === 'round-robin' ? 'seq' : 'u'} % feasible_upto_${n} + 1 AS nth_${i}`);
    L.add(2, `${firstSlot((k) => `feas_${k} AND feasible_upto_${k} = nth_${i}`, n)} AS ${name(1)}`);
    return { attempts: 1, layer: 3 };
  }
  // each key of each slot once, as a column; the levels of argMin only compare columns
  const exprs = policy === 'balanced' ? balancedKeys(L, n) : KEYS[policy];
  const keys: Keys = exprs.map((key, x) => {
    for (let k = 1; k <= n; k++) L.add(1, `${key(k)} AS key_${i}_${x}_${k}`);
    return (k: number) => `key_${i}_${x}_${k}`;
  });
  const attempts = o.retries + 1;
  let layer = 2;
  for (let j = 1; j <= attempts; j++) {
    const earlier = Array.from({ length: j - 1 }, (_, x) => name(x + 1));
    const eligible = (k: number) => `feas_${k}${earlier.map((e) => ` AND ${k} IS DISTINCT FROM ${e}`).join('')}`;
    layer = argMin(L, layer, name(j), keys, eligible, n);
  }
  return { attempts, layer };
}

/** The providers policies and the baseline name (fixed:NAME, provider:NAME): `named_<j>` in the segments. */
export function namedProviders(policies: string[], baseline: Baseline): string[] {
  const names = [...policies.filter((p) => p.startsWith('fixed:')), ...(baseline.startsWith('provider:') ? [baseline] : [])];
  return [...new Set(names.map((n) => n.slice(n.indexOf(':') + 1)))];
}

/** The slot of the j-th named provider when it is feasible for the request. */
const namedSlot = (j: number) => `CASE WHEN named_${j}_cap >= total_tokens THEN named_${j}_slot END`;

/** The baseline's slot per request: observed always, the others only when feasible. */
function baselineSlot(baseline: Baseline, o: PolicyOptions): string {
  // observed needs no feasibility, only a price in force to model its cost
  if (baseline === 'observed') return `CASE WHEN ${figureOf('cost', 'observed_slot', o.slots)} IS NOT NULL THEN observed_slot END`;
  // a model with several official endpoints: the first by name that is feasible
  if (baseline === 'official') {
    if (o.officials === 0) return 'CAST(NULL AS BIGINT)';
    const ranks = Array.from({ length: o.officials }, (_, r) => `official_${r + 1}`);
    return `CASE ${ranks.map((x) => `WHEN ${x}_cap >= total_tokens THEN ${x}_slot`).join(' ')} END`;
  }
  return namedSlot(o.named.indexOf(baseline.slice('provider:'.length)));
}

/**
 * Attempt j of policy i, as columns `a<i>_<j>_<figure>`: success probability, cost,
 * what it bills if it fails (its prompt), TPS and TTFT.
 */
function attemptColumns(i: number, attempts: number, slots: number): string[] {
  return Array.from({ length: attempts }, (_, x) => {
    const pick = `pick_${i}_${x + 1}`;
    const a = `a${i}_${x + 1}`;
    const fig = (f: Figure) => figureOf(f, pick, slots);
    return [`${fig('o_success')} AS ${a}_p`, `${fig('cost')} AS ${a}_cost`, `${fig('icost')} AS ${a}_icost`,
      `${fig('o_tps')} AS ${a}_tps`, `${fig('o_ttft')} AS ${a}_ttft`].join(', ');
  });
}

/** Per-policy figures of a request: the columns `p<i>_<name>` of replaySql. */
const OUTPUTS = ['slot', 'cost', 'tps', 'ttft', 'e2e', 'success', 'first_success', 'compared'] as const;

/**
 * Policy i's figures from its attempts. One attempt: its figures as they are. With
 * fallback, attempt j is reached with probability reach_j = Π_{i<j} (1 − p_i).
 * Expected cost Σ reach_j (p_j cost_j + (1 − p_j) failed_j), where a failed attempt
 * bills its input tokens (or nothing); a failed attempt takes its TTFT, so expected
 * time to first token is Σ reach_j ttft_j and end-to-end Σ reach_j (p_j e2e_j + (1 − p_j) ttft_j);
 * the request fails with probability Π (1 − p_j); TPS is that of the attempt that succeeds.
 */
function policyOutputs(i: number, attempts: number, o: PolicyOptions): Record<(typeof OUTPUTS)[number], string> {
  const a = (j: number, f: string) => `a${i}_${j}_${f}`;
  const e2e = (j: number) => `(${a(j, 'ttft')} + output_tokens / ${a(j, 'tps')} * 1000)`;
  const common = { slot: `pick_${i}_1`, compared: `pick_${i}_1 IS NOT NULL`, first_success: a(1, 'p') };
  if (o.retries === 0) {
    return { ...common, cost: a(1, 'cost'), tps: a(1, 'tps'), ttft: a(1, 'ttft'), e2e: e2e(1), success: a(1, 'p') };
  }
  const js = Array.from({ length: attempts }, (_, x) => x + 1);
  const p = (j: number) => a(j, 'p');
  const reach = (j: number) => js.slice(0, j - 1).map((x) => `(1 - ${p(x)})`).join(' * ') || '1';
  // list_sum skips missing attempts (NULL terms), as SUM does
  const sum = (term: (j: number) => string) => `list_sum([${js.map((j) => `${reach(j)} * ${term(j)}`).join(', ')}])`;
  return {
    ...common,
    cost: sum((j) => `(${p(j)} * ${a(j, 'cost')} + (1 - ${p(j)}) * ${o.failedAttemptsFree ? '0' : a(j, 'icost')})`),
    tps: `${sum((j) => `${p(j)} * ${a(j, 'tps')}`)} / nullif(${sum(p)}, 0)`,
    ttft: sum((j) => a(j, 'ttft')),
    e2e: sum((j) => `(${p(j)} * ${e2e(j)} + (1 - ${p(j)}) * ${a(j, 'ttft')})`),
    success: `1 - ${js.map((j) => `coalesce(1 - ${p(j)}, 1)`).join(' * ')}`,
  };
}

export interface ReplaySources {
  /** the selected requests (feasibility.requestsSql) */
  requests: SqlFragment;
  /** `sim_static_best` exists */
  staticBest: boolean;
  /** `sim_task_objective` exists */
  taskObjectives: boolean;
}

/** The candidates with the small per-request lookups the policies run need. */
function policyCandidatesSql(src: ReplaySources, slots: number, baseline: Baseline): SqlFragment {
  const joins = [
    src.staticBest
      ? `LEFT JOIN (SELECT model AS sb_model, task AS sb_task, slot AS static_slot FROM sim_static_best) sb
         ON sb.sb_model = r.model AND sb.sb_task IS NOT DISTINCT FROM r.task`
      : '',
    src.taskObjectives
      ? `LEFT JOIN (SELECT task AS to_task, objective AS task_objective FROM sim_task_objective) t ON t.to_task = r.task`
      : '',
  ].join('\n');
  const c = candidatesSql(src.requests, slots, { joins, observed: baseline === 'observed' });
  const objective = src.taskObjectives ? `, coalesce(task_objective, 'cost') AS objective` : '';
  return { sql: `SELECT *${objective} FROM (${c.sql})`, params: c.params };
}

/**
 * One row per request with a feasible baseline: its `base_slot`, `base_cost` and `base_tps`, and
 * for policy i (in the order given) the columns `p<i>_<figure>` of OUTPUTS: the
 * chosen `slot` (sim_slots names it), modelled cost, TPS, TTFT, end-to-end,
 * success probability (`first_success`: of the first attempt alone), and whether
 * the request is `compared` (the policy has a choice).
 */
export function replaySql(policies: string[], baseline: Baseline, src: ReplaySources, o: PolicyOptions): SqlFragment {
  const cand = policyCandidatesSql(src, o.slots, baseline);
  const params: SqlParams = {
    ...cand.params,
    slo_ms: o.sloLatencyMs,
    w_cost: o.weights.cost,
    w_latency: o.weights.latency,
    w_throughput: o.weights.throughput,
  };
  const L = new Layers();
  L.add(0, `${baselineSlot(baseline, o)} AS base_slot`);
  // a request without a feasible baseline is compared under no policy
  L.filter(0, 'base_slot IS NOT NULL');
  const picks = policies.map((policy, i) => ({ i, ...addPolicy(L, policy, i, o) }));
  // every attempt's figures once, in a layer after the last pick; then the policies' figures
  const last = Math.max(...picks.map((p) => p.layer));
  for (const p of picks) for (const col of attemptColumns(p.i, p.attempts, o.slots)) L.add(last, col);
  const fig = (f: Figure) => figureOf(f, 'base_slot', o.slots);
  L.add(last + 1, `${fig('cost')} AS base_cost, ${fig('o_tps')} AS base_tps`);
  for (const p of picks) {
    for (const [name, expr] of Object.entries(policyOutputs(p.i, p.attempts, o))) L.add(last + 1, `${expr} AS p${p.i}_${name}`);
  }
  return { sql: L.wrap(cand.sql), params };
}

/**
 * One row per policy and compared request: `policy, request_id, day, model, task,
 * slot, cost, tps, ttft, e2e, success, first_success, base_cost, base_tps`.
 */
export function outcomesSql(policies: string[], replay: SqlFragment): SqlFragment {
  const params: SqlParams = { ...replay.params };
  const rows = policies.map((policy, i) => {
    params[`policy_${i}`] = policy;
    const fields = OUTPUTS.filter((f) => f !== 'compared').map((f) => `'${f}': p${i}_${f}`);
    return `CASE WHEN p${i}_compared THEN {'policy': $policy_${i}, ${fields.join(', ')}} END`;
  });
  const sql = `
    SELECT x.policy, request_id, day, model, task, x.slot, x.cost, x.tps, x.ttft, x.e2e, x.success, x.first_success,
      base_cost, base_tps
    FROM (SELECT request_id, day, model, task, base_cost, base_tps, unnest([${rows.join(', ')}]) AS x FROM (${replay.sql}))
    WHERE x.policy IS NOT NULL`;
  return { sql, params };
}

/** The outcomes with the chosen provider's name (`provider`) beside its slot. */
export function withProviderNames(outcomes: SqlFragment): SqlFragment {
  return {
    sql: `SELECT o.*, s.provider FROM (${outcomes.sql}) o JOIN sim_slots s ON s.model = o.model AND s.slot = o.slot`,
    params: outcomes.params,
  };
}

/**
 * `sim_static_best(model, task, slot)`: one provider per model and task, from
 * whole-period averages — the lowest average cost among the providers feasible for
 * at least STATIC_COVERAGE of the group's requests (when none is, the provider
 * feasible for the most); ties: higher average decision TPS, then name.
 *
 * Costs are linear in the tokens and a segment's figures are fixed, so requests
 * are summed per segment and task first. Within a segment the number of
 * providers whose context a request exceeds (`r`) tells which ones it fits, and
 * each of those fits the group's longest request.
 */
export async function buildStaticBest(store: Store, requests: SqlFragment, slots: number): Promise<void> {
  const ks = Array.from({ length: slots }, (_, x) => x + 1);
  const c = candidatesSql(requests, slots);
  const per = ks.map((k) => `{'slot': ${k}, 'feasible': cap_${k} >= longest, 'cost': ip_${k} * fresh + cp_${k} * cached + op_${k} * output,
    'd_tps': d_tps_${k}}`);
  await store.run(
    `CREATE OR REPLACE TEMP TABLE sim_static_best AS
     WITH g AS (
       SELECT model, task, coalesce(features, '') AS fkey, seg_t0, ${ks.map((k) => `(cap_${k} < total_tokens)::INT`).join(' + ')} AS r,
         count(*) AS n, max(total_tokens) AS longest,
         sum(fresh_tokens) AS fresh, sum(cached_tokens) AS cached, sum(output_tokens) AS output
       FROM (${c.sql}) WHERE seg_t0 IS NOT NULL GROUP BY ALL
     ), per_slot AS (
       SELECT g.model, g.task, g.n, unnest([${per.join(', ')}]) AS x
       FROM g JOIN sim_seg s ON s.model = g.model AND s.fkey = g.fkey AND s.t0 = g.seg_t0
     ), avgs AS (
       SELECT model, task, x.slot, sum(CASE WHEN x.feasible THEN n ELSE 0 END) / sum(n) AS coverage,
         sum(x.cost) FILTER (WHERE x.feasible) / sum(n) FILTER (WHERE x.feasible) AS avg_cost,
         sum(n * x.d_tps) FILTER (WHERE x.feasible) / sum(n) FILTER (WHERE x.feasible AND x.d_tps IS NOT NULL) AS avg_tps
       FROM per_slot GROUP BY ALL
     )
     SELECT model, task, arg_min(slot, {'a': coverage < ${STATIC_COVERAGE},
       'b': CASE WHEN coverage < ${STATIC_COVERAGE} THEN -coverage ELSE avg_cost END,
       'c': -coalesce(avg_tps, 0), 'd': slot}) AS slot
     FROM avgs WHERE coverage > 0 GROUP BY ALL`,
    c.params,
  );
}

/** `sim_task_objective(task, objective)`: task-aware's objective per task. */
export async function buildTaskObjectives(store: Store, objectives: Record<string, Objective>): Promise<void> {
  await store.run('CREATE OR REPLACE TEMP TABLE sim_task_objective (task VARCHAR, objective VARCHAR)');
  for (const [task, objective] of Object.entries(objectives)) {
    await store.run('INSERT INTO sim_task_objective VALUES ($1, $2)', [task, objective]);
  }
}
