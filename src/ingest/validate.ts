/**
 * SQL that turns staged source rows into canonical, typed rows and names every
 * problem per row. Built from the table definitions; values enter as parameters
 * and identifiers through `quotedIdentifier`, so nothing from the input becomes SQL text.
 */
import { quotedIdentifier, quotedString } from '@duckdb/node-api';
import { InputError } from '../errors.js';
import { TABLES, type ColumnDef, type TableDef, type TableKind, TABLE_KINDS } from '../store/schema.js';
import type { StagedColumn } from './stage.js';

/** Common alternative spellings of canonical column names. */
const SYNONYMS: Record<string, string[]> = {
  request_id: ['id', 'requestid'],
  ts: ['timestamp', 'time', 'created_at', 'start_time'],
  input_tokens: ['prompt_tokens'],
  output_tokens: ['completion_tokens'],
  cached_tokens: ['cache_read_tokens', 'cached_prompt_tokens'],
  provider: ['provider_name'],
  model: ['model_name'],
};

export interface ColumnSources {
  /** canonical column → constant value (from --set, or a hive partition folder) */
  set: Record<string, string>;
  /** canonical column → source column name (from --map) */
  map: Record<string, string>;
}

type Source = { kind: 'column'; name: string; type: string } | { kind: 'param'; name: string } | { kind: 'none' };

/** A column by name: the exact name first, then case-insensitively. */
export function findColumn(columns: StagedColumn[], name: string): StagedColumn | undefined {
  return columns.find((c) => c.name === name) ?? columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
}

/** Where each canonical column of `def` comes from in this file. */
export function resolveSources(
  def: TableDef,
  columns: StagedColumn[],
  sources: ColumnSources,
  file: string,
): { sources: Map<string, Source>; params: Record<string, string> } {
  const out = new Map<string, Source>();
  const params: Record<string, string> = {};
  for (const c of def.columns) {
    if (c.name in sources.set) {
      params[`set_${c.name}`] = sources.set[c.name];
      out.set(c.name, { kind: 'param', name: `set_${c.name}` });
      continue;
    }
    const mapped = sources.map[c.name];
    if (mapped !== undefined) {
      const col = findColumn(columns, mapped);
      if (!col) {
        throw new InputError(
          `${file}: --map ${c.name}=${mapped}: the file has no column '${mapped}' (columns: ${columns.map((x) => x.name).join(', ')})`,
        );
      }
      out.set(c.name, { kind: 'column', name: col.name, type: col.type });
      continue;
    }
    const col = [c.name, ...(SYNONYMS[c.name] ?? [])].map((n) => findColumn(columns, n)).find(Boolean);
    out.set(c.name, col ? { kind: 'column', name: col.name, type: col.type } : { kind: 'none' });
  }
  return { sources: out, params };
}

export function missingRequired(def: TableDef, sources: Map<string, Source>): string[] {
  return def.columns.filter((c) => c.required && sources.get(c.name)?.kind === 'none').map((c) => c.name);
}

/**
 * The table kind that explains the most source columns; ties ask for --kind.
 * Required columns are checked afterwards, so a requests log missing
 * `output_tokens` is reported as such rather than read as some other table.
 */
export function inferKind(columns: StagedColumn[], sources: ColumnSources, file: string): TableKind {
  const scored = TABLE_KINDS.map((kind) => {
    const { sources: s } = resolveSources(TABLES[kind], columns, sources, file);
    return { kind, score: [...s.values()].filter((x) => x.kind !== 'none').length };
  }).sort((a, b) => b.score - a.score);
  const names = columns.map((c) => c.name).join(', ');
  if (scored[0].score === 0) {
    throw new InputError(`${file}: cannot tell which table this is (columns: ${names}); is it empty? pass --kind`);
  }
  if (scored[0].score === scored[1].score) {
    throw new InputError(
      `${file}: columns fit both '${scored[0].kind}' and '${scored[1].kind}' equally (columns: ${names}); pass --kind`,
    );
  }
  return scored[0].kind;
}

/**
 * Whether some column of the file is a canonical column (by name, synonym or `--map`) of `kind`,
 * or of any table: a file of a folder that names none is a stray file (notes, a config), not data.
 */
export function namesAnyColumn(columns: StagedColumn[], map: Record<string, string>, kind?: TableKind): boolean {
  if (Object.values(map).some((m) => findColumn(columns, m))) return true;
  const none = { set: {}, map: {} };
  return (kind ? [kind] : TABLE_KINDS).some((k) =>
    [...resolveSources(TABLES[k], columns, none, '').sources.values()].some((x) => x.kind === 'column'),
  );
}

/** The raw expression of a canonical column the file does not have. */
export const NO_SOURCE = 'CAST(NULL AS VARCHAR)';

const INTEGER_TYPES = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/;
const NUMERIC_TYPES =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL.*)$/;
const TIME_TYPES = /^(TIMESTAMP.*|DATE)$/;

