/**
 * Presets read well-known real-world layouts (gateway logs, traces, price
 * catalogues, benchmark results) as canonical tables. A preset turns one file
 * into one or more relations with canonical column names and a `__row` column;
 * validation, rejects and de-duplication then work as for any file.
 */
import type { Preset } from './relations.js';
import { helicone } from './helicone.js';
import { langfuse } from './langfuse.js';
import { litellmSpendLogs } from './litellm-spend-logs.js';
import { openrouterGenerations } from './openrouter-generations.js';
import { openrouterActivity } from './openrouter-activity.js';
import { litellmPrices } from './litellm-prices.js';
import { openrouterModels } from './openrouter-models.js';
import { openrouterEndpoints } from './openrouter-endpoints.js';
import { azureLlmTrace } from './azure-llm-trace.js';
import { mooncakeTrace } from './mooncake-trace.js';
import { llmperf } from './llmperf.js';
import { thefastest } from './thefastest.js';
import { modelsDev } from './models-dev.js';

/** Every preset, by name. */
export const PRESETS: Record<string, Preset> = {
  helicone,
  langfuse,
  'litellm-spend-logs': litellmSpendLogs,
  'openrouter-generations': openrouterGenerations,
  'openrouter-activity': openrouterActivity,
  'litellm-prices': litellmPrices,
  'openrouter-models': openrouterModels,
  'openrouter-endpoints': openrouterEndpoints,
  'azure-llm-trace': azureLlmTrace,
  'mooncake-trace': mooncakeTrace,
  llmperf,
  thefastest,
  'models-dev': modelsDev,
};

export type { Preset } from './relations.js';

export function presetNames(): string[] {
  return Object.keys(PRESETS).sort();
}
