import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { readValue } from '../../src/store/schema.js';
import { fixtures, query, runCli, tmpDir } from '../helpers.js';

const fx = (f: string) => path.join(fixtures, 'ingest', f);

const MAP = [
  '--map',
  'ts=created',
  '--map',
  'input_tokens=usage.prompt_tokens',
  '--map',
  'output_tokens=usage.completion_tokens',
  '--map',
  'cached_tokens=usage.prompt_tokens_details.cached_tokens',
];

interface Counts {
  read: number;
  accepted: number;
  duplicates: number;
  rejected: number;
}

function ingest(db: string, args: string[]) {
  const r = runCli(['ingest', ...args, '--db', db, '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const [f] = (JSON.parse(r.stdout) as { files: (Counts & { kind: string })[] }).files;
  assert.equal(f.read, f.accepted + f.duplicates + f.rejected, 'read = accepted + duplicates + rejected');
  return { file: f, stderr: r.stderr };
}

describe('ai-ping ingest of generic logs (CLI)', () => {
  test('an OpenAI-style JSONL log with --map paths into usage', async () => {
    const db = path.join(tmpDir(), 'n.duckdb');
    const { file, stderr } = ingest(db, [fx('openai-nested.jsonl'), ...MAP]);
    assert.deepEqual([file.kind, file.read, file.accepted, file.duplicates, file.rejected], ['requests', 9, 6, 1, 2]);
    assert.match(stderr, /openai-nested\.jsonl: row 6: input_tokens: missing required value/);
    assert.match(stderr, /openai-nested\.jsonl: row 8: cached_tokens: 200 exceeds input_tokens 100/);
    const rows = await query<Record<string, unknown>>(
      db,
      `SELECT request_id, strftime(ts, '%Y-%m-%dT%H:%M:%S') AS ts, model, provider, input_tokens, output_tokens,
              cached_tokens, status, error_type FROM requests ORDER BY request_id`,
    );
    assert.deepEqual(
      rows.map((r) => Object.values(r)),
      [
        ['chatcmpl-001', '2025-12-01T10:00:00', 'deepseek-chat', 'deepseek', 1200, 80, 1024, 'ok', null],
        ['chatcmpl-002', '2025-12-01T10:01:00', 'deepseek-chat', 'deepseek', 600, 350, 0, 'ok', null],
        ['chatcmpl-003', '2025-12-01T10:02:00', 'qwen3-32b', 'provider-a', 300, 20, null, 'ok', null],
        ['chatcmpl-004', '2025-12-01T10:03:00', 'qwen3-32b', 'provider-a', 500, 0, null, 'error', 'rate_limit'],
        ['chatcmpl-005', '2025-12-01T10:04:00', 'qwen3-32b', 'provider-b', 40000, 0, null, 'error', 'context_length'],
        ['chatcmpl-008', '2025-12-01T10:07:00', 'deepseek-chat', 'deepseek', 900, 0, null, 'error', 'timeout'],
      ],
    );
  });

  test('a path that names nothing: exit 2, one line naming the file, the option and the closest paths', () => {
    const db = path.join(tmpDir(), 'x.duckdb');
    const r = runCli([
      'ingest',
      fx('openai-nested.jsonl'),
      ...MAP,
      '--map',
      'input_tokens=usage.prompt_tokns',
      '--db',
      db,
    ]);
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      `ai-ping: ${fx('openai-nested.jsonl')}: --map input_tokens=usage.prompt_tokns: the file has no column or field ` +
        `'usage.prompt_tokns'; closest: usage.prompt_tokens, usage.total_tokens, usage.completion_tokens\n`,
    );
    assert.equal(existsSync(db), false, 'nothing written');
  });

  test('status as HTTP codes and words', async () => {
    const db = path.join(tmpDir(), 's.duckdb');
    const { file, stderr } = ingest(db, [fx('requests-status.csv')]);
    assert.deepEqual([file.read, file.accepted, file.duplicates, file.rejected], [27, 23, 1, 3]);
    assert.match(stderr, /requests-status\.csv: row 24: status: 'maybe' is not a known value \(expected ok, success/);
    const rows = await query<{ request_id: string; status: string; error_type: string | null }>(
      db,
      // an empty status is stored empty and read as ok
      `SELECT request_id, ${readValue('requests', 'status', 'status')} AS status, error_type FROM requests ORDER BY request_id`,
    );
    const error = (type: string | null) => ['error', type];
    const ok = ['ok', null];
    assert.deepEqual(
      rows.map((r) => [r.request_id, r.status, r.error_type]),
      [
        ['st-01', ...ok],
        ['st-02', ...ok],
        ['st-03', ...error('rate_limit')],
        ['st-04', ...error('timeout')],
        ['st-05', ...error('timeout')],
        ['st-06', ...error('context_length')],
        ['st-07', ...error('bad_request')],
        ['st-08', ...error('context_length')],
        ['st-09', ...error('context_length')],
        ['st-10', ...error('bad_request')],
        ['st-11', ...error('server')],
        ['st-12', ...error('server')],
        ['st-13', ...error('http_404')],
        ['st-14', ...error('http_401')],
        ['st-15', ...ok],
        ['st-16', ...ok],
        ['st-17', ...ok],
        ['st-18', ...error(null)],
        ['st-19', ...error(null)],
        ['st-20', ...error(null)],
        ['st-21', ...error('quota')],
        ['st-22', ...error('upstream')],
        ['st-23', ...ok],
      ],
    );
    const rejects = await query<{ row_number: number; field: string }>(
      db,
      'SELECT row_number, field FROM rejects ORDER BY row_number',
    );
    assert.deepEqual(
      rejects.map((r) => [r.row_number, r.field]),
      [
        [24, 'status'],
        [25, 'status'],
        [26, 'status'],
      ],
    );
  });
});
