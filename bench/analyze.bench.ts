/**
 * Analyze benchmark: `ai-ping analyze` over a database of N requests (default
 * 10 M) against the same metrics written as plain DuckDB queries over the same
 * database, each side in its own process (peak RSS per side), median of 3
 * alternating runs. Target: at most 1.5x, peak memory under 2 GB.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ingestFiles } from '../src/ingest/index.js';
import { generate } from '../src/commands/generate.js';
import { Store } from '../src/store/db.js';
import { arg, measure, median, resultLine, type Measured } from './measure.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.resolve(here, '../../bin/ai-ping.js');
const n = arg('--requests', 10_000_000);
const runs = arg('--runs', 3);
const dir = mkdtempSync(path.join(os.tmpdir(), 'ai-ping-bench-analyze-'));
try {
  process.stderr.write(`building a database of ${n.toLocaleString('en-US')} requests …\n`);
  // The market (offerings, prices, latency, catalog) from the generator; the requests made in SQL, at scale.
  const market = await generate({ dir: path.join(dir, 'market'), requests: 1000, seed: 1, dataFormat: 'parquet' });
  const db = path.join(dir, 'bench.duckdb');
  const store = await Store.open(db);
  try {
    await ingestFiles(
      store,
      market.tables.filter((t) => t.table !== 'requests').map((t) => t.file),
    );
    await store.run(`INSERT INTO requests (request_id, ts, model, provider, task, input_tokens, output_tokens, ttft_ms, latency_ms, status, currency)
      WITH names AS (SELECT list(DISTINCT model ORDER BY model) AS m FROM offerings),
           provs AS (SELECT list(DISTINCT provider ORDER BY provider) AS p FROM offerings)
      SELECT 'b-' || i, TIMESTAMP '2025-10-01' + INTERVAL 1 SECOND * (i * 7919 % 7948800),
        m[1 + (i * 31 + i // 7) % len(m)], p[1 + i % len(p)],
        ['code', 'chat', 'doc-analysis', 'agent', 'reasoning'][1 + (i // 3) % 5],
        100 + (i * 31) % 20000, 10 + (i * 17) % 4000, 200 + (i * 7) % 3000, 4000 + (i * 11) % 60000,
        CASE WHEN i % 60 = 0 THEN 'error' ELSE 'ok' END, 'CNY'
      FROM range(${n}) t(i), names, provs`);
  } finally {
    store.close();
  }
  execFileSync(process.execPath, [cli, 'analyze', '--db', db, '--format', 'json'], { stdio: 'ignore' }); // warm the file cache
  const plainRuns: Measured[] = [];
  const oursRuns: Measured[] = [];
  for (let run = 0; run < runs; run++) {
    plainRuns.push(measure([path.join(here, 'plain-analyze.js'), db]));
    oursRuns.push(measure([cli, 'analyze', '--db', db, '--format', 'json']));
    process.stderr.write(
      `  run ${run + 1}: plain ${plainRuns[run].seconds.toFixed(2)} s, ai-ping ${oursRuns[run].seconds.toFixed(2)} s\n`,
    );
  }
  const plain = median(plainRuns);
  const ours = median(oursRuns);
  console.log(
    `analyze benchmark: ${n.toLocaleString('en-US')} requests, ${os.cpus().length} cores, median of ${runs} runs`,
  );
  console.log(resultLine('plain DuckDB queries', plain));
  console.log(resultLine('ai-ping analyze', ours));
  console.log(`  ratio ${(ours.seconds / plain.seconds).toFixed(2)}x (target <= 1.50x, peak < 2048 MB)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
