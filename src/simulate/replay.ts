/**
 * Policies and baselines over the candidates (see feasibility.ts): every policy's
 * choice and the baseline's per request, as expressions over the request's slots,
 * in one pass; `outcomesSql` is one row per policy and compared request.
 */
import { UsageError } from '../errors.js';
import type { SqlFragment, SqlParams } from '../query/selection.js';
import type { Store } from '../store/db.js';
import {
  candidatesSql,
  CLASS_BEST,
  CLASS_MAX_SLOTS,
  endToEnd,
  enumType,
  figureOf,
  firstSlot,
  segmentFiguresSql,
  type ClassPolicy,
  type Figure,
  type SegmentShape,
} from './feasibility.js';
import { OBJECTIVES, type Objective, type Policy } from './policy.js';
import { chainLinksSql, chainPreviousSql, type CacheMode } from './cache.js';

export type Baseline = 'official' | 'observed' | `provider:${string}`;

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
  /** some provider prices a selected model in tiers (SegmentShape) */
  tiered: boolean;
  /** the cache mode and time to live, and whether the mode changes what choices cost (some request has cached tokens) */
  cache: { mode: CacheMode; ttlSeconds: number; priced: boolean };
}

export function checkBaseline(baseline: string): asserts baseline is Baseline {
  if (baseline === 'official' || baseline === 'observed' || /^provider:.+/.test(baseline)) return;
  throw new UsageError(`unknown baseline '${baseline}'; use official, observed or provider:NAME`);
}

const INF = `'infinity'::DOUBLE`;

/** A policy's order keys for slot k (lowest wins), compared in turn; then the provider name (slot order). */
type Keys = ((k: number) => string)[];

const fastest = (k: number) => CLASS_BEST.throughput((f) => `${f}_${k}`);
const cheapest = (k: number) => `cost_${k}`;

/**
 * The order keys of the policies with one objective. Ties: `cost` prefers the
 * higher decision TPS, every other policy the lower cost; a missing figure ranks last.
 */
const KEYS: Record<Objective, Keys> = {
  cost: [cheapest, fastest],
  throughput: [fastest, cheapest],
  latency: [(k) => `coalesce(d_e2e_${k}, ${INF})`, cheapest],
  ttft: [(k) => CLASS_BEST.ttft((f) => `${f}_${k}`), cheapest],
};

/**
 * Columns computed in layers over the candidates. A column goes in the layer after
 * the last column it uses, so each layer is one projection and nothing is inlined
 * twice; an expression asked for again (policies share keys and masks) is the same
 * column, named for what it holds (`what`) and numbered. After `filter`, only the rows it keeps go on.
 */
class Layers {
  private readonly layers: string[][] = [];
  private readonly layerOf = new Map<string, number>();
  private readonly byExpr = new Map<string, string>();
  private readonly filters = new Map<number, string>();
  private floor = 0;
  /** Adds `expr` (as `name`, or as `<what>_<n>`); returns the column's name. */
  add(expr: string, name?: string, what = 'column'): string {
    // a column as it is (of the candidates, or added before)
    if (!name && /^[a-z_][a-z0-9_]*$/i.test(expr)) return expr;
    const found = this.byExpr.get(expr);
    if (found && !name) return found;
    const src = found ?? expr;
    const uses = (src.match(/[a-z_][a-z0-9_]*/gi) ?? []).map((id) => this.layerOf.get(id) ?? -1);
    const layer = Math.max(this.floor, ...uses.map((l) => l + 1));
    const col = name ?? `${what}_${this.layerOf.size}`;
    (this.layers[layer] ??= []).push(`${src} AS ${col}`);
    this.layerOf.set(col, layer);
    if (!found) this.byExpr.set(expr, col);
    return col;
  }
  /** Keeps only the rows for which `condition` (on columns added so far) holds; later columns come after it. */
  filter(condition: string): void {
    const layer = Math.max(0, ...(condition.match(/[a-z_][a-z0-9_]*/gi) ?? []).map((id) => this.layerOf.get(id) ?? 0));
    this.filters.set(layer, condition);
    this.floor = layer + 1;
  }
  wrap(sql: string): string {
    return this.layers.reduce((inner, cols, i) => {
      if (!cols?.length) return inner;
      const layer = `SELECT *, ${cols.join(',\n  ')} FROM (${inner})`;
      const f = this.filters.get(i);
      return f ? `SELECT * FROM (${layer}) WHERE ${f}` : layer;
    }, sql);
  }
}

export const slotsOf = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/**
 * Adds column `name`: among the `eligible` slots (the feasible ones) not among the
 * `earlier` picks, the one with the lowest keys, compared in turn, then the lowest
 * slot. Level 0 is the least key over the eligible slots (each key masked to NULL
 * elsewhere, once for every attempt and policy); level i the least key i among the slots that tie
 * on the keys before it. Returns the pick's column (`name`, if given) and level 0's,
 * the chosen slot's first key. With a `guard`, only the rows for which it holds
 * are ranked (the others have no pick): the masks are written into the levels
 * rather than into columns of their own, so nothing is computed for the other rows.
 */
