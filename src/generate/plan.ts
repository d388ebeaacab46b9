/**
 * Pure derivations from the market description: family bands, version epochs,
 * resolved offerings and price snapshots. These small tables are loaded into DuckDB,
 * where the per-request work happens.
 */
import {
  ALIAS_RATE,
  DEFAULT_INERTIA,
  FEATURES,
  LEADING_FAMILY_SHARES,
  LINES,
  MODELS,
  OFFERINGS,
  PRICE_CHANGES,
  PROVIDERS,
  SIZE_SPEED,
  TAIL_FAMILIES,
  TAIL_RATIO,
  TASKS,
  WINDOW,
  type LineDef,
  type ModelDef,
  type ProviderProfile,
} from './market.js';

const DAY_MS = 86_400_000;
export const windowStartMs = Date.parse(WINDOW.start);
export const windowEndMs = Date.parse(WINDOW.end);

export function dayMs(date: string): number {
  return Date.parse(`${date}T00:00:00.000Z`);
}

/** Geometric tail of `count` shares with `ratio` that sums to `total`. */
export function geometricShares(count: number, ratio: number, total: number): number[] {
  const first = (total * (1 - ratio)) / (1 - ratio ** count);
  return Array.from({ length: count }, (_, k) => first * ratio ** k);
}

export interface FamilyShare {
  family: string;
  sharePct: number;
}

/** All families with their token-demand shares (percent), largest first. */
export function familyShares(): FamilyShare[] {
  const leadTotal = LEADING_FAMILY_SHARES.reduce((s, [, p]) => s + p, 0);
  const tail = geometricShares(TAIL_FAMILIES.length, TAIL_RATIO, 100 - leadTotal);
  return [
    ...LEADING_FAMILY_SHARES.map(([family, sharePct]) => ({ family, sharePct })),
    ...TAIL_FAMILIES.map((family, k) => ({ family, sharePct: tail[k] })),
  ];
}

/** Population Gini: Σᵢ Σⱼ |xᵢ − xⱼ| / (2 n² x̄). */
export function gini(values: readonly number[]): number {
  const n = values.length;
  if (n === 0) return 0;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  if (mean === 0) return 0;
  let sum = 0;
  for (const a of values) for (const b of values) sum += Math.abs(a - b);
  return sum / (2 * n * n * mean);
}

export function modelsOf(line: string): ModelDef[] {
  return MODELS.filter((m) => m.line === line).sort((a, b) => a.release.localeCompare(b.release));
}

/** Lines of the market: the declared ones, plus one line per model that has no declared line. */
export function lines(): LineDef[] {
  const declared = new Map(LINES.map((l) => [l.line, l]));
  const out: LineDef[] = [...LINES];
  for (const mdl of MODELS) {
    if (!declared.has(mdl.line)) {
      declared.set(mdl.line, { line: mdl.line, family: mdl.family, weight: 1 });
      out.push(declared.get(mdl.line)!);
    }
  }
  return out;
}

/** First moment a line (or a family) can carry traffic: its earliest release, not before the window. */
export function lineAvailableMs(line: string): number {
  return Math.max(windowStartMs, Math.min(...modelsOf(line).map((m) => dayMs(m.release))));
}

export interface FamilyBand {
  family: string;
  sharePct: number;
  lo: number;
  hi: number;
  availableMs: number;
}

/**
 * Families laid out on [0, 1) in the order requests are assigned to them: those
 * available from the window start first, late arrivals last (by arrival), so that
 * requests made before a family exists can be kept out of its band.
 */
export function familyBands(): FamilyBand[] {
  const avail = (family: string) =>
    Math.min(
      ...lines()
        .filter((l) => l.family === family)
        .map((l) => lineAvailableMs(l.line)),
    );
  const fams = familyShares().map((f, rank) => ({ ...f, rank, availableMs: avail(f.family) }));
  fams.sort((a, b) => a.availableMs - b.availableMs || a.rank - b.rank);
  let lo = 0;
  return fams.map((f) => {
    const band = { family: f.family, sharePct: f.sharePct, lo, hi: lo + f.sharePct / 100, availableMs: f.availableMs };
    lo = band.hi;
    return band;
  });
}

/** Room kept between the assignment keys of early requests and a late family's band. */
export const LATE_FAMILY_MARGIN = 0.01;

/** Step function over time: the largest family-assignment key a request made from `fromMs` on may get. */
export function familyKeyCaps(): { fromMs: number; cap: number }[] {
  const bands = familyBands();
  const steps = [...new Set([windowStartMs, ...bands.map((b) => b.availableMs)])].sort((a, b) => a - b);
  return steps.map((fromMs) => {
    const late = bands.filter((b) => b.availableMs > fromMs);
    const cap = late.length ? Math.max(0, Math.min(...late.map((b) => b.lo)) - LATE_FAMILY_MARGIN) : 1;
    return { fromMs, cap };
  });
}

