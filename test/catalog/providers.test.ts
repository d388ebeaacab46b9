import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildProviderCatalog, foldProvider, resolveProvider } from '../../src/catalog/providers.js';
import { providerCatalog, providerCatalogReport } from '../../src/commands/catalog.js';
import { ingestFiles } from '../../src/ingest/index.js';
import { PRESETS } from '../../src/ingest/presets/index.js';
import { prepareNames } from '../../src/query/model-map.js';
import { Store } from '../../src/store/db.js';
import { fixtures, runCli, tmpDir } from '../helpers.js';
import { close, openMarket, run } from '../simulate/market.js';

test('spellings fold: case, URL scheme and path, and runs of space, _, - and . do not matter', () => {
  assert.equal(foldProvider('  Fireworks AI '), 'fireworks-ai');
  assert.equal(foldProvider('fireworks_ai'), 'fireworks-ai');
  assert.equal(foldProvider('https://api.fireworks.ai/inference/v1'), 'api-fireworks-ai');
  assert.equal(foldProvider('deepinfra/fp8'), 'deepinfra');
  assert.equal(foldProvider('Inference.net'), 'inference-net');
});

test('the spellings that must meet, and those that must not', () => {
  const cat = buildProviderCatalog();
  const id = (name: string) => resolveProvider(name, cat).provider;
  for (const s of ['fireworks_ai', 'Fireworks', 'fireworks-ai', 'FIREWORKS', 'api.fireworks.ai']) {
    assert.equal(id(s), 'fireworks', s);
  }
  assert.notEqual(id('azure'), id('azure_ai'));
  assert.equal(id('Google AI Studio'), id('gemini'));
  assert.notEqual(id('Google AI Studio'), id('Google Vertex'));
  assert.equal(id('Google Vertex'), id('vertex_ai-language-models'));
  assert.equal(resolveProvider('OpenRouter', cat).kind, 'gateway');
  assert.equal(resolveProvider('together_ai', cat).kind, 'host');
  // regional endpoints apart only where prices differ
  assert.notEqual(id('alibaba'), id('alibaba-cn'));
  assert.equal(id('moonshotai'), id('moonshotai-cn'));
});

test('an unknown name stands for itself; catalog rows add aliases, providers and kinds, a later row winning', () => {
  const cat = buildProviderCatalog([
    { alias: 'fw-eu', provider: 'FIREWORKS' },
    { alias: 'acme-cloud', provider: 'acme', kind: 'gateway' },
    { alias: 'Acme', provider: 'acme', kind: 'host' },
  ]);
  assert.deepEqual(resolveProvider('Mystery Host', cat), {
    name: 'Mystery Host',
    provider: 'Mystery Host',
    display: 'Mystery Host',
    kind: null,
    known: false,
  });
  assert.equal(resolveProvider('fw_eu', cat).provider, 'fireworks');
  assert.equal(resolveProvider('ACME-CLOUD', cat).provider, 'acme');
  assert.equal(resolveProvider('acme', cat).kind, 'host');
});

test('LiteLLM, models.dev and OpenRouter endpoints in one database: no provider twice under two spellings', async () => {
  const store = await Store.open(':memory:');
  try {
    await ingestFiles(store, [path.join(fixtures, 'presets', 'litellm-prices', 'sample.json')], {
      preset: PRESETS['litellm-prices'],
    });
    await ingestFiles(store, [path.join(fixtures, 'presets', 'models-dev', 'sample.json')], {
      preset: PRESETS['models-dev'],
    });
    await ingestFiles(store, [path.join(fixtures, 'presets', 'openrouter-endpoints', '2026-03-15')], {
      preset: PRESETS['openrouter-endpoints'],
    });
    const { providers } = await prepareNames(store);
    const map = await store.all<{ provider: string; names: string[]; known: boolean }>(
      `SELECT provider, list(name ORDER BY name) AS names, bool_and(known) AS known FROM provider_map GROUP BY ALL ORDER BY provider`,
    );
    assert.deepEqual(
      map.filter((m) => !m.known).map((m) => m.names),
      [],
    );
    // every resolved provider is one catalog entry, and none folds like another
    const folded = map.map((m) => foldProvider(m.provider));
    assert.equal(new Set(folded).size, folded.length);
    for (const m of map) assert.ok(providers.providers.has(m.provider), m.provider);
    // spellings that differ between the sources land on one id
    const names = (id: string) => map.find((m) => m.provider === id)?.names;
    assert.deepEqual(names('fireworks'), ['Fireworks', 'fireworks_ai']);
    assert.deepEqual(names('deepseek'), ['DeepSeek', 'deepseek']);
    assert.deepEqual(names('bedrock'), ['bedrock', 'bedrock_converse']);
  } finally {
    store.close();
  }
});

