import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ingestFiles } from '../../src/ingest/index.js';
// The registry first: preset modules import their helpers from it.
import { PRESETS } from '../../src/ingest/presets/index.js';
import { THEFASTEST_TPS_CAP } from '../../src/ingest/presets/thefastest.js';
import { Store } from '../../src/store/db.js';
import { query, readText, realData, runCli, tmpDir } from '../helpers.js';

const preset = PRESETS.thefastest;
const root = path.join(realData, 'thefastest-ai');
const latest = path.join(root, 'latest.json.gz');

interface Result {
  model: string;
  ttft: number;
  tps: number;
  num_tokens: number;
  total_time: number;
}
interface Run {
  time: string;
  region: string;
  results: Result[];
}

/** Every file in the order the folder is ingested: history/<commit time>/ first, then latest.json. */
const files = [
  ...readdirSync(path.join(root, 'history'))
    .sort()
    .map((d) => path.join(root, 'history', d, 'latest.json.gz')),
  latest,
];
const runsOf = (f: string) => JSON.parse(readText(f)) as Run[];
/** An Azure endpoint logged as `<region>/azure`: no model name, rejected. */
const noModel = (name: string) => /^[a-z0-9]+\/azure$/.test(name);

/** Per-file counts computed without DuckDB: a measurement is new the first time its (time, region, model) is seen. */
function expectedCounts(): { file: string; read: number; accepted: number; duplicates: number; rejected: number }[] {
  const seen = new Set<string>();
  return files.map((file) => {
    let read = 0;
    let accepted = 0;
    let rejected = 0;
    for (const run of runsOf(file)) {
      for (const r of run.results) {
        read++;
        if (noModel(r.model)) rejected++;
        else if (!seen.has(`${run.time}|${run.region}|${r.model}`)) {
          seen.add(`${run.time}|${run.region}|${r.model}`);
          accepted++;
        }
      }
    }
    return { file, read, accepted, duplicates: read - accepted - rejected, rejected };
  });
}

