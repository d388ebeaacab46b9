import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openMarket, run } from './market.js';

test('task-aware applies each task its own objective', async () => {
  // x: 1 / 2 per 1 M tokens, 50 tok/s, TTFT 900 ms; y: 0.5 / 1, 20 tok/s, TTFT 300 ms; z (official) 2 / 4, 100 tok/s, TTFT 600.
  const s = await openMarket({
    offers: [
      { provider: 'x', price: [1, 2] },
      { provider: 'y', price: [0.5, 1] },
      { provider: 'z', official: true, price: [2, 4] },
    ],
    probes: [
      ['2025-10-01 00:05', 'x', true, 900, 50],
      ['2025-10-01 00:05', 'y', true, 300, 20],
      ['2025-10-01 00:05', 'z', true, 600, 100],
    ],
    requests: [
      ['c1', '2025-10-01 00:10', 'z', 100, 100, 0, null],
      ['r1', '2025-10-01 00:20', 'z', 100, 100, 0, null],
      ['d1', '2025-10-01 00:30', 'z', 100, 100, 0, null],
      ['n1', '2025-10-01 00:40', 'z', 100, 100, 0, null],
    ],
  });
  try {
    await s.run(
      `UPDATE requests SET task = CASE request_id WHEN 'c1' THEN 'chat' WHEN 'r1' THEN 'reasoning' WHEN 'd1' THEN 'doc-analysis' END`,
    );
    const r = await run(s, { policies: ['task-aware'], info: 'hindsight', by: 'task' });
    const pick = (task: string | null) => r.groups!.find((g) => g.group === task)!.routing[0].provider;
    assert.equal(pick('chat'), 'y', 'chat: lowest TTFT (300 ms)');
    assert.equal(pick('reasoning'), 'z', 'reasoning: highest TPS (100)');
    assert.equal(pick('doc-analysis'), 'y', 'doc-analysis: cheapest');
    assert.equal(pick(null), 'y', 'no task: cost');
    const custom = await run(s, {
      policies: ['task-aware'],
      info: 'hindsight',
      by: 'task',
      taskObjectives: { chat: 'throughput' },
    });
    assert.equal(
      custom.groups!.find((g) => g.group === 'chat')!.routing[0].provider,
      'z',
      '--task-objective chat=throughput',
    );
  } finally {
    s.close();
  }
});
