import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUILTIN_MODELS, buildCatalog, nameKey, parseName, resolveName } from '../../src/catalog/index.js';

const catalog = buildCatalog([]);

/** [name as logged, canonical model, variant] */
const SPELLINGS: [string, string, string | null][] = [
  // organisation and provider prefixes
  ['deepseek-ai/DeepSeek-V3.2', 'DeepSeek-V3.2', null],
  ['accounts/fireworks/models/deepseek-v3p1', 'DeepSeek-V3.1', null],
  ['Qwen/Qwen3-32B', 'Qwen3-32B', null],
  ['meta-llama/Llama-3.3-70B-Instruct', 'Llama-3.3-70B-Instruct', null],
  ['openai/gpt-oss-120b', 'gpt-oss-120b', null],
  ['moonshotai/Kimi-K2-Instruct-0905', 'Kimi-K2-Instruct-0905', null],
  ['zai-org/GLM-4.6', 'GLM-4.6', null],
  ['THUDM/GLM-4-32B-0414', 'GLM-4-32B-0414', null],
  ['THUDM/glm-4-9b-chat', 'glm-4-9b-chat', null],
  ['MiniMaxAI/MiniMax-M2', 'MiniMax-M2', null],
  ['together_ai/deepseek-ai/DeepSeek-V3', 'DeepSeek-V3', null],
  ['deepinfra/meta-llama/Meta-Llama-3.1-70B-Instruct', 'Llama-3.1-70B-Instruct', null],
  ['fireworks_ai/accounts/fireworks/models/qwen3-235b-a22b-instruct-2507', 'Qwen3-235B-A22B-Instruct-2507', null],
  ['accounts/fireworks/models/deepseek-v3p1-terminus', 'DeepSeek-V3.1-Terminus', null],
  ['accounts/fireworks/models/glm-4p6', 'GLM-4.6', null],
  ['accounts/fireworks/models/qwen2p5-72b-instruct', 'Qwen2.5-72B-Instruct', null],
  ['meta.llama3-3-70b-instruct-v1:0', 'Llama-3.3-70B-Instruct', null],
  // Llama 2 as the LLMPerf and thefastest.ai measurements name it
  ['meta.llama2-70b-chat-v1', 'Llama-2-70b-chat-hf', null],
  ['meta-llama/Llama-2-70b-chat-hf', 'Llama-2-70b-chat-hf', null],
  ['accounts/fireworks/models/llama-v2-70b-chat', 'Llama-2-70b-chat-hf', null],
  ['llama2-70b-4096', 'Llama-2-70b-chat-hf', null],
  ['together_ai/togethercomputer/llama-2-70b-chat', 'Llama-2-70b-chat-hf', null],
  ['llama-2-70b-chat-fp16', 'Llama-2-70b-chat-hf', 'fp16'],
  ['meta.llama2-13b-chat-v1', 'Llama-2-13b-chat-hf', null],
  // a Replicate deployment pinned to a version hash
  [
    'meta/llama-2-70b-chat:02e509c789964a7ea8736978a43525956ef40397be9033abf9fd2badfe68c9e3',
    'Llama-2-70b-chat-hf',
    null,
  ],
  // Bedrock ids named by a dotted version only, with and without a region
  ['deepseek.v3.2', 'DeepSeek-V3.2', null],
  ['us.deepseek.v3.2', 'DeepSeek-V3.2', null],
  ['bedrock/us-east-1/deepseek.v3.2', 'DeepSeek-V3.2', null],
  ['apac.meta.llama3-3-70b-instruct-v1:0', 'Llama-3.3-70B-Instruct', null],
  ['jp.meta.llama3-3-70b-instruct-v1:0', 'Llama-3.3-70B-Instruct', null],
  ['qwen.qwen3-32b-v1:0', 'Qwen3-32B', null],
  ['openai.gpt-oss-120b-1:0', 'gpt-oss-120b', null],
  ['zai.glm-4.6', 'GLM-4.6', null],
  // a platform's route prefix and a maker's name before its family's
  ['databricks-meta-llama-3-3-70b-instruct', 'Llama-3.3-70B-Instruct', null],
  ['databricks/databricks-gpt-oss-120b', 'gpt-oss-120b', null],
  ['alibaba-qwen3-32b', 'Qwen3-32B', null],
  ['alibaba/qwen-3-32b', 'Qwen3-32B', null],
  ['openai-gpt-oss-120b', 'gpt-oss-120b', null],
  ['@cf/openai/gpt-oss-120b', 'gpt-oss-120b', null],
  // case and separators
  ['DEEPSEEK-V3.2-EXP', 'DeepSeek-V3.2-Exp', null],
  ['deepseek_v3_1', 'DeepSeek-V3.1', null],
  ['DeepSeek V3.1 Terminus', 'DeepSeek-V3.1-Terminus', null],
  ['qwen3_235b_a22b_thinking_2507', 'Qwen3-235B-A22B-Thinking-2507', null],
  ['qwen-2.5-72b-instruct', 'Qwen2.5-72B-Instruct', null],
  ['Kimi K2 Thinking', 'Kimi-K2-Thinking', null],
  ['minimax-m2.1', 'MiniMax-M2.1', null],
  // -Instruct / -chat / -it where they do not distinguish models
  ['Qwen3-32B-Instruct', 'Qwen3-32B', null],
  ['llama-3.3-70b', 'Llama-3.3-70B-Instruct', null],
  ['moonshotai/kimi-k2', 'Kimi-K2-Instruct', null],
  ['google/gemma-3-27b', 'gemma-3-27b-it', null],
  ['gemma-2-9b-it', 'gemma-2-9b-it', null],
  ['deepseek/deepseek-chat-v3.1', 'DeepSeek-V3.1', null],
  ['mistralai/Mistral-7B-Instruct-v0.3', 'Mistral-7B-Instruct-v0.3', null],
  ['qwen/qwen3-235b-a22b-2507', 'Qwen3-235B-A22B-Instruct-2507', null],
  // v3p1 / v3p3 and the Llama spellings
  ['deepseek-v3p1', 'DeepSeek-V3.1', null],
  ['llama-v3p3-70b-instruct', 'Llama-3.3-70B-Instruct', null],
  ['accounts/fireworks/models/llama-v3p1-405b-instruct', 'Llama-3.1-405B-Instruct', null],
  ['llama3-3-70b', 'Llama-3.3-70B-Instruct', null],
  ['llama3.3-70b', 'Llama-3.3-70B-Instruct', null],
  ['llama3.1-8b', 'Llama-3.1-8B-Instruct', null],
  ['llama-3.3-70b-versatile', 'Llama-3.3-70B-Instruct', 'versatile'],
  ['Meta-Llama-3.1-8B-Instruct', 'Llama-3.1-8B-Instruct', null],
  // quantisation, speed and route suffixes: same model, reported as variant
  ['Qwen/Qwen3-32B-FP8', 'Qwen3-32B', 'fp8'],
  ['qwen3-32b-fp8', 'Qwen3-32B', 'fp8'],
  ['Qwen/Qwen2.5-72B-Instruct-AWQ', 'Qwen2.5-72B-Instruct', 'awq'],
  ['Qwen2.5-7B-Instruct-GPTQ-Int4', 'Qwen2.5-7B-Instruct', 'gptq-int4'],
  ['kimi-k2-instruct-int4', 'Kimi-K2-Instruct', 'int4'],
  ['meta-llama/Llama-3.3-70B-Instruct-Turbo', 'Llama-3.3-70B-Instruct', 'turbo'],
  ['meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo', 'Llama-3.1-8B-Instruct', 'turbo'],
  ['deepseek-ai/DeepSeek-V3.1-fast', 'DeepSeek-V3.1', 'fast'],
  ['llama-3.1-8b-instant', 'Llama-3.1-8B-Instruct', 'instant'],
  ['openai/gpt-oss-120b:free', 'gpt-oss-120b', 'free'],
  ['meta-llama/llama-3.3-70b-instruct:free', 'Llama-3.3-70B-Instruct', 'free'],
  ['deepseek-ai/deepseek-v3.1-maas', 'DeepSeek-V3.1', 'maas'],
  ['@cf/meta/llama-3.1-8b-instruct-fp8-fast', 'Llama-3.1-8B-Instruct', 'fp8-fast'],
  ['meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8', 'Llama-4-Maverick-17B-128E-Instruct', 'fp8'],
  ['zai-org/GLM-4.5-Air-FP8', 'GLM-4.5-Air', 'fp8'],
  ['Qwen/Qwen3-235B-A22B-Instruct-2507-tput', 'Qwen3-235B-A22B-Instruct-2507', 'tput'],
  ['kimi-k2-thinking-turbo', 'Kimi-K2-Thinking', 'turbo'],
  ['oci/meta.llama-3.3-70b-instruct-fp8-dynamic', 'Llama-3.3-70B-Instruct', 'fp8-dynamic'],
  ['lemonade/gpt-oss-120b-mxfp-GGUF', 'gpt-oss-120b', 'mxfp-gguf'],
  ['gpt-oss-20b-mxfp4-GGUF', 'gpt-oss-20b', 'mxfp4-gguf'],
  ['Qwen3-Coder-30B-A3B-Instruct-GGUF', 'Qwen3-Coder-30B-A3B-Instruct', 'gguf'],
  ['together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo-Free', 'Llama-3.3-70B-Instruct', 'turbo-free'],
  // explicit aliases
  ['kimi-k2-0711-preview', 'Kimi-K2-Instruct', null],
  ['K2-0711', 'Kimi-K2-Instruct', null],
  ['kimi-k2-0905-preview', 'Kimi-K2-Instruct-0905', null],
  ['moonshot/kimi-k2-0711-preview', 'Kimi-K2-Instruct', null],
  ['zai-glm-4.6', 'GLM-4.6', null],
  ['deepseek-v3-250324', 'DeepSeek-V3-0324', null],
  ['MiniMax-M1-80k', 'MiniMax-M1', null],
  ['mistral-small-2506', 'Mistral-Small-3.2-24B-Instruct-2506', null],
  ['mistralai/mistral-small-3.1-24b-instruct', 'Mistral-Small-3.1-24B-Instruct-2503', null],
  ['meta-llama/llama-4-scout', 'Llama-4-Scout-17B-16E-Instruct', null],
];

