import Table from 'cli-table3';
import chalk from 'chalk';
import { alignments, chartsOf, formatCell, formatNumber, type Chart, type Report, type Scatter } from './index.js';
import { axisLabel, niceScale, signedFigure } from './svg.js';

const HEIGHT = 8;
const MARKS = ['●', '○', '◆', '◇', '■', '□'];

const BAR_WIDTH = 40;

/** Bars drawn sideways, one line per x value and series: the labels stay readable. */
function textBars(c: Chart): string[] {
  const values = c.series.flatMap((s) => s.values).filter((v): v is number => v !== null);
  const max = Math.max(0, ...values.map(Math.abs));
  const width = Math.max(...c.x.map((x) => x.length));
  const many = c.series.length > 1;
  return c.x.flatMap((x, i) =>
    c.series.map((s, k) => {
      const v = s.values[i];
      const bar = v === null || max === 0 ? '' : '█'.repeat(Math.round((Math.abs(v) / max) * BAR_WIDTH));
      const label = k === 0 ? x.padEnd(width) : ' '.repeat(width);
      return `  ${label} ${many ? `${MARKS[k % MARKS.length]} ` : ''}${bar} ${v === null ? '–' : formatCell(Number(v.toPrecision(3)))}`;
    }),
  );
}

/** A compact text line chart: one column per x value (sampled down to 72), one mark per series. */
export function textChart(c: Chart): string {
  if (c.kind === 'bar') {
    const legend =
      c.series.length > 1 ? [`  ${c.series.map((s, k) => `${MARKS[k % MARKS.length]} ${s.name}`).join('  ')}`] : [];
    return [`${chalk.bold(c.title)} (${c.yLabel})`, ...textBars(c), ...legend].join('\n');
  }
  const step = Math.max(1, Math.ceil(c.x.length / 72));
  const xs = c.x.filter((_, i) => i % step === 0);
  const values = c.series.flatMap((s) => s.values).filter((v): v is number => v !== null);
  // The axis always holds 0; negative values (a throughput loss) extend it downwards.
  const bottom = Math.min(0, ...values);
  const top = Math.max(0, ...values) > bottom ? Math.max(0, ...values) : bottom + 1;
  const grid = Array.from({ length: HEIGHT }, () => Array<string>(xs.length).fill(' '));
  c.series.forEach((s, k) => {
    xs.forEach((_, j) => {
      const v = s.values[j * step];
      if (v === null || v === undefined) return;
      const row = HEIGHT - 1 - Math.round(((v - bottom) / (top - bottom)) * (HEIGHT - 1));
      grid[row][j] = MARKS[k % MARKS.length];
    });
  });
  const label = (v: number) => formatCell(Number(v.toPrecision(3))).padStart(8);
  const lines = grid.map(
    (r, i) => `${i === 0 ? label(top) : i === HEIGHT - 1 ? label(bottom) : ' '.repeat(8)} ┤${r.join('')}`,
  );
  lines.push(`${' '.repeat(8)} └${'─'.repeat(xs.length)}`);
  lines.push(`${' '.repeat(10)}${xs[0] ?? ''}${xs.length > 1 ? ` … ${xs[xs.length - 1]}` : ''}   (${c.yLabel})`);
  if (c.series.length > 1)
    lines.push(`${' '.repeat(10)}${c.series.map((s, k) => `${MARKS[k % MARKS.length]} ${s.name}`).join('  ')}`);
  return [chalk.bold(c.title), ...lines].join('\n');
}

const SCATTER_WIDTH = 49;
const SCATTER_HEIGHT = 11;

/**
 * A scatter as text: the axes cross at 0 (the baseline), each point a letter,
 * named below with its figures; marked points are capitals. Points without
 * both figures are listed, not drawn.
 */
