/**
 * thefastest.ai latency probes (fixie-ai/thefastest.ai, `website/public/data/latest.json` and
 * its earlier versions): an array of runs `{time, duration, region, cmd, results: [{model,
 * ttr, ttft, tps, num_tokens, total_time, output}]}`, one run per probe region (cdg, iad, sea).
 *
 * Read as latency, one row per result; `__row` numbers the results through the file (run by
 * run). ts = the run's `time` (zone-less, UTC: the runs' clock), `region` = the probe region.
 * `model` is `<provider-host>/<model>`: provider = the part before the first `/`, model = the
 * rest. The first versions (before 2024-04-19) named some endpoints without a host, by the
 * model id the benchmark sent; their provider is the one the benchmark's client chose for that
 * id (EARLY_NAMES below). An Azure endpoint logged as `<region>/azure` carries no model name:
 * its model is left empty, so validation rejects those rows and says so.
 *
 * TTFT and total time are in seconds (the site shows values < 1 as ms ×1000) and become ms.
 * A result with no tokens (`num_tokens` 0: nothing streamed back) is a failed probe: ok false,
 * no TTFT, TPS or latency. A TPS of exactly 999 is the benchmark's cap, min(rate, 999), for
 * responses whose tokens arrived in one burst: not a measured rate, so tps is left empty.
 * An endpoint missing from a run has no row: the file holds no record of that attempt (the
 * benchmark drops a call that raised), and a row inferred from the file's other runs would differ
 * between versions of the file, so the same run would no longer de-duplicate.
 */
import { quotedIdentifier, quotedString } from '@duckdb/node-api';
import { openSource } from '../stage.js';
import { stageTable, type Preset } from './relations.js';
import { requireColumns } from './trace-settings.js';

const LAYOUT = 'a thefastest.ai latest.json (an array of runs with time, region and results)';

/** The benchmark's upper bound on TPS: a value at the cap is not a measurement. */
export const THEFASTEST_TPS_CAP = 999;

/**
 * Names used before the suite prefixed each endpoint with its host: the model id alone, routed
 * by the benchmark to the provider whose client handles that prefix. [pattern, provider, model
 * (a replacement for the pattern)]. Patterns and values are constants of this module.
 */
const EARLY_NAMES: readonly [string, string, string][] = [
  ['^(gpt-.*)$', 'openai', '\\1'],
  ['^(claude-.*)$', 'anthropic', '\\1'],
  ['^(command-.*)$', 'cohere', '\\1'],
  ['^(gemini-.*)$', 'google', '\\1'],
  ['^(Neets-.*)$', 'neets.ai', '\\1'],
  ['^@cf/(.+)$', 'cloudflare', '\\1'],
  // Sent to api.together.xyz, the host later versions name.
  ['^togethercomputer/(.+)$', 'together.xyz', '\\1'],
  // Azure serverless deployments were called without a model id: the name is the host label.
  ['^fixie-(.+)\\.([a-z0-9]+)\\.azure$', 'fixie-\\2.azure', '\\1'],
];

/** provider and model of a result's `model` field (`name`, a VARCHAR expression). */
function splitName(name: string): { provider: string; model: string } {
  const early = EARLY_NAMES.map(([re, provider, model]) => ({
    when: `regexp_full_match(${name}, ${quotedString(re)})`,
    provider: `regexp_replace(${name}, ${quotedString(re)}, ${quotedString(provider)})`,
    model: `regexp_replace(${name}, ${quotedString(re)}, ${quotedString(model)})`,
  }));
  const noModel = `regexp_full_match(${name}, '[a-z0-9]+/azure')`;
  const slash = `strpos(${name}, '/')`;
  return {
    provider: `CASE ${early.map((e) => `WHEN ${e.when} THEN ${e.provider}`).join(' ')}
      WHEN ${noModel} THEN 'azure.' || split_part(${name}, '/', 1)
      WHEN ${slash} > 1 THEN left(${name}, ${slash} - 1) END`,
    model: `CASE ${early.map((e) => `WHEN ${e.when} THEN ${e.model}`).join(' ')}
      WHEN ${noModel} THEN NULL
      WHEN ${slash} > 1 THEN NULLIF(substr(${name}, ${slash} + 1), '') ELSE ${name} END`,
  };
}

export const thefastest: Preset = {
  name: 'thefastest',
  description:
    'thefastest.ai latest.json (runs of latency probes per region) as latency: provider/model from "<host>/<model>", seconds as ms, region kept',
  async open(store, src) {
    const raw = await openSource(store, src);
    const c = requireColumns(src.path, LAYOUT, raw.columns, ['time', 'region', 'results']);
    const field = (path: string) => `json_extract_string(r.result, ${quotedString(path)})`;
    const number = (path: string) => `TRY_CAST(${field(path)} AS DOUBLE)`;
    const name = `NULLIF(trim(${field('$.model')}), '')`;
    const { provider, model } = splitName('r.name');
    // Tokens received; a result without a token count is judged by its TTFT.
    const ok = `coalesce(r.num_tokens > 0, r.ttft > 0, false)`;
    const source = await stageTable(
      store,
      'thefastest_results',
      `WITH results AS (
         SELECT s.__row AS run_row, u.i, u.result,
                NULLIF(trim(CAST(s.${quotedIdentifier(c.time.name)} AS VARCHAR)), '') AS run_time,
                NULLIF(trim(CAST(s.${quotedIdentifier(c.region.name)} AS VARCHAR)), '') AS run_region
         FROM ${raw.relation} s, unnest(CAST(to_json(s.${quotedIdentifier(c.results.name)}) AS JSON[])) WITH ORDINALITY AS u(result, i)
       ),
       parsed AS (
         SELECT run_row, i, run_time, run_region, ${name} AS name,
                ${number('$.ttft')} AS ttft, ${number('$.tps')} AS tps,
                ${number('$.total_time')} AS total_time, ${number('$.num_tokens')} AS num_tokens
         FROM results r
       )
       SELECT row_number() OVER (ORDER BY run_row, i) AS __row,
              run_time AS ts, ${provider} AS provider, ${model} AS model, run_region AS region,
              ${ok} AS ok,
              CASE WHEN ${ok} THEN r.ttft * 1000 END AS ttft_ms,
              CASE WHEN ${ok} AND r.tps <> ${THEFASTEST_TPS_CAP} THEN r.tps END AS tps,
              CASE WHEN ${ok} THEN r.total_time * 1000 END AS latency_ms,
              CASE WHEN NOT ${ok} THEN 'no_tokens' END AS error_type
       FROM parsed r`,
      raw.params,
    );
    return [{ kind: 'latency', source: { ...source, csvRejects: raw.csvRejects } }];
  },
};
