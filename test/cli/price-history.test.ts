import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { priceHistory, priceHistoryReport, providers, providersReport } from '../../src/commands/providers.js';
import { Store } from '../../src/store/db.js';
import { runCli, tmpDir } from '../helpers.js';

/** Two snapshots; Fireworks under two spellings, OpenRouter (a gateway) twice, a long-context tier. */
async function makeDb(): Promise<string> {
  const db = path.join(tmpDir(), 'h.duckdb');
  const s = await Store.open(db);
  await s.run(`INSERT INTO prices (ts, provider, model, input_price, output_price, cached_input_price,
      cache_write_price, tier_min_input_tokens, currency) VALUES
    (TIMESTAMP '2026-01-01', 'fireworks_ai', 'deepseek-ai/DeepSeek-V3.2', 0.56, 1.68, NULL, NULL, 0, 'USD'),
    (TIMESTAMP '2026-01-01', 'openrouter', 'deepseek/deepseek-v3.2', 0.28, 0.4, 0.028, NULL, 0, 'USD'),
    (TIMESTAMP '2026-02-01', 'Fireworks', 'deepseek/deepseek-v3.2', 0.5, 1.5, NULL, NULL, 0, 'USD'),
    (TIMESTAMP '2026-02-01', 'openrouter', 'deepseek/deepseek-v3.2', 0.252, 0.378, 0.025, 0.3, 0, 'USD'),
    (TIMESTAMP '2026-02-01', 'openrouter', 'deepseek/deepseek-v3.2', 0.5, 0.75, NULL, NULL, 128000, 'USD')`);
  s.close();
  return db;
}

test('providers --history: base-tier prices per provider and snapshot, providers as resolved', async () => {
  const db = await makeDb();
  const r = await priceHistory({ db, model: 'deepseek-v3.2' });
  assert.equal(r.model, 'DeepSeek-V3.2');
  assert.deepEqual(
    r.points.map((p) => [p.provider, p.kind, p.ts, p.inputPrice, p.outputPrice, p.blendedPrice]),
    [
      ['fireworks', 'host', '2026-01-01T00:00:00Z', 0.56, 1.68, 0.84],
      ['fireworks', 'host', '2026-02-01T00:00:00Z', 0.5, 1.5, 0.75],
      ['openrouter', 'gateway', '2026-01-01T00:00:00Z', 0.28, 0.4, 0.31],
      ['openrouter', 'gateway', '2026-02-01T00:00:00Z', 0.252, 0.378, 0.2835],
    ],
  );
  const report = priceHistoryReport(r);
  assert.deepEqual(report.sections[0].columns, ['provider', '2026-01-01', '2026-02-01']);
  assert.deepEqual(report.sections[0].rows, [
    ['fireworks', '0.56/1.68', '0.5/1.5'],
    ['openrouter (gateway)', '0.28/0.4', '0.252/0.378'],
  ]);
  await assert.rejects(priceHistory({ db }), /--history needs --model/);
});

test('providers: one row per canonical provider and spelling, gateways marked, tiers and cache writes shown', async () => {
  const db = await makeDb();
  const r = await providers({ db, model: 'DeepSeek-V3.2', at: '2026-02-15' });
  const rows = r.models[0].providers;
  const openrouter = rows.find((p) => p.provider === 'openrouter')!;
  assert.equal(openrouter.kind, 'gateway');
  assert.equal(openrouter.cacheWritePrice, 0.3);
  assert.deepEqual(openrouter.tiers, [
    { minInputTokens: 128000, inputPrice: 0.5, outputPrice: 0.75, cachedInputPrice: null, cacheWritePrice: null },
  ]);
  const table = providersReport(r).sections[0];
  const row = table.rows.find((x) => x[0] === 'openrouter (gateway)')!;
  assert.equal(row[table.columns.indexOf('tiers')], '>128k: 0.5/0.75');
  // the two Fireworks spellings are one provider; each listed name its own row
  assert.deepEqual(
    rows.filter((p) => p.provider === 'fireworks').map((p) => [p.sourceModel, p.inputPrice]),
    [
      ['deepseek/deepseek-v3.2', 0.5],
      ['deepseek-ai/DeepSeek-V3.2', 0.56],
    ],
  );
  const cli = runCli(['providers', '--db', db, '--model', 'DeepSeek-V3.2', '--history', '--format', 'csv']);
  assert.equal(cli.code, 0, cli.stderr);
  assert.match(cli.stdout, /^provider,2026-01-01,2026-02-01\n/);
});
