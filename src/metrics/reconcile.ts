/**
 * Reconcile: what each logged request was billed against its list cost at the price in force,
 * per model and provider, and the prices the bills imply (SPEC, "Reconcile" and "Effective
 * prices from bills"). The requests are scanned once, set-wise; each group's least-squares
 * fit needs only its sums of products, so the fit itself is a 3 × 3 solve per group.
 */
import type { Store } from '../store/db.js';
import { tierOf } from '../query/measures.js';
import { LIST_COST, PRICE_BOOK, selectedRequestsSql, type AnalyzeSelection } from '../query/selection.js';

/** Why a request's bill was not compared with its list cost, in the order they are tested. */
export const UNPRICED_REASONS = [
  'no_billed_cost',
  'no_price',
  'currency_differs',
  'failed_not_billed',
  'free_or_byok',
] as const;
export type UnpricedReason = (typeof UNPRICED_REASONS)[number];

/** A fit needs this many billed requests; below it every component is null. */
export const MIN_FIT_REQUESTS = 20;

/**
 * Two token columns whose uncentered correlation reaches this are one column to the fit (their
 * tokens keep one ratio): neither price can be told from the other.
 */
const COLLINEAR = 1 - 1e-9;

export interface ReconcileFigures {
  requests: number;
  /** requests with a billed cost and a list price in the same currency (not free) */
  priced: number;
  billedCost: number | null;
  listCost: number | null;
  /** (listCost − billedCost) / billedCost × 100 over the priced requests */
  deltaPct: number | null;
  /** median over the priced requests of |list − billed| / billed × 100 */
  medianAbsErrorPct: number | null;
  /** the requests not priced, by reason */
  unpriced: Partial<Record<UnpricedReason, number>>;
}

export interface EffectivePrices {
  /** per 1 M tokens, in the row's currency; null where the bills cannot identify it */
  effectiveInputPrice: number | null;
  effectiveCachedPrice: number | null;
  effectiveOutputPrice: number | null;
  /** 1 − SSE / SST of the fit (SST about the mean bill); null without a fit or when every bill is the same */
  r2: number | null;
  /** requests the fit used: billed (not free), no cache writes, at the base price tier */
  n: number;
}

export interface ReconcileFit extends EffectivePrices {
  /** the first request the fit used (ISO time): saved prices are in force from it */
  fitFrom: string | null;
}

export interface ReconcileRow extends ReconcileFigures, ReconcileFit {
  model: string;
  provider: string;
  /** the currency the requests were billed in */
  currency: string | null;
  /** base-tier list prices in force at the row's last request, per 1 M tokens */
  listInputPrice: number | null;
  listCachedPrice: number | null;
  listOutputPrice: number | null;
  /** where the fitted prices depart from the list, in words; null when they agree (within 2%) or cannot tell */
  finding: string | null;
}

export interface ReconcileResult {
  /** by billed cost, largest first, then model and provider */
  rows: ReconcileRow[];
  /** over every row; the costs and percentages only when the priced requests share one currency */
  overall: ReconcileFigures & { currency: string | null };
}

/**
 * One row per (model, provider, billed currency): the comparison's sums and median, the
 * unpriced counts by reason, the fit's sums of products over (fresh input, cached, output)
 * tokens per 1 M and the bill, and the list prices in force at the last request; and one row
 * (`overall`) over every request.
 */
