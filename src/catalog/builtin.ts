/**
 * The built-in catalog of well-known open-weight models, the closed families that logs mix
 * in with them (Claude, Gemini, GPT), and their public release dates.
 *
 * Canonical name rule: the maker's own repository name without the organisation
 * (`Qwen3-32B`, `Qwen3-235B-A22B-Instruct-2507`, `Llama-3.3-70B-Instruct`, `gemma-3-27b-it`);
 * for a closed model, the maker's API id without a snapshot date (`claude-sonnet-4-5`,
 * `gemini-2.5-flash`, `gpt-4.1`), dated only where the maker's dated snapshots are
 * different models (`gpt-4o-2024-08-06`, `claude-3-5-sonnet-20240620`).
 *
 * A line is one succession in which versions replace each other: same maker, same size
 * and same mode (a `-Thinking` sibling is its own line); distills and fine-tunes are
 * their own model and line. A closed family's size is its tier: `Claude-Sonnet`,
 * `Gemini-Flash`, `GPT-mini`.
 *
 * Closed models' release dates are models.dev's `release_date` for the maker's own listing
 * (provider `anthropic`, `google`, `openai`).
 */
export interface BuiltinModel {
  model: string;
  family: string;
  line: string;
  /** 'YYYY-MM-DD', the public release. */
  releaseDate: string;
  /** Provider spellings that normalisation cannot derive from the model name. */
  aliases?: string[];
}

const m = (model: string, family: string, line: string, releaseDate: string, aliases?: string[]): BuiltinModel =>
  aliases ? { model, family, line, releaseDate, aliases } : { model, family, line, releaseDate };

const deepseek: BuiltinModel[] = [
  // `deepseek-chat` / `deepseek-reasoner` point at whatever is current: deliberately no alias.
  m('DeepSeek-V3', 'DeepSeek', 'DeepSeek-V3', '2024-12-26', ['deepseek-v3-241226']),
  m('DeepSeek-V3-0324', 'DeepSeek', 'DeepSeek-V3', '2025-03-24', ['deepseek-v3-250324']),
  m('DeepSeek-V3.1', 'DeepSeek', 'DeepSeek-V3', '2025-08-21', ['deepseek-v3-1-250821']),
  m('DeepSeek-V3.1-Terminus', 'DeepSeek', 'DeepSeek-V3', '2025-09-22'),
  m('DeepSeek-V3.2-Exp', 'DeepSeek', 'DeepSeek-V3', '2025-09-29'),
  m('DeepSeek-V3.2', 'DeepSeek', 'DeepSeek-V3', '2025-12-01', ['deepseek-v3-2-251201']),
  m('DeepSeek-V3.2-Speciale', 'DeepSeek', 'DeepSeek-V3.2-Speciale', '2025-12-01'),
  m('DeepSeek-R1', 'DeepSeek', 'DeepSeek-R1', '2025-01-20', ['deepseek-r1-250120']),
  m('DeepSeek-R1-0528', 'DeepSeek', 'DeepSeek-R1', '2025-05-28', ['deepseek-r1-250528']),
  ...['Qwen-1.5B', 'Qwen-7B', 'Qwen-14B', 'Qwen-32B', 'Llama-8B', 'Llama-70B'].map((base) =>
    m(`DeepSeek-R1-Distill-${base}`, 'DeepSeek', `DeepSeek-R1-Distill-${base}`, '2025-01-20'),
  ),
];

const qwen25 = (size: string) => m(`Qwen2.5-${size}-Instruct`, 'Qwen', `Qwen-${size}`, '2024-09-19');
const qwen3 = (size: string) => m(`Qwen3-${size}`, 'Qwen', `Qwen-${size}`, '2025-04-29');

