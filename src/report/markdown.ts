import { alignments, chartsOf, formatCell, LONG_TABLE_ROWS, type Chart, type Report, type Section } from './index.js';

/** GitHub renders Mermaid's xychart-beta; one line (or bar) series per series. */
export function mermaidChart(c: Chart): string[] {
  const q = (s: string) => `"${s.replaceAll('"', "'")}"`;
  const values = c.series.flatMap((s) => s.values).filter((v): v is number => v !== null);
  const max = Math.max(1, ...values);
  const min = Math.min(0, ...values);
  const kind = c.kind ?? 'line';
  return [
    '```mermaid',
    'xychart-beta',
    `  title ${q(c.title)}`,
    `  x-axis [${c.x.map(q).join(', ')}]`,
    `  y-axis ${q(c.yLabel)} ${Number((min * 1.05).toPrecision(3))} --> ${Number((max * 1.05).toPrecision(3))}`,
    ...c.series.map((s) => `  ${kind} [${s.values.map((v) => (v === null ? 0 : Number(v.toFixed(3)))).join(', ')}]`),
    '```',
  ];
}

function mdCell(s: string): string {
  return s.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function mdTable(s: Section): string[] {
  const al = alignments(s);
  const table = [
    `| ${s.columns.map(mdCell).join(' | ')} |`,
    `|${al.map((a) => (a === 'right' ? ' ---: ' : ' --- ')).join('|')}|`,
    ...s.rows.map((r) => `| ${r.map((c) => mdCell(formatCell(c))).join(' | ')} |`),
  ];
  // GitHub needs the blank lines around a table inside <details>.
  if (s.rows.length > LONG_TABLE_ROWS)
    return [`<details><summary>Show all ${s.rows.length} rows</summary>`, '', ...table, '', '</details>'];
  return table;
}

export function renderMarkdown(report: Report): string {
  const out: string[] = [];
  const top = [...(report.alerts ?? []), ...(report.lead ?? [])];
  if (top.length) out.push(...top.map((l) => `- **${mdCell(l)}**`), '');
  for (const s of report.sections) {
    if (s.title) out.push(`### ${s.title}`, '');
    for (const c of chartsOf(s)) out.push(...mermaidChart(c), '');
    if (s.columns.length === 0) continue;
    out.push(...mdTable(s), '');
  }
  for (const n of report.notes ?? []) out.push(`> ${n}`, '');
  return out.join('\n');
}
