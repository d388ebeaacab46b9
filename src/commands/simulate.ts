/**
 * `ai-ping simulate`: replays the logged traffic under routing policies and
 * compares each with a baseline, with day-block bootstrap intervals.
 */
import { resolveName } from '../catalog/index.js';
import { resolveProvider } from '../catalog/providers.js';
import { prepareNames } from '../query/model-map.js';
import { percentCell, type Report, type Section } from '../report/index.js';
import { fewerPolicies, replay, type SimulateOptions, type SimulateResult } from '../simulate/index.js';
import type { PolicyResult } from '../simulate/results.js';
import { EXCLUSION_REASONS, type ExclusionReason } from '../simulate/feasibility.js';
import { StageProgress } from '../report/progress.js';
import { openInput } from './input.js';
import { fileCountsJson } from '../ingest/messages.js';

export interface SimulateCommandOptions extends Omit<SimulateOptions, 'model'> {
  /** request logs and market tables analysed in memory, instead of a database */
  files: string[];
  db: string;
  catalog?: string;
  /** a model in any spelling */
  model?: string;
  /** write the per-request decisions here as Arrow IPC */
  decisions?: string;
  onProgress?: (msg: string) => void;
  /** warnings (rows rejected from files read in memory) */
  onWarn?: (msg: string) => void;
}

export async function simulateCommand(o: SimulateCommandOptions): Promise<SimulateResult> {
  const { store, files } = await openInput(o);
  // each stage of the replay from 0 to 100%, from the running statement's estimate
  const progress =
    o.onProgress && new StageProgress({ emit: o.onProgress, estimate: () => store.conn.progress.percentage });
  try {
    const { catalog, providers } = await prepareNames(store, o.catalog);
    const { files: _files, db: _db, catalog: _catalog, decisions, ...rest } = o;
    const done = await replay(store, {
      ...rest,
      model: o.model ? resolveName(o.model, catalog).model : undefined,
      providerId: (name) => resolveProvider(name, providers).provider,
      onProgress: progress?.message,
    });
    if (decisions) {
      progress?.message(`simulate: writing decisions to ${decisions}`);
      const { writeDecisions } = await import('../simulate/decisions.js');
      await writeDecisions(store, done.outcomes, decisions);
    }
    progress?.done();
    return files ? { ...done.result, input: { files: files.map(fileCountsJson) } } : done.result;
  } catch (e) {
    throw fewerPolicies(e, o.policies);
  } finally {
    progress?.stop();
    store.close();
  }
}

const signed = (v: number | null, digits = 1, unit = '%') =>
  v === null ? '–' : `${v > 0 ? '+' : v < 0 ? '−' : ''}${Math.abs(v).toFixed(digits)}${unit}`;
const ci = (c: [number, number] | null) => (c ? ` [${signed(c[0])}, ${signed(c[1])}]` : '');

/** The answer first: "cost: −37.8% cost [−39.1, −36.4], throughput −4.0% …". */
export function headline(p: PolicyResult, selected: number): string {
  const cost = p.savingsPct === null ? '–' : signed(-p.savingsPct);
  const fallback =
    p.failureRateNoFallback !== null && p.failureRate !== null && p.failureRateNoFallback !== p.failureRate
      ? ` (${p.failureRateNoFallback.toFixed(2)}% without fallback)`
      : '';
  const failures = p.failureRate === null ? '' : `, expected failures ${p.failureRate.toFixed(2)}%${fallback}`;
  return (
    `${p.policy}: ${cost} cost${p.savingsCi95 ? ci([-p.savingsCi95[1], -p.savingsCi95[0]]) : ''}, ` +
    `throughput ${signed(p.throughputGainPct)}${ci(p.throughputGainCi95)}${failures}, ${cacheHits(p)}` +
    `${p.requests.toLocaleString('en-US')} of ${selected.toLocaleString('en-US')} requests comparable`
  );
}

