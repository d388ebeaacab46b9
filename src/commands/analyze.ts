/**
 * `ai-ping analyze`: where demand goes (concentration, version inertia), supply
 * vs use, how providers of the same model differ, and task regimes.
 */
import { resolveName } from '../catalog/index.js';
import { concentration, type ConcentrationLevel, type ConcentrationResult } from '../metrics/concentration.js';
import { dataQuality, type DataQualityResult } from '../metrics/data-quality.js';
import {
  heterogeneity,
  HETEROGENEITY_FIGURES,
  type HeterogeneityModel,
  type HeterogeneityResult,
} from '../metrics/heterogeneity.js';
import { prepareNames } from '../query/model-map.js';
import type { AnalyzeSelection, DemandUnit } from '../query/selection.js';
import { supplyUse, type SupplyUseResult } from '../metrics/supply-use.js';
import { taskRegimes, type TaskRegimesResult } from '../metrics/task-regimes.js';
import { versionInertia, type VersionInertiaResult } from '../metrics/version-inertia.js';
import {
  percent as pct,
  percentCell,
  roundedCell,
  type Cell,
  type Chart,
  type Report,
  type Section,
  type Shown,
} from '../report/index.js';
import { fileCountsJson, type FileCountsJson } from '../ingest/messages.js';
import type { Store } from '../store/db.js';
import { openInput } from './input.js';

export interface AnalyzeOptions {
  /** request logs (and any other canonical tables) analysed in memory, without a database */
  files: string[];
  db: string;
  catalog?: string;
  by?: DemandUnit;
  from?: string;
  to?: string;
  /** a model in any spelling */
  model?: string;
  task?: string;
  level?: ConcentrationLevel;
  onProgress?: (msg: string) => void;
  /** skipped files and rejected rows of the files read in memory */
  onWarn?: (msg: string) => void;
}

export interface AnalyzeResult {
  selection: AnalyzeSelection;
  source: string;
  concentration: ConcentrationResult;
  versionInertia: VersionInertiaResult;
  supplyVsUse: SupplyUseResult;
  heterogeneity: HeterogeneityResult;
  taskRegimes: TaskRegimesResult;
  dataQuality: DataQualityResult;
  /** the files read in memory, with their counts as `ingest` gives them; absent for a database */
  input?: { files: FileCountsJson[] };
}

export async function analyze(o: AnalyzeOptions): Promise<AnalyzeResult> {
  const { store, source, files } = await openInput(o);
  try {
    const result = await analyzeStore(store, source, o);
    return files ? { ...result, input: { files: files.map(fileCountsJson) } } : result;
  } finally {
    store.close();
  }
}

/**
 * The analysis on an open store; leaves `model_map` and `provider_map` in place for a replay on
 * the same store, with the catalogs (`names`, when the caller has prepared them).
 */
export async function analyzeStore(
  store: Store,
  source: string,
  o: Omit<AnalyzeOptions, 'files' | 'db'>,
  names?: Awaited<ReturnType<typeof prepareNames>>,
): Promise<AnalyzeResult> {
  const { catalog } = names ?? (await prepareNames(store, o.catalog));
  const selection: AnalyzeSelection = {
    by: o.by ?? 'tokens',
    from: o.from,
    to: o.to,
    model: o.model ? resolveName(o.model, catalog).model : undefined,
    task: o.task,
  };
  const step = (what: string) => o.onProgress?.(`analyze: ${what}`);
  step('concentration');
  const conc = await concentration(store, { ...selection, level: o.level ?? 'family' });
  step('version inertia');
  const inertia = await versionInertia(store, selection);
  step('supply vs use');
  const supply = await supplyUse(store, selection);
  step('service heterogeneity');
  const hetero = await heterogeneity(store, selection);
  step('task regimes');
  const tasks = await taskRegimes(store, selection);
  const quality = await dataQuality(store, selection);
  return {
    selection,
    source,
    concentration: conc,
    versionInertia: inertia,
    supplyVsUse: supply,
    heterogeneity: hetero,
    taskRegimes: tasks,
    dataQuality: quality,
  };
}

const fixed = (v: number | null | undefined, digits: number): number | null =>
  v === null || v === undefined ? null : Number(v.toFixed(digits));

