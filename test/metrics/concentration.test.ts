import assert from 'node:assert/strict';
import { test } from 'node:test';
import { concentration } from '../../src/metrics/concentration.js';
import { approx, DEMAND_FILES, withAnalyzeStore } from './analyze-fixtures.js';

// fixtures/analyze/demand-requests.csv, one model per family:
//   c-01 DeepSeek-V3.2   deepseek-official 30000 + 2000 = 32000 tokens, cost 0.1
//   c-02 DeepSeek-V3.2   provider-a         7000 + 1000 =  8000 tokens, no cost, error
//   c-03 Qwen3-32B       provider-a        20000 + 5000 = 25000 tokens, cost 0.02
//   c-04 Kimi-K2-0905    kimi-official     12000 + 3000 = 15000 tokens, no cost
//   c-05 GLM-4.6         glm-official       9000 + 1000 = 10000 tokens, no cost, no price
//   c-06 MiniMax-M2      provider-a         4000 + 1000 =  5000 tokens, cost 0.01
//   c-07 gpt-oss-120b    provider-b         4000 + 1000 =  5000 tokens, cost 0.01
//   c-08 acme-private-7b acme-host              0 + 0   =     0 tokens, cost 0 (unknown name: its own family)

test('concentration by family in tokens: shares, top-k, Gini, HHI and the Lorenz curve', async () => {
  const c = await withAnalyzeStore(DEMAND_FILES, (s) => concentration(s, { by: 'tokens' }));
  assert.equal(c.level, 'family');
  assert.ok(c.level === 'family');
  // total 100000: 40 / 25 / 15 / 10 / 5 / 5 / 0 percent; the 5000 tie is ordered by name
  // ('MiniMax' < 'gpt-oss' byte-wise), the zero family is listed but is not one of the n.
  assert.deepEqual(approx(c.families), [
    { family: 'DeepSeek', demand: 40000, share: 40 },
    { family: 'Qwen', demand: 25000, share: 25 },
    { family: 'Kimi', demand: 15000, share: 15 },
    { family: 'GLM', demand: 10000, share: 10 },
    { family: 'MiniMax', demand: 5000, share: 5 },
    { family: 'gpt-oss', demand: 5000, share: 5 },
    { family: 'acme-private-7b', demand: 0, share: 0 },
  ]);
  assert.equal(c.unit, 'tokens');
  assert.equal(c.totalDemand, 100000);
  assert.equal(c.groups, 6);
  assert.equal(approx(c.top1Share), 40);
  // 40 + 25 + 15 + 10 + 5
  assert.equal(approx(c.top5Share), 95);
  // .4² + .25² + .15² + .1² + .05² + .05² = .16 + .0625 + .0225 + .01 + .0025 + .0025
  assert.equal(approx(c.hhi), 0.26);
  // ascending 5,5,10,15,25,40 (thousands); pairwise |xi − xj| over i < j:
  // 0 + 5+5 + 10+10 + 20+20 + 35+35 + 5 + 15 + 30 + 10 + 25 + 15 = 240 → ΣΣ = 480;
  // 2 n² x̄ = 2 · 36 · 100/6 = 1200 → G = 0.4
  assert.equal(approx(c.gini), 0.4);
  // cumulative demand 5, 10, 20, 35, 60, 100 over sixths of the families
  assert.deepEqual(
    approx(c.lorenz),
    approx([
      { groupShare: 0, demandShare: 0 },
      { groupShare: 100 / 6, demandShare: 5 },
      { groupShare: 200 / 6, demandShare: 10 },
      { groupShare: 50, demandShare: 20 },
      { groupShare: 400 / 6, demandShare: 35 },
      { groupShare: 500 / 6, demandShare: 60 },
      { groupShare: 100, demandShare: 100 },
    ]),
  );
});

