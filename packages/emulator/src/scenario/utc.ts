// Calendar dates in scenario files (`utc:`, `set-clock:`). A time of day needs an
// explicit zone (Z or ±hh:mm) so a scenario means the same on every machine.

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
/** Both forms as one pattern, for the scenario JSON Schema (which cannot tell 2026-02-30 from a real day). */
export const UTC_PATTERN = `${ISO_DATE.source}|${ISO_DATE_TIME.source}`;

/** Milliseconds since the Unix epoch, or throws an Error naming the expected form. */
export function parseUtc(text: string): number {
  const form = ISO_DATE.test(text) ? `${text}T00:00:00Z` : ISO_DATE_TIME.test(text) ? text : null;
  if (form === null) throw new Error(`expected an ISO date like 2026-06-01T05:00:00Z or 2026-06-01 (a time needs Z or an offset), got "${text}"`);
  const ms = Date.parse(form);
  // Date.parse accepts 2026-02-30 by rolling over; a calendar typo should not pass.
  if (Number.isNaN(ms) || writtenDay(form, ms) !== form.slice(0, 10)) throw new Error(`no such date: "${text}"`);
  return ms;
}

/** The calendar day `ms` falls on in the zone `form` was written in. */
function writtenDay(form: string, ms: number): string {
  const offset = /([+-])(\d{2}):(\d{2})$/.exec(form);
  if (!offset) return new Date(ms).toISOString().slice(0, 10);
  const sign = offset[1] === '+' ? 1 : -1;
  const local = ms + sign * (Number(offset[2]) * 60 + Number(offset[3])) * 60_000;
  return new Date(local).toISOString().slice(0, 10);
}
