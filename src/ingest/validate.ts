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
  user: ['user_id', 'end_user'],
};

export interface ColumnSources {
  /** canonical column → constant value (from --set, or a hive partition folder) */
  set: Record<string, string>;
  /** canonical column → source column name or dotted path (from --map) */
  map: Record<string, string>;
}

/** A value a canonical column is read from: a column, a field of a struct column, or a key inside JSON. */
export interface SourceField {
  /** the column name, or the dotted path */
  name: string;
  type: string;
  /** the value as SQL over the source aliased `s` */
  ref: string;
  /** a key inside JSON: the JSON value (`node`, as SQL `expr`) it is read from, at `pointer` */
  json?: { node: string; expr: string; pointer: string };
}

type Source = ({ kind: 'column' } & SourceField) | { kind: 'param'; name: string } | { kind: 'none' };

/** A column by name: the exact name first, then case-insensitively. */
export function findColumn<T extends StagedColumn>(columns: T[], name: string): T | undefined {
  return columns.find((c) => c.name === name) ?? columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
}

const columnField = (c: StagedColumn): SourceField => ({
  name: c.name,
  type: c.type,
  ref: `s.${quotedIdentifier(c.name)}`,
});

/** The fields of a STRUCT type as DuckDB spells it (`STRUCT(a BIGINT, "b c" STRUCT(d VARCHAR))`); none for other types. */
export function structFields(type: string): StagedColumn[] {
  const body = /^STRUCT\((.*)\)$/s.exec(type)?.[1];
  if (body === undefined) return [];
  const fields: StagedColumn[] = [];
  let i = 0;
  while (i < body.length) {
    let name = '';
    if (body[i] === '"') {
      // a quoted name doubles the quotes it holds
      for (i++; i < body.length; i++) {
        if (body[i] === '"' && body[i + 1] !== '"') break;
        if (body[i] === '"') i++;
        name += body[i];
      }
      i++;
    } else {
      while (i < body.length && body[i] !== ' ') name += body[i++];
    }
    // the type runs to the next comma outside parentheses and quotes
    const start = ++i;
    let depth = 0;
    let quote = '';
    for (; i < body.length; i++) {
      const ch = body[i];
      if (quote) quote = ch === quote ? '' : quote;
      else if (ch === '"' || ch === "'") quote = ch;
      else if (ch === '(') depth++;
      else if (ch === ')') depth--;
      else if (ch === ',' && depth === 0) break;
    }
    fields.push({ name, type: body.slice(start, i) });
    i += 2;
  }
  return fields;
}

/** Every field below the struct columns, named by its dotted path (`usage.prompt_tokens_details.cached_tokens`). */
function structPaths(columns: StagedColumn[]): SourceField[] {
  const out: SourceField[] = [];
  const walk = (parent: SourceField) => {
    for (const f of structFields(parent.type)) {
      const field = {
        name: `${parent.name}.${f.name}`,
        type: f.type,
        ref: `struct_extract(${parent.ref}, ${quotedString(f.name)})`,
      };
      out.push(field);
      walk(field);
    }
  };
  for (const c of columns) walk(columnField(c));
  return out;
}

/** A value as JSON, for one a path can step into: JSON, text that may hold JSON (a CSV cell), a map. */
function asJson(f: SourceField): string | undefined {
  if (f.type === 'JSON') return f.ref;
  if (f.type === 'VARCHAR') return `TRY_CAST(${f.ref} AS JSON)`;
  if (f.type.startsWith('MAP(')) return `to_json(${f.ref})`;
  return undefined;
}

/**
 * What a `--map` source names: a column of that very name first (flattened exports name columns
 * `usage.prompt_tokens`), then a field of a struct column, then a key inside the longest JSON value
 * the path starts with. Whether some row has that key only the data can tell (`checkJsonPaths`).
 */
function resolvePath(columns: StagedColumn[], path: string): SourceField | undefined {
  const column = findColumn(columns, path);
  if (column) return columnField(column);
  const nested = structPaths(columns);
  const field = findColumn(nested, path);
  if (field) return field;
  const lower = path.toLowerCase();
  const holder = [...columns.map(columnField), ...nested]
    .filter((f) => lower.startsWith(`${f.name.toLowerCase()}.`) && asJson(f))
    .sort((a, b) => b.name.length - a.name.length)[0];
  if (!holder) return undefined;
  const expr = asJson(holder)!;
  // a JSON pointer: each key taken as it is, `~` and `/` escaped
  const pointer = path
    .slice(holder.name.length + 1)
    .split('.')
    .map((k) => `/${k.replaceAll('~', '~0').replaceAll('/', '~1')}`)
    .join('');
  return {
    name: path,
    type: 'VARCHAR',
    ref: `json_extract_string(${expr}, ${quotedString(pointer)})`,
    json: { node: holder.name, expr, pointer },
  };
}

