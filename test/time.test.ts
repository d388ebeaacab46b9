import assert from 'node:assert/strict';
import { test } from 'node:test';
import { calendarDay, parseMoment } from '../src/time.js';

test('calendarDay: the real calendar day a text starts with', () => {
  assert.equal(calendarDay('2025-12-01'), '2025-12-01');
  assert.equal(calendarDay(' 2024-02-29T10:00:00Z '), '2024-02-29');
  assert.equal(calendarDay('2025-12-01 08:00'), '2025-12-01');
  assert.equal(calendarDay('2025-02-29'), undefined, 'not a leap year');
  assert.equal(calendarDay('2025-02-30'), undefined);
  assert.equal(calendarDay('2025-13-01'), undefined);
  assert.equal(calendarDay('2025-12-01x'), undefined);
  assert.equal(calendarDay('12/01/2025'), undefined);
});

test('parseMoment: dates at midnight UTC, times UTC unless zoned, anything else undefined', () => {
  assert.equal(parseMoment('2025-10-15')?.toISOString(), '2025-10-15T00:00:00.000Z');
  assert.equal(parseMoment('2025-10-15 08:30')?.toISOString(), '2025-10-15T08:30:00.000Z');
  assert.equal(parseMoment('2025-10-15T08:30:00+02:00')?.toISOString(), '2025-10-15T06:30:00.000Z');
  assert.equal(parseMoment('2025-10-15T08:30:00.250Z')?.toISOString(), '2025-10-15T08:30:00.250Z');
  assert.equal(parseMoment('2025-02-30T00:00:00Z'), undefined);
  assert.equal(parseMoment('2025-10-15T25:00'), undefined);
  assert.equal(parseMoment('yesterday'), undefined);
});
