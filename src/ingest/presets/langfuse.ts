/**
 * Langfuse observations, as exported to blob storage (`observations/` or
 * `observations_v2/`, as JSON, JSONL, CSV or Parquet; langfuse-docs
 * "Blob Storage Export Field Reference"), or fetched from the public
 * observations API (camelCase fields). Only generations (LLM calls) are
 * requests; spans, events and the other observation types are left out.
 */
import { quotedIdentifier, quotedString } from '@duckdb/node-api';
import { InputError } from '../../errors.js';
import { openSource, type Source } from '../stage.js';
import { Fields, jsonKeySum, jsonNumber, msBetween, textErrorType } from './gateway-fields.js';
import { derive, type Preset } from './relations.js';

/** Metadata keys that name the provider, in order of preference (JSON pointers). */
const PROVIDER_KEYS = ['provider', 'gen_ai.provider.name', 'gen_ai.system', 'ls_provider'];

/** A JSON pointer (RFC 6901) to one top-level key. */
function pointer(key: string): string {
  return `/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
}

const isInput = (k: string) => `contains(${k}, 'input')`;
const isOutput = (k: string) => `contains(${k}, 'output')`;
// Langfuse's own names for prompt tokens read from a cache (`input_cached_tokens`, `input_cache_read`).
const isCachedInput = (k: string) =>
  `contains(${k}, 'input') AND (contains(${k}, 'cached') OR contains(${k}, 'cache_read'))`;

/**
 * Token counts by usage type. Langfuse subtracts cached and other detailed
 * prompt tokens from `input` and keeps them as their own `input*` types (its UI
 * sums every type whose name contains `input`, likewise `output`), so the
 * canonical counts are those sums.
 */
function usage(f: Fields): { input: string; output: string; cached: string } {
  const object = f.find('usage_details', 'usageDetails');
  if (object) {
    const json = f.json(object.name);
    return {
      input: jsonKeySum(json, isInput),
      output: jsonKeySum(json, isOutput),
      cached: jsonKeySum(json, isCachedInput),
    };
  }
  // The same object flattened into `usage_details.<type>` columns.
  const flat = f.columns.filter((c) => c.name.toLowerCase().startsWith('usage_details.'));
  if (flat.length) {
    const sum = (keep: (type: string) => boolean) => {
      const cols = flat.filter((c) => keep(c.name.toLowerCase().slice('usage_details.'.length)));
      return cols.length
        ? `list_sum([${cols.map((c) => `TRY_CAST(s.${quotedIdentifier(c.name)} AS DOUBLE)`).join(', ')}])`
        : 'CAST(NULL AS DOUBLE)';
    };
    return {
      input: sum((t) => t.includes('input')),
      output: sum((t) => t.includes('output')),
      cached: sum((t) => t.includes('input') && (t.includes('cached') || t.includes('cache_read'))),
    };
  }
  // The deprecated token fields of the v1 observations API.
  return { input: f.number('promptTokens'), output: f.number('completionTokens'), cached: 'CAST(NULL AS DOUBLE)' };
}

export const langfuse: Preset = {
  name: 'langfuse',
  description:
    'Langfuse observations export (blob storage observations/observations_v2 or API; generations only) as requests',
  settings: ['provider_key'],
  async open(store, src, { set }) {
    const base = await openSource(store, src);
    const f = new Fields(base.columns);
    f.require(src.path, 'a Langfuse observations export', ['type', ['start_time', 'startTime']]);
    const type = f.find('type')!;
    const generations: Source = {
      ...base,
      relation: `(SELECT * FROM ${base.relation} o WHERE upper(trim(CAST(o.${quotedIdentifier(type.name)} AS VARCHAR))) = 'GENERATION')`,
    };
    const params: Record<string, string> = {};
    const meta = f.json('metadata');
    const keys = PROVIDER_KEYS.map(
      (k) => `NULLIF(trim(json_extract_string(${meta}, ${quotedString(pointer(k))})), '')`,
    );
    if (set.provider_key !== undefined) {
      params.langfuse_provider_key = pointer(set.provider_key);
      keys.unshift(`NULLIF(trim(json_extract_string(${meta}, $langfuse_provider_key)), '')`);
    }
    const provider = `coalesce(${keys.join(', ')})`;
    if (set.provider === undefined) {
      const r = (await store.one<{ n: number; named: number }>(
        `SELECT count(*) AS n, count(${provider}) AS named FROM ${generations.relation} s`,
        { ...generations.params, ...params },
      ))!;
      if (r.n > 0 && r.named === 0) {
        const tried = [...(set.provider_key !== undefined ? [set.provider_key] : []), ...PROVIDER_KEYS];
        throw new InputError(
          `${src.path}: Langfuse observations name no provider: none of the ${r.n} generation(s) has a metadata key ` +
            `${tried.map((k) => `'${k}'`).join(', ')}; pass --set provider=NAME, or --set provider_key=KEY for another metadata key`,
        );
      }
    }
    const start = f.timestamp('start_time', 'startTime');
    const isError = `coalesce(upper(${f.text('level')}) = 'ERROR', false)`;
    const u = usage(f);
    // Failed calls often carry no usage; they count as demand with zero tokens.
    const orZero = (n: string) => `CASE WHEN ${isError} THEN coalesce(${n}, 0) ELSE ${n} END`;
    const cost = `coalesce(${f.number('total_cost', 'totalCost', 'calculatedTotalCost')},
      ${jsonNumber(f.json('cost_details', 'costDetails'), '$.total')}, ${f.number('cost_details.total')})`;
    const select = [
      's.__row',
      `${f.text('id')} AS request_id`,
      `${f.text('start_time', 'startTime')} AS ts`,
      `coalesce(${f.text('provided_model_name', 'providedModelName')}, ${f.text('model')}) AS model`,
      `${provider} AS provider`,
      `${orZero(u.input)} AS input_tokens`,
      `${orZero(u.output)} AS output_tokens`,
      `${u.cached} AS cached_tokens`,
      // From the timestamps: the export's latency fields are seconds or milliseconds depending on the integration's age.
      `${msBetween(start, f.timestamp('completion_start_time', 'completionStartTime'))} AS ttft_ms`,
      `${msBetween(start, f.timestamp('end_time', 'endTime'))} AS latency_ms`,
      `CASE WHEN ${isError} THEN 'error' ELSE 'ok' END AS status`,
      `CASE WHEN ${isError} THEN ${textErrorType(f.text('status_message', 'statusMessage'))} END AS error_type`,
      `${cost} AS cost`,
      `'USD' AS currency`,
    ];
    return [{ kind: 'requests', source: await derive(store, generations, select.join(',\n      '), params) }];
  },
};