/** Epoch seconds, milliseconds, microseconds or nanoseconds, told apart by magnitude. */
function epochToTimestamp(n: string): string {
  return `CASE WHEN abs(${n}) < 1e11 THEN make_timestamp(CAST(round(${n} * 1e6) AS BIGINT))
    WHEN abs(${n}) < 1e14 THEN make_timestamp(CAST(round(${n} * 1e3) AS BIGINT))
    WHEN abs(${n}) < 1e17 THEN make_timestamp(CAST(round(${n}) AS BIGINT))
    WHEN abs(${n}) < 1e20 THEN make_timestamp(CAST(round(${n} / 1e3) AS BIGINT)) END`;
}

const TS_MIN = "TIMESTAMP '1970-01-01'";
const TS_MAX = "TIMESTAMP '2100-01-01'";

interface ColumnSql {
  /** the cell as found: typed if the source is typed, else trimmed text (NULL when empty) */
  raw: string;
  /** the parsed value (DOUBLE for numbers, so checks see fractions before the integer cast) */
  value: string;
  /** the stored value, computed from the parsed value `v_<name>` */
  stored: string;
  /** CASE yielding a reason string, or NULL when the cell is fine */
  problem: string;
}

/**
 * SQL for one canonical column, used in three stacked projections: `r_<name>`
 * (raw), `v_<name>` (parsed), then checks and the stored value.
 */
function columnSql(c: ColumnDef, source: Source): ColumnSql {
  const typedSource = source.kind === 'column' && source.type !== 'VARCHAR';
  const srcType = typedSource ? source.type : 'VARCHAR';
  // a typed cell as text: a JSON value unquoted, any other type (a number, a list, an object) cast
  const textOf = (x: string) => (srcType === 'JSON' ? `(${x} ->> '$')` : `CAST(${x} AS VARCHAR)`);
  // a text column read as another type (JSON ids as numbers) is text from here on: the request ids it
  // is deduplicated by then compare with the stored ones
  const raw =
    source.kind === 'column'
      ? typedSource
        ? c.type === 'string'
          ? textOf(`s.${quotedIdentifier(source.name)}`)
          : `s.${quotedIdentifier(source.name)}`
        : c.verbatim
          ? `NULLIF(s.${quotedIdentifier(source.name)}, '')`
          : `NULLIF(trim(s.${quotedIdentifier(source.name)}), '')`
      : source.kind === 'param'
        ? `NULLIF(trim(CAST($${source.name} AS VARCHAR)), '')`
        : NO_SOURCE;
  const r = `r_${c.name}`;
  const v = `v_${c.name}`;
  const shown = `left(CAST(${r} AS VARCHAR), 80)`;
  const quoted = (what: string) => `'''' || ${shown} || ''' ${what}'`;
  const def = c.default !== undefined ? quotedString(c.default) : null;
  let value: string;
  let stored = v;
  const checks: string[] = [];
  switch (c.type) {
    case 'string': {
      const text = typedSource ? `CAST(${r} AS VARCHAR)` : r;
      const base = c.values ? `lower(${text})` : text;
      value = def ? `coalesce(${base}, ${def})` : base;
      if (c.values) {
        checks.push(
          `WHEN ${v} NOT IN (${c.values.map(quotedString).join(', ')}) THEN ${quoted(`is not a known value (expected ${c.values.join(' or ')})`)}`,
        );
      }
      break;
    }
    case 'int':
    case 'float': {
      value = NUMERIC_TYPES.test(srcType) ? `CAST(${r} AS DOUBLE)` : `TRY_CAST(${r} AS DOUBLE)`;
      // TRY_CAST: a count too large for BIGINT is a rejected row (below), never a failed statement
      if (c.type === 'int') stored = `TRY_CAST(${v} AS BIGINT)`;
      checks.push(`WHEN ${r} IS NOT NULL AND ${v} IS NULL THEN ${quoted('is not a number')}`);
      checks.push(`WHEN NOT isfinite(${v}) THEN ${quoted('is not a finite number')}`);
      if (c.type === 'int') {
        checks.push(
          `WHEN abs(${v}) > ${Number.MAX_SAFE_INTEGER} THEN ${quoted(`is larger than ${Number.MAX_SAFE_INTEGER}`)}`,
        );
      }
      if (c.type === 'int' && !INTEGER_TYPES.test(srcType)) {
        checks.push(`WHEN ${v} <> trunc(${v}) THEN ${quoted('is not a whole number')}`);
      }
      if (c.nonNegative) checks.push(`WHEN ${v} < 0 THEN ${quoted('is negative')}`);
      if (c.max !== undefined)
        checks.push(`WHEN ${v} > ${c.max} THEN ${quoted(`is above the plausible maximum of ${c.max}`)}`);
      break;
    }
    case 'bool': {
      if (srcType === 'BOOLEAN') value = r;
      else {
        const text = `lower(CAST(${r} AS VARCHAR))`;
        value = `CASE WHEN ${text} IN ('true', 't', '1', 'yes', 'y', '1.0') THEN true
          WHEN ${text} IN ('false', 'f', '0', 'no', 'n', '0.0') THEN false END`;
      }
      if (def) stored = `coalesce(${v}, ${def} = 'true')`;
      checks.push(`WHEN ${r} IS NOT NULL AND ${v} IS NULL THEN ${quoted('is not true/false')}`);
      break;
    }
    case 'timestamp': {
      if (TIME_TYPES.test(srcType)) value = `CAST(${r} AS TIMESTAMP)`;
      else if (NUMERIC_TYPES.test(srcType)) value = epochToTimestamp(`CAST(${r} AS DOUBLE)`);
      else {
        // text, or a type no time is read from (JSON true, a list, an object): then a rejected row
        const text = typedSource ? textOf(r) : r;
        value = `CASE WHEN regexp_full_match(${text}, '-?[0-9]+(\\.[0-9]*)?') THEN ${epochToTimestamp(`CAST(${text} AS DOUBLE)`)}
          ELSE CAST(coalesce(TRY_CAST(${text} AS TIMESTAMPTZ), TRY_CAST(upper(${text}) AS TIMESTAMPTZ)) AS TIMESTAMP) END`;
      }
      checks.push(`WHEN ${r} IS NOT NULL AND ${v} IS NULL THEN ${quoted('is not a timestamp')}`);
      checks.push(`WHEN ${v} < ${TS_MIN} OR ${v} >= ${TS_MAX} THEN ${quoted('is outside 1970-01-01 .. 2099-12-31')}`);
      break;
    }
    case 'date': {
      if (TIME_TYPES.test(srcType)) value = `CAST(${r} AS DATE)`;
      else {
        const text = `CAST(${r} AS VARCHAR)`;
        value = `coalesce(TRY_CAST(${text} AS DATE), CAST(TRY_CAST(${text} AS TIMESTAMPTZ) AS DATE))`;
      }
      checks.push(`WHEN ${r} IS NOT NULL AND ${v} IS NULL THEN ${quoted('is not a date')}`);
      break;
    }
  }
  if (c.required) checks.unshift(`WHEN ${r} IS NULL THEN 'missing required value'`);
  const problem = checks.length ? `CASE ${checks.join('\n      ')} END` : '';
  return { raw, value, stored, problem };
}

