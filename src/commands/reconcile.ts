/**
 * `ai-ping reconcile`: what each model and provider billed against the list cost of the same
 * requests, the prices the bills imply beside the list prices, and why a request was not
 * compared; with `--save-prices`, the fitted prices stored for `simulate --prices billed|both`.
 */
import { existsSync } from 'node:fs';
import { resolveName } from '../catalog/index.js';
import { InputError, UsageError } from '../errors.js';
import { fileCountsJson, type FileCountsJson } from '../ingest/messages.js';
import {
  MIN_FIT_REQUESTS,
  reconcile,
  saveBilledPrices,
  type ReconcileResult,
  type ReconcileRow,
  type UnpricedReason,
} from '../metrics/reconcile.js';
import { prepareNames } from '../query/model-map.js';
import { checkModel } from '../query/names.js';
import { percentCell, type Report, type Section } from '../report/index.js';
import { Store } from '../store/db.js';
import { evaluateGates, parseGate, type GateFigure, type GateOutcome } from './gates.js';
import { openInput } from './input.js';

export interface ReconcileOptions {
  files: string[];
  db: string;
  catalog?: string;
  model?: string;
  from?: string;
  to?: string;
  savePrices?: boolean;
  failIf?: string[];
  onProgress?: (msg: string) => void;
  onWarn?: (msg: string) => void;
}

export interface ReconcileCommandResult extends ReconcileResult {
  /** the rows whose fitted prices were stored (`--save-prices`) */
  saved?: { model: string; provider: string; currency: string | null }[];
  gates: GateOutcome[];
  input?: { files: FileCountsJson[] };
}

/** The gate figures reconcile gives. */
export const RECONCILE_FIGURES = ['billingDeltaPct'] as const satisfies readonly GateFigure[];

/** How far list costs are from the bills, either way, percent: |overall deltaPct|. */
export function billingDeltaPct(r: ReconcileResult): number | null {
  return r.overall.deltaPct === null ? null : Math.abs(r.overall.deltaPct);
}

export async function reconcileCommand(o: ReconcileOptions): Promise<ReconcileCommandResult> {
  const gates = (o.failIf ?? []).map(parseGate);
  for (const g of gates)
    if (!(RECONCILE_FIGURES as readonly string[]).includes(g.figure))
      throw new UsageError(
        `--fail-if '${g.expr}': reconcile gives ${RECONCILE_FIGURES.join(', ')}; the others are report's`,
      );
  if (o.savePrices && o.files.length)
    throw new UsageError('--save-prices stores prices in a database: pass --db, not files read in memory');
  // saving writes to the database (and upgrades an earlier schema); reading needs only read access
  const { store, files } = o.savePrices ? { store: await openForSaving(o.db), files: undefined } : await openInput(o);
  try {
    o.onProgress?.('reconcile: billed vs list cost');
    const { catalog } = await prepareNames(store, o.catalog);
    const model = o.model ? resolveName(o.model, catalog).model : undefined;
    if (model) await checkModel(store, model, '--model');
    const result = await reconcile(store, { from: o.from, to: o.to, model });
    const saved = o.savePrices ? await saveBilledPrices(store, result.rows) : undefined;
    return {
      ...result,
      ...(saved ? { saved: saved.map(({ model, provider, currency }) => ({ model, provider, currency })) } : {}),
      gates: evaluateGates(gates, { billingDeltaPct: billingDeltaPct(result) } as Record<GateFigure, number | null>),
      ...(files ? { input: { files: files.map(fileCountsJson) } } : {}),
    };
  } finally {
    store.close();
  }
}

async function openForSaving(db: string): Promise<Store> {
  if (!existsSync(db))
    throw new InputError(`database ${db} does not exist; ingest request logs with billed costs first`);
  return Store.open(db);
}

/** What makes a request comparable, by the reason it was not. */
const NEXT_STEP: Record<UnpricedReason, string> = {
  no_billed_cost: 'the log has no cost for them; a gateway export (OpenRouter, LiteLLM, Helicone, Langfuse) carries it',
  no_price:
    'no list price of that model and provider in force then; ingest prices for that period (ai-ping pull, a catalogue snapshot)',
  currency_differs: 'billed in another currency than the list price; ingest prices in the billed currency',
  failed_not_billed: 'failed requests that billed nothing',
  free_or_byok: 'billed 0: a free model, or a BYOK request the provider bills you for directly',
};

const money = (v: number | null, currency: string | null) =>
  v === null
    ? null
    : {
        value: v,
        text: `${v.toLocaleString('en-US', { maximumSignificantDigits: 6 })}${currency ? ` ${currency}` : ''}`,
      };
/** +1.23% / −1.23%, signed as shown: a difference that rounds to 0.00% has no sign. */
const signedPct = (v: number | null) => {
  if (v === null) return null;
  const shown = Math.abs(v).toFixed(2);
  return { value: v, text: `${Number(shown) === 0 ? '' : v > 0 ? '+' : '−'}${shown}%` };
};
const price = (v: number | null) => (v === null ? null : { value: v, text: String(Number(v.toPrecision(6))) });

