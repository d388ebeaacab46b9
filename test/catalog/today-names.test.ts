/**
 * Model names as today's sources write them: OpenRouter's ids and permaslugs, models.dev's
 * model ids, the closed families (Claude, Gemini, GPT) that real logs mix in. Every expected
 * value was decided by hand.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUILTIN_MODELS, buildCatalog, resolveName } from '../../src/catalog/index.js';
import { concentration } from '../../src/metrics/concentration.js';
import { prepareNames } from '../../src/query/model-map.js';
import { Store } from '../../src/store/db.js';

const catalog = buildCatalog([]);

function resolvesTo(cases: [string, string, string | null][]) {
  for (const [name, model, variant] of cases) {
    test(`'${name}' resolves to ${model}${variant ? ` (${variant})` : ''}`, () => {
      const r = resolveName(name, catalog);
      assert.deepEqual({ model: r.model, variant: r.variant, known: r.known }, { model, variant, known: true });
    });
  }
}

// OpenRouter: ids, and permaslugs (`canonical_slug`) stamped with the day the slug was made.
resolvesTo([
  ['deepseek/deepseek-v3.2-20251201', 'DeepSeek-V3.2', null],
  ['deepseek/deepseek-v3.2-speciale-20251201', 'DeepSeek-V3.2-Speciale', null],
  ['google/gemini-3-flash-preview-20251217', 'gemini-3-flash-preview', null],
  ['google/gemini-3.1-pro-preview-20260219', 'gemini-3.1-pro-preview', null],
  ['moonshotai/kimi-k2-thinking-20251106', 'Kimi-K2-Thinking', null],
  ['anthropic/claude-4.6-sonnet-20260217', 'claude-sonnet-4-6', null],
  ['anthropic/claude-4-sonnet-20250522', 'claude-sonnet-4', null],
  ['openai/gpt-4.1-2025-04-14', 'gpt-4.1', null],
  ['openai/gpt-5.4-20260305', 'gpt-5.4', null],
  ['openai/gpt-5.4-pro-20260305', 'gpt-5.4-pro', null],
  // the 2507 releases, whose permaslugs write month and day
  ['qwen/qwen3-235b-a22b-07-25', 'Qwen3-235B-A22B-Instruct-2507', null],
  ['qwen/qwen3-235b-a22b-07-25:free', 'Qwen3-235B-A22B-Instruct-2507', 'free'],
  ['qwen/qwen3-coder-480b-a35b-07-25', 'Qwen3-Coder-480B-A35B-Instruct', null],
  ['qwen/qwen3-235b-a22b-2507', 'Qwen3-235B-A22B-Instruct-2507', null],
  ['qwen/qwen3-235b-a22b-thinking-2507', 'Qwen3-235B-A22B-Thinking-2507', null],
  ['moonshotai/kimi-k2-0905', 'Kimi-K2-Instruct-0905', null],
  ['moonshotai/kimi-k2', 'Kimi-K2-Instruct', null],
  ['z-ai/glm-4.6', 'GLM-4.6', null],
  ['z-ai/glm-4.5-air', 'GLM-4.5-Air', null],
  ['meta-llama/llama-3.3-70b-instruct', 'Llama-3.3-70B-Instruct', null],
  ['openai/gpt-oss-120b', 'gpt-oss-120b', null],
  ['minimax/minimax-m2', 'MiniMax-M2', null],
  ['minimax/minimax-m2.1', 'MiniMax-M2.1', null],
  ['deepseek/deepseek-chat-v3-0324', 'DeepSeek-V3-0324', null],
  ['deepseek/deepseek-r1-0528', 'DeepSeek-R1-0528', null],
  ['mistralai/mistral-nemo', 'Mistral-Nemo-Instruct-2407', null],
  ['google/gemini-2.0-flash-001', 'gemini-2.0-flash', null],
  // route tags: tool-calling, long output, thinking
  ['z-ai/glm-4.6:exacto', 'GLM-4.6', 'exacto'],
  ['openai/gpt-4o:extended', 'gpt-4o', 'extended'],
  ['anthropic/claude-3.7-sonnet:thinking', 'claude-3-7-sonnet', 'thinking'],
  ['claude-opus-4-5-20251101:thinking', 'claude-opus-4-5', 'thinking'],
]);

test('a full date stamp drops only when the dated name is not a catalog model of its own', () => {
  const model = (n: string) => resolveName(n, catalog).model;
  // dated snapshots that are different models
  assert.equal(model('gpt-4o-2024-08-06'), 'gpt-4o-2024-08-06');
  assert.equal(model('openai/gpt-4o-2024-11-20'), 'gpt-4o-2024-11-20');
  assert.equal(model('gpt-4o'), 'gpt-4o');
  assert.equal(model('gpt-4o-2024-05-13'), 'gpt-4o');
  assert.equal(model('claude-3-5-sonnet-20240620'), 'claude-3-5-sonnet-20240620');
  assert.equal(model('anthropic/claude-3.5-sonnet-20240620'), 'claude-3-5-sonnet-20240620');
  assert.equal(model('claude-3-5-sonnet-20241022'), 'claude-3-5-sonnet-20241022');
  // snapshot ids of a model with one snapshot
  assert.equal(model('gpt-4o-mini-2024-07-18'), 'gpt-4o-mini');
  assert.equal(model('openai/o3-pro-2025-06-10'), 'o3-pro');
  assert.equal(model('gpt-5.4-mini-2026-03-17'), 'gpt-5.4-mini');
  assert.equal(model('claude-3-haiku-20240307'), 'claude-3-haiku');
  // Vertex AI's `@version`
  assert.equal(model('claude-sonnet-4-5@20250929'), 'claude-sonnet-4-5');
  assert.equal(model('claude-opus-4-6@default'), 'claude-opus-4-6');
  // shorter version tags name releases: never dropped
  assert.equal(model('Qwen/Qwen3-235B-A22B-Instruct-2507'), 'Qwen3-235B-A22B-Instruct-2507');
  assert.equal(model('Qwen/Qwen3-235B-A22B'), 'Qwen3-235B-A22B');
  assert.equal(model('deepseek-ai/DeepSeek-V3-0324'), 'DeepSeek-V3-0324');
  assert.equal(model('deepseek-v3-250324'), 'DeepSeek-V3-0324');
  assert.equal(model('moonshotai/Kimi-K2-Instruct-0905'), 'Kimi-K2-Instruct-0905');
  assert.equal(model('gemini-2.5-pro-preview-06-05'), 'gemini-2.5-pro-preview-06-05');
  assert.equal(model('gemini-2.5-flash-preview-09-2025'), 'gemini-2.5-flash-preview-09-2025');
  // what is left must be a catalog model: a dated name of an unknown model stays as logged
  assert.equal(model('qwen/qwen3.5-plus-20260420'), 'qwen/qwen3.5-plus-20260420');
  assert.equal(model('qwen-max-2025-01-25'), 'qwen-max-2025-01-25');
  // eight digits that are not a day are not a stamp
  assert.equal(model('deepseek/deepseek-v3.2-20251301'), 'deepseek/deepseek-v3.2-20251301');
  assert.equal(resolveName('deepseek/deepseek-v3.2-20251201', catalog).matchedBy, 'normalized');
});

test('a user row for a model also catches its date-stamped spellings', () => {
  const cat = buildCatalog([{ alias: 'claude-sonnet-4-5', model: 'our-sonnet', family: 'Ours' }]);
  assert.equal(resolveName('anthropic/claude-4.5-sonnet-20250929', cat).model, 'our-sonnet');
  assert.equal(resolveName('claude-sonnet-4-6', cat).model, 'claude-sonnet-4-6');
});

// Claude's tier before or after the version, as each source writes it.
resolvesTo([
  ['claude-3.5-sonnet', 'claude-3-5-sonnet-20241022', null],
  ['anthropic/claude-sonnet-3.5', 'claude-3-5-sonnet-20241022', null],
  ['claude-3-5-sonnet-latest', 'claude-3-5-sonnet-20241022', null],
  ['claude-3.5-sonnet-v2', 'claude-3-5-sonnet-20241022', null],
  ['anthropic.claude-3-5-sonnet-20241022-v2:0', 'claude-3-5-sonnet-20241022', null],
  ['claude-3-7-sonnet-20250219', 'claude-3-7-sonnet', null],
  ['anthropic/claude-sonnet-3.7', 'claude-3-7-sonnet', null],
  ['us.anthropic.claude-3-7-sonnet-20250219-v1:0', 'claude-3-7-sonnet', null],
  ['claude-3-7-sonnet-20250219-thinking', 'claude-3-7-sonnet', 'thinking'],
  ['claude-opus-4-1', 'claude-opus-4-1', null],
  ['anthropic/claude-opus-4.1', 'claude-opus-4-1', null],
  ['claude-4.1-opus', 'claude-opus-4-1', null],
  ['claude-4.0-opus', 'claude-opus-4', null],
  ['claude-opus-4-20250514', 'claude-opus-4', null],
  ['claude-sonnet-4-5-20250929', 'claude-sonnet-4-5', null],
  ['anthropic/claude-4.5-sonnet', 'claude-sonnet-4-5', null],
  ['global.anthropic.claude-sonnet-4-5-20250929-v1:0', 'claude-sonnet-4-5', null],
  ['claude-haiku-4-5', 'claude-haiku-4-5', null],
  ['claude-4.5-haiku', 'claude-haiku-4-5', null],
  ['anthropic--claude-4.5-haiku', 'claude-haiku-4-5', null],
  ['anthropic-claude-3.5-haiku', 'claude-3-5-haiku', null],
  ['anthropic/claude-sonnet-4.6', 'claude-sonnet-4-6', null],
  ['claude-4-6-sonnet', 'claude-sonnet-4-6', null],
  ['claude-opus-4-6-fast', 'claude-opus-4-6', 'fast'],
  ['databricks-claude-opus-4-5', 'claude-opus-4-5', null],
  ['claude-opus4-5', 'claude-opus-4-5', null],
]);

// The closed families' other spellings.
resolvesTo([
  ['gemini-2.0-flash-lite-001', 'gemini-2.0-flash-lite', null],
  ['google/gemini-2.5-flash', 'gemini-2.5-flash', null],
  ['databricks-gemini-2-5-pro', 'gemini-2.5-pro', null],
  ['gemini-2.5-flash-lite', 'gemini-2.5-flash-lite', null],
  ['gemini-2.5-flash-preview-05-20:thinking', 'gemini-2.5-flash-preview-05-20', 'thinking'],
  ['gemini-2.5-pro-exp-03-25', 'gemini-2.5-pro-preview-03-25', null],
  ['google/gemini-3-pro-preview', 'gemini-3-pro-preview', null],
  ['google/gemini-3-pro', 'gemini-3-pro-preview', null],
  ['gemini-3.0-pro-preview', 'gemini-3-pro-preview', null],
  ['gemini-3-pro-preview-thinking', 'gemini-3-pro-preview', 'thinking'],
  ['google/gemini-3-flash', 'gemini-3-flash-preview', null],
  ['gemini-3-1-pro-preview', 'gemini-3.1-pro-preview', null],
  ['google-gemini-2.5-pro', 'gemini-2.5-pro', null],
  ['openai/gpt-4o', 'gpt-4o', null],
  ['openai-gpt-4o-mini', 'gpt-4o-mini', null],
  ['gpt-4.1-mini', 'gpt-4.1-mini', null],
  ['openai/gpt-4.1-nano', 'gpt-4.1-nano', null],
  ['openai/gpt-5', 'gpt-5', null],
  ['gpt-5-thinking', 'gpt-5', 'thinking'],
  ['openai/gpt-5-mini', 'gpt-5-mini', null],
  ['databricks-gpt-5-nano', 'gpt-5-nano', null],
  ['openai/gpt-5.1', 'gpt-5.1', null],
  ['gpt-5-2', 'gpt-5.2', null],
  ['openai/gpt-5-chat', 'gpt-5-chat-latest', null],
  ['openai/gpt-5.1-instant', 'gpt-5.1-chat-latest', null],
  ['openai/gpt-5.2-codex', 'gpt-5.2-codex', null],
  ['openai/o3', 'o3', null],
  ['o4-mini', 'o4-mini', null],
  ['openai/o3-mini', 'o3-mini', null],
]);

test('closed families: family, line and release date', () => {
  const rows = [
    'anthropic/claude-4.6-sonnet-20260217',
    'claude-3-5-sonnet-20240620',
    'claude-opus-4-1-20250805',
    'claude-haiku-4-5-20251001',
    'google/gemini-3-flash-preview-20251217',
    'gemini-2.5-pro',
    'gemini-2.0-flash-lite',
    'openai/gpt-4.1-2025-04-14',
    'gpt-5-mini',
    'gpt-4.1-nano',
    'o4-mini',
    'openai/gpt-oss-120b',
  ].map((n) => {
    const r = resolveName(n, catalog);
    return [n, r.family, r.line, r.releaseDate];
  });
  assert.deepEqual(rows, [
    ['anthropic/claude-4.6-sonnet-20260217', 'Claude', 'Claude-Sonnet', '2026-02-17'],
    ['claude-3-5-sonnet-20240620', 'Claude', 'Claude-Sonnet', '2024-06-20'],
    ['claude-opus-4-1-20250805', 'Claude', 'Claude-Opus', '2025-08-05'],
    ['claude-haiku-4-5-20251001', 'Claude', 'Claude-Haiku', '2025-10-15'],
    ['google/gemini-3-flash-preview-20251217', 'Gemini', 'Gemini-Flash', '2025-12-17'],
    ['gemini-2.5-pro', 'Gemini', 'Gemini-Pro', '2025-06-17'],
    ['gemini-2.0-flash-lite', 'Gemini', 'Gemini-Flash-Lite', '2024-12-11'],
    ['openai/gpt-4.1-2025-04-14', 'GPT', 'GPT', '2025-04-14'],
    ['gpt-5-mini', 'GPT', 'GPT-mini', '2025-08-07'],
    ['gpt-4.1-nano', 'GPT', 'GPT-nano', '2025-04-14'],
    ['o4-mini', 'GPT', 'GPT-o-mini', '2025-04-16'],
    // the open-weight gpt-oss is its own family
    ['openai/gpt-oss-120b', 'gpt-oss', 'gpt-oss-120b', '2025-08-05'],
  ]);
});

test('Claude-Sonnet and GPT-mini lines: succession in release order', () => {
  const line = (name: string) =>
    BUILTIN_MODELS.filter((m) => m.line === name)
      .sort((a, b) => a.releaseDate.localeCompare(b.releaseDate))
      .map((m) => m.model);
  assert.deepEqual(line('Claude-Sonnet'), [
    'claude-3-sonnet',
    'claude-3-5-sonnet-20240620',
    'claude-3-5-sonnet-20241022',
    'claude-3-7-sonnet',
    'claude-sonnet-4',
    'claude-sonnet-4-5',
    'claude-sonnet-4-6',
    'claude-sonnet-5',
  ]);
  assert.deepEqual(line('GPT-mini'), ['gpt-4o-mini', 'gpt-4.1-mini', 'gpt-5-mini', 'gpt-5.4-mini']);
});

test('concentration by family on a log that mixes closed and open-weight models', async () => {
  // [name, input tokens, output tokens]; families and their totals:
  //   Claude 45000, Gemini 20000, GPT 15000, DeepSeek 12000, Qwen 5000, gpt-oss 3000 = 100000
  const log: [string, number, number][] = [
    ['anthropic/claude-4.6-sonnet-20260217', 25000, 5000],
    ['claude-sonnet-4-5-20250929', 8000, 2000],
    ['claude-3.5-sonnet', 4000, 1000],
    ['google/gemini-3-flash-preview-20251217', 10000, 2000],
    ['gemini-2.5-pro', 6000, 2000],
    ['openai/gpt-4.1-2025-04-14', 5000, 1000],
    ['gpt-4o-mini', 3000, 1000],
    ['o4-mini', 4000, 1000],
    ['deepseek/deepseek-v3.2-20251201', 8000, 2000],
    ['Pro/deepseek-ai/DeepSeek-V3.2', 1500, 500],
    ['qwen/qwen3-235b-a22b-07-25', 4000, 1000],
    ['openai/gpt-oss-120b', 2000, 1000],
  ];
  const store = await Store.open(':memory:');
  try {
    for (const [i, [model, input, output]] of log.entries()) {
      await store.run(
        `INSERT INTO requests (request_id, ts, model, provider, input_tokens, output_tokens)
         VALUES ($id, TIMESTAMP '2026-03-01', $model, 'p', $input, $output)`,
        { id: `r${i}`, model, input, output },
      );
    }
    await prepareNames(store);
    const c = await concentration(store, { by: 'tokens' });
    assert.ok(c.level === 'family');
    assert.deepEqual(
      c.families.map((f) => [f.family, f.demand, round(f.share)]),
      [
        ['Claude', 45000, 45],
        ['Gemini', 20000, 20],
        ['GPT', 15000, 15],
        ['DeepSeek', 12000, 12],
        ['Qwen', 5000, 5],
        ['gpt-oss', 3000, 3],
      ],
    );
    assert.equal(round(c.top5Share), 97);
    // .45² + .2² + .15² + .12² + .05² + .03² = .2025 + .04 + .0225 + .0144 + .0025 + .0009
    assert.equal(round(c.hhi), 0.2828);
    // ascending 3, 5, 12, 15, 20, 45 (thousands): Σ (2i − n − 1)·xᵢ = −15 − 15 − 12 + 15 + 60 + 225
    // = 258; G = 258 / (6 · 100) = 0.43
    assert.equal(round(c.gini), 0.43);
  } finally {
    store.close();
  }
});

/**
 * Every model id of the models.dev snapshot of 2026-03-15 whose model is DeepSeek-V3.2, with
 * the provider that lists it: [provider, id, variant]. Found by searching ids and display
 * names for `v3.2` spelled any way, without `exp` and `speciale`; two are decided apart below.
 */
