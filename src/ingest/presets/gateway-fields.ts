/**
 * SQL fragments shared by the gateway and observability presets (LiteLLM,
 * OpenRouter, Helicone, Langfuse): finding a field among its documented
 * spellings, reading nested JSON, parsing timestamps, unwrapping API pages, and
 * mapping HTTP status codes and error texts onto canonical error types. Identifiers go through
 * `quotedIdentifier`; the only literals are this module's own constants.
 */
import { quotedIdentifier, quotedString } from '@duckdb/node-api';
import { InputError } from '../../errors.js';
import type { Store } from '../../store/db.js';
import type { Source, StagedColumn } from '../stage.js';
import { findColumn } from '../validate.js';
import { stageTable } from './relations.js';

/** Trimmed text of any typed value, NULL when empty: validation then parses it and names what is wrong. */
export function text(expr: string): string {
  return `NULLIF(trim(CAST(${expr} AS VARCHAR)), '')`;
}

/** Milliseconds from `from` to `to` (both TIMESTAMP expressions). */
export function msBetween(from: string, to: string): string {
  return `((epoch_us(${to}) - epoch_us(${from})) / 1000.0)`;
}

/** A number read from a JSON expression at a constant path, NULL when absent or not numeric. */
export function jsonNumber(json: string, path: string): string {
  return `TRY_CAST(json_extract_string(${json}, ${quotedString(path)}) AS DOUBLE)`;
}

/** Trimmed text read from a JSON expression at a constant path, NULL when absent or empty. */
export function jsonText(json: string, path: string): string {
  return `NULLIF(trim(json_extract_string(${json}, ${quotedString(path)})), '')`;
}

/**
 * The sum of the numeric values of a JSON object over the keys that `keep`
 * accepts (NULL when none does), e.g. every `input*` usage type of a Langfuse
 * `usage_details` object. `keep` gets the lower-cased key as SQL.
 */
export function jsonKeySum(json: string, keep: (key: string) => string): string {
  return `list_sum(list_transform(list_filter(map_entries(TRY(json_transform(${json}, '"MAP(VARCHAR, DOUBLE)"'))),
    e -> (${keep('lower(e.key)')}) AND e.value IS NOT NULL), e -> e.value))`;
}

/**
 * The columns of a staged source, looked up by their documented spellings
 * (exact name first, then case-insensitively), as expressions over alias `s`.
 */
export class Fields {
  constructor(
    readonly columns: StagedColumn[],
    private readonly alias = 's',
  ) {}

  find(...names: string[]): StagedColumn | undefined {
    for (const n of names) {
      const c = findColumn(this.columns, n);
      if (c) return c;
    }
    return undefined;
  }

  /**
   * Refuses a file that is not the layout: each group names one field by its
   * alternative spellings; the message names the first spelling of each missing one.
   */
  require(file: string, layout: string, groups: (string | string[])[], noun: 'field' | 'column' = 'field'): void {
    const missing = groups.map((g) => (Array.isArray(g) ? g : [g])).filter((names) => !this.has(...names));
    if (missing.length === 0) return;
    throw new InputError(
      `${file}: not ${layout}: no ${noun} ${missing.map((m) => `'${m[0]}'`).join(', ')} ` +
        `(${noun}s: ${this.columns.map((c) => c.name).join(', ')})`,
    );
  }

  has(...names: string[]): boolean {
    return this.find(...names) !== undefined;
  }

  private refOf(c: StagedColumn): string {
    return `${this.alias}.${quotedIdentifier(c.name)}`;
  }

  /** The first present column as trimmed text (NULL when empty or absent). */
  text(...names: string[]): string {
    const c = this.find(...names);
    return c ? text(this.refOf(c)) : 'CAST(NULL AS VARCHAR)';
  }

  /** The first present column as a number (NULL when absent or not numeric). */
  number(...names: string[]): string {
    const c = this.find(...names);
    return c ? `TRY_CAST(${text(this.refOf(c))} AS DOUBLE)` : 'CAST(NULL AS DOUBLE)';
  }

  /**
   * The first present column as JSON: nested values (STRUCT, MAP, LIST) from
   * JSON or Parquet files are converted, JSON text from CSV files is parsed
   * (NULL when it is not JSON).
   */
  json(...names: string[]): string {
    const c = this.find(...names);
    if (!c) return 'CAST(NULL AS JSON)';
    if (c.type === 'JSON') return this.refOf(c);
    if (c.type === 'VARCHAR') return `TRY_CAST(${this.refOf(c)} AS JSON)`;
    return `to_json(${this.refOf(c)})`;
  }

