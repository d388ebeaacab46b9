/**
 * Offline means offline: DuckDB never installs or loads an extension on its own, so a file of
 * another database's format given as --db is refused at once instead of fetching a reader for it.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fixtures, runCli, tmpDir, withMemory } from '../helpers.js';

test('every store has extension autoinstall and autoload off', async () => {
  await withMemory(async (s) => {
    assert.deepEqual(
      await s.one(
        `SELECT current_setting('autoinstall_known_extensions') AS install, current_setting('autoload_known_extensions') AS load`,
      ),
      { install: false, load: false },
    );
  });
});

test('a SQLite file as --db: exit 2 with one line, nothing fetched, the file as it was', () => {
  const file = path.join(tmpDir(), 'logs.sqlite');
  // the 16-byte header DuckDB recognises a SQLite database by, and an empty first page
  writeFileSync(file, Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(4080)]));
  const before = readFileSync(file);
  for (const args of [
    ['analyze', '--db', file],
    ['ingest', path.join(fixtures, 'ingest', 'requests.csv'), '--db', file],
  ]) {
    const r = runCli(args);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(
      r.stderr,
      `ai-ping: database ${file} is not a DuckDB database; --db takes a database that 'ai-ping ingest' wrote\n`,
    );
  }
  assert.deepEqual(readFileSync(file), before);
});
