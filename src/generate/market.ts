/**
 * The synthetic Q4 2025 market as data: families and their demand shares, model
 * versions with their public release dates, tasks and their token-length regimes,
 * providers, offerings, prices, incidents and the routing targets the generator is
 * calibrated to. No I/O and no SQL here.
 */

export const WINDOW = {
  start: '2025-10-01T00:00:00.000Z',
  end: '2026-01-01T00:00:00.000Z',
} as const;

export const CURRENCY = 'CNY';

export type TaskName = 'code' | 'chat' | 'doc-analysis' | 'agent' | 'reasoning';
export type Feature = 'tools' | 'json_schema' | 'stream';
export const FEATURES: readonly Feature[] = ['tools', 'json_schema', 'stream'];
export type ModelSize = 'small' | 'medium' | 'large';

export interface LogNormal {
  median: number;
  sigma: number;
  max: number;
}

export interface TaskDef {
  task: TaskName;
  /** Share of requests (fractions, summing to 1). */
  share: number;
  input: LogNormal;
  output: LogNormal;
  /** Probability that a request needs each protocol feature. */
  needs: Record<Feature, number>;
  /**
   * Prompt caching: probability that a follow-up turn of a session reuses the cached prefix, and the
   * cached fraction of its prompt (uniform lo..hi). The first request of a session has nothing cached.
   */
  cache: { p: number; lo: number; hi: number };
  apps: readonly (readonly [app: string, weight: number])[];
}

export const TASKS: readonly TaskDef[] = [
  {
    task: 'code',
    share: 0.3,
    input: { median: 1500, sigma: 0.7, max: 100_000 },
    output: { median: 80, sigma: 0.8, max: 16_384 },
    needs: { stream: 0.95, tools: 0.02, json_schema: 0 },
    cache: { p: 0, lo: 0, hi: 0 },
    apps: [
      ['ide-assistant', 0.7],
      ['code-review-bot', 0.3],
    ],
  },
  {
    task: 'chat',
    share: 0.3,
    input: { median: 600, sigma: 0.9, max: 100_000 },
    output: { median: 350, sigma: 0.7, max: 16_384 },
    needs: { stream: 0.92, tools: 0.05, json_schema: 0.02 },
    cache: { p: 0.8, lo: 0.2, hi: 0.7 },
    apps: [
      ['support-chat', 0.6],
      ['internal-chat', 0.4],
    ],
  },
  {
    task: 'doc-analysis',
    share: 0.08,
    input: { median: 16_000, sigma: 0.6, max: 100_000 },
    output: { median: 500, sigma: 0.6, max: 16_384 },
    needs: { stream: 0.55, tools: 0, json_schema: 0.45 },
    cache: { p: 0, lo: 0, hi: 0 },
    apps: [['contract-reader', 1]],
  },
  {
    task: 'agent',
    share: 0.2,
    input: { median: 6000, sigma: 0.7, max: 100_000 },
    output: { median: 250, sigma: 0.8, max: 16_384 },
    needs: { stream: 0.85, tools: 1, json_schema: 0.1 },
    cache: { p: 0.95, lo: 0.4, hi: 0.9 },
    apps: [
      ['ops-agent', 0.6],
      ['research-agent', 0.4],
    ],
  },
  {
    task: 'reasoning',
    share: 0.12,
    input: { median: 800, sigma: 0.8, max: 100_000 },
    output: { median: 4000, sigma: 0.5, max: 16_384 },
    needs: { stream: 0.97, tools: 0, json_schema: 0 },
    cache: { p: 0, lo: 0, hi: 0 },
    apps: [
      ['research-agent', 0.5],
      ['math-tutor', 0.5],
    ],
  },
];

/** A few percent of requests log the model under a real-world spelling instead of the canonical name. */
export const ALIAS_RATE = 0.04;

export interface ModelDef {
  model: string;
  family: string;
  line: string;
  /** Public release date (UTC day). No request uses the model before it. */
  release: string;
  aliases: readonly string[];
  size: ModelSize;
  /** Native context window; offerings default to it. */
  context: number;
  /** Official list price, or a market reference where the maker runs no API (CNY per 1 M tokens). */
  price: { input: number; output: number; cached?: number };
}

