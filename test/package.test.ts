/**
 * The published package: `npm pack` gives a tarball that installs into an empty prefix from the
 * npm cache where it can (`--prefer-offline`: `npm ci` caches the dependencies' tarballs, not always the
 * registry's version lists that an install from a tarball resolves its ranges with) and runs from there,
 * away from this checkout.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { cliEnv, root, tmpDir } from './helpers.js';

const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { name: string; version: string };

function run(cmd: string, args: string[], cwd: string) {
  const r = spawnSync(cmd, args, { cwd, env: cliEnv(), encoding: 'utf8' });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} exited ${r.status}\n${r.stderr}`);
  return r.stdout;
}

test('npm pack: the tarball installs into an empty prefix and runs --version and the demo', () => {
  const dir = tmpDir('ai-ping-pack-');
  // dist/ is built by `npm test`; the pack only collects it.
  const [packed] = JSON.parse(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], root)) as {
    filename: string;
    files: { path: string }[];
  }[];
  const paths = packed.files.map((f) => f.path);
  assert.ok(
    paths.includes('bin/ai-ping.js') && paths.includes('dist/src/cli/index.js'),
    'the CLI and its build are packed',
  );
  assert.ok(
    !paths.some((p) => /^(test|bench|data|src)\//.test(p) || p.startsWith('dist/test/')),
    'tests, sources and data stay out',
  );

  const prefix = path.join(dir, 'prefix');
  run(
    'npm',
    [
      'install',
      '-g',
      '--prefix',
      prefix,
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      path.join(dir, packed.filename),
    ],
    dir,
  );
  const bin = path.join(prefix, 'bin', 'ai-ping');
  const elsewhere = tmpDir('ai-ping-pack-run-');

  assert.equal(run(bin, ['--version'], elsewhere).trim(), pkg.version);
  const demo = run(bin, ['demo', '--requests', '20000', '--format', 'json'], elsewhere);
  const out = JSON.parse(demo) as { files: { kind: string; read: number }[] };
  assert.equal(out.files.find((f) => f.kind === 'requests')?.read, 20000);
});
