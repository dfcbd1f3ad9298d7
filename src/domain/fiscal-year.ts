/**
 * Fiscal years run 1 September → 31 August and are named by their first calendar year:
 * 2024 = 2024-09-01 … 2025-08-31. Dates are calendar dates 'YYYY-MM-DD', compared as strings.
 */
export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date (no 31/02), years 1900–2199. */
export function isIsoDate(value: unknown): value is IsoDate {
  if (typeof value !== 'string') return false;
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1900 || y > 2199 || mo < 1 || mo > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

export const yearStart = (year: number): IsoDate => `${year}-09-01`;
export const yearEnd = (year: number): IsoDate => `${year + 1}-08-31`;

export const fiscalYearOf = (date: IsoDate): number => {
  const [y, m] = date.split('-').map(Number);
  return m >= 9 ? y : y - 1;
};

export const isInYear = (date: IsoDate, year: number): boolean => date >= yearStart(year) && date <= yearEnd(year);

/** Closing is offered from 1 September after the year's end. */
export const closingOpensOn = (year: number): IsoDate => `${year + 1}-09-01`;

/** A day, month and year as written ("2025", "4", "5") → "2025-04-05"; null when not a real date. */
export function calendarDate(year: string, month: string, day: string): IsoDate | null {
  const iso = `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  return isIsoDate(iso) ? iso : null;
}

/**
 * The one reading of a date as people type it: "25/04/2025" → "2025-04-25" (also 5/4/2025,
 * 25-04-2025, 25.04.2025 and ISO); null when not a real date. Bank files' dates (two-digit years,
 * a time after the day) are read by the statements' parseBankDate, through calendarDate too.
 */
export function parseFrenchDate(input: string | null | undefined): IsoDate | null {
  if (input == null) return null;
  const text = String(input).trim();
  if (isIsoDate(text)) return text;
  const m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text);
  return m ? calendarDate(m[3], m[2], m[1]) : null;
}

/** "2025-04-25" → "25/04/2025". */
export const formatFrenchDate = (date: IsoDate): string => {
  const [y, m, d] = date.split('-');
  return `${d}/${m}/${y}`;
};

/** The injected clock: today's date and now, so tests can stand on any day. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };
/** Today in France (Europe/Paris), as 'YYYY-MM-DD'. */
// Building the formatter costs far more than formatting: every command asks for today.
const PARIS_DAY = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Paris' });
export const today = (clock: Clock): IsoDate => PARIS_DAY.format(clock.now());
/** The day in France of an instant (an ISO date-time, as events' metadata.at). */
export const parisDayOf = (at: string): IsoDate => PARIS_DAY.format(new Date(at));

/** The fiscal year in progress on a given day. */
export const currentFiscalYear = (clock: Clock): number => fiscalYearOf(today(clock));