function argMin(
  L: Layers,
  name: string | undefined,
  keys: Keys,
  earlier: string[],
  slots: number,
  eligible = (k: number) => `feas_${k}`,
  guard?: string,
): { pick: string; least: string } {
  const ks = slotsOf(slots);
  const cols = keys.map((key) => ks.map((k) => L.add(key(k), undefined, 'key')));
  const mask = (k: number) => `CASE WHEN ${eligible(k)} THEN ${cols[0][k - 1]} END`;
  const masked = ks.map((k) => (guard ? `(${mask(k)})` : L.add(mask(k), undefined, 'eligible_key')));
  const add = (what: string, expr: string, as?: string) =>
    L.add(guard ? `CASE WHEN ${guard} THEN ${expr} END` : expr, as, what);
  const others = (k: number) => earlier.map((e) => `${k} IS DISTINCT FROM ${e}`);
  const m: string[] = [];
  const ties = (k: number, upto: number) => [
    ...others(k),
    ...m.slice(0, upto).map((mi, i) => `${i ? cols[i][k - 1] : masked[k - 1]} = ${mi}`),
  ];
  m.push(
    add(
      'least_key',
      `least(${ks.map((k) => (earlier.length ? `CASE WHEN ${others(k).join(' AND ')} THEN ${masked[k - 1]} END` : masked[k - 1])).join(', ')})`,
    ),
  );
  const atLeast = (k: number) => ties(k, 1).join(' AND ');
  if (keys.length === 1) return { pick: add('pick', firstSlot(atLeast, slots), name), least: m[0] };
  // the later keys only where several slots share the least first key: the first and the last of them differ
  const first = add('first_least', firstSlot(atLeast, slots));
  const tied = `${first} <> ${add('last_least', firstSlot(atLeast, slots, true))}`;
  for (let i = 1; i < keys.length; i++) {
    m.push(
      add(
        'least_key',
        `CASE WHEN ${tied} THEN least(${ks.map((k) => `CASE WHEN ${ties(k, i).join(' AND ')} THEN ${cols[i][k - 1]} END`).join(', ')}) END`,
      ),
    );
  }
  return {
    pick: add(
      'pick',
      `CASE WHEN ${tied} THEN ${firstSlot((k) => ties(k, keys.length).join(' AND '), slots)} ELSE ${first} END`,
      name,
    ),
    least: m[0],
  };
}

/** How many of the slots 1 … k a request fits, for k = 1 … slots: the last is how many it fits (classPick's class). */
function fitsUpTo(L: Layers, slots: number): string[] {
  const upto = [L.add('feas_1::INT', undefined, 'fits')];
  for (let k = 2; k <= slots; k++) upto.push(L.add(`${upto[k - 2]} + feas_${k}::INT`, undefined, 'fits'));
  return upto;
}

/**
 * The first choice of a policy of CLASS_BEST, from its segment's columns for the
 * request's class (the number of providers it fits): the provider with the best
 * figure when only one has it; when several do, the cheapest of them for this
 * request, then the first by name. The same choice as argMin over its keys, which
 * only requests with tied providers pay for.
 */
function classPick(L: Layers, policy: ClassPolicy, slots: number): string {
  const ks = slotsOf(slots);
  const c = fitsUpTo(L, slots)[slots - 1];
  const one = L.add(`CASE WHEN ${c} > 0 THEN (${policy}_one >> (4 * (${c} - 1))) & 15 END`, undefined, 'class_best');
  const ties = L.add(
    `CASE WHEN ${one} = 0 THEN ((${policy}_ties >> ((${c} - 1) * ${slots})::UHUGEINT) & ${2 ** slots - 1}::UHUGEINT)::BIGINT END`,
    undefined,
    'class_ties',
  );
  const tied = (k: number) => `(${ties} >> ${k - 1}) & 1 = 1`;
  const leastCost = `least(${ks.map((k) => `CASE WHEN ${tied(k)} THEN cost_${k} END`).join(', ')})`;
  return L.add(
    `CASE WHEN ${one} > 0 THEN ${one}
    WHEN ${one} = 0 THEN CASE ${ks.map((k) => `WHEN ${tied(k)} AND cost_${k} = ${leastCost} THEN ${k}`).join(' ')} END END`,
    undefined,
    'pick',
  );
}

/**
 * When every objective's own policy is in the run too, task-aware's figures are those
 * of its task's objective policy, request by request and summed per task: the index of
 * each objective's policy among `policies`, or undefined (task-aware then ranks itself).
 */
export function taskAwareSources(policies: readonly Policy[]): Record<Objective, number> | undefined {
  const index = (kind: Policy['kind']) => policies.findIndex((p) => p.kind === kind);
  if (index('task-aware') < 0 || OBJECTIVES.some((o) => index(o) < 0)) return undefined;
  return Object.fromEntries(OBJECTIVES.map((o) => [o, index(o)])) as Record<Objective, number>;
}

