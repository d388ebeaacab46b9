import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { fixtures, root, runCli, tmpDir } from '../helpers.js';

describe('ai-ping report', () => {
  const dir = tmpDir();
  const db = path.join(dir, 'demo.duckdb');
  before(() => {
    const r = runCli(['demo', '--requests', '20000', '--dir', dir, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
  });

  test('Markdown with the answer first; passing gates exit 0', () => {
    const out = path.join(dir, 'report.md');
    const r = runCli([
      'report',
      '--db',
      db,
      '--bootstrap',
      '20',
      '--out',
      out,
      '--fail-if',
      'unknownModels > 0',
      '--fail-if',
      'top1Share > 50',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const md = readFileSync(out, 'utf8');
    const lines = md.split('\n');
    assert.match(lines[0], /^- \*\*20,000 requests, 2025-10-\d\d \.\. 2025-12-\d\d\*\*$/);
    assert.match(lines[1], /^- \*\*cost: −\d+\.\d% cost \[/);
    assert.match(md, /\| unknownModels > 0 \| 0\.00 \| ok \|/);
    assert.match(md, /```mermaid\nxychart-beta/);
    assert.ok(!md.includes(dir), 'no absolute paths in the report');
  });

  test('the lead says what the data answers, each figure as the JSON gives it', () => {
    const md = runCli(['report', '--db', db, '--bootstrap', '0']);
    const json = runCli(['report', '--db', db, '--bootstrap', '0', '--format', 'json']);
    assert.equal(md.code, 0, md.stderr);
    const { analysis: a, simulation: s, reconcile: rec } = JSON.parse(json.stdout);
    type Model = { model: string; requests: number; demand: number };
    const used = new Map<string, number>(
      a.supplyVsUse.models.filter((m: Model) => m.requests > 0).map((m: Model) => [m.model, m.demand]),
    );
    // models with requests and two or more providers, most demand first
    const major = a.heterogeneity.models
      .filter((m: { model: string }) => used.has(m.model))
      .sort((x: { model: string }, y: { model: string }) => used.get(y.model)! - used.get(x.model)!);
    const n = (v: number) => v.toLocaleString('en-US');
    assert.ok(a.concentration.groups > 1 && a.versionInertia.lines.length > 0 && a.supplyVsUse.spearman !== null);
    const expected =
      `- **this data answers: where demand goes across ${a.concentration.groups} families; ` +
      `how long superseded versions keep traffic (${a.versionInertia.lines.length} line(s)); ` +
      `whether listing breadth follows use (${a.supplyVsUse.models.length} models); ` +
      `how providers differ for ${major.length} model(s) with requests (${major[0].model}: ${major[0].providers.length} providers); ` +
      `whether list prices describe the bills (${n(rec.overall.priced)} requests compared); ` +
      `what routing would have saved (${n(s.policies[0].requests)} of ${n(s.requests)} requests compared)**`;
    assert.equal(md.stdout.split('\n')[5], expected);
    // the demo bills at list prices: no gap
    const billed = Number(rec.overall.billedCost.toPrecision(6));
    assert.equal(
      md.stdout.split('\n')[4],
      `- **bills vs list: billed ${billed} CNY, list ${billed} CNY (0.00%; median per-request error 0.00%) ` +
        `over ${n(rec.overall.priced)} of ${n(rec.overall.requests)} requests**`,
    );
    assert.doesNotMatch(md.stdout, /it cannot answer/);
  });

  test('a failing gate still writes the report, marks it at the top and exits 1', () => {
    const out = path.join(dir, 'failed.md');
    const r = runCli(['report', '--db', db, '--bootstrap', '0', '--out', out, '--fail-if', 'gini < 0.99']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /gate\(s\) failed: gini < 0\.99 \(gini = 0\.6\d+\)/);
    assert.ok(existsSync(out));
    assert.match(readFileSync(out, 'utf8').split('\n')[0], /^- \*\*GATE FAILED: gini < 0\.99 \(gini = 0\.6\d\)\*\*$/);
  });

  test('an unknown figure or a malformed gate exits 2 before any work', () => {
    const r = runCli(['report', '--db', db, '--fail-if', 'savings < 10']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown figure 'savings'/);
    assert.equal(runCli(['report', '--db', db, '--fail-if', 'savingsPct <']).code, 2);
  });

  test('--policy all replays every policy that takes no argument; an unknown policy exits 2 before any work', () => {
    const r = runCli(['report', '--db', db, '--bootstrap', '0', '--policy', 'all', '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const { simulation } = JSON.parse(r.stdout) as { simulation: { policies: { policy: string }[] } };
    assert.deepEqual(
      simulation.policies.map((p) => p.policy),
      [
        'cost',
        'throughput',
        'latency',
        'ttft',
        'balanced',
        'sla',
        'round-robin',
        'random',
        'static-best',
        'task-aware',
        'cost-sticky',
      ],
    );
    const bad = runCli(['report', '--db', path.join(dir, 'missing.duckdb'), '--policy', 'cost,cheapest']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown policy 'cheapest'; use cost, throughput, .* fixed:PROVIDER, or 'all'/);
  });
});

describe('ai-ping report on the small report market', () => {
  const fixture = path.join(fixtures, 'report');
  const db = path.join(tmpDir(), 'golden.duckdb');
  const gate = ['--fail-if', 'gini < 0.99'];
  let md = '';
  before(() => {
    assert.equal(runCli(['ingest', fixture, '--db', db]).code, 0);
    const r = runCli(['report', '--db', db, '--bootstrap', '0', ...gate]);
    assert.equal(r.code, 1, r.stderr);
    md = r.stdout;
  });

  test('golden Markdown (UPDATE_GOLDEN=1 rewrites it)', () => {
    const r = runCli(['report', '--db', db, '--bootstrap', '20']);
    assert.equal(r.code, 0, r.stderr);
    const golden = path.join(fixture, 'report.golden.md');
    if (process.env.UPDATE_GOLDEN) writeFileSync(golden, r.stdout);
    assert.equal(r.stdout, readFileSync(golden, 'utf8'));
  });

  test('providers of the major models side by side, from the fixture by hand', () => {
    // Qwen3-32B (45,400 tokens) before DeepSeek-V3.2 (9,750); official first, then by blended price.
    // Medians of the latency probes; blended = (3 x input + output) / 4: (6 + 8) / 4, (3.6 + 4.8) / 4, (4.2 + 5.6) / 4.
    const qwen = md.indexOf('### Qwen3-32B: 3 providers side by side');
    const deepseek = md.indexOf('### DeepSeek-V3.2: 2 providers side by side');
    assert.ok(qwen > 0 && deepseek > qwen, 'the model with more demand first');
    const bars = (from: number) => [...md.slice(from).matchAll(/^ {2}bar \[(.*)\]$/gm)].slice(0, 3).map((m) => m[1]);
    assert.deepEqual(bars(qwen), ['600, 1800, 850', '40, 30, 55', '3.5, 2.1, 2.45']);
    assert.match(md.slice(qwen), /x-axis \["qwen-official \(official\)", "provider-a", "provider-b"\]/);
    // (6 + 3) / 4 and (5.4 + 2.7) / 4
    assert.deepEqual(bars(deepseek), ['1500, 400', '25, 60', '2.25, 2.025']);
  });

  test('csv: the first table (the gates) with raw numbers', () => {
    const r = runCli([
      'report',
      '--db',
      db,
      '--bootstrap',
      '0',
      '--format',
      'csv',
      '--fail-if',
      'gini > 0.99',
      '--fail-if',
      'top1Share < 10',
    ]);
    assert.equal(r.code, 0, r.stderr);
    // Gini of 45,400 and 10,750 tokens: |x1 - x2| * 2 / (2 * 2^2 * mean) = 34,650 / 112,300; top family 45,400 / 56,150
    assert.equal(
      r.stdout,
      `gate,value,result\ngini > 0.99,${34650 / 112300},ok\ntop1Share < 10,${(45400 / 56150) * 100},ok\n`,
    );
  });

  test('html: the same sections, every chart as inline svg, a failed gate on top, exit 1', () => {
    const out = path.join(tmpDir(), 'report.html');
    const r = runCli(['report', '--db', db, '--bootstrap', '0', '--format', 'html', '--out', out, ...gate]);
    assert.equal(r.code, 1);
    const html = readFileSync(out, 'utf8');
    assert.equal(html.match(/<svg /g)?.length, md.match(/```mermaid/g)?.length);
    assert.equal(html.match(/<h2>/g)?.length, md.match(/^### /gm)?.length);
    assert.match(html, /<div class="alerts" role="alert">\n<p>GATE FAILED: gini &lt; 0\.99 \(gini = 0\.31\)<\/p>/);
    assert.match(html, /<li>8 requests, 2025-10-01 \.\. 2025-12-02<\/li>/);
    assert.ok(!html.includes(db) && !html.includes(root), 'no absolute paths');
  });

  test('the observed baseline adds the outcome-model fit', () => {
    const r = runCli(['report', '--db', db, '--bootstrap', '0', '--baseline', 'observed']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^- \*\*outcome model: /m);
    // 7 ok requests with a logged TTFT: counted, but below the 100 a fit needs, so no median errors
    assert.match(
      r.stdout,
      /### Outcome-model fit: too few requests to judge[^\n]*\n\n\| figure \| requests \| median abs\. error \| median bias \|\n[^\n]*\n\| cost \| 7 \| [^\n]*\n\| TTFT \| 7 \| {2}\| {2}\|/,
    );
  });
});
