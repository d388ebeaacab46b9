/**
 * Scale benchmark, run only with `--scale` (at 100 M requests about a quarter of an hour and 10 GB of
 * disk): N requests (default 100 M) of the simulate benchmark's market written in SQL as
 * partitioned Parquet (one file per 10 M requests), then
 *
 * 1. ingest: `ai-ping ingest DIR --kind requests` against a plain DuckDB `CREATE TABLE … AS SELECT *
 *    FROM read_parquet(…)` of the same files (target at most 1.3x);
 * 2. replay: the market added to the ingested database, `ai-ping simulate --policy cost` in the
 *    default `--cache chain` and in `--cache warm` (target under 60 s, peak under 8 GB).
 *
 * Each run is a process of its own, with its wall time, peak memory and the most DuckDB spilled to
 * its temporary folder meanwhile; for each replay, its slowest statements (AI_PING_DEBUG=sql), which
 * tell what limits it. `--memory-limit SIZE` passes DuckDB's memory ceiling to the replays.
 * Usage: node dist/bench/scale.bench.js --scale [--requests N] [--dir DIR] [--memory-limit 6GB]
 */
import { quotedString } from '@duckdb/node-api';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Store } from '../src/store/db.js';
import { arg, resultLine, rssProbe, textArg, type Measured } from './measure.js';
import { benchRequestsSql, buildSimulateBenchMarket } from './simulate-market.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.resolve(here, '../../bin/ai-ping.js');
const PART = 10_000_000;

/** Bytes in a folder and below it (0 when it does not exist). */
function folderBytes(dir: string): number {
  let total = 0;
  try {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      total += e.isDirectory() ? folderBytes(p) : statSync(p).size;
    }
  } catch {
    // gone between the listing and the stat, or never made
  }
  return total;
}

interface Run extends Measured {
  spillMb: number;
  stderr: string;
}

/**
 * A node child's wall time, peak RSS (rssProbe) and the most `spill` held meanwhile; its stderr kept. Unlike
 * measure, it runs beside this process, which polls the spill folder.
 */
function run(args: string[], spill: string, env: Record<string, string> = {}): Promise<Run> {
  const rss = rssProbe();
  const t0 = process.hrtime.bigint();
  let spillMax = 0;
  const poll = setInterval(() => (spillMax = Math.max(spillMax, folderBytes(spill))), 1000);
  const child = spawn(process.execPath, [...rss.nodeArgs, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...rss.env, ...env },
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(poll);
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      if (code !== 0) return reject(new Error(`${args.slice(0, 2).join(' ')} exited with ${code}: ${stderr.trim()}`));
      resolve({ seconds, peakMb: rss.peakMb(), spillMb: spillMax / 1e6, stderr });
    });
  });
}

/** The `count` slowest statements of an AI_PING_DEBUG=sql log: `[sql  1234 ms] SQL…`. */
function slowest(log: string, count: number): string[] {
  return [...log.matchAll(/^\[sql +(\d+) ms\] (.*)$/gm)]
    .map((m) => ({ ms: Number(m[1]), sql: m[2] }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, count)
    .map((s) => `    ${(s.ms / 1000).toFixed(1).padStart(6)} s  ${s.sql.slice(0, 90)}`);
}

if (!process.argv.includes('--scale')) {
  console.log('scale benchmark: skipped (pass --scale to write, ingest and replay 100 M requests)');
  process.exit(0);
}
const n = arg('--requests', 100_000_000);
const memoryLimit = textArg('--memory-limit');
const dir = mkdtempSync(path.join(textArg('--dir') ?? os.tmpdir(), 'ai-ping-bench-scale-'));
try {
  const parquet = path.join(dir, 'requests');
  mkdirSync(parquet);
  const parts = Math.ceil(n / PART);
  const t0 = Date.now();
  const writer = await Store.open(':memory:', { init: false });
  try {
    for (let k = 0; k < parts; k++) {
      process.stderr.write(`writing requests part ${k + 1} of ${parts} …\n`);
      const file = path.join(parquet, `part-${String(k).padStart(3, '0')}.parquet`);
      await writer.run(
        `COPY (${benchRequestsSql(k * PART, Math.min(n, (k + 1) * PART))}) TO ${quotedString(file)} (FORMAT parquet)`,
      );
    }
  } finally {
    writer.close();
  }
  const mb = folderBytes(parquet) / 1e6;
  process.stderr.write(
    `  ${n.toLocaleString('en-US')} requests, ${mb.toFixed(0)} MB in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`,
  );

  const plainDb = path.join(dir, 'plain.duckdb');
  const oursDb = path.join(dir, 'ours.duckdb');
  process.stderr.write('plain load …\n');
  const plain = await run(
    [path.join(here, 'plain-ctas.js'), plainDb, path.join(parquet, '*.parquet')],
    `${plainDb}.tmp`,
  );
  rmSync(plainDb, { force: true });
  process.stderr.write('ai-ping ingest …\n');
  const ingest = await run(
    [cli, 'ingest', parquet, '--db', oursDb, '--kind', 'requests', '--format', 'json', '--quiet'],
    `${oursDb}.tmp`,
  );
  const store = await Store.open(oursDb);
  try {
    await buildSimulateBenchMarket(store);
  } finally {
    store.close();
  }
  const replays: [string, Run][] = [];
  for (const cache of ['chain', 'warm']) {
    process.stderr.write(`ai-ping simulate --policy cost --cache ${cache} …\n`);
    const args = [cli, 'simulate', '--db', oursDb, '--policy', 'cost', '--cache', cache, '--bootstrap', '0'];
    if (memoryLimit) args.push('--memory-limit', memoryLimit);
    replays.push([
      cache,
      await run([...args, '--format', 'json', '--quiet'], `${oursDb}.tmp`, { AI_PING_DEBUG: 'sql' }),
    ]);
  }

  const spill = (r: Run) => `   spill ${r.spillMb.toFixed(0).padStart(6)} MB`;
  console.log(
    `scale benchmark: ${n.toLocaleString('en-US')} requests × 8 providers in ${parts} Parquet files (${mb.toFixed(0)} MB), ` +
      `${os.cpus().length} cores, one run each${memoryLimit ? `, replays with --memory-limit ${memoryLimit}` : ''}`,
  );
  console.log(resultLine('plain DuckDB CTAS', plain, 32) + spill(plain));
  console.log(resultLine('ai-ping ingest', ingest, 32) + spill(ingest));
  console.log(`  ingest ratio ${(ingest.seconds / plain.seconds).toFixed(2)}x (target <= 1.30x)`);
  for (const [cache, r] of replays) {
    console.log(resultLine(`ai-ping simulate (cost, ${cache})`, r, 32) + spill(r));
    console.log('  slowest statements:');
    for (const line of slowest(r.stderr, 4)) console.log(line);
  }
  console.log('  target: one policy under 60 s, peak under 8192 MB');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
