/**
 * The requests to replay and what every provider of their model offers them.
 *
 * Nothing here is the size of requests × providers. Prices change rarely and
 * state only per window, so time is cut at window starts and price changes into
 * segments; `sim_seg` holds, per model, features string and segment, one set of
 * columns per provider ("slot", providers in name order). Each request is joined
 * once to its segment, and the figures of every slot are one expression each.
 */
import { quotedString } from '@duckdb/node-api';
import { listCostSql, passedTier, pricesOf, type Prices, type Tokens } from '../query/measures.js';
import { selectedRequestsSql, type SqlFragment, type SqlParams } from '../query/selection.js';
import type { Store } from '../store/db.js';
import { chainColumnsSql } from './cache.js';
import { windowOf } from './state.js';

export interface RequestSelection {
  model?: string;
  task?: string;
  from?: string;
  to?: string;
}

/** The enum type of a text column's `values`: a sort carries its codes in about half the time strings take. */
export const enumType = (values: readonly string[]) => `ENUM(${values.map(quotedString).join(', ')})`;

/** The text columns of the selected requests and every value each takes (sim_selected's): see requestsSql's `order`. */
export type TextValues = Record<'model' | 'observed' | 'task' | 'features', string[]>;

export async function textValues(store: Store): Promise<TextValues> {
  const column = (c: string) => `coalesce(list(DISTINCT ${c}) FILTER (WHERE ${c} IS NOT NULL), [])`;
  return (await store.one<TextValues>(
    `SELECT ${column('model')} AS model, ${column('provider')} AS observed, ${column('task')} AS task, ${column('features')} AS features
     FROM sim_selected`,
  ))!;
}

/**
 * Every selected request, whatever its status: its window `w`, UTC `day`, `observed` provider,
 * tokens, the features it needed (as logged) and the
 * logged cost, TTFT, latency and status (for the outcome-model fit). With
 * `order` (the values of its text columns), its position within its model in time order (`seq`, for
 * round-robin; requests at the same instant share one); with `hash`, a seeded uniform hash `u` (for random).
 * With `every`, only about every n-th request (a sample). With `cacheKey`, the columns its cache chain is
 * found by (cache.chainColumnsSql); with `rid`, its row number in the table.
 */
export function requestsSql(
  sel: RequestSelection,
  o: {
    winSeconds: number;
    order?: TextValues;
    hash?: boolean;
    seed: number;
    every?: number;
    cacheKey?: readonly string[];
    rid?: boolean;
  },
): SqlFragment {
  const s = selectedRequestsSql({ by: 'requests', ...sel, every: o.every, rid: o.rid });
  const columns = `
    SELECT request_id, ts, model, provider AS observed, task, input_tokens, output_tokens,
      coalesce(cached_tokens, 0) AS cached_tokens, coalesce(cache_write_tokens, 0) AS write_tokens,
      features,
      cost AS logged_cost, ttft_ms AS logged_ttft, latency_ms AS logged_latency, status
      ${o.cacheKey ? `, ${chainColumnsSql(o.cacheKey)}` : ''}${o.rid ? ', rid' : ''}
      -- DuckDB's multi-argument hash XORs its arguments; mixing the key with a per-seed constant keeps streams apart
      -- 63 bits, so that u % n stays BIGINT arithmetic
      ${o.hash ? `, (hash(xor(hash(request_id)::UBIGINT, hash($seed::BIGINT, 'random'))) >> 1)::BIGINT AS u` : ''}
    FROM (${s.sql})`;
  // rank, not row_number: requests logged at the same instant share a turn whatever order the sort leaves
  // them in, and one sort key is much cheaper than (ts, request_id). The hash is taken below the window:
  // every column the window's rows still need is carried through its sort, and the request id is the widest;
  // text goes through it as enum codes, which the sort carries in about half the time strings take
  const text = Object.entries(o.order ?? {}).filter(([, values]) => values.length > 0);
  const recast = (sql: string, type: (values: string[]) => string) =>
    text.length
      ? `SELECT * REPLACE (${text.map(([c, values]) => `${c}::${type(values)} AS ${c}`).join(', ')}) FROM (${sql})`
      : sql;
  const rows = o.order
    ? recast(
        `SELECT *, rank() OVER (PARTITION BY model ORDER BY ts) - 1 AS seq
         FROM (${recast(columns, enumType)})`,
        () => 'VARCHAR',
      )
    : columns;
  // the window and the day come from ts above the sort, which would carry them otherwise
  const sql = `SELECT *, ${windowOf('ts')} AS w, CAST(ts AS DATE) AS day FROM (${rows})`;
  return { sql, params: { ...s.params, seed: o.seed, win_s: o.winSeconds } };
}

