import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUILTIN_PROVIDERS } from '../../src/catalog/providers-builtin.js';

/**
 * The folding rule, written out here so that the data is checked on its own: lower case,
 * trimmed, an URL's scheme and everything from the first `/` on dropped, runs of space, `_`,
 * `-` and `.` one `-`.
 */
function fold(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/\/.*$/, '')
    .replace(/[\s_.-]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** folded spelling → the ids of every provider that claims it (id, name or alias) */
function claims(): Map<string, Set<string>> {
  const byFolded = new Map<string, Set<string>>();
  for (const b of BUILTIN_PROVIDERS) {
    for (const spelling of [b.id, b.name, ...b.aliases]) {
      const f = fold(spelling);
      const ids = byFolded.get(f) ?? new Set<string>();
      ids.add(b.id);
      byFolded.set(f, ids);
    }
  }
  return byFolded;
}

const CLAIMS = claims();

/** The provider id a spelling resolves to, or undefined when the catalog does not know it. */
function resolve(spelling: string): string | undefined {
  const ids = CLAIMS.get(fold(spelling));
  return ids ? [...ids][0] : undefined;
}

function assertResolves(spellings: readonly string[], id: string): void {
  for (const s of spellings) assert.equal(resolve(s), id, `${JSON.stringify(s)} should resolve to ${id}`);
}

test('the local fold implements the rule', () => {
  assert.equal(fold('  Fireworks AI '), 'fireworks-ai');
  assert.equal(fold('fireworks_ai'), 'fireworks-ai');
  assert.equal(fold('https://api.fireworks.ai/inference/v1'), 'api-fireworks-ai');
  assert.equal(fold('deepinfra/fp8'), 'deepinfra');
  assert.equal(fold('vertex_ai-language-models'), 'vertex-ai-language-models');
  assert.equal(fold('Z.AI'), 'z-ai');
});

test('no folded spelling belongs to two providers', () => {
  const shared = [...CLAIMS].filter(([, ids]) => ids.size > 1).map(([f, ids]) => `${f}: ${[...ids].join(', ')}`);
  assert.deepEqual(shared, []);
});

test('ids are unique, canonical and fold to themselves', () => {
  const ids = BUILTIN_PROVIDERS.map((b) => b.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) {
    assert.equal(fold(id), id, id);
    assert.match(id, /^[a-z0-9]+(-[a-z0-9]+)*$/, id);
  }
});

test('every alias is a spelling of its own, not a repeat of the id', () => {
  for (const b of BUILTIN_PROVIDERS) {
    for (const a of b.aliases) assert.notEqual(fold(a), b.id, `${b.id}: ${a}`);
    assert.ok(b.name.trim(), b.id);
  }
});

test('Fireworks: every source spelling meets', () => {
  assertResolves(['fireworks', 'fireworks_ai', 'Fireworks', 'fireworks-ai', 'Fireworks AI', 'FIREWORKS'], 'fireworks');
  assertResolves(['api.fireworks.ai', 'https://api.fireworks.ai/inference/v1', 'fireworks.ai'], 'fireworks');
  assertResolves(['fireworks/fp8', 'fireworks_ai-embedding-models'], 'fireworks');
});

test('Azure OpenAI and Azure AI Foundry stay apart', () => {
  assertResolves(['azure', 'Azure', 'AZURE', 'azure_text', 'azure-cognitive-services'], 'azure');
  assertResolves(['azure_ai', 'azure-ai'], 'azure-ai');
  assert.notEqual(resolve('azure'), resolve('azure_ai'));
});

test('Google AI Studio and Vertex AI stay apart (OpenRouter\'s "Google", Vertex, is stored as "Google Vertex" by its presets)', () => {
  assertResolves(
    ['gemini', 'Google AI Studio', 'google-ai-studio', 'generativelanguage.googleapis.com', 'palm', 'google', 'GOOGLE'],
    'google-ai-studio',
  );
  assertResolves(
    [
      'vertex_ai',
      'vertex_ai-language-models',
      'vertex_ai-anthropic_models',
      'google-vertex',
      'Google Vertex',
      'Vertex',
    ],
    'vertex-ai',
  );
  assertResolves(['google-vertex-anthropic', 'aiplatform.googleapis.com'], 'vertex-ai');
  assert.notEqual(resolve('gemini'), resolve('Google Vertex'));
});

test('regional endpoints: merged where models.dev prices agree, apart where they differ', () => {
  // differ (44 shared / 40 differ, 35 / 7, 13 / 2)
  assertResolves(['alibaba', 'dashscope', 'dashscope-intl.aliyuncs.com', 'Alibaba'], 'alibaba');
  assertResolves(['alibaba-cn', 'Alibaba (China)', 'dashscope.aliyuncs.com'], 'alibaba-cn');
  assertResolves(['siliconflow', 'SiliconFlow', 'api.siliconflow.com'], 'siliconflow');
  assertResolves(['siliconflow-cn', 'SiliconFlow (China)', 'api.siliconflow.cn'], 'siliconflow-cn');
  assertResolves(['zai', 'Z.AI', 'z-ai', 'api.z.ai'], 'zai');
  assertResolves(['zhipuai', 'Zhipu AI', 'open.bigmodel.cn'], 'zhipuai');
  // agree (9 / 0, 7 / 0, 95 / 0)
  assertResolves(
    ['moonshotai', 'moonshotai-cn', 'moonshot', 'Moonshot AI', 'api.moonshot.ai', 'api.moonshot.cn'],
    'moonshot',
  );
  assertResolves(['minimax', 'minimax-cn', 'MiniMax', 'api.minimax.io', 'api.minimaxi.com'], 'minimax');
  assertResolves(
    ['azure-cognitive-services', 'Azure Cognitive Services', 'azure.eastus2', 'fixie-westus.azure'],
    'azure',
  );
  // Bedrock regions live in model ids; every Bedrock spelling is one provider
  assertResolves(
    ['amazon-bedrock', 'bedrock', 'bedrock_converse', 'bedrock_mantle', 'Amazon Bedrock', 'AWS'],
    'bedrock',
  );
});

test('token and coding plans stay apart from pay-as-you-go, and merge across regions', () => {
  assertResolves(['zai-coding-plan', 'zhipuai-coding-plan'], 'zai-coding-plan');
  assertResolves(['minimax-coding-plan', 'minimax-cn-coding-plan'], 'minimax-coding-plan');
  assertResolves(['xiaomi-token-plan-ams', 'xiaomi-token-plan-cn', 'xiaomi-token-plan-sgp'], 'xiaomi-token-plan');
  assertResolves(['alibaba-coding-plan', 'alibaba-coding-plan-cn'], 'alibaba-coding-plan');
  assert.notEqual(resolve('zai-coding-plan'), resolve('zai'));
  assert.notEqual(resolve('minimax-coding-plan'), resolve('minimax'));
  assert.notEqual(resolve('kimi-for-coding'), resolve('moonshot'));
  assert.notEqual(resolve('firepass'), resolve('fireworks'));
});

test('OpenRouter provider names and slugs resolve', () => {
  const expected: [string, string][] = [
    ['Fireworks', 'fireworks'],
    ['Together', 'together'],
    ['Together 2', 'together'],
    ['DeepInfra', 'deepinfra'],
    ['deepinfra/fp8', 'deepinfra'],
    ['Novita', 'novita'],
    ['NovitaAI', 'novita'],
    ['Google AI Studio', 'google-ai-studio'],
    ['Google Vertex', 'vertex-ai'],
    ['Amazon Bedrock', 'bedrock'],
    ['Azure', 'azure'],
    ['Chutes', 'chutes'],
    ['Parasail', 'parasail'],
    ['Baseten', 'baseten'],
    ['BaseTen', 'baseten'],
    ['AtlasCloud', 'atlascloud'],
    ['atlas-cloud', 'atlascloud'],
    ['SiliconFlow', 'siliconflow'],
    ['GMICloud', 'gmicloud'],
    ['Nebius AI Studio', 'nebius'],
    ['Nebius', 'nebius'],
    ['Lambda', 'lambda'],
    ['Hyperbolic', 'hyperbolic'],
    ['Hyperbolic 2', 'hyperbolic'],
    ['Groq', 'groq'],
    ['Cerebras', 'cerebras'],
    ['SambaNova', 'sambanova'],
    ['SambaNova 2', 'sambanova'],
    ['Friendli', 'friendli'],
    ['Mancer', 'mancer'],
    ['Mancer 2', 'mancer'],
    ['Crusoe', 'crusoe'],
    ['Cloudflare', 'cloudflare'],
    ['Targon', 'targon'],
    ['Inference.net', 'inference-net'],
    ['InferenceNet', 'inference-net'],
    ['Io Net', 'io-net'],
    ['Phala', 'phala'],
    ['NextBit', 'nextbit'],
    ['Moonshot AI', 'moonshot'],
    ['DeepSeek', 'deepseek'],
    ['Z.AI', 'zai'],
    ['Alibaba', 'alibaba'],
    ['MiniMax', 'minimax'],
    ['Mistral', 'mistral'],
    ['OpenAI', 'openai'],
    ['Anthropic', 'anthropic'],
    ['xAI', 'xai'],
    ['Cohere', 'cohere'],
    ['Perplexity', 'perplexity'],
    ['Inception', 'inception'],
    ['Venice', 'venice'],
    ['WandB', 'wandb'],
    ['Switchpoint', 'switchpoint'],
    ['Meta', 'meta'],
    ['Amazon Nova', 'amazon-nova'],
    ['Wafer', 'wafer'],
    ['CrofAI', 'crof'],
    ['HuggingFace', 'huggingface'],
    ['OctoAI', 'octoai'],
    ['Cent-ML', 'centml'],
    ['01.AI', '01-ai'],
    ['VoyageAI by MongoDB', 'voyage'],
    ['open-inference', 'openinference'],
    ['thinkingmachines', 'thinking-machines'],
  ];
  for (const [name, id] of expected) assert.equal(resolve(name), id, name);
});

test('Helicone provider names resolve', () => {
  const expected: [string, string][] = [
    ['OPENAI', 'openai'],
    ['ANTHROPIC', 'anthropic'],
    ['AZURE', 'azure'],
    ['TOGETHER', 'together'],
    ['FIREWORKS', 'fireworks'],
    ['GROQ', 'groq'],
    ['DEEPINFRA', 'deepinfra'],
    ['NOVITA', 'novita'],
    ['OPENROUTER', 'openrouter'],
    ['GOOGLE', 'google-ai-studio'],
    ['vertex', 'vertex-ai'],
    ['google-ai-studio', 'google-ai-studio'],
    ['AWS', 'bedrock'],
    ['BEDROCK', 'bedrock'],
    ['X', 'xai'],
    ['LLAMA', 'meta'],
    ['NEBIUS', 'nebius'],
    ['CHUTES', 'chutes'],
    ['VERCEL', 'vercel'],
    ['HELICONE', 'helicone'],
    ['ANYSCALE', 'anyscale'],
    ['io-intelligence', 'io-net'],
    ['hpcai', 'hpc-ai'],
    ['mistralai', 'mistral'],
    ['azure-openai', 'azure'],
  ];
  for (const [name, id] of expected) assert.equal(resolve(name), id, name);
});

test('thefastest.ai hosts resolve', () => {
  const expected: [string, string][] = [
    ['api.fireworks.ai', 'fireworks'],
    ['fireworks.ai', 'fireworks'],
    ['api.groq.com', 'groq'],
    ['groq.com', 'groq'],
    ['api.perplexity.ai', 'perplexity'],
    ['perplexity.ai', 'perplexity'],
    ['together.ai', 'together'],
    ['together.xyz', 'together'],
    ['anyscale.com', 'anyscale'],
    ['octo.ai', 'octoai'],
    ['octoai.run', 'octoai'],
    ['text.octoai.run', 'octoai'],
    ['cloudflare', 'cloudflare'],
    ['cloudflare.com', 'cloudflare'],
    ['databricks.com', 'databricks'],
    ['azuredatabricks.net', 'databricks'],
    ['azure.westus3', 'azure'],
    ['fixie-eastus2.azure', 'azure'],
    ['neets.ai', 'neets'],
    ['google', 'google-ai-studio'],
  ];
  for (const [name, id] of expected) assert.equal(resolve(name), id, name);
});

test('API hosts resolve', () => {
  const expected: [string, string][] = [
    ['api.together.xyz', 'together'],
    ['api.deepinfra.com', 'deepinfra'],
    ['openrouter.ai', 'openrouter'],
    ['https://openrouter.ai/api/v1', 'openrouter'],
    ['api.deepseek.com', 'deepseek'],
    ['api.openai.com', 'openai'],
    ['api.anthropic.com', 'anthropic'],
    ['api.mistral.ai', 'mistral'],
    ['api.x.ai', 'xai'],
    ['api.novita.ai', 'novita'],
    ['llm.chutes.ai', 'chutes'],
    ['inference.baseten.co', 'baseten'],
    ['api.tokenfactory.nebius.com', 'nebius'],
    ['api.studio.nebius.com', 'nebius'],
    ['router.huggingface.co', 'huggingface'],
    ['gateway.ai.cloudflare.com', 'cloudflare-ai-gateway'],
    ['ai-gateway.vercel.sh', 'vercel'],
    ['ai-gateway.helicone.ai', 'helicone'],
  ];
  for (const [name, id] of expected) assert.equal(resolve(name), id, name);
});

// every provider id of models.dev's 2026-07-01 snapshot
const MODELS_DEV_2026_07_01 = `302ai abacus abliteration-ai aihubmix alibaba alibaba-cn alibaba-coding-plan
  alibaba-coding-plan-cn alibaba-token-plan alibaba-token-plan-cn amazon-bedrock ambient anthropic anyapi atomic-chat
  auriko azure azure-cognitive-services bailing baseten berget cerebras chutes clarifai claudinio cloudferro-sherlock
  cloudflare-ai-gateway cloudflare-workers-ai cohere cortecs crof databricks deepinfra deepseek digitalocean dinference
  drun evroc fastrouter fireworks-ai freemodel friendli frogbot github-copilot github-models gitlab gmicloud google
  google-vertex google-vertex-anthropic groq helicone hpc-ai huggingface iflowcn inception inceptron inference io-net
  jiekou kilo kimi-for-coding kuae-cloud-coding-plan lilac llama llmgateway llmtr lmstudio lucidquery meganova
  merge-gateway minimax minimax-cn minimax-cn-coding-plan minimax-coding-plan mistral mixlayer moark modelscope
  moonshotai moonshotai-cn morph nano-gpt nearai nebius neon neuralwatt nova novita-ai nvidia ollama-cloud openai
  opencode opencode-go openrouter orcarouter ovhcloud perplexity perplexity-agent poe poolside privatemode-ai qihang-ai
  qiniu-ai regolo-ai requesty routing-run sakana sap-ai-core sarvam scaleway siliconflow siliconflow-cn
  snowflake-cortex stackit stepfun stepfun-ai subconscious submodel synthetic tencent-coding-plan tencent-tokenhub
  the-grid-ai tinfoil togetherai umans-ai umans-ai-coding-plan upstage v0 venice vercel vivgrid vultr wafer.ai wandb
  xai xiaomi xiaomi-token-plan-ams xiaomi-token-plan-cn xiaomi-token-plan-sgp xpersona zai zai-coding-plan zeldoc
  zenmux zhipuai zhipuai-coding-plan`.split(/\s+/);

// every litellm_provider of LiteLLM's latest model_prices_and_context_window.json (its sample_spec placeholder aside)
const LITELLM_LATEST =
  `ai21 aiml amazon_nova anthropic anyscale apiserpent assemblyai aws_polly azure azure_ai azure_text
  baseten bedrock bedrock_converse bedrock_mantle black_forest_labs cerebras chatgpt cloudflare codestral cohere
  cohere_chat crusoe darkbloom dashscope databricks dataforseo deepgram deepinfra deepseek duckduckgo elevenlabs exa_ai
  fal_ai featherless_ai firecrawl fireworks_ai fireworks_ai-embedding-models friendliai gemini gigachat github_copilot
  gmi google_pse gradient_ai groq heroku hyperbolic inception jina_ai lambda_ai lemonade libertai linkup llamagate meta
  meta_llama minimax mistral moonshot morph nebius nlp_cloud novita nscale nvidia_nim oci ollama openai openrouter
  ovhcloud palm parallel_ai perplexity pinstripes publicai recraft reducto replicate runwayml sagemaker sambanova sarvam
  scaleway searxng serper snowflake soniox stability tavily tencent tensormesh text-completion-codestral
  text-completion-inception text-completion-openai tinyfish together_ai v0 vercel_ai_gateway vertex_ai
  vertex_ai-ai21_models vertex_ai-anthropic_models vertex_ai-deepseek_models vertex_ai-embedding-models
  vertex_ai-image-models vertex_ai-language-models vertex_ai-llama_models vertex_ai-minimax_models
  vertex_ai-mistral_models vertex_ai-moonshot_models vertex_ai-openai_models vertex_ai-qwen_models vertex_ai-text-models
  vertex_ai-video-models vertex_ai-zai_models volcengine voyage wandb watsonx xai you_com zai`.split(/\s+/);

test('every models.dev provider id (2026-07-01) resolves to a catalog provider', () => {
  assert.equal(MODELS_DEV_2026_07_01.length, 147);
  const unknown = MODELS_DEV_2026_07_01.filter((id) => resolve(id) === undefined);
  assert.deepEqual(unknown, []);
});

test('every LiteLLM litellm_provider (latest) resolves to a catalog provider', () => {
  assert.equal(LITELLM_LATEST.length, 122);
  const unknown = LITELLM_LATEST.filter((id) => resolve(id) === undefined);
  assert.deepEqual(unknown, []);
  assertResolves(['vertex_ai', 'vertex_ai-qwen_models', 'vertex_ai-zai_models'], 'vertex-ai');
  assertResolves(['together_ai'], 'together');
  assertResolves(['gradient_ai'], 'digitalocean');
  assertResolves(['nvidia_nim'], 'nvidia');
  assertResolves(['meta_llama', 'llama'], 'meta');
});

test('gateways and hosts', () => {
  const kind = (id: string) => BUILTIN_PROVIDERS.find((b) => b.id === id)?.kind;
  for (const id of ['openrouter', 'vercel', 'poe', 'helicone', 'requesty', 'zenmux', 'kilo', 'aihubmix', '302ai']) {
    assert.equal(kind(id), 'gateway', id);
  }
  for (const id of ['nano-gpt', 'cloudflare-ai-gateway', 'github-copilot', 'huggingface', 'llmgateway']) {
    assert.equal(kind(id), 'gateway', id);
  }
  for (const id of ['fireworks', 'together', 'deepinfra', 'bedrock', 'vertex-ai', 'azure', 'azure-ai', 'groq']) {
    assert.equal(kind(id), 'host', id);
  }
  for (const id of ['google-ai-studio', 'cloudflare', 'v0', 'moonshot']) assert.equal(kind(id), 'host', id);
});

test("the demo market's provider names are not in the catalog, so they stand for themselves", () => {
  const demo = ['provider-a', 'provider-b', 'provider-c', 'provider-d', 'provider-e', 'provider-f', 'provider-g'];
  const official = [
    'deepseek',
    'qwen',
    'glm',
    'kimi',
    'minimax',
    'mistral',
    'ernie',
    'hunyuan',
    'step',
    'longcat',
    'ling',
  ];
  for (const name of [...demo, 'provider-h', ...official.map((o) => `${o}-official`)]) {
    assert.equal(resolve(name), undefined, name);
  }
});
