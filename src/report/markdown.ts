import { alignments, formatCell, type Report } from './index.js';

function mdCell(s: string): string {
  return s.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

export function renderMarkdown(report: Report): string {
  const out: string[] = [];
  for (const s of report.sections) {
    if (s.title) out.push(`### ${s.title}`, '');
    const al = alignments(s);
    out.push(`| ${s.columns.map(mdCell).join(' | ')} |`);
    out.push(`|${al.map((a) => (a === 'right' ? ' ---: ' : ' --- ')).join('|')}|`);
    for (const r of s.rows) out.push(`| ${r.map((c) => mdCell(formatCell(c))).join(' | ')} |`);
    out.push('');
  }
  for (const n of report.notes ?? []) out.push(`> ${n}`, '');
  return out.join('\n');
}