const qwen: BuiltinModel[] = [
  ...['0.5B', '1.5B', '3B', '7B', '14B', '32B', '72B'].map(qwen25),
  m('Qwen2.5-Coder-32B-Instruct', 'Qwen', 'Qwen-Coder-32B', '2024-11-12'),
  ...['0.6B', '1.7B', '4B', '8B', '14B', '32B', '30B-A3B', '235B-A22B'].map(qwen3),
  // OpenRouter's permaslug writes the 2507 release as month and day.
  m('Qwen3-235B-A22B-Instruct-2507', 'Qwen', 'Qwen-235B-A22B', '2025-07-21', ['qwen3-235b-a22b-07-25']),
  // Gateways (Vercel, Helicone) list the 2507 thinking model without its date; the original
  // Qwen3-235B-A22B thinks in a mode, never under a name of its own.
  m('Qwen3-235B-A22B-Thinking-2507', 'Qwen', 'Qwen-235B-A22B-Thinking', '2025-07-25', ['qwen3-235b-a22b-thinking']),
  m('Qwen3-30B-A3B-Instruct-2507', 'Qwen', 'Qwen-30B-A3B', '2025-07-29'),
  m('Qwen3-30B-A3B-Thinking-2507', 'Qwen', 'Qwen-30B-A3B-Thinking', '2025-07-30'),
  m('Qwen3-4B-Instruct-2507', 'Qwen', 'Qwen-4B', '2025-08-06'),
  m('Qwen3-4B-Thinking-2507', 'Qwen', 'Qwen-4B-Thinking', '2025-08-06'),
  // The first Qwen3-Coder release was only the 480B model, so the bare name is unambiguous.
  m('Qwen3-Coder-480B-A35B-Instruct', 'Qwen', 'Qwen-Coder-480B-A35B', '2025-07-22', [
    'qwen3-coder',
    'qwen3-coder-480b-a35b-07-25',
  ]),
  m('Qwen3-Coder-30B-A3B-Instruct', 'Qwen', 'Qwen-Coder-30B-A3B', '2025-07-31'),
  m('Qwen3-Next-80B-A3B-Instruct', 'Qwen', 'Qwen-Next-80B-A3B', '2025-09-11'),
  m('Qwen3-Next-80B-A3B-Thinking', 'Qwen', 'Qwen-Next-80B-A3B-Thinking', '2025-09-11'),
];

const glm: BuiltinModel[] = [
  m('glm-4-9b-chat', 'GLM', 'GLM-4-9B', '2024-06-05'),
  m('GLM-4-32B-0414', 'GLM', 'GLM-4-32B', '2025-04-14'),
  m('GLM-4.5', 'GLM', 'GLM-4', '2025-07-28', ['zai-glm-4.5']),
  m('GLM-4.6', 'GLM', 'GLM-4', '2025-09-30', ['zai-glm-4.6']),
  m('GLM-4.7', 'GLM', 'GLM-4', '2025-12-22', ['zai-glm-4.7']),
  m('GLM-4.5-Air', 'GLM', 'GLM-4.5-Air', '2025-07-28', ['zai-glm-4.5-air']),
];

const kimi: BuiltinModel[] = [
  m('Kimi-K2-Instruct', 'Kimi', 'Kimi-K2', '2025-07-11', [
    'K2-0711',
    'kimi-k2-0711',
    'kimi-k2-0711-preview',
    'kimi-k2-250711',
    'Moonshot-Kimi-K2-Instruct',
  ]),
  m('Kimi-K2-Instruct-0905', 'Kimi', 'Kimi-K2', '2025-09-05', ['K2-0905', 'kimi-k2-0905-preview', 'kimi-k2-250905']),
  m('Kimi-K2-Thinking', 'Kimi', 'Kimi-K2-Thinking', '2025-11-06'),
];

const minimax: BuiltinModel[] = [
  // M1 was published as two checkpoints with different thinking budgets; both are the M1 release.
  m('MiniMax-M1', 'MiniMax', 'MiniMax-M', '2025-06-16', ['MiniMax-M1-80k', 'MiniMax-M1-40k']),
  m('MiniMax-M2', 'MiniMax', 'MiniMax-M', '2025-10-27'),
  m('MiniMax-M2.1', 'MiniMax', 'MiniMax-M', '2025-12-23'),
];

