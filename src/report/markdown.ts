import {
  alignments,
  chartsOf,
  formatCell,
  LONG_TABLE_ROWS,
  type Chart,
  type Report,
  type Scatter,
  type Section,
} from './index.js';
import { niceStep, signedFigure } from './svg.js';

const q = (s: string) => `"${s.replaceAll('"', "'")}"`;
const finite = (v: number | null | undefined): v is number => v !== null && v !== undefined && Number.isFinite(v);

function xychart(c: Chart, title: string, x: string[], series: number[][]): string[] {
  const values = series.flat();
  const max = Math.max(1, ...values);
  const min = Math.min(0, ...values);
  const kind = c.kind ?? 'line';
  return [
    '```mermaid',
    'xychart-beta',
    `  title ${q(title)}`,
    `  x-axis [${x.map(q).join(', ')}]`,
    `  y-axis ${q(c.yLabel)} ${Number((min * 1.05).toPrecision(3))} --> ${Number((max * 1.05).toPrecision(3))}`,
    ...series.map((vs) => `  ${kind} [${vs.map((v) => Number(v.toFixed(3))).join(', ')}]`),
    '```',
  ];
}

/**
 * GitHub renders Mermaid's xychart-beta; one line (or bar) series per series.
 * Mermaid has no missing value, and a 0 would be read as a figure: x values
 * without any figure are left out; where only some series lack one, each series
 * gets its own chart of the x values it has. A line under the chart names what
 * was left out.
 */
export function mermaidChart(c: Chart): string[] {
  const series = c.series.map((s) => c.x.map((_, i) => (finite(s.values[i]) ? s.values[i] : null)));
  const any = c.x.map((_, i) => series.some((vs) => vs[i] !== null));
  const whole = c.x.every((_, i) => !any[i] || series.every((vs) => vs[i] !== null));
  const out: string[] = [];
  const leftOut: string[] = [];
  if (whole) {
    const keep = c.x.map((_, i) => i).filter((i) => any[i]);
    if (keep.length)
      out.push(
        ...xychart(
          c,
          c.title,
          keep.map((i) => c.x[i]),
          series.map((vs) => keep.map((i) => vs[i]!)),
        ),
      );
    const none = c.x.filter((_, i) => !any[i]);
    if (none.length) leftOut.push(none.join(', '));
  } else {
    c.series.forEach((s, k) => {
      const keep = c.x.map((_, i) => i).filter((i) => series[k][i] !== null);
      if (keep.length) {
        if (out.length) out.push('');
        out.push(
          ...xychart(
            c,
            `${c.title}: ${s.name}`,
            keep.map((i) => c.x[i]),
            [keep.map((i) => series[k][i]!)],
          ),
        );
      }
      const none = c.x.filter((_, i) => series[k][i] === null);
      if (none.length) leftOut.push(`${s.name}: ${none.join(', ')}`);
    });
  }
  if (leftOut.length)
    out.push(...(out.length ? [''] : []), `_${c.title}: no figure (not drawn) for ${leftOut.join('; ')}_`);
  return out;
}

/** A point coordinate as Mermaid's quadrant grammar reads it: 0, 1 or 0.x. */
const unit = (v: number) => {
  const r = Math.round(Math.min(1, Math.max(0, v)) * 1000) / 1000;
  return r >= 1 ? '1' : r <= 0 ? '0' : String(r);
};

/**
 * A scatter as Mermaid's quadrantChart: its coordinates run from 0 to 1, so each
 * axis spans a round ±M around 0 and the quadrants meet at the baseline; the axis
 * ends say M. Marked points say so in their label.
 */
export function mermaidScatter(c: Scatter): string[] {
  const drawn = c.points.filter((p) => finite(p.x) && finite(p.y)) as {
    label: string;
    x: number;
    y: number;
    marked?: boolean;
  }[];
  const missing = c.points.filter((p) => !(finite(p.x) && finite(p.y))).map((p) => p.label);
  const span = (vs: number[]) => niceStep(Math.max(...vs.map(Math.abs), 0) || 1);
  const mx = span(drawn.map((p) => p.x));
  const my = span(drawn.map((p) => p.y));
  const out = drawn.length
    ? [
        '```mermaid',
        'quadrantChart',
        `  title ${c.title.replaceAll(/[;#\n]/g, ' ')}`,
        `  x-axis ${q(`${c.xLabel} ${signedFigure(-mx, c.unit)}`)} --> ${q(`${c.xLabel} ${signedFigure(mx, c.unit)}`)}`,
        `  y-axis ${q(`${c.yLabel} ${signedFigure(-my, c.unit)}`)} --> ${q(`${c.yLabel} ${signedFigure(my, c.unit)}`)}`,
        ...drawn.map(
          (p) =>
            `  ${q(p.marked && c.marked ? `${p.label} (${c.marked})` : p.label)}: [${unit(0.5 + p.x / (2 * mx))}, ${unit(0.5 + p.y / (2 * my))}]`,
        ),
        '```',
      ]
    : [];
  if (missing.length)
    out.push(...(out.length ? [''] : []), `_${c.title}: no figure (not drawn) for ${missing.join(', ')}_`);
  return out;
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
    if (s.scatter) out.push(...mermaidScatter(s.scatter), '');
    if (s.columns.length === 0) continue;
    out.push(...mdTable(s), '');
  }
  for (const n of report.notes ?? []) out.push(`> ${n}`, '');
  return out.join('\n');
}