for (const [name, model, variant] of SPELLINGS) {
  test(`'${name}' resolves to ${model}${variant ? ` (${variant})` : ''}`, () => {
    const r = resolveName(name, catalog);
    assert.deepEqual(
      { model: r.model, variant: r.variant, known: r.known, name: r.name },
      { model, variant, known: true, name },
    );
  });
}

test('matchedBy says how a name matched', () => {
  assert.equal(resolveName('DeepSeek-V3.2', catalog).matchedBy, 'alias');
  assert.equal(resolveName('deepseek-v3.2', catalog).matchedBy, 'alias');
  assert.equal(resolveName('kimi-k2-0711-preview', catalog).matchedBy, 'alias');
  assert.equal(resolveName('deepseek-ai/DeepSeek-V3.2', catalog).matchedBy, 'normalized');
  assert.equal(resolveName('Qwen/Qwen3-32B-FP8', catalog).matchedBy, 'normalized');
  assert.equal(resolveName('acme-7b', catalog).matchedBy, 'unknown');
});

/** Fine-tunes and distills of catalog models: never the base model. */
const NOT_MERGED: [string, string][] = [
  ['DeepSeek-R1-Distill-Llama-70B', 'DeepSeek-R1-Distill-Llama-70B'],
  ['deepseek-ai/DeepSeek-R1-Distill-Qwen-32B', 'DeepSeek-R1-Distill-Qwen-32B'],
  ['deepseek-r1-distill-llama-70b', 'DeepSeek-R1-Distill-Llama-70B'],
  ['NousResearch/Hermes-3-Llama-3.1-70B', 'NousResearch/Hermes-3-Llama-3.1-70B'],
  ['nvidia/Llama-3.1-Nemotron-70B-Instruct', 'nvidia/Llama-3.1-Nemotron-70B-Instruct'],
  ['huihui-ai/Qwen2.5-32B-Instruct-abliterated', 'huihui-ai/Qwen2.5-32B-Instruct-abliterated'],
  ['DeepSeek-V3-Base', 'DeepSeek-V3-Base'],
  ['Qwen3-32B-abliterated-FP8', 'Qwen3-32B-abliterated-FP8'],
  ['deepseek-r1:70b', 'deepseek-r1:70b'],
  ['qwen3:32b', 'qwen3:32b'],
  // a maker's name before another family's is a distill or fine-tune, not a prefix
  ['deepseek-llama3.3-70b', 'deepseek-llama3.3-70b'],
  ['dobby-unhinged-llama-3-3-70b-new', 'dobby-unhinged-llama-3-3-70b-new'],
  // Snowflake's own SwiftKV model: `snowflake-` is not a route prefix
  ['snowflake-llama-3.3-70b', 'snowflake-llama-3.3-70b'],
  // Bedrock's bare major version names V3.1, not V3: left unknown
  ['deepseek.v3-v1:0', 'deepseek.v3-v1:0'],
  ['us.deepseek.r1-v1:0', 'us.deepseek.r1-v1:0'],
  ['openai.gpt-oss-safeguard-120b', 'openai.gpt-oss-safeguard-120b'],
  ['qwen3-vl-32b-instruct', 'qwen3-vl-32b-instruct'],
  ['gpt-oss:120b-cloud', 'gpt-oss:120b-cloud'],
];

