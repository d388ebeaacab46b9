/**
 * Helicone request logs, as written by Helicone's export tool
 * (`npx @helicone/export`, JSONL by default, also JSON and CSV): the records of
 * `POST /v1/request/query-clickhouse` (Helicone `getRequestsClickhouse`), one
 * per request.
 */
import { openSource } from '../stage.js';
import { Fields, httpErrorType, httpStatus, msBetween } from './gateway-fields.js';
import { derive, type Preset } from './relations.js';

/** Helicone's `cache_reference_id` of a request that was not served from its cache. */
const NO_CACHE_REFERENCE = '00000000-0000-0000-0000-000000000000';

export const helicone: Preset = {
  name: 'helicone',
  description: 'Helicone request export (@helicone/export JSONL, JSON or CSV; query-clickhouse records) as requests',
  async open(store, src) {
    const base = await openSource(store, src);
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
      `${orZero(input)} AS input_tokens`,
      `${orZero(f.text('completion_tokens'))} AS output_tokens`,
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
