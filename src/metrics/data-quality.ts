import type { Store } from '../store/db.js';
import { selectedRequestsSql, type AnalyzeSelection } from '../query/selection.js';

export interface DataQualityResult {
  /** first and last selected request, ISO timestamps; null without requests */
  firstRequest: string | null;
  lastRequest: string | null;
  requests: number;
  /** names the catalog does not know, with their selected requests, most first */
  unknownModels: { name: string; requests: number }[];
  requestsWithoutTtft: number;
  /** percent of the selected requests; null without requests */
  withoutTtftPct: number | null;
  requestsWithoutLatency: number;
  withoutLatencyPct: number | null;
  /** with --by cost: requests with neither a logged cost nor a price in force (their demand counts as 0) */
  requestsWithoutCost: number | null;
  /** rows rejected at ingest, whatever the selection, by file */
  rejects: { file: string; kind: string | null; rows: number }[];
}

/** One scan: counts per logged model name; the summary adds them up. */
export function dataQualitySql(sel: AnalyzeSelection) {
  const s = selectedRequestsSql(sel);
  const byName = `
WITH sel AS (${s.sql})
SELECT name, bool_and(known) AS known, min(ts) AS first_ts, max(ts) AS last_ts, count(*) AS requests,
  count(*) FILTER (WHERE ttft_ms IS NULL) AS no_ttft,
  count(*) FILTER (WHERE latency_ms IS NULL) AS no_latency,
  count(*) FILTER (WHERE NOT demand_known) AS no_cost
FROM sel GROUP BY name ORDER BY requests DESC, name`;
  const rejects = `
SELECT file, min(kind) AS kind, count(*) AS rows FROM rejects GROUP BY file ORDER BY file`;
  return { byName, rejects, params: s.params };
}

interface NameRow {
  name: string;
  known: boolean;
  first_ts: Date;
  last_ts: Date;
  requests: number;
  no_ttft: number;
  no_latency: number;
  no_cost: number;
}

const iso = (d: Date | null) => (d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : null);
const pct = (n: number, of: number) => (of > 0 ? (n * 100) / of : null);
const total = (rows: NameRow[], f: (r: NameRow) => number) => rows.reduce((a, r) => a + f(r), 0);

export async function dataQuality(store: Store, opts: AnalyzeSelection): Promise<DataQualityResult> {
  const q = dataQualitySql(opts);
  const names = await store.all<NameRow>(q.byName, q.params);
  const requests = total(names, (r) => r.requests);
  const noTtft = total(names, (r) => r.no_ttft);
  const noLatency = total(names, (r) => r.no_latency);
  const first = names.length ? new Date(Math.min(...names.map((r) => r.first_ts.getTime()))) : null;
  const last = names.length ? new Date(Math.max(...names.map((r) => r.last_ts.getTime()))) : null;
  return {
    firstRequest: iso(first),
    lastRequest: iso(last),
    requests,
    unknownModels: names.filter((r) => !r.known).map((r) => ({ name: r.name, requests: r.requests })),
    requestsWithoutTtft: noTtft,
    withoutTtftPct: pct(noTtft, requests),
    requestsWithoutLatency: noLatency,
    withoutLatencyPct: pct(noLatency, requests),
    requestsWithoutCost: opts.by === 'cost' ? total(names, (r) => r.no_cost) : null,
    rejects: await store.all<{ file: string; kind: string | null; rows: number }>(q.rejects),
  };
}