/** `CASE objective …`: per request (or per task), `column(i)` of its objective's policy i; cost when it has none. */
export function byObjective(sources: Record<Objective, number>, column: (i: number) => string): string {
  const others = OBJECTIVES.filter((o) => o !== 'cost').map((o) => `WHEN '${o}' THEN ${column(sources[o])}`);
  return `CASE objective ${others.join(' ')} ELSE ${column(sources.cost)} END`;
}

/** An objective policy's choice among the slots not among the `earlier` picks. */
function objectiveChoice(L: Layers, objective: Objective, earlier: string[], slots: number): string {
  if (objective in CLASS_BEST && earlier.length === 0 && slots <= CLASS_MAX_SLOTS) {
    return classPick(L, objective as ClassPolicy, slots);
  }
  return argMin(L, undefined, KEYS[objective], earlier, slots).pick;
}

/**
 * `balanced`: a weighted sum of each criterion min–max-normalised over the
 * request's feasible slots (0 for the best, 1 for the worst; 0 when they are all
 * equal or the figure is missing), then the cheapest. The weights are literals: a
 * criterion of weight 0 is not normalised at all, and one of weight 1 is not multiplied.
 * The latency range is read off latency's keys, which hold a missing latency as
 * infinity: only a range that ends at infinity is taken again without them.
 */
function balancedKeys(L: Layers, slots: number, weights: BalancedWeights): Keys {
  const ks = slotsOf(slots);
  const mask = (f: (k: number) => string) => ks.map((k) => `CASE WHEN feas_${k} THEN ${f(k)} END`);
  const ends = (f: (k: number) => string) => {
    const masked = mask(f).map((m) => L.add(m, undefined, 'feasible_figure'));
    return [
      L.add(`least(${masked.join(', ')})`, undefined, 'range_low'),
      L.add(`greatest(${masked.join(', ')})`, undefined, 'range_high'),
    ];
  };
  const e2eEnds = () => {
    const keyEnds = ends((k) => L.add(KEYS.latency[0](k), undefined, 'key'));
    const exact = mask((k) => `d_e2e_${k}`).join(', ');
    return ['least', 'greatest'].map((f, i) =>
      L.add(`CASE WHEN ${keyEnds[i]} < ${INF} THEN ${keyEnds[i]} ELSE ${f}(${exact}) END`, undefined, `range_${f}`),
    );
  };
  const norm = (f: string, best: 'least' | 'greatest', [lo, hi]: string[]) => {
    const range = L.add(`nullif(${hi} - ${lo}, 0)`, undefined, 'range');
    return (k: number) => `coalesce((${best === 'least' ? `${f}_${k} - ${lo}` : `${hi} - ${f}_${k}`}) / ${range}, 0)`;
  };
  const criteria = [
    { weight: weights.cost, term: () => norm('cost', 'least', ends(cheapest)) },
    { weight: weights.latency, term: () => norm('d_e2e', 'least', e2eEnds()) },
    {
      weight: weights.throughput,
      term: () =>
        norm(
          'd_tps',
          'greatest',
          ends((k) => `d_tps_${k}`),
        ),
    },
  ]
    .filter(({ weight }) => weight !== 0)
    .map(({ weight, term }) => ({ weight, term: term() }));
  const score = (k: number) =>
    criteria.map(({ weight, term }) => (weight === 1 ? term(k) : `${weight}::DOUBLE * ${term(k)}`)).join(' + ') || '0';
  return [score, cheapest];
}

/**
 * Adds the columns `pick_<i>_<j>`: policy i's j-th attempt (1 without fallback,
 * up to retries + 1 for a ranking policy; a policy that makes one choice has one).
 * Returns how many attempts it has, and the column holding the first attempt's cost
 * when a key already has it.
 */