const m = (
  model: string,
  family: string,
  line: string,
  release: string,
  size: ModelSize,
  context: number,
  price: ModelDef['price'],
  aliases: string[] = [],
): ModelDef => ({ model, family, line, release, size, context, price, aliases });

export const MODELS: readonly ModelDef[] = [
  m(
    'DeepSeek-V3.1-Terminus',
    'DeepSeek',
    'DeepSeek-V3',
    '2025-09-22',
    'large',
    131_072,
    { input: 4, output: 12, cached: 0.5 },
    ['deepseek-ai/DeepSeek-V3.1-Terminus'],
  ),
  m(
    'DeepSeek-V3.2-Exp',
    'DeepSeek',
    'DeepSeek-V3',
    '2025-09-29',
    'large',
    131_072,
    { input: 2, output: 3, cached: 0.2 },
    ['deepseek-ai/DeepSeek-V3.2-Exp'],
  ),
  m('DeepSeek-V3.2', 'DeepSeek', 'DeepSeek-V3', '2025-12-01', 'large', 131_072, { input: 2, output: 3, cached: 0.2 }, [
    'deepseek-ai/DeepSeek-V3.2',
    'deepseek-v3.2',
  ]),
  m(
    'DeepSeek-R1-0528',
    'DeepSeek',
    'DeepSeek-R1',
    '2025-05-28',
    'large',
    131_072,
    { input: 4, output: 16, cached: 1 },
    ['deepseek-ai/DeepSeek-R1-0528'],
  ),
  m('Qwen3-32B', 'Qwen', 'Qwen-32B', '2025-04-29', 'medium', 131_072, { input: 2, output: 8 }, [
    'Qwen/Qwen3-32B',
    'qwen3-32b',
  ]),
  m('Qwen3-235B-A22B', 'Qwen', 'Qwen-235B-A22B', '2025-04-29', 'large', 131_072, { input: 2, output: 8 }, [
    'Qwen/Qwen3-235B-A22B',
  ]),
  m(
    'Qwen3-235B-A22B-Instruct-2507',
    'Qwen',
    'Qwen-235B-A22B',
    '2025-07-21',
    'large',
    262_144,
    { input: 2, output: 8 },
    ['Qwen/Qwen3-235B-A22B-Instruct-2507'],
  ),
  m(
    'Qwen3-Coder-480B-A35B-Instruct',
    'Qwen',
    'Qwen3-Coder-480B-A35B-Instruct',
    '2025-07-22',
    'large',
    262_144,
    { input: 6, output: 24, cached: 2.4 },
    ['Qwen/Qwen3-Coder-480B-A35B-Instruct'],
  ),
  m(
    'Qwen3-30B-A3B-Instruct-2507',
    'Qwen',
    'Qwen3-30B-A3B-Instruct-2507',
    '2025-07-29',
    'small',
    262_144,
    { input: 0.75, output: 3 },
    ['Qwen/Qwen3-30B-A3B-Instruct-2507'],
  ),
  m('GLM-4.5', 'GLM', 'GLM-4', '2025-07-28', 'large', 131_072, { input: 4, output: 16, cached: 0.8 }, [
    'zai-org/GLM-4.5',
  ]),
  m('GLM-4.6', 'GLM', 'GLM-4', '2025-09-30', 'large', 202_752, { input: 4, output: 16, cached: 0.8 }, [
    'zai-org/GLM-4.6',
    'glm-4.6',
  ]),
  m('GLM-4.7', 'GLM', 'GLM-4', '2025-12-22', 'large', 202_752, { input: 4, output: 16, cached: 0.8 }, [
    'zai-org/GLM-4.7',
  ]),
  m('Kimi-K2-Instruct-0905', 'Kimi', 'Kimi-K2', '2025-09-05', 'large', 262_144, { input: 4, output: 16, cached: 1 }, [
    'moonshotai/Kimi-K2-Instruct-0905',
  ]),
  m(
    'Kimi-K2-Thinking',
    'Kimi',
    'Kimi-K2-Thinking',
    '2025-11-06',
    'large',
    262_144,
    { input: 4, output: 16, cached: 1 },
    ['moonshotai/Kimi-K2-Thinking'],
  ),
  m('MiniMax-M1', 'MiniMax', 'MiniMax-M', '2025-06-16', 'large', 1_000_000, { input: 2.4, output: 9.6 }, [
    'MiniMaxAI/MiniMax-M1',
  ]),
  m('MiniMax-M2', 'MiniMax', 'MiniMax-M', '2025-10-27', 'large', 204_800, { input: 2.1, output: 8.4, cached: 0.21 }, [
    'MiniMaxAI/MiniMax-M2',
  ]),
  m('MiniMax-M2.1', 'MiniMax', 'MiniMax-M', '2025-12-23', 'large', 204_800, { input: 2.1, output: 8.4, cached: 0.21 }, [
    'MiniMaxAI/MiniMax-M2.1',
  ]),
  m(
    'Llama-3.3-70B-Instruct',
    'Llama',
    'Llama-3.3-70B-Instruct',
    '2024-12-06',
    'medium',
    131_072,
    { input: 4.2, output: 4.2 },
    ['meta-llama/Llama-3.3-70B-Instruct'],
  ),
  m('gpt-oss-120b', 'gpt-oss', 'gpt-oss-120b', '2025-08-05', 'medium', 131_072, { input: 1, output: 4 }, [
    'openai/gpt-oss-120b',
  ]),
  m('gpt-oss-20b', 'gpt-oss', 'gpt-oss-20b', '2025-08-05', 'small', 131_072, { input: 0.5, output: 2 }, [
    'openai/gpt-oss-20b',
  ]),
  m(
    'Mistral-Small-3.2-24B-Instruct-2506',
    'Mistral',
    'Mistral-Small-3.2-24B-Instruct-2506',
    '2025-06-20',
    'medium',
    131_072,
    { input: 0.7, output: 2.1 },
    ['mistralai/Mistral-Small-3.2-24B-Instruct-2506'],
  ),
  m('gemma-3-27b-it', 'Gemma', 'gemma-3-27b-it', '2025-03-12', 'medium', 131_072, { input: 0.7, output: 1.4 }, [
    'google/gemma-3-27b-it',
  ]),
  m('ERNIE-4.5-300B-A47B', 'ERNIE', 'ERNIE-4.5-300B-A47B', '2025-06-30', 'large', 131_072, { input: 2, output: 8 }, [
    'baidu/ERNIE-4.5-300B-A47B-PT',
  ]),
  m(
    'Hunyuan-A13B-Instruct',
    'Hunyuan',
    'Hunyuan-A13B-Instruct',
    '2025-06-27',
    'medium',
    262_144,
    { input: 0.5, output: 2 },
    ['tencent/Hunyuan-A13B-Instruct'],
  ),
  m('step3', 'Step', 'step3', '2025-07-31', 'large', 65_536, { input: 1.5, output: 4 }, ['stepfun-ai/step3']),
  m(
    'Seed-OSS-36B-Instruct',
    'Seed-OSS',
    'Seed-OSS-36B-Instruct',
    '2025-08-20',
    'medium',
    524_288,
    { input: 1, output: 4 },
    ['ByteDance-Seed/Seed-OSS-36B-Instruct'],
  ),
  m(
    'LongCat-Flash-Chat',
    'LongCat',
    'LongCat-Flash-Chat',
    '2025-09-01',
    'large',
    131_072,
    { input: 0.7, output: 2.8 },
    ['meituan-longcat/LongCat-Flash-Chat'],
  ),
  m('Ling-1T', 'Ling', 'Ling-1T', '2025-10-09', 'large', 131_072, { input: 4, output: 16 }, ['inclusionAI/Ling-1T']),
  m(
    'InternLM3-8B-Instruct',
    'InternLM',
    'InternLM3-8B-Instruct',
    '2025-01-15',
    'small',
    32_768,
    { input: 0.3, output: 0.6 },
    ['internlm/internlm3-8b-instruct'],
  ),
  m('Phi-4', 'Phi', 'Phi-4', '2024-12-12', 'small', 16_384, { input: 0.5, output: 1 }, ['microsoft/phi-4']),
];

