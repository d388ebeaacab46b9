import type { Store } from './db.js';

export interface StoreOverview {
  /** first and last request time, ISO 8601 UTC */
  from: string | null;
  to: string | null;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  /** percent of requests logged with status error */
  failedPct: number | null;
  providers: number;
  modelNames: number;
  tasks: number;
  tables: Record<string, number>;
  rejects: number;
}

/** What the database holds: the period, volumes and row counts of every table. */
export async function storeOverview(store: Store): Promise<StoreOverview> {
  const r = (await store.one<{
    from: Date | null;
    to: Date | null;
    requests: number;
    input: number | null;
    output: number | null;
    failed: number | null;
    providers: number;
    models: number;
    tasks: number;
  }>(
    `SELECT min(ts) AS "from", max(ts) AS "to", count(*) AS requests, sum(input_tokens) AS input,
       sum(output_tokens) AS output, 100.0 * count(*) FILTER (WHERE status = 'error') / nullif(count(*), 0) AS failed,
       count(DISTINCT provider) AS providers, count(DISTINCT model) AS models, count(DISTINCT task) AS tasks
     FROM requests`,
  ))!;
  const counts = (await store.one<Record<string, number>>(
    `SELECT (SELECT count(*) FROM requests) AS requests, (SELECT count(*) FROM offerings) AS offerings,
       (SELECT count(*) FROM prices) AS prices, (SELECT count(*) FROM latency) AS latency,
       (SELECT count(*) FROM probes) AS probes, (SELECT count(*) FROM catalog) AS catalog,
       (SELECT count(*) FROM rejects) AS rejects`,
  ))!;
  const { rejects, ...tables } = counts;
  return {
    from: r.from ? r.from.toISOString() : null,
    to: r.to ? r.to.toISOString() : null,
    requests: r.requests,
    inputTokens: r.input ?? 0,
    outputTokens: r.output ?? 0,
    failedPct: r.failed,
    providers: r.providers,
    modelNames: r.models,
    tasks: r.tasks,
    tables,
    rejects,
  };
}
