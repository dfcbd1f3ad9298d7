import { type ReminderFacts, addMonths, crfWeekOf, dueReminders, reminderKey } from '../../src/domain/reminders';

/** A coop in its books since 2024, the year ended submitted, everything reconciled, a statement recorded lately. */
const upToDate = (over: Partial<ReminderFacts> = {}): ReminderFacts => ({
  coopId: 'C14001',
  firstYear: 2024,
  endedYearSubmitted: true,
  unreconciledOn: [],
  lastStatementOn: '2026-11-15',
  ...over,
});

const causes = (facts: ReminderFacts, today: string) => dueReminders(facts, today).map((r) => r.cause);

describe('Reminders: what is due, given a coop’s facts and the day', () => {
  it('a coop up to date is reminded of nothing', () => {
    expect(dueReminders(upToDate(), '2026-09-08')).toEqual([]);
  });

  describe('the CRF, due 30 September: from 1 September, weekly, until the year is submitted', () => {
    it("on 31 August the year still running is not due (a reminder then is the year before's); on 1 September it is", () => {
      expect(dueReminders(upToDate({ endedYearSubmitted: false }), '2026-08-31')).toMatchObject([{ cause: 'crf', year: 2024 }]);
      expect(dueReminders(upToDate({ endedYearSubmitted: false }), '2026-09-01')).toEqual([
        { cause: 'crf', coopId: 'C14001', period: '2026-09-01', year: 2025, dueOn: '2026-09-30' },
      ]);
    });

    it('the period is the week counted from 1 September: one reminder a week, the same all week long', () => {
      expect(['2026-09-01', '2026-09-07', '2026-09-08', '2026-09-14', '2026-09-15', '2026-09-30', '2026-10-06'].map(crfWeekOf)).toEqual([
        '2026-09-01',
        '2026-09-01',
        '2026-09-08',
        '2026-09-08',
        '2026-09-15',
        '2026-09-29',
        '2026-10-06',
      ]);
      const facts = upToDate({ endedYearSubmitted: false });
      const keys = (day: string) => dueReminders(facts, day).map(reminderKey);
      expect(keys('2026-09-02')).toEqual(keys('2026-09-07'));
      expect(keys('2026-09-08')).toEqual(['reminder-crf:C14001:2025:2026-09-08']);
    });

    it('past 30 September it goes on, weekly, until the submission is made', () => {
      expect(dueReminders(upToDate({ endedYearSubmitted: false }), '2026-11-20').map(reminderKey)).toEqual(['reminder-crf:C14001:2025:2026-11-17']);
      expect(dueReminders(upToDate({ endedYearSubmitted: true }), '2026-11-20')).toEqual([]);
    });

    it('a coop whose books start this year has no year ended to send', () => {
      expect(causes(upToDate({ firstYear: 2026, endedYearSubmitted: false }), '2026-09-08')).toEqual([]);
    });
  });

  describe('bank entries unreconciled for 30 days: once a month while some are', () => {
    it('an entry of 30 days ago is due, one of 29 days is not yet', () => {
      expect(causes(upToDate({ unreconciledOn: ['2026-10-22'] }), '2026-11-20')).toEqual([]);
      expect(dueReminders(upToDate({ unreconciledOn: ['2026-11-02', '2026-10-21', '2026-10-05'] }), '2026-11-20')).toEqual([
        { cause: 'unreconciled', coopId: 'C14001', period: '2026-11', count: 2, oldest: '2026-10-05' },
      ]);
    });

    it('the period is the calendar month', () => {
      const facts = upToDate({ unreconciledOn: ['2026-09-10'], lastStatementOn: '2026-11-01' });
      expect(dueReminders(facts, '2026-11-01').map(reminderKey)).toEqual(['reminder-unreconciled:C14001:2026-11']);
      expect(dueReminders(facts, '2026-11-30').map(reminderKey)).toEqual(['reminder-unreconciled:C14001:2026-11']);
      expect(dueReminders(facts, '2026-12-01').map(reminderKey)).toEqual(['reminder-unreconciled:C14001:2026-12']);
    });
  });

  describe('no statement recorded for two months: once a month while it lasts', () => {
    it('two months after the last statement to the day it is due, the day before it is not', () => {
      expect(causes(upToDate({ lastStatementOn: '2026-09-15' }), '2026-11-14')).toEqual([]);
      expect(dueReminders(upToDate({ lastStatementOn: '2026-09-15' }), '2026-11-15')).toEqual([
        { cause: 'statement', coopId: 'C14001', period: '2026-11', since: '2026-09-15' },
      ]);
    });

    it('never a statement: counted from the start of the year ended last', () => {
      expect(causes(upToDate({ lastStatementOn: null }), '2026-09-08')).toEqual(['statement']);
      // A coop whose books start this September has two months before its first statement is late.
      expect(causes(upToDate({ firstYear: 2026, lastStatementOn: null }), '2026-10-31')).toEqual([]);
      expect(causes(upToDate({ firstYear: 2026, lastStatementOn: null }), '2026-11-01')).toEqual(['statement']);
    });

    it('two months later than 31 December is the end of February', () => {
      expect(addMonths('2026-12-31', 2)).toBe('2027-02-28');
      expect(addMonths('2027-12-31', 2)).toBe('2028-02-29');
      expect(addMonths('2026-07-15', 2)).toBe('2026-09-15');
    });
  });

  it('each cause has its own key (cause, coop, period), so each is recorded once per period', () => {
    const late = upToDate({ endedYearSubmitted: false, unreconciledOn: ['2026-08-01'], lastStatementOn: '2026-08-01' });
    expect(dueReminders(late, '2026-10-20').map(reminderKey)).toEqual([
      'reminder-crf:C14001:2025:2026-10-20',
      'reminder-unreconciled:C14001:2026-10',
      'reminder-statement:C14001:2026-10',
    ]);
    expect(dueReminders({ ...late, coopId: 'C14002' }, '2026-10-20').map(reminderKey)).toEqual([
      'reminder-crf:C14002:2025:2026-10-20',
      'reminder-unreconciled:C14002:2026-10',
      'reminder-statement:C14002:2026-10',
    ]);
  });

  it('a coop whose books start next year is reminded of nothing', () => {
    expect(dueReminders(upToDate({ firstYear: 2027, lastStatementOn: null, endedYearSubmitted: false }), '2026-10-20')).toEqual([]);
  });
});