/**
 * Token-demand shares (percent) of the families, largest first: five leaders, then
 * twelve more falling geometrically to fill the rest. A ratio of 0.793 puts the Gini
 * of the seventeen shares at 0.693.
 */
export const LEADING_FAMILY_SHARES: readonly (readonly [family: string, sharePct: number])[] = [
  ['DeepSeek', 32.0],
  ['Qwen', 24.0],
  ['GLM', 15.0],
  ['Kimi', 10.0],
  ['MiniMax', 6.4],
];
export const TAIL_FAMILIES: readonly string[] = [
  'Llama',
  'gpt-oss',
  'Mistral',
  'Gemma',
  'ERNIE',
  'Hunyuan',
  'Step',
  'Seed-OSS',
  'LongCat',
  'Ling',
  'InternLM',
  'Phi',
];
export const TAIL_RATIO = 0.793;

export interface LineDef {
  line: string;
  family: string;
  /** Relative weight of the line within its family; `tasks` multiplies it per task. */
  weight: number;
  tasks?: Partial<Record<TaskName, number>>;
  /**
   * Migration after a successor ships: the superseded share of the line's demand is
   * floor + (start − floor) · exp(−days since release / tauDays).
   */
  inertia?: { start: number; tauDays: number; floor: number };
}

export const DEFAULT_INERTIA = { start: 0.9, tauDays: 14, floor: 0.03 } as const;

