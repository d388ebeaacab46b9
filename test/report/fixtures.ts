/**
 * Hand-built command results for the renderer tests: two policies with round
 * figures, and two models' offerings.
 */
import type { ProviderOffering } from '../../src/metrics/providers.js';
import type { ProvidersResult } from '../../src/commands/providers.js';
import type { PolicyResult, SimulateResult } from '../../src/simulate/index.js';

export function policy(p: Partial<PolicyResult> & { policy: string }): PolicyResult {
  return {
    requests: 1000,
    infeasible: 0,
    excluded: {},
    baselineCost: 8,
    policyCost: 8,
    savingsPct: 0,
    savingsCi95: null,
    baselineThroughput: 40,
    policyThroughput: 40,
    throughputGainPct: 0,
    throughputGainCi95: null,
    meanTtftMs: null,
    p50LatencyMs: null,
    p90LatencyMs: null,
    failureRate: null,
    failureRateNoFallback: null,
    cacheHitRate: 20,
    loggedCacheHitRate: 25,
    lostCacheCost: 0.4,
    routing: [],
    ...p,
  };
}

/**
 * cost: 8 → 5.123456789 (savings (8 − 5.123456789) / 8 × 100 = 35.9567901375%), TPS 40 → 30
 * (gain 30 / 40 − 1 = −25%); throughput: 8 → 10 (savings −25%), TPS 40 → 60 (gain +50%);
 * balanced: no throughput figure.
 */
export function simulation(): SimulateResult {
  return {
    baseline: 'official',
    info: 'causal',
    window: '1h',
    state: 'windowed',
    marketAt: null,
    prices: 'list',
    cache: { mode: 'chain', key: ['session', 'app', 'user'], ttlSeconds: 300 },
    requests: 1020,
    policies: [
      policy({
        policy: 'cost',
        infeasible: 20,
        excluded: { no_baseline_price: 15, no_feasible_candidate: 5 },
        policyCost: 5.123456789,
        savingsPct: 35.9567901375,
        savingsCi95: [34.912345678, 36.987654321],
        policyThroughput: 30,
        throughputGainPct: -25,
        throughputGainCi95: [-26.54321, -23.45678],
        meanTtftMs: 1872.6449,
        p50LatencyMs: 10628.91,
        p90LatencyMs: 80909.04,
        failureRate: 1.41234,
        failureRateNoFallback: 1.5,
        routing: [
          { provider: 'provider-a', share: 88.6 },
          { provider: 'provider-b', share: 11.4 },
        ],
      }),
      policy({
        policy: 'throughput',
        infeasible: 20,
        excluded: { no_baseline_price: 20 },
        policyCost: 10,
        savingsPct: -25,
        policyThroughput: 60,
        throughputGainPct: 50,
        routing: [{ provider: 'provider-c', share: 100 }],
      }),
      policy({
        policy: 'balanced',
        infeasible: 20,
        excluded: { no_baseline_price: 20 },
        policyCost: 6,
        savingsPct: 25,
        baselineThroughput: null,
        policyThroughput: null,
        throughputGainPct: null,
      }),
    ],
    pareto: ['cost', 'throughput'],
  };
}

export function offering(o: Partial<ProviderOffering> & { model: string; provider: string }): ProviderOffering {
  return {
    kind: 'host',
    sourceModel: o.model,
    variant: null,
    quantization: null,
    official: false,
    listed: true,
    inputPrice: null,
    outputPrice: null,
    cachedInputPrice: null,
    cacheWritePrice: null,
    tiers: [],
    blendedPrice: null,
    currency: null,
    priceTs: null,
    contextLength: null,
    maxOutputTokens: null,
    features: null,
    anomalies: [],
    medianTtftMs: null,
    medianTps: null,
    p90LatencyMs: null,
    successRate: null,
    measurements: 0,
    ...o,
  };
}

export function offerings(): ProvidersResult {
  return {
    at: '2025-10-15T00:00:00.000000Z',
    model: null,
    models: [
      {
        model: 'Qwen3-32B',
        providers: [
          offering({
            model: 'Qwen3-32B',
            provider: 'qwen-official',
            official: true,
            inputPrice: 2,
            outputPrice: 8,
            blendedPrice: 3.5,
            currency: 'CNY',
            medianTtftMs: 450.4,
            medianTps: 42.5,
            p90LatencyMs: 2800.6,
            successRate: 2 / 3,
          }),
          offering({ model: 'Qwen3-32B', provider: 'provider-a', sourceModel: 'Qwen/Qwen3-32B', inputPrice: 1.2 }),
        ],
      },
      {
        model: 'DeepSeek-V3.2',
        providers: [offering({ model: 'DeepSeek-V3.2', provider: 'openrouter', kind: 'gateway', medianTtftMs: 999.5 })],
      },
    ],
  };
}