for (const [name, model] of NOT_MERGED) {
  test(`'${name}' is not merged into its base model`, () => {
    const r = resolveName(name, catalog);
    assert.equal(r.model, model);
  });
}

test('R1 distills are their own model and line in family DeepSeek', () => {
  const r = resolveName('DeepSeek-R1-Distill-Qwen-32B', catalog);
  assert.deepEqual(
    { family: r.family, line: r.line, releaseDate: r.releaseDate, known: r.known },
    { family: 'DeepSeek', line: 'DeepSeek-R1-Distill-Qwen-32B', releaseDate: '2025-01-20', known: true },
  );
  assert.equal(resolveName('DeepSeek-R1', catalog).line, 'DeepSeek-R1');
});

test('unknown names are their own model, line and family, kept as logged', () => {
  for (const name of ['deepseek-chat', 'deepseek-reasoner', 'Acme/Foo-7B-fp8', 'kimi-k2-turbo-preview', 'qwen-plus']) {
    assert.deepEqual(resolveName(name, catalog), {
      name,
      model: name,
      family: name,
      line: name,
      releaseDate: null,
      variant: null,
      known: false,
      matchedBy: 'unknown',
    });
  }
});

test('DeepSeek-V3 line: succession and release dates', () => {
  const succession = [
    ['DeepSeek-V3', '2024-12-26'],
    ['DeepSeek-V3-0324', '2025-03-24'],
    ['DeepSeek-V3.1', '2025-08-21'],
    ['DeepSeek-V3.1-Terminus', '2025-09-22'],
    ['DeepSeek-V3.2-Exp', '2025-09-29'],
    ['DeepSeek-V3.2', '2025-12-01'],
  ];
  const line = BUILTIN_MODELS.filter((m) => m.line === 'DeepSeek-V3')
    .sort((a, b) => a.releaseDate.localeCompare(b.releaseDate))
    .map((m) => [m.model, m.releaseDate]);
  assert.deepEqual(line, succession);
  for (const [model, date] of succession) {
    const r = resolveName(`deepseek-ai/${model}`, catalog);
    assert.deepEqual([r.model, r.line, r.family, r.releaseDate], [model, 'DeepSeek-V3', 'DeepSeek', date]);
  }
});