export interface LineWeightRow {
  family: string;
  line: string;
  task: string;
  weight: number;
  availableMs: number;
}

/** Weight of each line within its family, per task. */
export function lineWeights(): LineWeightRow[] {
  const rows: LineWeightRow[] = [];
  for (const l of lines()) {
    for (const t of TASKS) {
      rows.push({
        family: l.family,
        line: l.line,
        task: t.task,
        weight: l.weight * (l.tasks?.[t.task] ?? 1),
        availableMs: lineAvailableMs(l.line),
      });
    }
  }
  return rows;
}

export interface Epoch {
  line: string;
  fromMs: number;
  newest: string;
  /** Superseded share at the start of the epoch, its floor and decay time (days); start 0 when nothing is older. */
  start: number;
  floor: number;
  tauDays: number;
  /** How the superseded demand splits over the older versions (fractions summing to 1). */
  older: { model: string; weight: number }[];
}

/**
 * Version epochs of every line: from each release on, the newest version takes
 * 1 − s(t) of the line's demand, where s decays from `start` to `floor`; the rest
 * keeps the split the older versions had at that release.
 */
export function lineEpochs(): Epoch[] {
  const out: Epoch[] = [];
  for (const l of lines()) {
    const inertia = l.inertia ?? DEFAULT_INERTIA;
    const versions = modelsOf(l.line);
    let mix = new Map<string, number>();
    let prev: Epoch | undefined;
    for (const v of versions) {
      const fromMs = dayMs(v.release);
      if (prev) mix = epochMixAt(prev, fromMs);
      const older = [...mix.entries()].filter(([, w]) => w > 0).map(([model, weight]) => ({ model, weight }));
      const epoch: Epoch = {
        line: l.line,
        fromMs,
        newest: v.model,
        start: older.length ? inertia.start : 0,
        floor: older.length ? inertia.floor : 0,
        tauDays: inertia.tauDays,
        older,
      };
      out.push(epoch);
      prev = epoch;
    }
  }
  return out;
}

export function supersededShare(e: Epoch, atMs: number): number {
  if (!e.older.length) return 0;
  const days = Math.max(0, (atMs - e.fromMs) / DAY_MS);
  return e.floor + (e.start - e.floor) * Math.exp(-days / e.tauDays);
}

/** The line's version mix at a moment inside the epoch. */
export function epochMixAt(e: Epoch, atMs: number): Map<string, number> {
  const s = supersededShare(e, atMs);
  const mix = new Map<string, number>();
  for (const { model, weight } of e.older) mix.set(model, s * weight);
  mix.set(e.newest, (mix.get(e.newest) ?? 0) + 1 - s);
  return mix;
}

export interface OfferingRow {
  oid: number;
  provider: string;
  model: string;
  official: boolean;
  listedFrom: string;
  listedTo: string | null;
  /** Measurement and pricing period inside the window. */
  fromMs: number;
  toMs: number;
  contextLength: number;
  maxOutputTokens: number;
  features: string;
  quantization: string | null;
  inputPrice: number;
  outputPrice: number;
  cachedPrice: number | null;
  ttftMs: number;
  tps: number;
  traffic: number;
  errorRate: number;
  degradedRate: number;
  unsupportedCode: string;
  unsupportedMessage: string;
}

export function provider(name: string): ProviderProfile {
  const p = PROVIDERS.find((x) => x.provider === name);
  if (!p) throw new Error(`market: unknown provider ${name}`);
  return p;
}

