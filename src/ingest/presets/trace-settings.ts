/**
 * Checks shared by the presets for public request traces (Azure, Mooncake),
 * which record arrivals and token counts but name no model or provider.
 */
import { InputError } from '../../errors.js';
import type { StagedColumn } from '../stage.js';
import { findColumn } from '../validate.js';

/**
 * Fails with a clear message, before any row is read, when `--set model=…`
 * or `--set provider=…` is missing: the trace itself cannot supply them.
 */
export function requireModelAndProvider(file: string, layout: string, set: Record<string, string>): void {
  const missing = ['model', 'provider'].filter((k) => !set[k]?.trim());
  if (missing.length === 0) return;
  throw new InputError(
    `${file}: ${layout} names no model or provider; pass --set model=… --set provider=… ` +
      `(missing: ${missing.join(', ')}; e.g. --set model=gpt-4 --set provider=azure)`,
  );
}

/**
 * The staged column of each expected field (exact name first, then
 * case-insensitively); fails naming the missing fields and the file's columns.
 */
export function requireColumns(
  file: string,
  layout: string,
  columns: StagedColumn[],
  names: string[],
): Record<string, StagedColumn> {
  const found: Record<string, StagedColumn> = {};
  const missing: string[] = [];
  for (const n of names) {
    const c = findColumn(columns, n);
    if (c) found[n] = c;
    else missing.push(n);
  }
  if (missing.length) {
    throw new InputError(
      `${file}: not ${layout}: no field ${missing.map((m) => `'${m}'`).join(', ')} ` +
        `(fields: ${columns.map((c) => c.name).join(', ')})`,
    );
  }
  return found;
}
