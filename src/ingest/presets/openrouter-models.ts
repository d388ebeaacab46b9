/**
 * OpenRouter's model list, the response of `GET https://openrouter.ai/api/v1/models`
 * (OpenAPI `ModelsListResponse`: `{"data": [Model, …]}`), as offerings and prices of the
 * provider `openrouter`: what the router itself charges per model (the catalog resolves the
 * model ids, and the provider catalog the name, at query time).
 *
 * Offerings: one per entry, `__row` its position in `data`. Prices: USD per 1 M tokens at the
 * snapshot time, one row per entry plus one per long-context tier (see `priceRowsSql`); an
 * entry whose prompt or completion price is negative (`-1`, the variable-price `openrouter/auto`)
 * is listed but has no price row, and is not counted among the prices read. Every row carries
 * `entry`, the JSON path of its model (`data[3]`), so a reject names it.
 */
import { InputError } from '../../errors.js';
import type { Store } from '../../store/db.js';
import type { LoadUnit } from '../index.js';
import type { SourceFile } from '../sources.js';
import { snapshotTime } from './catalogue.js';
import { describeShape, featuresSql, priceRowsSql, stageResponse } from './openrouter-pricing.js';
import { stageTable, type Preset } from './relations.js';

const ENTRIES_SQL = `
SELECT pos AS __row, pos, 'openrouter' AS provider, v ->> 'id' AS model, v -> 'pricing' AS pricing,
  'data[' || (pos - 1) || ']' AS entry,
  -- Model.context_length is nullable; the top provider's is the next best figure.
  coalesce(v ->> 'context_length', v -> 'top_provider' ->> 'context_length') AS context_length,
  v -> 'top_provider' ->> 'max_completion_tokens' AS max_output_tokens,
  ${featuresSql('v')} AS features
FROM (SELECT unnest(d) AS v, generate_subscripts(d, 1) AS pos
      FROM (SELECT CAST(doc -> 'data' AS JSON[]) AS d FROM stage_openrouter_models_doc))`;

async function open(store: Store, src: SourceFile, set: Record<string, string>): Promise<LoadUnit[]> {
  const shape = await stageResponse(store, src, 'stage_openrouter_models_doc');
  if (shape.n !== 1 || shape.type !== 'OBJECT' || shape.dataType !== 'ARRAY') {
    const hint =
      shape.dataType === 'OBJECT'
        ? ' (a single model or an endpoints response? the latter reads with --preset openrouter-endpoints)'
        : '';
    throw new InputError(
      `${src.path}: not an OpenRouter model list: expected one JSON object {"data": [model, …]} as GET /api/v1/models returns, found ${describeShape(shape)}${hint}`,
    );
  }
  const snapshot = await snapshotTime(store, src.path, set.ts);
  await stageTable(store, 'openrouter_models', ENTRIES_SQL);
  const offerings = await stageTable(
    store,
    'openrouter_models_offerings',
    `SELECT __row, provider, model, false AS official, CAST(CAST($snapshot AS TIMESTAMP) AS DATE) AS listed_from,
            context_length, max_output_tokens, features, entry
     FROM stage_openrouter_models`,
    { snapshot },
  );
  const prices = await stageTable(store, 'openrouter_models_prices', priceRowsSql('stage_openrouter_models'), {
    snapshot,
  });
  return [
    { kind: 'offerings', source: offerings },
    { kind: 'prices', source: prices },
  ];
}

export const openrouterModels: Preset = {
  name: 'openrouter-models',
  description:
    'OpenRouter model list (GET /api/v1/models): offerings and USD prices per 1M tokens of provider openrouter, long-context tiers as rows (snapshot: --set ts, else a date in the file or folder name, else today)',
  open: (store, src, opts) => open(store, src, opts.set),
};