export function reconcileSql(sel: Omit<AnalyzeSelection, 'by'>) {
  const s = selectedRequestsSql({ ...sel, by: 'requests' });
  const tier = tierOf('pb.tiers', 'q.input_tokens');
  const sql = `
WITH q AS (${s.sql}),
r AS (
  SELECT q.model, q.provider, q.currency, q.ts, q.cost,
    ${LIST_COST('pb')} AS list_cost,
    CASE WHEN q.cost IS NULL THEN 'no_billed_cost'
      WHEN (${tier}).input_price IS NULL THEN 'no_price'
      WHEN q.currency IS DISTINCT FROM pb.currency THEN 'currency_differs'
      WHEN q.cost = 0 AND q.status = 'error' THEN 'failed_not_billed'
      WHEN q.cost = 0 THEN 'free_or_byok' END AS reason,
    -- the fit: a billed request without cache writes, at the base tier (or with no list tiers to tell)
    q.cost > 0 AND coalesce(q.cache_write_tokens, 0) = 0 AND coalesce((${tier}).min, 0) = 0 AS fits,
    (q.input_tokens - coalesce(q.cached_tokens, 0)) / 1e6 AS x1, coalesce(q.cached_tokens, 0) / 1e6 AS x2,
    q.output_tokens / 1e6 AS x3, pb.tiers[1] AS base
  FROM q ASOF LEFT JOIN (${PRICE_BOOK}) pb ON pb.provider = q.provider AND pb.name = q.name AND q.ts >= pb.ts
)
SELECT * EXCLUDE (last_base), last_base.input_price AS "listInputPrice",
  last_base.cached_input_price AS "listCachedPrice", last_base.output_price AS "listOutputPrice"
FROM (
SELECT grouping(model, provider, currency) > 0 AS overall, model, provider, currency, count(*) AS requests, count(*) FILTER (WHERE reason IS NULL) AS priced,
  kahan_sum(cost) FILTER (WHERE reason IS NULL) AS "billedCost",
  kahan_sum(list_cost) FILTER (WHERE reason IS NULL) AS "listCost",
  median(abs(list_cost - cost) / cost * 100) FILTER (WHERE reason IS NULL) AS "medianAbsErrorPct",
  ${UNPRICED_REASONS.map((k) => `count(*) FILTER (WHERE reason = '${k}') AS ${k}`).join(', ')},
  -- the whole base tier of the latest snapshot, so that an empty cached price stays empty
  arg_max(base, ts) FILTER (WHERE base IS NOT NULL) AS last_base,
  count(*) FILTER (WHERE fits) AS n, strftime(min(ts) FILTER (WHERE fits), '%Y-%m-%dT%H:%M:%S.%gZ') AS "fitFrom",
  ${[
    ['11', 'x1 * x1'],
    ['12', 'x1 * x2'],
    ['13', 'x1 * x3'],
    ['22', 'x2 * x2'],
    ['23', 'x2 * x3'],
    ['33', 'x3 * x3'],
    ['1y', 'x1 * cost'],
    ['2y', 'x2 * cost'],
    ['3y', 'x3 * cost'],
    ['y', 'cost'],
    ['yy', 'cost * cost'],
  ]
    .map(([k, e]) => `kahan_sum(${e}) FILTER (WHERE fits) AS s${k}`)
    .join(', ')}
FROM r GROUP BY GROUPING SETS ((model, provider, currency), ())
)
ORDER BY "billedCost" DESC NULLS LAST, model, provider, currency`;
  return { sql, params: s.params };
}

type Sums = Record<'s11' | 's12' | 's13' | 's22' | 's23' | 's33' | 's1y' | 's2y' | 's3y' | 'sy' | 'syy', number | null>;

type Row = Omit<ReconcileRow, 'unpriced' | keyof EffectivePrices | 'finding' | 'deltaPct'> &
  Record<UnpricedReason, number> &
  Sums & { n: number; overall: boolean };

/** Solves a small dense system by Gaussian elimination with partial pivoting; null when singular. */
function solve(a: number[][], b: number[]): number[] | null {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    if (Math.abs(m[p][c]) < 1e-300) return null;
    [m[c], m[p]] = [m[p], m[c]];
    for (let r = c + 1; r < n; r++) {
      const f = m[r][c] / m[c][c];
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let v = m[r][n];
    for (let k = r + 1; k < n; k++) v -= m[r][k] * x[k];
    x[r] = v / m[r][r];
  }
  return x;
}

/**
 * Non-negative least squares of the bill on (fresh input, cached, output) tokens per 1 M, from
 * the sums of products: a column without tokens, or two whose tokens keep one ratio (merged
 * into one column for the fit), leave their prices null. With at most three columns every set
 * of free columns is tried and the best non-negative solution kept, which is the NNLS optimum.
 */
