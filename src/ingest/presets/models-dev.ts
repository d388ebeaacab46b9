/**
 * models.dev's public catalogue (`https://models.dev/api.json`): one JSON object
 * `{provider id: {id, name, env, npm, api?, doc, models: {model id: {…, limit, cost?, status?}}}}`,
 * costs in USD per 1 M tokens, limits in tokens (schema: anomalyco/models.dev,
 * packages/core/src/schema.ts; field docs: its README).
 *
 * Yields `offerings` (one row per model entry) and `prices` (one row per priced entry, plus one
 * per long-context tier). Provider and model are the catalogue's keys as written (`fireworks-ai`,
 * `deepseek-ai/DeepSeek-V3.2`): provider and model catalogs resolve them at query time.
 * `__row` numbers the model entries through the file (provider by provider) for offerings, and
 * the price rows through the file (an entry's base row, then its tiers) for prices; a rejected
 * price row's raw row carries its provider, model and tier.
 */
import { InputError } from '../../errors.js';
import type { Store } from '../../store/db.js';
import type { LoadUnit } from '../index.js';
import type { SourceFile } from '../sources.js';
import { describeValues, jsonKind, snapshotTime, stageDocument, type DocumentShape } from './catalogue.js';
import { derive, stageTable, type Preset } from './relations.js';

/**
 * models.dev providers that are a model maker's own pay-per-token API and list only that maker's
 * models (checked over every snapshot, 2025-07 to 2026-07). Left out: hosts that resell other
 * makers' models beside their own (`alibaba-cn` lists DeepSeek and Kimi, `google-vertex`,
 * `amazon-bedrock`, `azure`), and the makers' coding and token plans (`zai-coding-plan`,
 * `kimi-for-coding`, `minimax-coding-plan`, `alibaba-coding-plan`, `xiaomi-token-plan-*`,
 * `stepfun-ai`'s step plan …): subscriptions listed at price 0, which would make an official
 * baseline free.
 */
export const OFFICIAL_PROVIDERS: readonly string[] = [
  'deepseek',
  'moonshotai', // Kimi, api.moonshot.ai
  'moonshotai-cn', // Kimi, api.moonshot.cn
  'alibaba', // Qwen only (DashScope international); alibaba-cn also resells DeepSeek and Kimi
  'zai', // GLM, api.z.ai
  'zhipuai', // GLM, open.bigmodel.cn
  'minimax', // api.minimax.io
  'minimax-cn', // api.minimaxi.com
  'mistral',
  'openai',
  'anthropic',
  'google', // Gemini and Gemma, Google AI Studio
  'xai',
  'cohere',
  'xiaomi', // MiMo
  'stepfun', // Step
  'llama', // Meta's Llama API
  'nova', // Amazon Nova, api.nova.amazon.com
  'perplexity', // Sonar
  'inception', // Mercury
  'upstage', // Solar
  'bailing', // Ling and Ring (Ant Group)
  'sakana', // Fugu
  'poolside',
  'sarvam',
  'morph',
  'v0', // Vercel's v0 models
];

/**
 * Tier threshold of a `tiers[]` element; a tier without a numeric-looking size becomes text that
 * validation rejects, never a NULL that would default to 0 and shadow the base price.
 */
const TIER_SIZE_SQL = `coalesce(t.value -> 'tier' ->> 'size', '(no tier.size)')`;

/**
 * The model entries, one row each, in file order. `json_tree` parses the document once (a lateral
 * `json_each` over each provider's `models` takes ~10x longer on the 2.4 MB catalogue).
 */
const ENTRIES_SQL = `
WITH tree AS (SELECT id, parent, key, value FROM json_tree((SELECT doc FROM stage_models_dev_doc)))
SELECT row_number() OVER (ORDER BY m.id) AS __row, p.key AS provider, m.key AS model, m.value AS v,
       json_type(m.value) AS entry_type
FROM tree m
JOIN tree ms ON m.parent = ms.id AND ms.key = 'models'
JOIN tree p ON ms.parent = p.id AND p.parent = 0`;

/** True when the JSON field holds `true`. */
const flag = (field: string) => `coalesce(TRY_CAST(v ->> '${field}' AS BOOLEAN), false)`;

/** Canonical offering values and the entry's cost object (numbers as text, validated later). */
const OFFERS_SQL = `
SELECT __row, provider, model,
       list_contains(string_split($official, ','), provider) AS official,
       coalesce(v ->> 'status' = 'deprecated', false) AS deprecated,
       -- limit.context is the whole window (input + output), like context_length; limit.input, a cap
       -- on the prompt alone, has no canonical column (GPT-5: context 400k = input 272k + output 128k).
       v -> 'limit' ->> 'context' AS context_length,
       v -> 'limit' ->> 'output' AS max_output_tokens,
       -- every model here is served through a provider API that streams (models.dev has no field to say otherwise)
       concat_ws(',', CASE WHEN ${flag('tool_call')} THEN 'tools' END,
                      CASE WHEN ${flag('structured_output')} THEN 'json_schema' END,
                      CASE WHEN ${flag('reasoning')} THEN 'reasoning' END, 'stream') AS features,
       CASE WHEN coalesce(json_type(v -> 'cost'), 'NULL') <> 'NULL' THEN v -> 'cost' END AS cost
FROM stage_models_dev_entries`;

/**
 * One price row per priced, non-deprecated entry (tier 0), then its long-context tiers: each
 * `cost.tiers[]` element at its `tier.size`; without `tiers`, `cost.context_over_200k` at
 * 200,000. Where `tiers` exists, `context_over_200k` is the generator's copy of its one tier of at
 * least 200k (normalizeModelCost), whose real threshold may be 256k, 272k or 512k: not read.
 * A price a tier leaves out stays NULL (it falls back to that tier's input price at query time).
 */
