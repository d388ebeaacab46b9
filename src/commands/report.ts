/**
 * `ai-ping report`: one document for people and CI — the answer first, then
 * where demand goes, how providers differ, what routing would have done, and
 * data quality — with gates that fail a CI job.
 */
import type { Report, Section } from '../report/index.js';
import {
  DEFAULT_SIMULATE_OPTIONS,
  fewerPolicies,
  simulate,
  type Policy,
  type SimulateOptions,
  type SimulateResult,
} from '../simulate/index.js';
import type { Baseline } from '../simulate/replay.js';
import { resolveProvider } from '../catalog/providers.js';
import { prepareNames } from '../query/model-map.js';
import { openExisting, type Store } from '../store/db.js';
import { analyzeReport, analyzeStore, majorModels, type AnalyzeResult } from './analyze.js';
import { evaluateGates, parseGate, type GateFigure, type GateOutcome } from './gates.js';
import { StageProgress } from '../report/progress.js';
import { policiesCsv, simulateReport } from './simulate.js';
import { reconcile, type ReconcileResult, type UnpricedReason } from '../metrics/reconcile.js';
import { billingDeltaPct, reconcileLead, reconcileNotes, reconcileSections } from './reconcile.js';

export interface ReportOptions {
  db: string;
  catalog?: string;
  from?: string;
  to?: string;
  model?: string;
  policies: readonly Policy[];
  baseline: string;
  state?: SimulateOptions['state'];
  marketAt?: string;
  minSuccess?: number;
  cache?: SimulateOptions['cache'];
  cacheKey?: SimulateOptions['cacheKey'];
  cacheTtl?: SimulateOptions['cacheTtl'];
  failIf: string[];
  bootstrap?: number;
  seed?: number;
  onProgress?: (msg: string) => void;
}

/** The price snapshots' span against the log's: a market from after the log prices none of it at its own time. */
export interface PriceSpan {
  first: string | null;
  last: string | null;
  /** days from the newest snapshot to the last request (negative: the prices are newer than the log) */
  staleDays: number | null;
}

export interface ReportResult {
  analysis: AnalyzeResult;
  simulation: SimulateResult;
  reconciliation: ReconcileResult;
  prices: PriceSpan;
  figures: Record<GateFigure, number | null>;
  gates: GateOutcome[];
}

/** Providers of this many major models are compared side by side. */
export const MAJOR_MODELS = 3;

async function priceSpan(store: Store): Promise<PriceSpan> {
  const r = await store.one<PriceSpan>(
    `SELECT strftime(min(ts), '%Y-%m-%d') AS first, strftime(max(ts), '%Y-%m-%d') AS last,
       date_diff('second', max(ts), (SELECT max(ts) FROM requests)) / 86400.0 AS "staleDays"
     FROM prices`,
  );
  return r ?? { first: null, last: null, staleDays: null };
}

/** Analysis, replay and the stale-price check share one read-only open of the database. */
async function measure(o: ReportOptions): Promise<{
  analysis: AnalyzeResult;
  simulation: SimulateResult;
  reconciliation: ReconcileResult;
  prices: PriceSpan;
}> {
  const store = await openExisting(o.db, 'ingest logs and market data first');
  const source = o.db;
  // each stage of the analysis and the replay from 0 to 100%, from the running statement's estimate
  const progress =
    o.onProgress && new StageProgress({ emit: o.onProgress, estimate: () => store.conn.progress.percentage });
  try {
    const names = await prepareNames(store, o.catalog);
    const analysis = await analyzeStore(
      store,
      source,
      { from: o.from, to: o.to, model: o.model, onProgress: progress?.message },
      names,
    );
    // The analysis has built model_map and resolved --model; the replay reuses both.
    const simulation = await simulate(store, {
      ...DEFAULT_SIMULATE_OPTIONS,
      from: o.from,
      to: o.to,
      model: analysis.selection.model,
      policies: o.policies,
      baseline: o.baseline as Baseline, // checked by the replay
      state: o.state ?? DEFAULT_SIMULATE_OPTIONS.state,
      marketAt: o.marketAt,
      cache: o.cache,
      cacheKey: o.cacheKey,
      cacheTtl: o.cacheTtl,
      minSuccess: o.minSuccess ?? DEFAULT_SIMULATE_OPTIONS.minSuccess,
      providerId: (name) => resolveProvider(name, names.providers).provider,
      bootstrap: o.bootstrap ?? DEFAULT_SIMULATE_OPTIONS.bootstrap,
      seed: o.seed ?? DEFAULT_SIMULATE_OPTIONS.seed,
      onProgress: progress?.message,
    }).catch((e: unknown) => {
      throw fewerPolicies(e, o.policies);
    });
    progress?.message('reconcile: billed vs list cost');
    const reconciliation = await reconcile(store, { from: o.from, to: o.to, model: analysis.selection.model });
    const prices = await priceSpan(store);
    progress?.done();
    return { analysis, simulation, reconciliation, prices };
  } finally {
    progress?.stop();
    store.close();
  }
}

