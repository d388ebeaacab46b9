import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { runCli, tmpDir } from '../helpers.js';

interface DemoJson {
  files: { kind: string; read: number; accepted: number; duplicates: number; rejected: number }[];
  overview: { requests: number; from: string; to: string; tasks: number };
  unknownNames: string[];
  offerings: {
    model: string;
    providers: { provider: string; official: boolean; inputPrice: number; outputPrice: number }[];
  }[];
  counterfactuals: { selected: number; requests: number; infeasible: number; excluded: Record<string, number> }[];
}

test('demo: generates, ingests every table and shows the showcase models', () => {
  const dir = tmpDir();
  const r = runCli(['demo', '--requests', '20000', '--dir', dir, '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as DemoJson;
  assert.deepEqual(
    j.files.map((f) => f.kind),
    ['requests', 'offerings', 'prices', 'latency', 'probes', 'catalog'],
  );
  for (const f of j.files) assert.deepEqual([f.accepted, f.duplicates, f.rejected], [f.read, 0, 0]);
  assert.equal(j.files[0].read, 20000);
  assert.equal(j.overview.requests, 20000);
  assert.ok(j.overview.from >= '2025-10-01' && j.overview.to < '2026-01-01', 'Q4 2025');
  assert.equal(j.overview.tasks, 5);
  assert.deepEqual(j.unknownNames, []);
  const qwen = j.offerings.find((o) => o.model === 'Qwen3-32B')!;
  const official = qwen.providers.find((p) => p.official)!;
  assert.deepEqual([official.provider, official.inputPrice, official.outputPrice], ['qwen-official', 2, 8]);
  assert.ok(existsSync(path.join(dir, 'demo.duckdb')), '--dir keeps the database');
  // every request not compared has its reason
  for (const c of j.counterfactuals) {
    const sum = Object.values(c.excluded).reduce((a, n) => a + n, 0);
    assert.equal(sum, c.selected - c.requests);
    assert.equal(sum, c.infeasible);
  }
});
