/**
 * The Azure LLM inference traces (Azure/AzurePublicDataset, `AzureLLMInferenceTrace_code.csv`
 * and `…_conv.csv`, published with the Splitwise paper): one row per request arrival with
 * `TIMESTAMP` (zone-less, 7 fractional digits, UTC), `ContextTokens` and `GeneratedTokens`.
 *
 * Read as requests. The trace names no model or provider, so both must come from `--set`.
 * The task is the file name's suffix (`_code` → code, `_conv` → conv) unless `--set task=…`
 * overrides it. DuckDB keeps six fractional digits: the seventh (100 ns) is dropped, and it
 * is 0 on every row of the published files.
 */
import { quotedIdentifier } from '@duckdb/node-api';
import path from 'node:path';
import { openSource } from '../stage.js';
import { derive, type Preset } from './relations.js';
import { requireColumns, requireModelAndProvider } from './trace-settings.js';

const LAYOUT = 'an Azure LLM inference trace (TIMESTAMP, ContextTokens, GeneratedTokens)';

/** `code` or `conv` from `AzureLLMInferenceTrace_code.csv` / `…_conv.csv` (any case, optionally .gz); else undefined. */
export function azureTaskFromName(file: string): string | undefined {
  return /_(code|conv)\.csv(\.gz)?$/i.exec(path.basename(file))?.[1].toLowerCase();
}

export const azureLlmTrace: Preset = {
  name: 'azure-llm-trace',
  description:
    'Azure LLM inference trace CSV (TIMESTAMP, ContextTokens, GeneratedTokens) as requests; task from the _code/_conv file name; needs --set model=… --set provider=…',
  async open(store, src, { set }) {
    requireModelAndProvider(src.path, 'the Azure LLM inference trace', set);
    const raw = await openSource(store, src);
    const c = requireColumns(src.path, LAYOUT, raw.columns, ['TIMESTAMP', 'ContextTokens', 'GeneratedTokens']);
    const task = azureTaskFromName(src.path);
    const source = await derive(
      store,
      raw,
      `s.__row,
       s.${quotedIdentifier(c.TIMESTAMP.name)} AS ts,
       s.${quotedIdentifier(c.ContextTokens.name)} AS input_tokens,
       s.${quotedIdentifier(c.GeneratedTokens.name)} AS output_tokens,
       ${task ? 'CAST($azure_task AS VARCHAR)' : 'CAST(NULL AS VARCHAR)'} AS task`,
      task ? { azure_task: task } : {},
    );
    return [{ kind: 'requests', source }];
  },
};