function addPolicy(L: Layers, policy: Policy, i: number, o: PolicyOptions): { attempts: number; cost?: string } {
  const n = o.slots;
  const name = (j: number) => `pick_${i}_${j}`;
  if (policy.kind === 'fixed') {
    L.add(namedSlot(o.named.indexOf(policy.provider!)), name(1));
    return { attempts: 1 };
  }
  if (policy.kind === 'static-best') {
    L.add(`CASE WHEN ${figureOf('feas', 'static_slot', n)} THEN static_slot END`, name(1));
    return { attempts: 1 };
  }
  if (policy.kind === 'cost-sticky') {
    // its chain's provider (sim_links), feasible for every request of the chain
    L.add('sticky_slot', name(1));
    return { attempts: 1 };
  }
  if (policy.kind === 'round-robin' || policy.kind === 'random') {
    // both cycle through the feasible slots in provider-name order: the nth feasible one
    const upto = fitsUpTo(L, n);
    const nth = L.add(`${policy.needsOrder ? 'seq' : 'u'} % ${upto[n - 1]} + 1`, undefined, 'turn');
    L.add(
      firstSlot((k) => `feas_${k} AND ${upto[k - 1]} = ${nth}`, n),
      name(1),
    );
    return { attempts: 1 };
  }
  const attempts = o.retries + 1;
  if (policy.kind === 'task-aware') {
    // each task's objective is that of a policy: its choice, one column with that policy's when both run
    for (let j = 1; j <= attempts; j++) {
      const earlier = slotsOf(j - 1).map(name);
      const pick = (objective: Objective) => objectiveChoice(L, objective, earlier, n);
      L.add(
        `CASE objective WHEN 'throughput' THEN ${pick('throughput')} WHEN 'latency' THEN ${pick('latency')}
        WHEN 'ttft' THEN ${pick('ttft')} ELSE ${pick('cost')} END`,
        name(j),
      );
    }
    return { attempts };
  }
  if (policy.kind === 'sla') {
    // the cheapest provider meeting the objective (ties: the faster); when none does, the latency policy's
    // choice. One does when latency's does, and only then are those that meet it ranked
    for (let j = 1; j <= attempts; j++) {
      const earlier = slotsOf(j - 1).map(name);
      const quickest = argMin(L, undefined, KEYS.latency, earlier, n);
      const met = `${quickest.least} <= $slo_ms`;
      const meets = argMin(
        L,
        undefined,
        [cheapest, KEYS.latency[0]],
        earlier,
        n,
        (k) => `feas_${k} AND d_e2e_${k} <= $slo_ms`,
        met,
      );
      L.add(`CASE WHEN ${met} THEN ${meets.pick} ELSE ${quickest.pick} END`, name(j));
    }
    return { attempts };
  }
  if (policy.objective && policy.objective in CLASS_BEST) {
    for (let j = 1; j <= attempts; j++)
      L.add(objectiveChoice(L, policy.objective, slotsOf(j - 1).map(name), n), name(j));
    return { attempts };
  }
  const keys = policy.objective ? KEYS[policy.objective] : balancedKeys(L, n, o.weights);
  let first = '';
  for (let j = 1; j <= attempts; j++) {
    const { least } = argMin(L, name(j), keys, slotsOf(j - 1).map(name), n);
    if (j === 1) first = least;
  }
  // the cheapest feasible slot's cost is level 0's least key
  return { attempts, ...(keys[0] === cheapest ? { cost: first } : {}) };
}

/** The providers policies and the baseline name (fixed:NAME, provider:NAME): `named_<j>` in the segments. */
export function namedProviders(policies: readonly Policy[], baseline: Baseline): string[] {
  const fixed = policies.flatMap((p) => (p.provider === undefined ? [] : [p.provider]));
  return [...new Set([...fixed, ...(baseline.startsWith('provider:') ? [baseline.slice('provider:'.length)] : [])])];
}

/** The slot of the j-th named provider when it is feasible for the request. */
const namedSlot = (j: number) => `CASE WHEN named_${j}_cap >= total_tokens THEN named_${j}_slot END`;

/** The baseline's slot per request: observed always, the others only when feasible. */
function baselineSlot(baseline: Baseline, o: PolicyOptions): string {
  // observed needs no feasibility, only a price in force to model its cost
  if (baseline === 'observed')
    return `CASE WHEN ${figureOf('cost', 'observed_slot', o.slots)} IS NOT NULL THEN observed_slot END`;
  // a model with several official endpoints: the first by name that is feasible
  if (baseline === 'official') {
    if (o.officials === 0) return 'CAST(NULL AS BIGINT)';
    const ranks = Array.from({ length: o.officials }, (_, r) => `official_${r + 1}`);
    return `CASE ${ranks.map((x) => `WHEN ${x}_cap >= total_tokens THEN ${x}_slot`).join(' ')} END`;
  }
  return namedSlot(o.named.indexOf(baseline.slice('provider:'.length)));
}

/**
 * Figure `f` of the slot in column `slot`: with `listed`, an element of one list of
 * the slots' figures per request, which every policy indexes; else `CASE slot …`.
 */
function lookup(L: Layers, f: Figure, slot: string, slots: number, listed: boolean): string {
  return listed
    ? `${L.add(
        `[${slotsOf(slots)
          .map((k) => `${f}_${k}`)
          .join(', ')}]`,
        undefined,
        `${f}_by_slot`,
      )}[${slot}]`
    : figureOf(f, slot, slots);
}

/** The columns of policy i's attempt j are named `policy<i>_attempt<j>_<figure>`. */
const attemptColumn = (i: number, j: number) => `policy${i}_attempt${j}`;

/**
 * Attempt j of policy i, as columns `policy<i>_attempt<j>_<figure>`: success probability, cost
 * (`cost`: the first attempt's, when a column has it already), what it bills if it
 * fails (its prompt), TPS, TTFT and end-to-end latency: the chosen slot's, or with
 * few policies (see MANY_POLICIES) computed from its TTFT and TPS.
 */
function addAttempts(
  L: Layers,
  i: number,
  attempts: number,
  o: { slots: number; many: boolean; cost?: string; lost: boolean },
): void {
  const { slots, many, cost } = o;
  for (let j = 1; j <= attempts; j++) {
    const fig = (f: Figure) => lookup(L, f, `pick_${i}_${j}`, slots, many);
    const a = attemptColumn(i, j);
    if (o.lost) L.add(fig('lost'), `${a}_lost`);
    L.add(fig('o_success'), `${a}_p`);
    L.add(j === 1 && cost ? cost : fig('cost'), `${a}_cost`);
    L.add(fig('icost'), `${a}_icost`);
    L.add(fig('o_tps'), `${a}_tps`);
    L.add(fig('o_ttft'), `${a}_ttft`);
    L.add(many ? fig('o_e2e') : `(${endToEnd(`${a}_ttft`, `${a}_tps`)})`, `${a}_e2e`);
  }
}

