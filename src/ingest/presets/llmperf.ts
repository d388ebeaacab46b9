/**
 * LLMPerf results as published by ray-project/llmperf-leaderboard (`raw_data/`):
 * `individual/<provider>_<size>.json`, an array of per-request records (`ttft_s`,
 * `end_to_end_latency_s`, `request_output_throughput_token_per_s`, `number_input_tokens`,
 * `error_code`, `error_msg`, …), and `summary/<provider>_<size>.json`, the run's `model`,
 * unix `timestamp`, concurrency and quantiles.
 *
 * Read as latency, one row per request record. The records carry no time of their own: every
 * row of a run has the run's timestamp, the provider from the file name (the part before the
 * last `_<size>`) and the model from the summary. A summary file by itself yields nothing; an
 * individual file needs its `../summary/<same name>` sibling.
 *
 * A record with an error code is a failed request (`ok` false, as LLMPerf counts it, including
 * its -100 "Output too few tokens N"): its tps is left empty, and its TTFT and latency too when
 * they are recorded as 0 (a 429 answered without a stream: nothing was timed). `error_type` is the
 * HTTP category (429 → rate_limit, …), followed by the server's message when there is one; a
 * client-side code (negative) keeps the message as written, or `error code N` without one.
 */
import { quotedIdentifier } from '@duckdb/node-api';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../../errors.js';
import { firstLine, type Store } from '../../store/db.js';
import { openSource } from '../stage.js';
import { derive, type Preset } from './relations.js';
import { requireColumns } from './trace-settings.js';

const LAYOUT = 'an LLMPerf individual results file (an array of per-request records)';

/** `anyscale` from `anyscale_13b.json`: the file name without extension and its last `_<size>` part. */
export function llmperfProvider(file: string): string {
  const stem = path
    .basename(file)
    .replace(/\.gz$/i, '')
    .replace(/\.[^.]*$/, '');
  return stem.includes('_') ? stem.slice(0, stem.lastIndexOf('_')) : stem;
}

/** The `../summary/<same name>` sibling of an `individual/…` file. */
export function llmperfSummaryPath(file: string): string {
  return path.join(path.dirname(file), '..', 'summary', path.basename(file));
}

interface RunSummary {
  model: string | null;
  /** the run's start, unix seconds, as text */
  ts: string;
}

async function readSummary(
  store: Store,
  file: string,
  summary: string,
  set: Record<string, string>,
): Promise<RunSummary> {
  let row: { kind: string | null; model: string | null; ts: string | null } | undefined;
  try {
    row = await store.one(
      `SELECT json_type(json) AS kind, json ->> 'model' AS model, json ->> 'timestamp' AS ts
       FROM read_json_objects($summary, format = 'auto') LIMIT 1`,
      { summary },
    );
  } catch (e) {
    throw new InputError(
      `${summary} (the run summary of ${file}): cannot read as JSON: ${firstLine((e as Error).message)}`,
    );
  }
  if (row?.kind !== 'OBJECT') {
    throw new InputError(
      `${summary} (the run summary of ${file}): expected one JSON object with the run's model and timestamp`,
    );
  }
  const ts = row.ts !== null && Number.isFinite(Number(row.ts)) && row.ts.trim() !== '' ? row.ts.trim() : null;
  if (ts === null && set.ts === undefined) {
    throw new InputError(
      `${summary} (the run summary of ${file}): no unix 'timestamp' for the run${row.ts !== null ? ` (found '${row.ts}')` : ''}; pass --set ts=…`,
    );
  }
  if (!row.model?.trim() && set.model === undefined) {
    throw new InputError(`${summary} (the run summary of ${file}): no 'model'; pass --set model=…`);
  }
  return { model: row.model, ts: ts ?? '' };
}

/** Canonical category of an HTTP status code; NULL for other codes (LLMPerf's own negative ones). */
function httpCategory(code: string): string {
  return `CASE WHEN ${code} = 429 THEN 'rate_limit'
    WHEN ${code} IN (408, 504, 524) THEN 'timeout'
    WHEN ${code} IN (401, 403) THEN 'auth'
    WHEN ${code} BETWEEN 400 AND 499 THEN 'bad_request'
    WHEN ${code} BETWEEN 500 AND 599 THEN 'server' END`;
}

