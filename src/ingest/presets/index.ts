/**
 * Presets read well-known real-world layouts (gateway logs, traces, price
 * catalogues, benchmark results) as canonical tables. A preset turns one file
 * into one or more relations with canonical column names and a `__row` column;
 * validation, rejects and de-duplication then work as for any file.
 */
import type { Store } from '../../store/db.js';
import type { LoadUnit } from '../index.js';
import type { SourceFile } from '../sources.js';

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
export const PRESETS: Record<string, Preset> = {};

export function presetNames(): string[] {
  return Object.keys(PRESETS).sort();
}
