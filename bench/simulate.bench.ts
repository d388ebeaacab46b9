/**
 * Simulate benchmark on two markets, N requests each (default 10 M): the bench market (one model
 * family × 8 providers, simulate-market.ts) and the generated demo market (`ai-ping generate`: 30
 * models, 19 providers, per-model provider sets, features, listings, model aliases). On each,
 * `ai-ping simulate --policy cost` runs against the same replay written by hand as one set-wise
 * DuckDB query for that market (plain-simulate.ts, plain-simulate-demo.ts), each side in its own
 * process, median of 3 alternating runs; then `--policy all` against one policy, and what the cache
 * chains (the default `--cache chain`) cost over `--cache warm`. Both sides must agree on every
 * figure before they are timed. Targets: one policy at most 1.5x the hand-written query (bench
 * market: peak under 2 GB; demo market: at most 2x the bench market's time, peak under 1 GB);
 * every policy at most 3x one policy (demo market: peak under 2 GB).
 * Usage: node dist/bench/simulate.bench.js [--requests N] [--runs R] [--market bench|demo|both]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Store } from '../src/store/db.js';
import { arg, measure, median, resultLine, textArg, type Measured } from './measure.js';
import { buildSimulateBenchDb } from './simulate-market.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.resolve(here, '../../bin/ai-ping.js');
const n = arg('--requests', 10_000_000);
const runs = arg('--runs', 3);
const markets = textArg('--market') ?? 'both';
if (!['bench', 'demo', 'both'].includes(markets)) throw new Error(`--market: bench, demo or both, not ${markets}`);
const dir = mkdtempSync(path.join(os.tmpdir(), 'ai-ping-bench-simulate-'));

interface Figures extends Record<string, unknown> {
  routing: { provider: string; share: number }[];
}

/** Equal to 1e-9 relative (sums in another order). */
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));

/** The two sides' figures and routing shares, equal to 1e-9 relative. */
function checkAgreement(market: string, plain: Figures, ours: Figures): void {
  for (const key of [
    'requests',
    'infeasible',
    'baselineCost',
    'policyCost',
    'savingsPct',
    'baselineThroughput',
    'policyThroughput',
    'meanTtftMs',
    'p50LatencyMs',
    'p90LatencyMs',
    'failureRate',
    'cacheHitRate',
    'loggedCacheHitRate',
    'lostCacheCost',
  ]) {
    const a = Number(plain[key]);
    const b = Number(ours[key]);
    if (!close(a, b)) throw new Error(`${market}: the two replays disagree on ${key}: ${a} vs ${b}`);
  }
  for (const { provider } of [...plain.routing, ...ours.routing]) {
    const mine = plain.routing.find((r) => r.provider === provider)?.share ?? 0;
    const theirs = ours.routing.find((r) => r.provider === provider)?.share ?? 0;
    if (!close(mine, theirs))
      throw new Error(`${market}: the two replays disagree on the routing share of ${provider}: ${mine} vs ${theirs}`);
  }
}

interface MarketRun {
  plain: Measured;
  one: Measured;
  warm: Measured;
  all: Measured;
}

