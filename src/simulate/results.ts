/**
 * Per-policy results from the replay's outcomes, summed once into `sim_agg`, and
 * the day-block bootstrap of savings and throughput gain.
 */
import type { SqlFragment } from '../query/selection.js';
import type { Store } from '../store/db.js';
import {
  groupColumn,
  groupKey,
  latencyAggregates,
  type Bands,
  type Latencies,
  type Percentiles,
} from './percentiles.js';
import type { ExclusionReason } from './feasibility.js';
import type { Policy } from './policy.js';
import { byObjective, keyFigureColumns, keyFiguresSql, slotsOf, taskAwareSources, type Baseline } from './replay.js';

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
  /** those requests by reason (feasibility.EXCLUSION_REASONS), adding up to `infeasible`; overall results only */
  excluded?: Partial<Record<ExclusionReason, number>>;
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
  /** cached input tokens the policy's choices keep, percent of the compared requests' input tokens */
  cacheHitRate: number | null;
  /** cached input tokens logged, percent of the compared requests' input tokens */
  loggedCacheHitRate: number | null;
  /** what the policy's choices cost more than with every logged hit kept */
  lostCacheCost: number;
  routing: RoutingShare[];
}

/**
 * `sim_agg`: per policy, model, task and day what the results and the bootstrap
 * add up: compared requests, baseline and policy cost, TPS and TTFT sums and
 * counts, expected failures. `sim_routing`: compared requests per policy, model,
 * task, day and chosen provider. Both from `sim_agg_wide`, one pass over the
 * replay (replay.replaySql) per segment, task and day: what depends on each request
 * (costs, the baseline's TPS) is summed there, and each policy's requests are
 * counted per key (the slots its attempts went to), whose segment's figures make the rest
 * (`sim_keyed`, replay.keyFiguresSql). The pass also keeps what each policy's
 * percentiles of end-to-end latency need (percentiles do not add
 * up): every latency, or with `bands` (one per policy) the counts below and the
 * latencies inside them. Returns those columns, by policy. task-aware beside every
 * objective policy (replay.taskAwareSources) has no sums of its own: per task, its
 * objective policy's are its (but for what its own cache hits cost, with `cached`).
 */
