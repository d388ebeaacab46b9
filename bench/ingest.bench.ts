/**
 * Ingest benchmark: N requests from one Parquet file through `ai-ping ingest`,
 * against a plain DuckDB `CREATE TABLE … AS SELECT * FROM read_parquet(…)` of
 * the same file on the same machine, for three shapes of log: a wide one (16
 * columns: every field a gateway export has), a narrow one (8: id, time,
 * model, provider, task, tokens, features), where the work per row that a load
 * does not do weighs most, and the narrow one with UUIDs for ids, as gateways log them. Beside them, the same plain
 * load into ai-ping's `requests` table: what the table's width costs before any of ingest's own work. Each side
 * runs in its own process so peak memory (max RSS) is measured per side. Usage: npm run bench [-- --requests N]
 */
import { quotedString } from '@duckdb/node-api';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Store } from '../src/store/db.js';
import { TABLES } from '../src/store/schema.js';
import { arg, measure, median, resultLine, type Measured } from './measure.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.resolve(here, '../../bin/ai-ping.js');

/** The columns of each shape of log, as SQL over i. */
const COLUMNS = {
  request_id: `'req-' || i`,
  ts: `TIMESTAMP '2025-10-01' + INTERVAL 1 SECOND * (i * 7919 % 7948800)`,
  model: `['DeepSeek-V3.2', 'Qwen3-32B', 'GLM-4.6', 'Kimi-K2-Instruct-0905', 'MiniMax-M2'][1 + i % 5]`,
  provider: `['provider-a', 'provider-b', 'provider-c', 'deepseek-official'][1 + i % 4]`,
  task: `['code', 'chat', 'doc-analysis', 'agent', 'reasoning'][1 + (i // 3) % 5]`,
  app: `'app-' || (i % 7)`,
  input_tokens: `(100 + (i * 31) % 20000)::BIGINT`,
  output_tokens: `(10 + (i * 17) % 4000)::BIGINT`,
  cached_tokens: `((i * 13) % 100)::BIGINT`,
  ttft_ms: `(200 + (i * 7) % 3000)::DOUBLE`,
  latency_ms: `(2000 + (i * 11) % 60000)::DOUBLE`,
  status: `CASE WHEN i % 50 = 0 THEN 'error' ELSE 'ok' END`,
  error_type: `CASE WHEN i % 50 = 0 THEN 'timeout' END`,
  features: `CASE WHEN i % 9 = 0 THEN 'tools,stream' ELSE 'stream' END`,
  cost: `((i * 31) % 20000) * 2e-6`,
  currency: `'CNY'`,
};
type Column = keyof typeof COLUMNS;
const NARROW: Column[] = ['request_id', 'ts', 'model', 'provider', 'task', 'input_tokens', 'output_tokens', 'features'];
/** Each shape's columns, and its ids when they are not COLUMNS': gateways log UUIDs, 36 characters of text. */
const SHAPES: Record<string, { columns: Column[]; id?: string }> = {
  wide: { columns: Object.keys(COLUMNS) as Column[] },
  narrow: { columns: NARROW },
  'narrow, UUID ids': { columns: NARROW, id: `md5('req-' || i)::UUID::VARCHAR` },
};

async function makeParquet(file: string, n: number, { columns, id }: (typeof SHAPES)[string]): Promise<void> {
  const store = await Store.open(':memory:', { init: false });
  try {
    await store.run(`COPY (
      SELECT ${columns.map((c) => `${c === 'request_id' && id ? id : COLUMNS[c]} AS ${c}`).join(',\n        ')}
      FROM range(${n}) t(i)
    ) TO ${quotedString(file)} (FORMAT parquet)`);
  } finally {
    store.close();
  }
}

const n = arg('--requests', 10_000_000);
const runs = arg('--runs', 3);
const dir = mkdtempSync(path.join(os.tmpdir(), 'ai-ping-bench-'));
try {
  for (const [i, [shape, def]] of Object.entries(SHAPES).entries()) {
    const parquet = path.join(dir, `shape-${i}.parquet`);
    process.stderr.write(`writing ${n.toLocaleString('en-US')} requests (${shape}) to ${parquet} …\n`);
    await makeParquet(parquet, n, def);
    process.stderr.write(`  ${(statSync(parquet).size / 1e6).toFixed(0)} MB\n`);

    // Alternate the sides and take medians, so a busy moment hurts none alone.
    const plainRuns: Measured[] = [];
    const intoRuns: Measured[] = [];
    const oursRuns: Measured[] = [];
    for (let run = 0; run < runs; run++) {
      for (const f of readdirSync(dir)) if (f.endsWith('.duckdb') || f.endsWith('.wal')) rmSync(path.join(dir, f));
      plainRuns.push(measure([path.join(here, 'plain-ctas.js'), path.join(dir, 'plain.duckdb'), parquet]));
      intoRuns.push(measure([path.join(here, 'plain-ctas.js'), path.join(dir, 'into.duckdb'), parquet, 'requests']));
      oursRuns.push(
        measure([
          cli,
          'ingest',
          parquet,
          '--db',
          path.join(dir, 'ours.duckdb'),
          '--kind',
          'requests',
          '--format',
          'json',
        ]),
      );
      process.stderr.write(
        `  run ${run + 1}: plain ${plainRuns[run].seconds.toFixed(2)} s, into requests ${intoRuns[run].seconds.toFixed(2)} s, ` +
          `ai-ping ${oursRuns[run].seconds.toFixed(2)} s\n`,
      );
    }
    rmSync(parquet);
    const plain = median(plainRuns);
    const into = median(intoRuns);
    const ours = median(oursRuns);
    console.log(
      `ingest benchmark: ${n.toLocaleString('en-US')} requests from Parquet, ${shape} (${def.columns.length} columns), ` +
        `${os.cpus().length} cores, median of ${runs} runs`,
    );
    console.log(resultLine('plain DuckDB CTAS', plain, 28));
    console.log(resultLine('plain INSERT into requests', into, 28));
    console.log(resultLine('ai-ping ingest', ours, 28));
    console.log(
      `  ratio ${(ours.seconds / plain.seconds).toFixed(2)}x (target <= 1.30x); ` +
        `the table's ${TABLES.requests.columns.length + 1} columns alone ${(into.seconds / plain.seconds).toFixed(2)}x`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
