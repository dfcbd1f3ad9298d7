import { type IsoDate, fiscalYearOf, yearStart } from './fiscal-year';
import { addDays, submissionDueOn } from './ledger';

/**
 * DOMAIN.md "Messages": the reminders the service sends a coop's mandataires, each cause once
 * per period — the CRF due on 30 September (from 1 September, weekly, until the year is
 * submitted), bank entries unreconciled for 30 days and no statement imported for two months
 * (once a calendar month while it lasts). Decided here from a coop's facts and the day; the
 * message store's unique cause makes "once" hold whichever instance sends.
 */
export type ReminderCause = 'crf' | 'unreconciled' | 'statement';

/** What the reminders are decided from: a coop's year facts, as the read model holds them. */
export interface ReminderFacts {
  coopId: string;
  /** The first fiscal year the coop keeps its books here. */
  firstYear: number;
  /** The year ended last (the one before today's): its submission stands (sent or accepted; not returned, not voided by an unlock). */
  endedYearSubmitted: boolean;
  /** Dates of the live bank entries (512) not reconciled, in the years not closed. */
  unreconciledOn: readonly IsoDate[];
  /** The day (in France) the coop last recorded a bank statement; null when none in the years read. */
  lastStatementOn: IsoDate | null;
}

export type Reminder =
  | { cause: 'crf'; coopId: string; period: IsoDate; year: number; dueOn: IsoDate }
  | { cause: 'unreconciled'; coopId: string; period: string; count: number; oldest: IsoDate }
  | { cause: 'statement'; coopId: string; period: string; since: IsoDate | null };

/** Days an unreconciled bank entry waits before a reminder. */
export const UNRECONCILED_DAYS = 30;
/** Months without a statement before a reminder. */
export const STATEMENT_MONTHS = 2;

const DAY_MS = 86_400_000;
const daysFrom = (from: IsoDate, to: IsoDate): number => Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS);

/** 'YYYY-MM-DD' moved by whole calendar months, the day kept within the month (31/12 + 2 → 28 or 29/02). */
export function addMonths(date: IsoDate, months: number): IsoDate {
  const [y, m, d] = date.split('-').map(Number);
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d, last));
  return first.toISOString().slice(0, 10);
}

/** The CRF reminder's week: weeks counted from 1 September, named by their first day. */
export const crfWeekOf = (today: IsoDate): IsoDate => {
  const start = yearStart(fiscalYearOf(today));
  return addDays(start, 7 * Math.floor(daysFrom(start, today) / 7));
};

/** The unique key of a reminder in the message store: its cause, its coop, its period. */
export const reminderKey = (r: Reminder): string =>
  r.cause === 'crf' ? `reminder-crf:${r.coopId}:${r.year}:${r.period}` : `reminder-${r.cause}:${r.coopId}:${r.period}`;

/** The reminders due for a coop on a day, each with the period it is sent once in. */
export function dueReminders(facts: ReminderFacts, today: IsoDate): Reminder[] {
  const current = fiscalYearOf(today);
  if (facts.firstYear > current) return [];
  const month = today.slice(0, 7);
  const reminders: Reminder[] = [];

  // The year ended last is due on 30 September; from 1 September every week until it is sent.
  const ended = current - 1;
  if (facts.firstYear <= ended && !facts.endedYearSubmitted) {
    reminders.push({ cause: 'crf', coopId: facts.coopId, period: crfWeekOf(today), year: ended, dueOn: submissionDueOn(ended) });
  }

  const old = facts.unreconciledOn.filter((date) => date <= addDays(today, -UNRECONCILED_DAYS)).sort();
  if (old.length > 0) reminders.push({ cause: 'unreconciled', coopId: facts.coopId, period: month, count: old.length, oldest: old[0] });

  // Never a statement: counted from the start of the books read (the year ended last, or the first).
  const since = facts.lastStatementOn ?? yearStart(Math.max(facts.firstYear, ended));
  if (today >= addMonths(since, STATEMENT_MONTHS)) reminders.push({ cause: 'statement', coopId: facts.coopId, period: month, since: facts.lastStatementOn });

  return reminders;
}
