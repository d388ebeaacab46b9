/**
 * LiteLLM's price and context-window catalogue (`model_prices_and_context_window.json`):
 * one JSON object keyed by `provider/model…` (or a bare model name), each value with
 * `litellm_provider`, `mode`, per-token USD costs and token limits.
 *
 * Yields two relations from the chat entries: `offerings` (limits, features, official flag)
 * and `prices` (USD per 1 M tokens, at the snapshot time). `__row` is the key's position among
 * the file's top-level keys (`sample_spec` is key 1), so a reject names its entry. The snapshot
 * time is `--set ts`, else the file's `last_updated` (which mirrors such as RoCry/llm-api-price add),
 * else a date in the file or folder name (`ai-ping pull litellm` writes `<YYYY-MM-DD>/…`), else
 * today: see `snapshotTime`.
 *
 * Read: entries whose `mode` is `chat`. Skipped, and not counted as read: other modes
 * (embedding, image, audio, rerank, search, `responses`-only, `completion`…), `sample_spec` (the
 * field documentation), `last_updated` (a string), and entries without a mode — in the
 * published files those are Fireworks' parameter-size price tiers and LiteLLM's routing
 * rules, not models.
 *
 * Prices: one row per tier of an entry. Tier 0 takes `input_cost_per_token`,
 * `output_cost_per_token`, `cache_read_input_token_cost` (else DeepSeek's
 * `input_cost_per_token_cache_hit`) and `cache_creation_input_token_cost` (the cache-write
 * price). Each `<price>_above_<N>k_tokens` threshold (N·1000; `_above_<N>_tokens` is N, as
 * LiteLLM parses it) is a row with `tier_min_input_tokens` = that threshold and that tier's own
 * four prices; one it leaves empty stays empty (at query time it falls back to that tier's input
 * price, never to another tier's — unlike LiteLLM, which bills it at the base price). The
 * `_priority` (service tier) and `_above_1hr` (one-hour cache) variants are not read. An entry
 * with `tiered_pricing` is priced by its ranges alone, as LiteLLM does: each range is a row whose
 * threshold is its lower bound (0 for the lowest). LiteLLM picks the range with
 * `from < input tokens <= to` and bills the whole request at it, so a request of exactly 256,000
 * input tokens pays the [0, 256000] range: the same as "strictly more than 256,000" here. Where a
 * source gives no cached price, cached tokens are billed at the input price (LiteLLM's own cost
 * function bills them at 0).
 *
 * An entry lands whole or not at all: one whose tier lacks an input or output price (none of the
 * published files has one; LiteLLM would ignore such a tier), whose `tiered_pricing` is keyed on
 * something other than input tokens, or whose price is not a number, is one rejected row with
 * the reason. Two keys that become one (provider, model) and price it differently (at one tier,
 * or with different tiers) are both kept, each under its own key as the model, and named in a
 * warning.
 */
import { InputError } from '../../errors.js';
import type { Store } from '../../store/db.js';
import type { LoadUnit } from '../index.js';
import type { SourceFile } from '../sources.js';
import { describeValues, perMillion, snapshotTime, stageDocument } from './catalogue.js';
import { stageTable, type Preset } from './relations.js';

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

/** The text of a field of the JSON value `json`. */
const jsonText = (json: string, field: string) => `(${json} ->> '${field}')`;

/** True when the JSON field holds `true` (a boolean or its text). */
const flag = (field: string) => `coalesce(TRY_CAST(v ->> '${field}' AS BOOLEAN), false)`;

/** The long-context price fields: the price, its threshold N, and `k` when N is in thousands. */
const ABOVE_FIELD =
  '^(input_cost_per_token|output_cost_per_token|cache_read_input_token_cost|cache_creation_input_token_cost)_above_([0-9]+)(k?)_tokens$';

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

