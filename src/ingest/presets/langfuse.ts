/**
 * Langfuse observations, as exported to blob storage (`observations/` or
 * `observations_v2/`, as JSON, JSONL, CSV or Parquet; langfuse-docs
 * "Blob Storage Export Field Reference"), or as the public API returns them
 * (`GET /api/public/observations` and `/api/public/v2/observations` pages,
 * `{"data": [...], "meta": {...}}`, camelCase fields). Only generations (LLM
 * calls) are requests; spans, events and the other observation types are left out.
 * `session` is the trace's session id, else the trace id; `user` the trace's user id
 * (fixtures/presets/langfuse/README.md).
 */
import { quotedIdentifier, quotedString } from '@duckdb/node-api';
import { InputError } from '../../errors.js';
import { openSource, type Source } from '../stage.js';
import { Fields, jsonKeySum, jsonNumber, msBetween, textErrorType, unwrapData } from './gateway-fields.js';
import { derive, type Preset } from './relations.js';

/**
 * Metadata keys that give the provider, looked up in the metadata and in `metadata.attributes`
 * (where Langfuse keeps an OpenTelemetry span's attributes), in order of preference:
 * the provider itself; the base URL or host the client called (a user's metadata, LiteLLM's
 * Langfuse logger `api_base`, OpenLLMetry `gen_ai.openai.api_base`, OpenTelemetry
 * `server.address`; also model parameters), stored as its host; then the client library's
 * provider (OpenTelemetry GenAI, LangChain), which an OpenAI-compatible client gives as
 * `openai` whatever host it calls.
 */
const PROVIDER_KEYS = ['provider'];
const BASE_URL_KEYS = ['base_url', 'api_base', 'openai_api_base', 'gen_ai.openai.api_base', 'server.address'];
const LIBRARY_KEYS = ['gen_ai.provider.name', 'gen_ai.system', 'ls_provider'];

