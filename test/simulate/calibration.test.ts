/**
 * The replay engine on a generated demo market lands on the study's two
 * counterfactuals against official access (the same figures the plain-SQL
 * reference replay in test/generate reaches): Qwen3-32B cost routing −37.8% ± 2 pp,
 * DeepSeek-V3.2 throughput routing +90% ± 10 pp, in hindsight.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { generate } from '../../src/commands/generate.js';
import { ingestFiles } from '../../src/ingest/index.js';
import { prepareNames } from '../../src/query/model-map.js';
import { replay, simulate } from '../../src/simulate/index.js';
import { Store } from '../../src/store/db.js';
import { referenceReplay } from '../generate/helpers.js';
import { options as simulateOptions, type NamedPolicyOptions } from './market.js';

const REQUESTS = 100_000;
let dir: string;
let store: Store;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-ping-simulate-'));
  const written = await generate({ dir, requests: REQUESTS, seed: 42, dataFormat: 'parquet' });
  store = await Store.open(':memory:');
  await ingestFiles(
    store,
    written.tables.map((t) => t.file),
  );
  await prepareNames(store);
});

after(() => {
  store?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const near = (actual: number | null, expected: number, tolerance: number, what: string) =>
  assert.ok(
    actual !== null && Math.abs(actual - expected) <= tolerance,
    `${what}: ${actual} not within ${expected} ± ${tolerance}`,
  );

// the study's figures are at list prices with every logged cache hit kept: the warm cache mode
const run = (o: NamedPolicyOptions) => simulate(store, simulateOptions({ bootstrap: 50, cache: 'warm', ...o }));

test('Qwen3-32B cost routing vs official: −37.8% ± 2 pp in hindsight', async () => {
  const hindsight = await run({ policies: ['cost'], model: 'Qwen3-32B', info: 'hindsight' });
  const causal = await run({ policies: ['cost'], model: 'Qwen3-32B', info: 'causal' });
  const [h] = hindsight.policies;
  const [c] = causal.policies;
  console.log(
    `Qwen3-32B cost: hindsight ${h.savingsPct?.toFixed(2)}% [${h.savingsCi95?.map((x) => x.toFixed(2))}] over ${h.requests}` +
      ` (${h.infeasible} infeasible); causal ${c.savingsPct?.toFixed(2)}% over ${c.requests}`,
  );
  near(h.savingsPct, 37.8, 2, 'hindsight savings %');
  // the independent plain-SQL replay of test/generate agrees request for request
  const ref = await referenceReplay(store, 'Qwen3-32B');
  assert.equal(h.requests, ref.compared);
  near(h.savingsPct, ref.savingsPct, 1e-6, 'savings % vs reference replay');
  assert.ok(h.infeasible > 0, 'some requests are excluded because the official endpoint was infeasible');
  assert.equal(h.requests + h.infeasible, hindsight.requests);
  assert.ok(h.savingsCi95 && h.savingsCi95[0] <= h.savingsPct! && h.savingsPct! <= h.savingsCi95[1]);
});

test('DeepSeek-V3.2 throughput routing vs official: +90% ± 10 pp in hindsight', async () => {
  const hindsight = await run({ policies: ['throughput'], model: 'DeepSeek-V3.2', info: 'hindsight' });
  const causal = await run({ policies: ['throughput'], model: 'DeepSeek-V3.2', info: 'causal' });
  const [h] = hindsight.policies;
  const [c] = causal.policies;
  console.log(
    `DeepSeek-V3.2 throughput: hindsight +${h.throughputGainPct?.toFixed(2)}% [${h.throughputGainCi95?.map((x) => x.toFixed(2))}]` +
      ` over ${h.requests}; causal +${c.throughputGainPct?.toFixed(2)}% over ${c.requests}`,
  );
  near(h.throughputGainPct, 90, 10, 'hindsight throughput gain %');
  const ref = await referenceReplay(store, 'DeepSeek-V3.2');
  assert.equal(h.requests, ref.compared);
  near(h.throughputGainPct, ref.throughputGainPct, 1e-6, 'gain % vs reference replay');
  assert.ok(
    h.throughputGainCi95 &&
      h.throughputGainCi95[0] <= h.throughputGainPct! &&
      h.throughputGainPct! <= h.throughputGainCi95[1],
  );
});

test('property: in hindsight no policy models a request cheaper than cost on the same feasible set', async () => {
  const policies = ['cost', 'throughput', 'latency', 'ttft', 'balanced', 'sla', 'round-robin', 'random'];
  // warm: each policy's cost is that of its own choices (in chain mode, a choice also moves the next request's hits)
  const { result: r, outcomes } = await replay(store, simulateOptions({ policies, info: 'hindsight', cache: 'warm' }));
  const row = await store.one<{ cheaper: number; compared: number }>(
    `WITH x AS MATERIALIZED (${outcomes.sql})
     SELECT count(*) FILTER (WHERE o.cost < c.cost - 1e-12) AS cheaper, count(*) AS compared
     FROM x o JOIN x c ON c.request_id = o.request_id AND c.policy = 'cost'
     WHERE o.policy <> 'cost'`,
    outcomes.params,
  );
  assert.equal(row!.cheaper, 0);
  assert.ok(row!.compared > 0);
  const cost = r.policies[0];
  for (const p of r.policies) {
    assert.equal(p.requests, cost.requests, `${p.policy} compares the same requests`);
    assert.ok(p.policyCost >= cost.policyCost - 1e-9, `${p.policy} costs no less than cost`);
  }
});

test('task-aware beside every objective policy takes their figures, and equals task-aware ranking on its own', async () => {
  const close = (a: unknown, b: unknown, what: string): void => {
    if (typeof a === 'number' && typeof b === 'number') {
      assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
    } else if (a && typeof a === 'object') {
      for (const k of Object.keys(a))
        close((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${what}.${k}`);
    } else assert.equal(a, b, what);
  };
  const objectives = ['cost', 'throughput', 'latency', 'ttft'];
  for (const o of [
    { by: 'task' as const, retries: 1 },
    // no groups: the percentiles from bands placed by a sample
    { bandSampling: { every: 10, sigmas: 6 } },
  ]) {
    const alone = await simulate(store, simulateOptions({ bootstrap: 20, ...o, policies: ['task-aware'] }));
    const joint = await simulate(
      store,
      simulateOptions({ bootstrap: 20, ...o, policies: ['task-aware', ...objectives] }),
    );
    close(joint.policies[0], alone.policies[0], `task-aware ${JSON.stringify(o)}`);
    if (!o.by) continue;
    for (const g of alone.groups!)
      close(
        joint.groups!.find((x) => x.policy === 'task-aware' && x.group === g.group),
        g,
        `group ${g.group}`,
      );
    // code's objective is latency: the same requests, costs and providers as latency's
    const code = (policy: string) => joint.groups!.find((x) => x.policy === policy && x.group === 'code')!;
    close({ ...code('task-aware'), policy: 'latency' }, code('latency'), 'code under task-aware and latency');
  }
});
