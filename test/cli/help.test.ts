import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { root, runCli } from '../helpers.js';

test('--help lists every command with an example and exits 0', () => {
  const r = runCli(['--help']);
  assert.equal(r.code, 0);
  for (const cmd of ['ingest', 'catalog', 'generate', 'demo']) {
    assert.match(r.stdout, new RegExp(`^  ${cmd} `, 'm'), `${cmd} listed`);
    assert.match(r.stdout, new RegExp(`^  ai-ping ${cmd}\\b`, 'm'), `${cmd} example`);
  }
  for (const cmd of ['ingest', 'catalog', 'generate', 'demo']) {
    const sub = runCli([cmd, '--help']);
    assert.equal(sub.code, 0);
    assert.match(sub.stdout, /Examples?:\n {2}ai-ping /);
  }
});

test('--version prints the package version', () => {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
  assert.equal(runCli(['--version']).stdout.trim(), pkg.version);
});

test('--help does not load DuckDB', () => {
  const script = `
    const { main } = await import(${JSON.stringify(path.join(root, 'dist/src/cli/index.js'))});
    process.stdout.write = () => true;
    await main(['node', 'ai-ping', '--help']);
    const libs = process.report.getReport().sharedObjects;
    console.error(JSON.stringify(libs.filter((l) => /duckdb/i.test(l))));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stderr.trim().split('\n').pop()!), []);
});