describe('thefastest preset', () => {
  test('all 40 files: read = accepted + duplicates + rejected, repeats across versions are duplicates, 6 explained rejects', async () => {
    assert.equal(files.length, 40);
    const expected = expectedCounts();
    const s = await Store.open(':memory:');
    try {
      const counts = await ingestFiles(s, [root], { preset });
      assert.deepEqual(
        counts.map(({ file, read, accepted, duplicates, rejected }) => ({
          file,
          read,
          accepted,
          duplicates,
          rejected,
        })),
        expected,
      );
      const total = counts.reduce(
        (a, c) => [a[0] + c.read, a[1] + c.accepted, a[2] + c.duplicates, a[3] + c.rejected],
        [0, 0, 0, 0],
      );
      assert.deepEqual(total, [6413, 5980, 427, 6]);
      // latest.json is the last history version again: every row a duplicate.
      assert.deepEqual(counts.at(-1)!.accepted, 0);
      assert.deepEqual(counts.at(-1)!.duplicates, 183);

      // The rejects: the Azure endpoint logged as 'eastus2/azure' (two versions x three regions).
      const rejects = await s.all<{ file: string; n: number; reason: string }>(
        `SELECT regexp_extract(file, 'history/([^/]+)/', 1) AS file, count(*) AS n, min(reason) AS reason,
                count(*) FILTER (WHERE json_extract_string(raw_row, '$.provider') = 'azure.eastus2') AS azure
         FROM rejects GROUP BY ALL ORDER BY file`,
      );
      assert.deepEqual(rejects, [
        { file: '2024-04-24T010216Z', n: 3, reason: 'model: missing required value', azure: 3 },
        { file: '2024-04-24T080929Z', n: 3, reason: 'model: missing required value', azure: 3 },
      ]);

      // Hand-read: latest.json, first run (cdg), first result.
      const [run] = runsOf(latest);
      assert.deepEqual(
        [run.time, run.region, run.results[0].model],
        ['2024-05-03T08:15:51.139820', 'cdg', 'openai/gpt-4-turbo'],
      );
      assert.deepEqual(
        await s.one(
          `SELECT strftime(ts, '%Y-%m-%dT%H:%M:%S.%f') AS ts, provider, model, region, ok, ttft_ms, tps, latency_ms, error_type, input_tokens
           FROM latency WHERE provider = 'openai' AND model = 'gpt-4-turbo' AND region = 'cdg' AND ts = TIMESTAMP '2024-05-03 08:15:51.13982'`,
        ),
        {
          ts: '2024-05-03T08:15:51.139820',
          provider: 'openai',
          model: 'gpt-4-turbo',
          region: 'cdg',
          ok: true,
          ttft_ms: 0.5566577911376953 * 1000,
          tps: 21.72205708665978,
          latency_ms: 1.431344747543335 * 1000,
          error_type: null,
          input_tokens: null,
        },
      );

      // Seconds in the files: the median TTFT of all stored rows is about a third of a second.
      const median = (await s.one<{ m: number }>('SELECT median(ttft_ms) AS m FROM latency'))!.m;
      assert.ok(median > 200 && median < 600, `median TTFT ${median} ms`);

      // The one result without tokens (ttft, tps, total 0): a failed probe, nothing measured.
      const failed = runsOf(path.join(root, 'history', '2024-04-24T080929Z', 'latest.json.gz'))
        .flatMap((r) => r.results.map((x) => ({ ...x, time: r.time, region: r.region })))
        .filter((x) => x.num_tokens === 0);
      assert.deepEqual(
        failed.map((x) => [x.model, x.ttft, x.tps, x.total_time]),
        [['groq.com/llama3-70b-8192', 0, 0, 0]],
      );
      assert.deepEqual(
        await s.all(`SELECT provider, model, region, ttft_ms, tps, latency_ms, error_type FROM latency WHERE NOT ok`),
        [
          {
            provider: 'groq.com',
            model: 'llama3-70b-8192',
            region: failed[0].region,
            ttft_ms: null,
            tps: null,
            latency_ms: null,
            error_type: 'no_tokens',
          },
        ],
      );

      // TPS at the benchmark's cap of 999 is no measurement: stored empty, the row still ok with its TTFT.
      const capped = new Set<string>();
      for (const f of files)
        for (const r of runsOf(f))
          for (const x of r.results) {
            if (x.tps === THEFASTEST_TPS_CAP && x.num_tokens > 0 && !noModel(x.model))
              capped.add(`${r.time}|${r.region}|${x.model}`);
          }
      assert.equal(capped.size, 893);
      assert.deepEqual(
        await s.one(
          `SELECT count(*) FILTER (WHERE tps IS NULL) AS no_tps, count(*) FILTER (WHERE tps = 999) AS at_cap,
                  count(*) FILTER (WHERE tps IS NULL AND ok AND ttft_ms IS NOT NULL) AS timed
           FROM latency`,
        ),
        { no_tps: 893 + 1, at_cap: 0, timed: 893 },
      );

      // Early versions named endpoints by the model id alone.
      const early = await s.all(
        `SELECT DISTINCT provider, model FROM latency
         WHERE ts = (SELECT min(ts) FROM latency WHERE region = 'sea') AND region = 'sea'
           AND provider IN ('openai', 'anthropic', 'cohere', 'cloudflare', 'neets.ai', 'together.xyz', 'fixie-eastus2.azure')
         ORDER BY provider, model`,
      );
      assert.deepEqual(early, [
        { provider: 'anthropic', model: 'claude-2.1' },
        { provider: 'anthropic', model: 'claude-3-haiku-20240307' },
        { provider: 'anthropic', model: 'claude-3-opus-20240229' },
        { provider: 'anthropic', model: 'claude-3-sonnet-20240229' },
        { provider: 'anthropic', model: 'claude-instant-1.2' },
        { provider: 'cloudflare', model: 'meta/llama-2-7b-chat-fp16' },
        { provider: 'cloudflare', model: 'meta/llama-2-7b-chat-int8' },
        { provider: 'cohere', model: 'command-light' },
        { provider: 'cohere', model: 'command-r' },
        { provider: 'cohere', model: 'command-r-plus' },
        { provider: 'fixie-eastus2.azure', model: 'gpt-3.5-turbo' },
        { provider: 'fixie-eastus2.azure', model: 'gpt-4-1106-preview' },
        { provider: 'fixie-eastus2.azure', model: 'llama-2-70b' },
        { provider: 'fixie-eastus2.azure', model: 'mistral' },
        { provider: 'neets.ai', model: 'Neets-7B' },
        { provider: 'openai', model: 'gpt-3.5-turbo-0125' },
        { provider: 'openai', model: 'gpt-3.5-turbo-1106' },
        { provider: 'openai', model: 'gpt-4-0125-preview' },
        { provider: 'openai', model: 'gpt-4-1106-preview' },
        { provider: 'openai', model: 'gpt-4-turbo' },
        { provider: 'together.xyz', model: 'llama-2-13b-chat' },
        { provider: 'together.xyz', model: 'llama-2-7b-chat' },
      ]);
      // Every stored row has a provider, a model and one of the three probe regions.
      assert.deepEqual(
        await s.all(
          'SELECT region, count(*) FILTER (WHERE provider IS NULL OR model IS NULL) AS unnamed FROM latency GROUP BY ALL ORDER BY region',
        ),
        [
          { region: 'cdg', unnamed: 0 },
          { region: 'iad', unnamed: 0 },
          { region: 'sea', unnamed: 0 },
        ],
      );
    } finally {
      s.close();
    }
  });

  test('CLI: ingest the folder with --preset thefastest', async () => {
    const db = path.join(tmpDir(), 'thefastest.duckdb');
    const r = runCli(['ingest', root, '--preset', 'thefastest', '--db', db, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout).files as {
      kind: string;
      read: number;
      accepted: number;
      duplicates: number;
      rejected: number;
    }[];
    assert.equal(out.length, 40);
    assert.ok(out.every((f) => f.kind === 'latency' && f.read === f.accepted + f.duplicates + f.rejected));
    assert.deepEqual(
      out.reduce((a, f) => [a[0] + f.read, a[1] + f.accepted, a[2] + f.duplicates, a[3] + f.rejected], [0, 0, 0, 0]),
      [6413, 5980, 427, 6],
    );
    assert.match(r.stderr, /2024-04-24T010216Z\/latest\.json\.gz: row \d+: model: missing required value/);
    assert.deepEqual(await query(db, 'SELECT count(*) AS n FROM latency'), [{ n: 5980 }]);
  });
});
