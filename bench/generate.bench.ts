/**
 * Generate benchmark: wall time and peak memory (max RSS) of `ai-ping generate
 * --requests N` in its own process, N from $AI_PING_BENCH_GENERATE_REQUESTS or
 * --requests (default 10 M), median of --runs runs (default 1). Targets: under
 * 60 s and under 2 GB at 10 M requests. Usage: npm run bench [-- --requests N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { arg, measure, median, resultLine, type Measured } from './measure.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.resolve(here, '../../bin/ai-ping.js');
const n = arg('--requests', Number(process.env.AI_PING_BENCH_GENERATE_REQUESTS ?? 10_000_000));
const runs = arg('--runs', 1);
const format = process.env.AI_PING_BENCH_GENERATE_FORMAT === 'csv' ? 'csv' : 'parquet';
const dir = mkdtempSync(path.join(os.tmpdir(), 'ai-ping-bench-generate-'));

try {
  const all: Measured[] = [];
  for (let run = 0; run < runs; run++) {
    const out = path.join(dir, `run-${run}`);
    all.push(measure([cli, 'generate', '--out', out, '--requests', String(n), '--seed', '7', '--format', format]));
    rmSync(out, { recursive: true, force: true });
    process.stderr.write(`  run ${run + 1}: ${all[run].seconds.toFixed(2)} s, peak ${all[run].peakMb.toFixed(0)} MB\n`);
  }
  const m = median(all);
  console.log(
    `generate benchmark: ${n.toLocaleString('en-US')} requests as ${format}, ${os.cpus().length} cores, median of ${runs} run(s)`,
  );
  console.log(resultLine('ai-ping generate', m));
  console.log(`  (target at 10,000,000 requests: < 60 s, peak < 2048 MB)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
