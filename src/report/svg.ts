/**
 * A chart as inline SVG: y axis with ticks on a round step, x labels, one
 * polyline (or one bar per x value) per series, a legend; or a scatter of
 * labelled points. No scripts, no fonts: the text takes the page's font. A
 * missing value is never drawn at 0: a line has a gap, a bar says `n/a`, a
 * point is named under the plot.
 */
import { formatNumber, type Chart, type Scatter, type ScatterPoint } from './index.js';

export interface SvgOptions {
  /** width of the drawing in px; the height follows from the plot and its labels */
  width?: number;
}

/** Okabe–Ito colours (safe for colour-blind readers) with a dash pattern each, for grey print. */
const COLOURS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9'];
const DASHES = ['', '6 3', '2 3', '8 3 2 3'];
const LEFT = 64;
const RIGHT = 16;
const TOP = 40;
const PLOT_HEIGHT = 220;
/** rough width of one character of 12px text, for label layout */
const CHAR = 6.5;
const MAX_LABEL = 28;

export function escapeXml(s: string): string {
  return s
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** One decimal is finer than a pixel; it keeps the file small and stable. */
const px = (v: number) => String(Math.round(v * 10) / 10);

/** 1, 2, 2.5 or 5 times a power of ten, at least `raw`. */
export function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * p;
}

/** An axis from `lo` to `hi` (0 always on it) cut into about four round steps. */
export function niceScale(values: number[]): { lo: number; hi: number; ticks: number[] } {
  const min = Math.min(0, ...values);
  const max = Math.max(0, ...values);
  const step = niceStep(max > min ? (max - min) / 4 : 1);
  // The epsilon keeps 0.30000000000000004 from opening a fourth step of 0.1.
  const round = (v: number) => Number(v.toPrecision(12));
  const lo = round(Math.floor(min / step + 1e-9) * step);
  const hi = round(Math.max(Math.ceil(max / step - 1e-9) * step, lo + step));
  const ticks: number[] = [];
  for (let i = 0; lo + i * step <= hi + step / 1e9; i++) ticks.push(round(lo + i * step));
  return { lo, hi, ticks };
}

const colour = (k: number) => COLOURS[k % COLOURS.length];
const dash = (k: number) => (DASHES[k % DASHES.length] ? ` stroke-dasharray="${DASHES[k % DASHES.length]}"` : '');
const clip = (s: string) => (s.length > MAX_LABEL ? `${s.slice(0, MAX_LABEL - 1)}…` : s);

/** Consecutive runs of non-null points: a gap in the data is a gap in the line. */
function runs(points: ([number, number] | null)[]): [number, number][][] {
  const out: [number, number][][] = [[]];
  for (const p of points) {
    if (p) out[out.length - 1].push(p);
    else if (out[out.length - 1].length) out.push([]);
  }
  return out.filter((r) => r.length);
}

