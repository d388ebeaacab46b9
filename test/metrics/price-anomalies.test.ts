import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { ingestFiles } from '../../src/ingest/index.js';
import { prepareNames } from '../../src/query/model-map.js';
import { priceAnomalies } from '../../src/metrics/price-anomalies.js';
import { Store } from '../../src/store/db.js';
import { fixtures } from '../helpers.js';

test('zero prices and prices 20x off the median of the other providers are anomalies', async () => {
  const s = await Store.open(':memory:');
  try {
    const [c] = await ingestFiles(s, [path.join(fixtures, 'metrics', 'prices-anomalies.csv')]);
    // 8 rows; wandb's 71,500 per 1 M is above the plausible maximum (MAX_PRICE, 10,000): a rejected
    // row, not a stored price, so it is neither flagged nor counted among the others below.
    assert.deepEqual([c.read, c.accepted, c.duplicates, c.rejected], [8, 7, 0, 1]);
    assert.deepEqual(await s.all(`SELECT row_number, field, reason FROM rejects`), [
      {
        row_number: 5,
        field: 'input_price',
        reason:
          "input_price: '71500' is above the plausible maximum of 10000; output_price: '71500' is above the plausible maximum of 10000",
      },
    ]);
    assert.equal((await s.one<{ n: number }>(`SELECT count(*) AS n FROM prices WHERE provider = 'wandb'`))!.n, 0);
    await prepareNames(s);
    const a = await priceAnomalies(s);
    assert.deepEqual(
      a.map((x) => [x.provider, x.field, x.price, x.otherMedian, x.otherProviders, x.reason]),
      [
        // free-tier: zero. Others for Llama-3.3-70B: a, b, c, d, e (5 providers; wandb's row was rejected);
        // inputs 0.02 0.59 0.6 0.88 0.9 → median 0.6; outputs 0.6 0.79 0.88 0.9 0.9 → median 0.88.
        // Qwen3-32B alone: never compared.
        ['free-tier', 'input', 0, 0.6, 5, 'zero price'],
        ['free-tier', 'output', 0, 0.88, 5, 'zero price'],
        // provider-e input 0.02, 20x off below the maximum: others' nonzero inputs (free tier's 0 left out)
        // 0.59 0.6 0.88 0.9 → median (0.6 + 0.88) / 2 = 0.74; 0.74 / 0.02 = 37. Its output 0.9 against
        // 0.6 0.79 0.88 0.9 (median 0.835) is no anomaly.
        ['provider-e', 'input', 0.02, 0.74, 5, '1/37 of the median of 5 other provider(s)'],
      ],
    );
    // Restricting to this ingest gives the same rows; another ingest id gives none.
    assert.equal((await priceAnomalies(s, [c.kind === 'prices' ? 1 : -1])).length, 3);
    assert.equal((await priceAnomalies(s, [99])).length, 0);
  } finally {
    s.close();
  }
});
