import type { Store } from '../store/db.js';
import { selectedRequestsSql, type AnalyzeSelection, type DemandUnit } from '../query/selection.js';

export type LengthClass = 'short' | 'medium' | 'long';

/**
 * Length classes of a task's median request, in tokens: input short < 1024 ≤
 * medium < 8192 ≤ long (a chat turn / a document or repository context);
 * output short < 256 ≤ medium < 2048 ≤ long (a label or edit / an essay or a
 * reasoning trace).
 */
export const INPUT_CLASSES = { medium: 1024, long: 8192 } as const;
export const OUTPUT_CLASSES = { medium: 256, long: 2048 } as const;

export function lengthClass(tokens: number, bounds: { medium: number; long: number }): LengthClass {
  return tokens < bounds.medium ? 'short' : tokens < bounds.long ? 'medium' : 'long';
}

/** "long-in / short-out" from the median input and output tokens. */
export function regimeLabel(p50Input: number, p50Output: number): string {
  return `${lengthClass(p50Input, INPUT_CLASSES)}-in / ${lengthClass(p50Output, OUTPUT_CLASSES)}-out`;
}

export interface TokenPercentiles {
  p50: number;
  p90: number;
  p99: number;
}

export interface TaskRegime {
  /** the task label; null for requests without one */
  task: string | null;
  requests: number;
  /** percent of the selected requests */
  requestShare: number;
  demand: number;
  /** percent of the selected demand in the unit */
  demandShare: number | null;
  inputTokens: TokenPercentiles;
  outputTokens: TokenPercentiles;
  /** mean of output / input over the requests with input > 0 */
  meanOutputInputRatio: number | null;
  inputClass: LengthClass;
  outputClass: LengthClass;
  regime: string;
}

export interface TaskRegimesResult {
  unit: DemandUnit;
  /** by requests, most first, then by task */
  tasks: TaskRegime[];
}

/** Percentiles are linear-interpolated (`quantile_cont`). */
export function taskRegimesSql(sel: AnalyzeSelection) {
  const s = selectedRequestsSql(sel);
  const sql = `
WITH sel AS (${s.sql})
SELECT task, count(*) AS requests,
  count(*) * 100.0 / sum(count(*)) OVER () AS "requestShare",
  sum(demand) AS demand,
  sum(demand) / nullif(sum(sum(demand)) OVER (), 0) * 100 AS "demandShare",
  quantile_cont(input_tokens, [0.5, 0.9, 0.99]) AS qi,
  quantile_cont(output_tokens, [0.5, 0.9, 0.99]) AS qo,
  avg(output_tokens / input_tokens) FILTER (WHERE input_tokens > 0) AS "meanOutputInputRatio"
FROM sel GROUP BY task
ORDER BY requests DESC, task NULLS LAST`;
  return { sql, params: s.params };
}

type Row = Omit<TaskRegime, 'inputTokens' | 'outputTokens' | 'inputClass' | 'outputClass' | 'regime'> & {
  qi: number[];
  qo: number[];
};

const percentiles = ([p50, p90, p99]: number[]): TokenPercentiles => ({ p50, p90, p99 });

export async function taskRegimes(store: Store, opts: AnalyzeSelection): Promise<TaskRegimesResult> {
  const q = taskRegimesSql(opts);
  const rows = await store.all<Row>(q.sql, q.params);
  return {
    unit: opts.by,
    tasks: rows.map(({ qi, qo, ...r }) => ({
      ...r,
      inputTokens: percentiles(qi),
      outputTokens: percentiles(qo),
      inputClass: lengthClass(qi[0], INPUT_CLASSES),
      outputClass: lengthClass(qo[0], OUTPUT_CLASSES),
      regime: regimeLabel(qi[0], qo[0]),
    })),
  };
}