const PRICES_SQL = `
WITH priced AS (SELECT __row, provider, model, cost FROM stage_models_dev_offers WHERE cost IS NOT NULL AND NOT deprecated),
tiers AS (
  SELECT __row, 0 AS k, '0' AS tier_min, cost AS c FROM priced
  UNION ALL
  SELECT p.__row, 1 + t.id, ${TIER_SIZE_SQL}, t.value
  FROM priced p, json_each(p.cost -> 'tiers') t WHERE json_type(p.cost -> 'tiers') = 'ARRAY'
  UNION ALL
  -- a 'tiers' that is not a list is read as one tier, so that its problem is a rejected row
  SELECT __row, 1, coalesce(cost -> 'tiers' -> 'tier' ->> 'size', '(no tier.size)'), cost -> 'tiers' FROM priced
  WHERE json_type(cost -> 'tiers') NOT IN ('ARRAY', 'NULL')
  UNION ALL
  SELECT __row, 1, '200000', cost -> 'context_over_200k' FROM priced
  WHERE coalesce(json_type(cost -> 'tiers'), 'NULL') = 'NULL'
    AND coalesce(json_type(cost -> 'context_over_200k'), 'NULL') <> 'NULL'
)
SELECT row_number() OVER (ORDER BY t.__row, t.k) AS __row, CAST($snapshot AS TIMESTAMP) AS ts, p.provider, p.model,
       -- a cost that is not an object is shown as the input price, so the reject names it
       CASE WHEN json_type(t.c) = 'OBJECT' THEN t.c ->> 'input' ELSE CAST(t.c AS VARCHAR) END AS input_price,
       t.c ->> 'output' AS output_price,
       t.c ->> 'cache_read' AS cached_input_price, t.c ->> 'cache_write' AS cache_write_price,
       t.tier_min AS tier_min_input_tokens, $currency AS currency
FROM tiers t JOIN priced p USING (__row)`;

/** Refuses a file that is not `{provider: {…, models: {model: {…}}}}`, naming what is wrong. */
async function checkShape(store: Store, file: string, doc: DocumentShape): Promise<void> {
  const expected = 'expected one JSON object of providers, each with a `models` object';
  if (doc.n !== 1 || doc.type !== 'OBJECT') {
    throw new InputError(`${file}: not a models.dev catalogue: ${expected}, found ${describeValues(doc)}`);
  }
  const provider = await store.one<{ key: string }>(
    `SELECT p.key FROM json_each((SELECT doc FROM stage_models_dev_doc)) p
     WHERE json_type(p.value -> 'models') IS DISTINCT FROM 'OBJECT' ORDER BY p.id LIMIT 1`,
  );
  if (provider) {
    throw new InputError(
      `${file}: not a models.dev catalogue: ${expected}; provider '${provider.key}' has no \`models\` object`,
    );
  }
}

async function open(store: Store, src: SourceFile, set: Record<string, string>): Promise<LoadUnit[]> {
  await checkShape(store, src.path, await stageDocument(store, src, 'stage_models_dev_doc'));
  // api.json carries no time of its own: `history/2026-03-15/api.json.gz` is that day at 00:00 UTC,
  // the instant models.dev snapshots are taken at.
  const ts = await snapshotTime(store, src.path, set.ts);
  await stageTable(store, 'models_dev_entries', ENTRIES_SQL);
  const notObject = await store.one<{ provider: string; model: string; t: string | null }>(
    `SELECT provider, model, entry_type AS t FROM stage_models_dev_entries WHERE entry_type <> 'OBJECT' ORDER BY __row LIMIT 1`,
  );
  if (notObject) {
    throw new InputError(
      `${src.path}: not a models.dev catalogue: model '${notObject.model}' of provider '${notObject.provider}' is a JSON ${jsonKind(notObject.t)}, not an object`,
    );
  }
  const offers = await stageTable(store, 'models_dev_offers', OFFERS_SQL, { official: OFFICIAL_PROVIDERS.join(',') });
  // A deprecated model "is no longer served by the provider's public API" (models.dev README): its
  // listing ends at the snapshot ([day, day) lists it nowhere), and it gets no price row, since a
  // price in force lets the replay route to it.
  const offerings = await derive(
    store,
    offers,
    `s.__row, s.provider, s.model, s.official, CAST(CAST($snapshot AS TIMESTAMP) AS DATE) AS listed_from,
     CASE WHEN s.deprecated THEN CAST(CAST($snapshot AS TIMESTAMP) AS DATE) END AS listed_to,
     s.context_length, s.max_output_tokens, s.features`,
    { snapshot: ts },
  );
  const prices = await stageTable(store, 'models_dev_prices', PRICES_SQL, { snapshot: ts, currency: 'USD' });
  return [
    { kind: 'offerings', source: offerings },
    { kind: 'prices', source: prices },
  ];
}

export const modelsDev: Preset = {
  name: 'models-dev',
  description:
    'models.dev api.json: every model as offerings and USD prices per 1M tokens with cache-write prices, one row per long-context tier (cost.tiers, else context_over_200k at 200k); deprecated models listed until the snapshot and not priced (snapshot: --set ts, else a date in the file or folder name, as in <YYYY-MM-DD>/api.json, else today at 00:00 UTC; api.json has no date)',
  open: (store, src, opts) => open(store, src, opts.set),
};