function groupsOf(c: ConcentrationResult): { name: string; demand: number; share: number | null }[] {
  if (c.level === 'family') return c.families.map((g) => ({ name: g.family, demand: g.demand, share: g.share }));
  if (c.level === 'model') return c.models.map((g) => ({ name: g.model, demand: g.demand, share: g.share }));
  return c.providers.map((g) => ({ name: g.provider, demand: g.demand, share: g.share }));
}

function concentrationSection(c: ConcentrationResult): Section {
  return {
    title:
      `Demand concentration by ${c.level} (${c.unit}): top 1 ${pct(c.top1Share) ?? '–'}, top 5 ${pct(c.top5Share) ?? '–'}, ` +
      `Gini ${fixed(c.gini, 3) ?? '–'}, HHI ${fixed(c.hhi, 3) ?? '–'} over ${c.groups} ${c.level === 'family' ? 'families' : `${c.level}s`}`,
    columns: [c.level, 'demand', 'share'],
    rows: groupsOf(c).map((g) => [g.name, roundedCell(g.demand, 2), percentCell(g.share, 2)]),
    align: ['left', 'right', 'right'],
    chart: c.lorenz.length
      ? {
          title: 'Lorenz curve: cumulative share of demand vs of groups (ascending)',
          x: c.lorenz.map((p) => `${p.groupShare.toFixed(0)}%`),
          yLabel: 'cumulative demand %',
          series: [
            { name: 'demand', values: c.lorenz.map((p) => p.demandShare) },
            { name: 'equality', values: c.lorenz.map((p) => p.groupShare) },
          ],
        }
      : undefined,
  };
}

function inertiaSections(v: VersionInertiaResult): Section[] {
  const table: Section = {
    title: `Version inertia: ${pct(v.inertiaIndex) ?? '–'} of demand on superseded versions (inertia index)`,
    columns: [
      'line',
      'newest release',
      'released',
      'superseded on release day',
      '+7 days',
      '+30 days',
      'half-life (days)',
    ],
    rows: v.lines.map((l) => [
      l.line,
      l.newestModel,
      l.releaseDate,
      percentCell(l.releaseDayShare),
      percentCell(l.day7Share),
      percentCell(l.day30Share),
      l.halfLifeDays,
    ]),
    align: ['left', 'left', 'left', 'right', 'right', 'right', 'right'],
  };
  const charts: Section[] = v.lines.map((l) => {
    const days = l.daily.filter((d) => d.day >= l.releaseDate);
    return {
      columns: [],
      rows: [],
      chart: {
        title: `${l.line}: superseded share of daily demand since ${l.newestModel} (${l.releaseDate})`,
        x: days.map((d) => d.day.slice(5)),
        yLabel: 'superseded %',
        series: [{ name: 'superseded', values: days.map((d) => d.supersededShare) }],
      },
    };
  });
  // A line whose first model arrives in the period has nothing to supersede: no decay to draw.
  return [table, ...charts.filter((c) => c.chart!.x.length > 1 && c.chart!.series[0].values.some((v) => (v ?? 0) > 0))];
}

/** What the supply vs use table covers, and why it has no correlation when it has none. */
function supplyNotes(s: SupplyUseResult): string[] {
  const used = s.models.filter((m) => m.requests > 0).length;
  const u = s.unresolved;
  const listedOnly = s.models.length - used;
  return [
    ...(listedOnly
      ? [`supply vs use: ${used} model(s) with requests and ${listedOnly} known model(s) listed beside them`]
      : []),
    ...(used < 3
      ? [
          `supply vs use: no rank correlation, which needs requests on 3 or more models (here ${used}); a log spanning more models answers whether listing breadth follows use`,
        ]
      : []),
    ...(u.models
      ? [
          `supply vs use: ${u.models.toLocaleString('en-US')} listed name(s) the catalog does not resolve and nobody called ` +
            `(${u.listings.toLocaleString('en-US')} listing(s) at ${u.providers} provider(s)) are counted, not ranked; ` +
            '`ai-ping catalog` lists unknown names, and a catalog row (`--catalog FILE`) resolves one',
        ]
      : []),
  ];
}

