/**
 * OpenRouter's Activity export (the CSV of openrouter.ai/activity: one row per generation,
 * columns `generation_id, created_at, cost_total, …, api_key_name`) as requests. What each
 * column means, and its source, is in fixtures/presets/openrouter-activity/README.md.
 * Provider names are OpenRouter's, with its `Google` (Vertex AI) stored as `Google Vertex`.
 */
import { openSource } from '../stage.js';
import { Fields } from './gateway-fields.js';
import { openrouterProviderSql } from './openrouter-provider.js';
import { derive, type Preset } from './relations.js';

export const openrouterActivity: Preset = {
  name: 'openrouter-activity',
  description:
    'OpenRouter Activity export (CSV, one row per generation) as requests: USD cost, BYOK rows at the provider charge, cancelled generations as errors',
  async open(store, src) {
    const base = await openSource(store, src);
    const f = new Fields(base.columns);
    f.require(
      src.path,
      'an OpenRouter Activity export',
      ['generation_id', 'created_at', 'model_permaslug', 'provider_name'],
      'column',
    );
    const flag = (name: string) => `coalesce(lower(${f.text(name)}) IN ('true', '1'), false)`;
    const cancelled = flag('cancelled');
    const finish = `lower(${f.text('finish_reason_normalized')})`;
    const isError = `(${cancelled} OR coalesce(${finish} = 'error', false))`;
    // A failed generation may carry no usage; it still counts as demand, with zero tokens.
    const tokens = (name: string) =>
      `CASE WHEN ${isError} THEN coalesce(${f.text(name)}, '0') ELSE ${f.text(name)} END`;
    // A zero time is a generation that produced no token, not a measurement.
    const ms = (name: string) => `NULLIF(${f.number(name)}, 0)`;
    const variant = `lower(${f.text('variant')})`;
    const byok = f.number('byok_usage_inference');
    const extras = `coalesce(${f.number('cost_web_search')}, 0) + coalesce(${f.number('cost_file_processing')}, 0)`;
    const select = [
      's.__row',
      `${f.text('generation_id')} AS request_id`,
      `${f.text('created_at')} AS ts`,
      // `:free` and the other route variants are kept as the catalog reads them.
      `CASE WHEN ${variant} IS NULL OR ${variant} = 'standard' THEN ${f.text('model_permaslug')}
        ELSE ${f.text('model_permaslug')} || ':' || ${variant} END AS model`,
      `${openrouterProviderSql(f.text('provider_name'))} AS provider`,
      `${f.text('app_name')} AS app`,
      // The generation record's session_id, should the export carry it (the exports seen do not).
      `${f.text('session_id')} AS session`,
      `${f.text('user')} AS user`,
      `${tokens('tokens_prompt')} AS input_tokens`,
      `${tokens('tokens_completion')} AS output_tokens`,
      `${f.text('tokens_cached')} AS cached_tokens`,
      `${ms('time_to_first_token_ms')} AS ttft_ms`,
      `${ms('generation_time_ms')} AS latency_ms`,
      `CASE WHEN ${isError} THEN 'error' ELSE 'ok' END AS status`,
      `CASE WHEN ${cancelled} THEN 'cancelled' END AS error_type`,
      `NULLIF(concat_ws(',', CASE WHEN ${flag('streamed')} THEN 'stream' END,
        CASE WHEN ${finish} = 'tool_calls' THEN 'tools' END), '') AS features`,
      // BYOK: the provider billed the inference and cost_total is OpenRouter's fee alone. Otherwise the
      // inference cost is cost_total less OpenRouter's web-search and file-parsing charges.
      `CASE WHEN ${byok} > 0 THEN ${f.text('byok_usage_inference')}
        WHEN ${extras} = 0 THEN ${f.text('cost_total')}
        ELSE CAST(round(${f.number('cost_total')} - (${extras}), 12) AS VARCHAR) END AS cost`,
      `'USD' AS currency`,
    ];
    return [{ kind: 'requests', source: await derive(store, base, select.join(',\n      ')) }];
  },
};