export async function aggregateOutcomes(
  store: Store,
  replay: SqlFragment,
  policies: readonly Policy[],
  o: {
    baseline: Baseline;
    retries: number;
    failedAttemptsFree: boolean;
    slots: number;
    /** the replay has `p<i>_lost` and `p<i>_kept` (replay.replaySql): the cache mode prices hits */
    cached: boolean;
    bands?: Bands[];
    onProgress?: (pct: number) => void;
  },
): Promise<Latencies[]> {
  const names = Object.fromEntries(policies.map((p, i) => [`policy_${i}`, p.name]));
  // every distinct aggregate once: policies that choose wherever the baseline is feasible share the baseline's sums
  const aggregates = new Map<string, string>();
  const agg = (expr: string) =>
    aggregates.get(expr) ?? (aggregates.set(expr, `agg_${aggregates.size}`), `agg_${aggregates.size - 1}`);
  // columns the aggregates share, computed once below them
  const columns: string[] = [];
  const column = (expr: string) => (columns.push(`${expr} AS band_${columns.length}`), `band_${columns.length - 1}`);
  const sums = (policy: Policy, i: number) => {
    const x = (name: string) => `p${i}_${name}`;
    // the policy's own figures are NULL where it has no choice; the baseline's are filtered,
    // unless the policy chooses wherever the baseline is feasible (observed needs no feasibility)
    const all = policy.alwaysChooses && o.baseline !== 'observed';
    const f = all ? '' : ` FILTER (WHERE ${x('compared')})`;
    return {
      base_cost: agg(`sum(base_cost)${f}`),
      base_tps: agg(`sum(base_tps)${f}`),
      base_n: agg(`count(base_tps)${f}`),
      keys: keyCounts(x('key')),
      input: agg(`sum(input_tokens)${f}`),
      logged: agg(`sum(cached_tokens)${f}`),
      // without priced hits every logged hit is kept
      ...(o.cached
        ? cacheSums(i)
        : { cost: agg(`sum(${x('cost')})`), kept: agg(`sum(cached_tokens)${f}`), lost: agg('0') }),
    };
  };
  // each policy's requests per key, as a list of {key, value}: where the key is a slot, a count per slot (a
  // histogram keeps a map per group on the heap, outside DuckDB's memory ceiling: on the demo market, `--policy
  // all`'s sums took 16.7 s of CPU with them, 14.7 s with the counts); with fallback, a histogram of the lists
  const keyCounts = (key: string) =>
    o.retries
      ? `map_entries(${agg(`histogram(${key})`)})`
      : `[${slotsOf(o.slots)
          .map((k) => `{'key': ${k}, 'value': ${agg(`count_if(${key} = ${k})`)}}`)
          .join(', ')}]`;
  const cacheSums = (i: number) => ({
    cost: agg(`sum(p${i}_cost)`),
    kept: agg(`sum(p${i}_kept)`),
    lost: agg(`sum(p${i}_lost)`),
  });
  // task-aware's sums per task are its objective policy's; its latencies are its own, as percentiles do not add up
  type Sums = ReturnType<typeof sums>;
  const sources = taskAwareSources(policies);
  const own = policies.map((policy, i) => (sources && policy.needsTaskObjectives ? undefined : sums(policy, i)));
  const objectives = (): Sums => {
    const keys = Object.keys(own[sources!.cost]!) as (keyof Sums)[];
    return Object.fromEntries(keys.map((key) => [key, byObjective(sources!, (j) => own[j]![key])])) as Sums;
  };
  const fields = policies.map((_, i) => ({
    policy: `$policy_${i}`,
    ...(own[i] ?? { ...objectives(), ...(o.cached ? cacheSums(i) : {}) }),
    e2e: latencyAggregates(`p${i}_e2e`, o.bands?.[i], agg, column),
  }));
  const wide = sources
    ? `(SELECT w.*, coalesce(t.objective, 'cost') AS objective FROM sim_agg_wide w LEFT JOIN sim_task_objective t ON t.task = w.task)`
    : 'sim_agg_wide';
  // the task as text: the chain window carries it as an enum code (replay.chainChoicesSql)
  await store.runWithProgress(
    `CREATE OR REPLACE TEMP TABLE sim_agg_wide AS
     SELECT seg, model, task::VARCHAR AS task, day, ${[...aggregates].map(([expr, alias]) => `${expr} AS ${alias}`).join(',\n       ')}
     FROM (SELECT *${columns.map((c) => `, ${c}`).join('')} FROM (${replay.sql})) GROUP BY seg, model, task, day`,
    replay.params,
    o.onProgress,
  );
  const struct = (fs: Record<string, string>) =>
    `{${Object.entries(fs)
      .map(([k, v]) => `'${k}': ${v}`)
      .join(', ')}}`;
  const per = (pick: (f: (typeof fields)[number]) => Record<string, string>) =>
    `SELECT seg, model, task, day, unnest([${fields.map((f) => struct({ policy: f.policy, ...pick(f) })).join(', ')}]) AS x FROM ${wide}`;
  const keyed = `
    SELECT e.model, e.task, e.day, e.policy, e.entry.key AS key, e.entry.value::BIGINT AS n, ${keyFigureColumns(o.slots)
      .map((c) => `s.${c}`)
      .join(', ')}
    FROM (SELECT seg, model, task, day, x.policy, unnest(x.keys) AS entry FROM (${per((f) => ({ keys: f.keys }))})) e
    JOIN sim_seg s USING (seg)
    WHERE e.entry.value > 0`;
  // summed per first attempt's slot as they are made: one row per segment, task, day, policy and key would be
  // held whole (on the demo market with every policy, about 0.7 GB)
  await store.run(
    `CREATE OR REPLACE TEMP TABLE sim_keyed AS
     SELECT model, task, day, policy, slot, sum(n) AS n, sum(n * tps) AS tps, sum(n) FILTER (WHERE tps IS NOT NULL) AS tps_n,
       sum(n * ttft) AS ttft, sum(n) FILTER (WHERE ttft IS NOT NULL) AS ttft_n,
       sum(n * (1 - success)) AS failures, sum(n * (1 - first_success)) AS first_failures
     FROM (${keyFiguresSql(keyed, o)}) GROUP BY ALL`,
    names,
  );
  await store.run(
    `CREATE OR REPLACE TEMP TABLE sim_agg AS
     WITH s AS (
       SELECT model, task, day, x.policy, sum(x.base_cost) AS base_cost, sum(x.cost) AS cost,
         sum(x.base_tps) AS base_tps, sum(x.base_n) AS base_n, sum(x.input) AS input, sum(x.logged) AS logged,
         sum(x.kept) AS kept, sum(x.lost) AS lost
       FROM (${per(({ policy: _p, keys: _k, e2e: _e, ...sums }) => sums)}) GROUP BY ALL
     ), k AS (
       SELECT model, task, day, policy, sum(n) AS n, sum(tps) AS tps, sum(tps_n) AS tps_n, sum(ttft) AS ttft,
         sum(ttft_n) AS ttft_n, sum(failures) AS failures, sum(first_failures) AS first_failures
       FROM sim_keyed GROUP BY ALL
     )
     SELECT s.*, coalesce(k.n, 0) AS n, k.* EXCLUDE (model, task, day, policy, n)
     FROM s LEFT JOIN k ON k.policy = s.policy AND k.model = s.model AND k.task IS NOT DISTINCT FROM s.task AND k.day = s.day`,
    names,
  );
  await store.run(
    `CREATE OR REPLACE TEMP TABLE sim_routing AS
     SELECT k.model, k.task, k.day, k.policy, s.provider, sum(k.n) AS n
     FROM sim_keyed k JOIN sim_slots s ON s.model = k.model AND s.slot = k.slot GROUP BY ALL`,
  );
  await store.run('DROP TABLE sim_keyed');
  return fields.map((f) => f.e2e);
}

