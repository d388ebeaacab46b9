import assert from 'node:assert/strict';
import { test } from 'node:test';
import { heterogeneity, isPriceAnchored, spreadOf, type Spread } from '../../src/metrics/heterogeneity.js';
import { approx, MARKET_FILES, withAnalyzeStore } from './analyze-fixtures.js';

const OCTOBER = { from: '2025-10-01', to: '2025-10-31' };

type N = number | null;
const spread = (n: number, mean: N, min: N, max: N, cv: N, maxMinRatio: N): Spread => ({
  n,
  mean,
  min,
  max,
  cv,
  maxMinRatio,
});
const none = spread(0, null, null, null, null, null);

test('service heterogeneity per model with at least two providers (October 2025)', async () => {
  const h = await withAnalyzeStore(MARKET_FILES, (s) => heterogeneity(s, { by: 'tokens', ...OCTOBER }));
  // the latest snapshot at or before 10-31 (MiniMax's of 10-27); Kimi-K2-0905 has one provider (p2): left out
  assert.equal(h.priceAt, '2025-10-27T00:00:00Z');
  assert.deepEqual(
    h.models.map((m) => m.model),
    ['DeepSeek-V3.2', 'GLM-4.6', 'MiniMax-M2', 'Qwen3-32B'],
  );
  const [ds, glm, mm, qwen] = h.models;

  // Qwen3-32B: prices in force at the end of October (qwen-official's 10-15 snapshot; its 11-05 cut comes later).
  // Official first, then by blended price, then by name. Speed from latency measurements where a provider
  // has them (qwen-official: its logged request's TTFT 450 is not used), p5's listing ended in June.
  assert.deepEqual(
    approx(
      qwen.providers.map((p) => [
        p.provider,
        p.official,
        p.inputPrice,
        p.outputPrice,
        p.blendedPrice,
        p.priceTs,
        p.contextLength,
      ]),
    ),
    [
      ['qwen-official', true, 2, 8, 3.5, '2025-10-15T00:00:00Z', 100000],
      ['p1', false, 1.6, 6.4, 2.8, '2025-09-01T00:00:00Z', 50000], // (3 × 1.6 + 6.4) / 4
      ['p2', false, 2, 8, 3.5, '2025-10-01T00:00:00Z', 100000],
      ['p4', false, 2, 8, 3.5, '2025-10-01T00:00:00Z', null], // price listed as Qwen/Qwen3-32B, no offering
      ['p3', false, 2.4, 9.6, 4.2, '2025-10-20T00:00:00Z', 150000],
    ],
  );
  assert.deepEqual(
    qwen.providers.map((p) => [p.provider, p.medianTtftMs, p.medianTps, p.errorRate, p.speedSource, p.samples]),
    [
      // ok rows TTFT 400/600/500 → 500, TPS 40/60/50 → 50; 1 failed of 4 → 0.25
      ['qwen-official', 500, 50, 0.25, 'latency', 4],
      // (200 + 300) / 2, (90 + 110) / 2; its failed probe of 11-10 is outside the period
      ['p1', 250, 100, 0, 'latency', 2],
      ['p2', null, null, null, null, 0],
      ['p4', null, null, null, null, 0],
      ['p3', null, null, null, null, 0],
    ],
  );
  // input 2, 1.6, 2, 2, 2.4: mean 2, variance (0.16 + 0.16) / 5 = 0.064 → CV √0.064 / 2 = 0.12649;
  // output and blended are 4× and 1.75× the input here: the same CV. Max/min 2.4 / 1.6 = 1.5.
  const priceCv = Math.sqrt(0.064) / 2;
  assert.deepEqual(
    approx(qwen.spread),
    approx({
      inputPrice: spread(5, 2, 1.6, 2.4, priceCv, 1.5),
      outputPrice: spread(5, 8, 6.4, 9.6, priceCv, 1.5),
      blendedPrice: spread(5, 3.5, 2.8, 4.2, priceCv, 1.5),
      medianTtftMs: spread(2, 375, 250, 500, 125 / 375, 2),
      medianTps: spread(2, 75, 50, 100, 25 / 75, 2),
      // 100k, 50k, 100k, 150k: mean 100k, variance (0 + 2.5e9 + 0 + 2.5e9) / 4
      contextLength: spread(4, 100000, 50000, 150000, Math.sqrt(1.25e9) / 100000, 3),
      // 0.25 and 0: mean 0.125, std 0.125 → CV 1; max/min undefined with a zero minimum
      errorRate: spread(2, 0.125, 0, 0.25, 1, null),
    }),
  );
  // |1.6 − 2|, 0, 0, |2.4 − 2| → 0.2; output 0.8; blended |2.8 − 3.5|, 0, 0, |4.2 − 3.5| → 0.35 = 10 % of 3.5
  assert.deepEqual(approx(qwen.officialDeviation), {
    officialProvider: 'qwen-official',
    input: 0.2,
    output: 0.8,
    blended: 0.35,
    blendedPct: 10,
  });
  assert.equal(qwen.currency, 'CNY');
  assert.equal(qwen.priceAnchored, true); // 0.126 < 1/3 and 1/3

  // DeepSeek-V3.2: no latency measurements → from the logged requests. deepseek-official: its ok request
  // TTFT 1000, TPS 990 / ((11000 − 1000) / 1000) = 99; 1 error of 2 requests. p1: TTFT 200, TPS 5 / 0.1 = 50.
  assert.deepEqual(
    ds.providers.map((p) => [p.provider, p.medianTtftMs, p.medianTps, p.errorRate, p.speedSource, p.samples]),
    [
      ['deepseek-official', 1000, 99, 0.5, 'requests', 2],
      ['p1', 200, 50, 0, 'requests', 1],
    ],
  );
  assert.deepEqual(
    approx(ds.spread),
    approx({
      inputPrice: spread(2, 2, 2, 2, 0, 1),
      outputPrice: spread(2, 3, 3, 3, 0, 1),
      blendedPrice: spread(2, 2.25, 2.25, 2.25, 0, 1),
      medianTtftMs: spread(2, 600, 200, 1000, 400 / 600, 5),
      medianTps: spread(2, 74.5, 50, 99, 24.5 / 74.5, 1.98),
      contextLength: spread(2, 128000, 128000, 128000, 0, 1),
      errorRate: spread(2, 0.25, 0, 0.5, 1, null),
    }),
  );
  assert.deepEqual(ds.officialDeviation, {
    officialProvider: 'deepseek-official',
    input: 0,
    output: 0,
    blended: 0,
    blendedPct: 0,
  });
  assert.equal(ds.priceAnchored, true);

  // GLM-4.6: no official offering; p2 has neither measurements nor requests; p6's price is from November.
  assert.deepEqual(
    glm.providers.map((p) => [p.provider, p.blendedPrice, p.medianTtftMs, p.medianTps]),
    [
      ['p1', 1.75, 300, 100], // (3 × 1 + 4) / 4; 500 tokens in (5300 − 300) ms
      ['p2', 5.25, null, null], // (3 × 3 + 12) / 4
      ['p3', null, 500, 100], // 200 tokens in (2500 − 500) ms
    ],
  );
  assert.deepEqual(approx(glm.spread.inputPrice), spread(2, 2, 1, 3, 0.5, 3));
  assert.deepEqual(approx(glm.spread.medianTtftMs), approx(spread(2, 400, 300, 500, 0.25, 500 / 300)));
  assert.deepEqual(glm.spread.medianTps, spread(2, 100, 100, 100, 0, 1));
  assert.deepEqual(glm.spread.errorRate, spread(2, 0, 0, 0, null, null)); // zero mean: no CV
  assert.equal(glm.officialDeviation, null);
  assert.equal(glm.priceAnchored, false); // price CV 0.5 is not below the TPS CV 0

  // MiniMax-M2: one price in USD, one in CNY: no price comparison, no verdict
  assert.equal(mm.currency, null);
  assert.deepEqual([mm.spread.inputPrice, mm.spread.outputPrice, mm.spread.blendedPrice], [none, none, none]);
  assert.deepEqual(approx(mm.spread.contextLength), approx(spread(2, 150000, 100000, 200000, 1 / 3, 2)));
  assert.equal(mm.priceAnchored, null);
});