const llama: BuiltinModel[] = [
  // Llama 2 (2023-07-18): the chat models providers served; lines per size continue into Llama 3.
  m('Llama-2-7b-chat-hf', 'Llama', 'Llama-7B', '2023-07-18', ['llama2-7b', 'llama-2-7b-chat']),
  m('Llama-2-13b-chat-hf', 'Llama', 'Llama-13B', '2023-07-18', ['llama2-13b', 'llama-2-13b-chat']),
  m('Llama-2-70b-chat-hf', 'Llama', 'Llama-70B', '2023-07-18', ['llama2-70b', 'llama2-70b-4096', 'llama-2-70b-chat']),
  m('Meta-Llama-3-8B-Instruct', 'Llama', 'Llama-8B', '2024-04-18', ['llama3-8b-8192']),
  m('Meta-Llama-3-70B-Instruct', 'Llama', 'Llama-70B', '2024-04-18', ['llama3-70b-8192']),
  m('Llama-3.1-8B-Instruct', 'Llama', 'Llama-8B', '2024-07-23'),
  m('Llama-3.1-70B-Instruct', 'Llama', 'Llama-70B', '2024-07-23'),
  m('Llama-3.1-405B-Instruct', 'Llama', 'Llama-405B', '2024-07-23'),
  m('Llama-3.2-1B-Instruct', 'Llama', 'Llama-1B', '2024-09-25'),
  m('Llama-3.2-3B-Instruct', 'Llama', 'Llama-3B', '2024-09-25'),
  m('Llama-3.3-70B-Instruct', 'Llama', 'Llama-70B', '2024-12-06'),
  // Only one Scout and one Maverick exist, so the short names (Bedrock's without the expert
  // count) are unambiguous.
  m('Llama-4-Scout-17B-16E-Instruct', 'Llama', 'Llama-4-Scout', '2025-04-05', [
    'Llama-4-Scout',
    'Llama-4-Scout-17B-Instruct',
  ]),
  m('Llama-4-Maverick-17B-128E-Instruct', 'Llama', 'Llama-4-Maverick', '2025-04-05', [
    'Llama-4-Maverick',
    'Llama-4-Maverick-17B-Instruct',
  ]),
];

const gptOss: BuiltinModel[] = [
  m('gpt-oss-20b', 'gpt-oss', 'gpt-oss-20b', '2025-08-05'),
  m('gpt-oss-120b', 'gpt-oss', 'gpt-oss-120b', '2025-08-05'),
];

const mistral: BuiltinModel[] = [
  m('Mixtral-8x7B-Instruct-v0.1', 'Mistral', 'Mixtral-8x7B', '2023-12-11', [
    'Mixtral-8x7B-Instruct',
    'open-mixtral-8x7b',
  ]),
  m('Mixtral-8x22B-Instruct-v0.1', 'Mistral', 'Mixtral-8x22B', '2024-04-17', [
    'Mixtral-8x22B-Instruct',
    'open-mixtral-8x22b',
  ]),
  m('Mistral-7B-Instruct-v0.3', 'Mistral', 'Mistral-7B', '2024-05-22'),
  // Only one Mistral NeMo was released: OpenRouter's `mistralai/mistral-nemo` is it.
  m('Mistral-Nemo-Instruct-2407', 'Mistral', 'Mistral-Nemo', '2024-07-18', [
    'open-mistral-nemo-2407',
    'open-mistral-nemo',
    'Mistral-Nemo',
  ]),
  m('Mistral-Large-Instruct-2411', 'Mistral', 'Mistral-Large', '2024-11-18'),
  m('Mistral-Small-24B-Instruct-2501', 'Mistral', 'Mistral-Small', '2025-01-30', ['mistral-small-2501']),
  m('Mistral-Small-3.1-24B-Instruct-2503', 'Mistral', 'Mistral-Small', '2025-03-17', [
    'Mistral-Small-3.1-24B-Instruct',
    'mistral-small-2503',
  ]),
  m('Mistral-Small-3.2-24B-Instruct-2506', 'Mistral', 'Mistral-Small', '2025-06-20', [
    'Mistral-Small-3.2-24B-Instruct',
    'mistral-small-2506',
  ]),
  m('Devstral-Small-2505', 'Mistral', 'Devstral-Small', '2025-05-21'),
  m('Devstral-Small-2507', 'Mistral', 'Devstral-Small', '2025-07-10'),
];

