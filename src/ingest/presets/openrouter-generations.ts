/**
 * OpenRouter generation records, as returned by `GET /api/v1/generation`
 * (OpenAPI schema `GenerationResponse`): a JSON array or JSONL of generation
 * objects, or of the API's `{"data": …}` wrappers (one object or a list).
 * Each generation is a request; each element of its `provider_responses` (one
 * upstream attempt, fallbacks included) is a latency row, which is where
 * per-provider error rates come from. Provider names are OpenRouter's as written, but its `Google`
 * (Vertex AI) is stored as `Google Vertex` (see openrouter-provider.ts). What each field means, and
 * its source, is in fixtures/presets/openrouter-generations/README.md.
 */
import { quotedIdentifier, quotedString } from '@duckdb/node-api';
import { InputError } from '../../errors.js';
import type { SourceFile } from '../sources.js';
import { openSource, type Source } from '../stage.js';
import { Fields, httpErrorType, unwrapData } from './gateway-fields.js';
import { openrouterProviderSql } from './openrouter-provider.js';
import { derive, stageTable, type Preset } from './relations.js';

/**
 * The generation objects of the file, one per row with its `__row`: the file's
 * own rows, or the contents of their `data` wrapper (a list is numbered in order).
 */
async function generations(store: Parameters<Preset['open']>[0], src: SourceFile, raw: Source): Promise<Source> {
  const f = new Fields(raw.columns);
  if (f.has('id')) return raw;
  const data = f.find('data');
  // A list type also starts with STRUCT (`STRUCT(…)[]`): test it first.
  if (data && /^STRUCT.*\[\]$/.test(data.type)) return unwrapData(store, raw, 'id', 'openrouter_generations');
  if (data && data.type.startsWith('STRUCT')) {
    return stageTable(
      store,
      'openrouter_generations',
      `SELECT s.__row, unnest(s.${quotedIdentifier(data.name)}) FROM ${raw.relation} s`,
      raw.params,
    );
  }
  throw new InputError(
    `${src.path}: not OpenRouter generation records: expected objects with 'id', 'created_at', 'model', … ` +
      `or their {"data": …} wrapper (columns: ${raw.columns.map((c) => c.name).join(', ')})`,
  );
}

