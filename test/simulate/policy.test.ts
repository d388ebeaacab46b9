import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResourceError, UsageError } from '../../src/errors.js';
import { fewerPolicies } from '../../src/simulate/index.js';
import { parsePolicies, parsePolicy, POLICY_NAMES } from '../../src/simulate/policy.js';

test('parsePolicies: all in its order, named ones added once, fixed kept with its provider', () => {
  assert.deepEqual(
    parsePolicies('all').map((p) => p.name),
    [...POLICY_NAMES],
  );
  assert.deepEqual(
    parsePolicies(' cost , fixed:groq ').map((p) => p.name),
    ['cost', 'fixed:groq'],
  );
  assert.deepEqual(
    parsePolicies('fixed:a,all').map((p) => p.name),
    ['fixed:a', ...POLICY_NAMES],
  );
  assert.deepEqual(parsePolicies(['sla', 'all']).map((p) => p.name)[0], 'sla');
  assert.equal(parsePolicies('sla,all').length, POLICY_NAMES.length);
});

test('parsePolicies: unknown, repeated and empty lists are usage errors', () => {
  assert.throws(() => parsePolicies('cost,cheapest'), { name: 'UsageError', message: /unknown policy 'cheapest'/ });
  assert.throws(() => parsePolicies('fixed:'), { name: 'UsageError', message: /unknown policy 'fixed:'/ });
  assert.throws(() => parsePolicies('cost,cost'), { name: 'UsageError', message: /lists 'cost' twice/ });
  assert.throws(() => parsePolicies(' , '), { name: 'UsageError', message: /at least one policy/ });
});

test('what each policy needs, decided by hand', () => {
  const row = (name: string) => {
    const p = parsePolicy(name);
    return [
      p.kind,
      p.objective ?? null,
      p.provider ?? null,
      p.alwaysChooses,
      p.needsOrder,
      p.needsHash,
      p.needsStaticPass,
      p.needsTaskObjectives,
      p.perChain,
    ];
  };
  // kind, objective, provider, alwaysChooses, order, hash, static pass, task objectives, per chain
  assert.deepEqual(row('cost'), ['cost', 'cost', null, true, false, false, false, false, false]);
  assert.deepEqual(row('ttft'), ['ttft', 'ttft', null, true, false, false, false, false, false]);
  assert.deepEqual(row('balanced'), ['balanced', null, null, true, false, false, false, false, false]);
  assert.deepEqual(row('sla'), ['sla', null, null, true, false, false, false, false, false]);
  assert.deepEqual(row('task-aware'), ['task-aware', null, null, true, false, false, false, true, false]);
  assert.deepEqual(row('round-robin'), ['round-robin', null, null, true, true, false, false, false, false]);
  assert.deepEqual(row('random'), ['random', null, null, true, false, true, false, false, false]);
  assert.deepEqual(row('static-best'), ['static-best', null, null, false, false, false, true, false, false]);
  assert.deepEqual(row('fixed:a:b'), ['fixed', null, 'a:b', false, false, false, false, false, false]);
});

test('cost-sticky chooses per chain and may have no choice for a request', () => {
  const p = parsePolicy('cost-sticky');
  assert.deepEqual([p.kind, p.objective ?? null, p.alwaysChooses, p.perChain], ['cost-sticky', null, false, true]);
  assert.ok(parsePolicies('all').some((x) => x.perChain));
});

test('fewerPolicies: out of memory with several policies says that fewer at once need less; anything else as it is', () => {
  const oom = new ResourceError('DuckDB ran out of memory (x); … or run on fewer requests');
  const several = fewerPolicies(oom, parsePolicies('cost,throughput'));
  assert.ok(several instanceof ResourceError);
  assert.equal(several.message, 'DuckDB ran out of memory (x); … or run on fewer requests or fewer policies at once');
  assert.equal(fewerPolicies(oom, parsePolicies('cost')), oom);
  const other = new UsageError('unknown policy');
  assert.equal(fewerPolicies(other, parsePolicies('cost,throughput')), other);
});
