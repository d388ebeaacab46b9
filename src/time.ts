/**
 * Dates and moments as users write them (options, catalog rows), parsed in one place. Every
 * moment is UTC: a text without a zone means UTC, as every timestamp in the store does.
 */

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