/**
 * From this many ranked policies on, work per request that the policies share pays
 * for itself: every slot's end-to-end latency is computed once and each policy looks
 * its choice's up, instead of two lookups (TTFT, TPS) and the arithmetic; and each
 * figure is looked up in one list per request, instead of a CASE per policy. Where
 * the two ways break even is an estimate: a lookup among 8 slots costs about as much
 * as four or five arithmetic operations, and building a list about as much as one CASE.
 */
const MANY_POLICIES = 4;

/**
 * Per-policy figures of a request: the columns `p<i>_<name>` of replaySql. `key`:
 * the slot of its one attempt, or with fallback the list of its attempts' slots
 * (NULL past the last); a segment's figures and the key make every outcome but
 * cost and end-to-end latency (keyFiguresSql).
 */
const OUTPUTS = ['slot', 'key', 'cost', 'tps', 'ttft', 'e2e', 'success', 'first_success', 'compared'] as const;

/**
 * Policy i's figures from its attempts. One attempt: its figures as they are. With
 * fallback, attempt j is reached with probability reach_j = Π_{i<j} (1 − p_i).
 * Expected cost Σ reach_j (p_j cost_j + (1 − p_j) failed_j), where a failed attempt
 * bills its input tokens (or nothing); a failed attempt takes its TTFT, so expected
 * time to first token is Σ reach_j ttft_j and end-to-end Σ reach_j (p_j e2e_j + (1 − p_j) ttft_j);
 * the request fails with probability Π (1 − p_j); TPS is that of the attempt that succeeds.
 */
function policyOutputs(
  i: number,
  attempts: number,
  o: Pick<PolicyOptions, 'retries' | 'failedAttemptsFree'>,
): Record<(typeof OUTPUTS)[number], string> {
  const a = (j: number, f: string) => `${attemptColumn(i, j)}_${f}`;
  const e2e = (j: number) => a(j, 'e2e');
  const js = slotsOf(attempts);
  const picks = js.map((j) => `pick_${i}_${j}`);
  const common = { slot: picks[0], compared: `${picks[0]} IS NOT NULL`, first_success: a(1, 'p') };
  if (o.retries === 0) {
    return {
      ...common,
      key: picks[0],
      cost: a(1, 'cost'),
      tps: a(1, 'tps'),
      ttft: a(1, 'ttft'),
      e2e: e2e(1),
      success: a(1, 'p'),
    };
  }
  const p = (j: number) => a(j, 'p');
  const reach = reachOf(i);
  // list_sum skips missing attempts (NULL terms), as SUM does
  const sum = (term: (j: number) => string) => `list_sum([${js.map((j) => `${reach(j)} * ${term(j)}`).join(', ')}])`;
  return {
    ...common,
    key: `CASE WHEN ${common.compared} THEN [${picks.join(', ')}] END`,
    cost: sum((j) => `(${p(j)} * ${a(j, 'cost')} + (1 - ${p(j)}) * ${o.failedAttemptsFree ? '0' : a(j, 'icost')})`),
    tps: `${sum((j) => `${p(j)} * ${a(j, 'tps')}`)} / nullif(${sum(p)}, 0)`,
    ttft: sum((j) => a(j, 'ttft')),
    e2e: sum((j) => `(${p(j)} * ${e2e(j)} + (1 - ${p(j)}) * ${a(j, 'ttft')})`),
    success: `1 - ${js.map((j) => `coalesce(1 - ${p(j)}, 1)`).join(' * ')}`,
  };
}

/** Π_{x<j} (1 − p_x): the probability that policy i's attempt j is made. */
const reachOf = (i: number) => (j: number) =>
  slotsOf(j - 1)
    .map((x) => `(1 - ${attemptColumn(i, x)}_p)`)
    .join(' * ') || '1';

/**
 * What policy i's request costs more for each attempt that misses the cache (as its key: one
 * value, or with fallback a list): the attempt's `lost` (feasibility.slotFigures), weighted
 * like its cost by the chance it is made, and, when failed attempts bill nothing, that it succeeds.
 */
function missOf(i: number, attempts: number, o: Pick<PolicyOptions, 'retries' | 'failedAttemptsFree'>): string {
  const a = (j: number, f: string) => `${attemptColumn(i, j)}_${f}`;
  if (o.retries === 0) return a(1, 'lost');
  const reach = reachOf(i);
  const terms = slotsOf(attempts).map(
    (j) => `${reach(j)} * ${o.failedAttemptsFree ? `${a(j, 'p')} * ` : ''}${a(j, 'lost')}`,
  );
  return `[${terms.join(', ')}]`;
}

/** The outcome figures of a segment's slot that a key's attempts take (sim_seg's `<figure>_k`), as policyOutputs names them. */
const KEY_FIGURES = { p: 'o_success', tps: 'o_tps', ttft: 'o_ttft' } as const;

