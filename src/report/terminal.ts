import Table from 'cli-table3';
import chalk from 'chalk';
import { alignments, formatCell, type Report } from './index.js';

export function renderTerminal(report: Report): string {
  const color = chalk.level > 0;
  const out: string[] = [];
  for (const s of report.sections) {
    if (s.title) out.push(chalk.bold(s.title));
    const al = alignments(s);
    const t = new Table({
      head: s.columns,
      colAligns: al,
      style: color ? { head: ['cyan'], border: ['grey'] } : { head: [], border: [] },
    });
    for (const r of s.rows) t.push(r.map(formatCell));
    out.push(t.toString(), '');
  }
  for (const n of report.notes ?? []) out.push(n);
  return out.join('\n') + (report.notes?.length ? '\n' : '');
}