export function fitPrices(s: Sums & { n: number }): EffectivePrices {
  const none: EffectivePrices = {
    effectiveInputPrice: null,
    effectiveCachedPrice: null,
    effectiveOutputPrice: null,
    r2: null,
    n: s.n,
  };
  if (s.n < MIN_FIT_REQUESTS) return none;
  const v = (x: number | null) => x ?? 0;
  const gram = [
    [v(s.s11), v(s.s12), v(s.s13)],
    [v(s.s12), v(s.s22), v(s.s23)],
    [v(s.s13), v(s.s23), v(s.s33)],
  ];
  const xy = [v(s.s1y), v(s.s2y), v(s.s3y)];
  // groups of original columns the fit can tell apart: empty columns dropped, collinear ones merged
  const groups: number[][] = [];
  for (let j = 0; j < 3; j++) {
    if (gram[j][j] <= 0) continue;
    const with_ = groups.find((g) => gram[g[0]][j] / Math.sqrt(gram[g[0]][g[0]] * gram[j][j]) >= COLLINEAR);
    if (with_) with_.push(j);
    else groups.push([j]);
  }
  // the merged design: column g is the sum of its original columns
  const G = groups.map((g) => groups.map((h) => g.reduce((t, i) => t + h.reduce((u, k) => u + gram[i][k], 0), 0)));
  const Gy = groups.map((g) => g.reduce((t, i) => t + xy[i], 0));
  let best: { coef: number[]; sse: number } | null = null;
  for (let mask = 1; mask < 1 << groups.length; mask++) {
    const free = groups.map((_, i) => i).filter((i) => mask & (1 << i));
    const b = solve(
      free.map((i) => free.map((k) => G[i][k])),
      free.map((i) => Gy[i]),
    );
    if (!b || b.some((x) => x < 0)) continue;
    const coef = groups.map(() => 0);
    free.forEach((i, k) => (coef[i] = b[k]));
    // SSE = Σy² − 2 b'X'y + b'X'Xb
    let quad = 0;
    for (let i = 0; i < groups.length; i++) for (let k = 0; k < groups.length; k++) quad += coef[i] * coef[k] * G[i][k];
    const sse = v(s.syy) - 2 * coef.reduce((t, c, i) => t + c * Gy[i], 0) + quad;
    if (!best || sse < best.sse) best = { coef, sse };
  }
  const price = (j: number): number | null => {
    const i = groups.findIndex((g) => g.length === 1 && g[0] === j);
    return i < 0 ? null : (best?.coef[i] ?? 0);
  };
  const sst = v(s.syy) - v(s.sy) ** 2 / s.n;
  return {
    effectiveInputPrice: price(0),
    effectiveCachedPrice: price(1),
    effectiveOutputPrice: price(2),
    r2: best && sst > 1e-15 * Math.max(v(s.syy), 1e-300) ? 1 - Math.max(best.sse, 0) / sst : null,
    n: s.n,
  };
}

/** Fitted and list prices differ by more than this share before a row names the difference. */
const FINDING_TOLERANCE = 0.02;

/** Where the fitted prices depart from the list, in words ("bills cached tokens at 0.5x the input price; …"). */
export function findingOf(
  r: Pick<ReconcileRow, 'listInputPrice' | 'listCachedPrice' | 'listOutputPrice'> & EffectivePrices,
): string | null {
  const parts: string[] = [];
  const off = (fitted: number | null, list: number | null) =>
    fitted !== null && list !== null && Math.abs(fitted - list) > FINDING_TOLERANCE * Math.max(list, 1e-12);
  const pct = (fitted: number, list: number) =>
    list > 0 ? `${fitted >= list ? '+' : '−'}${Math.abs((fitted / list - 1) * 100).toFixed(1)}%` : 'list 0';
  const n = (x: number) => Number(x.toPrecision(4));
  if (off(r.effectiveInputPrice, r.listInputPrice))
    parts.push(
      `bills input at ${n(r.effectiveInputPrice!)} (list ${n(r.listInputPrice!)}, ${pct(r.effectiveInputPrice!, r.listInputPrice!)})`,
    );
  if (r.effectiveCachedPrice !== null) {
    const listCached = r.listCachedPrice ?? r.listInputPrice;
    const ratio = r.effectiveInputPrice
      ? ` (${n(r.effectiveCachedPrice / r.effectiveInputPrice)}x the input price)`
      : '';
    if (r.listCachedPrice === null && r.listInputPrice !== null && off(r.effectiveCachedPrice, r.listInputPrice))
      parts.push(`bills cached tokens at ${n(r.effectiveCachedPrice)}${ratio}; the catalogue has no cached price`);
    else if (off(r.effectiveCachedPrice, listCached))
      parts.push(`bills cached tokens at ${n(r.effectiveCachedPrice)}${ratio} (list ${n(listCached!)})`);
  }
  if (off(r.effectiveOutputPrice, r.listOutputPrice))
    parts.push(
      `bills output at ${n(r.effectiveOutputPrice!)} (list ${n(r.listOutputPrice!)}, ${pct(r.effectiveOutputPrice!, r.listOutputPrice!)})`,
    );
  return parts.length ? parts.join('; ') : null;
}

