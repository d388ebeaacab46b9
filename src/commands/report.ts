/**
 * `ai-ping report`: one document for people and CI — the answer first, then
 * where demand goes, how providers differ, what routing would have done, and
 * data quality — with gates that fail a CI job.
 */
import type { Report, Section } from '../report/index.js';
import { DEFAULT_SIMULATE_OPTIONS, simulate, type Policy, type SimulateResult } from '../simulate/index.js';
import type { Baseline } from '../simulate/replay.js';
import { resolveProvider } from '../catalog/providers.js';
import { prepareNames } from '../query/model-map.js';
import { openExisting, type Store } from '../store/db.js';
import { analyzeReport, analyzeStore, type AnalyzeResult } from './analyze.js';
import { evaluateGates, parseGate, type GateFigure, type GateOutcome } from './gates.js';
import { StageProgress } from '../report/progress.js';
import { policiesCsv, simulateReport } from './simulate.js';

export interface ReportOptions {
  db: string;
  catalog?: string;
  from?: string;
  to?: string;
  model?: string;
  policies: readonly Policy[];
  baseline: string;
  failIf: string[];
  bootstrap?: number;
  seed?: number;
  onProgress?: (msg: string) => void;
}

export interface ReportResult {
  analysis: AnalyzeResult;
  simulation: SimulateResult;
  figures: Record<GateFigure, number | null>;
  gates: GateOutcome[];
}

/** Providers of this many major models are compared side by side. */
export const MAJOR_MODELS = 3;

async function stalePriceDays(store: Store): Promise<number | null> {
  const r = await store.one<{ d: number | null }>(
    `SELECT date_diff('second', (SELECT max(ts) FROM prices), (SELECT max(ts) FROM requests)) / 86400.0 AS d`,
  );
  return r?.d ?? null;
}

/** Analysis, replay and the stale-price check share one read-only open of the database. */
async function measure(
  o: ReportOptions,
): Promise<{ analysis: AnalyzeResult; simulation: SimulateResult; stale: number | null }> {
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
      providerId: (name) => resolveProvider(name, names.providers).provider,
      bootstrap: o.bootstrap ?? DEFAULT_SIMULATE_OPTIONS.bootstrap,
      seed: o.seed ?? DEFAULT_SIMULATE_OPTIONS.seed,
      onProgress: progress?.message,
    });
    const stale = await stalePriceDays(store);
    progress?.done();
    return { analysis, simulation, stale };
  } finally {
    progress?.stop();
    store.close();
  }
}

export async function report(o: ReportOptions): Promise<ReportResult> {
  const gates = o.failIf.map(parseGate); // bad expressions fail before any work
  const { analysis, simulation, stale } = await measure(o);
  const first = simulation.policies[0];
  const q = analysis.dataQuality;
  const figures: Record<GateFigure, number | null> = {
    savingsPct: first?.savingsPct ?? null,
    throughputGainPct: first?.throughputGainPct ?? null,
    failureRate: first?.failureRate ?? null,
    stalePriceDays: stale,
    unknownModels: q.unknownModels.length,
    rejectedRows: q.rejects.reduce((n, r) => n + r.rows, 0),
    inertiaIndex: analysis.versionInertia.inertiaIndex,
    top1Share: analysis.concentration.top1Share,
    gini: analysis.concentration.gini,
  };
  return { analysis, simulation, figures, gates: evaluateGates(gates, figures) };
}

const num = (v: number | null, d = 1) => (v === null ? '–' : v.toFixed(d));

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
  ];
  const gates = gatesSection(r);
  return {
    json: {
      figures: r.figures,
      gates: r.gates.map(({ expr, figure, actual, failed }) => ({ expr, figure, actual, failed })),
      analysis: a.json,
      simulation: s.json,
    },
    title: 'ai-ping report',
    alerts: failed.map((g) => `GATE FAILED: ${g.expr} (${g.figure} = ${num(g.actual, 2)})`),
    lead,
    sections: [...(r.gates.length ? [gates] : []), ...s.sections, ...a.sections],
    csv: reportCsv(r),
    notes: [
      ...(a.notes ?? []),
      ...(s.notes ?? []),
      `stale prices: latest snapshot ${num(r.figures.stalePriceDays)} days before the last request`,
    ],
  };
}