const gemma: BuiltinModel[] = [
  m('gemma-2-2b-it', 'Gemma', 'Gemma-2B', '2024-07-31'),
  m('gemma-2-9b-it', 'Gemma', 'Gemma-9B', '2024-06-27'),
  m('gemma-2-27b-it', 'Gemma', 'Gemma-27B', '2024-06-27'),
  m('gemma-3-1b-it', 'Gemma', 'Gemma-1B', '2025-03-12'),
  m('gemma-3-4b-it', 'Gemma', 'Gemma-4B', '2025-03-12'),
  m('gemma-3-12b-it', 'Gemma', 'Gemma-12B', '2025-03-12'),
  m('gemma-3-27b-it', 'Gemma', 'Gemma-27B', '2025-03-12'),
];

const claude: BuiltinModel[] = [
  m('claude-3-opus', 'Claude', 'Claude-Opus', '2024-02-29', ['claude-3-opus-latest']),
  m('claude-3-sonnet', 'Claude', 'Claude-Sonnet', '2024-03-04'),
  m('claude-3-haiku', 'Claude', 'Claude-Haiku', '2024-03-13'),
  // Two different Claude 3.5 Sonnets. The undated names mean the October one: Anthropic's
  // `-latest` and the gateways that list `claude-3.5-sonnet` (Vercel, Cloudflare, SAP) date it so.
  m('claude-3-5-sonnet-20240620', 'Claude', 'Claude-Sonnet', '2024-06-20'),
  m('claude-3-5-sonnet-20241022', 'Claude', 'Claude-Sonnet', '2024-10-22', [
    'claude-3-5-sonnet',
    'claude-3-5-sonnet-v2',
    'claude-3-5-sonnet-latest',
  ]),
  m('claude-3-5-haiku', 'Claude', 'Claude-Haiku', '2024-10-22', ['claude-3-5-haiku-latest']),
  m('claude-3-7-sonnet', 'Claude', 'Claude-Sonnet', '2025-02-19', ['claude-3-7-sonnet-latest']),
  m('claude-sonnet-4', 'Claude', 'Claude-Sonnet', '2025-05-22', ['claude-sonnet-4-0']),
  m('claude-opus-4', 'Claude', 'Claude-Opus', '2025-05-22', ['claude-opus-4-0']),
  m('claude-opus-4-1', 'Claude', 'Claude-Opus', '2025-08-05'),
  m('claude-sonnet-4-5', 'Claude', 'Claude-Sonnet', '2025-09-29'),
  m('claude-haiku-4-5', 'Claude', 'Claude-Haiku', '2025-10-15'),
  // models.dev dates the snapshot id `claude-opus-4-5-20251101` 2025-11-01, before the release.
  m('claude-opus-4-5', 'Claude', 'Claude-Opus', '2025-11-24'),
  m('claude-opus-4-6', 'Claude', 'Claude-Opus', '2026-02-05'),
  m('claude-sonnet-4-6', 'Claude', 'Claude-Sonnet', '2026-02-17'),
  m('claude-opus-4-7', 'Claude', 'Claude-Opus', '2026-04-16'),
  m('claude-opus-4-8', 'Claude', 'Claude-Opus', '2026-05-28'),
  m('claude-fable-5', 'Claude', 'Claude-Fable', '2026-06-09'),
  m('claude-sonnet-5', 'Claude', 'Claude-Sonnet', '2026-06-30'),
];