export const LINES: readonly LineDef[] = [
  {
    line: 'DeepSeek-V3',
    family: 'DeepSeek',
    weight: 0.78,
    tasks: { reasoning: 0.4 },
    inertia: { start: 0.9, tauDays: 12, floor: 0.03 },
  },
  { line: 'DeepSeek-R1', family: 'DeepSeek', weight: 0.22, tasks: { reasoning: 4, agent: 0.5 } },
  { line: 'Qwen-32B', family: 'Qwen', weight: 0.36 },
  { line: 'Qwen-235B-A22B', family: 'Qwen', weight: 0.3, inertia: { start: 0.9, tauDays: 15, floor: 0.04 } },
  { line: 'Qwen3-Coder-480B-A35B-Instruct', family: 'Qwen', weight: 0.18, tasks: { code: 3, agent: 1.5, chat: 0.3 } },
  { line: 'Qwen3-30B-A3B-Instruct-2507', family: 'Qwen', weight: 0.16 },
  { line: 'GLM-4', family: 'GLM', weight: 1, inertia: { start: 0.9, tauDays: 16, floor: 0.03 } },
  { line: 'Kimi-K2', family: 'Kimi', weight: 0.7 },
  { line: 'Kimi-K2-Thinking', family: 'Kimi', weight: 0.3, tasks: { reasoning: 3 } },
  { line: 'MiniMax-M', family: 'MiniMax', weight: 1, inertia: { start: 0.9, tauDays: 15, floor: 0.03 } },
  { line: 'gpt-oss-120b', family: 'gpt-oss', weight: 0.7 },
  { line: 'gpt-oss-20b', family: 'gpt-oss', weight: 0.3 },
];

// ---------------------------------------------------------------------------
// Providers and offerings

export interface ProviderProfile {
  provider: string;
  official: boolean;
  /** Median time to first token and decode speed for a medium-sized model. */
  ttftMs: number;
  tps: number;
  /** Price relative to the official (or reference) price. */
  priceMult: number;
  /** Share of the request log routed here, relative to the other offerings of a model. */
  traffic: number;
  /** Background failure rate of requests. */
  errorRate: number;
  /** Probability that an hour has failing measurements (success rate below 0.9). */
  degradedRate: number;
  features: string;
  quantization?: string;
  /** How the provider reports an unsupported feature (probes). */
  unsupported: { code: string; message: string };
}

const official = (provider: string, ttftMs: number, tps: number): ProviderProfile => ({
  provider,
  official: true,
  ttftMs,
  tps,
  priceMult: 1,
  traffic: 3,
  errorRate: 0.006,
  degradedRate: 0.01,
  features: 'tools,json_schema,stream',
  unsupported: { code: 'invalid_request_error', message: 'parameter {feature} is not supported' },
});