/**
 * `sim_selected(model, task, provider, features, n, cached)`: the selected requests per
 * model, task, logged provider and features string, which the results divide by, and their cached tokens.
 * `sim_windows(model, features_key, w)`: the windows with selected requests per model and features
 * string (`features_key`, '' for none), which the state and the segments are needed for.
 */
export async function buildRequestWindows(store: Store, sel: RequestSelection, winSeconds: number): Promise<void> {
  const s = selectedRequestsSql({ by: 'requests', ...sel });
  // one scan, two groupings. Per request an integer division is much cheaper than time_bucket; it may
  // round towards zero, so a group may straddle two windows: those of its first and last request are kept
  await store.run(
    `CREATE OR REPLACE TEMP TABLE sim_pre AS
     SELECT model, task, provider, features, grouping(k) AS per_class, count(*) AS n, min(ts) AS a, max(ts) AS b,
       sum(cached_tokens) AS cached
     FROM (SELECT *, epoch_us(ts) // ($win_s::BIGINT * 1000000) AS k FROM (${s.sql}))
     GROUP BY GROUPING SETS ((model, task, provider, features), (model, features, k))`,
    { ...s.params, win_s: winSeconds },
  );
  await store.run(
    `CREATE OR REPLACE TEMP TABLE sim_selected AS SELECT model, task, provider, features, n, coalesce(cached, 0) AS cached FROM sim_pre WHERE per_class = 1`,
  );
  await store.run(
    `CREATE OR REPLACE TEMP TABLE sim_windows AS
     SELECT DISTINCT model, coalesce(features, '') AS features_key, unnest([${windowOf('a')}, ${windowOf('b')}]) AS w
     FROM sim_pre WHERE per_class = 0`,
    { win_s: winSeconds },
  );
  await store.run('DROP TABLE sim_pre');
}

/** The providers policies may choose (`--providers`, `--exclude-providers`, `--hosts-only`); the baseline is never filtered. */
export interface CandidateSet {
  only?: string[];
  exclude?: string[];
  hostsOnly?: boolean;
}

/**
 * `sim_slots(model, slot, provider, official, official_rank, candidate, …)`: the providers of
 * each selected model in name order (`official_rank`: 1, 2 … among its official
 * endpoints; `candidate`: in the candidate set). Returns the number of slots (providers of the
 * most widely offered model) and of official endpoints of a model at most.
 */
async function buildSlots(store: Store, c: CandidateSet): Promise<{ slots: number; officials: number }> {
  const list = (names: string[]) => `CAST([${names.map(quotedString).join(', ')}] AS VARCHAR[])`;
  const kind = '(SELECT any_value(kind) FROM provider_map pm WHERE pm.provider = o.provider)';
  const candidate = [
    ...(c.only ? [`list_contains(${list(c.only)}, provider)`] : []),
    ...(c.exclude?.length ? [`NOT list_contains(${list(c.exclude)}, provider)`] : []),
    ...(c.hostsOnly ? [`coalesce(${kind}, '') <> 'gateway'`] : []),
  ];
  await store.run(`
    CREATE OR REPLACE TEMP TABLE sim_slots AS
    SELECT model, provider, official, context_length, list_transform(features, x -> trim(x)) AS features,
      row_number() OVER (PARTITION BY model ORDER BY provider) AS slot,
      CASE WHEN official THEN row_number() OVER (PARTITION BY model, official ORDER BY provider) END AS official_rank,
      ${candidate.join(' AND ') || 'true'} AS candidate
    FROM sim_offers o WHERE model IN (SELECT model FROM sim_windows)`);
  const n = await store.one<{ slots: number | null; officials: number | null }>(
    'SELECT max(slot) AS slots, max(official_rank) AS officials FROM sim_slots',
  );
  return { slots: Math.max(1, n?.slots ?? 0), officials: n?.officials ?? 0 };
}

