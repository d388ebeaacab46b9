/**
 * Commands return data plus a tabular view of it; renderers turn that into
 * strings for each output format.
 */

/**
 * A number shown for people (`37.8%`, `1.4x`) in table, md and html, and as
 * its raw value in csv.
 */
export interface Shown {
  value: number;
  text: string;
}

export type Cell = string | number | boolean | null | undefined | Shown;

/**
 * A chart: text in the terminal, a Mermaid `xychart-beta` in Markdown, SVG in
 * HTML. Every series is drawn as a line (the default) or as bars side by side.
 */
export interface Chart {
  title: string;
  kind?: 'line' | 'bar';
  x: string[];
  yLabel: string;
  series: { name: string; values: (number | null)[] }[];
}

/**
 * Labelled points on two numeric axes (a policy's cost change against its
 * throughput change). A point without both figures is named, never drawn at 0.
 */
export interface Scatter {
  title: string;
  /** what x and y are ("cost change"); with `unit`, the axes say "cost change, %" and points "cost change −37.8%" */
  xLabel: string;
  yLabel: string;
  unit?: string;
  points: ScatterPoint[];
  /** what a marked point is, for the legend ("Pareto front"); marked points are joined in x order */
  marked?: string;
  /** what an unmarked point is, for the legend ("other policies") */
  unmarked?: string;
}

export interface ScatterPoint {
  label: string;
  x: number | null;
  y: number | null;
  marked?: boolean;
}

export interface Section {
  title?: string;
  columns: string[];
  rows: Cell[][];
  /** drawn after the table (or alone when there are no columns) */
  chart?: Chart;
  /** more charts, drawn side by side where there is room */
  charts?: Chart[];
  /** a scatter plot, drawn after the charts */
  scatter?: Scatter;
  /** Columns to right-align (numbers); defaults to those whose cells are numbers. */
  align?: ('left' | 'right')[];
  /** The terminal shows only this many rows, then says how many more the other formats list. */
  preview?: number;
}

export interface Report {
  /** What `--format json` prints: the stable contract. */
  json: unknown;
  /** The document's title (html). */
  title?: string;
  /** Failures to mark before everything else (a failed CI gate). */
  alerts?: string[];
  /** The answer in a few lines, printed before the tables (table and md formats). */
  lead?: string[];
  sections: Section[];
  /** The one table `--format csv` writes, when it is not the first section (raw numbers only). */
  csv?: Section;
  /** Short lines printed after the tables (table and md formats). */
  notes?: string[];
}

export const FORMATS = ['table', 'md', 'json', 'csv', 'html'] as const;
export type Format = (typeof FORMATS)[number];

/** Tables longer than this fold into a `<details>` block in md and html. */
export const LONG_TABLE_ROWS = 12;

export async function render(report: Report, format: Format): Promise<string> {
  switch (format) {
    case 'json':
      return JSON.stringify(report.json, null, 2) + '\n';
    case 'csv':
      return (await import('./csv.js')).renderCsv(report);
    case 'md':
      return (await import('./markdown.js')).renderMarkdown(report);
    case 'html':
      return (await import('./html.js')).renderHtml(report);
    case 'table':
      return (await import('./terminal.js')).renderTerminal(report);
  }
}

export function chartsOf(s: Section): Chart[] {
  return [...(s.chart ? [s.chart] : []), ...(s.charts ?? [])];
}

export function isShown(v: Cell): v is Shown {
  return typeof v === 'object' && v !== null;
}

export function formatCell(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return formatNumber(v);
  if (isShown(v)) return v.text;
  return String(v);
}

/** Integers with thousands separators, other numbers with up to 3 decimals. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  return v.toLocaleString('en-US', { maximumFractionDigits: 3 });
}

/** `37.8%` for people; the cell keeps the raw percentage for csv. */
export function percent(v: number | null | undefined, digits = 1): string | null {
  return v === null || v === undefined ? null : `${v.toFixed(digits)}%`;
}

export function percentCell(v: number | null | undefined, digits = 1): Shown | null {
  return v === null || v === undefined ? null : { value: v, text: percent(v, digits)! };
}

/** A number rounded for people (`1,234.57`); csv keeps it unrounded. */
export function roundedCell(v: number | null | undefined, digits: number): Shown | null {
  return v === null || v === undefined ? null : { value: v, text: formatNumber(Number(v.toFixed(digits)) || 0) };
}

export function alignments(s: Section): ('left' | 'right')[] {
  if (s.align) return s.align;
  return s.columns.map((_, i) => (s.rows.some((r) => typeof r[i] === 'number' || isShown(r[i])) ? 'right' : 'left'));
}
