/**
 * Counterfactual replay: every selected request replayed under each policy against
 * a baseline, set-wise in DuckDB. Needs the temp table `model_map` (prepareNames).
 *
 * The replay's steps, in order, and the temp tables each creates (their columns are
 * documented where they are built):
 *
 * 1. selected requests — `sim_selected` (requests per model, task, provider, features),
 *    `sim_windows` (the windows with requests, per model and features): feasibility.buildRequestWindows
 * 2. market — `sim_prices` (price snapshots by canonical model, anomalies left out),
 *    `sim_offers` (every provider that lists, prices or served a model),
 *    `sim_measured` and `sim_state` (success, median TTFT and TPS per window): state.buildProviderState
 * 3. segments — `sim_slots` (each model's providers in name order), `sim_seg` (per model,
 *    features and segment of time, every provider's prices, cap and states side by side):
 *    feasibility.buildSegments
 * 4. policy inputs, where a policy needs them — `sim_static_best` (static-best's provider per
 *    model and task), `sim_task_objective` (task-aware's objective per task), `sim_links` (for cost-sticky:
 *    its provider per cache chain): replay.ts
 * 5. percentile bands — `sim_sample` (a sampled replay's latencies, dropped after): percentiles.latencyBands
 * 6. the replay, summed (in chain mode each request finds where the previous request of its chain went
 *    by a window over the same rows in chain order: replay.replaySql) — `sim_agg_wide` (per segment,
 *    model, task and day: every policy's sums and latencies), `sim_agg` (per policy, model, task and
 *    day), `sim_routing` (requests per policy and provider): results.aggregateOutcomes
 * 7. results — per policy (and per model or task) from `sim_agg`, `sim_routing` and `sim_agg_wide`:
 *    results.policyResults, percentiles.latencyPercentiles
 */
import { ResourceError, UsageError } from '../errors.js';
import { outcomeFit, type OutcomeFit } from './fit.js';
import { paretoFront } from './pareto.js';
import { checkModel, checkProvider } from '../query/names.js';
import type { Store } from '../store/db.js';
import { momentOption, type SqlFragment } from '../query/selection.js';
import {
  baselineExclusions,
  buildRequestWindows,
  buildSegments,
  candidatesSql,
  EXCLUSION_REASONS,
  feasibilitySql,
  requestsSql,
  textValues,
  type ExclusionReason,
} from './feasibility.js';
import {
  buildStaticBest,
  buildStickyChains,
  buildTaskObjectives,
  checkBaseline,
  DEFAULT_TASK_OBJECTIVES,
  namedProviders,
  outcomesSql,
  replaySql,
  withProviderNames,
  type BalancedWeights,
  type Baseline,
} from './replay.js';
import type { Objective, Policy } from './policy.js';
import { aggregateOutcomes, policyResults, type PolicyResult } from './results.js';
import { bandSampling, latencyBands, latencyPercentiles, type Bands, type BandSampling } from './percentiles.js';
import type { FileCountsJson } from '../ingest/messages.js';
import { buildProviderState, PRICE_SOURCES, type PriceSource, type StateMode } from './state.js';
import { parseDuration } from '../time.js';
import { cacheOptions, type CacheMode } from './cache.js';

export type { BalancedWeights, Baseline } from './replay.js';
export type { PolicyResult } from './results.js';
export type { StateMode } from './state.js';
export type { Objective, Policy } from './policy.js';
export type { CacheMode } from './cache.js';

export type Information = 'causal' | 'hindsight';