/** The chat entries, one row each, with canonical values (numbers as text, validated later) and the entry itself as `v`. */
const ENTRIES_SQL = `
SELECT __row, key, provider, ${MODEL_SQL} AS model,
       list_contains(string_split($official, ','), provider) AS official,
       context_length, max_output_tokens, features,
       input_price, output_price, cached_input_price, cache_write_price, tiered, has_token_price, v
FROM (
  SELECT row_number() OVER (ORDER BY e.id) AS __row, e.key, e.value AS v,
         e.value ->> 'litellm_provider' AS provider
  -- A scalar argument: as a lateral join on the table column, json_each is ~1,000x slower.
  FROM json_each((SELECT doc FROM stage_litellm_doc)) e
) entries,
LATERAL (SELECT
  coalesce(v ->> 'max_input_tokens', v ->> 'max_tokens') AS context_length,
  v ->> 'max_output_tokens' AS max_output_tokens,
  -- chat entries stream unless LiteLLM says they do not (o1-pro, gpt-5-pro)
  NULLIF(concat_ws(',', CASE WHEN ${flag('supports_function_calling')} THEN 'tools' END,
                        CASE WHEN ${flag('supports_response_schema')} THEN 'json_schema' END,
                        CASE WHEN coalesce(TRY_CAST(v ->> 'supports_native_streaming' AS BOOLEAN), true) THEN 'stream' END), '') AS features,
  ${perMillion(jsonText('v', 'input_cost_per_token'))} AS input_price,
  ${perMillion(jsonText('v', 'output_cost_per_token'))} AS output_price,
  -- DeepSeek's own entries name the cache-hit price input_cost_per_token_cache_hit.
  coalesce(${perMillion(jsonText('v', 'cache_read_input_token_cost'))},
           ${perMillion(jsonText('v', 'input_cost_per_token_cache_hit'))}) AS cached_input_price,
  ${perMillion(jsonText('v', 'cache_creation_input_token_cost'))} AS cache_write_price,
  -- LiteLLM reads tiered_pricing only when it is a non-empty list; then it replaces the flat prices.
  coalesce(json_array_length(v -> 'tiered_pricing'), 0) > 0 AS tiered,
  ${jsonText('v', 'input_cost_per_token')} IS NOT NULL OR ${jsonText('v', 'output_cost_per_token')} IS NOT NULL
    OR coalesce(json_array_length(v -> 'tiered_pricing'), 0) > 0
    OR len(list_filter(json_keys(v), f -> regexp_full_match(f, '${ABOVE_FIELD}'))) > 0 AS has_token_price
)
WHERE key <> 'sample_spec' AND json_type(v) = 'OBJECT' AND (v ->> 'mode') = 'chat'`;

/** A price text that validation would reject: not a number, not finite, or negative. */
const notPrice = (c: string) =>
  `(${c} IS NOT NULL AND coalesce(NOT isfinite(TRY_CAST(${c} AS DOUBLE)) OR TRY_CAST(${c} AS DOUBLE) < 0, true))`;

/**
 * The price rows of the priced entries, one per tier, with `entry_bad` when some row of the entry
 * would be rejected. Such an entry keeps only its first bad row: its tiers come and go together,
 * and one entry yields one reject.
 */
