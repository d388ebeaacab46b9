import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../src/errors.js';
import { selectionBounds } from '../../src/query/selection.js';

test('selection bounds: bare dates cover whole days, moments are inclusive and converted to UTC', () => {
  assert.deepEqual(selectionBounds({ from: '2025-10-01', to: '2025-10-31' }), {
    fromTs: '2025-10-01T00:00:00.000Z',
    toTs: '2025-11-01T00:00:00.000Z',
    toExclusive: true,
    fromDay: '2025-10-01',
    toDay: '2025-10-31',
  });
  // 08:00 at +08:00 is midnight UTC; a moment without a zone is UTC
  assert.deepEqual(selectionBounds({ from: '2025-10-01T08:00:00+08:00', to: '2025-10-02 06:30:00' }), {
    fromTs: '2025-10-01T00:00:00.000Z',
    toTs: '2025-10-02T06:30:00.000Z',
    toExclusive: false,
    fromDay: '2025-10-01',
    toDay: '2025-10-02',
  });
  assert.deepEqual(selectionBounds({}), { fromTs: null, toTs: null, toExclusive: false, fromDay: null, toDay: null });
  // the same day as both ends is one day, not an empty period
  assert.doesNotThrow(() => selectionBounds({ from: '2025-10-01', to: '2025-10-01' }));
});

test('bad or reversed bounds are usage errors', () => {
  assert.throws(() => selectionBounds({ from: 'last tuesday' }), UsageError);
  assert.throws(() => selectionBounds({ to: '2025-13-45' }), UsageError);
  assert.throws(() => selectionBounds({ to: '2025-02-30' }), UsageError);
  assert.throws(() => selectionBounds({ from: '2025-02-29T10:00:00Z' }), UsageError);
  assert.throws(() => selectionBounds({ from: '2025-10-02', to: '2025-10-01' }), /after --to/);
});