const gemini: BuiltinModel[] = [
  // `gemini-pro-1.5`, `gemini-flash-1.5`: OpenRouter's first ids.
  m('gemini-1.5-pro', 'Gemini', 'Gemini-Pro', '2024-02-15', ['gemini-pro-1.5']),
  m('gemini-1.5-flash', 'Gemini', 'Gemini-Flash', '2024-05-14', ['gemini-flash-1.5']),
  m('gemini-1.5-flash-8b', 'Gemini', 'Gemini-Flash-8B', '2024-10-03'),
  // `-001`: the stable version number Vertex AI and OpenRouter append.
  m('gemini-2.0-flash', 'Gemini', 'Gemini-Flash', '2024-12-11', ['gemini-2.0-flash-001']),
  m('gemini-2.0-flash-lite', 'Gemini', 'Gemini-Flash-Lite', '2024-12-11', ['gemini-2.0-flash-lite-001']),
  // Each dated preview is its own checkpoint; the experimental 03-25 is the same as its preview.
  m('gemini-2.5-pro-preview-03-25', 'Gemini', 'Gemini-Pro', '2025-03-25', ['gemini-2.5-pro-exp-03-25']),
  m('gemini-2.5-pro-preview-05-06', 'Gemini', 'Gemini-Pro', '2025-05-06'),
  m('gemini-2.5-pro-preview-06-05', 'Gemini', 'Gemini-Pro', '2025-06-05'),
  m('gemini-2.5-pro', 'Gemini', 'Gemini-Pro', '2025-06-17'),
  m('gemini-2.5-flash-preview-04-17', 'Gemini', 'Gemini-Flash', '2025-04-17'),
  m('gemini-2.5-flash-preview-05-20', 'Gemini', 'Gemini-Flash', '2025-05-20'),
  m('gemini-2.5-flash', 'Gemini', 'Gemini-Flash', '2025-06-17'),
  m('gemini-2.5-flash-preview-09-2025', 'Gemini', 'Gemini-Flash', '2025-09-25'),
  m('gemini-2.5-flash-lite-preview-06-17', 'Gemini', 'Gemini-Flash-Lite', '2025-06-17'),
  m('gemini-2.5-flash-lite', 'Gemini', 'Gemini-Flash-Lite', '2025-06-17'),
  m('gemini-2.5-flash-lite-preview-09-2025', 'Gemini', 'Gemini-Flash-Lite', '2025-09-25'),
  // Google lists Gemini 3 Pro, 3 Flash and 3.1 Pro only as previews; gateways drop the
  // `-preview` or write `3.0`.
  m('gemini-3-pro-preview', 'Gemini', 'Gemini-Pro', '2025-11-18', [
    'gemini-3-pro',
    'gemini-3.0-pro-preview',
    'gemini-3.0-pro',
  ]),
  m('gemini-3-flash-preview', 'Gemini', 'Gemini-Flash', '2025-12-17', [
    'gemini-3-flash',
    'gemini-3.0-flash-preview',
    'gemini-3.0-flash',
  ]),
  m('gemini-3.1-pro-preview', 'Gemini', 'Gemini-Pro', '2026-02-19', ['gemini-3.1-pro']),
  m('gemini-3.1-flash-lite-preview', 'Gemini', 'Gemini-Flash-Lite', '2026-03-03'),
  m('gemini-3.1-flash-lite', 'Gemini', 'Gemini-Flash-Lite', '2026-05-07'),
  m('gemini-3.5-flash', 'Gemini', 'Gemini-Flash', '2026-05-19'),
];

