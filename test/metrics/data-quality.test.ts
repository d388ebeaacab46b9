import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { dataQuality } from '../../src/metrics/data-quality.js';
import { fixtures } from '../helpers.js';
import { DEMAND_FILES, withAnalyzeStore } from './analyze-fixtures.js';

const BAD = path.join(fixtures, 'analyze', 'bad-requests.csv');

test('data quality: period, unknown names, missing TTFT and latency, rejected rows', async () => {
  const [tokens, cost, day, empty] = await withAnalyzeStore(
    DEMAND_FILES,
    async (s) => [
      await dataQuality(s, { by: 'tokens' }),
      await dataQuality(s, { by: 'cost' }),
      await dataQuality(s, { by: 'tokens', from: '2025-10-03', to: '2025-10-03' }),
      await dataQuality(s, { by: 'tokens', from: '2030-01-01' }),
    ],
    [BAD],
  );
  const rejects = [{ file: BAD, kind: 'requests', rows: 2 }];
  assert.deepEqual(tokens, {
    firstRequest: '2025-10-01T01:00:00Z',
    lastRequest: '2025-10-03T04:00:00Z',
    requests: 8,
    unknownModels: [{ name: 'acme-private-7b', requests: 1 }],
    // no TTFT: c-02, c-05, c-08 → 3 of 8; no latency: c-02, c-03, c-05, c-08 → 4 of 8
    requestsWithoutTtft: 3,
    withoutTtftPct: 37.5,
    requestsWithoutLatency: 4,
    withoutLatencyPct: 50,
    requestsWithoutCost: null,
    // both rows of the bad file, whatever the selection
    rejects,
  });
  // c-05 (GLM at glm-official) has neither a logged cost nor a price; c-02 and c-04 are priced
  assert.equal(cost.requestsWithoutCost, 1);
  // 10-03: c-05 … c-08; no TTFT c-05, c-08; no latency c-05, c-08
  assert.deepEqual(
    [day.requests, day.firstRequest, day.requestsWithoutTtft, day.withoutTtftPct, day.requestsWithoutLatency],
    [4, '2025-10-03T01:00:00Z', 2, 50, 2],
  );
  assert.deepEqual(empty, {
    firstRequest: null,
    lastRequest: null,
    requests: 0,
    unknownModels: [],
    requestsWithoutTtft: 0,
    withoutTtftPct: null,
    requestsWithoutLatency: 0,
    withoutLatencyPct: null,
    requestsWithoutCost: null,
    rejects,
  });
});
