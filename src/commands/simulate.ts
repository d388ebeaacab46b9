/**
 * `ai-ping simulate`: replays the logged traffic under routing policies and
 * compares each with a baseline, with day-block bootstrap intervals.
 */
import { resolveName } from '../catalog/index.js';
import { resolveProvider } from '../catalog/providers.js';
import { prepareNames } from '../query/model-map.js';
import type { Report, Section } from '../report/index.js';
import { replay, type SimulateOptions, type SimulateResult } from '../simulate/index.js';
import type { PolicyResult } from '../simulate/results.js';
import { openInput } from './input.js';

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
}

export async function simulateCommand(o: SimulateCommandOptions): Promise<SimulateResult> {
  const { store } = await openInput(o);
  try {
    const { catalog, providers } = await prepareNames(store, o.catalog);
    o.onProgress?.('simulate: replaying');
    const { files: _files, db: _db, catalog: _catalog, decisions, ...rest } = o;
    const done = await replay(store, {
      ...rest,
      model: o.model ? resolveName(o.model, catalog).model : undefined,
      providerId: (name) => resolveProvider(name, providers).provider,
    });
    if (decisions) {
      o.onProgress?.(`simulate: writing decisions to ${decisions}`);
      const { writeDecisions } = await import('../simulate/decisions.js');
      await writeDecisions(store, done.outcomes, decisions);
    }
    return done.result;
  } finally {
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
    `throughput ${signed(p.throughputGainPct)}${ci(p.throughputGainCi95)}${failures}, ` +
    `${p.requests.toLocaleString('en-US')} of ${selected.toLocaleString('en-US')} requests comparable`
  );
}

export function simulateReport(r: SimulateResult): Report {
  const fixed = (v: number | null, d: number) => (v === null ? null : Number(v.toFixed(d)));
  const table: Section = {
    title: `Routing policies vs baseline '${r.baseline}' (${r.info}, ${r.window} windows, ${r.state} state)`,
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
      p.routing
        .slice(0, 4)
        .map((x) => `${x.provider} ${x.share.toFixed(0)}%`)
        .join(', '),
    ]),
  };
  const chart: Section = {
    columns: [],
    rows: [],
    chart: {
      title: 'Savings % and throughput gain % per policy',
      x: r.policies.map((p) => p.policy),
      yLabel: 'percent vs baseline',
      series: [
        { name: 'savings %', values: r.policies.map((p) => p.savingsPct) },
        { name: 'TPS gain %', values: r.policies.map((p) => p.throughputGainPct) },
      ],
    },
  };
  const fit: Section[] = r.fit
    ? [
        {
          title: `Outcome-model fit: the modelled figures of each request's own provider vs what was logged`,
          columns: ['figure', 'requests', 'median abs. error', 'median bias'],
          rows: (['cost', 'ttft', 'tps'] as const).map((k) => [
            k === 'ttft' ? 'TTFT' : k === 'tps' ? 'TPS' : 'cost',
            r.fit![k].n,
            r.fit![k].mdape === null ? null : `${r.fit![k].mdape!.toFixed(1)}%`,
            r.fit![k].bias === null ? null : signed(r.fit![k].bias),
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
    notes: [
      ...(r.policies.length > 1 ? [`cost–throughput Pareto front: ${r.pareto.join(', ') || '–'}`] : []),
      ...(r.dynamicValue ?? []).map(
        (d) =>
          `value of dynamic switching, ${d.policy} vs static-best: savings ${signed(d.savingsPp, 1, ' pp')}, ` +
          `throughput gain ${signed(d.throughputGainPp, 1, ' pp')}`,
      ),
      'list prices only: retries, truncation and output quality are not priced in',
    ],
  };
}
