/**
 * LiteLLM's price and context-window catalogue (`model_prices_and_context_window.json`):
 * one JSON object keyed by `provider/model…` (or a bare model name), each value with
 * `litellm_provider`, `mode`, per-token USD costs and token limits.
 *
 * Yields two relations from the chat entries: `offerings` (limits, features, official flag)
 * and `prices` (USD per 1 M tokens, at the snapshot time). `__row` is the key's position among
 * the file's top-level keys (`sample_spec` is key 1), so a reject names its entry.
 *
 * Read: entries whose `mode` is `chat`. Skipped, and not counted as read: other modes
 * (embedding, image, audio, rerank, `responses`-only, `completion`…), `sample_spec` (the
 * field documentation), `last_updated` (a string), and entries without a mode — in the
 * published files those are Fireworks' parameter-size price tiers and LiteLLM's routing
 * rules, not models. Prices are read from the chat entries that carry a per-token price;
 * one with only one of the two is rejected with the missing field named.
 */
import { InputError } from '../../errors.js';
import type { Store } from '../../store/db.js';
import type { LoadUnit } from '../index.js';
import type { SourceFile } from '../sources.js';
import { derive, stageTable, type Preset } from './relations.js';

/**
 * Providers that are a model maker's own API and list only that maker's models in the
 * catalogue. A provider that resells others' models beside its own (volcengine, perplexity)
 * is left out: its rows are not all official.
 */
export const OFFICIAL_PROVIDERS: readonly string[] = [
  'deepseek', // DeepSeek
  'moonshot', // Kimi
  'dashscope', // Qwen (Alibaba Cloud Model Studio)
  'zai', // GLM (Z.ai)
  'zhipuai', // GLM (Zhipu, the older name)
  'minimax', // MiniMax
  'mistral', // Mistral AI
  'codestral', // Mistral AI's Codestral endpoint
  'meta_llama', // Meta's Llama API
  'openai',
  'anthropic',
  'gemini', // Google AI Studio: Gemini and Gemma
  'xai',
  'ai21',
  'cohere_chat',
  'amazon_nova',
];

const MAX_OBJECT_BYTES = 1 << 30;

/** A per-token cost (JSON number or numeric text) as USD per 1 M tokens; other text passes through for validation to reject. */
function perMillion(field: string): string {
  const text = `(v ->> '${field}')`;
  const num = `TRY_CAST(${text} AS DOUBLE)`;
  // Scaled as a decimal and handed on as its exact text, so 1.68e-06 becomes 1.68, not
  // 1.6800000000000002 (double multiplication and DuckDB's DECIMAL→DOUBLE cast both round off).
  return `CASE WHEN ${num} IS NULL THEN ${text}
    WHEN abs(${num}) < 1e6 THEN rtrim(rtrim(CAST(CAST(${text} AS DECIMAL(38, 24)) * 1000000 AS VARCHAR), '0'), '.')
    ELSE CAST(${num} * 1e6 AS VARCHAR) END`;
}

/** True when the JSON field holds `true` (a boolean or its text). */
const flag = (field: string) => `coalesce(TRY_CAST(v ->> '${field}' AS BOOLEAN), false)`;

/**
 * The key without the provider's route prefix: its first path segment when that names the
 * provider (`deepseek/…` for `deepseek`, `vertex_ai/…` for `vertex_ai-deepseek_models`,
 * `amazon-nova/…` for `amazon_nova`). The rest stays as written; the catalog resolves it.
 */
const MODEL_SQL = `CASE WHEN strpos(key, '/') > 0 AND (
      split_part(key, '/', 1) = provider
      OR starts_with(provider, split_part(key, '/', 1) || '-')
      OR replace(split_part(key, '/', 1), '-', '_') = provider)
    THEN substr(key, strpos(key, '/') + 1) ELSE key END`;

/** The chat entries, one row each, with canonical values (numbers as text, validated later). */
const ENTRIES_SQL = `
SELECT __row, key, provider, ${MODEL_SQL} AS model,
       list_contains(string_split($official, ','), provider) AS official,
       context_length, max_output_tokens, features,
       input_price, output_price, cached_input_price, has_token_price
FROM (
  SELECT row_number() OVER (ORDER BY e.id) AS __row, e.key, e.value AS v,
         e.value ->> 'litellm_provider' AS provider
  -- A scalar argument: as a lateral join on the table column, json_each is ~1,000x slower.
  FROM json_each((SELECT doc FROM stage_litellm_doc)) e
) entries,
LATERAL (SELECT
  coalesce(v ->> 'max_input_tokens', v ->> 'max_tokens') AS context_length,
  v ->> 'max_output_tokens' AS max_output_tokens,
  NULLIF(concat_ws(',', CASE WHEN ${flag('supports_function_calling')} THEN 'tools' END,
                        CASE WHEN ${flag('supports_response_schema')} THEN 'json_schema' END), '') AS features,
  ${perMillion('input_cost_per_token')} AS input_price,
  ${perMillion('output_cost_per_token')} AS output_price,
  -- DeepSeek's own entries name the cache-hit price input_cost_per_token_cache_hit.
  coalesce(${perMillion('cache_read_input_token_cost')}, ${perMillion('input_cost_per_token_cache_hit')}) AS cached_input_price,
  (v -> 'input_cost_per_token') IS NOT NULL OR (v -> 'output_cost_per_token') IS NOT NULL AS has_token_price
)
WHERE key <> 'sample_spec' AND json_type(v) = 'OBJECT' AND (v ->> 'mode') = 'chat'`;

