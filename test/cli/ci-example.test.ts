import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { root, runCli } from '../helpers.js';

test('the GitHub Actions example is valid YAML and every ai-ping command in it exists with its options', () => {
  const file = path.join(root, 'examples/github-actions/ai-ping-report.yml');
  const wf = parse(readFileSync(file, 'utf8')) as { jobs: Record<string, { steps: { run?: string }[] }> };
  const runs = Object.values(wf.jobs).flatMap((j) => j.steps.map((s) => s.run ?? ''));
  const commands = runs
    .flatMap((r) => r.replace(/\\\n\s*/g, ' ').split('\n'))
    .map((l) => l.trim())
    .filter((l) => l.startsWith('ai-ping '));
  assert.ok(commands.length >= 4);
  for (const c of commands) {
    const [, sub, ...rest] = c.split(/\s+/);
    const help = runCli([sub, '--help']);
    assert.equal(help.code, 0, `${sub} exists`);
    for (const opt of rest.filter((w) => w.startsWith('--')))
      assert.ok(help.stdout.includes(opt), `${sub} takes ${opt}`);
  }
});