test('--by requests counts every request, failed and empty ones too; ties keep the Gini unchanged', async () => {
  const c = await withAnalyzeStore(DEMAND_FILES, (s) => concentration(s, { by: 'requests' }));
  assert.ok(c.level === 'family');
  // DeepSeek 2 of 8 (c-02 failed, still demand); six families with 1 each (acme's empty request counts)
  assert.deepEqual(approx(c.families.map((f) => [f.family, f.demand, f.share])), [
    ['DeepSeek', 2, 25],
    ['GLM', 1, 12.5],
    ['Kimi', 1, 12.5],
    ['MiniMax', 1, 12.5],
    ['Qwen', 1, 12.5],
    ['acme-private-7b', 1, 12.5],
    ['gpt-oss', 1, 12.5],
  ]);
  assert.equal(c.groups, 7);
  assert.equal(approx(c.top1Share), 25);
  assert.equal(approx(c.top5Share), 75); // 25 + 4 × 12.5
  assert.equal(approx(c.hhi), 0.15625); // .25² + 6 × .125²
  // values 1,1,1,1,1,1,2: six pairs differ by 1 → ΣΣ = 12; 2 · 49 · 8/7 = 112 → 12/112
  assert.equal(approx(c.gini), approx(12 / 112));
  assert.deepEqual(
    approx(c.lorenz.map((p) => [p.groupShare, p.demandShare])),
    approx([[0, 0], ...[1, 2, 3, 4, 5, 6].map((i) => [(100 * i) / 7, 12.5 * i]), [100, 100]]),
  );
});

test('--by cost: the logged cost, else list price × tokens from the price in force', async () => {
  const c = await withAnalyzeStore(DEMAND_FILES, (s) => concentration(s, { by: 'cost' }));
  assert.ok(c.level === 'family');
  // c-02 (provider-a, logged as deepseek-ai/DeepSeek-V3.2, 2000 of 7000 prompt tokens cached):
  //   no price under that name; the provider's DeepSeek-V3.2 price of 2025-09-01 is in force on 10-02
  //   (the 10-05 one is not yet): (5000 × 2 + 2000 × 0.5 + 1000 × 3) / 1e6 = 0.014 → DeepSeek 0.1 + 0.014 = 0.114
  // c-04 (kimi-official, Kimi-K2-Instruct-0905): the price under that exact name (4 / 16) wins over the
  //   later one under the alias kimi-k2-0905-preview: (12000 × 4 + 3000 × 16) / 1e6 = 0.096
  // c-05 GLM: no cost, no price → 0. Total 0.114 + 0.096 + 0.02 + 0.01 + 0.01 = 0.25.
  assert.deepEqual(approx(c.families.map((f) => [f.family, f.demand, f.share])), [
    ['DeepSeek', 0.114, 45.6],
    ['Kimi', 0.096, 38.4],
    ['Qwen', 0.02, 8],
    ['MiniMax', 0.01, 4],
    ['gpt-oss', 0.01, 4],
    ['GLM', 0, 0],
    ['acme-private-7b', 0, 0],
  ]);
  assert.equal(approx(c.totalDemand), 0.25);
  assert.equal(c.groups, 5);
  assert.equal(approx(c.top1Share), 45.6);
  assert.equal(approx(c.top5Share), 100);
  // .456² + .384² + .08² + 2 × .04² = .207936 + .147456 + .0064 + .0032
  assert.equal(approx(c.hhi), 0.364992);
  // ascending 10, 10, 20, 96, 114 (thousandths):
  // Σ(2i − n − 1)·x = −40 − 20 + 0 + 192 + 456 = 588 → 588 / (5 × 250)
  assert.equal(approx(c.gini), 0.4704);
});

