/**
 * Helicone request logs, as written by Helicone's export tool
 * (`npx @helicone/export`, JSONL by default, also JSON and CSV): the records of
 * `POST /v1/request/query-clickhouse` (Helicone `getRequestsClickhouse`), one
 * per request. `session` is the `Helicone-Session-Id` property, `user` the `Helicone-User-Id` header
 * (fixtures/presets/helicone/README.md).
 */
import { closeSync, copyFileSync, fstatSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InputError } from '../../errors.js';
import type { Store } from '../../store/db.js';
import type { SourceFile } from '../sources.js';
import { openSource, type Source } from '../stage.js';
import { Fields, httpErrorType, httpStatus, jsonText, msBetween } from './gateway-fields.js';
import { derive, type Preset } from './relations.js';

/** The property Helicone stores a request's `Helicone-Session-Id` header under. */
const SESSION_PROPERTY = '$."Helicone-Session-Id"';

/** Helicone's `cache_reference_id` of a request that was not served from its cache. */
const NO_CACHE_REFERENCE = '00000000-0000-0000-0000-000000000000';

/**
 * A copy of `file` with the comma after its last array element blanked, or undefined when the file
 * does not end that way. The export tool's JSON format writes `,\n` after every record unless
 * `--limit` is reached, then `]`: an export without `--limit` ends with `},\n]`.
 */
function withoutTrailingComma(file: string): string | undefined {
  const fd = openSync(file, 'r');
  let at: number;
  try {
    const size = fstatSync(fd).size;
    const tail = Buffer.alloc(Math.min(size, 4096));
    readSync(fd, tail, 0, tail.length, size - tail.length);
    const m = /\}\s*,\s*\]\s*$/.exec(tail.toString('latin1'));
    if (!m) return undefined;
    at = size - tail.length + m.index + m[0].indexOf(',');
  } finally {
    closeSync(fd);
  }
  const copy = path.join(mkdtempSync(path.join(tmpdir(), 'ai-ping-helicone-')), path.basename(file));
  copyFileSync(file, copy);
  const out = openSync(copy, 'r+');
  try {
    writeSync(out, ' ', at);
  } finally {
    closeSync(out);
  }
  return copy;
}

/** The export's records; a JSON array ending in that trailing comma is read from a repaired copy. */
async function openExport(store: Store, src: SourceFile): Promise<Source> {
  const copy = src.format === 'json' ? withoutTrailingComma(src.path) : undefined;
  if (!copy) return openSource(store, src);
  try {
    return await openSource(store, { ...src, path: copy });
  } catch (e) {
    throw e instanceof InputError ? new InputError(e.message.replaceAll(copy, src.path)) : e;
  } finally {
    // The records are staged into a table: the copy is not needed once they are open.
    rmSync(path.dirname(copy), { recursive: true, force: true });
  }
}

export const helicone: Preset = {
  name: 'helicone',
  description: 'Helicone request export (@helicone/export JSONL, JSON or CSV; query-clickhouse records) as requests',
  async open(store, src) {
    const base = await openExport(store, src);
    const f = new Fields(base.columns);
    f.require(src.path, 'a Helicone export', ['request_created_at', ['response_status', 'status']]);
    const code = `TRY_CAST(${f.number('response_status', 'status')} AS INTEGER)`;
    const isError = `coalesce(NOT (${code} BETWEEN 200 AND 299), false)`;
    // Served from Helicone's own cache: the times are the cache's, not the provider's.
    const cacheHit = `coalesce(${f.text('cache_reference_id')} <> $helicone_no_cache, false)`;
    // Helicone prices prompt_tokens as the fresh tokens and cache reads and writes on top of them.
    const prompt = f.number('prompt_tokens');
    const input = `CASE WHEN ${prompt} IS NULL THEN ${f.text('prompt_tokens')}
      ELSE CAST(${prompt} + coalesce(${f.number('prompt_cache_read_tokens')}, 0) + coalesce(${f.number('prompt_cache_write_tokens')}, 0) AS VARCHAR) END`;
    // Helicone's completion_tokens leave out the reasoning tokens, which it keeps as reasoning_tokens.
    const completion = f.number('completion_tokens');
    const output = `CASE WHEN ${completion} IS NULL THEN ${f.text('completion_tokens')}
      ELSE CAST(${completion} + coalesce(${f.number('reasoning_tokens')}, 0) AS VARCHAR) END`;
    // Failed calls carry no usage; they count as demand with zero tokens.
    const orZero = (t: string) => `CASE WHEN ${isError} THEN coalesce(${t}, '0') ELSE ${t} END`;
    const latency = `coalesce(${f.number('delay_ms', 'latency')},
      ${msBetween(f.timestamp('request_created_at'), f.timestamp('response_created_at'))})`;
    const select = [
      's.__row',
      `coalesce(${f.text('request_id')}, ${f.text('response_id')}) AS request_id`,
      `${f.text('request_created_at')} AS ts`,
      `coalesce(${f.text('model')}, ${f.text('request_model')}, ${f.text('response_model')}) AS model`,
      `${f.text('provider')} AS provider`,
      `coalesce(${jsonText(f.json('request_properties'), SESSION_PROPERTY)},
        ${jsonText(f.json('properties'), SESSION_PROPERTY)}) AS session`,
      // The `Helicone-User-Id` header, which Helicone keeps as the request's user_id.
      `${f.text('request_user_id', 'user_id')} AS user`,
      `${orZero(input)} AS input_tokens`,
      `${orZero(output)} AS output_tokens`,
      `${f.text('prompt_cache_read_tokens')} AS cached_tokens`,
      `${f.text('prompt_cache_write_tokens')} AS cache_write_tokens`,
      `CASE WHEN NOT ${cacheHit} THEN ${f.number('time_to_first_token')} END AS ttft_ms`,
      `CASE WHEN NOT ${cacheHit} THEN ${latency} END AS latency_ms`,
      `${httpStatus(code)} AS status`,
      `${httpErrorType(code)} AS error_type`,
      `coalesce(${f.text('cost')}, ${f.text('cost_usd')}, ${f.text('costUSD')}) AS cost`,
      `'USD' AS currency`,
    ];
    return [
      {
        kind: 'requests',
        source: await derive(store, base, select.join(',\n      '), { helicone_no_cache: NO_CACHE_REFERENCE }),
      },
    ];
  },
};
