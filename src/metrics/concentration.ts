import type { Store } from '../store/db.js';
import { selectedRequestsSql, type AnalyzeSelection, type DemandUnit } from '../query/selection.js';

export type ConcentrationLevel = 'family' | 'model' | 'provider';

export interface ConcentrationOptions extends AnalyzeSelection {
  /** what a group is; default family */
  level?: ConcentrationLevel;
}

export interface LorenzPoint {
  /** cumulative share of groups, percent (ascending by demand) */
  groupShare: number;
  /** cumulative share of demand, percent */
  demandShare: number;
}

interface ConcentrationSummary {
  unit: DemandUnit;
  /** total demand in the unit */
  totalDemand: number;
  /** groups with non-zero demand: the n of Gini and the Lorenz curve */
  groups: number;
  /** percent; null when there is no demand */
  top1Share: number | null;
  /** sum of the 5 largest shares, percent */
  top5Share: number | null;
  /** population Gini over the groups with non-zero demand, 0..1 */
  gini: number | null;
  /** Σ share² as a fraction, 0..1 */
  hhi: number | null;
  /** from (0, 0) to (100, 100); empty when there is no demand */
  lorenz: LorenzPoint[];
}

export interface GroupDemand {
  demand: number;
  /** percent of total demand */
  share: number | null;
}

/** Groups are listed by demand, largest first, then by name. */
export type ConcentrationResult =
  | (ConcentrationSummary & { level: 'family'; families: ({ family: string } & GroupDemand)[] })
  | (ConcentrationSummary & { level: 'model'; models: ({ model: string } & GroupDemand)[] })
  | (ConcentrationSummary & { level: 'provider'; providers: ({ provider: string } & GroupDemand)[] });

/** Column of the selected requests that defines a group. */
const GROUP_COLUMN: Record<ConcentrationLevel, string> = { family: 'family', model: 'model', provider: 'provider' };

/**
 * Per group: demand, share, rank from the top, rank from the bottom among the
 * non-zero groups and the cumulative demand share along it (the Lorenz curve);
 * and, repeated on every row, the summary figures. Gini uses the sorted-rank form
 * G = Σᵢ (2i − n − 1)·x₍ᵢ₎ / (n Σx), equal to Σᵢ Σⱼ |xᵢ − xⱼ| / (2n²x̄); ties may
 * take either order without changing it.
 */
export function concentrationSql(sel: AnalyzeSelection, level: ConcentrationLevel) {
  const s = selectedRequestsSql(sel);
  const sql = `
WITH sel AS (${s.sql}),
g AS (SELECT ${GROUP_COLUMN[level]} AS grp, sum(demand) AS demand FROM sel GROUP BY ALL),
r AS (
  SELECT grp, demand,
    demand / nullif(sum(demand) OVER (), 0) * 100 AS share,
    row_number() OVER (ORDER BY demand DESC, grp) AS desc_rank,
    CASE WHEN demand > 0 THEN row_number() OVER (PARTITION BY demand > 0 ORDER BY demand, grp) END AS asc_rank,
    count(*) FILTER (WHERE demand > 0) OVER () AS n
  FROM g
)
SELECT grp, demand, share, desc_rank, asc_rank, n,
  CASE WHEN demand > 0 THEN sum(demand) OVER (PARTITION BY demand > 0 ORDER BY demand, grp ROWS UNBOUNDED PRECEDING)
    / nullif(sum(demand) OVER (), 0) * 100 END AS cum_share,
  sum(demand) OVER () AS total,
  greatest(0.0, sum(CASE WHEN demand > 0 THEN (2 * asc_rank - n - 1) * demand END) OVER ()
    / nullif(n * sum(demand) OVER (), 0)) AS gini,
  sum(share * share) OVER () / 10000 AS hhi,
  max(share) OVER () AS top1,
  sum(share) FILTER (WHERE desc_rank <= 5) OVER () AS top5
FROM r ORDER BY desc_rank`;
  return { sql, params: s.params };
}

interface Row {
  grp: string;
  demand: number;
  share: number | null;
  desc_rank: number;
  asc_rank: number | null;
  n: number;
  cum_share: number | null;
  total: number;
  gini: number | null;
  hhi: number | null;
  top1: number | null;
  top5: number | null;
}

export async function concentration(store: Store, opts: ConcentrationOptions): Promise<ConcentrationResult> {
  const level = opts.level ?? 'family';
  const q = concentrationSql(opts, level);
  const rows = await store.all<Row>(q.sql, q.params);
  const first = rows[0];
  const n = first?.n ?? 0;
  const hasDemand = n > 0;
  const lorenz: LorenzPoint[] = hasDemand
    ? [
        { groupShare: 0, demandShare: 0 },
        ...rows
          .filter((r) => r.asc_rank !== null)
          .sort((a, b) => (a.asc_rank as number) - (b.asc_rank as number))
          .map((r) => ({ groupShare: ((r.asc_rank as number) / n) * 100, demandShare: r.cum_share as number })),
      ]
    : [];
  const tail = {
    totalDemand: first?.total ?? 0,
    groups: n,
    top1Share: hasDemand ? first.top1 : null,
    top5Share: hasDemand ? first.top5 : null,
    gini: hasDemand ? first.gini : null,
    hhi: hasDemand ? first.hhi : null,
    lorenz,
  };
  const group = (r: Row) => ({ demand: r.demand, share: r.share });
  // Keys in the order of the output contract: unit, level, the groups, then the summary.
  if (level === 'model') {
    return { unit: opts.by, level, models: rows.map((r) => ({ model: r.grp, ...group(r) })), ...tail };
  }
  if (level === 'provider') {
    return { unit: opts.by, level, providers: rows.map((r) => ({ provider: r.grp, ...group(r) })), ...tail };
  }
  return { unit: opts.by, level, families: rows.map((r) => ({ family: r.grp, ...group(r) })), ...tail };
}
