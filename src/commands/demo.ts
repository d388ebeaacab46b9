/**
 * `ai-ping demo`: generates the calibrated demo market, ingests it and shows
 * what the tool can tell from it.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { catalog, type CatalogResult } from './catalog.js';
import { generate, type GenerateResult } from './generate.js';
import { ingest, type IngestResult } from './ingest.js';
import { providers, type ProvidersResult } from './providers.js';
import { simulateCommand } from './simulate.js';
import { DEFAULT_SIMULATE_OPTIONS, type CacheMode, type Information } from '../simulate/index.js';
import { parsePolicy } from '../simulate/policy.js';
import type { PolicyResult } from '../simulate/results.js';
import type { Report, Section } from '../report/index.js';
import { withStore } from '../store/db.js';
import { storeOverview, type StoreOverview } from '../store/overview.js';

export interface DemoOptions {
  /** keep data and database here; default: a temporary folder removed afterwards */
  dir?: string;
  requests: number;
  seed: number;
  onProgress?: (msg: string) => void;
}

export interface DemoResult {
  dir: string | null;
  db: string | null;
  generated: GenerateResult;
  ingested: IngestResult;
  overview: StoreOverview;
  names: CatalogResult;
  /** the study's two showcase models, as offered by each provider */
  offerings: ProvidersResult[];
  /** the study's two counterfactuals against official access, in hindsight and causal mode, cache warm and chain */
  counterfactuals: Counterfactual[];
}

export interface Counterfactual {
  model: string;
  info: Information;
  selected: number;
  /** every logged cache hit kept, as the study's list-price accounting does (--cache warm) */
  result: PolicyResult;
  /** the same replay with hits kept only where a chain's previous request went (--cache chain) */
  chain: PolicyResult;
}

/** The study's counterfactuals: cost routing for Qwen3-32B, throughput routing for DeepSeek-V3.2. */
const COUNTERFACTUALS = [
  { model: 'Qwen3-32B', policy: 'cost' },
  { model: 'DeepSeek-V3.2', policy: 'throughput' },
];

/** The models whose provider spread the study reported on. */
const SHOWCASE = ['Qwen3-32B', 'DeepSeek-V3.2'];

export async function demo(o: DemoOptions): Promise<DemoResult> {
  const dir = o.dir ?? mkdtempSync(path.join(os.tmpdir(), 'ai-ping-demo-'));
  const dataDir = path.join(dir, 'data');
  const db = path.join(dir, 'demo.duckdb');
  try {
    // A kept demo folder is rebuilt from scratch, so the figures are the seed's.
    for (const p of [db, `${db}.wal`]) if (existsSync(p)) rmSync(p);
    o.onProgress?.(`demo: generating ${o.requests.toLocaleString('en-US')} requests (seed ${o.seed}) into ${dataDir}`);
    const generated = await generate({
      dir: dataDir,
      requests: o.requests,
      seed: o.seed,
      dataFormat: 'parquet',
      onProgress: o.onProgress,
    });
    o.onProgress?.('demo: ingesting');
    const ingested = await ingest({ files: generated.tables.map((t) => t.file), db, onProgress: o.onProgress });
    const overview = await withStore(db, storeOverview);
    const names = await catalog({ names: [], db });
    const offerings = [];
    for (const model of SHOWCASE) offerings.push(await providers({ db, model }));
    const counterfactuals: Counterfactual[] = [];
    for (const c of COUNTERFACTUALS) {
      for (const info of ['hindsight', 'causal'] as const) {
        const run = (cache: CacheMode) =>
          simulateCommand({
            ...DEFAULT_SIMULATE_OPTIONS,
            files: [],
            db,
            model: c.model,
            policies: [parsePolicy(c.policy)],
            info,
            seed: o.seed,
            cache,
          });
        const [warm, chain] = [await run('warm'), await run('chain')];
        counterfactuals.push({
          model: c.model,
          info,
          selected: warm.requests,
          result: warm.policies[0],
          chain: chain.policies[0],
        });
      }
    }
    return {
      dir: o.dir ? dir : null,
      db: o.dir ? db : null,
      generated,
      ingested,
      overview,
      names,
      offerings,
      counterfactuals,
    };
  } finally {
    if (!o.dir) rmSync(dir, { recursive: true, force: true });
  }
}

const int = (n: number) => n.toLocaleString('en-US');