export interface SimulateOptions {
  /** the policies to replay, in the order results list them (policy.parsePolicies) */
  policies: readonly Policy[];
  baseline: Baseline;
  /** the canonical id of a provider named on the command line (catalog.resolveProvider); as given when absent */
  providerId?: (name: string) => string;
  /** causal: decide on the previous window's state; hindsight: on the current one */
  info: Information;
  /** window length: '1h', '30m', '1d' or seconds */
  window: string | number;
  /** how long a measured state is carried forward: '24h' or seconds */
  stale: string | number;
  /** a provider below this success rate (0..1) in the decision window is infeasible */
  minSuccess: number;
  state: StateMode;
  /** canonical model name */
  model?: string;
  task?: string;
  from?: string;
  to?: string;
  /** day-block bootstrap resamples; 0 turns the intervals off */
  bootstrap: number;
  seed: number;
  includeAnomalousPrices: boolean;
  /** replay every request against the market as it stood at this time (ISO 8601), or `latest` */
  marketAt?: string;
  /** which snapshots price the replay (default list): list prices, prices fitted from bills, or list else billed */
  prices?: PriceSource;
  /** candidates of every policy: only these providers (canonical ids or any spelling) */
  providers?: string[];
  /** candidates of every policy: not these providers */
  excludeProviders?: string[];
  /** candidates of every policy: no gateways */
  hostsOnly?: boolean;
  /** `balanced` weights; default 1 each */
  weights?: Partial<BalancedWeights>;
  /** `sla` latency objective in ms; default 8000 */
  sloLatencyMs?: number;
  /** also report every policy per model or per task */
  by?: 'model' | 'task';
  /** task-aware: objective per task, over the defaults */
  taskObjectives?: Record<string, Objective>;
  /** after a failed attempt, fall back to the policy's next choice at most this many times */
  retries?: number;
  /** failed attempts bill nothing (default: their input tokens) */
  failedAttemptsFree?: boolean;
  /** where a request's logged cache hits stay hits (cache.ts): chain (default), warm or cold */
  cache?: CacheMode;
  /** the request columns whose first value makes a cache key (default session, app, user), or 'none' */
  cacheKey?: string | readonly string[];
  /** a gap longer than this starts a new cache chain: '5m' (default) or seconds */
  cacheTtl?: string | number;
  /** where to sample the replay for the percentile bands (percentiles.ts); default by the number of requests */
  bandSampling?: BandSampling;
  /** progress lines for long replays */
  onProgress?: (msg: string) => void;
}

export const DEFAULT_SIMULATE_OPTIONS: Omit<SimulateOptions, 'policies'> = {
  baseline: 'official',
  info: 'causal',
  window: '1h',
  stale: '24h',
  minSuccess: 0.9,
  state: 'windowed',
  bootstrap: 200,
  seed: 42,
  includeAnomalousPrices: false,
};

/** Resamples beyond this change an interval's bounds by less than they can be read. */
export const MAX_BOOTSTRAP = 100_000;

export interface SimulateResult {
  baseline: Baseline;
  info: Information;
  /** window length as given */
  window: string;
  state: StateMode;
  /** the market time every request was replayed against (`--market-at`), else null: each request's own time */
  marketAt: string | null;
  /** which snapshots priced the replay */
  prices: PriceSource;
  /** how cache hits were priced: the mode, the key's columns (none: one per model) and the time to live */
  cache: { mode: CacheMode; key: string[]; ttlSeconds: number };
  /** requests selected for replay */
  requests: number;
  policies: PolicyResult[];
  /** the policies no other beats on both cost and throughput */
  pareto: string[];
  /** with static-best in the run: what switching per window adds over it, in percentage points */
  dynamicValue?: { policy: string; savingsPp: number | null; throughputGainPp: number | null }[];
  /** with cost and cost-sticky in the run: what keeping each chain on one provider adds over cost, in percentage points */
  stickyValue?: { savingsPp: number | null; throughputGainPp: number | null };
  /** with `by`: each policy per model or task */
  by?: 'model' | 'task';
  groups?: PolicyResult[];
  /** with the observed baseline: how well the outcome model reproduces the logged requests */
  fit?: OutcomeFit;
  /** the files read in memory, with their counts as `ingest` gives them; absent for a database */
  input?: { files: FileCountsJson[] };
}

function validate(o: SimulateOptions): {
  windowSeconds: number;
  staleSeconds: number;
  cache: ReturnType<typeof cacheOptions>;
} {
  if (o.policies.length === 0) throw new UsageError('simulate needs at least one --policy');
  if (new Set(o.policies.map((p) => p.name)).size !== o.policies.length)
    throw new UsageError('a policy is listed twice');
  checkBaseline(o.baseline);
  if (o.info !== 'causal' && o.info !== 'hindsight')
    throw new UsageError(`--info must be causal or hindsight, not '${o.info}'`);
  if (o.prices !== undefined && !(PRICE_SOURCES as readonly string[]).includes(o.prices))
    throw new UsageError(`--prices must be list, billed or both, not '${o.prices}'`);
  if (o.state !== 'windowed' && o.state !== 'static' && o.state !== 'none')
    throw new UsageError(`--state must be windowed, static or none, not '${o.state}'`);
  if (!(o.minSuccess >= 0 && o.minSuccess <= 1))
    throw new UsageError(`--min-success must be between 0 and 1, not ${o.minSuccess}`);
  if (!Number.isInteger(o.bootstrap) || o.bootstrap < 0 || o.bootstrap > MAX_BOOTSTRAP)
    throw new UsageError(`--bootstrap must be a whole number from 0 to ${MAX_BOOTSTRAP.toLocaleString('en-US')}`);
  if (o.retries !== undefined && !(Number.isInteger(o.retries) && o.retries >= 0))
    throw new UsageError('--retries must be a whole number ≥ 0');
  if (!Number.isInteger(o.seed)) throw new UsageError(`--seed must be a whole number`);
  for (const [k, v] of Object.entries(o.weights ?? {})) {
    if (!(typeof v === 'number' && Number.isFinite(v) && v >= 0))
      throw new UsageError(`weight ${k} must be a finite number ≥ 0`);
  }
  if (o.sloLatencyMs !== undefined && !(o.sloLatencyMs > 0))
    throw new UsageError('the latency objective must be > 0 ms');
  return {
    windowSeconds: parseDuration('--window', o.window),
    staleSeconds: parseDuration('--stale', o.stale),
    cache: cacheOptions(o),
  };
}

