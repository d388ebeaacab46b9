import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateGates, parseGate, type GateFigure } from '../../src/commands/gates.js';

const figures = (over: Partial<Record<GateFigure, number | null>>) =>
  ({
    savingsPct: 12,
    throughputGainPct: -3,
    failureRate: 1,
    stalePriceDays: 2,
    unknownModels: 0,
    rejectedRows: 5,
    inertiaIndex: 10,
    top1Share: 32,
    gini: 0.69,
    ...over,
  }) as Record<GateFigure, number | null>;

test('gates: parse, pass and fail', () => {
  assert.deepEqual(parseGate(' savingsPct < 10 '), {
    expr: 'savingsPct < 10',
    figure: 'savingsPct',
    op: '<',
    value: 10,
  });
  const [pass, fail, neg, missing] = evaluateGates(
    [
      parseGate('savingsPct < 10'),
      parseGate('rejectedRows >= 5'),
      parseGate('throughputGainPct<-5'),
      parseGate('gini > 0.5'),
    ],
    figures({ gini: null }),
  );
  assert.equal(pass.failed, false, '12 < 10 does not hold');
  assert.equal(fail.failed, true, '5 >= 5 holds');
  assert.equal(neg.failed, false, '-3 < -5 does not hold');
  assert.equal(missing.failed, true, 'a figure without data fails its gate');
});

test('gates: unknown figures and malformed expressions are usage errors', () => {
  assert.throws(() => parseGate('savings < 10'), /unknown figure 'savings'/);
  assert.throws(() => parseGate('savingsPct << 10'), /expected FIGURE OP NUMBER/);
  assert.throws(() => parseGate('savingsPct < process.exit(1)'), /expected FIGURE OP NUMBER/);
});

test('--help lists every gate figure', async () => {
  const { GATE_NAMES } = await import('../../src/cli/index.js');
  const { GATE_FIGURES } = await import('../../src/commands/gates.js');
  assert.deepEqual(GATE_NAMES.split(', '), Object.keys(GATE_FIGURES));
});