test('a different size or a thinking sibling is a different line', () => {
  const line = (n: string) => resolveName(n, catalog).line;
  assert.equal(line('Qwen2.5-32B-Instruct'), line('Qwen3-32B'));
  assert.equal(line('Qwen3-235B-A22B'), line('Qwen3-235B-A22B-Instruct-2507'));
  assert.notEqual(line('Qwen3-235B-A22B-Thinking-2507'), line('Qwen3-235B-A22B-Instruct-2507'));
  assert.notEqual(line('Qwen3-14B'), line('Qwen3-32B'));
  assert.equal(line('Llama-3.1-70B-Instruct'), 'Llama-70B');
  assert.equal(line('Llama-3.3-70B-Instruct'), 'Llama-70B');
  assert.notEqual(line('Llama-3.1-8B-Instruct'), 'Llama-70B');
  assert.equal(line('gemma-2-27b-it'), line('gemma-3-27b-it'));
  assert.notEqual(line('Kimi-K2-Thinking'), line('Kimi-K2-Instruct'));
  assert.equal(line('Kimi-K2-Instruct'), line('Kimi-K2-Instruct-0905'));
  assert.notEqual(line('gpt-oss-20b'), line('gpt-oss-120b'));
  assert.equal(line('GLM-4.5'), 'GLM-4');
  assert.equal(line('GLM-4.5-Air'), 'GLM-4.5-Air');
});

