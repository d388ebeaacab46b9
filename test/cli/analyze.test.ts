import assert from 'node:assert/strict';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { fixtures, runCli, tmpDir } from '../helpers.js';

describe('ai-ping analyze', () => {
  const dir = tmpDir();
  const db = path.join(dir, 'demo.duckdb');
  before(() => {
    const r = runCli(['demo', '--requests', '40000', '--dir', dir, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
  });

  test('the JSON contract, and the demo market lands on the study figures (32.0% / 87.4% / 0.693)', () => {
    const r = runCli(['analyze', '--db', db, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    for (const key of ['concentration', 'versionInertia', 'supplyVsUse', 'heterogeneity', 'taskRegimes'])
      assert.ok(key in j, key);
    const c = j.concentration;
    assert.equal(c.unit, 'tokens');
    assert.ok(Math.abs(c.top1Share - 32.0) <= 0.5, `top1 ${c.top1Share}`);
    assert.ok(Math.abs(c.top5Share - 87.4) <= 0.5, `top5 ${c.top5Share}`);
    assert.ok(Math.abs(c.gini - 0.693) <= 0.01, `gini ${c.gini}`);
    assert.ok(c.hhi > 0 && c.hhi < 1);
    assert.deepEqual(Object.keys(c.families[0]).sort(), ['demand', 'family', 'share']);
    assert.equal(c.families[0].family, 'DeepSeek');
    assert.ok(typeof j.versionInertia.inertiaIndex === 'number' && Array.isArray(j.versionInertia.lines));
    const v32 = j.versionInertia.lines.find((l: { line: string }) => l.line === 'DeepSeek-V3');
    assert.equal(v32.newestModel, 'DeepSeek-V3.2');
    assert.ok(v32.releaseDayShare > v32.day7Share && v32.day7Share > v32.day30Share, 'superseded share decays');
    assert.ok(j.taskRegimes.tasks.every((t: { task: string }) => typeof t.task === 'string'));
    assert.equal(j.taskRegimes.tasks.length, 5);
  });

  test('markdown carries Mermaid charts; --level and --by change the grouping and unit', () => {
    const md = runCli(['analyze', '--db', db, '--format', 'md']);
    assert.equal(md.code, 0, md.stderr);
    assert.match(md.stdout, /```mermaid\nxychart-beta\n {2}title "Lorenz curve/);
    assert.match(md.stdout, /title "DeepSeek-V3: superseded share of daily demand since DeepSeek-V3.2/);
    const byProvider = JSON.parse(
      runCli(['analyze', '--db', db, '--format', 'json', '--level', 'provider', '--by', 'requests']).stdout,
    );
    assert.equal(byProvider.concentration.unit, 'requests');
    assert.ok(byProvider.concentration.providers.length > 5);
    const total = byProvider.concentration.providers.reduce((n: number, p: { demand: number }) => n + p.demand, 0);
    assert.equal(total, 40000, 'by requests: every logged request counts once');
  });

  test('works straight on request-log files, in memory', () => {
    const r = runCli([
      'analyze',
      path.join(fixtures, 'ingest', 'requests.csv'),
      '--format',
      'json',
      '--by',
      'requests',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const c = JSON.parse(r.stdout).concentration;
    // requests.csv: 3 Qwen, 2 DeepSeek, 1 GLM → 50%, 33.3%, 16.7%
    assert.deepEqual(
      c.families.map((f: { family: string; demand: number }) => [f.family, f.demand]),
      [
        ['Qwen', 3],
        ['DeepSeek', 2],
        ['GLM', 1],
      ],
    );
    assert.equal(c.top1Share, 50);
    // Gini of (3, 2, 1): Σ|xi − xj| = 2·(1 + 2 + 1) = 8; 2·n²·x̄ = 2·9·2 = 36 → 0.2222…
    assert.ok(Math.abs(c.gini - 8 / 36) < 1e-9);
  });

  test('no database is a clear error', () => {
    const r = runCli(['analyze', '--db', path.join(tmpDir(), 'missing.duckdb')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /missing\.duckdb does not exist/);
  });
});

test('spreadBar: the median provider sits between min and max', async () => {
  const { spreadBar } = await import('../../src/commands/analyze.js');
  // values 1, 2, 9 → median 2 at (2 − 1) / (9 − 1) × 8 = 1
  assert.equal(spreadBar([9, 1, 2, null]), '1 ━●━━━━━━━ 9');
  // even count: median (2 + 4) / 2 = 3 → (3 − 2) / (10 − 2) × 8 = 1
  assert.equal(spreadBar([2, 4, 10, 2]), '2 ━●━━━━━━━ 10');
  assert.equal(spreadBar([5]), null);
});