/** The names a `--map` source can take in this file without reading it: columns and struct fields. */
export function knownPaths(columns: StagedColumn[]): string[] {
  return [...columns.map((c) => c.name), ...structPaths(columns).map((f) => f.name)];
}

/** Dotted paths of the keys of a `json_group_structure` summary, below `node`. */
export function jsonStructurePaths(node: string, structure: unknown): string[] {
  if (structure === null || typeof structure !== 'object' || Array.isArray(structure)) return [];
  return Object.entries(structure).flatMap(([k, v]) => [`${node}.${k}`, ...jsonStructurePaths(`${node}.${k}`, v)]);
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/** How far apart two paths are: as strings, or by their last names when these (nearly) agree: a field under another parent. */
function pathDistance(a: string, b: string): number {
  const leaf = (p: string) => p.slice(p.lastIndexOf('.') + 1);
  const leaves = editDistance(leaf(a), leaf(b));
  return Math.min(editDistance(a, b), leaves <= 2 ? leaves + 1 : Infinity);
}

/** A `--map` source that names nothing in the file, with the closest names it has. */
export function unknownPath(file: string, column: string, path: string, available: string[]): InputError {
  const closest = [...new Set(available)]
    .map((p) => ({ p, d: pathDistance(path.toLowerCase(), p.toLowerCase()) }))
    .sort((a, b) => a.d - b.d)
    .slice(0, 3)
    .map((x) => x.p);
  return new InputError(
    `${file}: --map ${column}=${path}: the file has no column or field '${path}'; closest: ${closest.join(', ')}`,
  );
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
      const field = resolvePath(columns, mapped);
      if (!field) throw unknownPath(file, c.name, mapped, knownPaths(columns));
      out.set(c.name, { kind: 'column', ...field });
      continue;
    }
    const col = [c.name, ...(SYNONYMS[c.name] ?? [])].map((n) => findColumn(columns, n)).find(Boolean);
    out.set(c.name, col ? { kind: 'column', ...columnField(col) } : { kind: 'none' });
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
  if (Object.values(map).some((m) => resolvePath(columns, m))) return true;
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
          ? textOf(source.ref)
          : source.ref
        : c.verbatim
          ? `NULLIF(${source.ref}, '')`
          : `NULLIF(trim(${source.ref}), '')`
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
  // an empty cell stays empty, read as the default (readValue)
  if (c.defaultOnRead) stored = `CASE WHEN ${r} IS NOT NULL THEN ${stored} END`;
  const problem = checks.length ? `CASE ${checks.join('\n      ')} END` : '';
  return { raw, value, stored, problem };
}

/** Words a request's status may be logged as, besides an HTTP status code. */
const STATUS_WORDS = { ok: ['ok', 'success', 'succeeded'], error: ['error', 'failed', 'failure'] };

/** Columns that may hold a request's error message, in order of preference. */
const MESSAGE_COLUMNS = ['error_message', 'error', 'message'];

/** How providers word a prompt that does not fit, which they answer with a 400, 413 or 422. */
const CONTEXT_LENGTH = 'context[ _-]?length|maximum context|too many tokens';

/**
 * A logged request status (`text`, any case and spacing) as the canonical `status` (NULL for a value
 * none of the rules knows) and the `error_type` it implies (NULL when it implies none), as SQL.
 * HTTP codes: 2xx ok; 429 rate_limit; 408 and 504 timeout; 400, 413 and 422 bad_request, or
 * context_length when the row's error `message` says so; other 5xx server; other 4xx `http_<code>`.
 * Words: ok, success, succeeded; error, failed, failure. Missing: ok.
 */
