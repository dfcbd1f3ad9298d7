import { defaultChart } from '../../src/domain/chart';
import { emptyNotebook } from '../../src/projections/ledger/notebook.projection';
import { calendarYearView } from '../../src/reads/ledger-views';
import { openingView, yearEndReconciliation } from '../../src/reads/year-end-views';
import { guideYear, TestLog } from '../projections/ledger/support';

/** The guide's year 2024, its OCCE cheque seen on the September statement, everything else not yet. */
function guide(): TestLog {
  const log = new TestLog();
  guideYear(log);
  log.append(2024, { type: 'EntryReconciled', data: { entryId: 'e-cotisation', statementDate: '2024-09-30' } });
  return log;
}

describe('the état de rapprochement at 31 August (bankReconciliationAt on the notebook)', () => {
  it('without a statement: the book balance of 512 and the items not reconciled, no difference', () => {
    const r = yearEndReconciliation(guide().notebook(2024));
    expect(r).toMatchObject({ date: '2025-08-31', bookBalance: 114200, statementBalance: null, difference: null, statementRecorded: false });
    expect(r.outstandingReceipts.map((i) => [i.pj, i.amount])).toEqual([
      ['03', 50000],
      ['020', 32000],
      ['50', 2500],
    ]);
    expect(r.outstandingPayments.map((i) => [i.pj, i.amount])).toEqual([
      ['02', 15000],
      ['021', 32000],
    ]);
    // 1 142,00 − 845,00 + 470,00: what the August statement should say.
    expect(r.expectedStatement).toBe(76700);
  });

  it('with the August statement: the difference, zero when the books agree', () => {
    const agrees = yearEndReconciliation(guide().notebook(2024), [{ date: '2025-08-29', closingBalance: 76700 }]);
    expect(agrees).toMatchObject({ statementRecorded: true, statementBalance: 76700, difference: 0 });
    expect(yearEndReconciliation(guide().notebook(2024), [{ date: '2025-08-29', closingBalance: 76000 }]).difference).toBe(-700);
  });
});

describe('the next year’s opening while the previous year is open', () => {
  it('is provisional, from the previous year’s current balances and open advances, never 0', () => {
    const previous = guide().notebook(2024);
    expect(openingView(emptyNotebook('ecole1', 2025), previous, previous.status)).toEqual({
      bank: 114200,
      cash: 5000,
      advances: 0,
      total: 119200,
      provisional: true,
      source: 'previous-year-current',
    });
  });
});

describe('the calendar-year report', () => {
  it('gives bank and cash on 1 January and on 31 December', () => {
    const chart = defaultChart('14', 2024);
    const view = calendarYearView([guide().notebook(2024), null], [chart, chart], 2025);
    // 1 000,00 − 233,00 − 150,00 + 500,00 by 31 December 2024; the year's current balances after.
    expect(view.treasury).toEqual({ start: { bank: 111700, cash: 5000 }, end: { bank: 114200, cash: 5000 }, provisional: true });
  });
});