/** Per-slot columns of `sim_seg`, for slot k: `<name>_k`. */
const SEGMENT_FIGURES = [
  'cap',
  'in_per_token',
  'out_per_token',
  'cached_per_token',
  'write_per_token',
  'tiers',
  'd_ttft',
  'd_tps',
  'o_success',
  'o_ttft',
  'o_tps',
  'why',
];

/**
 * Slot k's prices per token, as measures.listCostSql takes them: the base tier's, or with
 * `tiered`, those of the request's tier (`tier_k`, candidatesSql's) where it passes one.
 */
export function slotPrices(k: number, tiered: boolean): Prices {
  const base = {
    input: `in_per_token_${k}`,
    cached: `cached_per_token_${k}`,
    write: `write_per_token_${k}`,
    output: `out_per_token_${k}`,
  };
  if (!tiered) return base;
  const at = (field: string, fallback: string) => `coalesce(tier_${k}.${field}, ${fallback})`;
  return {
    input: at('i', base.input),
    cached: at('c', base.cached),
    write: at('w', base.write),
    output: at('o', base.output),
  };
}

/** Tokens as candidatesSql's rows hold them. */
const REQUEST_TOKENS: Tokens = {
  fresh: 'fresh_tokens',
  cached: 'cached_tokens',
  write: 'write_tokens',
  output: 'output_tokens',
};

/**
 * Why a slot is closed to the requests of a segment, the first that holds (the baseline's
 * exclusion reasons follow it): no price in force; a feature missing or a success rate below
 * the minimum; no state to judge it; only an anomalous price in force.
 */
export const WHY = { open: 0, unpriced: 1, infeasible: 2, noState: 3, anomalous: 4 } as const;

/** The context length of a provider that states none: no request is too long for it. */
const NO_LIMIT = '9223372036854775807';

/**
 * `sim_seg(model, features_key, w, seg_start, seg_end, seg, official_<r>_slot/_cap, named_<j>_slot/_cap, <figure>_k …)`:
 * per model and features string a request logged (`features_key`, '' for none), a
 * segment starts at every start of a window with such requests (sim_windows) and at every
 * price snapshot within one, and lasts until the next one (`seg_end`, infinity for the last);
 * so a request's segment lies in its window `w`, and there are segments only where requests are. Slot k's columns hold provider k's figures in
 * force from seg_start to seg_end: prices per token of the base tier, and `tiers`, the tiers
 * above it ({min, i, o, c, w} per token, cached and write prices already falling back to the
 * tier's input price) or NULL; `cap`, the most tokens a request may
 * have (its context length), or −1 when it is closed to the request: unpriced,
 * without decision state, below a success rate of `$min_success`, lacking a
 * feature the request needs (unknown context or features are not held against
 * it), or not a candidate (CandidateSet); `why`, the first reason it is closed
 * whatever the candidates (WHY); the decision state (the window `$decision_lag_s` back) and the outcome
 * state (the current window; without one a failure with the decision state's
 * speed). `official_<r>_*` is the r-th official endpoint's slot, cap (as if a candidate) and why,
 * `named_<j>_*` those of the provider `$named_j` (fixed policies, a provider baseline);
 * `throughput_*` and `ttft_*` their best providers per class of requests (classBestSql).
 */
