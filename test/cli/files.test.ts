/** Where output goes: missing folders are bad usage said up front, and a reader that stops early is no error. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { cli, fixtures, runCli, tmpDir } from '../helpers.js';

test('--out or --db in a folder that does not exist: exit 2 with one line, before any work', () => {
  const dir = tmpDir();
  const missing = path.join(dir, 'no', 'such');
  const out = runCli([
    'ingest',
    path.join(fixtures, 'ingest', 'requests.csv'),
    '--db',
    path.join(dir, 'x.duckdb'),
    '--out',
    path.join(missing, 'r.json'),
  ]);
  assert.equal(out.code, 2);
  assert.equal(out.stderr, `ai-ping: --out ${path.join(missing, 'r.json')}: the folder ${missing} does not exist\n`);
  assert.ok(!existsSync(path.join(dir, 'x.duckdb')), 'nothing was ingested');
  const db = runCli(['analyze', '--db', path.join(missing, 'a.duckdb')]);
  assert.equal(db.code, 2);
  assert.equal(db.stderr, `ai-ping: --db ${path.join(missing, 'a.duckdb')}: the folder ${missing} does not exist\n`);
  // generate makes its --out folder
  const gen = runCli(['generate', '--out', path.join(dir, 'new', 'data'), '--requests', '500', '--format', 'json']);
  assert.equal(gen.code, 0, gen.stderr);
});

test('a reader that closes the pipe early (ai-ping … | head): exit 0, no stack', async () => {
  const child = spawn(process.execPath, [cli, 'catalog', '--all', '--db', path.join(tmpDir(), 'none.duckdb')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 0, stderr);
  assert.equal(stderr, '');
});
