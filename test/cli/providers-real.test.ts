import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { buildCatalog, resolveName } from '../../src/catalog/index.js';
import { buildProviderCatalog, resolveProvider } from '../../src/catalog/providers.js';
import { providers } from '../../src/commands/providers.js';
import { ingestFiles } from '../../src/ingest/index.js';
import { PRESETS } from '../../src/ingest/presets/index.js';
import { Store } from '../../src/store/db.js';
import { readText, realData, tmpDir } from '../helpers.js';

const day = '2026-03-15';
const file = path.join(realData, 'models-dev', 'history', day, 'api.json.gz');

test(`models.dev ${day}: every host of DeepSeek-V3.2 once under its canonical id, gateways marked`, async () => {
  const db = path.join(tmpDir(), 'md.duckdb');
  const s = await Store.open(db);
  await ingestFiles(s, [file], { preset: PRESETS['models-dev'] });
  s.close();
  const r = await providers({ db, model: 'DeepSeek-V3.2', at: day });
  const rows = r.models[0].providers;

  // Independently: the models.dev providers listing a model id that names DeepSeek-V3.2, by id
  const doc = JSON.parse(readText(file)) as Record<string, { models: Record<string, unknown> }>;
  const models = buildCatalog();
  const ids = buildProviderCatalog();
  const expected = new Map<string, Set<string>>();
  for (const [provider, p] of Object.entries(doc)) {
    for (const id of Object.keys(p.models)) {
      if (resolveName(id, models).model !== 'DeepSeek-V3.2') continue;
      const canonical = resolveProvider(provider, ids).provider;
      expected.set(canonical, new Set([...(expected.get(canonical) ?? []), `${provider}/${id}`]));
    }
  }
  assert.deepEqual([...new Set(rows.map((p) => p.provider))].sort(), [...expected.keys()].sort());
  // one row per provider and listed name; regional twins with equal prices are one provider
  assert.equal(rows.length, new Set(rows.map((p) => `${p.provider}\u0000${p.sourceModel}`)).size);
  // azure and azure-cognitive-services price it alike: one provider
  assert.deepEqual([...expected.get('azure')!].sort(), [
    'azure-cognitive-services/deepseek-v3.2',
    'azure/deepseek-v3.2',
  ]);
  // every provider is known, a host or a gateway
  for (const p of rows) assert.ok(p.kind === 'host' || p.kind === 'gateway', `${p.provider}: ${p.kind}`);
  const gateways = new Set(rows.filter((p) => p.kind === 'gateway').map((p) => p.provider));
  for (const g of ['openrouter', 'vercel', 'kilo', 'zenmux', 'nano-gpt', 'helicone']) assert.ok(gateways.has(g), g);
  for (const h of ['deepinfra', 'nebius', 'siliconflow', 'chutes', 'novita', 'azure']) assert.ok(!gateways.has(h), h);
  // read by hand from the file: nebius 0.3 / 0.45, cached 0.03, cache writes 0.375
  const nebius = rows.find((p) => p.provider === 'nebius')!;
  assert.deepEqual(
    [nebius.inputPrice, nebius.outputPrice, nebius.cachedInputPrice, nebius.cacheWritePrice],
    [0.3, 0.45, 0.03, 0.375],
  );
});
