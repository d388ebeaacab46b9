/**
 * `ai-ping providers`: the same model, different services. One row per
 * offering: listing, price in force, limits, features, flags and measured speed.
 */
import { resolveName } from '../catalog/index.js';
import { prepareNames } from '../query/model-map.js';
import { momentOption } from '../query/selection.js';
import {
  latestPriceTs,
  priceHistory as historyOf,
  providerOfferings,
  type PricePoint,
  type PriceTier,
  type ProviderOffering,
} from '../metrics/providers.js';
import { UsageError } from '../errors.js';
import { percentCell, roundedCell, type Cell, type Report, type Section } from '../report/index.js';
import { openExisting } from '../store/db.js';

export interface ProvidersOptions {
  db: string;
  /** a model name in any spelling; all models when absent */
  model?: string;
  catalog?: string;
  /** prices in force at this time (default: the latest price snapshot) */
  at?: string;
}

export interface ProvidersResult {
  at: string;
  /** the canonical model asked for, or null for all */
  model: string | null;
  models: { model: string; providers: ProviderOffering[] }[];
}

export async function providers(o: ProvidersOptions): Promise<ProvidersResult> {
  // formatted like stored times (microseconds), as latestPriceTs gives them
  const given = o.at ? momentOption('--at', o.at).toISOString().replace(/Z$/, '000Z') : undefined;
  const store = await openExisting(o.db, 'ingest offerings, prices or latency first');
  try {
    const { catalog } = await prepareNames(store, o.catalog);
    const model = o.model ? resolveName(o.model, catalog).model : null;
    const at = given ?? (await latestPriceTs(store));
    const rows = await providerOfferings(store, { model: model ?? undefined, at });
    const byModel = new Map<string, ProviderOffering[]>();
    for (const r of rows) byModel.set(r.model, [...(byModel.get(r.model) ?? []), r]);
    const models = [...byModel].map(([m, providers]) => ({ model: m, providers }));
    if (model === null) models.sort((a, b) => b.providers.length - a.providers.length || (a.model < b.model ? -1 : 1));
    return { at, model, models };
  } finally {
    store.close();
  }
}

/** Whole milliseconds for people, unrounded in csv. */
const ms = (v: number | null) => roundedCell(v, 0);
/** A 0..1 rate as a percentage: 50.0% for people, 50 in csv. */
const pct = (v: number | null) => percentCell(v === null ? null : v * 100);

/** `>200k: 2.5/15` per tier: above that many input tokens, input/output prices for the whole request. */
function tiersCell(tiers: PriceTier[]): string | null {
  const k = (n: number) => (n % 1000 === 0 ? `${n / 1000}k` : String(n));
  return (
    tiers.map((t) => `>${k(t.minInputTokens)}: ${t.inputPrice}/${t.outputPrice ?? t.inputPrice}`).join('; ') || null
  );
}

function spread(values: (number | null)[]): string | null {
  const xs = values.filter((v): v is number => v !== null && v > 0);
  if (xs.length < 2) return null;
  return `${(Math.max(...xs) / Math.min(...xs)).toFixed(1)}x`;
}

const OFFERING_COLUMNS = [
  'provider',
  'listed as',
  'variant',
  'in',
  'out',
  'cached',
  'write',
  'blended',
  'tiers',
  'cur',
  'context',
  'max out',
  'features',
  'TTFT p50 ms',
  'TPS p50',
  'e2e p90 ms',
  'success',
  'flags',
];

function offeringRow(p: ProviderOffering): Cell[] {
  return [
    [p.provider, p.official && '(official)', p.kind === 'gateway' && '(gateway)'].filter(Boolean).join(' '),
    p.sourceModel,
    [p.variant, p.quantization].filter(Boolean).join(', ') || null,
    p.inputPrice,
    p.outputPrice,
    p.cachedInputPrice,
    p.cacheWritePrice,
    p.blendedPrice,
    tiersCell(p.tiers),
    p.currency,
    p.contextLength,
    p.maxOutputTokens,
    p.features,
    ms(p.medianTtftMs),
    p.medianTps,
    ms(p.p90LatencyMs),
    pct(p.successRate),
    [...(p.listed ? [] : ['not listed']), ...p.anomalies].join('; ') || null,
  ];
}

