import type { Store } from '../store/db.js';
import { selectedRequestsSql, selectionBounds, type AnalyzeSelection, type DemandUnit } from '../query/selection.js';

export interface InertiaDay {
  /** 'YYYY-MM-DD' (UTC) */
  day: string;
  demand: number;
  supersededDemand: number;
  /** percent of the line's demand that day */
  supersededShare: number | null;
}

export interface InertiaLine {
  line: string;
  family: string;
  /** the newest release of the line inside the period (several names when released the same day) */
  newestModel: string;
  releaseDate: string;
  /** superseded share on the release day and 7 and 30 days later; null when the line has no demand that day */
  releaseDayShare: number | null;
  day7Share: number | null;
  day30Share: number | null;
  /** days from the release until the superseded share first falls below half its release-day value */
  halfLifeDays: number | null;
  demand: number;
  /** superseded demand / demand over the period, percent */
  supersededShare: number | null;
  /** every day of the period on which the line has demand */
  daily: InertiaDay[];
}

export interface VersionInertiaResult {
  unit: DemandUnit;
  /** first and last day of the period: --from/--to, else the selected requests' */
  from: string | null;
  to: string | null;
  totalDemand: number;
  supersededDemand: number;
  /** superseded demand / total demand over all lines and days, percent */
  inertiaIndex: number | null;
  /** lines with demand and a release inside the period, by demand, then name */
  lines: InertiaLine[];
}

/**
 * A model is superseded on day d when its line has a model released later than it
 * and on or before d. A model without a release date is never superseded and never
 * supersedes: without a date there is no way to tell when (or whether) it was
 * replaced, and guessing would inflate inertia. A model used before its own release
 * (a preview) is not superseded either. Lines are those of every model name in the
 * database (`model_map`), so a successor counts even when nobody used it yet.
 */
export function versionInertiaSql(sel: AnalyzeSelection) {
  const s = selectedRequestsSql(sel);
  const sql = `
WITH sel AS (${s.sql}),
-- every model of the line the catalog knows, used here or not, and unknown names with a user date
releases AS (
  SELECT DISTINCT line, model, release_date FROM model_map WHERE release_date IS NOT NULL
  UNION SELECT line, model, release_date FROM catalog_releases
),
by_model AS MATERIALIZED (SELECT line, day, model, release_date, sum(demand) AS demand FROM sel GROUP BY ALL),
newest AS (
  SELECT d.line, d.day, max(r.release_date) AS newest
  FROM (SELECT DISTINCT line, day FROM by_model) d JOIN releases r ON r.line = d.line AND r.release_date <= d.day
  GROUP BY ALL
),
daily AS (
  SELECT b.line, b.day, sum(b.demand) AS demand,
    coalesce(sum(b.demand) FILTER (WHERE b.release_date < n.newest), 0) AS superseded
  FROM by_model b LEFT JOIN newest n USING (line, day)
  GROUP BY ALL
),
period AS (
  SELECT coalesce(CAST($sel_from_day AS DATE), min(day)) AS first_day,
    coalesce(CAST($sel_to_day AS DATE), max(day)) AS last_day
  FROM by_model
),
released AS (
  SELECT r.line, max(r.release_date) AS release_date
  FROM releases r, period p
  WHERE r.release_date BETWEEN p.first_day AND p.last_day AND r.line IN (SELECT line FROM daily)
  GROUP BY ALL
),
newest_names AS (
  SELECT x.line, x.release_date, string_agg(DISTINCT r.model, ', ' ORDER BY r.model) AS models
  FROM released x JOIN releases r ON r.line = x.line AND r.release_date = x.release_date
  GROUP BY ALL
),
families AS (SELECT line, min(family) AS family FROM model_map GROUP BY ALL)
SELECT d.line, f.family, strftime(d.day, '%Y-%m-%d') AS day, d.demand, d.superseded,
  d.superseded / nullif(d.demand, 0) * 100 AS share,
  n.models AS newest_model, strftime(n.release_date, '%Y-%m-%d') AS release_date,
  date_diff('day', n.release_date, d.day) AS since_release,
  strftime(p.first_day, '%Y-%m-%d') AS first_day, strftime(p.last_day, '%Y-%m-%d') AS last_day
FROM daily d CROSS JOIN period p
LEFT JOIN newest_names n USING (line)
LEFT JOIN families f USING (line)
ORDER BY d.line, d.day`;
  return { sql, params: s.params };
}

interface Row {
  line: string;
  family: string | null;
  day: string;
  demand: number;
  superseded: number;
  share: number | null;
  newest_model: string | null;
  release_date: string | null;
  since_release: number | null;
  first_day: string | null;
  last_day: string | null;
}

/** Superseded share on the day `offset` days after the release, and the migration half-life. */
export function releaseFigures(daily: (InertiaDay & { sinceRelease: number })[]) {
  const at = (offset: number) => daily.find((d) => d.sinceRelease === offset)?.supersededShare ?? null;
  const base = at(0);
  const below =
    base === null
      ? undefined
      : daily.find((d) => d.sinceRelease > 0 && d.supersededShare !== null && d.supersededShare < base / 2);
  return {
    releaseDayShare: base,
    day7Share: at(7),
    day30Share: at(30),
    halfLifeDays: below ? below.sinceRelease : null,
  };
}

export async function versionInertia(store: Store, opts: AnalyzeSelection): Promise<VersionInertiaResult> {
  const q = versionInertiaSql(opts);
  const rows = await store.all<Row>(q.sql, q.params);
  let total = 0;
  let superseded = 0;
  const byLine = new Map<string, Row[]>();
  for (const r of rows) {
    total += r.demand;
    superseded += r.superseded;
    if (r.release_date !== null) byLine.set(r.line, [...(byLine.get(r.line) ?? []), r]);
  }
  const lines: InertiaLine[] = [...byLine.values()].map((days) => {
    const daily = days.map((d) => ({
      day: d.day,
      demand: d.demand,
      supersededDemand: d.superseded,
      supersededShare: d.share,
      sinceRelease: d.since_release as number,
    }));
    const demand = days.reduce((a, d) => a + d.demand, 0);
    const lineSuperseded = days.reduce((a, d) => a + d.superseded, 0);
    return {
      line: days[0].line,
      family: days[0].family ?? days[0].line,
      newestModel: days[0].newest_model as string,
      releaseDate: days[0].release_date as string,
      ...releaseFigures(daily),
      demand,
      supersededShare: demand > 0 ? (lineSuperseded / demand) * 100 : null,
      daily: daily.map(({ sinceRelease: _, ...d }) => d),
    };
  });
  lines.sort((a, b) => b.demand - a.demand || (a.line < b.line ? -1 : a.line > b.line ? 1 : 0));
  const bounds = selectionBounds(opts);
  return {
    unit: opts.by,
    from: bounds.fromDay ?? rows[0]?.first_day ?? null,
    to: bounds.toDay ?? rows[0]?.last_day ?? null,
    totalDemand: total,
    supersededDemand: superseded,
    inertiaIndex: total > 0 ? (superseded / total) * 100 : null,
    lines,
  };
}