function segmentsSql({ slots, officials, tiered }: SegmentShape, named: number): string {
  const figures = SEGMENT_FIGURES.filter((f) => tiered || f !== 'tiers');
  const price = pricesOf('c.base');
  const perToken = (v: string) => `${v} / 1e6`;
  // x of the one provider row where cond holds: a CASE per column is cheaper than as many filtered aggregates
  const at = (cond: string, x: string) => `any_value(CASE WHEN ${cond} THEN ${x} END)`;
  // the baseline's picks see every provider, candidate or not
  const pick = (name: string, cond: string) =>
    `${at(cond, 'slot')} AS ${name}_slot, ${at(cond, 'open_cap')} AS ${name}_cap`;
  const columns = [
    ...Array.from({ length: officials }, (_, r) => pick(`official_${r + 1}`, `official_rank = ${r + 1}`)),
    ...Array.from({ length: named }, (_, j) => pick(`named_${j}`, `provider = $named_${j}`)),
    ...Array.from({ length: slots }, (_, i) =>
      figures
        .map((f) => {
          const v = at(`slot = ${i + 1}`, f);
          return `${f === 'cap' ? `coalesce(${v}, -1)` : v} AS ${f}_${i + 1}`;
        })
        .join(', '),
    ),
  ];
  // seg_end is never NULL: an OR in a LEFT JOIN's condition turns the hash join into a nested loop
  return `
  CREATE OR REPLACE TEMP TABLE sim_seg AS
  WITH needs AS (
    SELECT DISTINCT model, features_key,
      list_filter(list_transform(string_split(features_key, ','), x -> trim(x)), x -> x <> '') AS needs
    FROM sim_windows
  ), cuts AS (
    SELECT model, features_key, ${windowOf('seg_start')} AS w, seg_start,
      lead(seg_start, 1, TIMESTAMP 'infinity') OVER (PARTITION BY model, features_key ORDER BY seg_start) AS seg_end,
      row_number() OVER () AS seg
    FROM (
      SELECT DISTINCT model, features_key, w AS seg_start FROM sim_windows
      UNION SELECT f.model, f.features_key, p.ts
      FROM (SELECT model, ts FROM sim_prices UNION SELECT model, ts FROM sim_flagged_prices) p
      JOIN sim_windows f ON f.model = p.model AND f.w = ${windowOf('p.ts')}
    )
  ), priced AS (
    SELECT c.model, c.features_key, c.seg, c.seg_start, c.w, p.* EXCLUDE (model),
      pr.tiers[1] AS base, list_filter(pr.tiers, t -> t.min > 0) AS upper, fl.ts IS NOT NULL AS flagged
    FROM cuts c JOIN sim_slots p USING (model)
    LEFT JOIN sim_prices pr ON pr.model = c.model AND pr.provider = p.provider AND c.seg_start >= pr.ts AND c.seg_start < pr.until
    LEFT JOIN sim_flagged_prices fl
      ON fl.model = c.model AND fl.provider = p.provider AND c.seg_start >= fl.ts AND c.seg_start < fl.until
  ), judged AS (
    SELECT c.*, ds.w AS ds_w, ds.ttft AS ds_ttft, ds.tps AS ds_tps, cs.w AS cs_w, cs.success AS cs_success,
      cs.ttft AS cs_ttft, cs.tps AS cs_tps,
      CASE WHEN c.base.input_price IS NULL AND NOT c.flagged THEN ${WHY.unpriced}
        WHEN c.features IS NOT NULL AND NOT list_has_all(c.features, n.needs) THEN ${WHY.infeasible}
        WHEN ds.w IS NULL THEN ${WHY.noState}
        WHEN ds.success < $min_success THEN ${WHY.infeasible}
        WHEN c.base.input_price IS NULL THEN ${WHY.anomalous}
        ELSE ${WHY.open} END AS why
    FROM priced c JOIN needs n USING (model, features_key)
    LEFT JOIN sim_state ds ON ds.model = c.model AND ds.provider = c.provider AND ds.w = c.w - to_seconds($decision_lag_s)
    LEFT JOIN sim_state cs ON cs.model = c.model AND cs.provider = c.provider AND cs.w = c.w
  ), x AS (
    SELECT c.seg, c.slot, c.provider, c.official_rank, c.why,
      CASE WHEN c.why = ${WHY.open} THEN coalesce(c.context_length, ${NO_LIMIT}) ELSE -1 END AS open_cap,
      CASE WHEN c.why = ${WHY.open} AND c.candidate THEN coalesce(c.context_length, ${NO_LIMIT}) ELSE -1 END AS cap,
      ${perToken(price.input)} AS in_per_token, ${perToken(price.output)} AS out_per_token,
      ${perToken(price.cached)} AS cached_per_token, ${perToken(price.write)} AS write_per_token,
      CASE WHEN len(c.upper) > 0 THEN list_transform(c.upper, t -> {'min': t.min, 'i': ${perToken('t.input_price')},
        'o': ${perToken('t.output_price')}, 'c': ${perToken(pricesOf('t').cached)}, 'w': ${perToken(pricesOf('t').write)}}) END AS tiers,
      c.ds_ttft AS d_ttft, c.ds_tps AS d_tps, coalesce(c.cs_success, 0) AS o_success,
      CASE WHEN c.cs_w IS NULL THEN c.ds_ttft ELSE coalesce(c.cs_ttft, c.ds_ttft) END AS o_ttft,
      CASE WHEN c.cs_w IS NULL THEN c.ds_tps ELSE coalesce(c.cs_tps, c.ds_tps) END AS o_tps
    FROM judged c
  ), seg AS (
    SELECT c.*, g.* EXCLUDE (seg) FROM cuts c JOIN (SELECT seg, ${columns.join(',\n      ')} FROM x GROUP BY seg) g USING (seg)
  )${classBestSql(slots)}`;
}