const PRICE_ROWS_SQL = `
WITH flat AS (
  SELECT __row, key, provider, model, '0' AS tier_min_input_tokens,
         input_price, output_price, cached_input_price, cache_write_price
  FROM stage_litellm_entries WHERE has_token_price AND NOT tiered
),
above_fields AS (
  SELECT __row, key, provider, model, v ->> f AS cost,
         regexp_extract(f, '${ABOVE_FIELD}', ['price', 'n', 'k']) AS m
  FROM stage_litellm_entries, unnest(json_keys(v)) AS t(f)
  WHERE has_token_price AND NOT tiered AND regexp_full_match(f, '${ABOVE_FIELD}')
),
above_costs AS (
  SELECT __row, key, provider, model,
         CAST(CAST(m.n AS BIGINT) * CASE WHEN m.k = 'k' THEN 1000 ELSE 1 END AS VARCHAR) AS tier_min_input_tokens,
         max(cost) FILTER (m.price = 'input_cost_per_token') AS input_cost,
         max(cost) FILTER (m.price = 'output_cost_per_token') AS output_cost,
         max(cost) FILTER (m.price = 'cache_read_input_token_cost') AS cached_cost,
         max(cost) FILTER (m.price = 'cache_creation_input_token_cost') AS cache_write_cost
  FROM above_fields GROUP BY ALL
),
above AS (
  SELECT __row, key, provider, model, tier_min_input_tokens,
         ${perMillion('input_cost')} AS input_price, ${perMillion('output_cost')} AS output_price,
         ${perMillion('cached_cost')} AS cached_input_price, ${perMillion('cache_write_cost')} AS cache_write_price
  FROM above_costs
),
ranges AS (
  SELECT __row, key, provider, model, r,
         json_type(r -> 'range') = 'ARRAY' AND json_array_length(r -> 'range') = 2
           AND TRY_CAST(r ->> '$.range[0]' AS DOUBLE) IS NOT NULL
           AND TRY_CAST(r ->> '$.range[1]' AS DOUBLE) IS NOT NULL AS on_input,
         TRY_CAST(r ->> '$.range[0]' AS DOUBLE) AS range_from
  FROM (SELECT *, unnest(json_extract(v, '$.tiered_pricing[*]')) AS r FROM stage_litellm_entries WHERE tiered)
),
tiered AS (
  SELECT __row, key, provider, model,
         CASE WHEN NOT bool_and(on_input) OVER entry THEN
                -- The first range that is not on input tokens says why: LiteLLM's search tools key theirs on max_results_range.
                coalesce('tiered_pricing keyed on ' || list_filter(json_keys(first(r ORDER BY on_input, range_from) OVER entry),
                                                              f -> f LIKE '%range' AND f <> 'range')[1] || ', not input tokens',
                         'tiered_pricing range is not [from, to] input tokens')
              WHEN range_from = min(range_from) OVER entry THEN '0'
              ELSE r ->> '$.range[0]' END AS tier_min_input_tokens,
         ${perMillion(jsonText('r', 'input_cost_per_token'))} AS input_price,
         ${perMillion(jsonText('r', 'output_cost_per_token'))} AS output_price,
         ${perMillion(jsonText('r', 'cache_read_input_token_cost'))} AS cached_input_price,
         ${perMillion(jsonText('r', 'cache_creation_input_token_cost'))} AS cache_write_price
  FROM ranges WINDOW entry AS (PARTITION BY __row)
),
checked AS (
  SELECT *, provider IS NULL OR input_price IS NULL OR output_price IS NULL
              OR ${notPrice('input_price')} OR ${notPrice('output_price')}
              OR ${notPrice('cached_input_price')} OR ${notPrice('cache_write_price')}
              OR coalesce(TRY_CAST(tier_min_input_tokens AS DOUBLE) < 0
                          OR TRY_CAST(tier_min_input_tokens AS DOUBLE) <> trunc(TRY_CAST(tier_min_input_tokens AS DOUBLE)), true) AS bad
  FROM (SELECT * FROM flat UNION ALL BY NAME SELECT * FROM above UNION ALL BY NAME SELECT * FROM tiered)
)
SELECT * EXCLUDE (nth) FROM (
  SELECT *, bool_or(bad) OVER (PARTITION BY __row) AS entry_bad,
         row_number() OVER (PARTITION BY __row, bad ORDER BY TRY_CAST(tier_min_input_tokens AS DOUBLE) NULLS FIRST,
                                                tier_min_input_tokens, input_price, output_price) AS nth
  FROM checked
) WHERE NOT entry_bad OR (bad AND nth = 1)`;

/**
 * The (provider, model) pairs that two or more keys price differently: their sets of tier rows
 * differ (a price at one tier, or which tiers there are).
 */
const CONFLICTS_SQL = `
SELECT provider, model FROM (
  SELECT provider, model, key,
         string_agg(to_json([tier_min_input_tokens, input_price, output_price, cached_input_price, cache_write_price])::VARCHAR,
                    ';' ORDER BY TRY_CAST(tier_min_input_tokens AS DOUBLE)) AS prices
  FROM stage_litellm_price_rows WHERE NOT entry_bad GROUP BY ALL
) GROUP BY ALL HAVING count(DISTINCT prices) > 1`;

/** The stored model name: the derived one, or the key itself where keys of one derived name disagree. */
const STORED_MODEL = `CASE WHEN c.provider IS NULL THEN x.model ELSE x.key END`;
const WITH_CONFLICTS = 'LEFT JOIN stage_litellm_conflicts c ON c.provider = x.provider AND c.model = x.model';

interface ConflictRow {
  provider: string;
  model: string;
  key: string;
  tier: string;
  input_price: string;
  output_price: string;
  cached_input_price: string | null;
  cache_write_price: string | null;
}

const PRICE_FIELDS = ['input_price', 'output_price', 'cached_input_price', 'cache_write_price'] as const;