export function demoReport(r: DemoResult): Report {
  const o = r.overview;
  return {
    json: {
      dir: r.dir,
      db: r.db,
      seed: r.generated.seed,
      files: r.ingested.files.map(({ file, kind, read, accepted, duplicates, rejected }) => ({
        file: path.basename(file),
        kind,
        read,
        accepted,
        duplicates,
        rejected,
      })),
      overview: o,
      unknownNames: r.names.unknown,
      offerings: r.offerings.map((p) => ({ model: p.model, at: p.at, providers: p.models[0]?.providers ?? [] })),
      counterfactuals: r.counterfactuals.map((c) => ({
        model: c.model,
        info: c.info,
        selected: c.selected,
        cache: 'warm',
        ...c.result,
        chain: c.chain,
      })),
    },
    sections: [
      {
        title: 'Ingested',
        columns: ['file', 'kind', 'read', 'accepted', 'duplicates', 'rejected'],
        rows: r.ingested.files.map((f) => [
          path.basename(f.file),
          f.kind,
          f.read,
          f.accepted,
          f.duplicates,
          f.rejected,
        ]),
      },
      {
        title: 'What the database holds',
        columns: ['measure', 'value'],
        align: ['left', 'right'],
        rows: [
          ['period (UTC)', o.from && o.to ? `${o.from.slice(0, 16)} .. ${o.to.slice(0, 16)}` : 'no requests'],
          ['requests', int(o.requests)],
          ['input tokens', int(o.inputTokens)],
          ['output tokens', int(o.outputTokens)],
          ['failed requests', o.failedPct === null ? '' : `${o.failedPct.toFixed(2)}%`],
          ['providers', int(o.providers)],
          ['model names as logged', int(o.modelNames)],
          ['tasks', int(o.tasks)],
          [
            'offerings / prices / latency / probes',
            [o.tables.offerings, o.tables.prices, o.tables.latency, o.tables.probes].map(int).join(' / '),
          ],
        ],
      },
      ...r.offerings.map(offeringsSection),
      counterfactualSection(r.counterfactuals),
    ],
    notes: [
      'cache warm: every logged cache hit kept wherever a request goes; cache chain: kept only where the previous request ' +
        'of its session went within 5 minutes (the first of a session: where it was served), a lost hit billed at the cache-write price, else the input price',
      ...r.counterfactuals
        .filter((c) => Object.keys(c.result.excluded ?? {}).length)
        .map(
          (c) =>
            `not compared, ${c.model} ${c.result.policy} (${c.info}): ` +
            Object.entries(c.result.excluded!)
              .map(([reason, n]) => `${reason} ${int(n)}`)
              .join(', '),
        ),
      r.names.unknown.length
        ? `unknown model names: ${r.names.unknown.join(', ')}`
        : 'every logged model name resolves through the catalog',
      r.dir
        ? `data and database kept in ${r.dir}; try: ai-ping providers --db ${r.db} --model GLM-4.6`
        : 'run with --dir DIR to keep the data and the database',
    ],
  };
}

const fixed = (v: number | null, digits: number) => (v === null ? null : Number(v.toFixed(digits)));

/** A compact "same model, different services" table. */
function offeringsSection(p: ProvidersResult): Section {
  const rows = p.models[0]?.providers ?? [];
  return {
    title: `Same model, different services: ${p.model} (prices in force ${p.at.slice(0, 10)})`,
    columns: ['provider', 'in', 'out', 'blended', 'cur', 'context', 'features', 'TTFT p50 ms', 'TPS p50', 'success'],
    rows: rows.map((o) => [
      o.official ? `${o.provider} (official)` : o.provider,
      o.inputPrice,
      o.outputPrice,
      fixed(o.blendedPrice, 3),
      o.currency,
      o.contextLength,
      o.features,
      fixed(o.medianTtftMs, 0),
      fixed(o.medianTps, 1),
      o.successRate === null ? null : `${(o.successRate * 100).toFixed(1)}%`,
    ]),
  };
}

const pctCell = (v: number | null) =>
  v === null ? null : `${v > 0 ? '+' : v < 0 ? '−' : ''}${Math.abs(v).toFixed(1)}%`;
const ciCell = (c: [number, number] | null, flip = false) =>
  c ? `${pctCell(flip ? -c[1] : c[0])} .. ${pctCell(flip ? -c[0] : c[1])}` : null;

/**
 * The study's two counterfactuals, hindsight beside causal (no look-ahead), with every logged
 * cache hit kept as the study's list-price accounting does; beside them, with hits kept only
 * along cache chains.
 */
function counterfactualSection(cs: Counterfactual[]): Section {
  const cost = (p: PolicyResult) => (p.savingsPct === null ? null : pctCell(-p.savingsPct));
  return {
    title: 'What routing would have done, against direct official access (list prices, cache hits kept: warm)',
    columns: [
      'model',
      'policy',
      'decides on',
      'cost',
      'cost 95% CI',
      'throughput',
      'throughput 95% CI',
      'comparable requests',
      'cost, cache chain',
      'cache hits kept, chain',
    ],
    rows: cs.map((c) => [
      c.model,
      c.result.policy,
      c.info === 'hindsight' ? 'current window (hindsight)' : 'previous window (causal)',
      cost(c.result),
      ciCell(c.result.savingsCi95, true),
      pctCell(c.result.throughputGainPct),
      ciCell(c.result.throughputGainCi95),
      `${c.result.requests.toLocaleString('en-US')} of ${c.selected.toLocaleString('en-US')}`,
      cost(c.chain),
      c.chain.cacheHitRate === null
        ? null
        : `${c.chain.cacheHitRate.toFixed(1)}% of ${c.chain.loggedCacheHitRate!.toFixed(1)}%`,
    ]),
  };
}
