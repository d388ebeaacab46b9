/**
 * The README's examples run as printed. Every `ai-ping …` command in a fenced block of the
 * Quickstart and the Walkthrough runs, in order, in an empty folder that sees only the
 * repository's `data/` and `fixtures/`; where the README shows a command's output (`$ command`
 * followed by what it printed), every line shown, bar `…`, is a line of the real output.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { cli, cliEnv, root, tmpDir } from './helpers.js';

interface ReadmeExample {
  /** 1-based line of the command in the README */
  line: number;
  /** the shell command, continuation lines joined, comments dropped, `npx ai-ping` as `ai-ping` */
  command: string;
  /** the output the README prints after a `$ command`, if any */
  output?: string[];
}

const ELLIPSIS = '…';

/** Drops a trailing ` # comment` outside quotes. */
function dropComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) return line.slice(0, i).trimEnd();
  }
  return line.trimEnd();
}

/** The examples of the README's sections from `## Quickstart` up to `## Reference`. */
function readmeExamples(text: string): ReadmeExample[] {
  const lines = text.split('\n');
  const from = lines.indexOf('## Quickstart');
  const to = lines.indexOf('## Reference');
  assert.ok(from >= 0 && to > from, 'the README has a Quickstart before its Reference');
  const examples: ReadmeExample[] = [];
  let fence: string | undefined;
  let current: ReadmeExample | undefined;
  for (let i = from; i < to; i++) {
    const line = lines[i];
    if (line.startsWith('```')) {
      fence = fence === undefined ? line.slice(3).trim() : undefined;
      current = undefined;
      continue;
    }
    if (fence === undefined) continue;
    const prompt = line.startsWith('$ ');
    if (!prompt && current?.output) {
      current.output.push(line);
      continue;
    }
    if (!prompt && fence !== 'sh') continue;
    // A command: join continuation lines.
    const start = i;
    let command = dropComment(prompt ? line.slice(2) : line);
    while (command.endsWith('\\') && i + 1 < to)
      command = `${command.slice(0, -1).trimEnd()} ${dropComment(lines[++i]).trim()}`;
    command = command.replace(/^npm ci && /, '').replace(/\bnpx ai-ping\b/g, 'ai-ping');
    if (!/^(ai-ping |[A-Z_]+=)/.test(command)) continue;
    current = { line: start + 1, command, ...(prompt ? { output: [] } : {}) };
    examples.push(current);
  }
  return examples;
}

test('README examples: the parser keeps commands, outputs and variables, and drops comments', () => {
  const readme = [
    '## Quickstart',
    '```sh',
    'npm ci && npx ai-ping demo      # the demo',
    'npm ci && npm test',
    '```',
    '```',
    '$ ai-ping x --a \\',
    "    --b 'c # d'",
    'out 1',
    '…',
    'out 2',
    '```',
    '```sh',
    'D=data/real',
    'ai-ping y $D/f',
    '```',
    '## Reference',
    '```sh',
    'ai-ping z',
    '```',
  ].join('\n');
  assert.deepEqual(readmeExamples(readme), [
    { line: 3, command: 'ai-ping demo' },
    { line: 7, command: "ai-ping x --a --b 'c # d'", output: ['out 1', '…', 'out 2'] },
    { line: 14, command: 'D=data/real' },
    { line: 15, command: 'ai-ping y $D/f' },
  ]);
});

test('every ai-ping command of the Quickstart and Walkthrough runs as printed, and prints what the README shows', () => {
  const examples = readmeExamples(readFileSync(path.join(root, 'README.md'), 'utf8'));
  assert.ok(examples.filter((e) => e.command.startsWith('ai-ping ')).length >= 10, 'the README shows its commands');

  // An empty folder that sees the repository's data and fixtures, and `ai-ping` on PATH as the built CLI.
  const cwd = tmpDir('ai-ping-readme-');
  for (const dir of ['data', 'fixtures']) symlinkSync(path.join(root, dir), path.join(cwd, dir));
  const bin = path.join(cwd, '.bin');
  mkdirSync(bin);
  writeFileSync(path.join(bin, 'ai-ping'), `#!/bin/sh\nexec "${process.execPath}" "${cli}" "$@"\n`);
  chmodSync(path.join(bin, 'ai-ping'), 0o755);
  const env = cliEnv({ PATH: `${bin}${path.delimiter}${process.env.PATH}` });

  const variables: string[] = [];
  for (const example of examples) {
    if (!example.command.startsWith('ai-ping ')) {
      variables.push(example.command);
      continue;
    }
    const r = spawnSync('bash', ['-c', [...variables, example.command].join('\n')], { cwd, env, encoding: 'utf8' });
    const where = `README line ${example.line}: ${example.command}`;
    // A gate example may fail its gate (exit 1); nothing else may fail.
    const allowed = example.command.includes('--fail-if') ? [0, 1] : [0];
    assert.ok(allowed.includes(r.status ?? -1), `${where}\nexit ${r.status}\n${r.stderr}`);
    if (!example.output) continue;
    const printed = new Set(`${r.stdout}\n${r.stderr}`.split('\n').map((l) => l.trimEnd()));
    for (const shown of example.output) {
      if (shown.trim() === '' || shown.trim() === ELLIPSIS) continue;
      assert.ok(
        printed.has(shown.trimEnd()),
        `${where}\nthe README shows a line the command does not print:\n${shown}`,
      );
    }
  }
});
