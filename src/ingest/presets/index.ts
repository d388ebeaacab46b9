/**
 * Presets read well-known real-world layouts (gateway logs, traces, price
 * catalogues, benchmark results) as canonical tables. A preset turns one file
 * into one or more relations with canonical column names and a `__row` column;
 * validation, rejects and de-duplication then work as for any file.
 */
import { ident, type Store } from '../../store/db.js';
import type { LoadUnit } from '../index.js';
import type { SourceFile } from '../sources.js';
import type { Source } from '../stage.js';
import { helicone } from './helicone.js';
import { langfuse } from './langfuse.js';
import { litellmSpendLogs } from './litellm-spend-logs.js';
import { openrouterGenerations } from './openrouter-generations.js';
import { litellmPrices } from './litellm-prices.js';
import { azureLlmTrace } from './azure-llm-trace.js';
import { mooncakeTrace } from './mooncake-trace.js';
import { llmperf } from './llmperf.js';
import { thefastest } from './thefastest.js';

export interface PresetOptions {
  /** `--set` values: presets may read their own settings here (e.g. `start`, `ts`) */
  set: Record<string, string>;
}

export interface Preset {
  name: string;
  /** one line for `ingest --preset list` */
  description: string;
  /** `--set` keys the preset reads besides canonical columns (e.g. `start`) */
  settings?: string[];
  open(store: Store, src: SourceFile, opts: PresetOptions): Promise<LoadUnit[]>;
}

/** Every preset, by name. */
export const PRESETS: Record<string, Preset> = {
  helicone,
  langfuse,
  'litellm-spend-logs': litellmSpendLogs,
  'openrouter-generations': openrouterGenerations,
  'litellm-prices': litellmPrices,
  'azure-llm-trace': azureLlmTrace,
  'mooncake-trace': mooncakeTrace,
  llmperf,
  thefastest,
};

export function presetNames(): string[] {
  return Object.keys(PRESETS).sort();
}

/**
 * A relation computed from another: `select` is a SELECT list over the base
 * relation aliased `s` and must carry `s.__row` through.
 */
export async function derive(
  store: Store,
  base: Source,
  select: string,
  params: Record<string, string> = {},
): Promise<Source> {
  return describeSource(store, `(SELECT ${select} FROM ${base.relation} s)`, { ...base.params, ...params }, base.csvRejects);
}

/**
 * Materialises `sql` (which must yield `__row`) as the temp table `stage_<name>`,
 * for transforms that need more than one pass (windows, joins, unnesting).
 * Tables named `stage_*` are dropped after each file.
 */
export async function stageTable(
  store: Store,
  name: string,
  sql: string,
  params: Record<string, string> = {},
): Promise<Source> {
  const table = ident(`stage_${name}`);
  await store.run(`CREATE OR REPLACE TEMP TABLE ${table} AS ${sql}`, params);
  return describeSource(store, `(SELECT * FROM ${table})`, {}, []);
}

async function describeSource(
  store: Store,
  relation: string,
  params: Record<string, string>,
  csvRejects: Source['csvRejects'],
): Promise<Source> {
  const columns = (await store.all<{ column_name: string; column_type: string }>(`DESCRIBE SELECT * FROM ${relation}`, params))
    .filter((c) => c.column_name !== '__row')
    .map((c) => ({ name: c.column_name, type: c.column_type }));
  return { relation, params, columns, csvRejects };
}