export const openrouterGenerations: Preset = {
  name: 'openrouter-generations',
  description:
    'OpenRouter generation records (GET /api/v1/generation; JSON, JSONL or {data} wrappers) as requests, and their provider attempts as latency',
  async open(store, src) {
    const raw = await openSource(store, src);
    const gens = await generations(store, src, raw);
    const f = new Fields(gens.columns);
    f.require(src.path, 'OpenRouter generation records', ['id', 'created_at']);
    const attempts = `TRY_CAST(${f.json('provider_responses')} AS JSON[])`;
    const lastCode = `TRY_CAST(json_extract_string(${attempts}[-1], '$.status') AS INTEGER)`;
    const finish = `lower(${f.text('finish_reason')})`;
    const cancelled = `coalesce(lower(${f.text('cancelled')}) IN ('true', '1'), false)`;
    const isError = `(${cancelled} OR coalesce(${finish} = 'error' OR NOT (${lastCode} BETWEEN 200 AND 299), false))`;
    // Native counts are what providers bill, and native_tokens_cached is one of them.
    const promptTokens = `coalesce(${f.text('native_tokens_prompt')}, ${f.text('tokens_prompt')})`;
    const completionTokens = `coalesce(${f.text('native_tokens_completion')}, ${f.text('tokens_completion')})`;
    const orZero = (t: string) => `CASE WHEN ${isError} THEN coalesce(${t}, '0') ELSE ${t} END`;
    const streamed = `coalesce(lower(${f.text('streamed')}) IN ('true', '1'), false)`;
    const requests = [
      's.__row',
      `${f.text('id')} AS request_id`,
      `${f.text('created_at')} AS ts`,
      `${f.text('model')} AS model`,
      // A generation that failed on every attempt names no provider: it failed at the last one tried.
      `${openrouterProviderSql(`coalesce(${f.text('provider_name')}, NULLIF(trim(json_extract_string(${attempts}[-1], '$.provider_name')), ''))`)} AS provider`,
      // The client's session_id (OpenRouter's sticky-routing key) and end user (the request's `user`).
      `${f.text('session_id')} AS session`,
      `${f.text('external_user')} AS user`,
      `${orZero(promptTokens)} AS input_tokens`,
      `${orZero(completionTokens)} AS output_tokens`,
      `${f.text('native_tokens_cached')} AS cached_tokens`,
      // `latency` runs to the first token of the serving provider, `generation_time` to the end of its response;
      // the attempt's own `latency` ends at the provider's first response, before the first token.
      `${f.number('latency')} AS ttft_ms`,
      `${f.number('generation_time')} AS latency_ms`,
      `CASE WHEN ${isError} THEN 'error' ELSE 'ok' END AS status`,
      `CASE WHEN ${cancelled} THEN 'cancelled' WHEN ${isError} THEN ${httpErrorType(lastCode)} END AS error_type`,
      `NULLIF(concat_ws(',', CASE WHEN ${streamed} THEN 'stream' END, CASE WHEN ${finish} = 'tool_calls' THEN 'tools' END), '') AS features`,
      // BYOK: the provider billed the inference; total_cost is then only OpenRouter's fee.
      `CASE WHEN coalesce(lower(${f.text('is_byok')}) IN ('true', '1'), false) THEN ${f.text('upstream_inference_cost')}
        ELSE ${f.text('total_cost')} END AS cost`,
      `'USD' AS currency`,
    ];
    const requestsSource = await derive(store, gens, requests.join(',\n      '));

    // One row per upstream attempt, numbered through the file (generation order, then attempt order).
    const perAttempt = `SELECT s.__row AS g_row,
        ${f.text('created_at')} AS created_at,
        ${f.text('model')} AS model,
        ${f.number('generation_time')} AS generation_time,
        ${f.number('latency')} AS first_token,
        TRY_CAST(${promptTokens} AS DOUBLE) AS prompt_tokens,
        TRY_CAST(${completionTokens} AS DOUBLE) AS completion_tokens,
        unnest(${attempts}) AS attempt,
        generate_subscripts(${attempts}, 1) AS attempt_no
      FROM ${gens.relation} s`;
    const code = `TRY_CAST(json_extract_string(a.attempt, '$.status') AS INTEGER)`;
    const ok = `(${code} BETWEEN 200 AND 299)`;
    const attemptMs = `TRY_CAST(json_extract_string(a.attempt, '$.latency') AS DOUBLE)`;
    // The serving attempt's first token is the generation's, as on its request row.
    const firstToken = `coalesce(a.first_token, ${attemptMs})`;
    const slug = `NULLIF(trim(json_extract_string(a.attempt, '$.model_permaslug')), '')`;
    // A dated permaslug (`qwen/qwen3-32b-04-28`) is the generation's model; another slug is a fallback model.
    const sameModel = `(${slug} IS NULL OR ${slug} = a.model OR (starts_with(${slug}, a.model || '-')
      AND regexp_full_match(substr(${slug}, length(a.model) + 2), ${quotedString('[0-9][0-9-]*')})))`;
    const latency = await stageTable(
      store,
      'openrouter_attempts',
      `SELECT row_number() OVER (ORDER BY a.g_row, a.attempt_no) AS __row,
         a.created_at AS ts,
         ${openrouterProviderSql(`NULLIF(trim(json_extract_string(a.attempt, '$.provider_name')), '')`)} AS provider,
         CASE WHEN ${sameModel} THEN a.model ELSE ${slug} END AS model,
         ${ok} AS ok,
         ${httpErrorType(code)} AS error_type,
         CASE WHEN ${ok} THEN ${firstToken} END AS ttft_ms,
         CASE WHEN ${ok} THEN coalesce(a.generation_time, ${attemptMs}) ELSE ${attemptMs} END AS latency_ms,
         CASE WHEN ${ok} AND a.generation_time > ${firstToken} AND a.completion_tokens > 0
           THEN a.completion_tokens / ((a.generation_time - ${firstToken}) / 1000.0) END AS tps,
         a.prompt_tokens AS input_tokens
       FROM (${perAttempt}) a`,
      gens.params,
    );
    return [
      { kind: 'requests', source: requestsSource },
      { kind: 'latency', source: latency },
    ];
  },
};