test('by provider and by model', async () => {
  const [p, m] = await withAnalyzeStore(DEMAND_FILES, async (s) => [
    await concentration(s, { by: 'tokens', level: 'provider' }),
    await concentration(s, { by: 'tokens', level: 'model' }),
  ]);
  assert.ok(p.level === 'provider');
  // provider-a: c-02 8000 + c-03 25000 + c-06 5000 = 38000
  assert.deepEqual(approx(p.providers.map((x) => [x.provider, x.share])), [
    ['provider-a', 38],
    ['deepseek-official', 32],
    ['kimi-official', 15],
    ['glm-official', 10],
    ['provider-b', 5],
    ['acme-host', 0],
  ]);
  assert.equal(approx(p.top5Share), 100);
  assert.equal(approx(p.hhi), 0.2818); // .1444 + .1024 + .0225 + .01 + .0025
  // ascending 5, 10, 15, 32, 38: −4·5 − 2·10 + 0 + 2·32 + 4·38 = 176; 176 / (5 × 100)
  assert.equal(approx(p.gini), 0.352);
  assert.ok(m.level === 'model');
  // both DeepSeek names resolve to one canonical model
  assert.deepEqual(
    m.models.map((x) => [x.model, x.demand]),
    [
      ['DeepSeek-V3.2', 40000],
      ['Qwen3-32B', 25000],
      ['Kimi-K2-Instruct-0905', 15000],
      ['GLM-4.6', 10000],
      ['MiniMax-M2', 5000],
      ['gpt-oss-120b', 5000],
      ['acme-private-7b', 0],
    ],
  );
});

test('a single family: Gini 0, HHI 1, top-1 100%, a two-point Lorenz curve', async () => {
  const c = await withAnalyzeStore(DEMAND_FILES, (s) => concentration(s, { by: 'tokens', model: 'DeepSeek-V3.2' }));
  assert.ok(c.level === 'family');
  assert.deepEqual(c.families, [{ family: 'DeepSeek', demand: 40000, share: 100 }]);
  assert.equal(c.gini, 0);
  assert.equal(c.hhi, 1);
  assert.equal(c.top1Share, 100);
  assert.equal(c.top5Share, 100);
  assert.deepEqual(c.lorenz, [
    { groupShare: 0, demandShare: 0 },
    { groupShare: 100, demandShare: 100 },
  ]);
});

test('--from/--to: a bare --to date covers the whole day, a --to moment is inclusive', async () => {
  const [day, moment] = await withAnalyzeStore(DEMAND_FILES, async (s) => [
    await concentration(s, { by: 'tokens', from: '2025-10-02', to: '2025-10-02' }),
    await concentration(s, { by: 'tokens', to: '2025-10-01T02:00:00Z' }),
  ]);
  assert.ok(day.level === 'family' && moment.level === 'family');
  // 10-02: c-02 (DeepSeek 8000 at 01:00) and c-04 (Kimi 15000 at 02:00); total 23000
  assert.deepEqual(
    approx(day.families.map((f) => [f.family, f.share])),
    approx([
      ['Kimi', (15000 / 23000) * 100],
      ['DeepSeek', (8000 / 23000) * 100],
    ]),
  );
  // (−8000 + 15000) / (2 × 23000)
  assert.equal(approx(day.gini), approx(7000 / 46000));
  // up to 10-01 02:00 inclusive: c-01 and c-03 (logged at exactly 02:00)
  assert.deepEqual(
    moment.families.map((f) => [f.family, f.demand]),
    [
      ['DeepSeek', 32000],
      ['Qwen', 25000],
    ],
  );
});

test('a period with no data gives empty groups and null figures', async () => {
  const results = await withAnalyzeStore(DEMAND_FILES, async (s) => [
    await concentration(s, { by: 'tokens', from: '2030-01-01' }),
    await concentration(s, { by: 'cost', from: '2030-01-01', level: 'provider' }),
  ]);
  for (const c of results) {
    assert.deepEqual(c.level === 'family' ? c.families : c.level === 'provider' ? c.providers : c.models, []);
    assert.equal(c.totalDemand, 0);
    assert.equal(c.groups, 0);
    assert.equal(c.top1Share, null);
    assert.equal(c.top5Share, null);
    assert.equal(c.gini, null);
    assert.equal(c.hhi, null);
    assert.deepEqual(c.lorenz, []);
  }
});
