import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { sampleRankCorrelation } from 'simple-statistics';
import { supplyUse } from '../../src/metrics/supply-use.js';
import { tmpDir } from '../helpers.js';
import { approx, MARKET_FILES, withAnalyzeStore } from './analyze-fixtures.js';

const OCTOBER = { from: '2025-10-01', to: '2025-10-31' };

// fixtures/analyze/market-*.csv in October 2025 (tokens):
//   Qwen3-32B      listed by qwen-official, p1, p2, p3 (offerings) and p4 (a price only) = 5;
//                  p5's listing ended 2025-06-01.         Demand: qwen-official 600, p1 400 = 1000
//   DeepSeek-V3.2  deepseek-official, p1 = 2.             Demand: deepseek-official 4990 (+ a failed empty request), p1 10
//   GLM-4.6        p1, p2, p3 = 3 (p6's price is from 11-15). Demand: p1 2000, p3 1000
//   Kimi-K2-0905   p2 = 1.                                Demand: p2 1000 (another 1000 on 11-20)
//   MiniMax-M2     p1, p2 = 2.                            Demand: none
test('supply vs use: listing breadth, demand share and their Spearman correlation', async () => {
  const r = await withAnalyzeStore(MARKET_FILES, (s) => supplyUse(s, { by: 'tokens', ...OCTOBER }));
  assert.deepEqual(approx(r.models), [
    { model: 'DeepSeek-V3.2', family: 'DeepSeek', listingBreadth: 2, requests: 3, demand: 5000, share: 50 },
    { model: 'GLM-4.6', family: 'GLM', listingBreadth: 3, requests: 2, demand: 3000, share: 30 },
    { model: 'Kimi-K2-Instruct-0905', family: 'Kimi', listingBreadth: 1, requests: 1, demand: 1000, share: 10 },
    { model: 'Qwen3-32B', family: 'Qwen', listingBreadth: 5, requests: 2, demand: 1000, share: 10 },
    { model: 'MiniMax-M2', family: 'MiniMax', listingBreadth: 2, requests: 0, demand: 0, share: 0 },
  ]);
  // Average ranks, ascending. Breadth: Kimi 1 → 1; DeepSeek, MiniMax 2 → 2.5; GLM 3 → 4; Qwen 5 → 5.
  // Demand: MiniMax 0 → 1; Kimi, Qwen 1000 → 2.5; GLM → 4; DeepSeek → 5. Both rank means are 3.
  // Deviations (breadth, demand):
  //   Qwen (2, −.5), DeepSeek (−.5, 2), GLM (1, 1), Kimi (−2, −.5), MiniMax (−.5, −2)
  // Σxy = −1 − 1 + 1 + 1 + 1 = 1; Σx² = Σy² = 4 + .25 + 1 + 4 + .25 = 9.5 → ρ = 1 / 9.5
  assert.equal(approx(r.spearman), approx(1 / 9.5));
  assert.equal(
    approx(r.spearman),
    approx(
      sampleRankCorrelation(
        r.models.map((m) => m.listingBreadth),
        r.models.map((m) => m.demand),
      ),
    ),
  );
  // p1: Qwen 400, DeepSeek 10, GLM 2000 of 2410 → DeepSeek is 0.41 %, below the 1 % of a used model
  assert.deepEqual(r.providers, [
    { provider: 'deepseek-official', modelsListed: 1, modelsUsed: 1, requests: 2, demand: 4990 },
    { provider: 'p1', modelsListed: 4, modelsUsed: 2, requests: 3, demand: 2410 },
    { provider: 'p2', modelsListed: 4, modelsUsed: 1, requests: 1, demand: 1000 },
    { provider: 'p3', modelsListed: 2, modelsUsed: 1, requests: 1, demand: 1000 },
    { provider: 'qwen-official', modelsListed: 1, modelsUsed: 1, requests: 1, demand: 600 },
    { provider: 'p4', modelsListed: 1, modelsUsed: 0, requests: 0, demand: 0 },
  ]);
  // p1's DeepSeek has a request, so it is used, only little
  assert.deepEqual(r.unusedOfferings, [
    { provider: 'p2', model: 'GLM-4.6' },
    { provider: 'p1', model: 'MiniMax-M2' },
    { provider: 'p2', model: 'MiniMax-M2' },
    { provider: 'p2', model: 'Qwen3-32B' },
    { provider: 'p3', model: 'Qwen3-32B' },
    { provider: 'p4', model: 'Qwen3-32B' },
  ]);
});