/** The tables of reconcile, for its own output and for `report`: the fitted prices only where a fit was made. */
export function reconcileSections(r: ReconcileResult): Section[] {
  const fitted = r.rows.filter((x) => x.n >= MIN_FIT_REQUESTS);
  const billed: Section = {
    title: 'Billed vs list cost per model and provider (delta = (list − billed) / billed)',
    columns: ['model', 'provider', 'requests', 'priced', 'billed', 'list', 'delta', 'median |error|', 'not priced'],
    rows: r.rows.map((x) => [
      x.model,
      x.provider,
      x.requests,
      x.priced,
      money(x.billedCost, x.currency),
      money(x.listCost, x.currency),
      signedPct(x.deltaPct),
      percentCell(x.medianAbsErrorPct, 2),
      unpricedText(x.unpriced),
    ]),
    preview: 20,
  };
  if (!fitted.length) return [billed];
  return [
    billed,
    {
      title: 'Prices the bills imply (non-negative least squares, per 1M tokens) beside the list',
      columns: ['model', 'provider', 'n', 'r2', 'input', 'list', 'cached', 'list', 'output', 'list', 'finding'],
      rows: fitted.map((x) => [
        x.model,
        x.provider,
        x.n,
        x.r2 === null ? null : { value: x.r2, text: x.r2.toFixed(4) },
        price(x.effectiveInputPrice),
        price(x.listInputPrice),
        price(x.effectiveCachedPrice),
        price(x.listCachedPrice),
        price(x.effectiveOutputPrice),
        price(x.listOutputPrice),
        x.finding,
      ]),
      preview: 20,
    },
  ];
}

const unpricedText = (u: ReconcileRow['unpriced']) =>
  Object.entries(u)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ') || null;

/** The answer in one line. */
export function reconcileLead(r: ReconcileResult): string {
  const o = r.overall;
  const n = (v: number) => v.toLocaleString('en-US');
  if (!o.priced) return `bills vs list: 0 of ${n(o.requests)} requests compared (see the notes)`;
  if (o.deltaPct === null)
    return `bills vs list: ${n(o.priced)} of ${n(o.requests)} requests compared, in more than one currency (see each row)`;
  const c = o.currency ? ` ${o.currency}` : '';
  return (
    `bills vs list: billed ${Number(o.billedCost!.toPrecision(6))}${c}, list ${Number(o.listCost!.toPrecision(6))}${c} ` +
    `(${signedPct(o.deltaPct)!.text}; median per-request error ${o.medianAbsErrorPct!.toFixed(2)}%) over ${n(o.priced)} of ${n(o.requests)} requests`
  );
}

/** One line per reason requests were not compared, with what would change it. */
export function reconcileNotes(r: ReconcileResult): string[] {
  const n = (v: number) => v.toLocaleString('en-US');
  return Object.entries(r.overall.unpriced).map(
    ([k, c]) =>
      `not compared with list (${k}): ${n(c)} of ${n(r.overall.requests)} requests: ${NEXT_STEP[k as UnpricedReason]}`,
  );
}

export function reconcileReport(r: ReconcileCommandResult): Report {
  const sections = reconcileSections(r);
  const billed = sections[0];
  const failed = r.gates.filter((g) => g.failed);
  return {
    json: r,
    title: 'ai-ping reconcile',
    alerts: failed.map((g) => `GATE FAILED: ${g.expr} (${g.figure} = ${g.actual?.toFixed(2)})`),
    lead: [reconcileLead(r)],
    sections,
    csv: { ...billed, title: undefined, columns: CSV_COLUMNS, rows: r.rows.map(csvRow) },
    notes: [
      ...reconcileNotes(r),
      ...(r.saved
        ? [
            `saved ${r.saved.length} fitted price snapshot(s) as billed prices; 'ai-ping simulate --prices billed' (or both: list where in force, billed elsewhere) replays with them`,
          ]
        : []),
      `a fit needs ${MIN_FIT_REQUESTS} billed requests of a model and provider without cache writes at the base price tier` +
        (sections.length > 1
          ? '; a price the bills cannot tell apart (no cached tokens, tokens in one ratio) is left empty'
          : ': none has them'),
    ],
  };
}

const CSV_COLUMNS = [
  'model',
  'provider',
  'currency',
  'requests',
  'priced',
  'billed_cost',
  'list_cost',
  'delta_pct',
  'median_abs_error_pct',
  'effective_input_price',
  'effective_cached_price',
  'effective_output_price',
  'r2',
  'n',
  'list_input_price',
  'list_cached_price',
  'list_output_price',
  'unpriced',
];

const csvRow = (x: ReconcileRow) => [
  x.model,
  x.provider,
  x.currency,
  x.requests,
  x.priced,
  x.billedCost,
  x.listCost,
  x.deltaPct,
  x.medianAbsErrorPct,
  x.effectiveInputPrice,
  x.effectiveCachedPrice,
  x.effectiveOutputPrice,
  x.r2,
  x.n,
  x.listInputPrice,
  x.listCachedPrice,
  x.listOutputPrice,
  unpricedText(x.unpriced),
];