export function svgChart(c: Chart, o: SvgOptions = {}): string {
  const width = o.width ?? 640;
  const n = Math.max(1, c.x.length);
  const bar = c.kind === 'bar';
  // A value that is not a finite number (no data, a division by zero) is not drawn.
  const series = c.series.map((s) => ({
    name: s.name,
    values: s.values.map((v) => (v !== null && Number.isFinite(v) ? v : null)),
  }));
  const { lo, hi, ticks } = niceScale(series.flatMap((s) => s.values).filter((v): v is number => v !== null));
  const y = (v: number) => TOP + (PLOT_HEIGHT * (hi - v)) / (hi - lo);

  // x labels: every k-th so that they do not overlap; turned when even those are too wide.
  const labels = c.x.map(clip);
  const every = Math.max(1, Math.ceil((n * 40) / (width - LEFT - RIGHT)));
  const longest = Math.max(0, ...labels.map((l) => l.length));
  const turned = longest * CHAR > ((width - LEFT - RIGHT) / n) * every - 4;
  // A turned first label reaches left of its slot (cos 35° of its length): the plot moves right to keep it on the drawing.
  const reach = turned ? (labels[0]?.length ?? 0) * CHAR * 0.82 : 0;
  const left = Math.max(LEFT, Math.ceil((2 + reach - (width - RIGHT) / (2 * n)) / (1 - 1 / (2 * n))));
  const xBand = turned ? 24 + Math.ceil(longest * CHAR * 0.57) : 24;
  // Each x value has a slot; bars and line points sit in its middle, so end labels stay inside.
  const slot = (width - left - RIGHT) / n;
  const x = (i: number) => left + slot * (i + 0.5);
  const base = TOP + PLOT_HEIGHT;

  const legendY = base + xBand + 14;
  let lx = left;
  let ly = legendY;
  const legend = series.map((s, k) => {
    const w = 28 + (s.name.length + (s.values.every((v) => v === null) ? 10 : 0)) * CHAR + 16;
    if (lx + w > width && lx > left) [lx, ly] = [left, ly + 18];
    const marker = bar
      ? `<rect x="${px(lx)}" y="${px(ly - 9)}" width="18" height="10" fill="${colour(k)}"/>`
      : `<line x1="${px(lx)}" x2="${px(lx + 18)}" y1="${px(ly - 4)}" y2="${px(ly - 4)}" stroke="${colour(k)}" stroke-width="2"${dash(k)}/>`;
    const name = s.values.every((v) => v === null) ? `${s.name} (no data)` : s.name;
    const item = `<g class="legend">${marker}<text x="${px(lx + 24)}" y="${px(ly)}">${escapeXml(name)}</text></g>`;
    lx += w;
    return item;
  });
  const height = ly + 12;

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img">`,
    `<title>${escapeXml(c.title)}</title>`,
    `<text class="title" x="${left}" y="22">${escapeXml(c.title)}</text>`,
    `<text class="axis-label" transform="rotate(-90)" x="${px(-(TOP + PLOT_HEIGHT / 2))}" y="${left - 46}" text-anchor="middle">${escapeXml(c.yLabel)}</text>`,
  ];
  for (const t of ticks) {
    out.push(
      `<line class="grid" x1="${left}" x2="${width - RIGHT}" y1="${px(y(t))}" y2="${px(y(t))}"/>`,
      `<text class="tick" x="${left - 6}" y="${px(y(t) + 4)}" text-anchor="end">${escapeXml(formatNumber(t))}</text>`,
    );
  }
  out.push(
    `<line class="axis" x1="${left}" x2="${left}" y1="${TOP}" y2="${base}"/>`,
    `<line class="axis" x1="${left}" x2="${width - RIGHT}" y1="${px(y(0))}" y2="${px(y(0))}"/>`,
  );
  labels.forEach((l, i) => {
    if (i % every) return;
    const ty = base + 16;
    const turn = turned ? ` transform="rotate(-35 ${px(x(i))} ${ty})" text-anchor="end"` : ' text-anchor="middle"';
    out.push(`<text class="tick" x="${px(x(i))}" y="${ty}"${turn}>${escapeXml(l)}</text>`);
  });

  const barW = (slot * 0.8) / Math.max(1, series.length);
  series.forEach((s, k) => {
    const name = escapeXml(s.name);
    if (bar) {
      s.values.forEach((v, i) => {
        const bx = left + slot * i + slot * 0.1 + k * barW;
        if (v === null) {
          // no bar, which would read as 0: the slot says the figure is missing
          out.push(
            `<text class="value missing" x="${px(bx + barW / 2)}" y="${px(y(0) - 4)}" text-anchor="middle">n/a` +
              `<title>${escapeXml(c.x[i])}, ${name}: no figure</title></text>`,
          );
          return;
        }
        const [top, bottom] = [Math.min(y(v), y(0)), Math.max(y(v), y(0))];
        const value = escapeXml(formatNumber(Number(v.toPrecision(3))));
        out.push(
          `<rect class="bar" x="${px(bx)}" y="${px(top)}" width="${px(barW)}" height="${px(bottom - top)}" fill="${colour(k)}">` +
            `<title>${escapeXml(c.x[i])}, ${name}: ${value}</title></rect>`,
          `<text class="value" x="${px(bx + barW / 2)}" y="${px(top - 4)}" text-anchor="middle">${value}</text>`,
        );
      });
      return;
    }
    for (const run of runs(s.values.map((v, i) => (v === null ? null : [x(i), y(v)])))) {
      if (run.length === 1) {
        out.push(
          `<circle cx="${px(run[0][0])}" cy="${px(run[0][1])}" r="3" fill="${colour(k)}"><title>${name}</title></circle>`,
        );
        continue;
      }
      const points = run.map(([a, b]) => `${px(a)},${px(b)}`).join(' ');
      out.push(
        `<polyline class="series" fill="none" stroke="${colour(k)}" stroke-width="2"${dash(k)} points="${points}"><title>${name}</title></polyline>`,
      );
    }
  });
  out.push(...legend, '</svg>');
  return out.join('\n');
}