export function textScatter(c: Scatter): string {
  const finite = (v: number | null): v is number => v !== null && Number.isFinite(v);
  const xs = niceScale(c.points.filter((p) => finite(p.x) && finite(p.y)).map((p) => p.x!));
  const ys = niceScale(c.points.filter((p) => finite(p.x) && finite(p.y)).map((p) => p.y!));
  const col = (v: number) => Math.round(((v - xs.lo) / (xs.hi - xs.lo)) * (SCATTER_WIDTH - 1));
  const row = (v: number) => Math.round(((ys.hi - v) / (ys.hi - ys.lo)) * (SCATTER_HEIGHT - 1));
  const grid = Array.from({ length: SCATTER_HEIGHT }, () => Array<string>(SCATTER_WIDTH).fill(' '));
  const [c0, r0] = [col(0), row(0)];
  for (let i = 0; i < SCATTER_HEIGHT; i++) grid[i][c0] = '│';
  for (let j = 0; j < SCATTER_WIDTH; j++) grid[r0][j] = j === c0 ? '┼' : '─';
  const legend: string[] = [];
  const missing: string[] = [];
  c.points.forEach((p, k) => {
    if (!finite(p.x) || !finite(p.y)) {
      missing.push(p.label);
      return;
    }
    const letter = String.fromCharCode(97 + (k % 26));
    const mark = p.marked ? letter.toUpperCase() : letter;
    grid[row(p.y)][col(p.x)] = mark;
    legend.push(
      `  ${mark} ${p.label}: ${c.xLabel} ${signedFigure(p.x, c.unit)}, ${c.yLabel} ${signedFigure(p.y, c.unit)}${p.marked && c.marked ? ` (${c.marked})` : ''}`,
    );
  });
  const label = (v: number) => formatNumber(v).padStart(8);
  const lines = grid.map(
    (r, i) => `${i === 0 ? label(ys.hi) : i === SCATTER_HEIGHT - 1 ? label(ys.lo) : ' '.repeat(8)} ┤${r.join('')}`,
  );
  const lo = formatNumber(xs.lo);
  const hi = formatNumber(xs.hi);
  lines.push(`${' '.repeat(10)}${lo}${' '.repeat(Math.max(1, SCATTER_WIDTH - lo.length - hi.length))}${hi}`);
  lines.push(
    `${' '.repeat(10)}x: ${axisLabel(c.xLabel, c.unit)}; y: ${axisLabel(c.yLabel, c.unit)}; the axes cross at 0`,
  );
  if (missing.length) legend.push(`  not drawn (no figure): ${missing.join(', ')}`);
  return [chalk.bold(c.title), ...lines, ...legend].join('\n');
}

export function renderTerminal(report: Report): string {
  const color = chalk.level > 0;
  const out: string[] = [];
  const alerts = (report.alerts ?? []).map((l) => chalk.bold.red(l));
  const top = [...alerts, ...(report.lead ?? []).map((l) => chalk.bold(l))];
  if (top.length) out.push(...top, '');
  for (const s of report.sections) {
    if (s.title) out.push(chalk.bold(s.title));
    const charts = [
      ...chartsOf(s).map((c) => textChart(c) + '\n'),
      ...(s.scatter ? [textScatter(s.scatter) + '\n'] : []),
    ];
    if (s.columns.length === 0) {
      out.push(...charts);
      continue;
    }
    const al = alignments(s);
    const t = new Table({
      head: s.columns,
      colAligns: al,
      style: color ? { head: ['cyan'], border: ['grey'] } : { head: [], border: [] },
    });
    const shown = s.preview !== undefined && s.rows.length > s.preview ? s.rows.slice(0, s.preview) : s.rows;
    for (const r of shown) t.push(r.map(formatCell));
    out.push(t.toString());
    if (shown.length < s.rows.length) {
      out.push(`… ${s.rows.length - shown.length} more row(s); --format csv, md or json lists all ${s.rows.length}`);
    }
    out.push('');
    out.push(...charts);
  }
  for (const n of report.notes ?? []) out.push(n);
  return out.join('\n') + (report.notes?.length ? '\n' : '');
}
