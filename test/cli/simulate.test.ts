import assert from 'node:assert/strict';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { runCli, tmpDir } from '../helpers.js';

interface PolicyJson {
  policy: string;
  cacheHitRate: number;
  loggedCacheHitRate: number;
  lostCacheCost: number;
  requests: number;
  infeasible: number;
  policyCost: number;
  savingsPct: number;
  savingsCi95: [number, number] | null;
  throughputGainPct: number;
  routing: { provider: string; share: number }[];
}

describe('ai-ping simulate', () => {
  const dir = tmpDir();
  const db = path.join(dir, 'demo.duckdb');
  before(() => {
    const r = runCli(['demo', '--requests', '60000', '--dir', dir, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
  });

  const run = (...args: string[]) => {
    const r = runCli(['simulate', '--db', db, '--format', 'json', ...args]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as {
      baseline: string;
      info: string;
      window: string;
      requests: number;
      policies: PolicyJson[];
      cache: { mode: string; key: string[]; ttlSeconds: number };
      stickyValue?: { savingsPp: number };
    };
  };

  test('out of memory under its ceiling: one line, exit 2; with several policies, that fewer at once need less', () => {
    const oom = (policy: string) => {
      const r = runCli(['--memory-limit', '1MB', 'simulate', '--db', db, '--policy', policy, '--format', 'json']);
      assert.equal(r.code, 2, r.stderr);
      assert.match(
        r.stderr,
        /^ai-ping: DuckDB ran out of memory \(.*\); raise its ceiling with --memory-limit[^\n]*\n$/,
      );
      return r.stderr;
    };
    assert.match(oom('cost,throughput'), /or run on fewer requests or fewer policies at once\n$/);
    assert.match(oom('cost'), /or run on fewer requests\n$/);
  });

  test("the study's counterfactuals on the calibrated demo market, in hindsight against official access", () => {
    // the study's accounting keeps every logged cache hit: --cache warm
    const study = ['--info', 'hindsight', '--cache', 'warm'];
    const qwen = run('--policy', 'cost', '--model', 'Qwen/Qwen3-32B', ...study, '--bootstrap', '50');
    assert.deepEqual([qwen.baseline, qwen.info, qwen.window], ['official', 'hindsight', '1h']);
    const cost = qwen.policies[0];
    assert.ok(Math.abs(cost.savingsPct - 37.8) <= 2, `savings ${cost.savingsPct}`);
    assert.ok(cost.savingsCi95 && cost.savingsCi95[0] <= cost.savingsPct && cost.savingsPct <= cost.savingsCi95[1]);
    assert.equal(
      cost.requests + cost.infeasible,
      qwen.requests,
      'every selected request is compared or counted infeasible',
    );
    const shares = cost.routing.reduce((n, r) => n + r.share, 0);
    assert.ok(Math.abs(shares - 100) < 1e-6, 'routing shares sum to 100');
    const ds = run('--policy', 'throughput', '--model', 'DeepSeek-V3.2', ...study, '--bootstrap', '0');
    assert.ok(Math.abs(ds.policies[0].throughputGainPct - 90) <= 10, `gain ${ds.policies[0].throughputGainPct}`);
    assert.equal(ds.policies[0].savingsCi95, null, '--bootstrap 0 turns the intervals off');
  });

  test('causal decisions never beat hindsight on their own objective', () => {
    const h = run('--policy', 'throughput', '--model', 'DeepSeek-V3.2', '--info', 'hindsight', '--bootstrap', '0');
    const c = run('--policy', 'throughput', '--model', 'DeepSeek-V3.2', '--info', 'causal', '--bootstrap', '0');
    assert.ok(c.policies[0].throughputGainPct <= h.policies[0].throughputGainPct);
  });

  test('the observed baseline is always comparable; several policies in one run', () => {
    const r = run(
      '--policy',
      'cost,throughput,latency',
      '--model',
      'Qwen3-32B',
      '--baseline',
      'observed',
      '--bootstrap',
      '0',
    );
    assert.deepEqual(
      r.policies.map((p) => p.policy),
      ['cost', 'throughput', 'latency'],
    );
    for (const p of r.policies) assert.equal(p.requests + p.infeasible, r.requests);
  });

  test('--weights and --slo reach balanced and sla', () => {
    const common = ['--model', 'Qwen3-32B', '--info', 'hindsight', '--bootstrap', '0'];
    const near = (a: number, b: number, what: string) =>
      assert.ok(Math.abs(a - b) <= 1e-9 * Math.abs(b), `${what}: ${a} vs ${b}`);
    const r = run(
      '--policy',
      'cost,latency,balanced,sla',
      ...common,
      '--weights',
      'cost=1,latency=0,throughput=0',
      '--slo',
      'latency=1ms',
    );
    const [cost, latency, balanced, sla] = r.policies;
    // cost alone in the score: the cheapest provider, as the cost policy (they differ only in how equal costs are broken)
    near(balanced.policyCost, cost.policyCost, 'balanced on cost alone');
    // no provider answers within 1 ms: sla falls back to the lowest expected latency
    near(sla.policyCost, latency.policyCost, 'sla that nobody meets');
    assert.deepEqual(sla.routing, latency.routing);
    // every provider meets 1000000 s: the cheapest
    const loose = run('--policy', 'cost,sla', ...common, '--slo', 'p90-latency=1000000s');
    near(loose.policies[1].policyCost, loose.policies[0].policyCost, 'sla that everybody meets');
    assert.notEqual(cost.policyCost, latency.policyCost, 'the two objectives differ on this market');
    for (const [flag, value] of [
      ['--weights', 'speed=1'],
      ['--weights', 'cost=-1'],
      ['--slo', 'latency=fast'],
      ['--slo', '8'],
    ]) {
      const bad = runCli(['simulate', '--db', db, '--policy', 'balanced,sla', flag, value]);
      assert.equal(bad.code, 2, `${flag} ${value}`);
      assert.match(bad.stderr, new RegExp(`${flag} '${value}'`));
    }
  });

  test('--cache chain, warm and cold: the same choices, hits kept along chains, everywhere or where served', () => {
    const common = ['--policy', 'cost,cost-sticky', '--model', 'DeepSeek-V3.2', '--bootstrap', '0'];
    const [chain, warm, cold] = ['chain', 'warm', 'cold'].map((mode) => run(...common, '--cache', mode));
    assert.deepEqual(chain.cache, { mode: 'chain', key: ['session', 'app', 'user'], ttlSeconds: 300 });
    assert.deepEqual(run(...common, '--cache-key', 'none', '--cache-ttl', '1h').cache, {
      mode: 'chain',
      key: [],
      ttlSeconds: 3600,
    });
    const [cost, sticky] = chain.policies;
    assert.ok(cost.loggedCacheHitRate > 0, 'the demo logs cached tokens');
    assert.deepEqual(warm.policies[0].routing, cost.routing, 'the mode does not change the choices');
    for (const p of warm.policies) {
      assert.equal(p.lostCacheCost, 0);
      assert.equal(p.cacheHitRate, p.loggedCacheHitRate);
    }
    // chain: the policy's cost is its warm cost and the lost hits
    const near = (a: number, b: number, what: string) =>
      assert.ok(Math.abs(a - b) <= 1e-9 * Math.abs(b), `${what}: ${a} vs ${b}`);
    near(cost.policyCost, warm.policies[0].policyCost + cost.lostCacheCost, 'chain = warm + lost');
    assert.ok(cost.cacheHitRate < cost.loggedCacheHitRate && cost.lostCacheCost > 0, 'switching loses hits');
    assert.ok(cold.policies[0].cacheHitRate <= cost.cacheHitRate, 'cold keeps no more hits than chain');
    assert.ok(sticky.cacheHitRate > cost.cacheHitRate, 'one provider per chain keeps more hits');
    assert.ok(
      chain.stickyValue && Math.abs(chain.stickyValue.savingsPp - (sticky.savingsPct - cost.savingsPct)) < 1e-9,
    );
    for (const [flag, value, message] of [
      ['--cache', 'hot', /--cache/],
      ['--cache-key', 'region', /--cache-key .* not 'region'/],
      ['--cache-ttl', 'soon', /--cache-ttl 'soon'/],
    ] as const) {
      const bad = runCli(['simulate', '--db', db, '--policy', 'cost', flag, value]);
      assert.equal(bad.code, 2, `${flag} ${value}`);
      assert.match(bad.stderr, message);
    }
  });

  test('bad usage exits 2 with a clear message', () => {
    const r = runCli(['simulate', '--db', db, '--policy', 'cheapest-ever']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown policy 'cheapest-ever'/);
    assert.equal(runCli(['simulate', '--db', db]).code, 2, '--policy is required');
  });

  test('a provider or model the database does not know exits 2, naming the closest ones', () => {
    for (const [args, message] of [
      [
        ['--policy', 'fixed:provider-z'],
        /^ai-ping: --policy fixed:provider-z: 'provider-z' names no provider in the database; closest: provider-\w, /,
      ],
      [
        ['--policy', 'cost', '--baseline', 'provider:nope'],
        /^ai-ping: --baseline provider:nope: 'nope' names no provider in the database; closest: /,
      ],
      [
        ['--policy', 'cost', '--model', 'NoSuchModel'],
        /^ai-ping: --model: 'NoSuchModel' names no model in the database; closest: /,
      ],
    ] as const) {
      const r = runCli(['simulate', '--db', db, '--bootstrap', '0', ...args]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.split('\n').length, 2, 'one line');
    }
  });
});

describe('ai-ping simulate --by', () => {
  test('per-task results add up to the overall ones', () => {
    const dir = tmpDir();
    assert.equal(runCli(['demo', '--requests', '20000', '--dir', dir, '--format', 'json']).code, 0);
    const r = runCli([
      'simulate',
      '--db',
      path.join(dir, 'demo.duckdb'),
      '--format',
      'json',
      '--policy',
      'cost',
      '--model',
      'Qwen3-32B',
      '--by',
      'task',
      '--bootstrap',
      '0',
      '--info',
      'hindsight',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as {
      by: string;
      policies: { requests: number; infeasible: number; baselineCost: number; policyCost: number }[];
      groups: {
        policy: string;
        group: string;
        requests: number;
        infeasible: number;
        baselineCost: number;
        policyCost: number;
      }[];
    };
    assert.equal(j.by, 'task');
    assert.deepEqual(
      new Set(j.groups.map((g) => g.group)),
      new Set(['chat', 'code', 'agent', 'reasoning', 'doc-analysis']),
    );
    const sum = (k: 'requests' | 'infeasible' | 'baselineCost' | 'policyCost') =>
      j.groups.reduce((n, g) => n + g[k], 0);
    const all = j.policies[0];
    assert.equal(sum('requests'), all.requests);
    assert.equal(sum('infeasible'), all.infeasible);
    assert.ok(Math.abs(sum('baselineCost') - all.baselineCost) < 1e-9 * all.baselineCost);
    assert.ok(Math.abs(sum('policyCost') - all.policyCost) < 1e-9 * all.policyCost);
  });
});