/** `−37.8%`: a change with its sign, three significant digits and the unit. */
export const signedFigure = (v: number, unit = '') =>
  `${v > 0 ? '+' : v < 0 ? '−' : '±'}${formatNumber(Math.abs(Number(v.toPrecision(3))))}${unit}`;

/** An axis label with its unit: `cost change, %`. */
export const axisLabel = (label: string, unit?: string) => (unit ? `${label}, ${unit}` : label);

/**
 * Labelled points on two value axes, both holding 0 (the baseline sits where the
 * axes cross); marked points filled and joined in x order (a front), the others
 * hollow. A point without both figures is named under the plot instead.
 */
export function svgScatter(c: Scatter, o: SvgOptions = {}): string {
  const width = o.width ?? 640;
  const finite = (v: number | null): v is number => v !== null && Number.isFinite(v);
  const drawn = c.points.filter((p): p is ScatterPoint & { x: number; y: number } => finite(p.x) && finite(p.y));
  const missing = c.points.filter((p) => !(finite(p.x) && finite(p.y))).map((p) => p.label);
  const xs = niceScale(drawn.map((p) => p.x));
  const ys = niceScale(drawn.map((p) => p.y));
  const left = LEFT;
  const right = width - RIGHT;
  const base = TOP + PLOT_HEIGHT;
  const x = (v: number) => left + ((right - left) * (v - xs.lo)) / (xs.hi - xs.lo);
  const y = (v: number) => TOP + (PLOT_HEIGHT * (ys.hi - v)) / (ys.hi - ys.lo);

  const out: string[] = [
    `<title>${escapeXml(c.title)}</title>`,
    `<text class="title" x="${left}" y="22">${escapeXml(c.title)}</text>`,
  ];
  out.push(
    `<text class="axis-label" transform="rotate(-90)" x="${px(-(TOP + PLOT_HEIGHT / 2))}" y="${left - 46}" text-anchor="middle">${escapeXml(axisLabel(c.yLabel, c.unit))}</text>`,
  );
  for (const t of ys.ticks) {
    out.push(
      `<line class="grid" x1="${left}" x2="${right}" y1="${px(y(t))}" y2="${px(y(t))}"/>`,
      `<text class="tick" x="${left - 6}" y="${px(y(t) + 4)}" text-anchor="end">${escapeXml(formatNumber(t))}</text>`,
    );
  }
  for (const t of xs.ticks) {
    out.push(
      `<line class="grid" x1="${px(x(t))}" x2="${px(x(t))}" y1="${TOP}" y2="${base}"/>`,
      `<text class="tick" x="${px(x(t))}" y="${base + 16}" text-anchor="middle">${escapeXml(formatNumber(t))}</text>`,
    );
  }
  // the baseline's lines: no change in x, no change in y
  out.push(
    `<line class="axis" x1="${px(x(0))}" x2="${px(x(0))}" y1="${TOP}" y2="${base}"/>`,
    `<line class="axis" x1="${left}" x2="${right}" y1="${px(y(0))}" y2="${px(y(0))}"/>`,
    `<text class="axis-label" x="${px((left + right) / 2)}" y="${base + 34}" text-anchor="middle">${escapeXml(axisLabel(c.xLabel, c.unit))}</text>`,
  );

  const front = drawn.filter((p) => p.marked).sort((a, b) => a.x - b.x || b.y - a.y);
  if (front.length > 1) {
    const points = front.map((p) => `${px(x(p.x))},${px(y(p.y))}`).join(' ');
    out.push(
      `<polyline class="front" fill="none" stroke="${colour(1)}" stroke-width="1.5" stroke-dasharray="4 3" points="${points}"/>`,
    );
  }
  // label boxes placed so far: a label that would cover one moves a line down or up
  const placed: [number, number, number, number][] = [];
  const place = (x0: number, x1: number, ty: number): number => {
    const free = (t: number) => placed.every(([a, b, c, d]) => x1 < a || x0 > b || t < c - 12 || t - 12 > d);
    const ty2 = [0, 12, -12, 24, -24, 36, -36].map((d) => ty + d).find(free) ?? ty;
    placed.push([x0, x1, ty2 - 12, ty2]);
    return ty2;
  };
  for (const p of drawn) {
    const [cx, cy] = [x(p.x), y(p.y)];
    const tip = `${p.label}: ${c.xLabel} ${signedFigure(p.x, c.unit)}, ${c.yLabel} ${signedFigure(p.y, c.unit)}${p.marked && c.marked ? ` (${c.marked})` : ''}`;
    out.push(
      p.marked
        ? `<circle class="point marked" cx="${px(cx)}" cy="${px(cy)}" r="5" fill="${colour(1)}"><title>${escapeXml(tip)}</title></circle>`
        : `<circle class="point" cx="${px(cx)}" cy="${px(cy)}" r="4" fill="#fff" stroke="${colour(0)}" stroke-width="2"><title>${escapeXml(tip)}</title></circle>`,
    );
    // labels to the right of a point, or to its left in the right third, where they would run off the drawing
    const flip = cx > left + ((right - left) * 2) / 3;
    const text = clip(p.label);
    const [x0, x1] = flip ? [cx - 8 - text.length * CHAR, cx - 8] : [cx + 8, cx + 8 + text.length * CHAR];
    const ty = place(x0, x1, cy - 6);
    out.push(
      `<text class="point-label" x="${px(flip ? cx - 8 : cx + 8)}" y="${px(ty)}" text-anchor="${flip ? 'end' : 'start'}">${escapeXml(text)}</text>`,
    );
  }

  let ly = base + 56;
  const legend: string[] = [];
  let lx = left;
  const item = (marker: string, text: string) => {
    legend.push(`<g class="legend">${marker}<text x="${px(lx + 14)}" y="${px(ly)}">${escapeXml(text)}</text></g>`);
    lx += 14 + text.length * CHAR + 24;
  };
  if (c.marked && front.length)
    item(`<circle cx="${px(lx + 5)}" cy="${px(ly - 4)}" r="5" fill="${colour(1)}"/>`, c.marked);
  if (c.unmarked && drawn.some((p) => !p.marked))
    item(
      `<circle cx="${px(lx + 5)}" cy="${px(ly - 4)}" r="4" fill="#fff" stroke="${colour(0)}" stroke-width="2"/>`,
      c.unmarked,
    );
  out.push(...legend);
  if (missing.length) {
    ly += 18;
    out.push(
      `<text class="missing" x="${left}" y="${px(ly)}">${escapeXml(`not drawn (no figure): ${missing.join(', ')}`)}</text>`,
    );
  }
  const height = ly + 12;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img">`,
    ...out,
    '</svg>',
  ].join('\n');
}
