import { alignments, formatCell, type Chart, type Report } from './index.js';

/** GitHub renders Mermaid's xychart-beta; one line per series. */
export function mermaidChart(c: Chart): string[] {
  const q = (s: string) => `"${s.replaceAll('"', "'")}"`;
  const values = c.series.flatMap((s) => s.values).filter((v): v is number => v !== null);
  const max = Math.max(1, ...values);
  const min = Math.min(0, ...values);
  return [
    '```mermaid',
    'xychart-beta',
    `  title ${q(c.title)}`,
    `  x-axis [${c.x.map(q).join(', ')}]`,
    `  y-axis ${q(c.yLabel)} ${Number((min * 1.05).toPrecision(3))} --> ${Number((max * 1.05).toPrecision(3))}`,
    ...c.series.map((s) => `  line [${s.values.map((v) => (v === null ? 0 : Number(v.toFixed(3)))).join(', ')}]`),
    '```',
  ];
}

function mdCell(s: string): string {
  return s.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

export function renderMarkdown(report: Report): string {
  const out: string[] = [];
  if (report.lead?.length) out.push(...report.lead.map((l) => `- **${mdCell(l)}**`), '');
  for (const s of report.sections) {
    if (s.title) out.push(`### ${s.title}`, '');
    if (s.chart) out.push(...mermaidChart(s.chart), '');
    if (s.columns.length === 0) continue;
    const al = alignments(s);
    out.push(`| ${s.columns.map(mdCell).join(' | ')} |`);
    out.push(`|${al.map((a) => (a === 'right' ? ' ---: ' : ' --- ')).join('|')}|`);
    for (const r of s.rows) out.push(`| ${r.map((c) => mdCell(formatCell(c))).join(' | ')} |`);
    out.push('');
  }
  for (const n of report.notes ?? []) out.push(`> ${n}`, '');
  return out.join('\n');
}