/** Cached input tokens kept of those logged, and what the lost hits cost: "cache hits 11.4% of 45.7% (lost 0.02), "; nothing without any. */
function cacheHits(p: PolicyResult): string {
  if (!p.loggedCacheHitRate || p.cacheHitRate === null) return '';
  const lost = p.lostCacheCost > 0 ? ` (lost ${p.lostCacheCost.toPrecision(3)})` : '';
  return `cache hits ${p.cacheHitRate.toFixed(1)}% of ${p.loggedCacheHitRate.toFixed(1)}%${lost}, `;
}

/** How the replay priced cache hits, in words. */
export function cacheNote(r: SimulateResult): string {
  const { mode, key, ttlSeconds } = r.cache;
  const ttl =
    ttlSeconds % 3600 === 0
      ? `${ttlSeconds / 3600}h`
      : ttlSeconds % 60 === 0
        ? `${ttlSeconds / 60}m`
        : `${ttlSeconds}s`;
  const chain = `chains by ${key.length ? key.join(', else ') : 'model'}, gaps of at most ${ttl}`;
  const what = {
    chain: `a request's logged cache hits stay hits where its chain's previous request went, the first of a chain's where it was served (${chain}); --cache warm keeps every hit`,
    warm: 'every logged cache hit kept wherever a request goes (the optimistic bound); --cache chain loses the hits a switch of provider loses',
    cold: 'logged cache hits kept only where the request was served; --cache chain follows chains of requests',
  }[mode];
  const logged = r.policies.some((p) => p.loggedCacheHitRate);
  return `cache ${mode}: ${what}${logged ? '' : '; no compared request has cached tokens, so no mode changes a cost'}`;
}

/**
 * The policies as `--format csv` writes them: raw numbers only (percentages in
 * percent, costs unrounded), an interval as its low and high columns, the routing
 * as one share column per provider, the exclusions as one count column per reason.
 */
export function policiesCsv(r: SimulateResult): Section {
  const providers = [...new Set(r.policies.flatMap((p) => p.routing.map((x) => x.provider)))].sort();
  // every reason, counted or not: the columns stay the same from one run to the next
  const reasons: readonly ExclusionReason[] = EXCLUSION_REASONS;
  return {
    columns: [
      'policy',
      'compared',
      'infeasible',
      ...reasons.map((x) => `excluded ${x}`),
      'baseline cost',
      'policy cost',
      'savings %',
      'savings 95% CI low',
      'savings 95% CI high',
      'baseline TPS',
      'policy TPS',
      'TPS gain %',
      'gain 95% CI low',
      'gain 95% CI high',
      'mean TTFT ms',
      'p50 e2e ms',
      'p90 e2e ms',
      'failure rate %',
      'failure rate without fallback %',
      'cache hit rate %',
      'logged cache hit rate %',
      'lost cache cost',
      ...providers.map((x) => `routing ${x} %`),
    ],
    rows: r.policies.map((p) => {
      const share = new Map(p.routing.map((x) => [x.provider, x.share]));
      return [
        p.policy,
        p.requests,
        p.infeasible,
        ...reasons.map((x) => (p.excluded ? (p.excluded[x] ?? 0) : null)),
        p.baselineCost,
        p.policyCost,
        p.savingsPct,
        p.savingsCi95?.[0],
        p.savingsCi95?.[1],
        p.baselineThroughput,
        p.policyThroughput,
        p.throughputGainPct,
        p.throughputGainCi95?.[0],
        p.throughputGainCi95?.[1],
        p.meanTtftMs,
        p.p50LatencyMs,
        p.p90LatencyMs,
        p.failureRate,
        p.failureRateNoFallback,
        p.cacheHitRate,
        p.loggedCacheHitRate,
        p.lostCacheCost,
        ...providers.map((x) => share.get(x) ?? 0),
      ];
    }),
  };
}

