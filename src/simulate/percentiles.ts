/**
 * Exact p50 and p90 of each policy's end-to-end latencies without keeping every
 * latency. A list of every compared request's latency costs each policy more than
 * all its sums together, so on large replays a replay of a hashed sample first
 * tells where each percentile lies; the full pass then counts, per policy, the
 * latencies below a band around it and keeps only those inside. When the band
 * holds both order statistics the percentile is interpolated between them as
 * quantile_cont does (linearly, at rank (n − 1)·q); when it does not, the
 * caller replays again keeping every latency. `--by` groups always keep every
 * latency: each group would need bands of its own.
 */
import type { SqlFragment } from '../query/selection.js';
import type { Store } from '../store/db.js';

export const PERCENTILES = [0.5, 0.9] as const;

/** Sample about this many requests to place the bands … */
const SAMPLE_SIZE = 50_000;
/** … when there are at least this many (fewer are cheap to keep whole). */
const MIN_REQUESTS = 4 * SAMPLE_SIZE;
/** A band reaches this many standard errors of a sample quantile's rank either side. */
const SIGMAS = 6;

/** Where to look for each percentile of one policy: [lo, hi] of its latencies, per entry of PERCENTILES. */
export type Bands = [number, number][];

/** How to sample: about every n-th request (by a hash of its time and tokens), and the band's half-width in standard errors. */
export interface BandSampling {
  every: number;
  sigmas: number;
}

/** The sampling for a replay of `requests` requests, or undefined when every latency is kept. */
export function bandSampling(requests: number): BandSampling | undefined {
  return requests >= MIN_REQUESTS ? { every: Math.floor(requests / SAMPLE_SIZE), sigmas: SIGMAS } : undefined;
}

/**
 * The aggregate columns a policy's latencies need: a list of all of them; or their
 * count, per percentile the count below its band, and the latencies inside any band.
 */
export type Latencies = { all: string } | { n: string; below: string[]; inside: string; bands: Bands };

const literal = (x: number) => `'${x === Infinity ? 'infinity' : x === -Infinity ? '-infinity' : String(x)}'::DOUBLE`;

const inBand = (x: string, [lo, hi]: [number, number]) => `(${x} >= ${literal(lo)} AND ${x} <= ${literal(hi)})`;

/**
 * The aggregates of latency column `x` (see Latencies), through `agg`, which names
 * each one. When the bands lie apart, in order, one CASE (a column, through `column`)
 * tells where a latency lies: 2j below band j and above the one before, 2j + 1 inside
 * band j, 2·bands above the last (and a missing one); so the count below band j is
 * that of cases under 2j + 1, and a latency inside a band has an odd case. Bands that
 * touch take conditions of their own.
 */
export function latencyAggregates(
  x: string,
  bands: Bands | undefined,
  agg: (expr: string) => string,
  column: (expr: string) => string,
): Latencies {
  if (!bands) return { all: agg(`list(${x}) FILTER (WHERE ${x} IS NOT NULL)`) };
  const n = agg(`count(${x})`);
  if (bands.every(([, hi], j) => j === bands.length - 1 || hi < bands[j + 1][0])) {
    const where = column(
      `CASE ${bands.map(([lo, hi], j) => `WHEN ${x} < ${literal(lo)} THEN ${2 * j} WHEN ${x} <= ${literal(hi)} THEN ${2 * j + 1}`).join(' ')}
       ELSE ${2 * bands.length} END`,
    );
    return {
      n,
      below: bands.map((_, j) => agg(`count_if(${where} < ${2 * j + 1})`)),
      inside: agg(`list(${x}) FILTER (WHERE ${where} % 2 = 1)`),
      bands,
    };
  }
  // count_if and one filtered list: each FILTER clause costs an aggregate a pass of its own
  return {
    n,
    below: bands.map(([lo]) => agg(`count_if(${x} < ${literal(lo)})`)),
    inside: agg(`list(${x}) FILTER (WHERE ${bands.map((b) => inBand(x, b)).join(' OR ')})`),
    bands,
  };
}

/**
 * Each policy's bands from a replay of the sample (`sample`: replaySql over the
 * sampled requests, `p<i>_e2e` per policy): the sample quantiles at
 * q ± sigmas·(√(q(1 − q)/m) + 1/m) for m sampled latencies, open-ended past 0 and 1.
 */