test('without a period: the latest prices and every measurement; an empty period keeps listings, not speed', async () => {
  const [all, empty, one] = await withAnalyzeStore(MARKET_FILES, async (s) => [
    await heterogeneity(s, { by: 'tokens' }),
    await heterogeneity(s, { by: 'tokens', from: '2030-01-01', to: '2030-01-31' }),
    await heterogeneity(s, { by: 'tokens', ...OCTOBER, model: 'Kimi-K2-Instruct-0905' }),
  ]);
  const qwen = all.models.find((m) => m.model === 'Qwen3-32B')!;
  const official = qwen.providers.find((p) => p.provider === 'qwen-official')!;
  assert.deepEqual([official.inputPrice, official.outputPrice, official.priceTs], [1, 4, '2025-11-05T00:00:00Z']);
  const p1 = qwen.providers.find((p) => p.provider === 'p1')!;
  // the failed probe of 11-10 now counts: 1 of 3; the medians still come from ok rows only
  assert.deepEqual([p1.medianTtftMs, approx(p1.errorRate)], [250, approx(1 / 3)]);
  assert.ok(qwen.providers.some((p) => p.provider === 'p5'));
  assert.equal(all.priceAt, '2025-11-15T00:00:00Z');

  assert.ok(empty.models.length > 0);
  for (const m of empty.models) {
    for (const p of m.providers) {
      assert.deepEqual([p.speedSource, p.medianTtftMs, p.errorRate, p.samples], [null, null, null, 0]);
    }
    assert.equal(m.priceAnchored, null);
  }
  // one provider only: excluded
  assert.deepEqual(one.models, []);
});

test('spread, CV and the anchoring verdict on hand-computed values', () => {
  // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, population variance 4 → CV 0.4; 9 / 2 = 4.5
  assert.deepEqual(spreadOf([2, 4, 4, null, 4, 5, 5, 7, 9]), spread(8, 5, 2, 9, 0.4, 4.5));
  assert.deepEqual(spreadOf([3]), spread(1, 3, 3, 3, null, null));
  assert.deepEqual(spreadOf([null]), none);
  const cvs = (price: number | null, ttft: number | null, tps: number | null) => ({
    inputPrice: spread(2, 1, 1, 1, price, 1),
    outputPrice: spread(2, 1, 1, 1, price, 1),
    blendedPrice: spread(2, 1, 1, 1, price, 1),
    medianTtftMs: spread(2, 1, 1, 1, ttft, 1),
    medianTps: spread(2, 1, 1, 1, tps, 1),
    contextLength: none,
    errorRate: none,
  });
  assert.equal(isPriceAnchored(cvs(0.05, 0.3, 0.4)), true);
  assert.equal(isPriceAnchored(cvs(0.3, 0.3, 0.4)), false); // not strictly below
  assert.equal(isPriceAnchored(cvs(0.05, 0.3, null)), null);
});
