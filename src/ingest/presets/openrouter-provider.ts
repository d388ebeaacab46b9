/**
 * OpenRouter's provider names, where one means something else in every other source. OpenRouter
 * writes Vertex AI as `Google` (its `ProviderName` enum: `Google` has slug `google-vertex`,
 * `Google AI Studio` slug `google-ai-studio`; see fixtures/presets/openrouter-endpoints/README.md),
 * while models.dev's `google`, Helicone's `GOOGLE` and thefastest.ai's `google` are the Gemini
 * API (AI Studio). The provider catalog folds case and cannot tell them apart, so the meaning is
 * settled where OpenRouter's data is read: its `Google` is stored as `Google Vertex`.
 */
import { quotedString } from '@duckdb/node-api';

/** OpenRouter's name for Vertex AI, and the name it is stored under. */
export const OPENROUTER_VERTEX = { written: 'Google', stored: 'Google Vertex' } as const;

/**
 * SQL: an OpenRouter provider name (`expr`) as stored: `Google` (exactly, once trimmed) as
 * `Google Vertex`; every other name, `Google AI Studio` and `google` included, as written.
 */
export function openrouterProviderSql(expr: string): string {
  return `CASE WHEN trim(${expr}) = ${quotedString(OPENROUTER_VERTEX.written)}
    THEN ${quotedString(OPENROUTER_VERTEX.stored)} ELSE ${expr} END`;
}