/**
 * The policies whose first key is a decision figure of the segment (replay.ts's KEYS
 * take them from here): as an expression over a figure's column, the lowest first
 * and a missing figure last. Their choice depends on the request only through which
 * providers it fits and, among those that share the best figure, their costs.
 */
export const CLASS_BEST = {
  throughput: (col: (figure: string) => string) => `-coalesce(${col('d_tps')}, '-infinity'::DOUBLE)`,
  ttft: (col: (figure: string) => string) => `coalesce(${col('d_ttft')}, 'infinity'::DOUBLE)`,
};
export type ClassPolicy = keyof typeof CLASS_BEST;

/** Providers of one model at most for the class columns: a nibble per class, and a provider per bit in 128. */
export const CLASS_MAX_SLOTS = 11;

/**
 * Per segment and class c of requests (up to the model's providers), those that c providers fit (the c with the
 * largest caps, ties by slot: a request fits a provider when its cap is at least
 * the request's tokens), for each policy of CLASS_BEST: in `<policy>_one`, nibble
 * c − 1 is the provider with the best figure among them when only one has it, else 0;
 * in `<policy>_ties` (UHUGEINT), bits (c − 1)·slots + slot − 1 mark the providers that share it.
 * Two columns, as each column a request is joined to costs the join. With the providers ranked so,
 * class c's best is the running best at rank c, and every provider of rank ≤ c that has it has it as
 * its own running best: the ties are counted, and their least slot and bits taken, over the providers
 * with the same running best up to rank c; one row per provider, no row per provider and class.
 */