function supplySections(s: SupplyUseResult): Section[] {
  return [
    {
      title: `Supply vs use: listing breadth vs demand share (Spearman ${fixed(s.spearman, 3) ?? '–'})`,
      columns: ['model', 'family', 'providers listing', 'requests', 'share'],
      rows: s.models.map((m) => [m.model, m.family, m.listingBreadth, m.requests, percentCell(m.share, 2)]),
      align: ['left', 'left', 'right', 'right', 'right'],
    },
    {
      title: `Per provider: models listed vs models with real use (${s.unusedOfferings.length} listed offerings without demand)`,
      columns: ['provider', 'models listed', 'models used (>= 1% of its demand)', 'requests'],
      rows: s.providers.map((p) => [p.provider, p.modelsListed, p.modelsUsed, p.requests]),
    },
  ];
}

/** `medianTtftMs` → `median ttft ms`, for column heads. */
const figureLabel = (f: string) => f.replace(/([A-Z])/g, ' $1').toLowerCase();

/**
 * min ━━●━━━ max on a fixed width: the dot is the median provider, so the spread
 * across providers is visible at a glance.
 */
export function spreadBar(values: (number | null)[], width = 9): string | null {
  const xs = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  if (xs.length < 2) return null;
  const mid = xs.length / 2;
  const median = xs.length % 2 ? xs[Math.floor(mid)] : (xs[mid - 1] + xs[mid]) / 2;
  const [min, max] = [xs[0], xs[xs.length - 1]];
  const at = max > min ? Math.round(((median - min) / (max - min)) * (width - 1)) : 0;
  const bar = Array.from({ length: width }, (_, i) => (i === at ? '●' : '━')).join('');
  const n = (v: number) => Number(v.toPrecision(3)).toLocaleString('en-US');
  return `${n(min)} ${bar} ${n(max)}`;
}

const ratioCell = (v: number | null): Shown | null => (v === null ? null : { value: v, text: `${v.toFixed(1)}x` });

function heterogeneitySection(h: HeterogeneityResult): Section {
  const rows: Cell[][] = h.models.map((m) => [
    m.model,
    m.providers.length,
    spreadBar(m.providers.map((p) => p.blendedPrice)),
    spreadBar(m.providers.map((p) => p.medianTtftMs)),
    spreadBar(m.providers.map((p) => p.medianTps)),
    ...HETEROGENEITY_FIGURES.flatMap((f) => {
      const s = m.spread[f];
      return [s.cv === null ? null : fixed(s.cv, 2)];
    }),
    ratioCell(m.spread.blendedPrice.maxMinRatio),
    ratioCell(m.spread.medianTps.maxMinRatio),
    percentCell(m.officialDeviation?.blendedPct),
    m.priceAnchored === null ? null : m.priceAnchored ? 'yes' : 'no',
  ]);
  return {
    title: `Service heterogeneity: coefficient of variation across providers (prices in force ${h.priceAt?.slice(0, 10) ?? '–'})`,
    columns: [
      'model',
      'providers',
      'blended price min ● median max',
      'TTFT ms',
      'TPS',
      ...HETEROGENEITY_FIGURES.map((f) => `CV ${figureLabel(f)}`),
      'blended max/min',
      'TPS max/min',
      'mean dev. from official',
      'price anchored',
    ],
    rows,
  };
}

function taskSection(t: TaskRegimesResult): Section {
  return {
    title: 'Task regimes',
    columns: ['task', 'requests', 'share', 'input p50', 'p90', 'p99', 'output p50', 'p90', 'p99', 'out/in', 'regime'],
    rows: t.tasks.map((x) => [
      x.task ?? '(none)',
      x.requests,
      percentCell(x.requestShare),
      fixed(x.inputTokens.p50, 0),
      fixed(x.inputTokens.p90, 0),
      fixed(x.inputTokens.p99, 0),
      fixed(x.outputTokens.p50, 0),
      fixed(x.outputTokens.p90, 0),
      fixed(x.outputTokens.p99, 0),
      fixed(x.meanOutputInputRatio, 3),
      x.regime,
    ]),
  };
}

