import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openMarket, run } from './market.js';

test('static-best keeps one provider per model and task; dynamic switching is worth the difference', async () => {
  // x (official) 1 / 2 and y 0.5 / 1 per 1 M tokens; y's context (1,000 tokens) rules it out for b.
  const s = await openMarket({
    offers: [
      { provider: 'px', official: true, price: [1, 2] },
      { provider: 'py', price: [0.5, 1], context: 1000 },
    ],
    probes: [
      ['2025-10-01 00:05', 'px', true, 500, 50],
      ['2025-10-01 00:05', 'py', true, 500, 50],
    ],
    requests: [
      ['a', '2025-10-01 00:10', 'px', 900, 100, 0, null], // 1,000 tokens: y fits
      ['b', '2025-10-01 00:20', 'px', 1000, 100, 0, null], // 1,100 tokens: only x
    ],
  });
  try {
    const r = await run(s, { policies: ['cost', 'static-best'], info: 'hindsight' });
    const [cost, fixed] = r.policies;
    // baseline x: a = (900 + 200) / 1e6 = 0.0011, b = (1000 + 200) / 1e6 = 0.0012 → 0.0023
    // cost switches: a on y = (450 + 100) / 1e6 = 0.00055, b on x = 0.0012 → 0.00175; savings 0.00055 / 0.0023 = 23.913…%
    assert.ok(Math.abs(cost.savingsPct! - (0.00055 / 0.0023) * 100) < 1e-9);
    // static-best: y covers 1 of 2 requests (< 90%), x covers both → x for the whole task: savings 0
    assert.deepEqual(fixed.routing, [{ provider: 'px', share: 100 }]);
    assert.ok(Math.abs(fixed.savingsPct!) < 1e-12);
    assert.equal(fixed.requests, 2);
    assert.deepEqual(
      r.dynamicValue?.map((d) => [d.policy, Number(d.savingsPp!.toFixed(9))]),
      [['cost', Number(((0.00055 / 0.0023) * 100).toFixed(9))]],
    );
  } finally {
    s.close();
  }
});
