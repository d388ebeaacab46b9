import type { SqlFragment } from '../query/selection.js';
import type { Store } from '../store/db.js';
import { figureOf } from './feasibility.js';

export interface FitFigure {
  /** requests with both a modelled and a logged value */
  n: number;
  /** median absolute percentage error, percent */
  mdape: number | null;
  /** median signed percentage error (modelled − logged) / logged, percent: > 0 means the model overstates */
  bias: number | null;
}

export interface OutcomeFit {
  cost: FitFigure;
  ttft: FitFigure;
  tps: FitFigure;
  verdict: string;
}

/**
 * How well the outcome model reproduces what was logged: for each request, its
 * own provider's modelled cost, TTFT and TPS against the logged cost, TTFT and
 * request TPS (output / ((latency − TTFT) / 1000)); TTFT and TPS over ok
 * requests only.
 */
function fitSql(candidates: SqlFragment, slots: number): SqlFragment {
  const fig = (f: 'cost' | 'o_ttft' | 'o_tps') => figureOf(f, 'observed_slot', slots);
  const logged_tps = `output_tokens / ((logged_latency - logged_ttft) / 1000)`;
  const sql = `
WITH e AS (
  SELECT
    CASE WHEN logged_cost > 0 THEN (${fig('cost')} - logged_cost) / logged_cost END AS cost_err,
    CASE WHEN status = 'ok' AND logged_ttft > 0 THEN (${fig('o_ttft')} - logged_ttft) / logged_ttft END AS ttft_err,
    CASE WHEN status = 'ok' AND logged_latency > logged_ttft AND output_tokens > 0
      THEN (${fig('o_tps')} - ${logged_tps}) / (${logged_tps}) END AS tps_err
  FROM (${candidates.sql})
)
SELECT
  count(cost_err) AS cost_n, quantile_cont(abs(cost_err), 0.5) * 100 AS cost_mdape, quantile_cont(cost_err, 0.5) * 100 AS cost_bias,
  count(ttft_err) AS ttft_n, quantile_cont(abs(ttft_err), 0.5) * 100 AS ttft_mdape, quantile_cont(ttft_err, 0.5) * 100 AS ttft_bias,
  count(tps_err) AS tps_n, quantile_cont(abs(tps_err), 0.5) * 100 AS tps_mdape, quantile_cont(tps_err, 0.5) * 100 AS tps_bias
FROM e`;
  return { sql, params: candidates.params };
}

/** One line on how far to trust the replay, from the worst median error among the figures measured. */
export function fitVerdict(figures: FitFigure[]): string {
  const worst = Math.max(...figures.filter((f) => f.n > 0 && f.mdape !== null).map((f) => f.mdape as number));
  if (!Number.isFinite(worst)) return 'no logged cost, TTFT or latency to check the outcome model against';
  if (worst < 10)
    return `close fit (median errors below ${Math.ceil(worst)}%): the replay's figures can be taken at face value`;
  if (worst < 30)
    return `rough fit (median errors up to ${Math.ceil(worst)}%): trust differences between policies larger than that`;
  return `loose fit (median errors up to ${Math.ceil(worst)}%): compare policies with one another, not with the logged figures`;
}

/** The fit over `candidates` (feasibility.candidatesSql, whose requests carry the logged figures). */
export async function outcomeFit(store: Store, candidates: SqlFragment, slots: number): Promise<OutcomeFit> {
  const q = fitSql(candidates, slots);
  const r = (await store.one<Record<string, number | null>>(q.sql, q.params))!;
  const figure = (k: string): FitFigure => ({ n: r[`${k}_n`] ?? 0, mdape: r[`${k}_mdape`], bias: r[`${k}_bias`] });
  const [cost, ttft, tps] = ['cost', 'ttft', 'tps'].map(figure);
  return { cost, ttft, tps, verdict: fitVerdict([cost, ttft, tps]) };
}