export function model(name: string): ModelDef {
  const mdl = MODELS.find((x) => x.model === name);
  if (!mdl) throw new Error(`market: unknown model ${name}`);
  return mdl;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

export function offerings(): OfferingRow[] {
  return OFFERINGS.map((d, oid) => {
    const p = provider(d.provider);
    const mdl = model(d.model);
    const speed = SIZE_SPEED[mdl.size];
    const listedFrom = d.from ?? mdl.release;
    const listedTo = d.to ?? null;
    const mult = d.priceMult ?? p.priceMult;
    const cached = d.cachedPrice !== undefined ? d.cachedPrice : p.official ? (mdl.price.cached ?? null) : null;
    const context = d.context ?? mdl.context;
    return {
      oid,
      provider: d.provider,
      model: d.model,
      official: p.official,
      listedFrom,
      listedTo,
      fromMs: Math.max(windowStartMs, dayMs(listedFrom)),
      toMs: listedTo ? Math.min(windowEndMs, dayMs(listedTo)) : windowEndMs,
      contextLength: context,
      maxOutputTokens: Math.min(context, p.official ? 32_768 : 16_384),
      features: d.features ?? p.features,
      quantization: d.quantization !== undefined ? d.quantization : (p.quantization ?? null),
      inputPrice: round2(mdl.price.input * mult),
      outputPrice: round2(mdl.price.output * mult),
      cachedPrice: cached,
      ttftMs: d.ttftMs ?? p.ttftMs * speed.ttft,
      tps: d.tps ?? p.tps * speed.tps,
      traffic: d.traffic ?? p.traffic,
      errorRate: d.errorRate ?? p.errorRate,
      degradedRate: d.degradedRate ?? p.degradedRate,
      unsupportedCode: p.unsupported.code,
      unsupportedMessage: p.unsupported.message,
    };
  });
}

export interface PriceRow {
  ts: string;
  provider: string;
  model: string;
  inputPrice: number;
  outputPrice: number;
  cachedPrice: number | null;
}

/** One snapshot per offering when its listing starts (or at the window start), plus the mid-quarter changes. */
export function priceSnapshots(rows: OfferingRow[] = offerings()): PriceRow[] {
  const out: PriceRow[] = rows.map((r) => ({
    ts: new Date(r.fromMs).toISOString(),
    provider: r.provider,
    model: r.model,
    inputPrice: r.inputPrice,
    outputPrice: r.outputPrice,
    cachedPrice: r.cachedPrice,
  }));
  for (const c of PRICE_CHANGES) {
    const base = rows.find((r) => r.provider === c.provider && r.model === c.model);
    if (!base) throw new Error(`market: price change for unknown offering ${c.provider}/${c.model}`);
    out.push({
      ts: c.ts,
      provider: c.provider,
      model: c.model,
      inputPrice: round2(base.inputPrice * c.mult),
      outputPrice: round2(base.outputPrice * c.mult),
      cachedPrice: base.cachedPrice === null ? null : round2(base.cachedPrice * c.mult),
    });
  }
  return out;
}

export interface CatalogRow {
  alias: string;
  model: string;
  family: string;
  line: string;
  releaseDate: string;
}

export function catalogRows(): CatalogRow[] {
  return MODELS.flatMap((mdl) =>
    [mdl.model, ...mdl.aliases].map((alias) => ({
      alias,
      model: mdl.model,
      family: mdl.family,
      line: mdl.line,
      releaseDate: mdl.release,
    })),
  );
}

/** Cumulative lower bounds of a discrete distribution, for ASOF lookups. */
export function cumulative<T>(items: readonly T[], weight: (t: T) => number): { item: T; lo: number }[] {
  const total = items.reduce((s, t) => s + weight(t), 0);
  let acc = 0;
  return items.map((item) => {
    const lo = acc / total;
    acc += weight(item);
    return { item, lo };
  });
}

/** Alias choice per model: with probability ALIAS_RATE a real-world spelling, else the canonical name. */
export function aliasChoices(): { model: string; alias: string; lo: number }[] {
  return MODELS.flatMap((mdl) => {
    const options = [
      { alias: mdl.model, w: mdl.aliases.length ? 1 - ALIAS_RATE : 1 },
      ...mdl.aliases.map((alias) => ({ alias, w: ALIAS_RATE / mdl.aliases.length })),
    ];
    return cumulative(options, (x) => x.w).map(({ item, lo }) => ({ model: mdl.model, alias: item.alias, lo }));
  });
}

export function featureList(features: string): string[] {
  return features.split(',').filter((f) => (FEATURES as string[]).includes(f));
}

/**
 * Checks that the market can serve its own demand: every model with demand has,
 * at every day from its release (within the window), a listed offering with traffic
 * that supports every feature. Returns the problems found.
 */
export function coverageProblems(rows: OfferingRow[] = offerings()): string[] {
  const problems: string[] = [];
  for (const mdl of MODELS) {
    const start = Math.max(windowStartMs, dayMs(mdl.release));
    for (let t = start; t < windowEndMs; t += DAY_MS) {
      const ok = rows.some(
        (r) =>
          r.model === mdl.model &&
          r.traffic > 0 &&
          r.fromMs <= t &&
          t < r.toMs &&
          FEATURES.every((f) => featureList(r.features).includes(f)),
      );
      if (!ok) {
        problems.push(`${mdl.model} has no full-featured offering on ${new Date(t).toISOString().slice(0, 10)}`);
        break;
      }
    }
  }
  return problems;
}