export async function report(o: ReportOptions): Promise<ReportResult> {
  const gates = o.failIf.map(parseGate); // bad expressions fail before any work
  const { analysis, simulation, reconciliation, prices } = await measure(o);
  const first = simulation.policies[0];
  const q = analysis.dataQuality;
  const figures: Record<GateFigure, number | null> = {
    savingsPct: first?.savingsPct ?? null,
    throughputGainPct: first?.throughputGainPct ?? null,
    failureRate: first?.failureRate ?? null,
    stalePriceDays: prices.staleDays,
    unknownModels: q.unknownModels.length,
    rejectedRows: q.rejects.reduce((n, r) => n + r.rows, 0),
    inertiaIndex: analysis.versionInertia.inertiaIndex,
    top1Share: analysis.concentration.top1Share,
    gini: analysis.concentration.gini,
    billingDeltaPct: billingDeltaPct(reconciliation),
  };
  return { analysis, simulation, reconciliation, prices, figures, gates: evaluateGates(gates, figures) };
}

const num = (v: number | null, d = 1) => (v === null ? '–' : v.toFixed(d));
const count = (n: number) => n.toLocaleString('en-US');

/** Why no bill was compared, by the reason most requests were not. */
const WHY_UNBILLED: Record<UnpricedReason, string> = {
  no_billed_cost: 'the log has no billed costs',
  no_price: 'no list price in force for the billed requests',
  currency_differs: 'bills and list prices in different currencies',
  failed_not_billed: 'nothing was billed',
  free_or_byok: 'nothing was billed',
};

/**
 * What this database can answer and what it cannot, each with the reason: a log of one model
 * answers no question about where demand goes, a market from after the log prices none of it.
 */
export function scopeLines(r: Pick<ReportResult, 'analysis' | 'simulation' | 'reconciliation' | 'prices'>): string[] {
  const can: string[] = [];
  const cannot: string[] = [];
  const { concentration: c, versionInertia: v, supplyVsUse: su } = r.analysis;
  if (c.groups > 1) can.push(`where demand goes across ${c.groups} families`);
  else cannot.push(`where demand goes (${c.groups === 1 ? 'one family has all of it' : 'no demand selected'})`);
  if (v.lines.length) can.push(`how long superseded versions keep traffic (${v.lines.length} line(s))`);
  else cannot.push('version inertia (no model line with requests had a newer release in the period)');
  const used = su.models.filter((m) => m.requests > 0).length;
  if (su.spearman !== null) can.push(`whether listing breadth follows use (${su.models.length} models)`);
  else
    cannot.push(
      `whether listing breadth follows use (${used < 3 ? `requests on ${used} model(s), it takes 3` : 'breadth or demand is the same for every model'})`,
    );
  const major = majorModels(r.analysis, Infinity);
  if (major.length)
    can.push(
      `how providers differ for ${major.length} model(s) with requests (${major[0].model}: ${major[0].providers.length} providers)`,
    );
  else cannot.push('how providers differ (no model with requests has two providers listed or measured)');
  const rec = r.reconciliation.overall;
  if (rec.priced) can.push(`whether list prices describe the bills (${count(rec.priced)} requests compared)`);
  else {
    const [reason] = (Object.entries(rec.unpriced) as [UnpricedReason, number][]).sort((a, b) => b[1] - a[1])[0] ?? [];
    cannot.push(`whether list prices describe the bills (${reason ? WHY_UNBILLED[reason] : 'no requests'})`);
  }
  const sim = r.simulation;
  const first = sim.policies[0];
  if (first?.requests) {
    can.push(`what routing would have saved (${count(first.requests)} of ${count(sim.requests)} requests compared)`);
  } else if (first) {
    const [reason, n] = Object.entries(first.excluded ?? {}).sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
    const last = r.analysis.dataQuality.lastRequest?.slice(0, 10);
    const newer = sim.marketAt === null && r.prices.first !== null && last !== undefined && r.prices.first > last;
    cannot.push(
      `what routing would have saved (0 of ${count(sim.requests)} requests compared` +
        (reason ? `; ${reason}: ${count(n)}, see the notes` : '') +
        (newer ? `; every price snapshot is newer than the log: --market-at latest replays at the newest` : '') +
        ')',
    );
  }
  return [
    ...(can.length ? [`this data answers: ${can.join('; ')}`] : []),
    ...(cannot.length ? [`it cannot answer: ${cannot.join('; ')}`] : []),
  ];
}

