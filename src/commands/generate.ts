/**
 * `ai-ping generate`: writes a deterministic, calibrated synthetic market for
 * Q4 2025 (all six canonical tables) into a folder.
 */
import { mkdir } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import { buildMarket, writeMarket, type Calibration, type DataFormat, type WrittenTable } from '../generate/index.js';
import { WINDOW } from '../generate/market.js';
import type { Report } from '../report/index.js';
import { Store } from '../store/db.js';

export interface GenerateOptions {
  dir: string;
  requests: number;
  seed: number;
  dataFormat: 'parquet' | 'csv';
  onProgress?: (msg: string) => void;
}

export interface GenerateResult {
  dir: string;
  seed: number;
  requests: number;
  format: DataFormat;
  seconds: number;
  tables: WrittenTable[];
  /** Routing outcomes of the written data (hindsight replay against the official endpoint). */
  calibration: Calibration;
}

const MAX_REQUESTS = 100_000_000;

function validate(o: GenerateOptions): void {
  if (!o.dir) throw new UsageError('generate needs an output folder (--out DIR)');
  if (!Number.isSafeInteger(o.requests) || o.requests < 0 || o.requests > MAX_REQUESTS) {
    throw new UsageError(
      `--requests must be an integer from 0 to ${MAX_REQUESTS.toLocaleString('en-US')}, got ${o.requests}`,
    );
  }
  if (!Number.isSafeInteger(o.seed) || o.seed < 0) {
    throw new UsageError(`--seed must be a non-negative integer, got ${o.seed}`);
  }
  if (o.dataFormat !== 'parquet' && o.dataFormat !== 'csv') {
    throw new UsageError(`data format must be parquet or csv, got ${String(o.dataFormat)}`);
  }
}

export async function generate(o: GenerateOptions): Promise<GenerateResult> {
  validate(o);
  const started = performance.now();
  // before the minutes of work: a file where the folder should be is bad usage, not a crash
  await mkdir(o.dir, { recursive: true }).catch((e: Error) => {
    throw new UsageError(`cannot create the folder ${o.dir}: ${e.message}`);
  });
  const store = await Store.open(':memory:', { init: false });
  try {
    const calibration = await buildMarket(store, { requests: o.requests, seed: o.seed, onProgress: o.onProgress });
    o.onProgress?.(`generate: writing ${o.dataFormat} files to ${o.dir}`);
    const tables = await writeMarket(store, o.dir, o.dataFormat);
    const seconds = Math.round((performance.now() - started) / 10) / 100;
    return { dir: o.dir, seed: o.seed, requests: o.requests, format: o.dataFormat, seconds, tables, calibration };
  } finally {
    store.close();
  }
}

const pct = (v: number | null) => (v === null ? 'n/a' : `${v >= 0 ? '+' : ''}${v.toFixed(1)}%`);

export function generateReport(r: GenerateResult): Report {
  const { cost, throughput } = r.calibration;
  return {
    json: r,
    sections: [
      {
        title: `Synthetic market ${WINDOW.start.slice(0, 10)} to ${WINDOW.end.slice(0, 10)} (seed ${r.seed})`,
        columns: ['table', 'file', 'rows'],
        rows: r.tables.map((t) => [t.table, t.file, t.rows]),
      },
    ],
    notes: [
      `${r.requests.toLocaleString('en-US')} requests written as ${r.format} in ${r.seconds} s; the same seed gives the same data.`,
      `Cost routing for ${cost.model} vs the official endpoint (hindsight, 1 h windows): savings ${pct(cost.pct)} over ${cost.compared.toLocaleString('en-US')} requests.`,
      `Throughput routing for ${throughput.model} vs the official endpoint: average TPS ${pct(throughput.pct)} over ${throughput.compared.toLocaleString('en-US')} requests.`,
      `Next: ai-ping ingest ${r.dir}`,
    ],
  };
}