/** sim_seg's columns keyFiguresSql reads. */
export const keyFigureColumns = (slots: number) =>
  Object.values(KEY_FIGURES).flatMap((f) => slotsOf(slots).map((k) => `${f}_${k}`));

/**
 * Over rows with a `key` (OUTPUTS) and their segment's keyFigureColumns: the first
 * attempt's `slot` and the request's `tps`, `ttft`, `success` and `first_success`,
 * as policyOutputs makes them per request. A policy with one choice has a key of
 * one slot, which under fallback gives the same figures as its own attempt.
 */
export function keyFiguresSql(sql: string, o: Pick<PolicyOptions, 'retries' | 'failedAttemptsFree' | 'slots'>): string {
  const attempts = o.retries + 1;
  const slot = (j: number) => (o.retries ? `key[${j}]` : 'key');
  const figures = slotsOf(attempts).flatMap((j) =>
    Object.entries(KEY_FIGURES).map(
      ([name, f]) => `${figureOf(f, slot(j), o.slots)} AS ${attemptColumn(0, j)}_${name}`,
    ),
  );
  const out = policyOutputs(0, attempts, o);
  return `SELECT *, ${slot(1)} AS slot, ${out.tps} AS tps, ${out.ttft} AS ttft, ${out.success} AS success,
      ${out.first_success} AS first_success
    FROM (SELECT *, ${figures.join(', ')} FROM (${sql}))`;
}

export interface ReplaySources {
  /** the selected requests (feasibility.requestsSql) */
  requests: SqlFragment;
  /** `sim_static_best` exists */
  staticBest: boolean;
  /** `sim_task_objective` exists */
  taskObjectives: boolean;
  /** `sim_links` has cost-sticky's `sticky_slot` (buildStickyChains; the requests have their `rid`) */
  stickyChains: boolean;
  /** the rows keep their `request_id` (for outcomesSql) */
  ids?: boolean;
  /** every task the requests have (feasibility.textValues): the chain window carries the task as an enum code */
  tasks?: readonly string[];
}

/** The candidates with the small per-request lookups the policies run need. */
function policyCandidatesSql(src: ReplaySources, shape: SegmentShape, observed: boolean): SqlFragment {
  const joins = [
    src.staticBest
      ? `LEFT JOIN (SELECT model AS sb_model, task AS sb_task, slot AS static_slot FROM sim_static_best) sb
         ON sb.sb_model = r.model AND sb.sb_task IS NOT DISTINCT FROM r.task`
      : '',
    src.taskObjectives
      ? `LEFT JOIN (SELECT task AS to_task, objective AS task_objective FROM sim_task_objective) t ON t.to_task = r.task`
      : '',
    src.stickyChains ? `LEFT JOIN (SELECT rid AS ln_rid, sticky_slot FROM sim_links) ln ON ln.ln_rid = r.rid` : '',
  ].join('\n');
  const c = candidatesSql(src.requests, shape, { joins, observed });
  const objective = src.taskObjectives ? `, coalesce(task_objective, 'cost') AS objective` : '';
  return { sql: `SELECT *${objective} FROM (${c.sql})`, params: c.params };
}

/**
 * One row per request with a feasible baseline: its `base_slot`, `base_cost` and `base_tps`, and
 * for policy i (in the order given) the columns `p<i>_<figure>` of OUTPUTS: the
 * chosen `slot` (sim_slots names it), modelled cost, TPS, TTFT, end-to-end,
 * success probability (`first_success`: of the first attempt alone), and whether
 * the request is `compared` (the policy has a choice). Where the cache mode prices hits
 * (cacheCostsSql), `p<i>_lost` and `p<i>_kept` too, and the costs include the lost hits.
 */