/**
 * ISO text of the snapshot time: `--set ts`, else the file's `last_updated` to the second (its
 * microseconds are the mirror's crawl noise, and do not survive a JavaScript Date), else today
 * at UTC midnight.
 */
async function snapshotTime(store: Store, file: string, setTs: string | undefined): Promise<string> {
  const [text, origin] =
    setTs !== undefined
      ? [setTs.trim(), '--set ts']
      : [
          (await store.one<{ t: string | null }>("SELECT doc ->> 'last_updated' AS t FROM stage_litellm_doc"))?.t ??
            null,
          `${file}: last_updated`,
        ];
  if (text === null) {
    return (await store.one<{ t: string }>("SELECT strftime(current_date, '%Y-%m-%d 00:00:00') AS t"))!.t;
  }
  const parsed = await store.one<{ t: string | null }>(
    `SELECT strftime(CASE WHEN regexp_full_match($t, '[0-9]+(\\.[0-9]*)?')
        THEN CASE WHEN CAST($t AS DOUBLE) < 1e11 THEN to_timestamp(CAST($t AS DOUBLE))
                  ELSE to_timestamp(CAST($t AS DOUBLE) / 1000) END
        ELSE TRY_CAST($t AS TIMESTAMPTZ) END, $format) AS t`,
    { t: text, format: setTs !== undefined ? '%Y-%m-%d %H:%M:%S.%f' : '%Y-%m-%d %H:%M:%S' },
  );
  if (!parsed?.t) throw new InputError(`${origin} '${text}' is not a timestamp; pass --set ts=YYYY-MM-DDTHH:MM:SSZ`);
  return parsed.t;
}

async function open(store: Store, src: SourceFile, set: Record<string, string>): Promise<LoadUnit[]> {
  try {
    await store.run(
      `CREATE OR REPLACE TEMP TABLE stage_litellm_doc AS
       SELECT json AS doc FROM read_json_objects($file, format = 'unstructured', maximum_object_size = ${MAX_OBJECT_BYTES})`,
      { file: src.path },
    );
  } catch (e) {
    throw new InputError(`${src.path}: cannot read as JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  const shape = (await store.one<{ n: number; t: string | null }>(
    'SELECT count(*) AS n, min(json_type(doc)) AS t FROM stage_litellm_doc',
  ))!;
  if (shape.n !== 1 || shape.t !== 'OBJECT') {
    throw new InputError(
      `${src.path}: not a LiteLLM price catalogue: expected one JSON object keyed by model name, found ${shape.n === 1 ? `a JSON ${String(shape.t).toLowerCase()}` : `${shape.n} JSON values`}`,
    );
  }
  const ts = await snapshotTime(store, src.path, set.ts);
  const entries = await stageTable(store, 'litellm_entries', ENTRIES_SQL, { official: OFFICIAL_PROVIDERS.join(',') });
  const offerings = await derive(
    store,
    entries,
    `s.__row, s.provider, s.model, s.official, CAST(CAST($snapshot AS TIMESTAMP) AS DATE) AS listed_from,
     s.context_length, s.max_output_tokens, s.features`,
    { snapshot: ts },
  );
  const prices = await stageTable(
    store,
    'litellm_prices',
    `SELECT __row, CAST($snapshot AS TIMESTAMP) AS ts, provider, model, input_price, output_price, cached_input_price,
            $currency AS currency
     FROM stage_litellm_entries WHERE has_token_price`,
    { snapshot: ts, currency: 'USD' },
  );
  return [
    { kind: 'offerings', source: offerings },
    { kind: 'prices', source: prices },
  ];
}

export const litellmPrices: Preset = {
  name: 'litellm-prices',
  description:
    'LiteLLM model_prices_and_context_window.json: chat entries as offerings and USD prices per 1M tokens (snapshot: --set ts, else last_updated, else today)',
  open: (store, src, opts) => open(store, src, opts.set),
};