export interface ValidationSql {
  /** the valid rows: `__row` and the canonical columns, typed */
  valid: string;
  /** the rejected rows: `__row` and `problems`, a list of 'field: reason' */
  invalid: string;
  /** named parameters the SQL uses (values from --set and partition folders) */
  params: Record<string, string>;
  /** the raw-cell expression of each canonical column over the source aliased `s` */
  raw: Record<string, string>;
}

/**
 * The valid and the rejected rows of a source, from three stacked projections:
 * raw cells, parsed values, then checks. The valid rows only test that every
 * check passes; the reasons are spelled out for rejected rows alone.
 */
export function validationSql(
  kind: TableKind,
  columns: StagedColumn[],
  sources: ColumnSources,
  file: string,
  /** a relation with the source columns and `__row`, the 1-based row number in the file */
  relation: string,
): ValidationSql {
  const def = TABLES[kind];
  const { sources: resolved, params } = resolveSources(def, columns, sources, file);
  const missing = missingRequired(def, resolved);
  if (missing.length) {
    throw new InputError(
      `${file}: missing required column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')} for ${kind} ` +
        `(columns: ${columns.map((c) => c.name).join(', ')}); rename with --map ${missing[0]}=SOURCE or fill with --set ${missing[0]}=VALUE`,
    );
  }
  const parts = def.columns.map((c) => ({ c, sql: columnSql(c, resolved.get(c.name)!) }));
  const problems = parts.filter((p) => p.sql.problem).map((p) => ({ field: p.c.name, sql: p.sql.problem }));
  if (kind === 'requests') {
    problems.push({
      field: 'cached_tokens',
      sql: `CASE WHEN v_cached_tokens > v_input_tokens THEN TRY_CAST(v_cached_tokens AS BIGINT) || ' exceeds input_tokens ' || TRY_CAST(v_input_tokens AS BIGINT) END`,
    });
  }
  const parsed = `(
  SELECT *, ${parts.map((p) => `${p.sql.value} AS v_${p.c.name}`).join(',\n    ')}
  FROM (SELECT s.__row, ${parts.map((p) => `${p.sql.raw} AS r_${p.c.name}`).join(', ')}
        FROM ${relation} s) s
)`;
  const valid = `SELECT __row, ${parts.map((p) => `${p.sql.stored} AS ${p.c.name}`).join(', ')}
FROM ${parsed}
WHERE ${problems.map((p) => `(${p.sql}) IS NULL`).join('\n  AND ') || 'true'}`;
  const invalid = `SELECT * FROM (
  SELECT __row, list_filter([${problems.map((p) => `'${p.field}: ' || (${p.sql})`).join(',\n    ')}], x -> x IS NOT NULL) AS problems
  FROM ${parsed}
) WHERE len(problems) > 0`;
  return { valid, invalid, params, raw: Object.fromEntries(parts.map((p) => [p.c.name, p.sql.raw])) };
}