/** The human part of an error message: the message inside a JSON error body, else the text itself. */
function readableMessage(msg: string): string {
  return `CASE WHEN json_valid(${msg}) AND json_type(${msg}) = 'OBJECT' THEN coalesce(
      NULLIF(trim(json_extract_string(${msg}, '$.error.message')), ''),
      NULLIF(trim(json_extract_string(${msg}, '$.message')), ''),
      NULLIF(trim(json_extract_string(${msg}, '$.detail')), ''),
      CASE WHEN json_type(${msg}, '$.error') = 'VARCHAR' THEN NULLIF(trim(json_extract_string(${msg}, '$.error')), '') END,
      ${msg})
    ELSE ${msg} END`;
}

/** Trimmed text of a cell, NULL when empty or JSON null. */
const text = (expr: string) => `NULLIF(NULLIF(trim(CAST(${expr} AS VARCHAR)), ''), 'null')`;
const num = (expr: string) => `TRY_CAST(${text(expr)} AS DOUBLE)`;

export const llmperf: Preset = {
  name: 'llmperf',
  description:
    'LLMPerf leaderboard raw_data (individual/<provider>_<size>.json with summary/<same name>.json beside it) as latency, one row per request; summary files alone yield nothing',
  async open(store, src, { set }) {
    if (path.basename(path.dirname(src.path)) === 'summary') return [];
    const summary = llmperfSummaryPath(src.path);
    if (!existsSync(summary)) {
      throw new InputError(
        `${src.path}: its run summary ${summary} does not exist; LLMPerf's individual/<provider>_<size>.json needs summary/<same name>.json for the run's model and time`,
      );
    }
    const run = await readSummary(store, src.path, summary, set);
    const raw = await openSource(store, src);
    const c = requireColumns(src.path, LAYOUT, raw.columns, [
      'ttft_s',
      'end_to_end_latency_s',
      'request_output_throughput_token_per_s',
      'number_input_tokens',
    ]);
    const col = (name: string) => {
      const found = raw.columns.find((x) => x.name === name);
      return found ? `s.${quotedIdentifier(found.name)}` : 'NULL';
    };
    const code = text(col('error_code'));
    const codeNum = `TRY_CAST(${code} AS DOUBLE)`;
    const msg = text(col('error_msg'));
    const ok = `(${code} IS NULL)`;
    const ttft = num(`s.${quotedIdentifier(c.ttft_s.name)}`);
    const e2e = num(`s.${quotedIdentifier(c.end_to_end_latency_s.name)}`);
    const category = httpCategory(codeNum);
    const source = await derive(
      store,
      raw,
      `s.__row,
       CAST($llmperf_ts AS VARCHAR) AS ts,
       CAST($llmperf_provider AS VARCHAR) AS provider,
       CAST($llmperf_model AS VARCHAR) AS model,
       ${ok} AS ok,
       CASE WHEN NOT ${ok} AND ${ttft} = 0 THEN NULL ELSE ${ttft} * 1000 END AS ttft_ms,
       CASE WHEN ${ok} THEN ${num(`s.${quotedIdentifier(c.request_output_throughput_token_per_s.name)}`)} END AS tps,
       CASE WHEN NOT ${ok} AND ${e2e} = 0 THEN NULL ELSE ${e2e} * 1000 END AS latency_ms,
       s.${quotedIdentifier(c.number_input_tokens.name)} AS input_tokens,
       CASE WHEN NOT ${ok} THEN CASE
         WHEN ${category} IS NOT NULL THEN ${category} || coalesce(': ' || ${readableMessage(msg)}, '')
         ELSE coalesce(${readableMessage(msg)}, 'error code ' || ${code}) END
       END AS error_type`,
      { llmperf_ts: run.ts, llmperf_provider: llmperfProvider(src.path), llmperf_model: run.model ?? '' },
    );
    return [{ kind: 'latency', source }];
  },
};
