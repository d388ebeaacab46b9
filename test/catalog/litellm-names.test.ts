/**
 * Name resolution on the real LiteLLM catalogue (2026-07-24): for four models, every chat key
 * whose text carries the model's distinctive tokens was read and decided by hand — the model
 * (quantisation and speed variants included, with the variant reported) or not — and each
 * key is resolved as the litellm-prices preset stores it in `offerings.model`.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { buildCatalog, resolveName } from '../../src/catalog/index.js';
import { ingestFiles } from '../../src/ingest/index.js';
import { PRESETS } from '../../src/ingest/presets/index.js';
import { Store } from '../../src/store/db.js';
import { readText, realData } from '../helpers.js';

const file = path.join(realData, 'litellm-prices', 'model_prices_and_context_window.json.gz');
const catalog = buildCatalog([]);

interface Decision {
  model: string;
  /** The text every spelling of the model carries, searched in every key. */
  grep: RegExp;
  /** [key, variant reported] */
  resolves: [string, string | null][];
  /** [key, what it is] */
  doesNotResolve: [string, string][];
}

const DECISIONS: Decision[] = [
  {
    model: 'Llama-3.3-70B-Instruct',
    grep: /3[.\-p_]?3.*70b|70b.*3[.\-p_]3/i,
    resolves: [
      ['azure_ai/Llama-3.3-70B-Instruct', null],
      ['cerebras/llama-3.3-70b', null],
      ['cloudflare/@cf/meta/llama-3.3-70b-instruct-fp8-fast', 'fp8-fast'],
      ['crusoe/meta-llama/Llama-3.3-70B-Instruct', null],
      ['databricks/databricks-meta-llama-3-3-70b-instruct', null],
      ['deepinfra/meta-llama/Llama-3.3-70B-Instruct', null],
      ['deepinfra/meta-llama/Llama-3.3-70B-Instruct-Turbo', 'turbo'],
      ['fireworks_ai/accounts/fireworks/models/llama-v3p3-70b-instruct', null],
      ['gradient_ai/llama3.3-70b-instruct', null],
      ['groq/llama-3.3-70b-versatile', 'versatile'],
      ['hyperbolic/meta-llama/Llama-3.3-70B-Instruct', null],
      ['lambda_ai/llama3.3-70b-instruct-fp8', 'fp8'],
      ['meta.llama3-3-70b-instruct-v1:0', null],
      ['meta_llama/Llama-3.3-70B-Instruct', null],
      ['nebius/meta-llama/Llama-3.3-70B-Instruct', null],
      ['novita/meta-llama/llama-3.3-70b-instruct', null],
      ['nscale/meta-llama/Llama-3.3-70B-Instruct', null],
      ['oci/meta.llama-3.3-70b-instruct', null],
      ['oci/meta.llama-3.3-70b-instruct-fp8-dynamic', 'fp8-dynamic'],
      ['ovhcloud/Meta-Llama-3_3-70B-Instruct', null],
      ['sambanova/Meta-Llama-3.3-70B-Instruct', null],
      ['scaleway/meta/llama-3.3-70b-instruct', null],
      ['snowflake/llama3.3-70b', null],
      ['together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo', 'turbo'],
      ['together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo-Free', 'turbo-free'],
      ['us.meta.llama3-3-70b-instruct-v1:0', null],
      ['vercel_ai_gateway/meta/llama-3.3-70b', null],
      ['wandb/meta-llama/Llama-3.3-70B-Instruct', null],
      ['watsonx/meta-llama/llama-3-3-70b-instruct', null],
    ],
    doesNotResolve: [
      ['deepinfra/Sao10K/L3.3-70B-Euryale-v2.3', 'a role-play fine-tune'],
      ['fireworks_ai/accounts/fireworks/models/dobby-unhinged-llama-3-3-70b-new', "Sentient's fine-tune"],
      ['lambda_ai/deepseek-llama3.3-70b', "Lambda's name for DeepSeek-R1-Distill-Llama-70B"],
      // Snowflake lists this beside plain llama3.3-70b: its SwiftKV-optimised derivative.
      ['snowflake/snowflake-llama-3.3-70b', "Snowflake's own SwiftKV model"],
      // near misses outside the search
      ['deepinfra/deepseek-ai/DeepSeek-R1-Distill-Llama-70B', 'a distill'],
      ['deepinfra/meta-llama/Meta-Llama-3.1-70B-Instruct', 'Llama 3.1'],
      ['deepinfra/nvidia/Llama-3.3-Nemotron-Super-49B-v1.5', 'an NVIDIA derivative, 49B'],
      ['meta_llama/Llama-3.3-8B-Instruct', 'another size'],
    ],
  },
  {
    model: 'Qwen3-32B',
    grep: /qwen-?3.*32b/i,
    resolves: [
      ['cerebras/qwen-3-32b', null],
      ['deepinfra/Qwen/Qwen3-32B', null],
      ['fireworks_ai/accounts/fireworks/models/qwen3-32b', null],
      ['gradient_ai/alibaba-qwen3-32b', null],
      ['groq/qwen/qwen3-32b', null],
      ['lambda_ai/qwen3-32b-fp8', 'fp8'],
      ['nebius/Qwen/Qwen3-32B', null],
      ['novita/qwen/qwen3-32b-fp8', 'fp8'],
      ['ovhcloud/Qwen3-32B', null],
      ['qwen.qwen3-32b-v1:0', null],
      ['sambanova/Qwen3-32B', null],
      ['vercel_ai_gateway/alibaba/qwen-3-32b', null],
    ],
    doesNotResolve: [
      ['dashscope/qwen3-vl-32b-instruct', 'the vision-language model'],
      ['dashscope/qwen3-vl-32b-thinking', 'the vision-language model'],
      ['fireworks_ai/accounts/fireworks/models/qwen3-vl-32b-instruct', 'the vision-language model'],
      // near misses outside the search
      ['deepinfra/Qwen/QwQ-32B', 'QwQ'],
      ['nebius/Qwen/Qwen2.5-32B-Instruct', 'Qwen2.5'],
      ['deepinfra/deepseek-ai/DeepSeek-R1-Distill-Qwen-32B', 'a distill'],
      ['publicai/aisingapore/Qwen-SEA-LION-v4-32B-IT', 'a fine-tune'],
      ['fireworks_ai/accounts/fireworks/models/cogito-v1-preview-qwen-32b', 'a fine-tune'],
    ],
  },
  {
    model: 'DeepSeek-V3.2',
    grep: /v3[.\-p_]?2/i,
    resolves: [
      ['azure_ai/deepseek-v3.2', null],
      ['bedrock/ap-northeast-1/deepseek.v3.2', null],
      ['bedrock/ap-south-1/deepseek.v3.2', null],
      ['bedrock/ap-southeast-3/deepseek.v3.2', null],
      ['bedrock/eu-north-1/deepseek.v3.2', null],
      ['bedrock/sa-east-1/deepseek.v3.2', null],
      ['bedrock/us-east-1/deepseek.v3.2', null],
      ['bedrock/us-east-2/deepseek.v3.2', null],
      ['bedrock/us-west-2/deepseek.v3.2', null],
      ['deepseek.v3.2', null],
      ['deepseek/deepseek-v3.2', null],
      ['deepseek-v3-2-251201', null],
      ['eu.deepseek.v3.2', null],
      ['fireworks_ai/accounts/fireworks/models/deepseek-v3p2', null],
      ['gmi/deepseek-ai/DeepSeek-V3.2', null],
      ['novita/deepseek/deepseek-v3.2', null],
      ['openrouter/deepseek/deepseek-v3.2', null],
      ['sambanova/DeepSeek-V3.2', null],
      ['us.deepseek.v3.2', null],
      ['vertex_ai/deepseek-ai/deepseek-v3.2-maas', 'maas'],
    ],
    doesNotResolve: [
      ['azure_ai/deepseek-v3.2-speciale', 'DeepSeek-V3.2-Speciale'],
      ['openrouter/deepseek/deepseek-v3.2-exp', 'DeepSeek-V3.2-Exp'],
      ['novita/deepseek/deepseek-v3.2-exp', 'DeepSeek-V3.2-Exp'],
      ['fireworks_ai/accounts/fireworks/models/llama-v3p2-1b', 'Llama 3.2'],
      ['fireworks_ai/accounts/fireworks/models/llama-v3p2-1b-instruct', 'Llama 3.2'],
      ['fireworks_ai/accounts/fireworks/models/llama-v3p2-3b', 'Llama 3.2'],
      ['fireworks_ai/accounts/fireworks/models/llama-v3p2-3b-instruct', 'Llama 3.2'],
      ['fireworks_ai/accounts/fireworks/models/llama-v3p2-11b-vision-instruct', 'Llama 3.2'],
      ['fireworks_ai/accounts/fireworks/models/llama-v3p2-90b-vision-instruct', 'Llama 3.2'],
      ['novita/Sao10K/L3-8B-Stheno-v3.2', 'a Llama 3 fine-tune'],
      // near misses outside the search
      ['deepseek.v3-v1:0', "Bedrock's id for DeepSeek-V3.1"],
      ['deepseek/deepseek-chat', 'an alias that follows the current release'],
    ],
  },
  {
    model: 'gpt-oss-120b',
    grep: /oss.*120/i,
    resolves: [
      ['azure_ai/gpt-oss-120b', null],
      ['baseten/openai/gpt-oss-120b', null],
      ['bedrock_mantle/openai.gpt-oss-120b', null],
      ['cerebras/gpt-oss-120b', null],
      ['cloudflare/@cf/openai/gpt-oss-120b', null],
      ['crusoe/openai/gpt-oss-120b', null],
      ['databricks/databricks-gpt-oss-120b', null],
      ['deepinfra/openai/gpt-oss-120b', null],
      ['fireworks_ai/accounts/fireworks/models/gpt-oss-120b', null],
      ['fireworks_ai/gpt-oss-120b', null],
      ['groq/openai/gpt-oss-120b', null],
      ['lemonade/gpt-oss-120b-mxfp-GGUF', 'mxfp-gguf'],
      ['novita/openai/gpt-oss-120b', null],
      ['openai.gpt-oss-120b-1:0', null],
      ['openrouter/openai/gpt-oss-120b', null],
      ['ovhcloud/gpt-oss-120b', null],
      ['replicate/openai/gpt-oss-120b', null],
      ['sambanova/gpt-oss-120b', null],
      ['scaleway/openai/gpt-oss-120b', null],
      ['tensormesh/openai/gpt-oss-120b', null],
      ['together_ai/openai/gpt-oss-120b', null],
      ['vertex_ai/openai/gpt-oss-120b-maas', 'maas'],
      ['wandb/openai/gpt-oss-120b', null],
      ['watsonx/openai/gpt-oss-120b', null],
    ],
    doesNotResolve: [
      ['openai.gpt-oss-safeguard-120b', 'gpt-oss-safeguard, a fine-tune'],
      ['bedrock_mantle/openai.gpt-oss-safeguard-120b', 'gpt-oss-safeguard, a fine-tune'],
      ['fireworks_ai/accounts/fireworks/models/gpt-oss-safeguard-120b', 'gpt-oss-safeguard, a fine-tune'],
      // The catalog leaves every Ollama `name:tag` unresolved: a tag can name a distill
      // (`deepseek-r1:70b`), so the tag scheme is not trusted even where it is the model.
      ['ollama/gpt-oss:120b-cloud', 'an Ollama tag'],
      // near miss outside the search
      ['deepinfra/openai/gpt-oss-20b', 'the 20b model'],
    ],
  },
];

