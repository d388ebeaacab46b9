import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { InputError } from '../../src/errors.js';
import { ingestFiles } from '../../src/ingest/index.js';
import { readValue } from '../../src/store/schema.js';
// The registry first: preset modules import their helpers from it.
import { PRESETS } from '../../src/ingest/presets/index.js';
import { azureTaskFromName } from '../../src/ingest/presets/azure-llm-trace.js';
import { fixtures, query, readText, realData, runCli, tmpDir, withMemory } from '../helpers.js';

const preset = PRESETS['azure-llm-trace'];
const dataDir = path.join(realData, 'azure-llm-inference-2023');
const codeFile = path.join(dataDir, 'AzureLLMInferenceTrace_code.csv.gz');
const convFile = path.join(dataDir, 'AzureLLMInferenceTrace_conv.csv.gz');
const sample = path.join(fixtures, 'presets', 'azure-llm-trace', 'AzureLLMInferenceTrace_code.csv');
const set = { model: 'gpt-4', provider: 'azure' };

/** The data rows of a trace, read without DuckDB: CRLF lines, no newline after the last. */
function rowsOf(file: string): { ts: string; input: number; output: number }[] {
  const [header, ...lines] = readText(file).split(/\r?\n/);
  assert.equal(header, 'TIMESTAMP,ContextTokens,GeneratedTokens');
  return lines
    .filter((l) => l !== '')
    .map((l) => {
      const [ts, input, output] = l.split(',');
      return { ts, input: Number(input), output: Number(output) };
    });
}