function requestStatusSql(text: string, message: string): { status: string; errorType: string } {
  const t = `NULLIF(lower(trim(${text})), '')`;
  const code = `TRY_CAST(NULLIF(regexp_extract(${t}, '^([245][0-9][0-9])(\\.0*)?$', 1), '') AS INTEGER)`;
  const words = (w: string[]) => w.map(quotedString).join(', ');
  const status = `CASE WHEN ${t} IS NULL THEN 'ok'
    WHEN ${code} BETWEEN 200 AND 299 THEN 'ok' WHEN ${code} IS NOT NULL THEN 'error'
    WHEN ${t} IN (${words(STATUS_WORDS.ok)}) THEN 'ok' WHEN ${t} IN (${words(STATUS_WORDS.error)}) THEN 'error' END`;
  const errorType = `CASE WHEN ${code} = 429 THEN 'rate_limit'
    WHEN ${code} IN (408, 504) THEN 'timeout'
    WHEN ${code} IN (400, 413, 422) THEN
      CASE WHEN regexp_matches(lower(${message}), ${quotedString(CONTEXT_LENGTH)}) THEN 'context_length' ELSE 'bad_request' END
    WHEN ${code} >= 500 THEN 'server'
    WHEN ${code} >= 400 THEN 'http_' || ${code} END`;
  return { status, errorType };
}

const STATUS_EXPECTED = `${[...STATUS_WORDS.ok, ...STATUS_WORDS.error].join(', ')} or an HTTP status code 2xx, 4xx or 5xx`;

export interface ValidationSql {
  /** the valid rows: `__row` and the canonical columns, typed */
  valid: string;
  /** the rejected rows: `__row` and `problems`, a list of 'field: reason' */
  invalid: string;
  /** named parameters the SQL uses (values from --set and partition folders) */
  params: Record<string, string>;
  /** the raw-cell expression of each canonical column over the source aliased `s` */
  raw: Record<string, string>;
  /** `--map` paths read as keys inside JSON, which some row must have (`checkJsonPaths`) */
  jsonPaths: { column: string; path: string; json: NonNullable<SourceField['json']> }[];
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
  // the row's error message, for telling a context-length 400 from another bad request
  const message = kind === 'requests' ? MESSAGE_COLUMNS.map((n) => findColumn(columns, n)).find(Boolean) : undefined;
  if (kind === 'requests') {
    const { status, errorType } = requestStatusSql('CAST(r_status AS VARCHAR)', 'r__message');
    const part = (name: string) => parts.find((p) => p.c.name === name)!.sql;
    part('status').value = status;
    part('status').problem =
      `CASE WHEN v_status IS NULL THEN '''' || left(CAST(r_status AS VARCHAR), 80) || ''' is not a known value (expected ${STATUS_EXPECTED})' END`;
    // a logged error type wins over the one the status implies
    part('error_type').value = `coalesce(${part('error_type').value}, ${errorType})`;
  }
  const problems = parts.filter((p) => p.sql.problem).map((p) => ({ field: p.c.name, sql: p.sql.problem }));
  if (kind === 'requests') {
    problems.push({
      field: 'cached_tokens',
      sql: `CASE WHEN v_cached_tokens > v_input_tokens THEN TRY_CAST(v_cached_tokens AS BIGINT) || ' exceeds input_tokens ' || TRY_CAST(v_input_tokens AS BIGINT) END`,
    });
  }
  const parsed = `(
  SELECT *, ${parts.map((p) => `${p.sql.value} AS v_${p.c.name}`).join(',\n    ')}
  FROM (SELECT s.__row, ${parts.map((p) => `${p.sql.raw} AS r_${p.c.name}`).join(', ')},
          ${message ? `CAST(s.${quotedIdentifier(message.name)} AS VARCHAR)` : 'NULL'} AS r__message
        FROM ${relation} s) s
)`;
  const valid = `SELECT __row, ${parts.map((p) => `${p.sql.stored} AS ${quotedIdentifier(p.c.name)}`).join(', ')}
FROM ${parsed}
WHERE ${problems.map((p) => `(${p.sql}) IS NULL`).join('\n  AND ') || 'true'}`;
  const invalid = `SELECT * FROM (
  SELECT __row, list_filter([${problems.map((p) => `'${p.field}: ' || (${p.sql})`).join(',\n    ')}], x -> x IS NOT NULL) AS problems
  FROM ${parsed}
) WHERE len(problems) > 0`;
  const jsonPaths = def.columns.flatMap((c) => {
    const s = resolved.get(c.name)!;
    return s.kind === 'column' && s.json ? [{ column: c.name, path: sources.map[c.name], json: s.json }] : [];
  });
  return { valid, invalid, params, raw: Object.fromEntries(parts.map((p) => [p.c.name, p.sql.raw])), jsonPaths };
}
