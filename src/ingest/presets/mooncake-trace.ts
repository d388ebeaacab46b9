/**
 * The Mooncake traces (kvcache-ai/Mooncake, FAST '25 release, e.g. `conversation_trace.jsonl`):
 * one JSON object per request with `timestamp` (milliseconds from the trace start),
 * `input_length`, `output_length` and `hash_ids`, the hashes of the prompt's 512-token
 * blocks (a shared id means a shared prompt prefix).
 *
 * Read as requests: ts = `--set start=ISO-TIME` (default 1970-01-01T00:00:00Z) + timestamp.
 * `cached_tokens` estimates a prefix cache that keeps every block it has seen: 512 × the
 * number of leading blocks of the request that an earlier request already had, capped at
 * `input_length`. Earlier means a smaller timestamp, ties broken by the row order of the file.
 * The estimate stops at the first block not seen before, as a prefix cache does; it ignores
 * evictions, so it is an upper bound of what a real cache would have served.
 * `session` is `h` and the first block id: requests that start with the same block share a cached
 * prefix (fixtures/presets/mooncake-trace/README.md).
 * The trace names no model or provider, so both must come from `--set`.
 */
import { quotedIdentifier } from '@duckdb/node-api';
import { InputError } from '../../errors.js';
import { type Store } from '../../store/db.js';
import { openSource } from '../stage.js';
import { stageTable, type Preset } from './relations.js';
import { requireColumns, requireModelAndProvider } from './trace-settings.js';

/** Tokens per prefix block in the Mooncake traces. */
export const MOONCAKE_BLOCK_TOKENS = 512;

const LAYOUT = 'a Mooncake trace (timestamp, input_length, output_length, hash_ids)';

/** The trace start as microseconds since the epoch, from `--set start` (default the epoch). */
async function startMicros(store: Store, start: string | undefined): Promise<string> {
  if (start === undefined) return '0';
  const r = await store.one<{ us: number | null }>(
    'SELECT epoch_us(CAST(TRY_CAST($start AS TIMESTAMPTZ) AS TIMESTAMP)) AS us',
    { start: start.trim() },
  );
  if (r?.us === null || r?.us === undefined) {
    throw new InputError(`--set start='${start}' is not a timestamp; pass an ISO time such as 2024-01-01T00:00:00Z`);
  }
  return String(r.us);
}

/**
 * Requests with their cached-token estimate (`hashIds`: an expression over `s`), set-wise:
 * 1. `blocks`: every (request, position, block id), from unnest WITH ORDINALITY;
 * 2. `first_seen`: for each block id, the smallest (timestamp, row) holding it;
 * 3. `leading`: per request, the leading run of blocks first seen strictly before
 *    the request = the first position whose block is not, minus one (all blocks if none).
 */
function requestsSql(
  relation: string,
  cols: { ts: string; input: string; output: string; hashIds: string | null },
): string {
  const msText = `NULLIF(trim(CAST(s.${cols.ts} AS VARCHAR)), '')`;
  return `
WITH req AS (
  SELECT s.__row,
         ${msText} AS t_raw,
         TRY_CAST(${msText} AS DOUBLE) AS t_ms,
         s.${cols.input} AS input_tokens,
         s.${cols.output} AS output_tokens,
         ${cols.hashIds ?? 'CAST(NULL AS BIGINT[])'} AS hash_ids
  FROM ${relation} s
),
blocks AS (
  SELECT r.__row, r.t_ms, b.block, b.pos
  FROM req r, unnest(r.hash_ids) WITH ORDINALITY AS b(block, pos)
  WHERE r.t_ms IS NOT NULL
),
first_seen AS (
  SELECT block, min({'t': t_ms, 'r': __row}) AS first FROM blocks GROUP BY block
),
prefix_run AS (
  SELECT b.__row,
         coalesce(min(b.pos) FILTER (WHERE NOT (f.first < {'t': b.t_ms, 'r': b.__row})) - 1, count(*)) AS cached_blocks
  FROM blocks b JOIN first_seen f USING (block)
  GROUP BY b.__row
)
SELECT r.__row,
       -- Text, so a timestamp that is not a number reaches validation as written.
       CASE WHEN r.t_ms IS NULL OR NOT isfinite(r.t_ms) THEN r.t_raw
            ELSE strftime(make_timestamp(CAST($start_us AS BIGINT) + CAST(round(r.t_ms * 1000) AS BIGINT)), '%Y-%m-%d %H:%M:%S.%f')
       END AS ts,
       'h' || CAST(r.hash_ids[1] AS VARCHAR) AS session,
       r.input_tokens,
       r.output_tokens,
       CASE WHEN r.hash_ids IS NOT NULL AND r.t_ms IS NOT NULL
            THEN least(${MOONCAKE_BLOCK_TOKENS} * coalesce(l.cached_blocks, 0), TRY_CAST(CAST(r.input_tokens AS VARCHAR) AS DOUBLE))
       END AS cached_tokens
FROM req r LEFT JOIN prefix_run l USING (__row)`;
}

export const mooncakeTrace: Preset = {
  name: 'mooncake-trace',
  description:
    'Mooncake trace JSONL (timestamp ms, input_length, output_length, hash_ids) as requests with cached_tokens estimated from shared 512-token prefix blocks; --set start=ISO-TIME, needs --set model=… --set provider=…',
  settings: ['start'],
  async open(store, src, { set }) {
    requireModelAndProvider(src.path, 'the Mooncake trace', set);
    const startUs = await startMicros(store, set.start);
    const raw = await openSource(store, src);
    const c = requireColumns(src.path, LAYOUT, raw.columns, ['timestamp', 'input_length', 'output_length']);
    const hashIds = raw.columns.find((x) => x.name === 'hash_ids');
    // JSON when the reader could not settle on one element type (or every value is null).
    if (hashIds && !hashIds.type.endsWith('[]') && hashIds.type !== 'JSON') {
      throw new InputError(`${src.path}: hash_ids must be a list of block ids, found ${hashIds.type}`);
    }
    const source = await stageTable(
      store,
      'mooncake_requests',
      requestsSql(raw.relation, {
        ts: quotedIdentifier(c.timestamp.name),
        input: quotedIdentifier(c.input_length.name),
        output: quotedIdentifier(c.output_length.name),
        hashIds: hashIds
          ? hashIds.type === 'JSON'
            ? `TRY_CAST(s.${quotedIdentifier(hashIds.name)} AS VARCHAR[])`
            : `s.${quotedIdentifier(hashIds.name)}`
          : null,
      }),
      { ...raw.params, start_us: startUs },
    );
    return [{ kind: 'requests', source: { ...source, csvRejects: raw.csvRejects } }];
  },
};
