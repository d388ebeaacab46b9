import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simulateReport } from '../../src/commands/simulate.js';
import { renderTerminal, textScatter } from '../../src/report/terminal.js';
import { simulation } from './fixtures.js';

test('terminal: the policy scatter as letters on a grid whose axes cross at the baseline', () => {
  const text = textScatter(simulateReport(simulation()).sections.find((s) => s.scatter)!.scatter!);
  const lines = text.split('\n');
  // x −40..40 over 49 columns: column = round((x + 40) / 80 × 48); y 60..−40 over 11 rows: row = round((60 − y) / 100 × 10)
  // cost (−35.96, −25): column round(2.43) = 2, row round(8.5) = 9; throughput (25, 50): column 39, row 1;
  // the baseline: column 24, row 6. Each grid line starts with an 8-wide label and ' ┤' (10 characters).
  const grid = lines.slice(1, 12);
  const at = (row: number, column: number) => grid[row][10 + column];
  assert.equal(at(9, 2), 'A', 'cost, on the front: a capital');
  assert.equal(at(1, 39), 'B');
  assert.equal(at(6, 24), '┼');
  assert.equal(at(0, 24), '│');
  assert.equal(at(6, 0), '─');
  assert.match(grid[0], /^ {6}60 ┤/);
  assert.match(grid[10], /^ {5}-40 ┤/);
  assert.deepEqual(lines.slice(12), [
    `          -40${' '.repeat(44)}40`,
    '          x: cost change, %; y: throughput change, %; the axes cross at 0',
    '  A cost: cost change −36%, throughput change −25% (Pareto front)',
    '  B throughput: cost change +25%, throughput change +50% (Pareto front)',
    '  not drawn (no figure): balanced',
  ]);
  assert.match(renderTerminal(simulateReport(simulation())), /Cost change vs throughput change per policy/);
});
