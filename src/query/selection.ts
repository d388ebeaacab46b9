/**
 * The requests an `analyze` run looks at, with their demand. Every metric of
 * `analyze` starts from `selectedRequestsSql`, so filters and the demand unit
 * mean the same thing everywhere. Needs the temp tables `model_map` and `provider_map`.
 */
import type { DuckDBValue } from '@duckdb/node-api';
import { UsageError } from '../errors.js';
import { DATE_ONLY, parseMoment } from '../time.js';
import { listCostSql, pricesOf, tierOf, TIERS_AGG, tokensOf } from './measures.js';
import { readValue } from '../store/schema.js';

export type DemandUnit = 'tokens' | 'requests' | 'cost';

export interface AnalyzeSelection {
  /** demand unit: input + output tokens, 1 per request, or cost */
  by: DemandUnit;
  /** first day or moment, inclusive (UTC) */
  from?: string;
  /** last day (the whole day) or moment, inclusive (UTC) */
  to?: string;
  /** canonical model name (resolve an alias through the catalog first) */
  model?: string;
  task?: string;
  /** only about every n-th request, by a hash of its time and tokens (a sample) */
  every?: number;
  /** each request's row number in the table (`rid`), which lookups made by an earlier statement join on */
  rid?: boolean;
}

export type SqlParams = Record<string, DuckDBValue>;

export interface SqlFragment {
  sql: string;
  params: SqlParams;
}