export function providersReport(r: ProvidersResult): Report {
  const sections: Section[] = r.models.map(({ model, providers: ps }) => ({
    title: `${model}: ${ps.length} offering(s), prices in force at ${r.at.slice(0, 16)}Z`,
    columns: OFFERING_COLUMNS,
    rows: ps.map(offeringRow),
  }));
  // csv: every model in one table, the canonical model beside the provider
  const csv: Section = {
    columns: [OFFERING_COLUMNS[0], 'model', ...OFFERING_COLUMNS.slice(1)],
    rows: r.models.flatMap(({ model, providers: ps }) =>
      ps.map((p) => {
        const [provider, ...rest] = offeringRow(p);
        return [provider, model, ...rest];
      }),
    ),
  };
  const notes = r.models
    .map(({ model, providers: ps }) => {
      const parts = [
        spread(ps.map((p) => p.blendedPrice)) && `blended price max/min ${spread(ps.map((p) => p.blendedPrice))}`,
        spread(ps.map((p) => p.medianTtftMs)) && `TTFT ${spread(ps.map((p) => p.medianTtftMs))}`,
        spread(ps.map((p) => p.medianTps)) && `TPS ${spread(ps.map((p) => p.medianTps))}`,
      ].filter(Boolean);
      return parts.length ? `${model}: ${parts.join(', ')}` : '';
    })
    .filter(Boolean);
  if (r.models.length === 0)
    notes.push(r.model ? `no offerings of ${r.model} in the database` : 'no offerings in the database');
  const json =
    r.model !== null
      ? { model: r.model, at: r.at, providers: r.models[0]?.providers ?? [] }
      : { at: r.at, models: r.models };
  return { json, sections, csv, notes };
}

export interface PriceHistoryResult {
  model: string;
  points: PricePoint[];
}

/** `providers --history`: one model's base-tier prices at every snapshot, per provider. */
export async function priceHistory(o: ProvidersOptions): Promise<PriceHistoryResult> {
  if (!o.model) throw new UsageError('--history needs --model: the price history of one model');
  if (o.at) throw new UsageError('--history lists every snapshot; leave out --at');
  const store = await openExisting(o.db, 'ingest prices first');
  try {
    const { catalog } = await prepareNames(store, o.catalog);
    const model = resolveName(o.model, catalog).model;
    return { model, points: await historyOf(store, model) };
  } finally {
    store.close();
  }
}

/** One row per provider, one column per snapshot day: `input/output` where the provider had a price. */
export function priceHistoryReport(r: PriceHistoryResult): Report {
  const days = [...new Set(r.points.map((p) => p.ts.slice(0, 10)))].sort();
  const byProvider = new Map<string, Map<string, PricePoint>>();
  for (const p of r.points) {
    const row = byProvider.get(p.provider) ?? new Map<string, PricePoint>();
    row.set(p.ts.slice(0, 10), p);
    byProvider.set(p.provider, row);
  }
  const kindOf = new Map(r.points.map((p) => [p.provider, p.kind]));
  const notes = r.points.length
    ? [`prices per 1 M tokens (input/output, ${[...new Set(r.points.map((p) => p.currency))].join(', ')}), base tier`]
    : [`no price snapshots of ${r.model} in the database`];
  return {
    json: { model: r.model, history: r.points },
    sections: [
      {
        title: `${r.model}: prices of ${byProvider.size} provider(s) at ${days.length} snapshot(s)`,
        columns: ['provider', ...days],
        rows: [...byProvider].map(([provider, at]) => [
          kindOf.get(provider) === 'gateway' ? `${provider} (gateway)` : provider,
          ...days.map((d) => {
            const p = at.get(d);
            // six significant digits: sources carry float noise such as 0.27999999999999997
            const f = (v: number) => String(Number(v.toPrecision(6)));
            return p ? `${f(p.inputPrice)}/${f(p.outputPrice)}` : null;
          }),
        ]),
      },
    ],
    notes,
  };
}
