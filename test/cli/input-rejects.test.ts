/**
 * Files read in memory (`analyze FILE`, `simulate FILE`) keep no `rejects` table, so their
 * rejected rows are told on stderr; stray files in a folder are skipped with a warning.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fixtures, runCli, tmpDir } from '../helpers.js';

const bad = 'fixtures/ingest/bad/invalid-utf8-two-fields.csv';
const strays = 'fixtures/ingest/stray-files';

/** The warnings about files, in order (other warnings a command may give are left out). */
const fileWarnings = (stderr: string, prefix: string) =>
  stderr.split('\n').filter((l) => l.startsWith(`warning: ${prefix}`));

const rejectWarnings = [
  `warning: ${bad}: 1 of 2 row(s) rejected, not kept (read in memory; 'ai-ping ingest' keeps them in the 'rejects' table)`,
  `warning: ${bad}: row 1: line 2: model, provider: Invalid unicode (byte sequence mismatch) detected. This file is not utf-8 encoded.`,
];

const skipWarnings = [
  `warning: ${strays}/README.md: skipped: not a data file (no Parquet, CSV, JSON or Arrow extension)`,
  `warning: ${strays}/notes.txt: skipped: not a table ai-ping reads: no known column ` +
    '(columns: These logs come from the gateway, collected in October.)',
];

test('analyze FILE: rejected rows counted on stderr with the first reasons, and under input in the JSON', () => {
  const r = runCli(['analyze', bad, '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(fileWarnings(r.stderr, bad), rejectWarnings);
  // read 2 = accepted 1 + rejected 1: the row with two bad fields counts once
  assert.deepEqual(JSON.parse(r.stdout).input, {
    files: [{ file: bad, kind: 'requests', read: 2, accepted: 1, duplicates: 0, rejected: 1 }],
  });
  const table = runCli(['analyze', bad]);
  assert.match(table.stdout, /1 row\(s\) of the files rejected, not kept \(read in memory; see the warnings\)/);
});

test('simulate FILE: the same warnings, and the same counts under input in the JSON', () => {
  const r = runCli(['simulate', bad, '--policy', 'cost', '--baseline', 'observed', '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(fileWarnings(r.stderr, bad), rejectWarnings);
  const json = JSON.parse(r.stdout);
  assert.equal(json.requests, 1);
  assert.deepEqual(json.input, {
    files: [{ file: bad, kind: 'requests', read: 2, accepted: 1, duplicates: 0, rejected: 1 }],
  });
});

test('analyze on a database has no input block', () => {
  const db = path.join(tmpDir(), 'x.duckdb');
  assert.equal(runCli(['ingest', path.join(fixtures, 'ingest', 'requests.csv'), '--db', db]).code, 0);
  const r = runCli(['analyze', '--db', db, '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).input, undefined);
});

test('a stray file in a folder is skipped with a warning naming it, by ingest, analyze and simulate', () => {
  const db = path.join(tmpDir(), 'x.duckdb');
  const ingest = runCli(['ingest', strays, '--db', db, '--format', 'json']);
  assert.equal(ingest.code, 0, ingest.stderr);
  assert.deepEqual(fileWarnings(ingest.stderr, strays), skipWarnings);
  assert.deepEqual(
    JSON.parse(ingest.stdout).files.map((f: { file: string; read: number }) => [f.file, f.read]),
    [[`${strays}/requests.csv`, 2]],
  );
  const analyze = runCli(['analyze', strays, '--format', 'json']);
  assert.equal(analyze.code, 0, analyze.stderr);
  assert.deepEqual(fileWarnings(analyze.stderr, strays), skipWarnings);
  assert.equal(JSON.parse(analyze.stdout).input.files.length, 1);
  const simulate = runCli(['simulate', strays, '--policy', 'cost', '--baseline', 'observed', '--format', 'json']);
  assert.equal(simulate.code, 0, simulate.stderr);
  assert.deepEqual(fileWarnings(simulate.stderr, strays), skipWarnings);
  assert.equal(JSON.parse(simulate.stdout).requests, 2);
});

test('a non-data file given by name, or a folder of nothing else: exit 2 with one line', () => {
  const dir = tmpDir();
  const db = path.join(dir, 'x.duckdb');
  const named = runCli(['ingest', `${strays}/notes.txt`, '--db', db]);
  assert.equal(named.code, 2);
  assert.match(named.stderr, /^ai-ping: \S*notes\.txt: cannot tell which table this is \(columns: [^\n]*\n$/);
  assert.ok(!existsSync(db), 'no database is left behind');
  const readme = runCli(['analyze', `${strays}/README.md`]);
  assert.equal(readme.code, 2);
  assert.match(readme.stderr, /^ai-ping: \S*README\.md: cannot tell which table this is [^\n]*\n$/);
  const folder = path.join(dir, 'notes-only');
  mkdirSync(folder);
  copyFileSync(path.join(fixtures, 'ingest', 'stray-files', 'notes.txt'), path.join(folder, 'notes.txt'));
  const only = runCli(['simulate', folder, '--policy', 'cost']);
  assert.equal(only.code, 2);
  assert.match(
    only.stderr,
    /^ai-ping: \S*notes-only: no file holds a table ai-ping reads; first: \S*notes\.txt: [^\n]*\n$/,
  );
});