const deltaPct = (billed: number | null, list: number | null) =>
  billed && list !== null ? ((list - billed) / billed) * 100 : null;

export async function reconcile(store: Store, sel: Omit<AnalyzeSelection, 'by'>): Promise<ReconcileResult> {
  const q = reconcileSql(sel);
  const raw = await store.all<Row>(q.sql, q.params);
  const figures = (r: Row): ReconcileFigures => ({
    requests: r.requests,
    priced: r.priced,
    billedCost: r.billedCost,
    listCost: r.listCost,
    deltaPct: deltaPct(r.billedCost, r.listCost),
    medianAbsErrorPct: r.medianAbsErrorPct,
    unpriced: Object.fromEntries(UNPRICED_REASONS.filter((k) => r[k] > 0).map((k) => [k, r[k]])),
  });
  const rows: ReconcileRow[] = raw
    .filter((r) => !r.overall)
    .map((r) => {
      const row = {
        model: r.model,
        provider: r.provider,
        currency: r.currency,
        ...figures(r),
        listInputPrice: r.listInputPrice,
        listCachedPrice: r.listCachedPrice,
        listOutputPrice: r.listOutputPrice,
        ...fitPrices(r),
        fitFrom: r.fitFrom,
      };
      return { ...row, finding: findingOf(row) };
    });
  const all = raw.find((r) => r.overall);
  // costs in two currencies do not add up
  const currencies = new Set(rows.filter((r) => r.priced > 0).map((r) => r.currency));
  const summed = all ? figures(all) : figures({ requests: 0, priced: 0 } as Row);
  const overall =
    currencies.size > 1
      ? { ...summed, billedCost: null, listCost: null, deltaPct: null, medianAbsErrorPct: null, currency: null }
      : { ...summed, currency: [...currencies][0] ?? null };
  return { rows, overall };
}

/**
 * Stores the rows' fitted prices as snapshots in `billed_prices`, in force from each fit's first
 * request; a model and provider saved again replaces its earlier rows. A row without a fitted
 * input and output price is not a price and is skipped. Returns the rows saved.
 */
export async function saveBilledPrices(store: Store, rows: ReconcileRow[]): Promise<ReconcileRow[]> {
  const saved = rows.filter((r) => r.effectiveInputPrice !== null && r.effectiveOutputPrice !== null && r.fitFrom);
  await store.transaction(async () => {
    for (const r of saved) {
      await store.run(
        'DELETE FROM billed_prices WHERE model = $1 AND provider = $2 AND currency IS NOT DISTINCT FROM $3',
        [r.model, r.provider, r.currency],
      );
      await store.run(
        `INSERT INTO billed_prices VALUES (CAST($1 AS TIMESTAMP), $2, $3, $4, $5, $6, $7, $8, $9, now()::TIMESTAMP)`,
        [
          r.fitFrom,
          r.provider,
          r.model,
          r.effectiveInputPrice,
          r.effectiveOutputPrice,
          r.effectiveCachedPrice,
          r.currency,
          r.r2,
          r.n,
        ],
      );
    }
  });
  return saved;
}