test('no two built-in models share a spelling or a normalised key', () => {
  const owner = new Map<string, string>();
  for (const m of BUILTIN_MODELS) {
    for (const spelling of [m.model, ...(m.aliases ?? [])]) {
      for (const k of [`exact:${spelling.toLowerCase()}`, `key:${parseName(spelling).fullKey}`]) {
        const prev = owner.get(k);
        assert.ok(prev === undefined || prev === m.model, `${k} belongs to both ${prev} and ${m.model}`);
        owner.set(k, m.model);
      }
    }
  }
});

test('built-in rows are well formed', () => {
  for (const m of BUILTIN_MODELS) {
    assert.match(m.releaseDate, /^\d{4}-\d{2}-\d{2}$/, m.model);
    assert.equal(new Date(`${m.releaseDate}T00:00:00Z`).toISOString().slice(0, 10), m.releaseDate, m.model);
    assert.ok(m.family && m.line, m.model);
  }
  // A canonical name never carries a variant suffix: it would shadow the suffix rule. The
  // exceptions are models released under such a name, which match whole before a suffix is read.
  assert.deepEqual(
    BUILTIN_MODELS.filter((m) => parseName(m.model).variant !== null).map((m) => m.model),
    ['Qwen3-Next-80B-A3B-Thinking', 'Kimi-K2-Thinking', 'gpt-5.5-instant'],
  );
});

test('nameKey: separators, case, p-decimals and neutral tokens do not matter', () => {
  assert.equal(nameKey('Llama-3.3-70B-Instruct'), 'llama 3 3 70 b');
  assert.equal(nameKey('llama-v3p3-70b-instruct'), 'llama 3 3 70 b');
  assert.equal(nameKey('Meta-Llama-3.3-70B-Instruct'), 'llama 3 3 70 b');
  assert.equal(nameKey('qwen3:32b'), 'qwen 3 : 32 b');
  assert.equal(nameKey('alibaba-qwen3-32b'), 'qwen 3 32 b');
  assert.equal(nameKey('openai-gpt-oss-120b'), 'gpt oss 120 b');
  // only before its own family, and only first
  assert.equal(nameKey('alibaba-llama-3-70b'), 'alibaba llama 3 70 b');
  assert.equal(nameKey('deepseek-llama3.3-70b'), 'deepseek llama 3 3 70 b');
  assert.equal(nameKey('foo-meta-llama-3'), 'foo meta llama 3');
});

test('parseName strips only recognised suffixes from the end', () => {
  assert.deepEqual(parseName('together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo'), {
    fullKey: 'llama 3 3 70 b turbo',
    baseKey: 'llama 3 3 70 b',
    variant: 'turbo',
  });
  assert.equal(parseName('Turbo').variant, null);
  assert.equal(parseName('model:beta').variant, null);
  assert.equal(parseName('Qwen2.5-32B-Instruct-abliterated').variant, null);
});
