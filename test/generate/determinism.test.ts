/**
 * Same seed, same bytes; another seed, other data; CSV output; edge cases.
 */
import { quotedString } from '@duckdb/node-api';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { generate, type GenerateResult } from '../../src/commands/generate.js';
import { UsageError } from '../../src/errors.js';
import { TABLES } from '../../src/store/schema.js';
import { fileHash, generateInto, NOT_GENERATED, openWritten, removeDir, TABLE_NAMES, tempDir } from './helpers.js';

const REQUESTS = 20_000;

let first: GenerateResult;
let second: GenerateResult;
let otherSeedCsv: GenerateResult;
let csvParent: string;

before(async () => {
  first = await generateInto('det-a', REQUESTS, 11);
  second = await generateInto('det-b', REQUESTS, 11);
  // Another seed, as CSV, into a folder whose name needs quoting in SQL.
  csvParent = tempDir('det-csv');
  otherSeedCsv = await generate({
    dir: path.join(csvParent, "it's data"),
    requests: REQUESTS,
    seed: 12,
    dataFormat: 'csv',
  });
});

after(() => {
  if (first) removeDir(first.dir);
  if (second) removeDir(second.dir);
  if (csvParent) removeDir(csvParent);
});

test('the same seed writes byte-identical files', () => {
  for (const t of TABLE_NAMES) {
    assert.equal(
      fileHash(path.join(second.dir, `${t}.parquet`)),
      fileHash(path.join(first.dir, `${t}.parquet`)),
      `${t}.parquet differs between two runs with the same seed`,
    );
  }
  // the calibration's percentages are sums in parallel, whose order may change their last bits
  for (const k of ['cost', 'throughput'] as const) {
    const { pct: a, ...restA } = second.calibration[k];
    const { pct: b, ...restB } = first.calibration[k];
    assert.deepEqual(restA, restB);
    assert.ok(a !== null && b !== null && Math.abs(a - b) <= 1e-9 * Math.abs(b), `${k}: ${a} vs ${b}`);
  }
});

test('another seed writes other requests and measurements', async () => {
  const db = await openWritten(otherSeedCsv.dir, 'csv');
  try {
    for (const t of ['requests', 'latency'] as const) {
      await db.run(
        `CREATE VIEW seed11_${t} AS SELECT * FROM read_parquet(${quotedString(path.join(first.dir, `${t}.parquet`))})`,
      );
    }
    const row = await db.one<{
      shared_ids: number;
      tokens_a: number;
      tokens_b: number;
      ttft_a: number;
      ttft_b: number;
    }>(
      `SELECT (SELECT count(*) FROM requests JOIN seed11_requests USING (request_id)) AS shared_ids,
         (SELECT sum(input_tokens) FROM seed11_requests) AS tokens_a, (SELECT sum(input_tokens) FROM requests) AS tokens_b,
         (SELECT sum(ttft_ms) FROM seed11_latency) AS ttft_a, (SELECT sum(ttft_ms) FROM latency) AS ttft_b`,
    );
    assert.equal(row!.shared_ids, 0);
    assert.notEqual(row!.tokens_a, row!.tokens_b);
    assert.notEqual(row!.ttft_a, row!.ttft_b);
  } finally {
    db.close();
  }
});

test('CSV output: canonical header, ISO-8601 UTC timestamps, readable back', async () => {
  assert.equal(otherSeedCsv.format, 'csv');
  for (const t of TABLE_NAMES) {
    const file = path.join(otherSeedCsv.dir, `${t}.csv`);
    const [header, firstRow] = fs.readFileSync(file, 'utf8').split('\n', 2);
    const expected = TABLES[t].columns.map((c) => c.name).filter((n) => !NOT_GENERATED.includes(`${t}.${n}`));
    assert.equal(header, expected.join(','), `${t}.csv header`);
    const tsColumn = expected.indexOf('ts');
    if (tsColumn >= 0) {
      assert.match(firstRow.split(',')[tsColumn], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, `${t}.csv ts`);
    }
  }
  const db = await openWritten(otherSeedCsv.dir, 'csv');
  try {
    const counts = await db.one<{ requests: number; latency: number; dates: number }>(
      `SELECT (SELECT count(*) FROM requests) AS requests, (SELECT count(*) FROM latency) AS latency,
         (SELECT count(*) FROM catalog WHERE release_date IS NULL) AS dates`,
    );
    assert.equal(counts?.requests, REQUESTS);
    assert.equal(counts?.latency, otherSeedCsv.tables.find((t) => t.table === 'latency')?.rows);
    assert.equal(counts?.dates, 0);
  } finally {
    db.close();
  }
});

test('zero requests still writes every table', async () => {
  const r = await generateInto('zero', 0, 1);
  try {
    assert.equal(r.tables.find((t) => t.table === 'requests')?.rows, 0);
    assert.ok(r.tables.filter((t) => t.table !== 'requests').every((t) => t.rows > 0));
    assert.equal(r.calibration.cost.compared, 0);
    assert.equal(r.calibration.cost.pct, null);
  } finally {
    removeDir(r.dir);
  }
});

test('bad options are usage errors', async () => {
  const dir = tempDir('bad');
  try {
    await assert.rejects(generate({ dir, requests: -1, seed: 1, dataFormat: 'parquet' }), UsageError);
    await assert.rejects(generate({ dir, requests: 10, seed: 1.5, dataFormat: 'parquet' }), UsageError);
    await assert.rejects(generate({ dir, requests: 10, seed: 1, dataFormat: 'json' as 'csv' }), UsageError);
  } finally {
    removeDir(dir);
  }
});