const MODELS_DEV_V32: [string, string, string | null][] = [
  ['302ai', 'deepseek-v3.2', null],
  ['302ai', 'deepseek-v3.2-thinking', 'thinking'],
  ['abacus', 'deepseek-ai/DeepSeek-V3.2', null],
  ['aihubmix', 'deepseek-v3.2', null],
  ['aihubmix', 'deepseek-v3.2-fast', 'fast'],
  ['aihubmix', 'deepseek-v3.2-think', 'think'],
  ['alibaba-cn', 'siliconflow/deepseek-v3.2', null],
  ['amazon-bedrock', 'deepseek.v3.2', null],
  ['azure', 'deepseek-v3.2', null],
  ['azure-cognitive-services', 'deepseek-v3.2', null],
  ['baseten', 'deepseek-ai/DeepSeek-V3.2', null],
  ['chutes', 'deepseek-ai/DeepSeek-V3.2-TEE', 'tee'],
  ['deepinfra', 'deepseek-ai/DeepSeek-V3.2', null],
  ['fireworks-ai', 'accounts/fireworks/models/deepseek-v3p2', null],
  ['firmware', 'deepseek-v3-2', null],
  ['helicone', 'deepseek-v3.2', null],
  ['huggingface', 'deepseek-ai/DeepSeek-V3.2', null],
  ['kilo', 'deepseek/deepseek-v3.2', null],
  ['meganova', 'deepseek-ai/DeepSeek-V3.2', null],
  ['nano-gpt', 'TEE/deepseek-v3.2', 'tee'],
  ['nano-gpt', 'deepseek/deepseek-v3.2', null],
  ['nano-gpt', 'deepseek/deepseek-v3.2:thinking', 'thinking'],
  ['nebius', 'deepseek-ai/DeepSeek-V3.2', null],
  ['novita-ai', 'deepseek/deepseek-v3.2', null],
  ['nvidia', 'deepseek-ai/deepseek-v3.2', null],
  ['ollama-cloud', 'deepseek-v3.2', null],
  ['openrouter', 'deepseek/deepseek-v3.2', null],
  ['qiniu-ai', 'deepseek/deepseek-v3.2-251201', null],
  ['siliconflow', 'deepseek-ai/DeepSeek-V3.2', null],
  // SiliconFlow's `Pro/` tier: the same weights at the same price, paid balance only
  ['siliconflow-cn', 'Pro/deepseek-ai/DeepSeek-V3.2', 'pro'],
  ['siliconflow-cn', 'deepseek-ai/DeepSeek-V3.2', null],
  ['synthetic', 'hf:deepseek-ai/DeepSeek-V3.2', null],
  ['venice', 'deepseek-v3.2', null],
  ['vercel', 'deepseek/deepseek-v3.2', null],
  ['vercel', 'deepseek/deepseek-v3.2-thinking', 'thinking'],
  ['vivgrid', 'deepseek-v3.2', null],
  ['zenmux', 'deepseek/deepseek-v3.2', null],
];

