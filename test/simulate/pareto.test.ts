import assert from 'node:assert/strict';
import { test } from 'node:test';
import { paretoFront } from '../../src/simulate/pareto.js';
import type { PolicyResult } from '../../src/simulate/results.js';

const p = (policy: string, policyCost: number, policyThroughput: number | null, requests = 10) =>
  ({ policy, policyCost, policyThroughput, requests }) as PolicyResult;

test('the Pareto front keeps the policies no other beats on both cost and throughput', () => {
  // cost (10, 30 TPS) and throughput (20, 90 TPS) trade off; latency (20, 80) is beaten by throughput;
  // ttft (10, 30) ties cost exactly, so neither dominates the other; random has no figures.
  assert.deepEqual(
    paretoFront([
      p('cost', 10, 30),
      p('throughput', 20, 90),
      p('latency', 20, 80),
      p('ttft', 10, 30),
      p('random', 5, null),
      p('fixed:z', 1, 1, 0),
    ]),
    ['cost', 'throughput', 'ttft'],
  );
});