export function simulateReport(r: SimulateResult): Report {
  const fixed = (v: number | null, d: number) => (v === null ? null : Number(v.toFixed(d)));
  const cached = r.policies.some((p) => p.loggedCacheHitRate);
  const table: Section = {
    title: `Routing policies vs baseline '${r.baseline}' (${r.info}, ${r.window} windows, ${r.state} state, cache ${r.cache.mode}${r.marketAt ? `, market at ${r.marketAt}` : ''})`,
    columns: [
      'policy',
      'compared',
      'infeasible',
      'baseline cost',
      'policy cost',
      'savings',
      'savings 95% CI',
      'baseline TPS',
      'policy TPS',
      'TPS gain',
      'gain 95% CI',
      'mean TTFT ms',
      'p50 e2e ms',
      'p90 e2e ms',
      'failure rate',
      ...(cached ? ['cache hits', 'lost cache cost'] : []),
      'routing',
    ],
    rows: r.policies.map((p) => [
      p.policy,
      p.requests,
      p.infeasible,
      fixed(p.baselineCost, 2),
      fixed(p.policyCost, 2),
      p.savingsPct === null ? null : `${p.savingsPct.toFixed(1)}%`,
      p.savingsCi95 ? `${p.savingsCi95[0].toFixed(1)} .. ${p.savingsCi95[1].toFixed(1)}` : null,
      fixed(p.baselineThroughput, 1),
      fixed(p.policyThroughput, 1),
      p.throughputGainPct === null ? null : `${p.throughputGainPct.toFixed(1)}%`,
      p.throughputGainCi95 ? `${p.throughputGainCi95[0].toFixed(1)} .. ${p.throughputGainCi95[1].toFixed(1)}` : null,
      fixed(p.meanTtftMs, 0),
      fixed(p.p50LatencyMs, 0),
      fixed(p.p90LatencyMs, 0),
      p.failureRate === null ? null : `${p.failureRate.toFixed(2)}%`,
      ...(cached
        ? [
            p.cacheHitRate === null ? null : `${p.cacheHitRate.toFixed(1)}% of ${p.loggedCacheHitRate!.toFixed(1)}%`,
            fixed(p.lostCacheCost, 2),
          ]
        : []),
      p.routing
        .slice(0, 4)
        .map((x) => `${x.provider} ${x.share.toFixed(0)}%`)
        .join(', '),
    ]),
  };
  // one point per policy: policies are categories, so no line joins them; the front is what a choice is made from
  const pareto = new Set(r.pareto);
  const chart: Section = {
    columns: [],
    rows: [],
    scatter: {
      title: `Cost change vs throughput change per policy, against baseline '${r.baseline}'`,
      xLabel: 'cost change',
      yLabel: 'throughput change',
      unit: '%',
      points: r.policies.map((p) => ({
        label: p.policy,
        x: p.savingsPct === null ? null : -p.savingsPct,
        y: p.throughputGainPct,
        marked: pareto.has(p.policy),
      })),
      marked: 'Pareto front',
      unmarked: 'other policies',
    },
  };
  const figureNames = { cost: 'cost', ttft: 'TTFT', tps: 'TPS', latency: 'latency (no TTFT logged)' } as const;
  const fit: Section[] = r.fit
    ? [
        {
          title: r.fit.judged
            ? `Outcome-model fit: the modelled figures of each request's own provider vs what was logged`
            : `Outcome-model fit: ${r.fit.verdict}`,
          columns: ['figure', 'requests', 'median abs. error', 'median bias'],
          rows: (['cost', 'ttft', 'tps', 'latency'] as const).map((k) => [
            figureNames[k],
            r.fit![k].n,
            percentCell(r.fit![k].mdape),
            r.fit![k].bias === null ? null : { value: r.fit![k].bias!, text: signed(r.fit![k].bias) },
          ]),
        },
      ]
    : [];
  const by = r.by ?? 'group';
  const groups: Section[] = r.groups
    ? [
        {
          title: `Per ${by}`,
          columns: [
            'policy',
            by,
            'compared',
            'infeasible',
            'savings',
            'savings 95% CI',
            'TPS gain',
            'gain 95% CI',
            'routing',
          ],
          rows: r.groups.map((p) => [
            p.policy,
            p.group ?? '(none)',
            p.requests,
            p.infeasible,
            p.savingsPct === null ? null : `${p.savingsPct.toFixed(1)}%`,
            p.savingsCi95 ? `${p.savingsCi95[0].toFixed(1)} .. ${p.savingsCi95[1].toFixed(1)}` : null,
            p.throughputGainPct === null ? null : `${p.throughputGainPct.toFixed(1)}%`,
            p.throughputGainCi95
              ? `${p.throughputGainCi95[0].toFixed(1)} .. ${p.throughputGainCi95[1].toFixed(1)}`
              : null,
            p.routing
              .slice(0, 3)
              .map((x) => `${x.provider} ${x.share.toFixed(0)}%`)
              .join(', '),
          ]),
        },
      ]
    : [];
  return {
    json: r,
    lead: [...r.policies.map((p) => headline(p, r.requests)), ...(r.fit ? [`outcome model: ${r.fit.verdict}`] : [])],
    sections: [table, ...groups, ...(r.policies.length > 1 ? [chart] : []), ...fit],
    csv: policiesCsv(r),
    notes: [
      ...(r.policies.length > 1 ? [`cost–throughput Pareto front: ${r.pareto.join(', ') || '–'}`] : []),
      ...(r.dynamicValue ?? []).map(
        (d) =>
          `value of dynamic switching, ${d.policy} vs static-best: savings ${signed(d.savingsPp, 1, ' pp')}, ` +
          `throughput gain ${signed(d.throughputGainPp, 1, ' pp')}`,
      ),
      ...(r.stickyValue
        ? [
            `value of keeping each cache chain on one provider, cost-sticky vs cost: savings ${signed(r.stickyValue.savingsPp, 1, ' pp')}, ` +
              `throughput gain ${signed(r.stickyValue.throughputGainPp, 1, ' pp')}`,
          ]
        : []),
      cacheNote(r),
      ...exclusionNotes(r),
      'list prices only: retries, truncation and output quality are not priced in',
    ],
  };
}

