import { defaultChart } from '../../src/domain/chart';
import { notebookView } from '../../src/reads/notebook-read';
import { calendarYearView } from '../../src/reads/ledger-views';
import { emptyYearFacts } from '../../src/projections/year-facts.projection';
import { crfReconciliation, inventoryView, openingView, yearEndFlag, yearEndNotices, yearEndReconciliation } from '../../src/reads/year-end-views';
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

/** Issue #29 point 8: a provisional CRF in December names the 30/11 statement it used, not a 31 August to come. */
describe("the CRF's état de rapprochement", () => {
  it('in the course of the year: at the date of the last statement, with the book balance of that day', () => {
    const r = crfReconciliation(guide().notebook(2024), [{ date: '2024-11-30', closingBalance: 50000 }]);
    expect(r).toMatchObject({ date: '2024-11-30', statementDate: '2024-11-30', statementRecorded: true });
    expect(r.outstandingReceipts.every((i) => i.date <= '2024-11-30')).toBe(true);
  });

  it('with the August statement, or no statement yet: at 31 August', () => {
    expect(crfReconciliation(guide().notebook(2024), [{ date: '2025-08-29', closingBalance: 76700 }])).toMatchObject({ date: '2025-08-31', difference: 0 });
    expect(crfReconciliation(guide().notebook(2024)).date).toBe('2025-08-31');
  });
});

describe('the next year’s opening while the previous year is open', () => {
  it('is provisional, from the previous year’s opening and movements (openingOf), never 0', () => {
    const log = guide();
    log.append(2025, { type: 'ActivityReported', data: { activity: 'Chorale', text: 'Concert.' } });
    expect(openingView(log.notebook(2025))).toEqual({
      bank: 114200,
      cash: 5000,
      advances: 0,
      total: 119200,
      provisional: true,
      source: 'provisional',
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

describe('the opening a correction of the previous year moved: before → after, once', () => {
  /** 2024 closed at 1 142,00 / 50,00, then unlocked and closed again at 1 132,00 / 50,00. */
  const previous = {
    ...emptyYearFacts('ecole1', 2024, '14'),
    status: 'closed' as const,
    closings: [
      { at: '2025-09-02T10:00:00Z', closedOn: '2025-09-02', bank: 114200, cash: 5000, result: 14200 },
      { at: '2025-10-02T10:00:00Z', closedOn: '2025-09-02', bank: 113200, cash: 5000, result: 13200 },
    ],
  };
  const empty = notebookView(null, [], [], { coopId: 'ecole1', firstYear: 2025 }, 2025);
  const notebook = { ...empty, opening: { ...empty.opening, bank: 113200, cash: 5000, source: 'previous-year' as const } };

  it('shows the change until the mandataire saw that opening; the board still flags it', () => {
    const own = emptyYearFacts('ecole1', 2025, '14');
    expect(yearEndNotices(own, previous, notebook).openingChange).toEqual({
      before: { bank: 114200, cash: 5000 },
      after: { bank: 113200, cash: 5000 },
      at: '2025-10-02T10:00:00Z',
    });
    const seen = { ...own, openingSeen: { bank: 113200, cash: 5000, at: '2025-10-03T08:00:00Z' } };
    expect(yearEndNotices(seen, previous, notebook).openingChange).toBeNull();
    expect(yearEndFlag(seen, previous)).toBe('Ouverture modifiée après correction de l’exercice précédent');
  });

  it('shows again when the previous year closes once more with other balances than the one seen', () => {
    const again = {
      ...previous,
      closings: [...previous.closings, { at: '2025-11-05T10:00:00Z', closedOn: '2025-09-02', bank: 112000, cash: 5000, result: 12000 }],
    };
    const seen = { ...emptyYearFacts('ecole1', 2025, '14'), openingSeen: { bank: 113200, cash: 5000, at: '2025-10-03T08:00:00Z' } };
    expect(yearEndNotices(seen, again, notebook).openingChange).toMatchObject({ before: { bank: 113200 }, after: { bank: 112000 } });
  });
});

describe('the inventory register on the CRF (inventoryView)', () => {
  const camera = { itemId: 'i-camera', designation: 'Appareil photo', acquiredOn: '2024-11-12', quantity: 1, value: 24990, pj: '12' };
  const tablets = { itemId: 'i-tablets', designation: 'Deux tablettes', acquiredOn: '2025-10-02', quantity: 2, value: 59800, pj: '04' };

  it("is the coop's: a good bought in an earlier year and never removed is held the next year", () => {
    const log = new TestLog();
    log.append(2024, { type: 'InventoryItemAdded', data: camera });
    log.append(2025, { type: 'InventoryItemAdded', data: tablets });
    const view = inventoryView(log.notebook(2025), [log.notebook(2024)]);
    expect(view.held.map((i) => i.designation)).toEqual(['Appareil photo', 'Deux tablettes']);
    expect(view.acquired.map((i) => i.designation)).toEqual(['Deux tablettes']);
  });

  it('values a line at what was paid for it: two tablets at 598,00 € are 598,00 €, not 1 196,00 €', () => {
    const log = new TestLog();
    log.append(2025, { type: 'InventoryItemAdded', data: tablets });
    expect(inventoryView(log.notebook(2025)).heldValue).toBe(59800);
  });

  it('a good that left in an earlier year is not carried; one that leaves this year is listed as left', () => {
    const log = new TestLog();
    log.append(2024, { type: 'InventoryItemAdded', data: camera });
    log.append(2024, { type: 'InventoryItemRemoved', data: { itemId: 'i-camera', leftOn: '2025-06-01' } });
    log.append(2025, { type: 'InventoryItemAdded', data: tablets });
    expect(inventoryView(log.notebook(2025), [log.notebook(2024)]).held.map((i) => i.itemId)).toEqual(['i-tablets']);
    expect(inventoryView(log.notebook(2024)).left.map((i) => i.itemId)).toEqual(['i-camera']);
  });
});
