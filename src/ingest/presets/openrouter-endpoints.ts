/**
 * The serving providers of one OpenRouter model, the response of
 * `GET https://openrouter.ai/api/v1/models/{author}/{slug}/endpoints` (OpenAPI
 * `ListEndpointsResponse`: `{"data": {id, name, …, endpoints: [PublicEndpoint, …]}}`).
 * A folder of such files (one per model) reads as one snapshot per file.
 *
 * Per endpoint, with provider = `provider_name` as written (but OpenRouter's `Google`, Vertex AI, as
 * `Google Vertex`: see openrouter-provider.ts) and model = the data's `id`:
 * an offering (limits, quantization, features; `__row` its position in `endpoints`), its
 * prices (USD per 1 M tokens, one row per long-context tier, `discount` already inside: see
 * the fixture README), and, where OpenRouter publishes them, one latency row with the
 * 30-minute medians: ttft_ms = `latency_last_30m.p50`, tps = `throughput_last_30m.p50`.
 * `status` and `uptime_*` are not read. Every row carries `entry` (`data.endpoints[2]`).
 */
import { InputError } from '../../errors.js';
import type { Store } from '../../store/db.js';
import type { LoadUnit } from '../index.js';
import type { SourceFile } from '../sources.js';
import { snapshotTime } from './catalogue.js';
import { describeShape, featuresSql, priceRowsSql, stageResponse } from './openrouter-pricing.js';
import { openrouterProviderSql } from './openrouter-provider.js';
import { stageTable, type Preset } from './relations.js';

/**
 * Provider slugs under which a model's maker serves its own models, where the slug is not the
 * model id's author segment (`deepseek/…` on `deepseek`, `moonshotai/…` on `moonshotai` need no entry).
 */
const MAKER_SLUGS: Record<string, readonly string[]> = {
  qwen: ['alibaba'],
  mistralai: ['mistral'],
  'x-ai': ['xai'],
  google: ['google-ai-studio', 'google-vertex'],
};

/** The provider slugs that make an endpoint of `modelId` the maker's own. */
function makerSlugs(modelId: string): string[] {
  const author = modelId.split('/')[0].toLowerCase();
  return [author, ...(MAKER_SLUGS[author] ?? [])];
}

const ENDPOINTS_SQL = `
SELECT pos AS __row, pos, ${openrouterProviderSql("e ->> 'provider_name'")} AS provider, $model AS model, e -> 'pricing' AS pricing,
  'data.endpoints[' || (pos - 1) || ']' AS entry,
  -- The tag is the endpoint's provider slug, with a variant after '/' (deepinfra/fp4, google-vertex/us-east5).
  coalesce(list_contains(string_split($maker_slugs, ','), lower(split_part(e ->> 'tag', '/', 1))), false) AS official,
  e ->> 'context_length' AS context_length,
  e ->> 'max_completion_tokens' AS max_output_tokens,
  ${featuresSql('e')} AS features,
  NULLIF(lower(e ->> 'quantization'), 'unknown') AS quantization,
  e -> 'latency_last_30m' ->> 'p50' AS ttft_ms,
  e -> 'throughput_last_30m' ->> 'p50' AS tps
FROM (SELECT unnest(d) AS e, generate_subscripts(d, 1) AS pos
      FROM (SELECT CAST(doc -> 'data' -> 'endpoints' AS JSON[]) AS d FROM stage_openrouter_endpoints_doc))`;

async function open(store: Store, src: SourceFile, set: Record<string, string>): Promise<LoadUnit[]> {
  const shape = await stageResponse(store, src, 'stage_openrouter_endpoints_doc');
  const data =
    shape.n === 1 && shape.type === 'OBJECT' && shape.dataType === 'OBJECT'
      ? await store.one<{ id: string | null; list: string | null }>(
          `SELECT doc -> 'data' ->> 'id' AS id, json_type(doc -> 'data' -> 'endpoints') AS list FROM stage_openrouter_endpoints_doc`,
        )
      : undefined;
  if (!data?.id || data.list !== 'ARRAY') {
    const missing = data && [!data.id && "an 'id'", data.list !== 'ARRAY' && "an 'endpoints' list"].filter(Boolean);
    const found = missing ? `{"data": {…}} without ${missing.join(' and ')}` : describeShape(shape);
    const hint = shape.dataType === 'ARRAY' ? ' (a model list? that reads with --preset openrouter-models)' : '';
    throw new InputError(
      `${src.path}: not an OpenRouter endpoints response: expected one JSON object {"data": {"id": …, "endpoints": [endpoint, …]}} as GET /api/v1/models/{author}/{slug}/endpoints returns, found ${found}${hint}`,
    );
  }
  const snapshot = await snapshotTime(store, src.path, set.ts);
  await stageTable(store, 'openrouter_endpoints', ENDPOINTS_SQL, {
    model: data.id,
    maker_slugs: makerSlugs(data.id).join(','),
  });
  const offerings = await stageTable(
    store,
    'openrouter_endpoints_offerings',
    `SELECT __row, provider, model, official, CAST(CAST($snapshot AS TIMESTAMP) AS DATE) AS listed_from,
            context_length, max_output_tokens, features, quantization, entry
     FROM stage_openrouter_endpoints`,
    { snapshot },
  );
  const prices = await stageTable(store, 'openrouter_endpoints_prices', priceRowsSql('stage_openrouter_endpoints'), {
    snapshot,
  });
  // OpenRouter's medians of its own traffic over 30 minutes, as one measurement at the snapshot time.
  const latency = await stageTable(
    store,
    'openrouter_endpoints_latency',
    `SELECT __row, CAST($snapshot AS TIMESTAMP) AS ts, provider, model, ttft_ms, tps, true AS ok, entry
     FROM stage_openrouter_endpoints WHERE ttft_ms IS NOT NULL OR tps IS NOT NULL`,
    { snapshot },
  );
  return [
    { kind: 'offerings', source: offerings },
    { kind: 'prices', source: prices },
    { kind: 'latency', source: latency },
  ];
}

export const openrouterEndpoints: Preset = {
  name: 'openrouter-endpoints',
  description:
    "OpenRouter endpoints of a model (GET /api/v1/models/{author}/{slug}/endpoints; a folder: one file per model): each provider's offering, USD prices per 1M tokens with long-context tiers, and its 30-minute TTFT/TPS medians as latency (snapshot: --set ts, else a date in the file or folder name, else today)",
  open: (store, src, opts) => open(store, src, opts.set),
};