/** What would make the requests of each exclusion reason comparable. */
const NEXT_STEP: Record<ExclusionReason, string> = {
  no_baseline_offering:
    'the baseline provider does not offer the model; compare with another (--baseline provider:NAME) or with what happened (--baseline observed)',
  no_baseline_price:
    'the baseline has no price in force then; ingest prices for that period, replay at the snapshots you have (--market-at latest), or use --baseline observed',
  baseline_infeasible:
    "the baseline fails the request's context, features or success rate; lower --min-success, or use --baseline observed",
  no_state:
    'no measurements or logged requests judge the baseline then; use --state static (one state over all measurements) or --state none',
  anomalous_price:
    'the only prices in force are flagged anomalous; check them with ai-ping providers, or pass --include-anomalous-prices',
  no_feasible_candidate:
    'the policy had no feasible provider; widen the candidates (--providers, --hosts-only), lower --min-success, or use --state none',
};

/** With the observed baseline, an unpriced request's own provider has no list price: its bills can price it. */
const OBSERVED_UNPRICED =
  "the provider that served them has no price in force then; ingest prices for that period, replay at the snapshots you have (--market-at latest), or price it at what it billed ('ai-ping reconcile --save-prices', then --prices both)";

/**
 * One line per reason requests were not compared, with what would change it: the baseline's
 * reasons once (every policy shares them), then each policy's own.
 */
function exclusionNotes(r: SimulateResult): string[] {
  const n = (x: number) => x.toLocaleString('en-US');
  const first = r.policies[0]?.excluded ?? {};
  const shared = EXCLUSION_REASONS.filter((k) => k !== 'no_feasible_candidate' && first[k]).map(
    (k) =>
      `not compared (${k}): ${n(first[k]!)} of ${n(r.requests)} requests: ${
        r.baseline === 'observed' && k === 'no_baseline_price' ? OBSERVED_UNPRICED : NEXT_STEP[k]
      }`,
  );
  const own = r.policies
    .filter((p) => p.excluded?.no_feasible_candidate)
    .map(
      (p) =>
        `not compared by ${p.policy} (no_feasible_candidate): ${n(p.excluded!.no_feasible_candidate!)} requests: ${NEXT_STEP.no_feasible_candidate}`,
    );
  return [...shared, ...own];
}
