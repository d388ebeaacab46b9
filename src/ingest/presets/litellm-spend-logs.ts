/**
 * LiteLLM proxy spend logs: an export of the `LiteLLM_SpendLogs` table
 * (BerriAI/litellm `schema.prisma`; rows written by
 * `litellm/proxy/spend_tracking/spend_tracking_utils.py`), as CSV from
 * Postgres, JSON from `/spend/logs`, the admin UI's `/spend/logs/ui` pages
 * (`{"data": [...], "total": n, ...}`), or Parquet. One row per request;
 * hits in LiteLLM's own response cache are not requests to a provider and are
 * left out (counted in a warning). `session` is the `session_id` column, `user` the
 * `end_user`, else `user` (see fixtures/presets/litellm-spend-logs/README.md).
 */
import { openSource, type Source } from '../stage.js';
import { Fields, httpErrorType, jsonNumber, jsonText, msBetween, textErrorType, unwrapData } from './gateway-fields.js';
import { derive, type Preset } from './relations.js';

/** Prompt tokens served from the provider's prompt cache, in the order LiteLLM's usage object holds them. */
const CACHED_PATHS = [
  '$.usage_object.prompt_tokens_details.cached_tokens',
  '$.additional_usage_values.prompt_tokens_details.cached_tokens',
  '$.usage_object.cache_read_input_tokens',
  '$.additional_usage_values.cache_read_input_tokens',
];

/** Prompt tokens written to the provider's prompt cache (Anthropic-style providers), likewise. */
const CACHE_WRITE_PATHS = [
  '$.usage_object.prompt_tokens_details.cache_creation_tokens',
  '$.additional_usage_values.prompt_tokens_details.cache_creation_tokens',
  '$.usage_object.cache_creation_input_tokens',
  '$.additional_usage_values.cache_creation_input_tokens',
];

export const litellmSpendLogs: Preset = {
  name: 'litellm-spend-logs',
  description:
    'LiteLLM proxy spend logs (LiteLLM_SpendLogs table export: CSV, JSON, /spend/logs/ui pages or Parquet) as requests',
  async open(store, src) {
    const raw = await openSource(store, src);
    const base = await unwrapData(store, raw, 'request_id', 'litellm_spend_logs');
    const f = new Fields(base.columns);
    f.require(src.path, 'a LiteLLM_SpendLogs export', ['request_id', 'startTime', 'endTime'], 'column');
    // Answered from LiteLLM's own response cache (`cache_hit` 'True'): no provider saw the request.
    const cacheHit = `coalesce(lower(${f.text('cache_hit')}) = 'true', false)`;
    const hits = (await store.one<{ n: number }>(
      `SELECT count(*) FILTER (WHERE ${cacheHit}) AS n FROM ${base.relation} s`,
      base.params,
    ))!.n;
    const sent: Source = { ...base, relation: `(SELECT * FROM ${base.relation} s WHERE NOT ${cacheHit})` };
    const meta = f.json('metadata');
    const start = f.timestamp('startTime');
    const end = f.timestamp('endTime');
    const firstToken = f.timestamp('completionStartTime');
    // The `status` column is recent; older rows keep the same value in metadata.status.
    const logged = `lower(coalesce(${f.text('status')}, ${jsonText(meta, '$.status')}))`;
    const status = `CASE ${logged} WHEN 'success' THEN 'ok' WHEN 'failure' THEN 'error' ELSE ${logged} END`;
    const isError = `(${status} = 'error')`;
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
      // The client's litellm_session_id, else the call's trace id (shared by its retries and fallbacks).
      `${f.text('session_id')} AS session`,
      // The customer the call was made for (the request's `user`), else the internal user owning the key.
      `coalesce(${f.text('end_user')}, ${f.text('user')}) AS user`,
      // LiteLLM's prompt_tokens count cache reads and writes too (OpenAI convention), so they stay as they are.
      `${tokens('prompt_tokens')} AS input_tokens`,
      `${tokens('completion_tokens')} AS output_tokens`,
      `coalesce(${CACHED_PATHS.map((p) => jsonNumber(meta, p)).join(', ')}) AS cached_tokens`,
      `coalesce(${CACHE_WRITE_PATHS.map((p) => jsonNumber(meta, p)).join(', ')}) AS cache_write_tokens`,
      // LiteLLM fills completionStartTime with endTime when nothing was streamed: no first-token time then.
      `CASE WHEN ${firstToken} <> ${end} THEN ${msBetween(start, firstToken)} END AS ttft_ms`,
      `${latency} AS latency_ms`,
      `${status} AS status`,
      `CASE WHEN ${isError} THEN ${errorType} END AS error_type`,
      `${f.text('spend')} AS cost`,
      `'USD' AS currency`,
    ];
    const warnings = hits
      ? [
          `${hits} LiteLLM response-cache hit(s) (cache_hit True) not stored: LiteLLM answered them from its own ` +
            'cache, so no provider served them and they cost nothing',
        ]
      : [];
    return [{ kind: 'requests', source: await derive(store, sent, select.join(',\n      ')), warnings }];
  },
};