interface Totals {
  policy: string;
  requests: number;
  baseline_cost: number | null;
  policy_cost: number | null;
  baseline_tps: number | null;
  policy_tps: number | null;
  mean_ttft: number | null;
  failure: number | null;
  first_failure: number | null;
  input: number | null;
  logged: number | null;
  kept: number | null;
  lost: number | null;
}

const savings = (base: number | null, cost: number | null) => (base ? ((base - (cost ?? 0)) / base) * 100 : null);
const share = (part: number | null, whole: number | null) => (whole ? ((part ?? 0) / whole) * 100 : null);
const gain = (base: number | null, tps: number | null) => (base && tps !== null ? (tps / base - 1) * 100 : null);

/**
 * `boot(policy, lo_s, hi_s, lo_g, hi_g)`: 2.5th and 97.5th percentiles of savings %
 * and gain % over `resamples` day-block resamples. Each resample draws as many days
 * as there are, with replacement, from seeded hashes; a day drawn k times weighs k.
 */
async function bootstrap(
  store: Store,
  fine: string,
  resamples: number,
  seed: number,
): Promise<Map<string, [number, number][]>> {
  const days = (await store.one<{ n: number }>('SELECT count(DISTINCT day) AS n FROM sim_agg WHERE n > 0'))?.n ?? 0;
  const out = new Map<string, [number, number][]>();
  if (resamples <= 0 || days === 0) return out;
  const rows = await store.all<{ policy: string; grp: string | null; s: number[] | null; g: number[] | null }>(
    `WITH day_index AS (
       SELECT day, row_number() OVER (ORDER BY day) - 1 AS i FROM (SELECT DISTINCT day FROM sim_agg WHERE n > 0)
     ), draws AS (
       SELECT b.b, hash(xor((b.b * $days + j.j)::UBIGINT, hash($seed::BIGINT, 'bootstrap'))) % $days AS i
       FROM range($resamples) b(b), range($days) j(j)
     ), weights AS (
       SELECT d.b, x.day, count(*) AS k FROM draws d JOIN day_index x USING (i) GROUP BY ALL
     ), per_day AS (
       SELECT policy, grp, day, sum(base_cost) AS base_cost, sum(cost) AS cost,
         sum(base_tps) AS base_tps, sum(base_n) AS base_n, sum(tps) AS tps, sum(tps_n) AS n
       FROM ${fine} GROUP BY ALL
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
    out.set(groupKey(r.policy, r.grp), [
      [r.s?.[0] ?? NaN, r.s?.[1] ?? NaN],
      [r.g?.[0] ?? NaN, r.g?.[1] ?? NaN],
    ]);
  }
  return out;
}

const ci = (pair: [number, number] | undefined): [number, number] | null =>
  pair && Number.isFinite(pair[0]) && Number.isFinite(pair[1]) ? pair : null;

/**
 * One result per policy, in the order given; with `by`, one per policy and
 * model (or task), groups by requests compared, most first.
 */
export async function policyResults(
  store: Store,
  policies: readonly string[],
  o: { bootstrap: number; seed: number; by?: 'model' | 'task'; percentiles: Percentiles },
): Promise<PolicyResult[]> {
  const grp = groupColumn(o.by);
  const fine = `(SELECT *, ${grp} AS grp FROM sim_agg WHERE n > 0)`;
  const selected = await store.all<{ grp: string | null; n: number }>(
    `SELECT ${grp} AS grp, sum(n) AS n FROM sim_selected GROUP BY ALL ORDER BY n DESC, grp`,
  );
  const totals = await store.all<Totals & { grp: string | null }>(
    `SELECT policy, grp, sum(n) AS requests, sum(base_cost) AS baseline_cost, sum(cost) AS policy_cost,
       sum(base_tps) / nullif(sum(base_n), 0) AS baseline_tps, sum(tps) / nullif(sum(tps_n), 0) AS policy_tps,
       sum(ttft) / nullif(sum(ttft_n), 0) AS mean_ttft, sum(failures) / sum(n) * 100 AS failure,
       sum(first_failures) / sum(n) * 100 AS first_failure, sum(input) AS input, sum(logged) AS logged,
       sum(kept) AS kept, sum(lost) AS lost
     FROM ${fine} GROUP BY policy, grp`,
  );
  const routing = await store.all<{ policy: string; grp: string | null; provider: string; share: number }>(
    `SELECT policy, grp, provider, sum(n) * 100.0 / sum(sum(n)) OVER (PARTITION BY policy, grp) AS share
     FROM (SELECT *, ${grp} AS grp FROM sim_routing) GROUP BY policy, grp, provider ORDER BY policy, grp, share DESC, provider`,
  );
  const boot = await bootstrap(store, fine, o.bootstrap, o.seed);
  return policies.flatMap((policy) =>
    selected.map(({ grp: g, n: total }) => {
      const t = totals.find((x) => x.policy === policy && x.grp === g);
      const b = boot.get(groupKey(policy, g));
      const [p50, p90] = o.percentiles.get(groupKey(policy, g)) ?? [null, null];
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
        p50LatencyMs: p50,
        p90LatencyMs: p90,
        failureRate: t?.failure ?? null,
        failureRateNoFallback: t?.first_failure ?? null,
        cacheHitRate: share(t?.kept ?? null, t?.input ?? null),
        loggedCacheHitRate: share(t?.logged ?? null, t?.input ?? null),
        lostCacheCost: t?.lost ?? 0,
        routing: routing
          .filter((r) => r.policy === policy && r.grp === g)
          .map((r) => ({ provider: r.provider, share: r.share })),
      };
    }),
  );
}
