import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fitPrices, reconcile, saveBilledPrices, type ReconcileRow } from '../../src/metrics/reconcile.js';
import { fixtures } from '../helpers.js';
import { withAnalyzeStore } from './analyze-fixtures.js';

const dir = path.join(fixtures, 'reconcile');
const FILES = [path.join(dir, 'requests.csv'), path.join(dir, 'prices.csv')];

/**
 * fixtures/reconcile (DeepSeek-V3.2, USD per 1 M tokens; see requests.csv):
 *   acme  list 0.5 / 2, cached 0.1; billed at list, half its requests with cached tokens
 *   bolt  list 1 / 4, above 128k input 2 / 8; billed at list, two requests past the tier
 *   corp  list 0.3 / 1.2; bills 10% above list
 *   echo  list 0.4 / 1.6, no cached price; bills cached tokens at 0.2
 *   dyn   no list price; bills 0.2 / 0.8, cached 0.05
 * and four acme requests not compared: no cost, billed in CNY, failed and billed 0, free.
 */
const LIST: Record<
  string,
  { in: number; out: number; cached?: number; tier?: { min: number; in: number; out: number } }
> = {
  acme: { in: 0.5, out: 2, cached: 0.1 },
  bolt: { in: 1, out: 4, tier: { min: 128_000, in: 2, out: 8 } },
  corp: { in: 0.3, out: 1.2 },
  echo: { in: 0.4, out: 1.6 },
};

interface Logged {
  id: string;
  provider: string;
  input: number;
  output: number;
  cached: number;
  status: string;
  cost: number | null;
  currency: string;
}

function logged(): Logged[] {
  const [, ...lines] = readFileSync(FILES[0], 'utf8').trim().split('\n');
  return lines.map((l) => {
    const [id, , , provider, input, output, cached, status, cost, currency] = l.split(',');
    return {
      id,
      provider,
      input: Number(input),
      output: Number(output),
      cached: Number(cached),
      status,
      cost: cost === '' ? null : Number(cost),
      currency,
    };
  });
}