export function replaySql(
  policies: readonly Policy[],
  baseline: Baseline,
  src: ReplaySources,
  o: PolicyOptions,
): SqlFragment {
  const { priced } = o.cache;
  // in chain mode, each request's hits are where the previous request of its chain went (the requests have
  // the columns their chains are found by: cache.chainColumnsSql)
  const lagged = priced && o.cache.mode === 'chain';
  // the provider that served a request: the observed baseline's, and where its logged hits are
  const cand = policyCandidatesSql(src, o, baseline === 'observed' || priced);
  const params: SqlParams = {
    ...cand.params,
    slo_ms: o.sloLatencyMs,
    cache_ttl_s: o.cache.ttlSeconds,
  };
  const L = new Layers();
  L.add(baselineSlot(baseline, o), 'base_slot');
  // a request without a feasible baseline is compared under no policy (in chain mode, once the next request
  // of its chain has found its choices)
  if (!lagged) L.filter('base_slot IS NOT NULL');
  const sources = taskAwareSources(policies);
  const ranked = policies.flatMap((policy, i) => (sources && policy.needsTaskObjectives ? [] : [i]));
  const many = ranked.length >= MANY_POLICIES;
  const picked = ranked.map((i) => ({ i, ...addPolicy(L, policies[i], i, o) }));
  // the figures of what was chosen: over the same rows, or in chain mode once the choices are kept (chainChoicesSql)
  const F = lagged ? new Layers() : L;
  F.add(lookup(F, 'cost', 'base_slot', o.slots, many), 'base_cost');
  F.add(lookup(F, 'o_tps', 'base_slot', o.slots, many), 'base_tps');
  if (priced) F.add(lookup(F, 'lost', 'base_slot', o.slots, many), 'base_miss');
  for (const { i, attempts, cost } of picked) {
    // the cheapest slot's cost, a column before the choices are kept, is looked up again after
    addAttempts(F, i, attempts, { slots: o.slots, many, cost: lagged ? undefined : cost, lost: priced });
    for (const [name, expr] of Object.entries(policyOutputs(i, attempts, o))) F.add(expr, `p${i}_${name}`);
    if (priced) F.add(missOf(i, attempts, o), `p${i}_miss`);
  }
  if (sources) {
    const i = policies.findIndex((p) => p.needsTaskObjectives);
    for (const name of [...OUTPUTS, ...(priced ? ['miss'] : [])])
      F.add(
        byObjective(sources, (j) => `p${j}_${name}`),
        `p${i}_${name}`,
      );
  }
  const sql = lagged ? F.wrap(chainChoicesSql(L.wrap(cand.sql), policies, picked, baseline, o, src)) : L.wrap(cand.sql);
  return { sql: priced ? cacheCostsSql(sql, policies, baseline, o) : sql, params };
}

/**
 * The chosen rows with what the sums and outcomes read: `cache_first`, where the baseline and each
 * policy sent the previous request of its chain (`base_slot_prev`, `p<i>_slot_prev`; cost-sticky sends
 * the whole chain where it sends this one), from a window over the rows in chain order (cache.chainPreviousSql),
 * and every slot's figures, found again after; only requests with a baseline. The window carries the rows
 * with a byte per choice and no figure (the request id only with `ids`, for outcomesSql, beyond its sort).
 * They are then sorted by segment (one integer): the segment lookup and the sums after read their tables in
 * order, which in chain order they would read at random (at 10 M on the bench market, `--policy all`'s sums
 * took four times the CPU).
 */
function chainChoicesSql(
  sql: string,
  policies: readonly Policy[],
  picked: { i: number; attempts: number }[],
  baseline: Baseline,
  o: PolicyOptions,
  { ids, tasks }: Pick<ReplaySources, 'ids' | 'tasks'>,
): string {
  const sources = taskAwareSources(policies);
  const slot = (c: string) => (o.slots < 256 ? `${c}::UTINYINT AS ${c}` : c);
  // a byte rather than the text (at 10 M on the demo market, the window held 0.91-0.94 GB against 1.14-1.16 GB);
  // text again where the sums are stored (results.aggregateOutcomes)
  const task = tasks?.length ? `task::${enumType(tasks)} AS task` : 'task';
  // the model is the segment's, found again with its figures; the chain's columns only for the window
  const keep = [
    ...(ids ? ['request_id'] : []),
    ...['ts', 'chain_part', 'chain_key', 'chain_tie'],
    ...['day', task, 'seg', slot('observed_slot'), slot('base_slot')],
    ...['input_tokens', 'output_tokens', 'cached_tokens', 'write_tokens', ...(sources ? ['objective'] : [])],
    ...picked.flatMap(({ i, attempts }) => slotsOf(attempts).map((j) => slot(`pick_${i}_${j}`))),
  ];
  // task-aware, when it takes its objective policies' choices: that of the previous request's objective
  const first = (i: number) =>
    sources && policies[i].needsTaskObjectives ? byObjective(sources, (j) => `pick_${j}_1`) : `pick_${i}_1`;
  const sent = [
    ...(baseline === 'observed' ? [] : [['base_slot', 'base_slot_prev'] as const]),
    ...policies.flatMap((p, i) => (p.perChain ? [] : [[first(i), `p${i}_slot_prev`] as const])),
  ];
  const chained = chainPreviousSql(`SELECT ${keep.join(', ')} FROM (${sql})`, sent);
  return segmentFiguresSql(`SELECT * EXCLUDE (ts) FROM (${chained}) WHERE base_slot IS NOT NULL ORDER BY seg`, o);
}

/**
 * Each policy's and the baseline's costs with the cache hits their choices lose (cache.ts): the cached
 * tokens of a request are a hit where the provider holds its prefix — in `chain` mode the one the
 * previous request of its chain went to, for the first of a chain (and in `cold` mode for every
 * request) the one that served it. `p<i>_lost` is what the misses cost, `p<i>_kept` the cached tokens
 * kept by the first attempt. The observed baseline keeps every hit: it is what happened.
 */
