import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCatalog } from '../../src/catalog/index.js';
import { catalogRowsFromStore, loadModelMap, modelNamesInStore } from '../../src/query/model-map.js';
import { Store } from '../../src/store/db.js';

test('loadModelMap puts one resolution per distinct name into the temp table model_map', async () => {
  const store = await Store.open(':memory:');
  try {
    const cat = buildCatalog([
      { alias: 'acme-1', model: 'Acme-1', family: 'Acme', line: 'Acme', release_date: '2025-10-01' },
    ]);
    const out = await loadModelMap(
      store,
      ['Qwen/Qwen3-32B-FP8', 'deepseek-chat', 'acme-1', 'Qwen/Qwen3-32B-FP8', "it's-odd"],
      cat,
    );
    assert.equal(out.length, 4);
    const rows = await store.all(
      `SELECT name, model, family, line, strftime(release_date, '%Y-%m-%d') AS release_date, variant, known
       FROM model_map ORDER BY name`,
    );
    assert.deepEqual(rows, [
      {
        name: 'Qwen/Qwen3-32B-FP8',
        model: 'Qwen3-32B',
        family: 'Qwen',
        line: 'Qwen-32B',
        release_date: '2025-04-29',
        variant: 'fp8',
        known: true,
      },
      {
        name: 'acme-1',
        model: 'Acme-1',
        family: 'Acme',
        line: 'Acme',
        release_date: '2025-10-01',
        variant: null,
        known: true,
      },
      {
        name: 'deepseek-chat',
        model: 'deepseek-chat',
        family: 'deepseek-chat',
        line: 'deepseek-chat',
        release_date: null,
        variant: null,
        known: false,
      },
      {
        name: "it's-odd",
        model: "it's-odd",
        family: "it's-odd",
        line: "it's-odd",
        release_date: null,
        variant: null,
        known: false,
      },
    ]);
    const types = await store.all<{ column_name: string; data_type: string }>(
      "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'model_map' ORDER BY ordinal_position",
    );
    assert.deepEqual(
      types.map((t) => `${t.column_name} ${t.data_type}`),
      [
        'name VARCHAR',
        'model VARCHAR',
        'family VARCHAR',
        'line VARCHAR',
        'release_date DATE',
        'variant VARCHAR',
        'known BOOLEAN',
      ],
    );
    // Replacing keeps only the new names.
    await loadModelMap(store, ['deepseek-ai/DeepSeek-V3.2'], cat);
    assert.deepEqual(await store.all('SELECT name, model FROM model_map'), [
      { name: 'deepseek-ai/DeepSeek-V3.2', model: 'DeepSeek-V3.2' },
    ]);
  } finally {
    store.close();
  }
});

test('model_map joins request rows to models set-wise', async () => {
  const store = await Store.open(':memory:');
  try {
    await store.run(`INSERT INTO requests (request_id, ts, model, provider, input_tokens, output_tokens)
      SELECT 'r' || i, TIMESTAMP '2025-10-01' + i * INTERVAL 1 MINUTE,
             CASE i % 3 WHEN 0 THEN 'deepseek-ai/DeepSeek-V3.2' WHEN 1 THEN 'deepseek-v3.2' ELSE 'accounts/fireworks/models/deepseek-v3p1' END,
             'p', 10, 5
      FROM range(9) t(i)`);
    const names = await modelNamesInStore(store);
    assert.deepEqual(names, [
      { name: 'accounts/fireworks/models/deepseek-v3p1', rows: 3 },
      { name: 'deepseek-ai/DeepSeek-V3.2', rows: 3 },
      { name: 'deepseek-v3.2', rows: 3 },
    ]);
    await loadModelMap(
      store,
      names.map((n) => n.name),
      buildCatalog([]),
    );
    const byModel = await store.all(
      'SELECT m.model, count(*) AS n FROM requests r JOIN model_map m ON m.name = r.model GROUP BY m.model ORDER BY m.model',
    );
    assert.deepEqual(byModel, [
      { model: 'DeepSeek-V3.1', n: 3 },
      { model: 'DeepSeek-V3.2', n: 6 },
    ]);
  } finally {
    store.close();
  }
});

test('catalogRowsFromStore reads the ingested catalog table in ingest order', async () => {
  const store = await Store.open(':memory:');
  try {
    assert.deepEqual(await catalogRowsFromStore(store), []);
    await store.run(`INSERT INTO catalog (alias, model, family, line, release_date, ingest_id) VALUES
      ('deepseek-chat', 'DeepSeek-V3.2', NULL, NULL, NULL, 2),
      ('deepseek-chat', 'DeepSeek-V3.1', NULL, NULL, NULL, 1),
      ('acme-1', 'Acme-1', 'Acme', 'Acme', DATE '2025-10-01', 2)`);
    const rows = await catalogRowsFromStore(store);
    assert.deepEqual(
      rows.map((r) => [r.alias, r.model]),
      [
        ['deepseek-chat', 'DeepSeek-V3.1'],
        ['deepseek-chat', 'DeepSeek-V3.2'],
        ['acme-1', 'Acme-1'],
      ],
    );
    assert.ok(rows[2].release_date instanceof Date);
    const cat = buildCatalog(rows);
    assert.equal(cat.models.get('Acme-1')?.releaseDate, '2025-10-01');
  } finally {
    store.close();
  }
});