/** One warning per conflicting (provider, model): the keys, and what differs between them. */
function conflictWarnings(rows: ConflictRow[]): string[] {
  const groups = new Map<string, ConflictRow[]>();
  for (const r of rows) {
    const id = `${r.provider}\u001f${r.model}`;
    groups.set(id, [...(groups.get(id) ?? []), r]);
  }
  return [...groups.values()].map((group) => {
    const keys = [...new Set(group.map((r) => r.key))];
    const tiers = [...new Set(group.map((r) => r.tier))].sort((a, b) => Number(a) - Number(b));
    const quoted = (ks: string[]) => {
      const q = ks.map((k) => `'${k}'`);
      return q.length > 1 ? `${q.slice(0, -1).join(', ')} and ${q[q.length - 1]}` : q[0];
    };
    const diffs = tiers.flatMap((tier) => {
      const at = keys.map((k) => group.find((r) => r.key === k && r.tier === tier));
      const where = tier === '0' ? '' : `above ${tier} tokens: `;
      const missing = keys.filter((_, i) => !at[i]);
      if (missing.length) return [`${where}no such tier in ${quoted(missing)}`];
      return PRICE_FIELDS.filter((f) => new Set(at.map((r) => r![f])).size > 1).map(
        (f) => `${where}${f} ${at.map((r) => r![f] ?? 'none').join(' vs ')}`,
      );
    });
    const model = group[0].model;
    return `keys ${quoted(keys)} price ${group[0].provider}'s '${model}' differently (${diffs.join('; ')}); each is kept under its own key as the model`;
  });
}

async function open(store: Store, src: SourceFile, set: Record<string, string>): Promise<LoadUnit[]> {
  const shape = await stageDocument(store, src, 'stage_litellm_doc');
  if (shape.n !== 1 || shape.type !== 'OBJECT') {
    throw new InputError(
      `${src.path}: not a LiteLLM price catalogue: expected one JSON object keyed by model name, found ${describeValues(shape)}`,
    );
  }
  const lastUpdated = await store.one<{ t: string | null }>(
    "SELECT doc ->> 'last_updated' AS t FROM stage_litellm_doc",
  );
  const ts = await snapshotTime(store, src.path, set.ts, {
    text: lastUpdated?.t ?? null,
    origin: `${src.path}: last_updated`,
  });
  await stageTable(store, 'litellm_entries', ENTRIES_SQL, { official: OFFICIAL_PROVIDERS.join(',') });
  await stageTable(store, 'litellm_price_rows', PRICE_ROWS_SQL);
  await stageTable(store, 'litellm_conflicts', CONFLICTS_SQL);
  const offerings = await stageTable(
    store,
    'litellm_offerings',
    `SELECT x.__row, x.provider, ${STORED_MODEL} AS model, x.official,
            CAST(CAST($snapshot AS TIMESTAMP) AS DATE) AS listed_from, x.context_length, x.max_output_tokens, x.features
     FROM stage_litellm_entries x ${WITH_CONFLICTS}`,
    { snapshot: ts },
  );
  const prices = await stageTable(
    store,
    'litellm_prices',
    `SELECT x.__row, CAST($snapshot AS TIMESTAMP) AS ts, x.provider, ${STORED_MODEL} AS model,
            x.input_price, x.output_price, x.cached_input_price, x.cache_write_price, x.tier_min_input_tokens,
            $currency AS currency
     FROM stage_litellm_price_rows x ${WITH_CONFLICTS}`,
    { snapshot: ts, currency: 'USD' },
  );
  const conflicts = await store.all<ConflictRow>(
    `SELECT x.provider, x.model, x.key, x.tier_min_input_tokens AS tier,
            x.input_price, x.output_price, x.cached_input_price, x.cache_write_price
     FROM stage_litellm_price_rows x JOIN stage_litellm_conflicts c USING (provider, model)
     WHERE NOT x.entry_bad ORDER BY x.provider, x.model, x.__row, TRY_CAST(x.tier_min_input_tokens AS DOUBLE)`,
  );
  return [
    { kind: 'offerings', source: offerings },
    { kind: 'prices', source: prices, warnings: conflictWarnings(conflicts) },
  ];
}

export const litellmPrices: Preset = {
  name: 'litellm-prices',
  description:
    'LiteLLM model_prices_and_context_window.json: chat entries as offerings and USD prices per 1M tokens (snapshot: --set ts, else last_updated, else a date in the file or folder name, as ai-ping pull writes <YYYY-MM-DD>/, else today at 00:00 UTC)',
  open: (store, src, opts) => open(store, src, opts.set),
};
