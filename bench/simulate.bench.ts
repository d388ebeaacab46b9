/**
 * Simulate benchmark: `ai-ping simulate --policy cost` over N requests (default
 * 10 M) × 8 providers against the same replay written by hand as one set-wise
 * DuckDB query (plain-simulate.ts), each side in its own process, median of 3
 * alternating runs; then `--policy all` against one policy, and what the cache
 * chains (the default `--cache chain`) cost over `--cache warm`. Both sides must
 * agree on the figures. Targets: at most 1.5x the hand-written query with peak
 * memory under 2 GB; every policy at most 3x one policy.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { arg, measure, median, resultLine, type Measured } from './measure.js';
import { buildSimulateBenchDb } from './simulate-market.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.resolve(here, '../../bin/ai-ping.js');
const n = arg('--requests', 10_000_000);
const runs = arg('--runs', 3);
const dir = mkdtempSync(path.join(os.tmpdir(), 'ai-ping-bench-simulate-'));

interface Figures extends Record<string, unknown> {
  routing: { provider: string; share: number }[];
}

/** Equal to 1e-9 relative (sums in another order). */
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));

/** The two sides' figures and routing shares, equal to 1e-9 relative. */
function checkAgreement(plain: Figures, ours: Figures): void {
  for (const key of [
    'requests',
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
    if (!close(a, b)) throw new Error(`the two replays disagree on ${key}: ${a} vs ${b}`);
  }
  for (const { provider, share } of plain.routing) {
    const theirs = ours.routing.find((r) => r.provider === provider)?.share ?? 0;
    if (!close(share, theirs))
      throw new Error(`the two replays disagree on the routing share of ${provider}: ${share} vs ${theirs}`);
  }
}

try {
  const db = path.join(dir, 'bench.duckdb');
  process.stderr.write(`building a database of ${n.toLocaleString('en-US')} requests × 8 providers …\n`);
  await buildSimulateBenchDb(db, n);
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
  const plainFigures = JSON.parse(
    execFileSync(process.execPath, [path.join(here, 'plain-simulate.js'), db], { encoding: 'utf8' }),
  );
  const ours = JSON.parse(execFileSync(process.execPath, simulate('cost'), { encoding: 'utf8' }));
  checkAgreement(plainFigures, ours.policies[0]);
  const result = ours.policies[0];
  const compared = result.requests.toLocaleString('en-US');
  process.stderr.write(
    `  both replays: savings ${result.savingsPct.toFixed(2)}% over ${compared} compared requests, ` +
      `cache hits kept ${result.cacheHitRate.toFixed(2)}% of input (${result.loggedCacheHitRate.toFixed(2)}% logged)\n`,
  );
  const plainRuns: Measured[] = [];
  const oneRuns: Measured[] = [];
  const warmRuns: Measured[] = [];
  const allRuns: Measured[] = [];
  for (let run = 0; run < runs; run++) {
    plainRuns.push(measure([path.join(here, 'plain-simulate.js'), db]));
    oneRuns.push(measure(simulate('cost')));
    warmRuns.push(measure(simulate('cost', 'warm')));
    allRuns.push(measure(simulate('all')));
    process.stderr.write(
      `  run ${run + 1}: plain ${plainRuns[run].seconds.toFixed(2)} s, cost ${oneRuns[run].seconds.toFixed(2)} s, ` +
        `cost warm ${warmRuns[run].seconds.toFixed(2)} s, all ${allRuns[run].seconds.toFixed(2)} s\n`,
    );
  }
  const plain = median(plainRuns);
  const one = median(oneRuns);
  const warm = median(warmRuns);
  const all = median(allRuns);
  console.log(
    `simulate benchmark: ${n.toLocaleString('en-US')} requests × 8 providers, ${os.cpus().length} cores, median of ${runs} runs`,
  );
  console.log(resultLine('hand-written DuckDB query', plain, 29));
  console.log(resultLine('ai-ping simulate (cost)', one, 29));
  console.log(resultLine('ai-ping simulate (cost, warm)', warm, 29));
  console.log(resultLine('ai-ping simulate (all)', all, 29));
  console.log(`  cost vs hand-written ${(one.seconds / plain.seconds).toFixed(2)}x (target <= 1.50x, peak < 2048 MB)`);
  console.log(`  all vs cost          ${(all.seconds / one.seconds).toFixed(2)}x (target <= 3.00x)`);
  const chainPass = one.seconds - warm.seconds;
  console.log(`  chain pass: ${chainPass.toFixed(2)} s over warm (${((chainPass / warm.seconds) * 100).toFixed(0)}%)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