function cacheCostsSql(sql: string, policies: readonly Policy[], baseline: Baseline, o: PolicyOptions): string {
  const holder = (sent: string) =>
    o.cache.mode === 'cold' ? 'observed_slot' : `CASE WHEN cache_first THEN observed_slot ELSE ${sent} END`;
  const missed = (slot: string, at: string, miss: string) =>
    `coalesce(CASE WHEN ${slot} IS DISTINCT FROM ${at} THEN ${miss} END, 0)`;
  const columns = policies.flatMap((p, i) => {
    // cost-sticky keeps a chain on one provider: where the chain's previous request went
    const at = holder(p.perChain ? `p${i}_slot` : `p${i}_slot_prev`);
    const js = slotsOf(o.retries + 1);
    const lost = o.retries
      ? js.map((j) => missed(`p${i}_key[${j}]`, at, `p${i}_miss[${j}]`)).join(' + ')
      : missed(`p${i}_key`, at, `p${i}_miss`);
    return [`${lost} AS p${i}_lost`, `CASE WHEN p${i}_slot = ${at} THEN cached_tokens ELSE 0 END AS p${i}_kept`];
  });
  const base = baseline === 'observed' ? [] : [missed('base_slot', holder('base_slot_prev'), 'base_miss')];
  const costs = [
    ...policies.map((_, i) => `p${i}_cost + p${i}_lost AS p${i}_cost`),
    ...base.map((lost) => `base_cost + ${lost} AS base_cost`),
  ];
  return `SELECT * REPLACE (${costs.join(', ')}) FROM (SELECT *, ${columns.join(', ')} FROM (${sql}))`;
}

/**
 * One row per policy and compared request: `policy, request_id, day, model, task,
 * slot, cost, tps, ttft, e2e, success, first_success, base_cost, base_tps`.
 */
export function outcomesSql(policies: readonly Policy[], replay: SqlFragment): SqlFragment {
  const params: SqlParams = { ...replay.params };
  const rows = policies.map((policy, i) => {
    params[`policy_${i}`] = policy.name;
    const fields = OUTPUTS.filter((f) => f !== 'compared' && f !== 'key').map((f) => `'${f}': p${i}_${f}`);
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
 * Requests are summed per segment and task first. Within a segment the number of
 * providers whose context a request exceeds (`r`) tells which ones it fits, and
 * each of those fits the group's longest request.
 */
export async function buildStaticBest(store: Store, requests: SqlFragment, shape: SegmentShape): Promise<void> {
  const ks = slotsOf(shape.slots);
  const c = candidatesSql(requests, shape);
  const per = ks.map((k) => `{'slot': ${k}, 'feasible': cap_${k} >= longest, 'cost': cost_${k}, 'd_tps': d_tps_${k}}`);
  await store.run(
    `CREATE OR REPLACE TEMP TABLE sim_static_best AS
     WITH g AS (
       SELECT seg, task, ${ks.map((k) => `(cap_${k} < total_tokens)::INT`).join(' + ')} AS r,
         count(*) AS n, max(total_tokens) AS longest, ${ks.map((k) => `sum(cost_${k}) AS cost_${k}`).join(', ')}
       FROM (${c.sql}) WHERE seg IS NOT NULL GROUP BY ALL
     ), per_slot AS (
       SELECT s.model, g.task, g.n, unnest([${per.join(', ')}]) AS x
       FROM g JOIN sim_seg s USING (seg)
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

/**
 * cost-sticky's provider for each request (by its row number) in a cache chain, as `sim_links(rid,
 * sticky_slot)`: of the providers feasible for every request of the chain, the one at which the chain
 * costs least, its hits kept but the first request's where it was not served there (`lost`); ties: the
 * first by name; none when no provider serves the whole chain. The requests (feasibility.requestsSql) have
 * the columns their chains are found by (cache.chainColumnsSql) and `rid`; the chains are found first on
 * these narrow rows alone (cache.chainLinksSql), as a window sorts all it carries.
 */
export async function buildStickyChains(
  store: Store,
  requests: SqlFragment,
  shape: SegmentShape,
  ttlSeconds: number,
): Promise<void> {
  await store.run(
    `CREATE OR REPLACE TEMP TABLE sim_links AS
     ${chainLinksSql(requests.sql)}`,
    { ...requests.params, cache_ttl_s: ttlSeconds },
  );
  const ks = slotsOf(shape.slots);
  const c = candidatesSql(requests, shape, { observed: true, joins: 'JOIN sim_links l ON l.rid = r.rid' });
  // one sum per slot: a request the slot cannot serve adds infinity, and the chain has no total there
  const total = (k: number) =>
    `nullif(sum(CASE WHEN feas_${k} THEN cost_${k} + CASE WHEN prev_rid IS NULL AND observed_slot IS DISTINCT FROM ${k} THEN lost_${k} ELSE 0 END
      ELSE ${INF} END), ${INF}) AS total_${k}`;
  const least = `least(${ks.map((k) => `total_${k}`).join(', ')})`;
  await store.run(
    `CREATE OR REPLACE TEMP TABLE sim_links AS
     WITH chains AS (
       SELECT cache_chain, ${firstSlot((k) => `total_${k} = ${least}`, shape.slots)} AS sticky_slot
       FROM (SELECT cache_chain, ${ks.map(total).join(', ')} FROM (${c.sql}) GROUP BY cache_chain)
     )
     SELECT l.rid, chains.sticky_slot FROM sim_links l JOIN chains USING (cache_chain)`,
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
