import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseProgress, progressLine, StageProgress } from '../../src/report/progress.js';

test('a progress line: the stage, its whole percent, and the seconds from the second on', () => {
  assert.equal(progressLine('simulate: segments', 40.9, 1.9), 'simulate: segments 40%');
  assert.equal(progressLine('simulate: segments', 140, 12.3), 'simulate: segments 100% · 12 s');
  assert.deepEqual(parseProgress('simulate: replay 42%'), { stage: 'simulate: replay', pct: 42 });
  assert.deepEqual(parseProgress('simulate: segments'), { stage: 'simulate: segments', pct: null });
});

test('each stage runs from 0 to 100% on the running statement estimate, never going back', () => {
  const lines: string[] = [];
  let now = 0;
  let estimate = -1;
  const p = new StageProgress({ emit: (l) => lines.push(l), estimate: () => estimate, now: () => now, every: 60_000 });
  p.message('simulate: selected requests');
  estimate = 24;
  p.poll();
  estimate = -1; // between statements: no estimate
  p.poll();
  estimate = 10; // the next statement of the stage starts lower
  p.poll();
  now = 2500;
  p.poll();
  p.message('simulate: segments');
  p.message('simulate: replay 42%'); // a stage that reports its own percent
  p.message('simulate: replay 40%');
  estimate = 61;
  p.poll();
  p.done();
  p.poll(); // after the end: nothing
  assert.deepEqual(lines, [
    'simulate: selected requests 0%',
    'simulate: selected requests 24%',
    'simulate: selected requests 24% · 2 s',
    'simulate: selected requests 100% · 2 s',
    'simulate: segments 0%',
    'simulate: segments 100%',
    'simulate: replay 42%',
    'simulate: replay 61%',
    'simulate: replay 100%',
  ]);
});

test('a run that fails stops without claiming 100%', () => {
  const lines: string[] = [];
  const p = new StageProgress({ emit: (l) => lines.push(l), estimate: () => 30, every: 60_000 });
  p.message('simulate: segments');
  p.poll();
  p.stop();
  p.poll();
  assert.deepEqual(lines, ['simulate: segments 0%', 'simulate: segments 30%']);
});