  /** The first present column as a UTC TIMESTAMP; zone-less text is read as UTC. NULL when unparseable. */
  timestamp(...names: string[]): string {
    const c = this.find(...names);
    if (!c) return 'CAST(NULL AS TIMESTAMP)';
    const r = this.refOf(c);
    if (/^(TIMESTAMP|DATE)/.test(c.type)) return `CAST(${r} AS TIMESTAMP)`;
    const t = text(r);
    return `CAST(coalesce(TRY_CAST(${t} AS TIMESTAMPTZ), TRY_CAST(upper(${t}) AS TIMESTAMPTZ)) AS TIMESTAMP)`;
  }
}

/**
 * Canonical error type of an HTTP status code (NULL for 2xx and NULL codes).
 * Codes below 100 (0 or -1: no response was recorded) are `no_response`.
 */
export function httpErrorType(code: string): string {
  return `CASE WHEN ${code} IS NULL OR ${code} BETWEEN 200 AND 299 THEN NULL
    WHEN ${code} = 429 THEN 'rate_limit'
    WHEN ${code} IN (408, 504, 524) THEN 'timeout'
    WHEN ${code} IN (401, 403) THEN 'auth'
    WHEN ${code} = 402 THEN 'billing'
    WHEN ${code} BETWEEN 400 AND 499 THEN 'bad_request'
    WHEN ${code} BETWEEN 500 AND 599 THEN 'server'
    WHEN ${code} < 100 THEN 'no_response'
    ELSE 'other' END`;
}

/** ok for a 2xx code, error for any other code, NULL (the canonical default, ok) when there is no code. */
export function httpStatus(code: string): string {
  return `CASE WHEN ${code} IS NULL THEN NULL WHEN ${code} BETWEEN 200 AND 299 THEN 'ok' ELSE 'error' END`;
}

/**
 * Canonical error type read from an error class or message (`RateLimitError`,
 * `Error code: 429 - …`, `ContextWindowExceededError`); NULL when nothing is
 * recognised. Context-length errors come first: providers report them as 400s.
 */
export function textErrorType(expr: string): string {
  const t = `lower(${expr})`;
  const rules: [string, string][] = [
    ['context.?(length|window)|maximum context|too many tokens|prompt is too long', 'context_length'],
    ['rate.?limit|too many requests|\\b429\\b', 'rate_limit'],
    ['time.?out|timed out|deadline exceeded|\\b408\\b|\\b504\\b', 'timeout'],
    ['auth|permission|forbidden|api.?key|\\b401\\b|\\b403\\b', 'auth'],
    ['internal.?server|service.?unavailable|overloaded|bad gateway|api.?connection|\\b50[0-3]\\b', 'server'],
    ['bad.?request|invalid|unprocessable|not.?found|\\b400\\b|\\b404\\b|\\b422\\b', 'bad_request'],
  ];
  return `CASE ${rules.map(([re, type]) => `WHEN regexp_matches(${t}, ${quotedString(re)}) THEN ${quotedString(type)}`).join(' ')} END`;
}

/**
 * The records of a file whose rows may be API pages wrapping them in a `data` list
 * (`{"data": [...], "meta": {...}}`, one page per file or per line): one row per record,
 * numbered through the file (page, then position). A file whose rows are the records
 * (they have `marker`), or that holds no list of objects in `data`, is returned as it is.
 */
export async function unwrapData(store: Store, raw: Source, marker: string, name: string): Promise<Source> {
  const f = new Fields(raw.columns);
  const data = f.find('data');
  // A list of objects is STRUCT(...)[]; a list type also starts with STRUCT, hence the suffix.
  if (f.has(marker) || !data || !/^STRUCT.*\[\]$/.test(data.type)) return raw;
  const list = `p.${quotedIdentifier(data.name)}`;
  return stageTable(
    store,
    name,
    `SELECT __row, unnest(r) FROM (
       SELECT row_number() OVER (ORDER BY page, i) AS __row, r
       FROM (SELECT p.__row AS page, unnest(${list}) AS r, generate_subscripts(${list}, 1) AS i FROM ${raw.relation} p))`,
    raw.params,
  );
}