function classBestSql(slots: number): string {
  if (slots > CLASS_MAX_SLOTS) return ' SELECT * FROM seg';
  const policies = Object.entries(CLASS_BEST);
  const packed = policies.map(
    ([p]) =>
      `bit_or(CASE WHEN ${p}_n = 1 THEN ${p}_slot ELSE 0 END << (4 * (c - 1))) AS ${p}_one,
      bit_or(${p}_bits::UHUGEINT << ((c - 1) * ${slots})::UHUGEINT) AS ${p}_ties`,
  );
  const per = policies.map(([p]) => {
    const at = `${p}_figure = ${p}_best`;
    const w = `OVER (PARTITION BY seg, ${p}_best ORDER BY c ROWS UNBOUNDED PRECEDING)`;
    return `count(*) FILTER (WHERE ${at}) ${w} AS ${p}_n, min(slot) FILTER (WHERE ${at}) ${w} AS ${p}_slot,
      bit_or(1::BIGINT << (slot - 1)) FILTER (WHERE ${at}) ${w} AS ${p}_bits`;
  });
  return `, ranked AS (
    SELECT seg, slot, ${policies.map(([p]) => `${p}_figure`).join(', ')},
      row_number() OVER seg AS c, ${policies.map(([p]) => `min(${p}_figure) OVER seg AS ${p}_best`).join(', ')}
    FROM (SELECT *, ${policies.map(([p, key]) => `${key((f) => f)} AS ${p}_figure`).join(', ')} FROM x)
    WINDOW seg AS (PARTITION BY seg ORDER BY cap DESC, slot ROWS UNBOUNDED PRECEDING)
  ), per_class AS (
    SELECT seg, c, ${per.join(',\n      ')}
    FROM ranked
  ), packed AS (
    SELECT seg, ${packed.join(',\n      ')}
    FROM per_class GROUP BY seg
  )
  SELECT seg.*, packed.* EXCLUDE (seg) FROM seg JOIN packed USING (seg)`;
}

/** What the replay's expressions need to know of the segments. */
export interface SegmentShape {
  /** providers of the most widely offered model */
  slots: number;
  /** official endpoints of one model, at most */
  officials: number;
  /** some provider prices a selected model in tiers above the base one */
  tiered: boolean;
}

/**
 * Builds `sim_slots` and `sim_seg` (needs `sim_windows`, `sim_selected`,
 * `sim_offers`, `sim_prices`, `sim_state`); `named` are the providers a policy or
 * the baseline names.
 */
export async function buildSegments(
  store: Store,
  o: { minSuccess: number; decisionLagSeconds: number; winSeconds: number; named: string[]; candidates?: CandidateSet },
): Promise<SegmentShape> {
  const { slots, officials } = await buildSlots(store, o.candidates ?? {});
  const tiers = await store.one<{ t: boolean }>(
    `SELECT count(*) FILTER (WHERE len(tiers) > 1) > 0 AS t FROM sim_prices WHERE model IN (SELECT model FROM sim_windows)`,
  );
  const shape = { slots, officials, tiered: !!tiers?.t };
  const params: SqlParams = { min_success: o.minSuccess, decision_lag_s: o.decisionLagSeconds, win_s: o.winSeconds };
  o.named.forEach((name, j) => (params[`named_${j}`] = name));
  await store.run(segmentsSql(shape, o.named.length), params);
  return shape;
}

/** Figures of slot k for one request, segment's and request's: the columns `<name>_k`. */
export type Figure =
  | 'cost'
  | 'icost'
  | 'feas'
  | 'd_tps'
  | 'd_ttft'
  | 'd_e2e'
  | 'o_success'
  | 'o_ttft'
  | 'o_tps'
  | 'o_e2e'
  | 'in_per_token'
  | 'lost'
  | 'why';

/** End-to-end latency in ms of a request's output tokens at a TTFT (ms) and TPS. */
export const endToEnd = (ttft: string, tps: string) => `${ttft} + output_tokens / ${tps} * 1000`;

/**
 * The figures of slot k that depend on the request (the others are the segment's
 * columns as they are): cost per 1 M tokens with cached tokens at the
 * cached price (`icost`: what a failed attempt bills, its prompt), end-to-end
 * = TTFT + output / TPS of the decision state (expected) and of the outcome state,
 * and feasibility (context ≥ input + output,
 * every needed feature; an unknown context is not held against a provider); `lost`, what
 * the request's cached tokens cost more where they miss: written again at the cache-write
 * price, else at the input price.
 */