/** A JSON pointer (RFC 6901) to one top-level key. */
function pointer(key: string): string {
  return `/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
}

/** Whether the value at a JSON pointer is an object or an array, or a string holding one (metadata values are often JSON-encoded). */
function blobAt(json: string, ptr: string): string {
  return `(json_type(${json}, ${ptr}) IN ('OBJECT', 'ARRAY') OR regexp_matches(trim(json_extract_string(${json}, ${ptr})), '^[\\[{]'))`;
}

/** Trimmed text of the scalar at a JSON pointer; NULL when absent, empty or a blob: a provider is never a JSON blob. */
function scalarAt(json: string, ptr: string): string {
  return `CASE WHEN NOT ${blobAt(json, ptr)} THEN NULLIF(trim(json_extract_string(${json}, ${ptr})), '') END`;
}

/** The host of a base URL (`https://api.deepinfra.com/v1/openai` → `api.deepinfra.com`), or the host itself. */
function hostOf(url: string): string {
  return `NULLIF(regexp_extract(lower(${url}), ${quotedString('^(?:[a-z][a-z0-9+.-]*://)?([^/:?#\\s]+)')}, 1), '')`;
}

const isInput = (k: string) => `contains(${k}, 'input')`;
const isOutput = (k: string) => `contains(${k}, 'output')`;
// Prompt tokens read from a cache: `input_cached_tokens`, `input_cache_read`, `cache_read_input_tokens`.
const isCachedInput = (k: string) =>
  `contains(${k}, 'input') AND (contains(${k}, 'cached') OR contains(${k}, 'cache_read'))`;
// Prompt tokens written to a cache: `input_cache_creation` (and its `_5m`, `_1h` parts), `input_cache_write`,
// `cache_creation_input_tokens`.
const isCacheWrite = (k: string) =>
  `contains(${k}, 'input') AND (contains(${k}, 'cache_creation') OR contains(${k}, 'cache_write'))`;

/**
 * Token counts by usage type. Langfuse's usage types are disjoint: it subtracts cached and
 * other detailed prompt tokens from `input` and keeps them as their own `input*` types, and
 * its UI sums every type whose name contains `input` (likewise `output`), so the canonical
 * counts are those sums.
 */
function usage(f: Fields): { input: string; output: string; cached: string; cacheWrite: string } {
  const object = f.find('usage_details', 'usageDetails');
  if (object) {
    const json = f.json(object.name);
    return {
      input: jsonKeySum(json, isInput),
      output: jsonKeySum(json, isOutput),
      cached: jsonKeySum(json, isCachedInput),
      cacheWrite: jsonKeySum(json, isCacheWrite),
    };
  }
  // The same object flattened into `usage_details.<type>` columns.
  const flat = f.columns.filter((c) => c.name.toLowerCase().startsWith('usage_details.'));
  if (flat.length) {
    const sum = (keep: (type: string) => string) => {
      const cols = flat.map((c) => ({ c, type: quotedString(c.name.toLowerCase().slice('usage_details.'.length)) }));
      return `list_sum([${cols.map(({ c, type }) => `CASE WHEN ${keep(type)} THEN TRY_CAST(s.${quotedIdentifier(c.name)} AS DOUBLE) END`).join(', ')}])`;
    };
    return { input: sum(isInput), output: sum(isOutput), cached: sum(isCachedInput), cacheWrite: sum(isCacheWrite) };
  }
  // The deprecated token fields of the v1 observations API.
  const none = 'CAST(NULL AS DOUBLE)';
  return { input: f.number('promptTokens'), output: f.number('completionTokens'), cached: none, cacheWrite: none };
}

export const langfuse: Preset = {
  name: 'langfuse',
  description:
    'Langfuse observations (blob storage export observations/observations_v2, or public API pages; generations only) as requests',
  settings: ['provider_key'],
  async open(store, src, { set }) {
    const raw = await openSource(store, src);
    const base = await unwrapData(store, raw, 'type', 'langfuse_observations');
    const f = new Fields(base.columns);
    f.require(src.path, 'a Langfuse observations export', ['type', ['start_time', 'startTime']]);
    const type = f.find('type')!;
    const generations: Source = {
      ...base,
      relation: `(SELECT * FROM ${base.relation} o WHERE upper(trim(CAST(o.${quotedIdentifier(type.name)} AS VARCHAR))) = 'GENERATION')`,
    };
    const params: Record<string, string> = {};
    const meta = f.json('metadata');
    const attributes = `TRY_CAST(json_extract_string(${meta}, '$.attributes') AS JSON)`;
    const modelParameters = f.json('model_parameters', 'modelParameters');
    const lookup = (keys: string[], objects: string[]) =>
      keys.flatMap((k) => objects.map((o) => scalarAt(o, quotedString(pointer(k)))));
    const userKey = set.provider_key === undefined ? [] : [meta, attributes].map((o) => scalarAt(o, '$langfuse_key'));
    if (set.provider_key !== undefined) params.langfuse_key = pointer(set.provider_key);
    const named = `coalesce(${[...userKey, ...lookup(PROVIDER_KEYS, [meta, attributes])].join(', ')})`;
    const host = `coalesce(${lookup(BASE_URL_KEYS, [meta, attributes, modelParameters]).map(hostOf).join(', ')})`;
    const library = `coalesce(${lookup(LIBRARY_KEYS, [meta, attributes]).join(', ')})`;
    const provider = `coalesce(${named}, ${host}, ${library})`;
    const warnings: string[] = [];
    if (set.provider === undefined) {
      const blobs =
        set.provider_key === undefined
          ? '0'
          : `count(*) FILTER (WHERE ${blobAt(meta, '$langfuse_key')} OR ${blobAt(attributes, '$langfuse_key')})`;
      const r = (await store.one<{ n: number; named: number; blobs: number; library: number }>(
        `SELECT count(*) AS n, count(${provider}) AS named, ${blobs} AS blobs,
           count(*) FILTER (WHERE ${named} IS NULL AND ${host} IS NULL AND lower(${library}) = 'openai') AS library
         FROM ${generations.relation} s`,
        { ...generations.params, ...params },
      ))!;
      if (r.blobs > 0) {
        throw new InputError(
          `${src.path}: metadata key '${set.provider_key}' holds an object, not a provider name, in ${r.blobs} ` +
            `generation(s); pass --set provider_key=KEY with a key inside it (keys inside metadata.attributes are looked up too)`,
        );
      }
      if (r.n > 0 && r.named === 0) {
        const tried = [
          ...(set.provider_key !== undefined ? [set.provider_key] : []),
          ...PROVIDER_KEYS,
          ...BASE_URL_KEYS,
          ...LIBRARY_KEYS,
        ];
        throw new InputError(
          `${src.path}: Langfuse observations name no provider: none of the ${r.n} generation(s) has a metadata key ` +
            `${tried.map((k) => `'${k}'`).join(', ')} (nor in metadata.attributes); pass --set provider=NAME, ` +
            `or --set provider_key=KEY for another metadata key`,
        );
      }
      if (r.library > 0) {
        warnings.push(
          `${r.library} generation(s) take provider 'openai' from gen_ai.system, gen_ai.provider.name or ls_provider, ` +
            `which name the client library: an OpenAI-compatible client (LangChain ChatOpenAI, the OpenAI SDK) says ` +
            `'openai' whatever host it calls, and no base URL was recorded; if they went to another host, pass ` +
            `--set provider=NAME, or log the client's base URL as metadata 'base_url'`,
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
      // The trace's session when the export carries it, else the trace (one agent run).
      `coalesce(${f.text('session_id', 'sessionId')}, ${f.text('trace_id', 'traceId')}) AS session`,
      // The trace's user, where the layout carries it (not the legacy export, nor the v1 API).
      `${f.text('user_id', 'userId')} AS user`,
      `${orZero(u.input)} AS input_tokens`,
      `${orZero(u.output)} AS output_tokens`,
      `${u.cached} AS cached_tokens`,
      `${u.cacheWrite} AS cache_write_tokens`,
      // From the timestamps: the export's latency fields are seconds or milliseconds depending on the integration's age.
      `${msBetween(start, f.timestamp('completion_start_time', 'completionStartTime'))} AS ttft_ms`,
      `${msBetween(start, f.timestamp('end_time', 'endTime'))} AS latency_ms`,
      `CASE WHEN ${isError} THEN 'error' ELSE 'ok' END AS status`,
      `CASE WHEN ${isError} THEN ${textErrorType(f.text('status_message', 'statusMessage'))} END AS error_type`,
      `${cost} AS cost`,
      `'USD' AS currency`,
    ];
    return [{ kind: 'requests', source: await derive(store, generations, select.join(',\n      '), params), warnings }];
  },
};
