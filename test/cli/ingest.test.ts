import assert from 'node:assert/strict';
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { SCHEMA_VERSION } from '../../src/store/schema.js';
import { fixtures, query, runCli, realData, tmpDir } from '../helpers.js';

const fx = (f: string) => path.join(fixtures, 'ingest', f);

interface IngestJson {
  files: { file: string; kind: string; read: number; accepted: number; duplicates: number; rejected: number }[];
}

function ingestJson(args: string[], cwd?: string): { code: number; json?: IngestJson; stderr: string } {
  const r = runCli(['ingest', ...args, '--format', 'json'], { cwd });
  return { code: r.code, json: r.code === 0 ? (JSON.parse(r.stdout) as IngestJson) : undefined, stderr: r.stderr };
}

async function tableCounts(db: string): Promise<Record<string, number>> {
  const [r] = await query<Record<string, number>>(
    db,
    `SELECT (SELECT count(*) FROM requests) AS requests, (SELECT count(*) FROM latency) AS latency,
            (SELECT count(*) FROM rejects) AS rejects, (SELECT count(*) FROM ingests) AS ingests`,
  );
  return r;
}

describe('ai-ping ingest (CLI)', () => {
  test('prints read/accepted/duplicates/rejected per file; read = accepted + duplicates + rejected', () => {
    const db = path.join(tmpDir(), 'a.duckdb');
    const r = ingestJson([fx('requests.csv'), fx('latency.csv'), fx('bad/negative-tokens.csv'), '--db', db]);
    assert.equal(r.code, 0);
    assert.deepEqual(
      r.json!.files.map((f) => [path.basename(f.file), f.kind, f.read, f.accepted, f.duplicates, f.rejected]),
      [
        ['requests.csv', 'requests', 6, 6, 0, 0],
        ['latency.csv', 'latency', 3, 3, 0, 0],
        ['negative-tokens.csv', 'requests', 2, 1, 0, 1],
      ],
    );
    for (const f of r.json!.files) assert.equal(f.read, f.accepted + f.duplicates + f.rejected);
    assert.match(r.stderr, /negative-tokens\.csv: row 1: input_tokens: '-5' is negative/);
    assert.match(r.stderr, /warning: 1 row\(s\) rejected/);
  });

  test('the table output, without colour', () => {
    const dir = tmpDir();
    copyFileSync(fx('requests-semicolon.csv'), path.join(dir, 'r.csv'));
    const r = runCli(['ingest', 'r.csv', '--db', 'x.duckdb', '--format', 'table'], { cwd: dir });
    assert.equal(r.code, 0);
    assert.equal(
      r.stdout,
      [
        '┌───────┬──────────┬──────┬──────────┬────────────┬──────────┐',
        '│ file  │ kind     │ read │ accepted │ duplicates │ rejected │',
        '├───────┼──────────┼──────┼──────────┼────────────┼──────────┤',
        '│ r.csv │ requests │    3 │        3 │          0 │        0 │',
        '└───────┴──────────┴──────┴──────────┴────────────┴──────────┘',
        '',
        'database: x.duckdb',
        '',
      ].join('\n'),
    );
  });

  test('idempotent: ingesting the same files again adds nothing', async () => {
    const db = path.join(tmpDir(), 'i.duckdb');
    const files = [
      fx('requests.csv'),
      fx('requests.jsonl'),
      fx('prices.csv'),
      fx('offerings.csv'),
      fx('probes.csv'),
      fx('catalog.csv'),
    ];
    ingestJson([...files, '--db', db]);
    const before = await tableCounts(db);
    const again = ingestJson([...files, '--db', db]);
    assert.equal(again.code, 0);
    assert.ok(again.json!.files.every((f) => f.accepted === 0 && f.duplicates === f.read));
    const after = await tableCounts(db);
    assert.deepEqual({ ...after, ingests: before.ingests }, before);
    assert.equal(after.ingests, before.ingests + files.length, 'each ingest is logged');
  });

  test('--strict: any rejected row fails the whole ingest, exit 2, nothing lands', async () => {
    const db = path.join(tmpDir(), 's.duckdb');
    ingestJson([fx('requests.csv'), '--db', db]);
    const before = await tableCounts(db);
    const r = ingestJson([fx('requests.jsonl'), fx('bad/negative-tokens.csv'), '--strict', '--db', db]);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /negative-tokens\.csv: 1 row\(s\) rejected under --strict; nothing was ingested\. First: row 1, input_tokens: '-5' is negative/,
    );
    assert.deepEqual(await tableCounts(db), before);
  });

  for (const [file, message] of [
    ['bad/corrupt.parquet', /corrupt\.parquet: cannot read as parquet/],
    ['bad/unknown-format.bin', /unknown-format\.bin: unknown file format/],
    ['bad/truncated.jsonl', /truncated\.jsonl: cannot read as json: .*Malformed JSON/],
    ['bad/missing-column.csv', /missing-column\.csv: missing required column 'output_tokens' for requests/],
    // a valid footer over corrupt pages: DuckDB fails only when it reads the rows
    ['bad/corrupt-body.parquet', /corrupt-body\.parquet: cannot read: /],
  ] as const) {
    test(`whole-file problem (${path.basename(file)}): exit 2, the file named, the database as it was`, async () => {
      const dir = tmpDir();
      const db = path.join(dir, 'w.duckdb');
      ingestJson([fx('latency.csv'), '--db', db]);
      const before = await tableCounts(db);
      const r = ingestJson([fx('requests.csv'), fx(file), '--db', db]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, 'no stack trace');
      assert.deepEqual(await tableCounts(db), before, 'the good file before it did not land either');
      const fresh = path.join(dir, 'fresh.duckdb');
      assert.equal(ingestJson([fx(file), '--db', fresh]).code, 2);
      assert.equal(existsSync(fresh), false, 'a failed first ingest leaves no database file');
    });
  }

  test('file names and values never become SQL text', async () => {
    const dir = tmpDir();
    const evil = path.join(dir, "x'; drop table requests;--.csv");
    writeFileSync(
      evil,
      'request_id,ts,model,provider,input_tokens,output_tokens\n"\'); DROP TABLE requests; --",2025-10-01T00:00:00Z,m,"p\'",1,1\n',
    );
    const db = path.join(dir, 'e.duckdb');
    const r = ingestJson([evil, '--db', db, '--set', "task=o'brien"]);
    assert.equal(r.code, 0);
    assert.equal(r.json!.files[0].accepted, 1);
    const rows = await query<Record<string, string>>(db, 'SELECT request_id, provider, task FROM requests');
    assert.deepEqual(rows, [{ request_id: "'); DROP TABLE requests; --", provider: "p'", task: "o'brien" }]);
    const [log] = await query<{ file: string }>(db, 'SELECT file FROM ingests');
    assert.equal(log.file, evil);
  });

  test('a second process writing the same database gets a clear "in use" error', async () => {
    const dir = tmpDir();
    const db = path.join(dir, 'l.duckdb');
    ingestJson([fx('latency.csv'), '--db', db]);
    // Hold the database open from another process.
    const { spawn } = await import('node:child_process');
    const lockScript = `
      const { DuckDBInstance } = await import(${JSON.stringify(path.join(path.dirname(fixtures), 'node_modules/@duckdb/node-api/lib/index.js'))});
      const i = await DuckDBInstance.create(${JSON.stringify(db)});
      process.stdout.write('locked\\n');
      setTimeout(() => i.closeSync(), 20000);`;
    const locker = spawn(process.execPath, ['--input-type=module', '-e', lockScript], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve) =>
      locker.stdout.on('data', (d: Buffer) => d.toString().includes('locked') && resolve()),
    );
    try {
      const r = ingestJson([fx('requests.csv'), '--db', db]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^ai-ping: database .*l\.duckdb is in use by another process \(PID \d+\)/m);
    } finally {
      locker.kill('SIGKILL');
    }
  });

  test('kill -9 mid-ingest leaves the database as before and openable', async () => {
    const dir = tmpDir();
    const db = path.join(dir, 'k.duckdb');
    ingestJson([fx('requests.csv'), '--db', db]);
    const before = await tableCounts(db);
    // A file big enough that the ingest is still running when it is killed.
    const big = path.join(dir, 'big.csv');
    const lines = ['request_id,ts,model,provider,input_tokens,output_tokens'];
    for (let i = 0; i < 400_000; i++) lines.push(`k-${i},2025-10-01T00:00:00Z,Qwen3-32B,p,${i},1`);
    writeFileSync(big, lines.join('\n'));
    for (const stage of ['CREATE TEMP TABLE stage_raw', 'CREATE OR REPLACE TEMP TABLE id_repeats']) {
      const child = (await import('node:child_process')).spawn(
        process.execPath,
        [path.join(path.dirname(fixtures), 'bin/ai-ping.js'), 'ingest', big, '--db', db],
        { env: { ...process.env, AI_PING_DEBUG: 'sql' }, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let err = '';
      await new Promise<void>((resolve) =>
        child.stderr.on('data', (d: Buffer) => {
          err += d.toString();
          if (err.includes(stage)) resolve();
        }),
      );
      child.kill('SIGKILL');
      await new Promise((resolve) => child.on('exit', resolve));
      assert.deepEqual(await tableCounts(db), before, `killed after ${stage}`);
    }
    // And the database still takes writes.
    assert.equal(ingestJson([fx('requests.jsonl'), '--db', db]).code, 0);
  });

  test('a database from a newer schema version is refused clearly', async () => {
    const db = path.join(tmpDir(), 'n.duckdb');
    ingestJson([fx('requests.csv'), '--db', db]);
    await query(db, "UPDATE meta SET value = '99' WHERE key = 'schema_version'");
    const r = ingestJson([fx('requests.jsonl'), '--db', db]);
    assert.equal(r.code, 2);
    assert.ok(
      r.stderr.includes(
        `has schema version 99, newer than this ai-ping understands (${SCHEMA_VERSION}); upgrade ai-ping`,
      ),
      r.stderr,
    );
  });

  test('--db defaults to $AI_PING_DB, then ./ai-ping.duckdb', () => {
    const dir = tmpDir();
    runCli(['ingest', fx('requests.csv')], { cwd: dir });
    assert.ok(existsSync(path.join(dir, 'ai-ping.duckdb')));
    runCli(['ingest', fx('requests.csv')], { cwd: dir, env: { AI_PING_DB: 'env.duckdb' } });
    assert.ok(existsSync(path.join(dir, 'env.duckdb')));
  });

  test('bad usage exits 2', () => {
    assert.equal(runCli(['ingest', fx('requests.csv'), '--kind', 'nope']).code, 2);
    const r = runCli(['ingest', fx('requests.csv'), '--set', 'colour=red', '--db', ':memory:']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--set colour=…: 'colour' is not a canonical column/);
    assert.equal(runCli(['no-such-command']).code, 2);
  });

  test('real trace: the Azure code trace (7 fraction digits, no final newline) via --map and --set', async () => {
    const trace = path.join(realData, 'azure-llm-inference-2023', 'AzureLLMInferenceTrace_code.csv.gz');
    const db = path.join(tmpDir(), 'az.duckdb');
    const r = ingestJson([
      trace,
      '--db',
      db,
      '--kind',
      'requests',
      '--map',
      'ts=TIMESTAMP',
      '--map',
      'input_tokens=ContextTokens',
      '--map',
      'output_tokens=GeneratedTokens',
      '--set',
      'model=Llama-2-70B',
      '--set',
      'provider=azure',
      '--set',
      'task=code',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual([r.json!.files[0].read, r.json!.files[0].accepted, r.json!.files[0].rejected], [8819, 8819, 0]);
    const [first] = await query<{ ts: Date; input_tokens: number; output_tokens: number }>(
      db,
      'SELECT ts, input_tokens, output_tokens FROM requests ORDER BY ts LIMIT 1',
    );
    // First data line: 2023-11-16 18:17:03.9799600,4808,10
    assert.equal(first.ts.toISOString(), '2023-11-16T18:17:03.979Z');
    assert.deepEqual([first.input_tokens, first.output_tokens], [4808, 10]);
    const [last] = await query<{ n: number }>(
      db,
      'SELECT count(*) AS n FROM requests WHERE input_tokens = 549 AND output_tokens = 173',
    );
    assert.ok(last.n >= 1, 'the last line (no trailing newline) is read');
  });
});

test('--quiet keeps warnings off stderr, before or after the command', () => {
  const bad = path.join(fixtures, 'ingest', 'bad', 'negative-tokens.csv');
  for (const args of [
    ['--quiet', 'ingest', bad],
    ['ingest', bad, '-q'],
  ]) {
    const r = runCli([...args, '--db', ':memory:', '--format', 'csv']);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /negative-tokens\.csv,requests,2,1,0,1/);
  }
  assert.match(runCli(['ingest', bad, '--db', ':memory:']).stderr, /warning: .*'-5' is negative/);
});