test(`models.dev 2026-03-15: the ${MODELS_DEV_V32.length} ids of DeepSeek-V3.2 resolve to it, with their variant`, () => {
  const wrong = MODELS_DEV_V32.map(([provider, id, variant]) => ({
    provider,
    id,
    variant,
    r: resolveName(id, catalog),
  }))
    .filter(({ r, variant }) => r.model !== 'DeepSeek-V3.2' || r.variant !== variant || !r.known)
    .map(({ provider, id, r }) => `${provider} ${id} → ${r.model} [${r.variant}]`);
  assert.deepEqual(wrong, []);
});

test('models.dev 2026-03-15: the two V3.2 listings decided apart', () => {
  // ZenMux names its `deepseek/deepseek-chat` "DeepSeek-V3.2 (Non-thinking Mode)", but the
  // name follows whatever DeepSeek serves next: unknown unless a user catalog row maps it.
  assert.equal(resolveName('deepseek/deepseek-chat', catalog).known, false);
  // iFlow names its `deepseek-v3.2` "DeepSeek-V3.2-Exp" (listed before V3.2 was released).
  // Resolution reads the name as logged, so it is V3.2; only a user row can say otherwise.
  assert.equal(resolveName('deepseek-v3.2', catalog).model, 'DeepSeek-V3.2');
});

