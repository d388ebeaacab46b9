import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { concentration } from '../../src/metrics/concentration.js';
import { prepareNames } from '../../src/query/model-map.js';
import { Store } from '../../src/store/db.js';

/** The defining double sum, as an independent check of the SQL's sorted-rank form. */
function pairwiseGini(xs: number[]): number {
  const nz = xs.filter((x) => x > 0);
  const n = nz.length;
  const mean = nz.reduce((a, x) => a + x, 0) / n;
  let sum = 0;
  for (const a of nz) for (const b of nz) sum += Math.abs(a - b);
  return sum / (2 * n * n * mean);
}

test('for any demand vector: Gini in [0, 1), top-k monotone in k, shares summing to 100', async () => {
  const store = await Store.open(':memory:');
  try {
    await fc.assert(
      fc.asyncProperty(
        // one family per entry (unknown names are their own family); zeros allowed, at least one non-zero
        fc
          .array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 25 })
          .filter((xs) => xs.some((x) => x > 0)),
        async (tokens) => {
          await store.run('DELETE FROM requests');
          await store.run(
            `INSERT INTO requests (request_id, ts, model, provider, input_tokens, output_tokens, status)
             SELECT 'r' || i, TIMESTAMP '2025-10-01', 'zz-family-' || i, 'p', CAST($tokens AS BIGINT[])[i], 0, 'ok'
             FROM range(1, $n + 1) t(i)`,
            { tokens: `[${tokens.join(',')}]`, n: tokens.length },
          );
          await prepareNames(store);
          const c = await concentration(store, { by: 'tokens' });
          assert.ok(c.level === 'family');
          const shares = c.families.map((f) => f.share as number);
          assert.ok(Math.abs(shares.reduce((a, s) => a + s, 0) - 100) <= 1e-9);
          assert.ok(c.gini !== null && c.gini >= 0 && c.gini < 1, `gini ${c.gini}`);
          assert.ok(Math.abs((c.gini as number) - pairwiseGini(tokens)) <= 1e-9);
          // top-k = running sum of the shares, largest first: never decreasing, top-1 and top-5 on it
          const topK = shares.map((_, k) => shares.slice(0, k + 1).reduce((a, s) => a + s, 0));
          for (let k = 1; k < topK.length; k++) assert.ok(topK[k] >= topK[k - 1] - 1e-12);
          assert.ok(Math.abs((c.top1Share as number) - topK[0]) <= 1e-9);
          assert.ok(Math.abs((c.top5Share as number) - topK[Math.min(4, topK.length - 1)]) <= 1e-9);
          assert.ok((c.top1Share as number) <= (c.top5Share as number) + 1e-12);
          assert.ok((c.hhi as number) > 0 && (c.hhi as number) <= 1 + 1e-12);
        },
      ),
      { numRuns: 50, seed: 20251001 },
    );
  } finally {
    store.close();
  }
});