function slotFigures(k: number, tiered: boolean): string {
  const price = slotPrices(k, tiered);
  const prompt = listCostSql({ ...REQUEST_TOKENS, output: '0' }, price);
  return [
    `cached_tokens * (${price.write} - ${price.cached}) AS lost_${k}`,
    `${listCostSql(REQUEST_TOKENS, price)} AS cost_${k}`,
    `${prompt} AS icost_${k}`,
    `cap_${k} >= total_tokens AS feas_${k}`,
    `${endToEnd(`d_ttft_${k}`, `d_tps_${k}`)} AS d_e2e_${k}`,
    `${endToEnd(`o_ttft_${k}`, `o_tps_${k}`)} AS o_e2e_${k}`,
  ].join(',\n      ');
}

/**
 * Each request with its segment (`seg`, sim_seg's number for it), with `observed` the slot of the provider that
 * served it (`observed_slot`), and every slot's figures (see FIGURES). The segment
 * is found by a hash join on model, features and window (a window rarely has more than one), not an
 * ASOF join, which is several times slower at this size. `joins` adds small
 * per-request lookups (static-best's slot, task-aware's objective).
 */
export function candidatesSql(
  requests: SqlFragment,
  shape: Pick<SegmentShape, 'slots' | 'tiered'>,
  o: { observed?: boolean; joins?: string } = {},
): SqlFragment {
  const columns = `r.*${o.observed ? ', o.slot AS observed_slot' : ''}`;
  return { sql: figuresSql(shape, columns, segmentJoin(requests, !!o.observed), o.joins), params: requests.params };
}

/**
 * Rows with their segment (`seg`, as candidatesSql finds it) and its model and every slot's figures again, from
 * the segment by its number: the replay's rows after they were kept with only what they chose (replay.replaySql).
 */
export function segmentFiguresSql(rows: string, shape: Pick<SegmentShape, 'slots' | 'tiered'>): string {
  return figuresSql(shape, 'r.* EXCLUDE (seg), s.model', `FROM (${rows}) r JOIN sim_seg s ON s.seg = r.seg`);
}

/** The request's `columns`, its segment's (`s`, joined in `from`) and every slot's figures (slotFigures). */
function figuresSql(shape: Pick<SegmentShape, 'slots' | 'tiered'>, columns: string, from: string, joins = ''): string {
  const ks = Array.from({ length: shape.slots }, (_, i) => i + 1);
  const figures = ks.map((k) => slotFigures(k, shape.tiered)).join(',\n      ');
  // the tier a request pays at each provider: by its input tokens, cached included
  const tiers = shape.tiered
    ? ks.map((k) => `, ${passedTier(`s.tiers_${k}`, 'r.input_tokens')} AS tier_${k}`).join('')
    : '';
  const whys = ks.map((k) => `why_${k}`).join(', ');
  return `
    SELECT *, ${figures}
    FROM (
      SELECT ${columns}, input_tokens - cached_tokens - write_tokens AS fresh_tokens, input_tokens + output_tokens AS total_tokens,
        s.* EXCLUDE (model, features_key, w, seg_start, seg_end, ${whys})${tiers}
      ${from}
    ) r ${joins}`;
}

/** The requests (`r`) with their segment (`s`) and, with `observed`, the slot that served them (`o`). */
function segmentJoin(requests: SqlFragment, observed: boolean): string {
  return `FROM (${requests.sql}) r
      LEFT JOIN sim_seg s ON s.model = r.model AND s.features_key = coalesce(r.features, '') AND s.w = r.w
        AND r.ts >= s.seg_start AND r.ts < s.seg_end
      ${observed ? 'LEFT JOIN sim_slots o ON o.model = r.model AND o.provider = r.observed' : ''}`;
}

/** Why a selected request has no baseline to compare with (SPEC's order; the last, no_feasible_candidate, is the policy's). */
export const EXCLUSION_REASONS = [
  'no_baseline_offering',
  'no_baseline_price',
  'baseline_infeasible',
  'no_state',
  'anomalous_price',
  'no_feasible_candidate',
] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

/**
 * The selected requests without a baseline to compare with, counted by reason: the baseline
 * provider has no slot for the model (`official`: no official endpoint; the first official
 * one's reason when none is feasible), or its slot is closed (WHY) or too short for the request.
 * The observed baseline needs only a price in force.
 */
