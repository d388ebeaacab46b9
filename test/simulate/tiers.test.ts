import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ingestFiles } from '../../src/ingest/index.js';
import { PRESETS } from '../../src/ingest/presets/index.js';
import { prepareNames } from '../../src/query/model-map.js';
import { selectedRequestsSql } from '../../src/query/selection.js';
import { Store } from '../../src/store/db.js';
import { realData } from '../helpers.js';
import { close, openMarket, runReplay } from './market.js';

/**
 * pa (official): 1 / 2 per 1 M, cached 0.1, cache writes 1.25; above 200k input tokens 2 / 4 with
 * no cached or write price of its own (so that tier's input price, never the base tier's cached).
 * pb: 0.5 / 1, nothing else (cached and written tokens at its input price).
 */
async function tieredMarket(): Promise<Store> {
  const s = await openMarket({
    offers: [
      { provider: 'pa', official: true, context: 1_000_000, price: [1, 2, 0.1] },
      { provider: 'pb', context: 1_000_000, price: [0.5, 1] },
    ],
    probes: [
      ['2025-10-01 00:05', 'pa', true, 500, 50],
      ['2025-10-01 00:05', 'pb', true, 500, 50],
    ],
    requests: [
      ['r1', '2025-10-01 00:10', 'pa', 1000, 100, 100, null],
      ['r2', '2025-10-01 00:20', 'pa', 300_000, 2000, 250_000, null],
      ['r3', '2025-10-01 00:30', 'pa', 200_000, 1000, 0, null],
    ],
  });
  await s.run(`UPDATE prices SET cache_write_price = 1.25 WHERE provider = 'pa'`);
  await s.run(
    `INSERT INTO prices (ts, provider, model, input_price, output_price, tier_min_input_tokens)
     VALUES (TIMESTAMP '2025-09-01 00:00:00', 'pa', 'toy', 2, 4, 200000)`,
  );
  await s.run(`UPDATE requests SET cache_write_tokens = 200 WHERE request_id = 'r1'`);
  return s;
}

// Hand-computed, USD (prices per 1 M tokens):
// r1 at pa: (1000 − 100 − 200) · 1 + 100 · 0.1 + 200 · 1.25 + 100 · 2 = 1,160 → 0.00116
// r2 at pa, above 200k: (300,000 − 250,000) · 2 + 250,000 · 2 + 2,000 · 4 = 608,000 → 0.608
// r3 at pa, exactly 200k (not above): 200,000 · 1 + 1,000 · 2 = 202,000 → 0.202
// at pb: r1 700 · 0.5 + 100 · 0.5 + 200 · 0.5 + 100 · 1 = 600 → 0.0006; r2 152,000 → 0.152; r3 101,000 → 0.101
const AT_PA: Record<string, number> = { r1: 0.00116, r2: 0.608, r3: 0.202 };
const AT_PB: Record<string, number> = { r1: 0.0006, r2: 0.152, r3: 0.101 };

test('the replay bills each request at the tier its input reaches, cache writes at the write price', async () => {
  const s = await tieredMarket();
  try {
    const { outcomes } = await runReplay(s, {
      policies: ['fixed:pa', 'fixed:pb', 'cost'],
      baseline: 'official',
      info: 'hindsight',
    });
    const rows = await s.all<{ policy: string; request_id: string; cost: number; base_cost: number }>(
      `SELECT policy, request_id, cost, base_cost FROM (${outcomes.sql}) ORDER BY policy, request_id`,
      outcomes.params,
    );
    assert.equal(rows.length, 9);
    for (const r of rows) {
      close(r.base_cost, AT_PA[r.request_id], `${r.request_id} baseline`);
      const expected = r.policy === 'fixed:pa' ? AT_PA[r.request_id] : AT_PB[r.request_id];
      close(r.cost, expected, `${r.policy} ${r.request_id}`);
    }
  } finally {
    s.close();
  }
});

test('cost demand (analyze --by cost) prices unbilled requests at their tier, cache writes included', async () => {
  const s = await tieredMarket();
  try {
    const q = selectedRequestsSql({ by: 'cost' });
    const rows = await s.all<{ request_id: string; demand: number; demand_known: boolean }>(
      `SELECT request_id, demand, demand_known FROM (${q.sql}) ORDER BY request_id`,
      q.params,
    );
    for (const r of rows) {
      assert.equal(r.demand_known, true);
      close(r.demand, AT_PA[r.request_id], r.request_id);
    }
  } finally {
    s.close();
  }
});

test('a snapshot without a base tier prices nothing below its thresholds', async () => {
  const s = await tieredMarket();
  try {
    // pb's only rows from October on: a long-context tier
    await s.run(
      `INSERT INTO prices (ts, provider, model, input_price, output_price, tier_min_input_tokens)
       VALUES (TIMESTAMP '2025-10-01 00:00:00', 'pb', 'toy', 3, 3, 128000)`,
    );
    const { outcomes } = await runReplay(s, { policies: ['fixed:pb'], baseline: 'official', info: 'hindsight' });
    const rows = await s.all<{ request_id: string; cost: number }>(
      `SELECT request_id, cost FROM (${outcomes.sql}) ORDER BY request_id`,
      outcomes.params,
    );
    assert.deepEqual(
      rows.map((r) => r.request_id),
      [],
      'pb is unpriced for every request: its snapshot has no base tier',
    );
  } finally {
    s.close();
  }
});

test('gemini-2.5-pro, 300k input (250k cached) and 2k output, at the LiteLLM snapshot: 0.2175 USD', async () => {
  const s = await Store.open(':memory:');
  try {
    const file = path.join(realData, 'litellm-prices', 'model_prices_and_context_window.json.gz');
    await ingestFiles(s, [file], { preset: PRESETS['litellm-prices'] });
    // as OpenRouter logs a Gemini API request
    await s.run(
      `INSERT INTO requests (request_id, ts, model, provider, input_tokens, output_tokens, cached_tokens, status)
       VALUES ('g', TIMESTAMP '2026-07-25 12:00:00', 'google/gemini-2.5-pro', 'Google AI Studio', 300000, 2000, 250000, 'ok')`,
    );
    await prepareNames(s);
    const q = selectedRequestsSql({ by: 'cost' });
    const row = await s.one<{ provider: string; model: string; demand: number }>(
      `SELECT provider, model, demand FROM (${q.sql})`,
      q.params,
    );
    assert.equal(row!.provider, 'google-ai-studio');
    // above 200k: (300,000 − 250,000) · 2.5 + 250,000 · 0.25 + 2,000 · 15 = 217,500 per 1 M
    close(row!.demand, 0.2175, 'cost');
  } finally {
    s.close();
  }
});
