import assert from 'node:assert/strict';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { fixtures, runCli, tmpDir } from '../helpers.js';

const fx = (f: string) => path.join(fixtures, f);

interface Offering {
  provider: string;
  sourceModel: string;
  official: boolean;
  listed: boolean;
  inputPrice: number | null;
  outputPrice: number | null;
  blendedPrice: number | null;
  contextLength: number | null;
  medianTtftMs: number | null;
  medianTps: number | null;
  p90LatencyMs: number | null;
  successRate: number | null;
  anomalies: string[];
}

describe('ai-ping providers', () => {
  const db = path.join(tmpDir(), 'p.duckdb');
  let ingestStderr = '';
  before(() => {
    const r = runCli([
      'ingest',
      fx('ingest/offerings.csv'),
      fx('ingest/prices.csv'),
      fx('ingest/latency.csv'),
      fx('metrics/prices-anomalies.csv'),
      '--db',
      db,
    ]);
    assert.equal(r.code, 0, r.stderr);
    ingestStderr = r.stderr;
  });

  const json = (...args: string[]) => {
    const r = runCli(['providers', '--db', db, '--format', 'json', ...args]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as { model: string; at: string; providers: Offering[] };
  };

  test('one row per offering with the price in force, limits and measured speed', () => {
    const r = json('--model', 'Qwen/Qwen3-32B', '--at', '2025-10-15');
    assert.equal(r.model, 'Qwen3-32B');
    assert.deepEqual(
      r.providers.map((p) => [p.provider, p.official, p.inputPrice, p.outputPrice, p.blendedPrice, p.contextLength]),
      [
        // official first; blended = (3 × input + output) / 4
        ['qwen-official', true, 2, 8, 3.5, 131072],
        // provider-a before its 2025-11-15 price cut: (3 × 1.2 + 4.8) / 4 = 2.1
        ['provider-a', false, 1.2, 4.8, 2.1, 32768],
        // provider-b is listed but has no price; 'solo' has a price only from 2026-07-24 and no listing
        ['provider-b', false, null, null, null, 131072],
        ['solo', null, null, null, null, null],
      ],
    );
    const official = r.providers[0];
    // two measurements: one ok (450 ms, 42.5 tok/s, 2800 ms), one failed
    assert.deepEqual(
      [official.medianTtftMs, official.medianTps, official.p90LatencyMs, official.successRate],
      [450, 42.5, 2800, 0.5],
    );
    // success 1 of 2 measurements: 50.0% for people, 50 raw in csv
    const md = runCli([
      'providers',
      '--db',
      db,
      '--model',
      'Qwen/Qwen3-32B',
      '--at',
      '2025-10-15',
      '--format',
      'md',
    ]).stdout;
    assert.match(md, /^\| qwen-official \(official\) \|.*\| 450 \| 42\.5 \| 2,800 \| 50\.0% \|/m);
    const csv = runCli([
      'providers',
      '--db',
      db,
      '--model',
      'Qwen/Qwen3-32B',
      '--at',
      '2025-10-15',
      '--format',
      'csv',
    ]).stdout;
    assert.match(csv.split('\n')[1], /^qwen-official \(official\),.*,450,42\.5,2800,50,/);
  });

  test('the latest snapshot by default; an offering past its listing is flagged', () => {
    const latest = json('--model', 'qwen3-32b');
    assert.equal(latest.at, '2026-07-24T00:00:00.000000Z', 'the latest price snapshot in the database');
    const a = latest.providers.find((p) => p.provider === 'provider-a')!;
    assert.equal(a.blendedPrice, 1.75, '(3 × 1.0 + 4.0) / 4 after the price cut');
    const b = latest.providers.find((p) => p.provider === 'provider-b')!;
    assert.equal(b.listed, false, 'listed until 2025-12-15');
    const table = runCli(['providers', '--db', db, '--model', 'qwen3-32b', '--format', 'md']);
    assert.match(table.stdout, /\| provider-b \| Qwen3-32B \|.*\| not listed \|/);
  });

  test('anomalous prices are flagged on their offering; a price above the plausible maximum is rejected', () => {
    // wandb's 71,500 per 1 M in prices-anomalies.csv is above the plausible maximum (10,000): a rejected row at
    // ingest, so wandb has neither a price nor an offering of Llama-3.3-70B, and nothing to flag.
    assert.match(
      ingestStderr,
      /^warning: \S*prices-anomalies\.csv: row 5: input_price: '71500' is above the plausible maximum of 10000; output_price: '71500' is above the plausible maximum of 10000$/m,
    );
    assert.match(ingestStderr, /^warning: 1 row\(s\) rejected/m);
    const r = json('--model', 'Llama-3.3-70B-Instruct');
    assert.equal(
      r.providers.find((p) => p.provider === 'wandb'),
      undefined,
    );
    assert.equal(r.providers.length, 6, 'every spelling of Llama-3.3-70B resolves to one model');
    // Against the 5 other providers (see test/metrics/price-anomalies): free-tier's zeros, and provider-e's
    // input 0.02, 1/37 of the others' median 0.74. Every other offering is unflagged.
    assert.deepEqual(
      r.providers.filter((p) => p.anomalies.length > 0).map((p) => [p.provider, p.anomalies]),
      [
        ['free-tier', ['input price zero price', 'output price zero price']],
        ['provider-e', ['input price 1/37 of the median of 5 other provider(s)']],
      ],
    );
  });

  test('every model when --model is absent; a missing database is a clear error', () => {
    const r = runCli(['providers', '--db', db, '--format', 'json']);
    const all = JSON.parse(r.stdout) as { models: { model: string; providers: unknown[] }[] };
    assert.deepEqual(
      all.models.map((m) => [m.model, m.providers.length]),
      [
        // 6: wandb's only price was rejected (above the plausible maximum)
        ['Llama-3.3-70B-Instruct', 6],
        ['Qwen3-32B', 4],
      ],
    );
    const missing = runCli(['providers', '--db', path.join(tmpDir(), 'none.duckdb')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /none\.duckdb does not exist/);
  });
});