describe('azure-llm-trace preset', () => {
  test('task from the file name', () => {
    assert.equal(azureTaskFromName('/x/AzureLLMInferenceTrace_code.csv'), 'code');
    assert.equal(azureTaskFromName('AzureLLMInferenceTrace_conv.csv.gz'), 'conv');
    assert.equal(azureTaskFromName('AZURELLMINFERENCETRACE_CONV.CSV'), 'conv');
    assert.equal(azureTaskFromName('trace.csv'), undefined);
    assert.equal(azureTaskFromName('code.csv'), undefined);
  });

  test('the sample: values as written, 7th fractional digit dropped (it is 0), task from the name', async () => {
    const rows = await withMemory(async (s) => {
      const [counts] = await ingestFiles(s, [sample], { preset, set });
      assert.deepEqual(
        [counts.kind, counts.read, counts.accepted, counts.duplicates, counts.rejected],
        ['requests', 5, 5, 0, 0],
      );
      return s.all(
        `SELECT strftime(ts, '%Y-%m-%d %H:%M:%S.%f') AS ts, model, provider, task, input_tokens, output_tokens,
                cached_tokens, ${readValue('requests', 'status', 'status')} AS status FROM requests ORDER BY ts`,
      );
    });
    // Hand-read from the file: the first and the last (unterminated) row.
    assert.deepEqual(rows[0], {
      ts: '2023-11-16 18:17:03.979960',
      model: 'gpt-4',
      provider: 'azure',
      task: 'code',
      input_tokens: 4808,
      output_tokens: 10,
      cached_tokens: null,
      status: 'ok',
    });
    assert.deepEqual(rows[4], {
      ts: '2023-11-16 18:17:04.424954',
      model: 'gpt-4',
      provider: 'azure',
      task: 'code',
      input_tokens: 34,
      output_tokens: 12,
      cached_tokens: null,
      status: 'ok',
    });
  });

  test('--set task overrides the file name; a file name without _code/_conv gives no task', async () => {
    const dir = tmpDir();
    const renamed = path.join(dir, 'trace.csv');
    copyFileSync(sample, renamed);
    const tasks = await withMemory(async (s) => {
      await ingestFiles(s, [sample], { preset, set: { ...set, task: 'completion' } });
      await ingestFiles(s, [renamed], { preset, set: { ...set, provider: 'azure-2' } });
      return s.all<{ provider: string; task: string | null; n: number }>(
        'SELECT provider, task, count(*) AS n FROM requests GROUP BY ALL ORDER BY provider',
      );
    });
    assert.deepEqual(tasks, [
      { provider: 'azure', task: 'completion', n: 5 },
      { provider: 'azure-2', task: null, n: 5 },
    ]);
  });

  test('without --set model/provider: an input error naming the file and the options', async () => {
    await withMemory(async (s) => {
      await assert.rejects(ingestFiles(s, [sample], { preset, set: { provider: 'azure' } }), (e: Error) => {
        assert.ok(e instanceof InputError);
        assert.match(e.message, /AzureLLMInferenceTrace_code\.csv: .*--set model=… --set provider=…/);
        assert.match(e.message, /missing: model\b/);
        return true;
      });
      await assert.rejects(ingestFiles(s, [sample], { preset, set: {} }), /missing: model, provider/);
    });
  });

  test('all rows of both real traces: counts, token sums and the first and last rows match a plain read', async () => {
    const expected = { code: rowsOf(codeFile), conv: rowsOf(convFile) };
    assert.equal(expected.code.length, 8819);
    assert.equal(expected.conv.length, 19366);
    await withMemory(async (s) => {
      const counts = await ingestFiles(s, [dataDir], { preset, set });
      assert.deepEqual(
        counts.map((c) => [path.basename(c.file), c.read, c.accepted, c.duplicates, c.rejected]),
        [
          ['AzureLLMInferenceTrace_code.csv.gz', 8819, 8819, 0, 0],
          ['AzureLLMInferenceTrace_conv.csv.gz', 19366, 19366, 0, 0],
        ],
      );
      const got = await s.all<{ task: string; n: number; input: number; output: number; first: string; last: string }>(
        `SELECT task, count(*) AS n, sum(input_tokens) AS input, sum(output_tokens) AS output,
                strftime(min(ts), '%Y-%m-%d %H:%M:%S.%f') AS first, strftime(max(ts), '%Y-%m-%d %H:%M:%S.%f') AS last
         FROM requests GROUP BY task ORDER BY task`,
      );
      const sum = (rows: { input: number; output: number }[], k: 'input' | 'output') =>
        rows.reduce((a, r) => a + r[k], 0);
      // The files are in time order; 7-digit fractions lose their last digit (always 0 here).
      const micro = (ts: string) => ts.slice(0, 26);
      assert.deepEqual(got, [
        {
          task: 'code',
          n: 8819,
          input: sum(expected.code, 'input'),
          output: sum(expected.code, 'output'),
          first: micro(expected.code[0].ts),
          last: micro(expected.code.at(-1)!.ts),
        },
        {
          task: 'conv',
          n: 19366,
          input: sum(expected.conv, 'input'),
          output: sum(expected.conv, 'output'),
          first: micro(expected.conv[0].ts),
          last: micro(expected.conv.at(-1)!.ts),
        },
      ]);
      // The unterminated last line of the conversation trace, as read by hand.
      assert.deepEqual(expected.conv.at(-1), { ts: '2023-11-16 19:14:08.4025270', input: 197, output: 183 });
      assert.deepEqual(
        await s.one(
          `SELECT input_tokens, output_tokens FROM requests WHERE task = 'conv' AND ts = TIMESTAMP '2023-11-16 19:14:08.402527'`,
        ),
        { input_tokens: 197, output_tokens: 183 },
      );
      // Rows have no id: their content hash identifies them, so a second ingest adds nothing.
      const again = await ingestFiles(s, [dataDir], { preset, set });
      assert.deepEqual(
        again.map((c) => [c.accepted, c.duplicates]),
        [
          [0, 8819],
          [0, 19366],
        ],
      );
    });
  });

  test('CLI: ingest --preset azure-llm-trace, and the error without --set', async () => {
    const db = path.join(tmpDir(), 'azure.duckdb');
    const r = runCli([
      'ingest',
      codeFile,
      '--preset',
      'azure-llm-trace',
      '--set',
      'model=gpt-4',
      '--set',
      'provider=azure',
      '--db',
      db,
      '--format',
      'json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      JSON.parse(r.stdout).files.map((f: Record<string, unknown>) => [
        f.kind,
        f.read,
        f.accepted,
        f.duplicates,
        f.rejected,
      ]),
      [['requests', 8819, 8819, 0, 0]],
    );
    assert.deepEqual(await query(db, "SELECT count(*) AS n FROM requests WHERE task = 'code' AND provider = 'azure'"), [
      { n: 8819 },
    ]);

    const bad = runCli([
      'ingest',
      codeFile,
      '--preset',
      'azure-llm-trace',
      '--db',
      path.join(tmpDir(), 'x.duckdb'),
      '--format',
      'json',
    ]);
    assert.equal(bad.code, 2);
    assert.match(
      bad.stderr,
      /AzureLLMInferenceTrace_code\.csv\.gz: the Azure LLM inference trace names no model or provider; pass --set model=… --set provider=…/,
    );
  });
});
