/**
 * LiteLLM proxy spend logs: an export of the `LiteLLM_SpendLogs` table
 * (BerriAI/litellm `schema.prisma`; rows written by
 * `litellm/proxy/spend_tracking/spend_tracking_utils.py`), as CSV from
 * Postgres, JSON from `/spend/logs`, or Parquet. One row per request.
 */
import { openSource } from '../stage.js';
import { Fields, httpErrorType, jsonNumber, jsonText, msBetween, textErrorType } from './gateway-fields.js';
import { derive, type Preset } from './relations.js';

/** Prompt tokens served from the provider's prompt cache, in the order LiteLLM's usage object holds them. */
const CACHED_PATHS = [
  '$.usage_object.prompt_tokens_details.cached_tokens',
  '$.additional_usage_values.prompt_tokens_details.cached_tokens',
  '$.usage_object.cache_read_input_tokens',
  '$.additional_usage_values.cache_read_input_tokens',
];

export const litellmSpendLogs: Preset = {
  name: 'litellm-spend-logs',
  description: 'LiteLLM proxy spend logs (LiteLLM_SpendLogs table export: CSV, JSON or Parquet) as requests',
  async open(store, src) {
    const base = await openSource(store, src);
    const f = new Fields(base.columns);
    f.require(src.path, 'a LiteLLM_SpendLogs export', ['request_id', 'startTime', 'endTime'], 'column');
    const meta = f.json('metadata');
    const start = f.timestamp('startTime');
    const end = f.timestamp('endTime');
    const firstToken = f.timestamp('completionStartTime');
    // The `status` column is recent; older rows keep the same value in metadata.status.
    const logged = `lower(coalesce(${f.text('status')}, ${jsonText(meta, '$.status')}))`;
    const status = `CASE ${logged} WHEN 'success' THEN 'ok' WHEN 'failure' THEN 'error' ELSE ${logged} END`;
    const isError = `(${status} = 'error')`;
    // A hit in LiteLLM's own response cache never reached the provider: its times are not the provider's.
    // LiteLLM fills completionStartTime with endTime when nothing was streamed: no first-token time then.
    const cacheHit = `coalesce(lower(${f.text('cache_hit')}) = 'true', false)`;
    const errorCode = `TRY_CAST(${jsonText(meta, '$.error_information.error_code')} AS INTEGER)`;
    const errorType = `coalesce(${textErrorType(jsonText(meta, '$.error_information.error_class'))},
      ${httpErrorType(errorCode)}, ${textErrorType(jsonText(meta, '$.error_information.error_message'))})`;
    // Failed calls carry no usage; they count as demand with zero tokens.
    const tokens = (name: string) =>
      `CASE WHEN ${isError} THEN coalesce(${f.text(name)}, '0') ELSE ${f.text(name)} END`;
    const latency = `coalesce(${msBetween(start, end)}, ${f.number('request_duration_ms')})`;
    const select = [
      's.__row',
      `${f.text('request_id')} AS request_id`,
      `${f.text('startTime')} AS ts`,
      // The public model group name is shared by every deployment (provider) serving it.
      `coalesce(${f.text('model_group')}, ${f.text('model')}) AS model`,
      `${f.text('custom_llm_provider')} AS provider`,
      `${tokens('prompt_tokens')} AS input_tokens`,
      `${tokens('completion_tokens')} AS output_tokens`,
      `coalesce(${CACHED_PATHS.map((p) => jsonNumber(meta, p)).join(', ')}) AS cached_tokens`,
      `CASE WHEN NOT ${cacheHit} AND ${firstToken} <> ${end} THEN ${msBetween(start, firstToken)} END AS ttft_ms`,
      `CASE WHEN NOT ${cacheHit} THEN ${latency} END AS latency_ms`,
      `${status} AS status`,
      `CASE WHEN ${isError} THEN ${errorType} END AS error_type`,
      `${f.text('spend')} AS cost`,
      `'USD' AS currency`,
    ];
    return [{ kind: 'requests', source: await derive(store, base, select.join(',\n      ')) }];
  },
};