export const PROVIDERS: readonly ProviderProfile[] = [
  official('deepseek-official', 1300, 32),
  official('qwen-official', 900, 45),
  official('glm-official', 1100, 40),
  official('kimi-official', 1200, 35),
  official('minimax-official', 1000, 45),
  official('mistral-official', 500, 70),
  official('ernie-official', 1100, 38),
  official('hunyuan-official', 900, 50),
  official('step-official', 1000, 40),
  official('longcat-official', 700, 80),
  official('ling-official', 1400, 30),
  {
    provider: 'provider-a',
    official: false,
    ttftMs: 1800,
    tps: 30,
    priceMult: 0.6,
    traffic: 2,
    errorRate: 0.012,
    degradedRate: 0.02,
    features: 'tools,stream',
    quantization: 'fp8',
    unsupported: { code: '400', message: 'Unrecognized request argument supplied: {feature}' },
  },
  {
    provider: 'provider-b',
    official: false,
    ttftMs: 800,
    tps: 55,
    priceMult: 0.75,
    traffic: 1.5,
    errorRate: 0.008,
    degradedRate: 0.015,
    features: 'tools,json_schema,stream',
    unsupported: { code: 'ignored_parameter', message: 'request accepted but {feature} was silently ignored' },
  },
  {
    provider: 'provider-c',
    official: false,
    ttftMs: 500,
    tps: 90,
    priceMult: 0.8,
    traffic: 1,
    errorRate: 0.02,
    degradedRate: 0.06,
    features: 'tools,json_schema,stream',
    unsupported: { code: '422', message: '{feature}: unsupported for this deployment' },
  },
  {
    provider: 'provider-d',
    official: false,
    ttftMs: 450,
    tps: 75,
    priceMult: 1.1,
    traffic: 1,
    errorRate: 0.005,
    degradedRate: 0.008,
    features: 'tools,json_schema,stream',
    unsupported: { code: '400', message: '{feature} not supported' },
  },
  {
    provider: 'provider-e',
    official: false,
    ttftMs: 1200,
    tps: 35,
    priceMult: 0.7,
    traffic: 0.8,
    errorRate: 0.015,
    degradedRate: 0.03,
    features: 'json_schema,stream',
    unsupported: { code: '400', message: 'invalid parameter: {feature}' },
  },
  {
    provider: 'provider-f',
    official: false,
    ttftMs: 350,
    tps: 110,
    priceMult: 0.9,
    traffic: 0.6,
    errorRate: 0.01,
    degradedRate: 0.04,
    features: 'tools,stream',
    unsupported: { code: '501', message: '{feature} is not implemented' },
  },
  {
    provider: 'provider-g',
    official: false,
    ttftMs: 300,
    tps: 140,
    priceMult: 0.8,
    traffic: 0.4,
    errorRate: 0.01,
    degradedRate: 0.02,
    features: 'tools,json_schema,stream',
    unsupported: { code: '400', message: '{feature} is not available' },
  },
  {
    provider: 'provider-h',
    official: false,
    ttftMs: 1500,
    tps: 25,
    priceMult: 1.05,
    traffic: 0.15,
    errorRate: 0.025,
    degradedRate: 0.05,
    features: 'stream',
    unsupported: { code: 'unsupported_feature', message: '{feature} unsupported' },
  },
];

/** Decode-speed and time-to-first-token multipliers by model size. */
export const SIZE_SPEED: Record<ModelSize, { tps: number; ttft: number }> = {
  small: { tps: 1.5, ttft: 0.7 },
  medium: { tps: 1, ttft: 1 },
  large: { tps: 0.75, ttft: 1.3 },
};

export interface OfferingDef {
  provider: string;
  model: string;
  /** Listing period (UTC days); defaults: from the model's release, open-ended. */
  from?: string;
  to?: string;
  context?: number;
  maxOutput?: number;
  features?: string;
  quantization?: string | null;
  priceMult?: number;
  /** An explicit cached-input price; by default only officials pass on the model's cache price. */
  cachedPrice?: number | null;
  ttftMs?: number;
  tps?: number;
  traffic?: number;
  errorRate?: number;
  degradedRate?: number;
}

const o = (provider: string, model: string, over: Omit<OfferingDef, 'provider' | 'model'> = {}): OfferingDef => ({
  provider,
  model,
  ...over,
});

