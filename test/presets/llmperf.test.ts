import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { InputError } from '../../src/errors.js';
import { ingestFiles, type FileCounts } from '../../src/ingest/index.js';
// The registry first: preset modules import their helpers from it.
import { PRESETS } from '../../src/ingest/presets/index.js';
import { llmperfProvider, llmperfSummaryPath } from '../../src/ingest/presets/llmperf.js';
import { query, readText, realData, runCli, tmpDir, withMemory } from '../helpers.js';

const preset = PRESETS.llmperf;
const root = path.join(realData, 'llmperf-leaderboard');
const individual = (f: string) => path.join(root, 'individual', f.endsWith('.gz') ? f : `${f}.gz`);

type LlmperfRecord = Record<string, unknown>;
const records = (f: string) => JSON.parse(readText(individual(f))) as LlmperfRecord[];
/** Records with identical values, counted without DuckDB: the number a measurement table collapses. */
const identicalRecords = (rs: LlmperfRecord[]) =>
  rs.length - new Set(rs.map((r) => JSON.stringify(Object.entries(r).sort(([a], [b]) => a.localeCompare(b))))).size;

describe('llmperf preset', () => {
  test('provider from the file name, summary beside it', () => {
    assert.equal(llmperfProvider('/x/individual/anyscale_13b.json'), 'anyscale');
    assert.equal(llmperfProvider('together_ai_70b.json.gz'), 'together_ai');
    assert.equal(llmperfProvider('groq.json'), 'groq');
    assert.equal(llmperfSummaryPath('/d/individual/groq_70b.json'), '/d/summary/groq_70b.json');
  });

  test('every real file: read = accepted + duplicates + rejected, no rejects; identical records are separate requests', async () => {
    const files = readdirSync(path.join(root, 'individual')).sort();
    assert.equal(files.length, 19);
    await withMemory(async (s) => {
      // The folder: summary files yield nothing, each individual file one latency relation.
      const counts = await ingestFiles(s, [root], { preset });
      assert.deepEqual(
        counts.map((c) => path.relative(root, c.file)),
        files.map((f) => path.join('individual', f)),
      );
      let duplicates = 0;
      for (const c of counts) {
        const rs = records(path.basename(c.file));
        assert.equal(c.kind, 'latency');
        assert.equal(c.read, rs.length, c.file);
        assert.equal(c.read, c.accepted + c.duplicates + c.rejected, c.file);
        assert.equal(c.rejected, 0, c.file);
        duplicates += c.duplicates;
      }
      // Lepton's 3 x 130 bare HTTP 429s and Perplexity's 2 identical 429s share a run timestamp and every
      // value, yet are distinct requests: each is kept (388 records that a value-only key would merge).
      assert.equal(
        counts.reduce((a, c) => a + identicalRecords(records(path.basename(c.file))), 0),
        388,
      );
      assert.equal(duplicates, 0);
      const lepton = await s.one<{ n: number; ok: number }>(
        "SELECT count(*) AS n, count(*) FILTER (WHERE ok) AS ok FROM latency WHERE provider = 'lepton' AND model LIKE '%13b%'",
      );
      assert.deepEqual(lepton, { n: 150, ok: 20 }, 'success rate 20/150, not 20/21');
      const again = await ingestFiles(s, [root], { preset });
      assert.ok(
        again.every((c) => c.accepted === 0 && c.duplicates === c.read),
        're-ingesting adds nothing',
      );
      assert.equal(
        counts.reduce((a, c: FileCounts) => a + c.read, 0),
        19 * 150 - 5,
      );

      // Hand-read: the first record of individual/anyscale_13b.json and its summary (model, timestamp 1703136016).
      const first = records('anyscale_13b.json')[0];
      assert.equal(first.ttft_s, 0.5575600349999945);
      assert.deepEqual(
        await s.one(
          `SELECT strftime(ts, '%Y-%m-%dT%H:%M:%S') AS ts, provider, model, ok, ttft_ms, tps, latency_ms, input_tokens, error_type, region
           FROM latency WHERE provider = 'anyscale' AND ttft_ms = $1`,
          [0.5575600349999945 * 1000],
        ),
        {
          ts: '2023-12-21T05:20:16',
          provider: 'anyscale',
          model: 'meta-llama/Llama-2-13b-chat-hf',
          ok: true,
          ttft_ms: 557.5600349999945,
          tps: 34.02804151827529,
          latency_ms: 1528.1514210000182,
          input_tokens: 550,
          error_type: null,
          region: null,
        },
      );

      // Failures: a bare 429 measures nothing; LLMPerf's "too few tokens" (-100) keeps its timings but not its rate.
      assert.deepEqual(
        await s.all(
          `SELECT count(*) AS n, count(ttft_ms) AS timed, count(latency_ms) AS lat, count(tps) AS rated FROM latency
           WHERE model = 'meta.llama2-13b-chat-v1' AND NOT ok AND error_type = 'Output too few tokens 39'`,
        ),
        [{ n: 5, timed: 5, lat: 5, rated: 0 }],
      );
      assert.deepEqual(
        await s.all(
          `SELECT provider, error_type, count(*) AS n, count(ttft_ms) AS timed, count(latency_ms) AS lat, count(tps) AS rated
           FROM latency WHERE NOT ok AND provider <> 'bedrock' GROUP BY ALL ORDER BY provider`,
        ),
        [
          // every failed request is a row: 3 runs x 130 bare 429s, and Perplexity's two identical 429s
          { provider: 'lepton', error_type: 'rate_limit', n: 390, timed: 0, lat: 0, rated: 0 },
          {
            provider: 'perplexity',
            error_type: 'rate_limit: Token rate limit exceeded, please try again later.',
            n: 2,
            timed: 0,
            lat: 0,
            rated: 0,
          },
          { provider: 'together', error_type: 'error code -1', n: 1, timed: 0, lat: 0, rated: 0 },
        ],
      );
      // ok = no error code, counted per run against the files.
      const okRuns = await s.all<{ provider: string; model: string; ok: number; failed: number }>(
        `SELECT provider, model, count(*) FILTER (WHERE ok) AS ok, count(*) FILTER (WHERE NOT ok) AS failed
         FROM latency WHERE provider IN ('bedrock', 'groq') GROUP BY ALL ORDER BY provider, model`,
      );
      const okOf = (f: string) => records(f).filter((r) => r.error_code === null).length;
      assert.deepEqual(okRuns, [
        {
          provider: 'bedrock',
          model: 'meta.llama2-13b-chat-v1',
          ok: okOf('bedrock_13b.json'),
          failed: 150 - okOf('bedrock_13b.json'),
        },
        {
          provider: 'bedrock',
          model: 'meta.llama2-70b-chat-v1',
          ok: okOf('bedrock_70b.json'),
          failed: 150 - okOf('bedrock_70b.json'),
        },
        { provider: 'groq', model: 'llama2-70b-4096', ok: 150, failed: 0 },
      ]);
      assert.deepEqual([okOf('bedrock_13b.json'), okOf('bedrock_70b.json')], [53, 101]);
    });
  });

  test('a summary file alone yields nothing; an individual file without its summary is an error naming both', async () => {
    const dir = tmpDir();
    mkdirSync(path.join(dir, 'individual'));
    mkdirSync(path.join(dir, 'summary'));
    copyFileSync(individual('groq_70b.json.gz'), path.join(dir, 'individual', 'groq_70b.json.gz'));
    copyFileSync(path.join(root, 'summary', 'groq_70b.json.gz'), path.join(dir, 'summary', 'other_70b.json.gz'));
    await withMemory(async (s) => {
      assert.deepEqual(await ingestFiles(s, [path.join(dir, 'summary', 'other_70b.json.gz')], { preset }), []);
      await assert.rejects(
        ingestFiles(s, [path.join(dir, 'individual', 'groq_70b.json.gz')], { preset }),
        (e: Error) => {
          assert.ok(e instanceof InputError);
          assert.ok(e.message.includes(path.join(dir, 'individual', 'groq_70b.json.gz')), e.message);
          assert.ok(e.message.includes(path.join(dir, 'summary', 'groq_70b.json.gz')), e.message);
          return true;
        },
      );
    });
  });

  test('CLI: ingest the folder with --preset llmperf', async () => {
    const db = path.join(tmpDir(), 'llmperf.duckdb');
    const r = runCli(['ingest', root, '--preset', 'llmperf', '--db', db, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const files = JSON.parse(r.stdout).files as {
      file: string;
      kind: string;
      read: number;
      accepted: number;
      duplicates: number;
      rejected: number;
    }[];
    assert.equal(files.length, 19);
    assert.ok(
      files.every((f) => f.kind === 'latency' && f.read === f.accepted + f.duplicates + f.rejected && f.rejected === 0),
    );
    assert.deepEqual(
      files.reduce((a, f) => [a[0] + f.read, a[1] + f.accepted, a[2] + f.duplicates], [0, 0, 0]),
      [2845, 2845, 0],
    );
    assert.deepEqual(await query(db, 'SELECT count(*) AS n, count(DISTINCT provider) AS providers FROM latency'), [
      { n: 2845, providers: 8 },
    ]);
  });
});