export async function latencyBands(
  store: Store,
  sample: SqlFragment,
  policies: number,
  sigmas: number,
): Promise<Bands[]> {
  const is = Array.from({ length: policies }, (_, i) => i);
  await store.run(
    `CREATE OR REPLACE TEMP TABLE sim_sample AS
     SELECT ${is.map((i) => `list(p${i}_e2e) FILTER (WHERE p${i}_e2e IS NOT NULL) AS l${i}`).join(', ')} FROM (${sample.sql})`,
    sample.params,
  );
  const sizes = await store.one<Record<string, number>>(
    `SELECT ${is.map((i) => `len(l${i}) AS m${i}`).join(', ')} FROM sim_sample`,
  );
  const wanted = is.map((i) => {
    const m = sizes?.[`m${i}`] ?? 0;
    return PERCENTILES.map((q) => {
      const d = m > 0 ? sigmas * (Math.sqrt((q * (1 - q)) / m) + 1 / m) : 1;
      return [q - d, q + d];
    });
  });
  // quantile_cont of the sample at each bound inside (0, 1), all of a policy's at once (one sort); NULL for an empty sample
  const inside = wanted.map((w) => w.flat().filter((p) => p > 0 && p < 1));
  const exprs = is.map(
    (i) =>
      (inside[i].length ? `list_aggregate(l${i}, 'quantile_cont', [${inside[i].join(', ')}])` : 'NULL') + ` AS b${i}`,
  );
  const row = await store.one<Record<string, number[] | null>>(`SELECT ${exprs.join(', ')} FROM sim_sample`);
  await store.run('DROP TABLE sim_sample');
  return is.map((i) => {
    const at = (p: number) => (p > 0 && p < 1 ? (row?.[`b${i}`]?.[inside[i].indexOf(p)] ?? null) : null);
    return wanted[i].map(([lo, hi]) => [at(lo) ?? -Infinity, at(hi) ?? Infinity]);
  });
}

/** A policy's (and group's) p50 and p90, null where it compared nothing. */
export type Percentiles = Map<string, [number | null, number | null]>;

export const groupKey = (policy: string, grp: string | null) => `${policy}\u0000${grp ?? ''}`;

/** The group column for `by` (NULL for one group of everything). */
export const groupColumn = (by?: 'model' | 'task') => (by ? `CAST(${by} AS VARCHAR)` : 'CAST(NULL AS VARCHAR)');

/**
 * p50 and p90 per policy (and `by` group) from `sim_agg_wide`'s latency columns;
 * null when a band missed its percentile (replay keeping every latency then).
 */
export async function latencyPercentiles(
  store: Store,
  policies: readonly string[],
  latencies: Latencies[],
  by?: 'model' | 'task',
): Promise<Percentiles | null> {
  const names = Object.fromEntries(policies.map((p, i) => [`policy_${i}`, p]));
  const out: Percentiles = new Map();
  const all = latencies.flatMap((l, i) => ('all' in l ? [{ i, col: l.all }] : []));
  if (all.length) {
    const grp = groupColumn(by);
    const rows = await store.all<{ policy: string; grp: string | null; q: number[] }>(
      `SELECT policy, grp, quantile_cont(x, [${PERCENTILES.join(', ')}]) AS q
       FROM (${all.map(({ i, col }) => `SELECT $policy_${i} AS policy, ${grp} AS grp, unnest(${col}) AS x FROM sim_agg_wide`).join(' UNION ALL ')})
       GROUP BY ALL`,
      names,
    );
    for (const r of rows) out.set(groupKey(r.policy, r.grp), [r.q[0] ?? null, r.q[1] ?? null]);
  }
  // the two order statistics around rank h = (n − 1)·q (0-based), looked up in the sorted band; one query for every policy
  const parts = latencies.flatMap((l, i) =>
    'all' in l
      ? []
      : PERCENTILES.map(
          (q, k) => `
      SELECT ${i} AS i, ${k} AS k, n::DOUBLE AS n, h, below::DOUBLE AS below, len(band)::DOUBLE AS size,
        band[floor(h)::BIGINT - below + 1] AS x0, band[ceil(h)::BIGINT - below + 1] AS x1
      FROM (SELECT *, (n - 1)::DOUBLE * ${q}::DOUBLE AS h FROM (
        SELECT sum(${l.n})::BIGINT AS n, sum(${l.below[k]})::BIGINT AS below,
          list_sort(list_filter(flatten(list(${l.inside})), x -> ${inBand('x', l.bands[k])})) AS band
        FROM sim_agg_wide))`,
        ),
  );
  if (!parts.length) return out;
  const rows = await store.all<{
    i: number;
    k: number;
    n: number;
    h: number;
    below: number;
    size: number;
    x0: number | null;
    x1: number | null;
  }>(`${parts.join(' UNION ALL ')} ORDER BY i, k`);
  for (const s of rows) {
    let value: number | null = null;
    if (s.n) {
      const lo = Math.floor(s.h);
      if (s.below > lo || Math.ceil(s.h) >= s.below + s.size || s.x0 === null || s.x1 === null) return null;
      value = s.x0 + (s.h - lo) * (s.x1 - s.x0);
    }
    const key = groupKey(policies[s.i], null);
    const pair = out.get(key) ?? [null, null];
    pair[s.k] = value;
    out.set(key, pair);
  }
  return out;
}