export const OFFERINGS: readonly OfferingDef[] = [
  o('deepseek-official', 'DeepSeek-V3.1-Terminus', { to: '2025-10-15' }),
  o('provider-a', 'DeepSeek-V3.1-Terminus', { cachedPrice: 0.4 }),
  o('provider-b', 'DeepSeek-V3.1-Terminus'),
  o('provider-e', 'DeepSeek-V3.1-Terminus', { context: 65_536 }),

  o('deepseek-official', 'DeepSeek-V3.2-Exp', { to: '2025-12-01' }),
  o('provider-a', 'DeepSeek-V3.2-Exp', { priceMult: 0.9, cachedPrice: 0.2 }),
  o('provider-b', 'DeepSeek-V3.2-Exp', { priceMult: 1 }),
  o('provider-c', 'DeepSeek-V3.2-Exp', { priceMult: 1.05 }),
  o('provider-e', 'DeepSeek-V3.2-Exp', { priceMult: 0.95, context: 65_536 }),

  // Throughput routing: the official endpoint is the slowest; faster third parties each miss something.
  o('deepseek-official', 'DeepSeek-V3.2', { ttftMs: 1400, tps: 30, traffic: 4 }),
  o('provider-a', 'DeepSeek-V3.2', {
    priceMult: 0.8,
    cachedPrice: 0.2,
    ttftMs: 1800,
    tps: 36,
    features: 'tools,stream',
  }),
  o('provider-b', 'DeepSeek-V3.2', { from: '2025-12-02', priceMult: 1, context: 65_536, ttftMs: 700, tps: 48 }),
  o('provider-d', 'DeepSeek-V3.2', { from: '2025-12-03', priceMult: 1.1, ttftMs: 500, tps: 55, traffic: 0.8 }),
  o('provider-f', 'DeepSeek-V3.2', {
    priceMult: 0.9,
    context: 32_768,
    features: 'stream',
    ttftMs: 350,
    tps: 64,
    degradedRate: 0.15,
  }),

  o('deepseek-official', 'DeepSeek-R1-0528'),
  o('provider-a', 'DeepSeek-R1-0528'),
  o('provider-b', 'DeepSeek-R1-0528'),
  o('provider-e', 'DeepSeek-R1-0528', { context: 65_536 }),

  // Cost routing: cheaper third parties, each limited by context, features or availability.
  o('qwen-official', 'Qwen3-32B', { traffic: 4 }),
  o('provider-a', 'Qwen3-32B', { priceMult: 0.6, context: 32_768, features: 'tools,stream', degradedRate: 0.03 }),
  o('provider-b', 'Qwen3-32B', { priceMult: 0.7, features: 'json_schema,stream' }),
  o('provider-c', 'Qwen3-32B', { priceMult: 0.8, degradedRate: 0.15 }),
  o('provider-d', 'Qwen3-32B', { priceMult: 1.1, quantization: 'fp8' }),

  o('qwen-official', 'Qwen3-235B-A22B'),
  o('provider-a', 'Qwen3-235B-A22B'),
  o('provider-e', 'Qwen3-235B-A22B', { traffic: 0 }),

  o('qwen-official', 'Qwen3-235B-A22B-Instruct-2507'),
  o('provider-a', 'Qwen3-235B-A22B-Instruct-2507', { context: 131_072 }),
  o('provider-b', 'Qwen3-235B-A22B-Instruct-2507'),
  o('provider-c', 'Qwen3-235B-A22B-Instruct-2507', { context: 131_072 }),
  o('provider-e', 'Qwen3-235B-A22B-Instruct-2507'),

  o('qwen-official', 'Qwen3-Coder-480B-A35B-Instruct'),
  o('provider-a', 'Qwen3-Coder-480B-A35B-Instruct', { context: 131_072 }),
  o('provider-c', 'Qwen3-Coder-480B-A35B-Instruct'),
  o('provider-f', 'Qwen3-Coder-480B-A35B-Instruct', { quantization: 'fp8' }),

  o('qwen-official', 'Qwen3-30B-A3B-Instruct-2507'),
  o('provider-b', 'Qwen3-30B-A3B-Instruct-2507'),
  o('provider-g', 'Qwen3-30B-A3B-Instruct-2507'),

  o('glm-official', 'GLM-4.5'),
  o('provider-a', 'GLM-4.5', { context: 131_072 }),
  o('provider-b', 'GLM-4.5'),
  o('provider-e', 'GLM-4.5'),

  o('glm-official', 'GLM-4.6'),
  o('provider-a', 'GLM-4.6', { context: 131_072 }),
  o('provider-b', 'GLM-4.6'),
  o('provider-c', 'GLM-4.6'),
  o('provider-f', 'GLM-4.6', { quantization: 'fp8' }),

  o('glm-official', 'GLM-4.7'),
  o('provider-a', 'GLM-4.7', { from: '2025-12-23', context: 131_072 }),
  o('provider-b', 'GLM-4.7', { from: '2025-12-24' }),

  o('kimi-official', 'Kimi-K2-Instruct-0905'),
  o('provider-a', 'Kimi-K2-Instruct-0905', { context: 131_072 }),
  o('provider-b', 'Kimi-K2-Instruct-0905'),
  o('provider-d', 'Kimi-K2-Instruct-0905', { traffic: 0 }),
  o('provider-g', 'Kimi-K2-Instruct-0905'),

  o('kimi-official', 'Kimi-K2-Thinking'),
  o('provider-a', 'Kimi-K2-Thinking', { from: '2025-11-07', context: 131_072 }),
  o('provider-b', 'Kimi-K2-Thinking', { from: '2025-11-10' }),

  o('minimax-official', 'MiniMax-M1'),
  o('provider-b', 'MiniMax-M1', { context: 131_072 }),
  o('provider-e', 'MiniMax-M1', { to: '2025-12-15', context: 131_072 }),

  o('minimax-official', 'MiniMax-M2'),
  o('provider-a', 'MiniMax-M2', { from: '2025-10-28', context: 131_072 }),
  o('provider-c', 'MiniMax-M2', { from: '2025-10-29' }),

  o('minimax-official', 'MiniMax-M2.1'),
  o('provider-a', 'MiniMax-M2.1', { from: '2025-12-24', context: 131_072 }),

  // Broad supply, little use.
  o('provider-a', 'Llama-3.3-70B-Instruct'),
  o('provider-b', 'Llama-3.3-70B-Instruct'),
  o('provider-c', 'Llama-3.3-70B-Instruct'),
  o('provider-d', 'Llama-3.3-70B-Instruct'),
  o('provider-e', 'Llama-3.3-70B-Instruct'),
  o('provider-g', 'Llama-3.3-70B-Instruct'),
  o('provider-h', 'Llama-3.3-70B-Instruct', { traffic: 0 }),

  o('provider-a', 'gpt-oss-120b'),
  o('provider-b', 'gpt-oss-120b'),
  o('provider-c', 'gpt-oss-120b'),
  o('provider-d', 'gpt-oss-120b'),
  o('provider-f', 'gpt-oss-120b'),
  o('provider-g', 'gpt-oss-120b'),
  o('provider-h', 'gpt-oss-120b'),

  o('provider-a', 'gpt-oss-20b'),
  o('provider-c', 'gpt-oss-20b'),
  o('provider-g', 'gpt-oss-20b'),
  o('provider-h', 'gpt-oss-20b'),

  o('mistral-official', 'Mistral-Small-3.2-24B-Instruct-2506'),
  o('provider-b', 'Mistral-Small-3.2-24B-Instruct-2506'),
  o('provider-h', 'Mistral-Small-3.2-24B-Instruct-2506'),

  o('provider-a', 'gemma-3-27b-it'),
  o('provider-c', 'gemma-3-27b-it'),
  o('provider-h', 'gemma-3-27b-it'),

  o('ernie-official', 'ERNIE-4.5-300B-A47B'),
  o('provider-e', 'ERNIE-4.5-300B-A47B'),

  o('hunyuan-official', 'Hunyuan-A13B-Instruct'),
  o('provider-e', 'Hunyuan-A13B-Instruct'),

  o('step-official', 'step3'),
  o('provider-b', 'step3'),

  o('provider-a', 'Seed-OSS-36B-Instruct', { context: 131_072 }),
  o('provider-e', 'Seed-OSS-36B-Instruct', { features: 'tools,json_schema,stream' }),
  o('provider-h', 'Seed-OSS-36B-Instruct'),

  o('longcat-official', 'LongCat-Flash-Chat'),
  o('provider-b', 'LongCat-Flash-Chat'),

  o('ling-official', 'Ling-1T'),
  o('provider-a', 'Ling-1T', { from: '2025-10-12' }),

  o('provider-g', 'InternLM3-8B-Instruct'),
  o('provider-h', 'InternLM3-8B-Instruct'),

  o('provider-g', 'Phi-4'),
  o('provider-h', 'Phi-4'),
];

