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
    await prepareNames(s);
    const a = await priceAnomalies(s);
    assert.deepEqual(
      a.map((x) => [x.provider, x.field, x.price, x.otherMedian, x.otherProviders, x.reason]),
      [
        // free-tier: zero. Others for Llama-3.3-70B: a, b, c, d, wandb, e (6 providers);
        // inputs 0.02 0.59 0.6 0.88 0.9 71500 → median (0.6 + 0.88) / 2 = 0.74;
        // outputs 0.6 0.79 0.88 0.9 0.9 71500 → median (0.88 + 0.9) / 2 = 0.89. Qwen3-32B alone: never compared.
        ['free-tier', 'input', 0, 0.74, 6, 'zero price'],
        ['free-tier', 'output', 0, 0.89, 6, 'zero price'],
        // provider-e input 0.02: others' nonzero inputs (free tier's 0 left out) 0.59 0.6 0.88 0.9 71500 → 0.88; 0.88 / 0.02 = 44
        ['provider-e', 'input', 0.02, 0.88, 6, '1/44 of the median of 6 other provider(s)'],
        // wandb 71500: others' nonzero inputs 0.02, 0.59, 0.6, 0.88, 0.9 → median 0.6; 71500 / 0.6 ≈ 119167
        ['wandb', 'input', 71500, 0.6, 6, '119167x the median of 6 other provider(s)'],
        // outputs 0.6 0.79 0.88 0.9 0.9 → median 0.88; 71500 / 0.88 = 81250
        ['wandb', 'output', 71500, 0.88, 6, '81250x the median of 6 other provider(s)'],
      ],
    );
    // Restricting to this ingest gives the same rows; another ingest id gives none.
    assert.equal((await priceAnomalies(s, [c.kind === 'prices' ? 1 : -1])).length, 5);
    assert.equal((await priceAnomalies(s, [99])).length, 0);
  } finally {
    s.close();
  }
});