function qualityNotes(q: DataQualityResult, inMemory: boolean): string[] {
  const notes = [
    `period: ${q.firstRequest ?? '–'} .. ${q.lastRequest ?? '–'}, ${q.requests.toLocaleString('en-US')} requests`,
    `requests without TTFT: ${pct(q.withoutTtftPct) ?? '–'}; without end-to-end latency: ${pct(q.withoutLatencyPct) ?? '–'}`,
  ];
  if (q.unknownModels.length) {
    notes.push(
      `unknown model names (own model, line and family): ${q.unknownModels.map((u) => `${u.name} (${u.requests})`).join(', ')}`,
    );
  }
  if (q.requestsWithoutCost)
    notes.push(`${q.requestsWithoutCost} request(s) with neither a logged cost nor a price: counted as 0`);
  const rejected = q.rejects.reduce((n, r) => n + r.rows, 0);
  if (rejected) {
    notes.push(
      inMemory
        ? `${rejected} row(s) of the files rejected, not kept (read in memory; see the warnings)`
        : `${rejected} row(s) rejected at ingest are on record (table rejects)`,
    );
  }
  return notes;
}

/**
 * The `top` models with the most demand among those with two or more providers;
 * a model nobody called is not a major one.
 */
export function majorModels(
  r: Pick<AnalyzeResult, 'heterogeneity' | 'supplyVsUse'>,
  top: number,
): HeterogeneityModel[] {
  const demand = new Map(r.supplyVsUse.models.map((m) => [m.model, m.demand]));
  return r.heterogeneity.models
    .filter((m) => (demand.get(m.model) ?? 0) > 0)
    .sort((a, b) => demand.get(b.model)! - demand.get(a.model)! || a.model.localeCompare(b.model))
    .slice(0, top);
}

/** One model's providers side by side: a small table and a bar chart per figure. */
export function providerComparisonSection(m: HeterogeneityModel): Section {
  const names = m.providers.map((p) => (p.official ? `${p.provider} (official)` : p.provider));
  const bars = (figure: string, yLabel: string, values: (number | null)[]): Chart => ({
    title: `${m.model}: ${figure}`,
    kind: 'bar',
    x: names,
    yLabel,
    series: [{ name: figure, values }],
  });
  return {
    title: `${m.model}: ${m.providers.length} providers side by side`,
    columns: ['provider', 'median TTFT ms', 'median TPS', 'blended price / 1M tokens', 'currency', 'speed from'],
    rows: m.providers.map((p, i) => [
      names[i],
      fixed(p.medianTtftMs, 0),
      fixed(p.medianTps, 1),
      fixed(p.blendedPrice, 3),
      p.currency,
      p.speedSource,
    ]),
    charts: [
      bars(
        'median TTFT',
        'ms',
        m.providers.map((p) => p.medianTtftMs),
      ),
      bars(
        'median TPS',
        'tokens / s',
        m.providers.map((p) => p.medianTps),
      ),
      // Prices in different currencies do not share an axis.
      ...(m.currency
        ? [
            bars(
              'blended price (3:1)',
              `${m.currency} / 1M tokens`,
              m.providers.map((p) => p.blendedPrice),
            ),
          ]
        : []),
    ],
  };
}

export interface AnalyzeReportOptions {
  /** after the heterogeneity table, compare the providers of this many major models */
  majorModels?: number;
}

export function analyzeReport(r: AnalyzeResult, o: AnalyzeReportOptions = {}): Report {
  return {
    json: {
      selection: r.selection,
      concentration: r.concentration,
      versionInertia: r.versionInertia,
      supplyVsUse: r.supplyVsUse,
      heterogeneity: r.heterogeneity,
      taskRegimes: r.taskRegimes,
      dataQuality: r.dataQuality,
      ...(r.input ? { input: r.input } : {}),
    },
    sections: [
      concentrationSection(r.concentration),
      ...inertiaSections(r.versionInertia),
      ...supplySections(r.supplyVsUse),
      heterogeneitySection(r.heterogeneity),
      ...majorModels(r, o.majorModels ?? 0).map(providerComparisonSection),
      taskSection(r.taskRegimes),
    ],
    notes: [...supplyNotes(r.supplyVsUse), ...qualityNotes(r.dataQuality, Boolean(r.input))],
  };
}