function gatesSection(r: ReportResult): Section {
  return {
    title: 'Gates',
    columns: ['gate', 'value', 'result'],
    rows: r.gates.map((g) => [
      g.expr,
      g.actual === null ? null : { value: g.actual, text: num(g.actual, 2) },
      g.failed ? 'FAILED' : 'ok',
    ]),
  };
}

/** What `report --format csv` writes: the gates when there are any (what a CI job checks), else the routing table; raw numbers. */
export function reportCsv(r: ReportResult): Section {
  return r.gates.length ? gatesSection(r) : policiesCsv(r.simulation);
}

export function reportReport(r: ReportResult): Report {
  const a = analyzeReport(r.analysis, { majorModels: MAJOR_MODELS });
  const s = simulateReport(r.simulation);
  const q = r.analysis.dataQuality;
  const c = r.analysis.concentration;
  const failed = r.gates.filter((g) => g.failed);
  const lead = [
    `${q.requests.toLocaleString('en-US')} requests, ${q.firstRequest?.slice(0, 10) ?? '–'} .. ${q.lastRequest?.slice(0, 10) ?? '–'}`,
    ...(s.lead ?? []),
    `demand: top family ${num(c.top1Share)}%, top five ${num(c.top5Share)}%, Gini ${num(c.gini, 3)}; ` +
      `${num(r.analysis.versionInertia.inertiaIndex)}% of demand on superseded versions`,
    reconcileLead(r.reconciliation),
    ...scopeLines(r),
  ];
  const gates = gatesSection(r);
  return {
    json: {
      figures: r.figures,
      gates: r.gates.map(({ expr, figure, actual, failed }) => ({ expr, figure, actual, failed })),
      analysis: a.json,
      simulation: s.json,
      reconcile: r.reconciliation,
    },
    title: 'ai-ping report',
    alerts: failed.map((g) => `GATE FAILED: ${g.expr} (${g.figure} = ${num(g.actual, 2)})`),
    lead,
    sections: [
      ...(r.gates.length ? [gates] : []),
      ...s.sections,
      ...reconcileSections(r.reconciliation),
      ...a.sections,
    ],
    csv: reportCsv(r),
    notes: [
      ...(a.notes ?? []),
      ...(s.notes ?? []),
      ...reconcileNotes(r.reconciliation),
      r.prices.staleDays === null
        ? 'stale prices: no price snapshot or no request to compare its time with'
        : r.prices.staleDays >= 0
          ? `stale prices: latest snapshot ${num(r.prices.staleDays)} days before the last request`
          : `prices newer than the log: snapshots ${r.prices.first} .. ${r.prices.last}, the latest ${num(-r.prices.staleDays)} days after the last request`,
    ],
  };
}