// Common models.dev spellings of the open-weight models.
resolvesTo([
  ['deepseek-ai/DeepSeek-V3.2', 'DeepSeek-V3.2', null],
  ['deepseek/deepseek-v3.2', 'DeepSeek-V3.2', null],
  ['Pro/deepseek-ai/DeepSeek-V3.2', 'DeepSeek-V3.2', 'pro'],
  ['hf:deepseek-ai/DeepSeek-V3.2', 'DeepSeek-V3.2', null],
  ['deepseek-ai/DeepSeek-V3.2-TEE', 'DeepSeek-V3.2', 'tee'],
  ['deepseek/deepseek-v3.2:thinking', 'DeepSeek-V3.2', 'thinking'],
  ['nvidia/DeepSeek-V3.2-NVFP4', 'DeepSeek-V3.2', 'nvfp4'],
  ['zai-org/GLM-4.6', 'GLM-4.6', null],
  ['zai-org/GLM-4.6-TEE', 'GLM-4.6', 'tee'],
  ['zai-org/glm-4.7:thinking', 'GLM-4.7', 'thinking'],
  ['zai-org-glm-4.6', 'GLM-4.6', null],
  ['moonshotai/Kimi-K2-Instruct-0905', 'Kimi-K2-Instruct-0905', null],
  ['Pro/moonshotai/Kimi-K2-Instruct-0905', 'Kimi-K2-Instruct-0905', 'pro'],
  ['moonshotai/Kimi-K2-Thinking-TEE', 'Kimi-K2-Thinking', 'tee'],
  ['TEE/kimi-k2-thinking', 'Kimi-K2-Thinking', 'tee'],
  ['qwen/qwen3-coder', 'Qwen3-Coder-480B-A35B-Instruct', null],
  ['qwen/qwen3-coder:exacto', 'Qwen3-Coder-480B-A35B-Instruct', 'exacto'],
  ['Qwen/Qwen3-Coder-480B-A35B-Instruct-FP8-TEE', 'Qwen3-Coder-480B-A35B-Instruct', 'fp8-tee'],
  ['alibaba/qwen3-235b-a22b-thinking', 'Qwen3-235B-A22B-Thinking-2507', null],
  ['Qwen/Qwen3-235B-A22B-Thinking-2507-TEE', 'Qwen3-235B-A22B-Thinking-2507', 'tee'],
  ['qwen-qwen3-32b', 'Qwen3-32B', null],
  ['openai/gpt-oss-120b', 'gpt-oss-120b', null],
  ['openai/gpt-oss-120b:exacto', 'gpt-oss-120b', 'exacto'],
  ['deepseek-ai-deepseek-v3.1-terminus', 'DeepSeek-V3.1-Terminus', null],
  ['meta-llama-meta-llama-3.1-8b-instruct', 'Llama-3.1-8B-Instruct', null],
  ['us.meta.llama4-maverick-17b-instruct-v1:0', 'Llama-4-Maverick-17B-128E-Instruct', null],
  ['google-gemma-3-27b-it', 'gemma-3-27b-it', null],
  ['MiniMaxAI/MiniMax-M2.1-TEE', 'MiniMax-M2.1', 'tee'],
]);