/** Mid-quarter price snapshots: the price in force changes from `ts` on. */
export interface PriceChange {
  ts: string;
  provider: string;
  model: string;
  /** Multiplier on the offering's previous input, output and cached prices. */
  mult: number;
}

export const PRICE_CHANGES: readonly PriceChange[] = [
  { ts: '2025-11-15T00:00:00.000Z', provider: 'provider-b', model: 'GLM-4.6', mult: 0.8 },
  { ts: '2025-12-10T00:00:00.000Z', provider: 'provider-e', model: 'Llama-3.3-70B-Instruct', mult: 1.2 },
];

/** Incidents, whole UTC hours. An outage fails every measurement and request; a monitoring gap has no measurements. */
export interface Incident {
  provider: string;
  from: string;
  to: string;
}

export const OUTAGES: readonly Incident[] = [
  { provider: 'provider-c', from: '2025-11-18T06:00:00.000Z', to: '2025-11-18T13:00:00.000Z' },
];

export const MONITORING_GAPS: readonly Incident[] = [
  // Short enough for the last measured state to carry over.
  { provider: 'provider-d', from: '2025-10-20T02:00:00.000Z', to: '2025-10-20T08:00:00.000Z' },
  // Longer than the 24 h staleness limit: the provider becomes unavailable for its last hours.
  { provider: 'provider-b', from: '2025-12-14T00:00:00.000Z', to: '2025-12-15T09:00:00.000Z' },
];

