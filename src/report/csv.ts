import type { Cell, Report } from './index.js';

function csvCell(v: Cell): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** CSV carries the first (primary) section: one table a spreadsheet can open. */
export function renderCsv(report: Report): string {
  const s = report.sections[0];
  if (!s) return '';
  const lines = [s.columns, ...s.rows].map((r) => r.map(csvCell).join(','));
  return lines.join('\n') + '\n';
}