/** Names that contain a catalog model's name but are another model: [name, what it resolves to]. */
const NOT_MERGED: [string, string][] = [
  ['deepseek-v3.2-speciale', 'DeepSeek-V3.2-Speciale'],
  ['deepseek-ai/DeepSeek-V3.2-Speciale-TEE', 'DeepSeek-V3.2-Speciale'],
  ['DeepSeek-V3.2-Exp', 'DeepSeek-V3.2-Exp'],
  ['deepseek/deepseek-v3.2-exp-thinking', 'DeepSeek-V3.2-Exp'],
  ['DeepSeek-R1-Distill-Llama-70B', 'DeepSeek-R1-Distill-Llama-70B'],
  ['nvidia/llama-3.1-nemotron-70b-instruct', 'nvidia/llama-3.1-nemotron-70b-instruct'],
  ['cognitivecomputations/dolphin-mixtral-8x22b', 'cognitivecomputations/dolphin-mixtral-8x22b'],
  ['deepseek/deepseek-r1-0528-qwen3-8b', 'deepseek/deepseek-r1-0528-qwen3-8b'],
  ['Gemma-4-31B-Claude-4.6-Opus-Reasoning-Distilled', 'Gemma-4-31B-Claude-4.6-Opus-Reasoning-Distilled'],
  ['Qwen/Qwen3-VL-235B-A22B-Thinking', 'Qwen/Qwen3-VL-235B-A22B-Thinking'],
  ['kimi-k2-thinking-turbo', 'Kimi-K2-Thinking'],
  ['openai/gpt-oss-safeguard-20b', 'openai/gpt-oss-safeguard-20b'],
  ['openai/chatgpt-4o-latest', 'openai/chatgpt-4o-latest'],
  ['openai/gpt-4o-search-preview', 'openai/gpt-4o-search-preview'],
  ['openai/gpt-5-chat', 'gpt-5-chat-latest'],
  ['openai/gpt-5.5-instant', 'gpt-5.5-instant'],
  ['google/gemini-2.5-flash-image', 'google/gemini-2.5-flash-image'],
  ['google/gemini-3.1-pro-preview-customtools', 'google/gemini-3.1-pro-preview-customtools'],
  ['anthropic.claude-instant-v1', 'anthropic.claude-instant-v1'],
];

for (const [name, model] of NOT_MERGED) {
  test(`'${name}' is ${model}, not the model its name contains`, () => {
    assert.equal(resolveName(name, catalog).model, model);
  });
}

function round(x: number | null): number | null {
  return x === null ? null : Math.round(x * 1e9) / 1e9;
}
