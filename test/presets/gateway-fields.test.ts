import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { httpErrorType, httpStatus, textErrorType, unwrapData } from '../../src/ingest/presets/gateway-fields.js';
import { openSource } from '../../src/ingest/stage.js';
import { Store } from '../../src/store/db.js';
import { tmpDir } from '../helpers.js';

async function evaluate(
  expr: (x: string) => string,
  values: (string | number | null)[],
  type: string,
): Promise<unknown[]> {
  const s = await Store.open(':memory:', { init: false });
  try {
    const rows = await s.all<{ v: unknown }>(
      `SELECT ${expr('x')} AS v FROM (SELECT unnest(CAST($values AS ${type}[])) AS x, generate_subscripts(CAST($values AS ${type}[]), 1) AS i) ORDER BY i`,
      { values: JSON.stringify(values) },
    );
    return rows.map((r) => r.v);
  } finally {
    s.close();
  }
}

describe('error types shared by the gateway presets', () => {
  test('from HTTP status codes', async () => {
    const codes = [200, 204, 400, 401, 402, 403, 404, 408, 413, 422, 429, 500, 502, 503, 504, 524, 0, -1, 302, null];
    assert.deepEqual(await evaluate(httpErrorType, codes, 'INTEGER'), [
      null,
      null,
      'bad_request',
      'auth',
      'billing',
      'auth',
      'bad_request',
      'timeout',
      'bad_request',
      'bad_request',
      'rate_limit',
      'server',
      'server',
      'server',
      'timeout',
      'timeout',
      'no_response',
      'no_response',
      'other',
      null,
    ]);
    assert.deepEqual(await evaluate(httpStatus, [200, 299, 300, 429, 0, null], 'INTEGER'), [
      'ok',
      'ok',
      'error',
      'error',
      'error',
      null,
    ]);
  });

  test('from error classes and messages', async () => {
    const texts = [
      'RateLimitError',
      'ContextWindowExceededError',
      'Timeout',
      'ServiceUnavailableError',
      'InternalServerError',
      'APIConnectionError',
      'AuthenticationError',
      'BadRequestError',
      "Error code: 429 - {'error': {'message': 'Rate limit reached'}}",
      'prompt is too long: 170000 tokens > 163840 maximum',
      'Request timed out',
      'Error code: 503 - upstream overloaded',
      'ContentPolicyViolationError',
      null,
    ];
    assert.deepEqual(await evaluate(textErrorType, texts, 'VARCHAR'), [
      'rate_limit',
      'context_length',
      'timeout',
      'server',
      'server',
      'server',
      'auth',
      'bad_request',
      'rate_limit',
      'context_length',
      'timeout',
      'server',
      null,
      null,
    ]);
  });
});

describe('API pages shared by the gateway presets', () => {
  async function records(lines: string[]): Promise<unknown[]> {
    const file = path.join(tmpDir(), 'pages.jsonl');
    writeFileSync(file, lines.join('\n'));
    const s = await Store.open(':memory:', { init: false });
    try {
      const src = await unwrapData(
        s,
        await openSource(s, { path: file, format: 'json', partitions: {} }),
        'id',
        'pages',
      );
      return await s.all(`SELECT __row, id FROM ${src.relation} ORDER BY __row`, src.params);
    } finally {
      s.close();
    }
  }

  test('{data: [...]} pages, one per line: their records, numbered through the file', async () => {
    assert.deepEqual(
      await records([
        '{"data": [{"id": "a"}, {"id": "b"}], "meta": {"page": 1}}',
        '{"data": [{"id": "c"}], "meta": {"page": 2}}',
      ]),
      [
        { __row: 1, id: 'a' },
        { __row: 2, id: 'b' },
        { __row: 3, id: 'c' },
      ],
    );
  });

  test('records that are not wrapped are read as they are', async () => {
    assert.deepEqual(await records(['{"id": "a", "data": [{"x": 1}]}', '{"id": "b", "data": []}']), [
      { __row: 1, id: 'a' },
      { __row: 2, id: 'b' },
    ]);
  });
});
