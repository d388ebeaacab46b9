/**
 * The built-in provider catalog: one entry per provider, with every spelling the sources use
 * for it. Spellings are compared folded (see foldProvider in providers.ts): case, an URL's
 * scheme and path, and runs of space, `_`, `-`, `.` and `/` do not matter.
 */
export interface BuiltinProvider {
  /** canonical id: lower-case, words joined by `-` */
  id: string;
  /** display name */
  name: string;
  /** `host` serves models on its own hardware; `gateway` resells other providers */
  kind: 'host' | 'gateway';
  /** spellings other than the id */
  aliases: readonly string[];
}

const p = (id: string, name: string, kind: 'host' | 'gateway', aliases: readonly string[] = []): BuiltinProvider => ({
  id,
  name,
  kind,
  aliases,
});

export const BUILTIN_PROVIDERS: readonly BuiltinProvider[] = [
  p('fireworks', 'Fireworks', 'host', ['fireworks_ai', 'fireworks-ai', 'api.fireworks.ai']),
  p('openrouter', 'OpenRouter', 'gateway', ['openrouter.ai']),
  p('azure', 'Azure OpenAI', 'host'),
  p('azure-ai', 'Azure AI Foundry', 'host', ['azure_ai']),
  p('google-ai-studio', 'Google AI Studio', 'host', ['gemini', 'Google AI Studio']),
  p('vertex-ai', 'Google Vertex AI', 'host', ['vertex_ai', 'Google']),
];