test('a baseline or fixed provider in any spelling meets the logs and prices under theirs', async () => {
  const s = await openMarket({
    offers: [
      { provider: 'Fireworks', official: true, price: [1, 2] },
      { provider: 'together_ai', price: [0.5, 1] },
    ],
    probes: [
      ['2025-10-01 00:05', 'fireworks-ai', true, 500, 50],
      ['2025-10-01 00:05', 'TOGETHER', true, 500, 50],
    ],
    requests: [['r1', '2025-10-01 00:10', 'fireworks_ai', 1000, 100, 0, null]],
  });
  try {
    const providers = buildProviderCatalog();
    const r = await run(s, {
      policies: ['fixed:api.together.xyz', 'cost'],
      baseline: 'provider:FIREWORKS',
      info: 'hindsight',
      providerId: (n) => resolveProvider(n, providers).provider,
    });
    // 1,000 · 1 + 100 · 2 = 1,200 at Fireworks; 1,000 · 0.5 + 100 = 600 at Together
    close(r.policies[0].baselineCost, 0.0012, 'baseline');
    close(r.policies[0].policyCost, 0.0006, 'fixed');
    assert.deepEqual(r.policies[1].routing, [{ provider: 'together', share: 100 }]);
  } finally {
    s.close();
  }
});

test('ai-ping catalog --providers: names as resolved, unknown ones listed; a catalog file of provider rows applies', async () => {
  const dir = tmpDir();
  const db = path.join(dir, 'p.duckdb');
  const s = await Store.open(db);
  await s.run(`INSERT INTO prices (ts, provider, model, input_price, output_price)
    VALUES (TIMESTAMP '2025-10-01', 'fireworks_ai', 'm', 1, 2), (TIMESTAMP '2025-10-01', 'Fireworks', 'm', 1, 2),
           (TIMESTAMP '2025-10-01', 'acme-gpu', 'm', 1, 2)`);
  s.close();
  const r = await providerCatalog({ names: [], db });
  assert.equal(r.source, 'database');
  assert.deepEqual(r.unknown, ['acme-gpu']);
  assert.deepEqual(
    r.names.map((n) => [n.name, n.provider, n.rows]),
    [
      ['acme-gpu', 'acme-gpu', 1],
      ['Fireworks', 'fireworks', 1],
      ['fireworks_ai', 'fireworks', 1],
    ],
  );
  const file = path.join(dir, 'providers.csv');
  writeFileSync(file, 'alias,provider,kind\nacme-gpu,Acme,gateway\n');
  const withFile = providerCatalogReport(
    await providerCatalog({ names: ['ACME_GPU', 'openrouter.ai'], db, catalog: file }),
  );
  assert.deepEqual(withFile.json, {
    names: [
      { name: 'ACME_GPU', provider: 'Acme', display: 'Acme', kind: 'gateway', known: true },
      { name: 'openrouter.ai', provider: 'openrouter', display: 'OpenRouter', kind: 'gateway', known: true },
    ],
    unknown: [],
  });
  const cli = runCli(['catalog', '--providers', 'FIREWORKS', 'nope-cloud', '--db', db, '--format', 'json']);
  assert.equal(cli.code, 0, cli.stderr);
  assert.deepEqual(JSON.parse(cli.stdout).unknown, ['nope-cloud']);
});