/** A model, fixed provider or baseline provider that names nothing in the database is an error, not a zero. */
async function checkNames(store: Store, o: SimulateOptions): Promise<void> {
  if (o.model) await checkModel(store, o.model, '--model');
  for (const p of o.policies)
    if (p.provider !== undefined) await checkProvider(store, p.provider, `--policy ${p.name}`);
  if (o.baseline.startsWith('provider:')) {
    await checkProvider(store, o.baseline.slice('provider:'.length), `--baseline ${o.baseline}`);
  }
  for (const p of o.providers ?? []) await checkProvider(store, p, '--providers');
  for (const p of o.excludeProviders ?? []) await checkProvider(store, p, '--exclude-providers');
}

/** Providers named by fixed policies and a provider baseline, as canonical ids. */
function withProviderIds(o: SimulateOptions): SimulateOptions {
  const id = o.providerId;
  if (!id) return o;
  return {
    ...o,
    policies: o.policies.map((p) => (p.provider === undefined ? p : { ...p, provider: id(p.provider) })),
    baseline: o.baseline.startsWith('provider:') ? `provider:${id(o.baseline.slice('provider:'.length))}` : o.baseline,
    ...(o.providers ? { providers: o.providers.map(id) } : {}),
    ...(o.excludeProviders ? { excludeProviders: o.excludeProviders.map(id) } : {}),
  };
}

/** `--market-at`: `latest` is the newest price snapshot; a time as given. ISO 8601, or null without one. */
async function marketTime(store: Store, o: SimulateOptions): Promise<string | null> {
  if (o.marketAt === undefined) return null;
  if (o.marketAt !== 'latest') return momentOption('--market-at', o.marketAt).toISOString();
  const source = o.prices ?? 'list';
  const tables = { list: ['prices'], billed: ['billed_prices'], both: ['prices', 'billed_prices'] }[source];
  const r = await store.one<{ t: string | null }>(
    `SELECT strftime(max(ts), '%Y-%m-%dT%H:%M:%S.%fZ') AS t FROM (${tables.map((t) => `SELECT ts FROM ${t}`).join(' UNION ALL ')})`,
  );
  if (!r?.t)
    throw new UsageError(
      source === 'list'
        ? '--market-at latest: the database holds no price snapshots; ingest prices first'
        : `--market-at latest: no ${source === 'billed' ? 'billed' : 'list or billed'} price snapshots; 'ai-ping reconcile --save-prices' stores prices fitted from bills`,
    );
  return r.t;
}

/**
 * Each policy's `excluded`: the selected requests it does not compare, by reason (SPEC's order),
 * adding up to selected − compared. The baseline's reasons are the same for every policy (counted
 * only when some policy left requests out); the rest had a baseline but no feasible candidate.
 */
async function withExclusions(
  store: Store,
  results: PolicyResult[],
  selected: number,
  baselineReasons: () => Promise<Partial<Record<ExclusionReason, number>>>,
): Promise<PolicyResult[]> {
  const base = results.some((r) => r.requests < selected) ? await baselineReasons() : {};
  const noBaseline = Object.values(base).reduce((a, n) => a + n, 0);
  return results.map((r) => {
    const counts: Partial<Record<ExclusionReason, number>> = {
      ...base,
      no_feasible_candidate: selected - noBaseline - r.requests,
    };
    const excluded = Object.fromEntries(
      EXCLUSION_REASONS.filter((k) => (counts[k] ?? 0) > 0).map((k) => [k, counts[k]!]),
    );
    return { ...r, excluded };
  });
}

/** A finished replay: its results, and the relations behind them for inspection and `--out`. */
export interface Replay {
  result: SimulateResult;
  /** one row per policy and compared request (replay.outcomesSql, with the provider's name) */
  outcomes: SqlFragment;
  /** `request_id, provider, feasible` for every request and provider of its model */
  feasibility: SqlFragment;
}

