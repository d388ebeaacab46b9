import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { httpErrorType, httpStatus, textErrorType } from '../../src/ingest/presets/gateway-fields.js';
import { Store } from '../../src/store/db.js';

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
