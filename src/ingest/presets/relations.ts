/**
 * What a preset is, and the helpers presets build their relations with. Kept
 * apart from the registry so that preset modules do not import it back.
 */
import { quotedIdentifier } from '@duckdb/node-api';
import type { Store } from '../../store/db.js';
import type { LoadUnit } from '../index.js';
import type { SourceFile } from '../sources.js';
import type { Source } from '../stage.js';

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
  return describeSource(
    store,
    `(SELECT ${select} FROM ${base.relation} s)`,
    { ...base.params, ...params },
    base.csvRejects,
  );
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
  const table = quotedIdentifier(`stage_${name}`);
  await store.run(`CREATE OR REPLACE TEMP TABLE ${table} AS ${sql}`, params);
  return describeSource(store, `(SELECT * FROM ${table})`, {}, []);
}

async function describeSource(
  store: Store,
  relation: string,
  params: Record<string, string>,
  csvRejects: Source['csvRejects'],
): Promise<Source> {
  const columns = (
    await store.all<{ column_name: string; column_type: string }>(`DESCRIBE SELECT * FROM ${relation}`, params)
  )
    .filter((c) => c.column_name !== '__row')
    .map((c) => ({ name: c.column_name, type: c.column_type }));
  return { relation, params, columns, csvRejects };
}
