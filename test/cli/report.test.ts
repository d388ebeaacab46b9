import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { fixtures, runCli, tmpDir } from '../helpers.js';

describe('ai-ping report', () => {
  const dir = tmpDir();
  const db = path.join(dir, 'demo.duckdb');
  before(() => {
    const r = runCli(['demo', '--requests', '20000', '--dir', dir, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
  });

  test('Markdown with the answer first; passing gates exit 0', () => {
    const out = path.join(dir, 'report.md');
    const r = runCli(['report', '--db', db, '--bootstrap', '20', '--out', out, '--fail-if', 'unknownModels > 0', '--fail-if', 'top1Share > 50']);
    assert.equal(r.code, 0, r.stderr);
    const md = readFileSync(out, 'utf8');
    const lines = md.split('\n');
    assert.match(lines[0], /^- \*\*20,000 requests, 2025-10-\d\d \.\. 2025-12-\d\d\*\*$/);
    assert.match(lines[1], /^- \*\*cost: −\d+\.\d% cost \[/);
    assert.match(md, /\| unknownModels > 0 \| 0\.00 \| ok \|/);
    assert.match(md, /```mermaid\nxychart-beta/);
    assert.ok(!md.includes(dir), 'no absolute paths in the report');
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
});

test('golden Markdown for the small report market (UPDATE_GOLDEN=1 rewrites it)', () => {
  const fixture = path.join(fixtures, 'report');
  const db = path.join(tmpDir(), 'golden.duckdb');
  assert.equal(runCli(['ingest', fixture, '--db', db]).code, 0);
  const r = runCli(['report', '--db', db, '--bootstrap', '20']);
  assert.equal(r.code, 0, r.stderr);
  const golden = path.join(fixture, 'report.golden.md');
  if (process.env.UPDATE_GOLDEN) writeFileSync(golden, r.stdout);
  assert.equal(r.stdout, readFileSync(golden, 'utf8'));
});