const gpt: BuiltinModel[] = [
  // `gpt-4o` is the model as first released; the later snapshots are different models.
  m('gpt-4o', 'GPT', 'GPT', '2024-05-13', ['gpt-4o-2024-05-13']),
  m('gpt-4o-2024-08-06', 'GPT', 'GPT', '2024-08-06'),
  m('gpt-4o-2024-11-20', 'GPT', 'GPT', '2024-11-20'),
  m('gpt-4.1', 'GPT', 'GPT', '2025-04-14'),
  m('gpt-5', 'GPT', 'GPT', '2025-08-07'),
  m('gpt-5.1', 'GPT', 'GPT', '2025-11-13'),
  m('gpt-5.2', 'GPT', 'GPT', '2025-12-11'),
  m('gpt-5.4', 'GPT', 'GPT', '2026-03-05'),
  m('gpt-5.5', 'GPT', 'GPT', '2026-04-23'),
  m('gpt-4o-mini', 'GPT', 'GPT-mini', '2024-07-18'),
  m('gpt-4.1-mini', 'GPT', 'GPT-mini', '2025-04-14'),
  m('gpt-5-mini', 'GPT', 'GPT-mini', '2025-08-07'),
  m('gpt-5.4-mini', 'GPT', 'GPT-mini', '2026-03-17'),
  m('gpt-4.1-nano', 'GPT', 'GPT-nano', '2025-04-14'),
  m('gpt-5-nano', 'GPT', 'GPT-nano', '2025-08-07'),
  m('gpt-5.4-nano', 'GPT', 'GPT-nano', '2026-03-17'),
  // The ChatGPT models ("Instant" in ChatGPT): no reasoning, not the `gpt-5` of the API.
  m('gpt-5-chat-latest', 'GPT', 'GPT-chat', '2025-08-07', ['gpt-5-chat']),
  m('gpt-5.1-chat-latest', 'GPT', 'GPT-chat', '2025-11-13', ['gpt-5.1-chat', 'gpt-5.1-instant']),
  m('gpt-5.2-chat-latest', 'GPT', 'GPT-chat', '2025-12-11', ['gpt-5.2-chat', 'gpt-5.2-instant']),
  m('gpt-5.3-chat-latest', 'GPT', 'GPT-chat', '2026-03-03', ['gpt-5.3-chat', 'gpt-5.3-instant']),
  // Listed only by a gateway (ZenMux, with this date); named so that `instant` is not read as
  // a speed variant of gpt-5.5.
  m('gpt-5.5-instant', 'GPT', 'GPT-chat', '2026-05-05'),
  m('gpt-5-codex', 'GPT', 'GPT-codex', '2025-09-15'),
  m('gpt-5.1-codex', 'GPT', 'GPT-codex', '2025-11-13'),
  m('gpt-5.2-codex', 'GPT', 'GPT-codex', '2025-12-11'),
  m('gpt-5.3-codex', 'GPT', 'GPT-codex', '2026-02-05'),
  m('gpt-5.1-codex-mini', 'GPT', 'GPT-codex-mini', '2025-11-13'),
  m('gpt-5.1-codex-max', 'GPT', 'GPT-codex-max', '2025-11-13'),
  m('gpt-5-pro', 'GPT', 'GPT-pro', '2025-10-06'),
  m('gpt-5.2-pro', 'GPT', 'GPT-pro', '2025-12-11'),
  m('gpt-5.4-pro', 'GPT', 'GPT-pro', '2026-03-05'),
  m('gpt-5.5-pro', 'GPT', 'GPT-pro', '2026-04-23'),
  m('o1', 'GPT', 'GPT-o', '2024-12-05'),
  m('o3', 'GPT', 'GPT-o', '2025-04-16'),
  m('o1-mini', 'GPT', 'GPT-o-mini', '2024-09-12'),
  m('o3-mini', 'GPT', 'GPT-o-mini', '2024-12-20'),
  m('o4-mini', 'GPT', 'GPT-o-mini', '2025-04-16'),
  m('o1-pro', 'GPT', 'GPT-o-pro', '2025-03-19'),
  m('o3-pro', 'GPT', 'GPT-o-pro', '2025-06-10'),
];

export const BUILTIN_MODELS: readonly BuiltinModel[] = [
  ...deepseek,
  ...qwen,
  ...glm,
  ...kimi,
  ...minimax,
  ...llama,
  ...gptOss,
  ...mistral,
  ...gemma,
  ...claude,
  ...gemini,
  ...gpt,
];