/** The list cost by hand: the whole request at the tier its input passes, cached at the cached price (else input). */
function listCost(r: Logged): number {
  const p = LIST[r.provider];
  const t = p.tier && r.input > p.tier.min ? { in: p.tier.in, out: p.tier.out, cached: p.tier.in } : p;
  return ((r.input - r.cached) * t.in + r.cached * (t.cached ?? t.in) + r.output * t.out) / 1e6;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length / 2;
  return s.length % 2 ? s[Math.floor(m)] : (s[m - 1] + s[m]) / 2;
};
const near = (a: number | null, b: number, what: string, tol = 1e-9) =>
  assert.ok(a !== null && Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

test('reconcile: billed vs list per provider, by hand; tiers and cached tokens priced as the replay prices them', async () => {
  const r = await withAnalyzeStore([], (s) => reconcile(s, {}), FILES);
  const byProvider = (p: string) => r.rows.find((x) => x.provider === p && x.currency === 'USD')!;
  for (const p of ['acme', 'bolt', 'corp', 'echo']) {
    const priced = logged().filter((x) => x.provider === p && x.cost !== null && x.cost > 0 && x.currency === 'USD');
    const billed = priced.reduce((t, x) => t + x.cost!, 0);
    const list = priced.reduce((t, x) => t + listCost(x), 0);
    const row = byProvider(p);
    assert.equal(row.priced, priced.length, p);
    near(row.billedCost, billed, `${p} billed`);
    near(row.listCost, list, `${p} list`);
    near(row.deltaPct, ((list - billed) / billed) * 100, `${p} delta`);
    near(row.medianAbsErrorPct, median(priced.map((x) => (Math.abs(listCost(x) - x.cost!) / x.cost!) * 100)), p);
  }
  // at list, with cached tokens and with requests past the long-context tier: no difference
  near(byProvider('acme').deltaPct, 0, 'acme');
  near(byProvider('bolt').deltaPct, 0, 'bolt');
  // 10% above list: (L − 1.1 L) / 1.1 L
  near(byProvider('corp').deltaPct, (-0.1 / 1.1) * 100, 'corp');
  near(byProvider('corp').medianAbsErrorPct, (0.1 / 1.1) * 100, 'corp median');
  // the requests not compared, each under its reason
  assert.deepEqual(byProvider('acme').unpriced, { no_billed_cost: 1, failed_not_billed: 1, free_or_byok: 1 });
  assert.deepEqual(r.rows.find((x) => x.provider === 'acme' && x.currency === 'CNY')?.unpriced, {
    currency_differs: 1,
  });
  assert.deepEqual(byProvider('dyn').unpriced, { no_price: 24 });
  assert.equal(byProvider('dyn').priced, 0);
  // overall: every USD request compared, in one currency
  const all = logged().filter((x) => x.provider in LIST && x.cost && x.currency === 'USD');
  const billed = all.reduce((t, x) => t + x.cost!, 0);
  const list = all.reduce((t, x) => t + listCost(x), 0);
  assert.equal(r.overall.requests, 124);
  assert.equal(r.overall.priced, all.length);
  assert.equal(r.overall.currency, 'USD');
  near(r.overall.deltaPct, ((list - billed) / billed) * 100, 'overall delta');
  near(
    r.overall.medianAbsErrorPct,
    median(all.map((x) => (Math.abs(listCost(x) - x.cost!) / x.cost!) * 100)),
    'median',
  );
  assert.deepEqual(r.overall.unpriced, {
    no_billed_cost: 1,
    no_price: 24,
    currency_differs: 1,
    failed_not_billed: 1,
    free_or_byok: 1,
  });
});

test('effective prices: the fit returns the prices the bills follow; what the bills cannot tell is null', async () => {
  const r = await withAnalyzeStore([], (s) => reconcile(s, {}), FILES);
  const row = (p: string) => r.rows.find((x) => x.provider === p && x.currency === 'USD')!;
  const fitted = (x: ReconcileRow) => [x.effectiveInputPrice, x.effectiveCachedPrice, x.effectiveOutputPrice];
  const check = (p: string, want: (number | null)[], n: number) => {
    const got = fitted(row(p));
    want.forEach((w, i) => (w === null ? assert.equal(got[i], null, `${p} ${i}`) : near(got[i], w, `${p} ${i}`)));
    assert.equal(row(p).n, n, p);
    near(row(p).r2, 1, `${p} r2`);
  };
  check('acme', [0.5, 0.1, 2], 24);
  // no cached tokens: no cached price; the two requests past the tier are left out of the fit
  check('bolt', [1, null, 4], 22);
  check('corp', [0.33, null, 1.32], 24);
  check('echo', [0.4, 0.2, 1.6], 24);
  // a provider no catalogue lists is fitted from its bills all the same
  check('dyn', [0.2, 0.05, 0.8], 24);
  assert.equal(row('acme').finding, null);
  assert.equal(row('corp').finding, 'bills input at 0.33 (list 0.3, +10.0%); bills output at 1.32 (list 1.2, +10.0%)');
  assert.equal(
    row('echo').finding,
    'bills cached tokens at 0.2 (0.5x the input price); the catalogue has no cached price',
  );
  assert.deepEqual(
    [row('echo').listInputPrice, row('echo').listCachedPrice, row('echo').listOutputPrice],
    [0.4, null, 1.6],
  );
});

test('fitPrices: fewer than 20 requests, tokens in one ratio, and non-negative prices', () => {
  // y = 2·x1 + 3·x3 over points where x3 = 0.1·x1: the two columns are one; neither price is told
  const pts = Array.from({ length: 25 }, (_, i) => [1 + i, 0, 0.1 * (1 + i)]);
  const sums = (ps: number[][], f: (p: number[]) => number) => {
    const s = { s11: 0, s12: 0, s13: 0, s22: 0, s23: 0, s33: 0, s1y: 0, s2y: 0, s3y: 0, sy: 0, syy: 0, n: ps.length };
    for (const p of ps) {
      const y = f(p);
      s.s11 += p[0] * p[0];
      s.s12 += p[0] * p[1];
      s.s13 += p[0] * p[2];
      s.s22 += p[1] * p[1];
      s.s23 += p[1] * p[2];
      s.s33 += p[2] * p[2];
      s.s1y += p[0] * y;
      s.s2y += p[1] * y;
      s.s3y += p[2] * y;
      s.sy += y;
      s.syy += y * y;
    }
    return s;
  };
  const collinear = fitPrices(sums(pts, (p) => 2 * p[0] + 3 * p[2]));
  assert.deepEqual(
    [collinear.effectiveInputPrice, collinear.effectiveCachedPrice, collinear.effectiveOutputPrice],
    [null, null, null],
  );
  near(collinear.r2, 1, 'the merged column still explains the bills');
  const few = fitPrices(sums(pts.slice(0, 19), (p) => p[0]));
  assert.deepEqual([few.effectiveInputPrice, few.r2, few.n], [null, null, 19]);
  // bills that fall as output grows: least squares would price output below 0; NNLS holds it at 0
  const spread = Array.from({ length: 30 }, (_, i) => [1 + (i % 7), 0, 1 + ((i * 3) % 5)]);
  const nn = fitPrices(sums(spread, (p) => 2 * p[0] - 0.5 * p[2]));
  assert.equal(nn.effectiveOutputPrice, 0);
  assert.ok(nn.effectiveInputPrice! > 0);
});

test('--save-prices stores the fitted prices, in force from the first request fitted; saving again replaces them', async () => {
  const saved = await withAnalyzeStore(
    [],
    async (s) => {
      const r = await reconcile(s, {});
      await saveBilledPrices(s, r.rows);
      await saveBilledPrices(s, r.rows);
      return s.all<{ provider: string; ts: string; input: number; cached: number | null; output: number; n: number }>(
        `SELECT provider, strftime(ts, '%Y-%m-%dT%H:%M:%SZ') AS ts, input_price AS input, cached_input_price AS cached,
           output_price AS output, n FROM billed_prices ORDER BY provider`,
      );
    },
    FILES,
  );
  assert.deepEqual(
    saved.map((x) => [x.provider, x.ts, x.n]),
    [
      ['acme', '2026-03-02T00:00:00Z', 24],
      ['bolt', '2026-03-03T00:00:00Z', 22],
      ['corp', '2026-03-04T00:00:00Z', 24],
      ['dyn', '2026-03-06T00:00:00Z', 24],
      ['echo', '2026-03-05T00:00:00Z', 24],
    ],
  );
  const dyn = saved.find((x) => x.provider === 'dyn')!;
  near(dyn.input, 0.2, 'dyn input');
  near(dyn.cached, 0.05, 'dyn cached');
  near(dyn.output, 0.8, 'dyn output');
  assert.equal(saved.find((x) => x.provider === 'bolt')!.cached, null);
});