export async function replay(store: Store, given: SimulateOptions): Promise<Replay> {
  const { windowSeconds, staleSeconds, cache } = validate(given);
  const options = withProviderIds(given);
  await checkNames(store, options);
  const step = (what: string) => options.onProgress?.(`simulate: ${what}`);
  const policies = options.policies;
  const names = policies.map((p) => p.name);

  if (options.prices === 'billed' && !(await store.one<{ n: number }>('SELECT count(*) AS n FROM billed_prices'))?.n)
    throw new UsageError(
      "--prices billed: the database holds no billed prices; 'ai-ping reconcile --save-prices' fits them from the log's bills",
    );
  const marketAt = await marketTime(store, options);
  // at a market time, one state from the measurements up to it
  const state: StateMode = marketAt && options.state !== 'none' ? 'static' : options.state;

  step('selected requests');
  await buildRequestWindows(store, options, windowSeconds);

  step('prices, offerings and provider state');
  await buildProviderState(store, {
    windowSeconds,
    staleSeconds,
    state,
    includeAnomalousPrices: options.includeAnomalousPrices,
    marketAt,
    prices: options.prices ?? 'list',
  });

  step('segments');
  // static state is the same in every window, so causal and hindsight coincide there
  const lag = options.info === 'causal' && state === 'windowed' ? windowSeconds : 0;
  const named = namedProviders(policies, options.baseline);
  const shape = await buildSegments(store, {
    named,
    minSuccess: options.minSuccess,
    decisionLagSeconds: lag,
    winSeconds: windowSeconds,
    candidates: { only: options.providers, exclude: options.excludeProviders, hostsOnly: options.hostsOnly },
  });

  step('policy inputs');
  // the order (round-robin) and hash (random) only where a policy needs them: the order is a sort
  const selected = requestsSql(options, { winSeconds: windowSeconds, seed: options.seed });
  const cachedTokens = !!(await store.one<{ n: number | null }>('SELECT sum(cached) AS n FROM sim_selected'))?.n;
  // the mode changes what choices cost: not warm, and some request has cached tokens
  const priced = cache.mode !== 'warm' && cachedTokens;
  // where a policy keeps to chains, the replay's requests have their row number (sim_links); in chain mode,
  // the columns their chains are found by (cache.chainColumnsSql)
  const stickyChains = policies.some((p) => p.perChain);
  const chained = priced && cache.mode === 'chain';
  // the text's values, for the sorts that carry it as enum codes (round-robin's turns, the chain window)
  const ordered = policies.some((p) => p.needsOrder);
  const values = ordered || chained ? await textValues(store) : undefined;
  const order = ordered ? values : undefined;
  const toReplay = (every?: number) =>
    requestsSql(options, {
      winSeconds: windowSeconds,
      order,
      hash: policies.some((p) => p.needsHash),
      seed: options.seed,
      every,
      rid: stickyChains,
      ...(chained && !every ? { cacheKey: cache.key } : {}),
    });
  const staticBest = policies.some((p) => p.needsStaticPass);
  const taskObjectives = policies.some((p) => p.needsTaskObjectives);
  if (staticBest) await buildStaticBest(store, selected, shape);
  if (taskObjectives) await buildTaskObjectives(store, { ...DEFAULT_TASK_OBJECTIVES, ...options.taskObjectives });
  if (stickyChains) {
    const requests = requestsSql(options, {
      winSeconds: windowSeconds,
      seed: options.seed,
      cacheKey: cache.key,
      rid: true,
    });
    await buildStickyChains(store, requests, shape, cache.ttlSeconds);
  }
  // a retry falls back to the next choice: beyond the slots there is none, and the result is the same
  const retries = Math.min(options.retries ?? 0, Math.max(shape.slots - 1, 0));
  const wideOf = (requests: SqlFragment, priced: boolean, ids?: boolean) =>
    replaySql(
      policies,
      options.baseline,
      { requests, staticBest, taskObjectives, stickyChains, ids, tasks: values?.task },
      {
        ...shape,
        named,
        weights: { cost: 1, latency: 1, throughput: 1, ...options.weights },
        sloLatencyMs: options.sloLatencyMs ?? 8000,
        retries,
        failedAttemptsFree: options.failedAttemptsFree ?? false,
        cache: { mode: cache.mode, ttlSeconds: cache.ttlSeconds, priced },
      },
    );
  const wide = wideOf(toReplay(), priced);
  const requests = (await store.one<{ n: number | null }>('SELECT sum(n) AS n FROM sim_selected'))?.n ?? 0;

  // percentile bands from a sample, unless groups need every latency
  const sampling = options.by ? undefined : (options.bandSampling ?? bandSampling(requests));
  if (sampling) step('percentile bands');
  // the sample is read for its latencies alone: its cache hits are not priced
  const bands =
    sampling && (await latencyBands(store, wideOf(toReplay(sampling.every), false), policies.length, sampling.sigmas));

  const aggregate = (bands?: Bands[]) =>
    aggregateOutcomes(store, wide, policies, {
      baseline: options.baseline,
      retries,
      failedAttemptsFree: options.failedAttemptsFree ?? false,
      slots: shape.slots,
      cached: priced,
      bands,
      onProgress: options.onProgress && ((pct: number) => options.onProgress!(`simulate: replay ${pct.toFixed(0)}%`)),
    });
  let latencies = await aggregate(bands);
  let overall = await latencyPercentiles(store, names, latencies);
  if (!overall) {
    // a band missed its percentile: keep every latency
    latencies = await aggregate();
    overall = (await latencyPercentiles(store, names, latencies))!;
  }

  step('results');
  const common = { bootstrap: options.bootstrap, seed: options.seed };
  const results = await withExclusions(
    store,
    await policyResults(store, names, { ...common, percentiles: overall }),
    requests,
    () => {
      const b = options.baseline;
      const kind =
        b === 'official' || b === 'observed'
          ? { kind: b }
          : { kind: 'named' as const, index: named.indexOf(b.slice('provider:'.length)) };
      return baselineExclusions(store, selected, shape, kind);
    },
  );
  const candidates = candidatesSql(selected, shape, { observed: true });
  const fit = options.baseline === 'observed' ? await outcomeFit(store, candidates, shape.slots) : undefined;
  const groups = options.by
    ? await policyResults(store, names, {
        ...common,
        by: options.by,
        percentiles: (await latencyPercentiles(store, names, latencies, options.by))!,
      })
    : undefined;
  const result: SimulateResult = {
    baseline: options.baseline,
    info: options.info,
    window: String(options.window),
    state,
    marketAt,
    prices: options.prices ?? 'list',
    cache,
    requests,
    policies: results,
    pareto: paretoFront(results),
    ...dynamicValue(policies, results),
    ...stickyValue(policies, results),
    ...(groups ? { by: options.by, groups } : {}),
    ...(fit ? { fit } : {}),
  };
  const outcomes = withProviderNames(outcomesSql(policies, wideOf(toReplay(), priced, true)));
  return { result, outcomes, feasibility: feasibilitySql(candidates, shape.slots) };
}