test('without a period every listing and request counts', async () => {
  const r = await withAnalyzeStore(MARKET_FILES, (s) => supplyUse(s, { by: 'tokens' }));
  // Qwen + p5 = 6, GLM + p6 = 4, Kimi 2000
  assert.deepEqual(
    r.models.map((m) => [m.model, m.listingBreadth, m.demand]),
    [
      ['DeepSeek-V3.2', 2, 5000],
      ['GLM-4.6', 4, 3000],
      ['Kimi-K2-Instruct-0905', 1, 2000],
      ['Qwen3-32B', 6, 1000],
      ['MiniMax-M2', 2, 0],
    ],
  );
  // breadth ranks as before; demand ranks MiniMax 1, Qwen 2, Kimi 3, GLM 4, DeepSeek 5.
  // Deviations: Qwen (2, −1), DeepSeek (−.5, 2), GLM (1, 1), Kimi (−2, 0), MiniMax (−.5, −2):
  // Σxy = −2 − 1 + 1 + 0 + 1 = −1; Σx² = 9.5, Σy² = 10 → ρ = −1 / √95
  assert.equal(approx(r.spearman), approx(-1 / Math.sqrt(95)));
});

test('--by requests changes which models count as used; fewer than 3 models or no demand: no Spearman', async () => {
  const [byRequests, one, empty] = await withAnalyzeStore(MARKET_FILES, async (s) => [
    await supplyUse(s, { by: 'requests', ...OCTOBER }),
    await supplyUse(s, { by: 'tokens', ...OCTOBER, model: 'Qwen3-32B' }),
    await supplyUse(s, { by: 'tokens', from: '2030-01-01', to: '2030-01-31' }),
  ]);
  // p1 served one request each of Qwen, DeepSeek and GLM: all three at 33 %
  assert.equal(byRequests.providers.find((p) => p.provider === 'p1')?.modelsUsed, 3);
  assert.equal(one.models.length, 1);
  assert.equal(one.models[0].listingBreadth, 5);
  assert.equal(one.spearman, null);
  // in 2030: open-ended offerings still list models, nobody uses them; demand is constant → null
  assert.equal(empty.spearman, null);
  assert.ok(empty.models.every((m) => m.demand === 0 && m.share === null));
  assert.deepEqual(
    empty.models.map((m) => [m.model, m.listingBreadth]),
    [
      ['DeepSeek-V3.2', 2],
      ['GLM-4.6', 4],
      ['Kimi-K2-Instruct-0905', 1],
      ['MiniMax-M2', 2],
      ['Qwen3-32B', 5],
    ],
  );
});

test('names the catalog cannot resolve are counted, not ranked, unless someone called them', async () => {
  const dir = tmpDir();
  const offerings = path.join(dir, 'tail-offerings.csv');
  const requests = path.join(dir, 'tail-requests.csv');
  // a price catalogue's long tail: two unknown names nobody calls, at p1 and p2 (three listings),
  // and one unknown name with a request, which is ranked like any used model
  fs.writeFileSync(
    offerings,
    'provider,model,listed_from\np1,acme/widget-7b,2025-01-01\np2,acme/widget-7b,2025-01-01\np2,acme/gizmo-3b,2025-01-01\np3,acme/called-1b,2025-01-01\n',
  );
  fs.writeFileSync(
    requests,
    'request_id,ts,model,provider,input_tokens,output_tokens,status\nt-1,2025-10-05T10:00:00Z,acme/called-1b,p3,100,0,ok\n',
  );
  const r = await withAnalyzeStore(MARKET_FILES, (s) => supplyUse(s, { by: 'tokens', ...OCTOBER }), [
    offerings,
    requests,
  ]);
  assert.deepEqual(r.unresolved, { models: 2, listings: 3, providers: 2 });
  assert.ok(!r.models.some((m) => m.model.startsWith('acme/widget') || m.model.startsWith('acme/gizmo')));
  const called = r.models.find((m) => m.model === 'acme/called-1b');
  assert.deepEqual(approx(called), {
    model: 'acme/called-1b',
    family: 'acme/called-1b',
    listingBreadth: 1,
    requests: 1,
    demand: 100,
    share: approx((100 / 10100) * 100),
  });
  // the ranking is the first test's five known models plus the called name: still one list, one ρ
  assert.equal(r.models.length, 6);
  assert.equal(
    approx(r.spearman),
    approx(
      sampleRankCorrelation(
        r.models.map((m) => m.listingBreadth),
        r.models.map((m) => m.demand),
      ),
    ),
  );
});

test('requests on fewer than 3 models: no Spearman, however many known models are listed', async () => {
  // 2 and 3 October: Qwen3-32B and DeepSeek-V3.2 have requests; GLM and Kimi are listed beside them
  // (MiniMax only from 27 October)
  const r = await withAnalyzeStore(MARKET_FILES, (s) =>
    supplyUse(s, { by: 'tokens', from: '2025-10-02', to: '2025-10-03' }),
  );
  assert.deepEqual(
    r.models.filter((m) => m.requests > 0).map((m) => m.model),
    ['DeepSeek-V3.2', 'Qwen3-32B'],
  );
  assert.equal(r.models.length, 4);
  // the ranks alone would give a number; two used models cannot say whether breadth follows use
  const ranks = sampleRankCorrelation(
    r.models.map((m) => m.listingBreadth),
    r.models.map((m) => m.demand),
  );
  assert.ok(Number.isFinite(ranks));
  assert.equal(r.spearman, null);
});
