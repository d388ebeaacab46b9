/**
 * What the price-catalogue presets share (`litellm-prices`, `models-dev`, `openrouter-models`,
 * `openrouter-endpoints`): each reads one JSON document per file, stamps it with one snapshot
 * time, and turns per-token USD prices into exact per-1M text. One implementation each, here.
 */
import path from 'node:path';
import { InputError } from '../../errors.js';
import type { Store } from '../../store/db.js';
import { calendarDay } from '../../time.js';
import type { SourceFile } from '../sources.js';

/** A catalogue file is one JSON value; read_json_objects refuses one over 16 MB unless told otherwise. */
const MAX_OBJECT_BYTES = 1 << 30;

/** How many JSON values a staged file holds, and their DuckDB `json_type` (the least, when several). */
export interface DocumentShape {
  n: number;
  type: string | null;
}

/**
 * Stages the file's JSON values as the one-column temp table `table(doc)` and returns their
 * shape; a file that is not JSON is an InputError naming it. `table` is the preset's constant.
 */
export async function stageDocument(store: Store, src: SourceFile, table: string): Promise<DocumentShape> {
  try {
    await store.run(
      `CREATE OR REPLACE TEMP TABLE ${table} AS
       SELECT json AS doc FROM read_json_objects($file, format = 'unstructured', maximum_object_size = ${MAX_OBJECT_BYTES})`,
      { file: src.path },
    );
  } catch (e) {
    throw new InputError(`${src.path}: cannot read as JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  return (await store.one<DocumentShape>(`SELECT count(*) AS n, min(json_type(doc)) AS type FROM ${table}`))!;
}

/** A DuckDB `json_type` in words: `object`, `array`, `string`, `number` … */
export function jsonKind(type: string | null): string {
  const words: Record<string, string> = { OBJECT: 'object', ARRAY: 'array', VARCHAR: 'string', BOOLEAN: 'boolean' };
  return type === null || type === 'NULL' ? 'null' : (words[type] ?? 'number');
}

/** What a file holds, for a message: "a JSON array", "2 JSON values". */
export function describeValues(shape: DocumentShape): string {
  return shape.n === 1 ? `a JSON ${jsonKind(shape.type)}` : `${shape.n} JSON values`;
}

/**
 * A USD-per-token SQL expression (a JSON number's or a string's text) as USD per 1 M tokens,
 * handed on as exact text: scaled as a decimal, so 1.68e-06 becomes 1.68 and 0.00000028 0.28, never
 * 1.6800000000000002 (double multiplication and DuckDB's DECIMAL→DOUBLE cast both round off). Text
 * that is not a number passes through for validation to reject with its reason.
 */
export function perMillion(expr: string): string {
  const num = `TRY_CAST(${expr} AS DOUBLE)`;
  return `CASE WHEN ${num} IS NULL THEN ${expr}
    WHEN abs(${num}) < 1e6 THEN rtrim(rtrim(CAST(CAST(${expr} AS DECIMAL(38, 24)) * 1000000 AS VARCHAR), '0'), '.')
    ELSE CAST(${num} * 1e6 AS VARCHAR) END`;
}

/** A time the file itself carries (LiteLLM's `last_updated`), and where it is, for the error message. */
export interface EmbeddedTime {
  text: string | null;
  /** `<file>: last_updated` */
  origin: string;
}

/**
 * The snapshot time as `YYYY-MM-DD HH:MM:SS[.ffffff]` (UTC), the first of:
 * 1. `--set ts`, ISO 8601 or epoch seconds or milliseconds;
 * 2. a time the file carries (`embedded`), to the second: its microseconds are a mirror's crawl
 *    noise, and do not survive a JavaScript Date;
 * 3. a date in the file name, else in the nearest folder named by a date, at 00:00 UTC;
 * 4. today at 00:00 UTC.
 * A value that does not parse is an InputError naming where it came from.
 */
export async function snapshotTime(
  store: Store,
  file: string,
  setTs: string | undefined,
  embedded?: EmbeddedTime,
): Promise<string> {
  if (setTs !== undefined) return parseTime(store, setTs.trim(), '--set ts', '%Y-%m-%d %H:%M:%S.%f');
  if (embedded && embedded.text !== null) {
    return parseTime(store, embedded.text.trim(), embedded.origin, '%Y-%m-%d %H:%M:%S');
  }
  return `${dateInPath(file) ?? new Date().toISOString().slice(0, 10)} 00:00:00`;
}

/** ISO 8601 (UTC unless it names a zone) or epoch text as a UTC time in `format`; an InputError otherwise. */
async function parseTime(store: Store, text: string, origin: string, format: string): Promise<string> {
  const parsed = await store.one<{ t: string | null }>(
    `SELECT strftime(CASE WHEN regexp_full_match($t, '[0-9]+(\\.[0-9]*)?')
        THEN CASE WHEN CAST($t AS DOUBLE) < 1e11 THEN to_timestamp(CAST($t AS DOUBLE))
                  ELSE to_timestamp(CAST($t AS DOUBLE) / 1000) END
        ELSE TRY_CAST($t AS TIMESTAMPTZ) END, $format) AS t`,
    { t: text, format },
  );
  if (!parsed?.t) throw new InputError(`${origin} '${text}' is not a timestamp; pass --set ts=YYYY-MM-DDTHH:MM:SSZ`);
  return parsed.t;
}

/** A folder named by a date, bare or as a hive partition: `2026-03-15`, `date=2026-03-15`. */
const DATED_FOLDER = /^(?:[^=]+=)?(\d{4}-\d{2}-\d{2})$/;

/**
 * The first real calendar date in the file name (`models-2026-03-15.json`), else the date of the
 * nearest folder named by one (`history/2026-03-15/api.json.gz`, `2026-04-03/endpoints/…`).
 * A folder named like a date that is none (`2026-02-30`) is refused rather than passed over: the
 * snapshot would silently take an outer folder's day or today's.
 */
function dateInPath(file: string): string | undefined {
  for (const m of path.basename(file).matchAll(/(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)/g)) {
    const day = calendarDay(m[0]);
    if (day) return day;
  }
  for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const folder = path.basename(dir);
    const m = DATED_FOLDER.exec(folder);
    if (!m) continue;
    if (!calendarDay(m[1])) throw new InputError(`${file}: folder '${folder}' is not a date; pass --set ts=YYYY-MM-DD`);
    return m[1];
  }
  return undefined;
}
