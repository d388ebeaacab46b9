import assert from 'node:assert/strict';
import { test } from 'node:test';
import { majorModels, providerComparisonSection } from '../../src/commands/analyze.js';
import type { HeterogeneityModel, HeterogeneityProvider } from '../../src/metrics/heterogeneity.js';
import type { SupplyUseModel } from '../../src/metrics/supply-use.js';
import { textChart } from '../../src/report/terminal.js';

const provider = (p: Partial<HeterogeneityProvider> & { provider: string }): HeterogeneityProvider => ({
  official: false,
  inputPrice: null,
  outputPrice: null,
  blendedPrice: null,
  currency: 'CNY',
  priceTs: null,
  contextLength: null,
  medianTtftMs: null,
  medianTps: null,
  errorRate: null,
  speedSource: 'latency',
  samples: 1,
  ...p,
});
const model = (name: string, providers: HeterogeneityProvider[], currency: string | null = 'CNY') =>
  ({ model: name, family: name, currency, providers }) as HeterogeneityModel;
const demand = (name: string, d: number) => ({ model: name, demand: d }) as SupplyUseModel;

test('major models: the most demand among models with two or more providers; unused ones never', () => {
  const two = [provider({ provider: 'a' }), provider({ provider: 'b' })];
  const heterogeneity = { priceAt: null, models: ['A', 'B', 'C', 'D', 'E'].map((m) => model(m, two)) };
  const supplyVsUse = { models: [demand('C', 50), demand('A', 30), demand('E', 30), demand('B', 0), demand('Z', 99)] };
  const picked = majorModels({ heterogeneity, supplyVsUse } as never, 3).map((m) => m.model);
  assert.deepEqual(
    picked,
    ['C', 'A', 'E'],
    'by demand, ties by name; B has no demand, D none recorded, Z one provider',
  );
  assert.deepEqual(majorModels({ heterogeneity, supplyVsUse } as never, 0), []);
});

test('provider comparison: a bar chart each for median TTFT, median TPS and blended price, official marked', () => {
  const s = providerComparisonSection(
    model('Qwen3-32B', [
      provider({ provider: 'qwen-official', official: true, medianTtftMs: 600, medianTps: 40, blendedPrice: 3.5 }),
      provider({ provider: 'provider-a', medianTtftMs: 1800.4, medianTps: 30.06, blendedPrice: 2.1 }),
    ]),
  );
  assert.equal(s.title, 'Qwen3-32B: 2 providers side by side');
  assert.deepEqual(s.rows, [
    ['qwen-official (official)', 600, 40, 3.5, 'CNY', 'latency'],
    ['provider-a', 1800, 30.1, 2.1, 'CNY', 'latency'],
  ]);
  assert.deepEqual(
    s.charts!.map((c) => [c.kind, c.title, c.yLabel, c.x, c.series[0].values]),
    [
      ['bar', 'Qwen3-32B: median TTFT', 'ms', ['qwen-official (official)', 'provider-a'], [600, 1800.4]],
      ['bar', 'Qwen3-32B: median TPS', 'tokens / s', ['qwen-official (official)', 'provider-a'], [40, 30.06]],
      [
        'bar',
        'Qwen3-32B: blended price (3:1)',
        'CNY / 1M tokens',
        ['qwen-official (official)', 'provider-a'],
        [3.5, 2.1],
      ],
    ],
  );
});

test('provider comparison: prices in different currencies get no shared price chart', () => {
  const s = providerComparisonSection(
    model(
      'M',
      [
        provider({ provider: 'a', blendedPrice: 1, currency: 'CNY' }),
        provider({ provider: 'b', blendedPrice: 1, currency: 'USD' }),
      ],
      null,
    ),
  );
  assert.deepEqual(
    s.charts!.map((c) => c.title),
    ['M: median TTFT', 'M: median TPS'],
  );
});

test('terminal: bars drawn sideways, the longest 40 marks wide, with their values', () => {
  const text = textChart({
    title: 'TTFT',
    kind: 'bar',
    x: ['a', 'bbb'],
    yLabel: 'ms',
    series: [{ name: 's', values: [500, 1000] }],
  });
  assert.deepEqual(text.split('\n').slice(1), [`  a   ${'█'.repeat(20)} 500`, `  bbb ${'█'.repeat(40)} 1,000`]);
});
