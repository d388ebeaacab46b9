/**
 * Commands return data plus a tabular view of it; renderers turn that into
 * strings for each output format.
 */
export type Cell = string | number | boolean | null | undefined;

/** A line chart: text in the terminal, a Mermaid `xychart-beta` in Markdown. */
export interface Chart {
  title: string;
  x: string[];
  yLabel: string;
  series: { name: string; values: (number | null)[] }[];
}

export interface Section {
  title?: string;
  columns: string[];
  rows: Cell[][];
  /** drawn after the table (or alone when there are no columns) */
  chart?: Chart;
  /** Columns to right-align (numbers); defaults to those whose cells are numbers. */
  align?: ('left' | 'right')[];
}

export interface Report {
  /** What `--format json` prints: the stable contract. */
  json: unknown;
  /** The answer in a few lines, printed before the tables (table and md formats). */
  lead?: string[];
  sections: Section[];
  /** Short lines printed after the tables (table and md formats). */
  notes?: string[];
}

export const FORMATS = ['table', 'md', 'json', 'csv'] as const;
export type Format = (typeof FORMATS)[number];

export function defaultFormat(): Format {
  return process.env.CI ? 'md' : 'table';
}

export async function render(report: Report, format: Format): Promise<string> {
  switch (format) {
    case 'json':
      return JSON.stringify(report.json, null, 2) + '\n';
    case 'csv':
      return (await import('./csv.js')).renderCsv(report);
    case 'md':
      return (await import('./markdown.js')).renderMarkdown(report);
    case 'table':
      return (await import('./terminal.js')).renderTerminal(report);
  }
}

export function formatCell(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return formatNumber(v);
  return String(v);
}

/** Integers with thousands separators, other numbers with up to 3 decimals. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  return v.toLocaleString('en-US', { maximumFractionDigits: 3 });
}

export function alignments(s: Section): ('left' | 'right')[] {
  if (s.align) return s.align;
  return s.columns.map((_, i) => (s.rows.some((r) => typeof r[i] === 'number') ? 'right' : 'left'));
}
