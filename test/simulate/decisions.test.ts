import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { tableFromIPC } from 'apache-arrow';
import { writeDecisions } from '../../src/simulate/decisions.js';
import { tmpDir } from '../helpers.js';
import { openMarket, runReplay } from './market.js';

test('per-request decisions as an Arrow IPC file', async () => {
  // x (official) 1 / 2, y 0.5 / 1 per 1 M tokens; both measured in window 00:00.
  const s = await openMarket({
    offers: [
      { provider: 'px', official: true, price: [1, 2] },
      { provider: 'y', price: [0.5, 1] },
    ],
    probes: [
      ['2025-10-01 00:05', 'px', true, 500, 50],
      ['2025-10-01 00:05', 'y', true, 800, 20],
    ],
    requests: [
      ['a', '2025-10-01 00:10', 'px', 1000, 100, 0, null],
      ['b', '2025-10-01 00:20', 'px', 2000, 100, 0, null],
    ],
  });
  try {
    const r = await runReplay(s, { policies: ['cost', 'throughput'], info: 'hindsight' });
    const file = path.join(tmpDir(), 'decisions.arrow');
    assert.equal(await writeDecisions(s, r.outcomes, file), 4);
    const t = tableFromIPC(readFileSync(file));
    const rows = t.toArray().map((r) => r.toJSON());
    // cost picks y: a = (1000 × 0.5 + 100 × 1) / 1e6 = 0.0006; baseline x = (1000 + 200) / 1e6 = 0.0012
    // e2e on y = 800 + 100 / 20 × 1000 = 5800 ms; throughput picks x (50 tok/s): 500 + 2000 = 2500 ms
    assert.deepEqual(
      rows.map((r) => [
        r.policy,
        r.request_id,
        r.provider,
        Number(r.cost.toFixed(9)),
        r.tps,
        r.latency_ms,
        Number(r.baseline_cost.toFixed(9)),
      ]),
      [
        ['cost', 'a', 'y', 0.0006, 20, 5800, 0.0012],
        ['cost', 'b', 'y', 0.0011, 20, 5800, 0.0022],
        ['throughput', 'a', 'px', 0.0012, 50, 2500, 0.0012],
        ['throughput', 'b', 'px', 0.0022, 50, 2500, 0.0022],
      ],
    );
  } finally {
    s.close();
  }
});
