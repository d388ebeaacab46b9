import { isShown, type Cell, type Report } from './index.js';

/** Raw values: numbers at full precision, without separators, units or rounding. */
function csvCell(v: Cell): string {
  if (v === null || v === undefined) return '';
  const s = isShown(v) ? String(v.value) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** One table a spreadsheet can open: the report's csv table, else its first (primary) section. */
export function renderCsv(report: Report): string {
  const s = report.csv ?? report.sections[0];
  if (!s) return '';
  const lines = [s.columns, ...s.rows].map((r) => r.map(csvCell).join(','));
  return lines.join('\n') + '\n';
}