describe('LiteLLM 2026-07-24: names as the litellm-prices preset stores them', () => {
  let doc: Record<string, { litellm_provider?: string; mode?: string }>;
  /** provider → model names in `offerings` */
  const stored = new Map<string, string[]>();

  before(async () => {
    doc = JSON.parse(readText(file));
    const store = await Store.open(':memory:');
    try {
      await ingestFiles(store, [file], { preset: PRESETS['litellm-prices'] });
      for (const r of await store.all<{ provider: string; model: string }>(
        'SELECT DISTINCT provider, model FROM offerings',
      )) {
        stored.set(r.provider, [...(stored.get(r.provider) ?? []), r.model]);
      }
    } finally {
      store.close();
    }
  });

  /** The offering name the preset made of a key: the key itself, or the key without its first path segment. */
  const storedName = (key: string): string => {
    const provider = doc[key]?.litellm_provider;
    assert.ok(provider, `${key} is not in the file`);
    const candidates = [key, key.slice(key.indexOf('/') + 1)];
    const names = [...new Set((stored.get(provider) ?? []).filter((m) => candidates.includes(m)))];
    // keys that price one model two ways are each stored under their whole key
    if (names.includes(key)) return key;
    assert.equal(names.length, 1, `${key}: offerings ${JSON.stringify(names)}`);
    return names[0];
  };

  for (const d of DECISIONS) {
    test(`${d.model}: every key the search finds is decided, and every decided key is a chat entry`, () => {
      const chatKeys = Object.keys(doc).filter((k) => doc[k]?.mode === 'chat');
      const found = chatKeys.filter((k) => d.grep.test(k)).sort();
      const decided = new Set([...d.resolves.map(([k]) => k), ...d.doesNotResolve.map(([k]) => k)]);
      assert.deepEqual(
        found.filter((k) => !decided.has(k)),
        [],
        'undecided keys',
      );
      assert.deepEqual(
        [...decided].filter((k) => doc[k]?.mode !== 'chat'),
        [],
        'not chat entries of the file',
      );
    });

    test(`${d.model}: ${d.resolves.length} keys resolve to it, with their variant`, () => {
      const wrong = d.resolves
        .map(([key, variant]) => ({ key, name: storedName(key), variant, r: resolveName(storedName(key), catalog) }))
        .filter(({ r, variant }) => r.model !== d.model || r.variant !== variant || !r.known)
        .map(({ key, name, r }) => `${key} (stored '${name}') → ${r.model} [${r.variant}]`);
      assert.deepEqual(wrong, []);
    });

    test(`${d.model}: ${d.doesNotResolve.length} keys do not`, () => {
      const wrong = d.doesNotResolve
        .map(([key]) => ({ key, r: resolveName(storedName(key), catalog) }))
        .filter(({ r }) => r.model === d.model)
        .map(({ key }) => key);
      assert.deepEqual(wrong, []);
    });
  }

  test('what some of the others resolve to instead', () => {
    const to = (key: string) => resolveName(storedName(key), catalog).model;
    assert.equal(to('azure_ai/deepseek-v3.2-speciale'), 'DeepSeek-V3.2-Speciale');
    assert.equal(to('openrouter/deepseek/deepseek-v3.2-exp'), 'DeepSeek-V3.2-Exp');
    assert.equal(to('deepinfra/deepseek-ai/DeepSeek-R1-Distill-Llama-70B'), 'DeepSeek-R1-Distill-Llama-70B');
    assert.equal(to('fireworks_ai/accounts/fireworks/models/llama-v3p2-3b-instruct'), 'Llama-3.2-3B-Instruct');
    assert.equal(to('deepinfra/meta-llama/Meta-Llama-3.1-70B-Instruct'), 'Llama-3.1-70B-Instruct');
    // Unknown names stay as stored.
    assert.equal(to('lambda_ai/deepseek-llama3.3-70b'), 'deepseek-llama3.3-70b');
    assert.equal(to('snowflake/snowflake-llama-3.3-70b'), 'snowflake-llama-3.3-70b');
    assert.equal(to('deepseek.v3-v1:0'), 'deepseek.v3-v1:0');
  });
});
