import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderTerminal } from '../../src/report/terminal.js';

test('a section with a preview shows that many rows in the terminal, then how many more the other formats list', () => {
  const rows = Array.from({ length: 7 }, (_, i) => [`p${i}`, i]);
  const out = renderTerminal({ json: {}, sections: [{ columns: ['provider', 'n'], rows, preview: 3 }] });
  assert.match(out, /│ p2 /);
  assert.doesNotMatch(out, /│ p3 /);
  assert.match(out, /… 4 more row\(s\); --format csv, md or json lists all 7\n/);
  const all = renderTerminal({ json: {}, sections: [{ columns: ['provider', 'n'], rows, preview: 7 }] });
  assert.match(all, /│ p6 /);
  assert.doesNotMatch(all, /more row/);
});
