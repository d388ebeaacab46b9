import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { ResourceError } from '../../src/errors.js';
import { defaultMemoryLimit, Store } from '../../src/store/db.js';
import { fixtures, runCli, tmpDir } from '../helpers.js';

async function settings(env: Record<string, string | undefined>, db = ':memory:') {
  const saved = { m: process.env.AI_PING_MEMORY_LIMIT, t: process.env.AI_PING_TEMP_DIR };
  Object.assign(process.env, env);
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
  try {
    const s = await Store.open(db);
    try {
      return await s.one<{ memory: string; temp: string }>(
        "SELECT current_setting('memory_limit') AS memory, current_setting('temp_directory') AS temp",
      );
    } finally {
      s.close();
    }
  } finally {
    for (const [k, v] of [
      ['AI_PING_MEMORY_LIMIT', saved.m],
      ['AI_PING_TEMP_DIR', saved.t],
    ] as const)
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  }
}

test('AI_PING_MEMORY_LIMIT and AI_PING_TEMP_DIR reach DuckDB; in memory, spills go to the system temporary folder', async () => {
  const dir = tmpDir();
  const set = await settings({ AI_PING_MEMORY_LIMIT: '1GB', AI_PING_TEMP_DIR: dir });
  // DuckDB shows 1 GB (10^9 bytes) as 953.6 MiB
  assert.equal(set!.memory, '953.6 MiB');
  assert.equal(set!.temp, dir);
  const unset = await settings({ AI_PING_MEMORY_LIMIT: undefined, AI_PING_TEMP_DIR: undefined });
  assert.equal(unset!.temp, path.join(tmpdir(), 'ai-ping-spill'));
  // beside a database file, DuckDB's own default
  const file = path.join(dir, 'x.duckdb');
  const beside = await settings({ AI_PING_MEMORY_LIMIT: undefined, AI_PING_TEMP_DIR: undefined }, file);
  assert.equal(beside!.temp, `${file}.tmp`);
});

test('without AI_PING_MEMORY_LIMIT, the ceiling is a quarter of the memory DuckDB finds (its own default: 80%)', async () => {
  // 18.8 GiB = 19,251.2 MiB is 80%: a quarter is 19,251.2 / 0.8 × 0.25 = 6,016 MiB
  assert.equal(defaultMemoryLimit('18.8 GiB'), '6016MiB');
  assert.equal(defaultMemoryLimit('953.6 MiB'), '298MiB'); // 953.6 × 0.3125 = 298
  assert.equal(defaultMemoryLimit('unlimited'), undefined);
  // DuckDB's default on this machine, read from an instance of its own, and that quarter as DuckDB shows it
  const raw = await (await DuckDBInstance.create(':memory:')).connect();
  const read = async () =>
    String((await raw.runAndReadAll("SELECT current_setting('memory_limit') AS m")).getRowObjects()[0].m);
  const [, n, unit] = /^([\d.]+) (KiB|MiB|GiB|TiB)$/.exec(await read())!;
  const mib = Number(n) * { KiB: 1 / 1024, MiB: 1, GiB: 1024, TiB: 1024 ** 2 }[unit as 'KiB'];
  await raw.run(`SET memory_limit = '${Math.floor((mib / 0.8) * 0.25)}MiB'`);
  const unset = await settings({ AI_PING_MEMORY_LIMIT: undefined });
  assert.equal(unset!.memory, await read());
  raw.closeSync();
});

test('--memory-limit that is not a size: exit 2 with one line', () => {
  const r = runCli(['--memory-limit', 'lots', 'catalog', 'Qwen3-32B']);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, "ai-ping: --memory-limit 'lots' is not a size such as 512MB or 8GB\n");
});

test('DuckDB out of memory under its ceiling: a ResourceError naming what would change it; exit 2 with one line', async () => {
  const saved = process.env.AI_PING_MEMORY_LIMIT;
  process.env.AI_PING_MEMORY_LIMIT = '20MB';
  try {
    const s = await Store.open(':memory:');
    try {
      // lists are held whole: 10 M integers in three lists need more than 20 MB
      await assert.rejects(
        s.run('SELECT len(list(range)) FROM range(10000000) GROUP BY range % 3'),
        (e) =>
          e instanceof ResourceError &&
          /^DuckDB ran out of memory \(.*MiB used\)\); raise its ceiling with --memory-limit or AI_PING_MEMORY_LIMIT/.test(
            e.message,
          ),
      );
      // the same where the result is read chunk by chunk (this statement fails before the first chunk)
      await assert.rejects(async () => {
        for await (const chunk of s.chunks('SELECT len(list(range)) FROM range(10000000) GROUP BY range % 3'))
          assert.ok(chunk);
      }, ResourceError);
      // the connection stays usable
      assert.deepEqual(await s.one('SELECT 1 AS x'), { x: 1 });
    } finally {
      s.close();
    }
  } finally {
    if (saved === undefined) delete process.env.AI_PING_MEMORY_LIMIT;
    else process.env.AI_PING_MEMORY_LIMIT = saved;
  }
  const r = runCli(['--memory-limit', '1MB', 'analyze', path.join(fixtures, 'analyze', 'market-requests.csv')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^ai-ping: DuckDB ran out of memory \(.*\); raise its ceiling with --memory-limit[^\n]*\n$/);
});