/** One market: agreement, then `runs` alternating runs of the four sides; prints its lines. */
function benchMarket(title: string, db: string, plainScript: string): MarketRun {
  const simulate = (policy: string, cache = 'chain') => [
    cli,
    'simulate',
    '--db',
    db,
    '--policy',
    policy,
    '--cache',
    cache,
    '--bootstrap',
    '0',
    '--format',
    'json',
    '--quiet',
  ];
  const plainArgs = [path.join(here, plainScript), db];
  const plainFigures = JSON.parse(execFileSync(process.execPath, plainArgs, { encoding: 'utf8' }));
  const ours = JSON.parse(execFileSync(process.execPath, simulate('cost'), { encoding: 'utf8' }));
  checkAgreement(title, plainFigures, ours.policies[0]);
  const result = ours.policies[0];
  const compared = result.requests.toLocaleString('en-US');
  process.stderr.write(
    `  both replays: savings ${result.savingsPct.toFixed(2)}% over ${compared} compared requests, ` +
      `cache hits kept ${result.cacheHitRate.toFixed(2)}% of input (${result.loggedCacheHitRate.toFixed(2)}% logged)\n`,
  );
  const sides: Record<keyof MarketRun, Measured[]> = { plain: [], one: [], warm: [], all: [] };
  for (let run = 0; run < runs; run++) {
    sides.plain.push(measure(plainArgs));
    sides.one.push(measure(simulate('cost')));
    sides.warm.push(measure(simulate('cost', 'warm')));
    sides.all.push(measure(simulate('all')));
    process.stderr.write(
      `  run ${run + 1}: plain ${sides.plain[run].seconds.toFixed(2)} s, cost ${sides.one[run].seconds.toFixed(2)} s, ` +
        `cost warm ${sides.warm[run].seconds.toFixed(2)} s, all ${sides.all[run].seconds.toFixed(2)} s\n`,
    );
  }
  const m: MarketRun = {
    plain: median(sides.plain),
    one: median(sides.one),
    warm: median(sides.warm),
    all: median(sides.all),
  };
  console.log(`simulate benchmark, ${title}, ${os.cpus().length} cores, median of ${runs} runs`);
  console.log(resultLine('hand-written DuckDB query', m.plain, 29));
  console.log(resultLine('ai-ping simulate (cost)', m.one, 29));
  console.log(resultLine('ai-ping simulate (cost, warm)', m.warm, 29));
  console.log(resultLine('ai-ping simulate (all)', m.all, 29));
  return m;
}

const ratio = (a: Measured, b: Measured) => (a.seconds / b.seconds).toFixed(2);

try {
  const count = n.toLocaleString('en-US');
  let bench: MarketRun | undefined;
  if (markets !== 'demo') {
    const db = path.join(dir, 'bench.duckdb');
    process.stderr.write(`building a database of ${count} requests × 8 providers …\n`);
    await buildSimulateBenchDb(db, n);
    bench = benchMarket(`bench market: ${count} requests × 8 providers`, db, 'plain-simulate.js');
    console.log(`  cost vs hand-written ${ratio(bench.one, bench.plain)}x (target <= 1.50x, peak < 2048 MB)`);
    console.log(`  all vs cost          ${ratio(bench.all, bench.one)}x (target <= 3.00x)`);
    const chainPass = bench.one.seconds - bench.warm.seconds;
    console.log(
      `  chain pass: ${chainPass.toFixed(2)} s over warm (${((chainPass / bench.warm.seconds) * 100).toFixed(0)}%)`,
    );
    rmSync(db, { force: true });
  }
  if (markets !== 'bench') {
    const data = path.join(dir, 'demo-data');
    const db = path.join(dir, 'demo.duckdb');
    process.stderr.write(`generating the demo market with ${count} requests and ingesting it …\n`);
    const quietly = (args: string[]) =>
      execFileSync(process.execPath, [cli, ...args, '--quiet'], { stdio: ['ignore', 'ignore', 'inherit'] });
    quietly(['generate', '--out', data, '--requests', String(n), '--seed', '7']);
    quietly(['ingest', data, '--db', db]);
    rmSync(data, { recursive: true, force: true });
    const store = await Store.open(db);
    const shape = (
      await store.all<{ models: number; providers: number }>(
        'SELECT count(DISTINCT model)::INTEGER AS models, count(DISTINCT provider)::INTEGER AS providers FROM offerings',
      )
    )[0];
    store.close();
    const demo = benchMarket(
      `demo market: ${count} requests, ${shape.models} models × ${shape.providers} providers`,
      db,
      'plain-simulate-demo.js',
    );
    console.log(`  cost vs hand-written ${ratio(demo.one, demo.plain)}x (target <= 1.50x, peak < 1024 MB)`);
    if (bench) console.log(`  cost vs bench market ${ratio(demo.one, bench.one)}x (target <= 2.00x)`);
    console.log(`  all vs cost          ${ratio(demo.all, demo.one)}x (target <= 3.00x, peak < 2048 MB)`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