/** Tunables of the request process and of the measurement noise, set as DuckDB variables by the generator. */
export const PROCESS = {
  /** Demand grows linearly over the quarter: the last day carries (1 + growth) times the first. */
  growth: 0.5,
  /** Diurnal swing of request arrivals, peaking at 05:00 UTC (13:00 in Beijing). */
  diurnalAmplitude: 0.45,
  peakHourUtc: 5,
  /** Extra request failure probability in an hour with failing measurements. */
  degradedFailure: 0.2,
  /** In a degraded hour, measurements after the first quarter of the hour (which always fail) fail with this probability. */
  degradedMeasurementFailure: 0.3,
  /** Share of requests without logged timings, and without a logged cost. */
  missingTimings: 0.02,
  missingCost: 0.01,
} as const;

/**
 * Sessions (conversations, agent runs): runs of requests to one model at one provider, for one task
 * and app. Lengths are geometric, about 3 on average (see the generator's SQL); consecutive requests
 * are a log-uniform gap apart, so that most come within a 5-minute cache lifetime and some after it.
 */
export const SESSIONS = {
  gapSeconds: { min: 5, max: 600 },
} as const;

/** Latency measurements: one about every 12.5 minutes (10–15 minutes apart), 256-token completions. */
export const MEASUREMENT = {
  everySeconds: 750,
  jitterSeconds: 75,
  outputTokens: 256,
  inputTokens: [512, 1024, 2048, 4096],
} as const;

/** Compatibility probes per offering and feature, on these days after the listing starts (within the window). */
export const PROBE_DAYS = [2, 30, 60] as const;

/**
 * Routing outcomes the generator is calibrated to (hindsight replay, 1 h windows,
 * against the official endpoint). `knob` is what gets tuned: the listed prices of one
 * provider (cost), or the speed of all third parties (throughput).
 */
export const CALIBRATION = {
  // The knob's prices stay between -50% and -32% of the official price (below the next cheapest, at -30%).
  cost: { model: 'Qwen3-32B', knob: 'provider-a', savingsPct: 37.8, scaleRange: [0.84, 1.13] },
  throughput: { model: 'DeepSeek-V3.2', gainPct: 90, scaleRange: [0.5, 2] },
  window: '1 hour',
  staleHours: 24,
  minSuccess: 0.9,
} as const;
