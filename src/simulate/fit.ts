import type { SqlFragment } from '../query/selection.js';
import type { Store } from '../store/db.js';
import { figureOf } from './feasibility.js';

/** A figure is judged over at least this many requests: a median over fewer says little. */
export const MIN_FIT_REQUESTS = 100;

export interface FitFigure {
  /** requests with both a modelled and a logged value */
  n: number;
  /** median absolute percentage error, percent; null below MIN_FIT_REQUESTS */
  mdape: number | null;
  /** median signed percentage error (modelled − logged) / logged, percent: > 0 means the model overstates; null below MIN_FIT_REQUESTS */
  bias: number | null;
}

export interface OutcomeFit {
  /** some figure has MIN_FIT_REQUESTS requests or more; else no errors, and `reason` says why */
  judged: boolean;
  cost: FitFigure;
  ttft: FitFigure;
  tps: FitFigure;
  /** modelled end-to-end latency against the logged `latency_ms`, where the request logged no TTFT */
  latency: FitFigure;
  verdict: string;
  /** only when not judged: the verdict's reason */
  reason?: string;
}

/**
 * How well the outcome model reproduces what was logged: for each request, its
 * own provider's modelled cost, TTFT and TPS against the logged cost, TTFT and
 * request TPS (output / ((latency − TTFT) / 1000)); where no TTFT was logged, its
 * modelled end-to-end latency against the logged latency. Times over ok requests only.
 */
function fitSql(candidates: SqlFragment, slots: number): SqlFragment {
  const fig = (f: 'cost' | 'o_ttft' | 'o_tps' | 'o_e2e') => figureOf(f, 'observed_slot', slots);
  const logged_tps = `output_tokens / ((logged_latency - logged_ttft) / 1000)`;
  const figures = ['cost', 'ttft', 'tps', 'latency'];
  const sql = `
WITH e AS (
  SELECT
    CASE WHEN logged_cost > 0 THEN (${fig('cost')} - logged_cost) / logged_cost END AS cost_err,
    CASE WHEN status = 'ok' AND logged_ttft > 0 THEN (${fig('o_ttft')} - logged_ttft) / logged_ttft END AS ttft_err,
    CASE WHEN status = 'ok' AND logged_latency > logged_ttft AND output_tokens > 0
      THEN (${fig('o_tps')} - ${logged_tps}) / (${logged_tps}) END AS tps_err,
    CASE WHEN status = 'ok' AND logged_ttft IS NULL AND logged_latency > 0
      THEN (${fig('o_e2e')} - logged_latency) / logged_latency END AS latency_err
  FROM (${candidates.sql})
)
SELECT ${figures
    .map(
      (f) =>
        `count(${f}_err) AS ${f}_n, quantile_cont(abs(${f}_err), 0.5) * 100 AS ${f}_mdape, quantile_cont(${f}_err, 0.5) * 100 AS ${f}_bias`,
    )
    .join(',\n  ')}
FROM e`;
  return { sql, params: candidates.params };
}

/** One line on how far to trust the replay, from the worst median error among the figures judged. */
export function fitVerdict(figures: FitFigure[]): string {
  const worst = Math.max(...figures.filter((f) => f.n > 0 && f.mdape !== null).map((f) => f.mdape as number));
  if (!Number.isFinite(worst)) return 'no logged cost, TTFT or latency to check the outcome model against';
  if (worst < 10)
    return `close fit (median errors below ${Math.ceil(worst)}%): the replay's figures can be taken at face value`;
  if (worst < 30)
    return `rough fit (median errors up to ${Math.ceil(worst)}%): trust differences between policies larger than that`;
  return `loose fit (median errors up to ${Math.ceil(worst)}%): compare policies with one another, not with the logged figures`;
}

/**
 * The fit from each figure's count and median errors: a figure over fewer than
 * MIN_FIT_REQUESTS requests keeps its count and loses its errors; with no figure
 * left, the fit is not judged and says why.
 */
export function judgeFit(figures: Record<'cost' | 'ttft' | 'tps' | 'latency', FitFigure>): OutcomeFit {
  const kept = (f: FitFigure): FitFigure => (f.n >= MIN_FIT_REQUESTS ? f : { n: f.n, mdape: null, bias: null });
  const [cost, ttft, tps, latency] = [figures.cost, figures.ttft, figures.tps, figures.latency].map(kept);
  const all = [figures.cost, figures.ttft, figures.tps, figures.latency];
  if (all.some((f) => f.n >= MIN_FIT_REQUESTS))
    return { judged: true, cost, ttft, tps, latency, verdict: fitVerdict([cost, ttft, tps, latency]) };
  const most = Math.max(...all.map((f) => f.n));
  const reason =
    most === 0
      ? 'no logged cost, TTFT or latency to check the outcome model against'
      : `too few requests to judge: at most ${most.toLocaleString('en-US')} with a logged cost, TTFT or latency ` +
        `to compare with the model, ${MIN_FIT_REQUESTS} needed`;
  return { judged: false, cost, ttft, tps, latency, verdict: reason, reason };
}

/** The fit over `candidates` (feasibility.candidatesSql, whose requests carry the logged figures). */
export async function outcomeFit(store: Store, candidates: SqlFragment, slots: number): Promise<OutcomeFit> {
  const q = fitSql(candidates, slots);
  const r = (await store.one<Record<string, number | null>>(q.sql, q.params))!;
  const figure = (k: string): FitFigure => ({ n: r[`${k}_n`] ?? 0, mdape: r[`${k}_mdape`], bias: r[`${k}_bias`] });
  return judgeFit({ cost: figure('cost'), ttft: figure('ttft'), tps: figure('tps'), latency: figure('latency') });
}
