/**
 * One self-contained HTML page: inline CSS, charts as inline SVG, no scripts,
 * no fonts, nothing fetched. Failed gates first, then the answer, the sections
 * and the notes, as in the Markdown.
 */
import { alignments, chartsOf, formatCell, LONG_TABLE_ROWS, type Report, type Section } from './index.js';
import { escapeXml as esc, svgChart, svgScatter } from './svg.js';

/** A chart alone takes a wide drawing; charts side by side take narrow ones. */
const WIDE = 720;
const NARROW = 340;

const STYLE = `
:root { color-scheme: light; --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --head: #f6f8fa; --alert: #b42318; }
* { box-sizing: border-box; }
body { margin: 0; background: #fff; color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1160px; margin: 0 auto; padding: 24px 32px 48px; }
h1 { font-size: 1.5rem; margin: 0 0 12px; }
h2 { font-size: 1.1rem; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
.alerts { border: 2px solid var(--alert); border-radius: 6px; background: #fef3f2; color: var(--alert);
  font-weight: 600; padding: 6px 16px; margin: 0 0 16px; }
.alerts p { margin: 4px 0; }
.lead { font-size: 1.05rem; font-weight: 600; margin: 0 0 16px; padding-left: 20px; }
.lead li { margin: 4px 0; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; margin: 8px 0 12px; }
figure { margin: 0; max-width: 100%; }
svg.chart { max-width: 100%; height: auto; font-size: 12px; }
svg text { fill: var(--fg); }
svg .title { font-size: 13px; font-weight: 600; }
svg .tick, svg .axis-label, svg .value { fill: var(--muted); font-size: 11px; }
svg .point-label { font-size: 11px; }
svg .missing { fill: var(--muted); font-size: 11px; font-style: italic; }
svg .grid { stroke: #e6e8eb; }
svg .axis { stroke: var(--muted); }
.table-wrap { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; font-size: 13px; margin: 4px 0 8px; }
th, td { border: 1px solid var(--line); padding: 3px 8px; text-align: left; vertical-align: top; white-space: nowrap; }
th { background: var(--head); font-weight: 600; }
tbody tr:nth-child(even) { background: #fbfcfd; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
summary { cursor: pointer; color: var(--muted); margin: 4px 0; }
.notes { margin-top: 32px; padding-top: 8px; border-top: 1px solid var(--line); color: var(--muted); font-size: 13px; }
.notes p { margin: 4px 0; }
@media print {
  @page { margin: 14mm; }
  body { font-size: 10pt; }
  main { max-width: none; padding: 0; }
  .table-wrap { overflow: visible; }
  table { font-size: 7pt; }
  th, td { white-space: normal; padding: 1px 4px; }
  details::details-content { content-visibility: visible; display: block; }
  summary { display: none; }
  figure, tr, .alerts { break-inside: avoid; }
  h2 { break-after: avoid; }
  thead { display: table-header-group; }
  .alerts { background: none; }
}
`;

function htmlTable(s: Section): string {
  const cls = alignments(s).map((a) => (a === 'right' ? ' class="num"' : ''));
  const head = s.columns.map((c, i) => `<th${cls[i]}>${esc(c)}</th>`).join('');
  const body = s.rows.map(
    (r) => `<tr>${r.map((c, i) => `<td${cls[i] ?? ''}>${esc(formatCell(c))}</td>`).join('')}</tr>`,
  );
  const table = `<div class="table-wrap"><table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body.join('\n')}\n</tbody>\n</table></div>`;
  return s.rows.length > LONG_TABLE_ROWS
    ? `<details><summary>Show all ${s.rows.length} rows</summary>\n${table}\n</details>`
    : table;
}

function htmlSection(s: Section): string {
  const charts = chartsOf(s);
  const width = charts.length + (s.scatter ? 1 : 0) > 1 ? NARROW : WIDE;
  const figures = [
    ...charts.map((c) => svgChart(c, { width })),
    ...(s.scatter ? [svgScatter(s.scatter, { width })] : []),
  ];
  return [
    '<section>',
    ...(s.title ? [`<h2>${esc(s.title)}</h2>`] : []),
    ...(figures.length ? ['<div class="charts">', ...figures.map((f) => `<figure>\n${f}\n</figure>`), '</div>'] : []),
    ...(s.columns.length ? [htmlTable(s)] : []),
    '</section>',
  ].join('\n');
}

export function renderHtml(report: Report): string {
  const title = report.title ?? 'ai-ping';
  const paragraphs = (lines: string[]) => lines.map((l) => `<p>${esc(l)}</p>`);
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>${esc(title)}</h1>`,
    ...(report.alerts?.length ? ['<div class="alerts" role="alert">', ...paragraphs(report.alerts), '</div>'] : []),
    ...(report.lead?.length ? ['<ul class="lead">', ...report.lead.map((l) => `<li>${esc(l)}</li>`), '</ul>'] : []),
    ...report.sections.map(htmlSection),
    ...(report.notes?.length ? ['<footer class="notes">', ...paragraphs(report.notes), '</footer>'] : []),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