export interface SelectionBounds {
  /** inclusive lower bound, ISO timestamp */
  fromTs: string | null;
  /** upper bound, ISO timestamp: exclusive for a bare date (the next midnight), inclusive for a moment */
  toTs: string | null;
  toExclusive: boolean;
  /** first and last calendar day of the selection period, 'YYYY-MM-DD' */
  fromDay: string | null;
  toDay: string | null;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/** The moment an option names, or a usage error naming the option. */
export function momentOption(flag: string, s: string): Date {
  const d = parseMoment(s);
  if (!d) throw new UsageError(`${flag} '${s}' is not a date (YYYY-MM-DD) or ISO 8601 time`);
  return d;
}

/** Turns `--from` / `--to` into timestamp bounds; a bare `--to` date covers that whole day. */
export function selectionBounds(sel: Pick<AnalyzeSelection, 'from' | 'to'>): SelectionBounds {
  const from = sel.from ? momentOption('--from', sel.from) : null;
  const to = sel.to ? momentOption('--to', sel.to) : null;
  const toIsDate = !!sel.to && DATE_ONLY.test(sel.to.trim());
  const toTs = to ? (toIsDate ? new Date(to.getTime() + 86_400_000) : to) : null;
  if (from && toTs && (toIsDate ? toTs <= from : toTs < from)) {
    throw new UsageError(`--from '${sel.from}' is after --to '${sel.to}'`);
  }
  return {
    fromTs: from ? from.toISOString() : null,
    toTs: toTs ? toTs.toISOString() : null,
    toExclusive: toIsDate,
    fromDay: from ? day(from) : null,
    toDay: to ? day(to) : null,
  };
}

/** SQL condition on a timestamp expression for the selection period (parameters `$sel_from`, `$sel_to`). */
export function periodCondition(tsExpr: string, sel: Pick<AnalyzeSelection, 'from' | 'to'>): string {
  return `(${tsExpr} >= CAST($sel_from AS TIMESTAMP) OR $sel_from IS NULL)
    AND ${beforePeriodEnd(tsExpr, sel)}`;
}

/** SQL condition: a timestamp at or before the end of the selection period (always true without `--to`). */
export function beforePeriodEnd(tsExpr: string, sel: Pick<AnalyzeSelection, 'from' | 'to'>): string {
  const b = selectionBounds(sel);
  return `(${tsExpr} ${b.toExclusive ? '<' : '<='} CAST($sel_to AS TIMESTAMP) OR $sel_to IS NULL)`;
}

/**
 * SQL condition: a listing period [listed_from, listed_to) overlaps the selection
 * period (open ends count as open).
 */
export function listingOverlaps(fromExpr: string, toExpr: string): string {
  return `(${fromExpr} IS NULL OR $sel_to_day IS NULL OR ${fromExpr} <= CAST($sel_to_day AS DATE))
    AND (${toExpr} IS NULL OR $sel_from_day IS NULL OR ${toExpr} > CAST($sel_from_day AS DATE))`;
}

/** The parameters every selection fragment refers to. */
export function selectionParams(sel: AnalyzeSelection): SqlParams {
  const b = selectionBounds(sel);
  return {
    sel_from: b.fromTs,
    sel_to: b.toTs,
    sel_from_day: b.fromDay,
    sel_to_day: b.toDay,
    sel_model: sel.model ?? null,
    sel_task: sel.task ?? null,
  };
}

/**
 * Cost of a request at the list prices of price snapshot `p` (per 1 M tokens), at the tier its
 * input tokens reach, as `simulate` prices it.
 */
export const LIST_COST = (p: string) =>
  `(${listCostSql(tokensOf('q'), pricesOf(`(${tierOf(`${p}.tiers`, 'q.input_tokens')})`))}) / 1e6`;

function demandSql(by: DemandUnit): { demand: string; known: string; joins: string } {
  if (by === 'tokens') return { demand: 'CAST(q.input_tokens + q.output_tokens AS DOUBLE)', known: 'true', joins: '' };
  if (by === 'requests') return { demand: '1.0', known: 'true', joins: '' };
  return {
    demand: `coalesce(q.cost, ${LIST_COST('pb')}, 0.0)`,
    known: `(q.cost IS NOT NULL OR (${tierOf('pb.tiers', 'q.input_tokens')}).input_price IS NOT NULL)`,
    joins: `ASOF LEFT JOIN (${PRICE_BOOK}) pb ON pb.provider = q.provider AND pb.name = q.name AND q.ts >= pb.ts`,
  };
}

/**
 * Price snapshots by resolved provider and model name as logged, each with its `tiers`
 * (measures.TIERS_AGG) and `currency`. A provider's prices for a name are those listed under that exact
 * name; when the provider never priced that name, those under any name of the same
 * canonical model (price lists often spell a model differently from the request log).
 * Small: built from `prices`, `model_map` and `provider_map`.
 */
export const PRICE_BOOK = `
  WITH p AS (
    SELECT pv.provider, p.model, p.ts, p.tier_min_input_tokens, p.input_price, p.output_price, p.cached_input_price,
      p.cache_write_price, p.currency
    FROM prices p JOIN provider_map pv ON pv.name = p.provider
  )
  SELECT p.provider, n.name, p.ts, ${TIERS_AGG} AS tiers, min(p.currency) AS currency
  FROM p JOIN model_map pm ON pm.name = p.model JOIN model_map n ON n.model = pm.model
  WHERE n.name = p.model
    OR NOT EXISTS (SELECT 1 FROM p e WHERE e.provider = p.provider AND e.model = n.name)
  GROUP BY ALL`;

/**
 * One row per selected request: the logged columns, `day` (UTC date), the logged
 * `name` and its canonical `model`, `family`, `line`, `release_date`, `known`, and
 * `demand` in the selection's unit (`demand_known` is false when a request has
 * neither a logged cost nor a price in force; its cost demand counts as 0).
 * Every request counts, whatever its status.
 */
export function selectedRequestsSql(sel: AnalyzeSelection): SqlFragment {
  const d = demandSql(sel.by);
  const sql = `
  WITH q AS (
    SELECT r.request_id, r.ts, CAST(r.ts AS DATE) AS day, pv.provider, r.model AS name,
      coalesce(m.model, r.model) AS model, coalesce(m.family, r.model) AS family,
      coalesce(m.line, r.model) AS line, m.release_date, coalesce(m.known, false) AS known,
      r.task, r.app, r.session, r."user", r.input_tokens, r.output_tokens, r.cached_tokens, r.cache_write_tokens, r.ttft_ms, r.latency_ms,
      ${readValue('requests', 'status', 'r.status')} AS status, r.error_type, r.features, r.cost,
      ${readValue('requests', 'currency', 'r.currency')} AS currency${sel.rid ? ', r.rid' : ''}
    -- the conditions on the request itself below the join: DuckDB does not push every one of them through it
    FROM (
      SELECT *${sel.rid ? ', rowid AS rid' : ''} FROM requests r
      WHERE ${periodCondition('r.ts', sel)}
        AND ($sel_task IS NULL OR r.task = $sel_task)
        ${sel.every ? 'AND hash(r.ts, r.input_tokens, r.output_tokens) % $sel_every::UBIGINT = 0' : ''}
    ) r LEFT JOIN model_map m ON m.name = r.model JOIN provider_map pv ON pv.name = r.provider
    WHERE $sel_model IS NULL OR coalesce(m.model, r.model) = $sel_model
  )
  SELECT q.*, ${d.demand} AS demand, ${d.known} AS demand_known
  FROM q ${d.joins}`;
  return { sql, params: { ...selectionParams(sel), ...(sel.every ? { sel_every: sel.every } : {}) } };
}
