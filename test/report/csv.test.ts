import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderCsv } from '../../src/report/csv.js';
import { percentCell } from '../../src/report/index.js';

test('csv: raw numbers, no separators, units or rounding; text quoted when it must be', () => {
  const csv = renderCsv({
    json: {},
    sections: [
      {
        columns: ['model', 'requests', 'share', 'ratio', 'note'],
        rows: [
          ['Qwen3-32B', 1234567, percentCell(37.81234, 1), { value: 1.4166666666666667, text: '1.4x' }, 'a, "b"'],
          ['x', 0.000123, percentCell(null), null, undefined],
        ],
      },
      { columns: ['ignored'], rows: [[1]] },
    ],
  });
  assert.equal(
    csv,
    'model,requests,share,ratio,note\nQwen3-32B,1234567,37.81234,1.4166666666666667,"a, ""b"""\nx,0.000123,,,\n',
  );
});