export async function baselineExclusions(
  store: Store,
  requests: SqlFragment,
  shape: SegmentShape,
  baseline: { kind: 'official' } | { kind: 'observed' } | { kind: 'named'; index: number },
): Promise<Partial<Record<ExclusionReason, number>>> {
  const why = (slot: string) => figureOf('why', slot, shape.slots);
  const total = 'r.input_tokens + r.output_tokens';
  const reasonOf = (slot: string, why: string, cap: string) => `CASE
      WHEN s.seg IS NULL OR ${slot} IS NULL THEN 'no_baseline_offering'
      WHEN ${why} = ${WHY.unpriced} THEN 'no_baseline_price'
      WHEN ${why} = ${WHY.infeasible} OR (${why} = ${WHY.open} AND ${cap} < ${total}) THEN 'baseline_infeasible'
      WHEN ${why} = ${WHY.noState} THEN 'no_state'
      WHEN ${why} = ${WHY.anomalous} THEN 'anomalous_price' END`;
  let reason: string;
  if (baseline.kind === 'observed') {
    // only its price counts: unpriced, or priced only by an anomalous snapshot
    const priced = `${figureOf('in_per_token', 'o.slot', shape.slots)} IS NOT NULL`;
    reason = `CASE WHEN ${priced} THEN NULL WHEN ${why('o.slot')} = ${WHY.unpriced} THEN 'no_baseline_price'
      ELSE 'anomalous_price' END`;
  } else if (baseline.kind === 'official') {
    const feasible = Array.from({ length: shape.officials }, (_, r) => `s.official_${r + 1}_cap >= ${total}`);
    reason = shape.officials
      ? `CASE WHEN ${feasible.join(' OR ')} THEN NULL ELSE ${reasonOf('s.official_1_slot', why('s.official_1_slot'), 's.official_1_cap')} END`
      : `'no_baseline_offering'`;
  } else {
    const j = baseline.index;
    reason = `CASE WHEN s.named_${j}_cap >= ${total} THEN NULL ELSE ${reasonOf(`s.named_${j}_slot`, why(`s.named_${j}_slot`), `s.named_${j}_cap`)} END`;
  }
  const rows = await store.all<{ reason: ExclusionReason; n: number }>(
    `SELECT reason, count(*) AS n FROM (SELECT ${reason} AS reason ${segmentJoin(requests, baseline.kind === 'observed')})
     WHERE reason IS NOT NULL GROUP BY reason`,
    requests.params,
  );
  return Object.fromEntries(rows.map((r) => [r.reason, r.n]));
}

/** `CASE slot WHEN 1 THEN name_1 …`: figure `name` of the slot an expression picks. */
export function figureOf(name: Figure, slot: string, slots: number): string {
  return `CASE ${slot} ${Array.from({ length: slots }, (_, i) => `WHEN ${i + 1} THEN ${name}_${i + 1}`).join(' ')} END`;
}

/** The first slot (or with `last`, the last), in provider-name order, for which `cond(k)` holds. */
export function firstSlot(cond: (k: number) => string, slots: number, last = false): string {
  const ks = Array.from({ length: slots }, (_, i) => i + 1);
  return `CASE ${(last ? ks.reverse() : ks).map((k) => `WHEN ${cond(k)} THEN ${k}`).join(' ')} END`;
}

/** Every (request, provider) with its feasibility: for tests and inspection. */
export function feasibilitySql(candidates: SqlFragment, slots: number): SqlFragment {
  const pairs = Array.from({ length: slots }, (_, i) => `{'slot': ${i + 1}, 'feasible': feas_${i + 1}}`);
  return {
    sql: `SELECT request_id, s.provider, x.feasible
      FROM (SELECT request_id, model, unnest([${pairs.join(', ')}]) AS x FROM (${candidates.sql})) c
      JOIN sim_slots s ON s.model = c.model AND s.slot = x.slot`,
    params: candidates.params,
  };
}