/**
 * DuckDB out of memory in a replay of several policies: each adds its choices and sums to the main pass, so
 * the one line (store/db.ts) also says that fewer at once need less. Any other error as it is.
 */
export function fewerPolicies(e: unknown, policies: readonly Policy[]): unknown {
  return e instanceof ResourceError && policies.length > 1
    ? new ResourceError(`${e.message} or fewer policies at once`)
    : e;
}

export async function simulate(store: Store, options: SimulateOptions): Promise<SimulateResult> {
  return (await replay(store, options)).result;
}

const diff = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);

/** cost-sticky's savings and throughput gain minus cost's, when both ran. */
function stickyValue(run: readonly Policy[], policies: PolicyResult[]): Pick<SimulateResult, 'stickyValue'> {
  const sticky = policies[run.findIndex((p) => p.perChain)];
  const cost = policies[run.findIndex((p) => p.kind === 'cost')];
  if (!sticky || !cost) return {};
  return {
    stickyValue: {
      savingsPp: diff(sticky.savingsPct, cost.savingsPct),
      throughputGainPp: diff(sticky.throughputGainPct, cost.throughputGainPct),
    },
  };
}

/** Each dynamic policy's savings and throughput gain minus static-best's, when both ran. */
function dynamicValue(run: readonly Policy[], policies: PolicyResult[]): Pick<SimulateResult, 'dynamicValue'> {
  const fixed = policies[run.findIndex((p) => p.needsStaticPass)];
  if (!fixed) return {};
  return {
    dynamicValue: policies
      .filter((_, i) => run[i].kind !== 'static-best' && run[i].kind !== 'fixed')
      .map((p) => ({
        policy: p.policy,
        savingsPp: diff(p.savingsPct, fixed.savingsPct),
        throughputGainPp: diff(p.throughputGainPct, fixed.throughputGainPct),
      })),
  };
}
