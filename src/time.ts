/**
 * Dates, moments and durations as users write them (options, catalog rows), parsed in one place. Every
 * moment is UTC: a text without a zone means UTC, as every timestamp in the store does.
 */
import { UsageError } from './errors.js';

/** A bare calendar date, `YYYY-MM-DD`. */
export const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const HAS_ZONE = /(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * The `YYYY-MM-DD` a text starts with (alone, or before `T` or a space) when it is a real
 * calendar day; undefined otherwise. Date rolls 2025-02-30 over into March, so the day must
 * survive the round trip.
 */
export function calendarDay(text: string): string | undefined {
  const day = /^(\d{4}-\d{2}-\d{2})(?:$|[T ])/.exec(text.trim())?.[1];
  const t = day ? Date.parse(`${day}T00:00:00Z`) : NaN;
  return day && !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === day ? day : undefined;
}

/** A date (its midnight) or an ISO 8601 time, UTC unless it names a zone; undefined when it is neither. */
export function parseMoment(text: string): Date | undefined {
  const t = text.trim();
  if (!calendarDay(t)) return undefined;
  const d = new Date(DATE_ONLY.test(t) ? `${t}T00:00:00Z` : HAS_ZONE.test(t) ? t : `${t.replace(' ', 'T')}Z`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** Parses a duration such as `1h`, `30m`, `90s`, `1d` (or a plain number of seconds) into seconds. */
export function parseDuration(flag: string, text: string | number): number {
  if (typeof text === 'number') {
    if (Number.isInteger(text) && text > 0) return text;
    throw new UsageError(`${flag} must be a positive whole number of seconds, not ${text}`);
  }
  const m = /^\s*(\d+)\s*([smhd]?)\s*$/i.exec(text);
  const seconds = m ? Number(m[1]) * UNIT_SECONDS[(m[2] || 's').toLowerCase()] : NaN;
  if (!(seconds > 0)) throw new UsageError(`${flag} '${text}' is not a duration such as 30m, 1h or 1d`);
  return seconds;
}
