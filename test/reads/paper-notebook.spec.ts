import { defaultChart } from '../../src/domain/chart';
import { gridView } from '../../src/reads/ledger-views';
import { paperNotebookPages } from '../../src/reads/paper-notebook';
import { content, credit, debit, guideYear, TestLog } from '../projections/ledger/support';

const chart = defaultChart('14', 2024);

/** The guide's year (opening 1 000,00 in the bank, 50,00 in cash; 7 entries on 6 accounts), in date order. */
const guideGrid = () => {
  const log = new TestLog();
  guideYear(log);
  return gridView(log.notebook(2024), chart, { order: 'date' });
};

describe('the paper notebook: page pairs with carried totals', () => {
  it('cuts the rows into pages, the same rows on the left page and on its right pages', () => {
    const book = paperNotebookPages(guideGrid(), { rowsPerPage: 3, accountsPerPage: 4 });

    expect(book.pages.map((p) => [p.number, p.last, p.left.rows.map((r) => r.pj)])).toEqual([
      [1, false, ['01', '02', '03']],
      [2, false, ['020', '021', '50']],
      [3, true, ['62']],
    ]);
    for (const page of book.pages) {
      for (const right of page.right) expect(right.rows.map((r) => r.entryId)).toEqual(page.left.rows.map((r) => r.entryId));
    }
  });

  it('ventilates only the accounts the year uses, charges then products, over as many right pages as they need', () => {
    const book = paperNotebookPages(guideGrid(), { rowsPerPage: 3, accountsPerPage: 4 });

    expect(book.accounts.map((a) => a.key)).toEqual(['6070', '6168', '6181', '6586', '7070', '7410']);
    expect(book.pages[0].right.map((r) => [r.part, r.parts, r.columns.map((c) => c.key), r.groups])).toEqual([
      [1, 2, ['6070', '6168', '6181', '6586'], [{ kind: 'charge', span: 4 }]],
      [2, 2, ['7070', '7410'], [{ kind: 'product', span: 2 }]],
    ]);
    expect(paperNotebookPages(guideGrid(), { rowsPerPage: 3, accountsPerPage: 5 }).pages[0].right.map((r) => r.groups)).toEqual([
      [
        { kind: 'charge', span: 4 },
        { kind: 'product', span: 1 },
      ],
      [{ kind: 'product', span: 1 }],
    ]);
    // PJ 01: the 233,00 cheque split over the insurance and the membership.
    expect(book.pages[0].right[0].rows[0]).toMatchObject({ pj: '01', amounts: [0, 2100, 0, 21200] });
  });

  it('carries the treasury totals and the balances: "Report" on a page is the "À reporter" of the page before', () => {
    const book = paperNotebookPages(guideGrid(), { rowsPerPage: 3, accountsPerPage: 4 });
    const [first, second, third] = book.pages.map((p) => p.left);

    // Treasury columns: bank in, bank out, cash in, cash out, advance paid, advance back or explained.
    expect(first.brought).toEqual({ amounts: [0, 0, 0, 0, 0, 0], balances: { bank: 100000, cash: 5000 } });
    expect(first.carried).toEqual({ amounts: [50000, 38300, 0, 0, 15000, 0], balances: { bank: 111700, cash: 5000 } });
    expect(second.brought).toEqual(first.carried);
    expect(second.carried).toEqual({ amounts: [84500, 70300, 0, 0, 15000, 2500], balances: { bank: 114200, cash: 5000 } });
    expect(third.brought).toEqual(second.carried);
    expect(third.carried).toEqual({ amounts: [84500, 70300, 0, 0, 15000, 15000], balances: { bank: 114200, cash: 5000 } });
    expect(book.totals).toMatchObject({ treasury: third.carried.amounts, balances: third.carried.balances });
  });

  it('gives every row its running bank and cash balances, its actions and its pointage', () => {
    const [first] = paperNotebookPages(guideGrid(), { rowsPerPage: 3, accountsPerPage: 4 }).pages;

    expect(first.left.rows.map((r) => [r.pj, r.balances.bank, r.balances.cash, r.actions, r.bank, r.reconciled])).toEqual([
      ['01', 76700, 5000, [], true, false],
      ['02', 61700, 5000, ['B : CP-CE1'], true, false],
      ['03', 111700, 5000, [], true, false],
    ]);
    expect(first.left.rows[0]).toMatchObject({ chequeNo: '1568001', amounts: [0, 23300, 0, 0, 0, 0] });
  });

  it("#29.15 names the advance's class on its row, even when no action B says it", () => {
    const grid = guideGrid();
    grid.rows = grid.rows.map((r) => (r.pj === '02' ? { ...r, actionB: null } : r));
    const [first] = paperNotebookPages(grid, { rowsPerPage: 3, accountsPerPage: 4 }).pages;
    expect(first.left.rows.find((r) => r.pj === '02')!.actions).toEqual(['Régie : CP-CE1']);
  });

  it('carries each account column from page to page, and ends on the year totals per account', () => {
    const book = paperNotebookPages(guideGrid(), { rowsPerPage: 3, accountsPerPage: 4 });
    const charges = book.pages.map((p) => p.right[0]);
    const products = book.pages.map((p) => p.right[1]);

    expect(charges.map((r) => [r.brought, r.carried])).toEqual([
      [
        [0, 0, 0, 0],
        [0, 2100, 0, 21200],
      ],
      [
        [0, 2100, 0, 21200],
        [32000, 2100, 0, 21200],
      ],
      [
        [32000, 2100, 0, 21200],
        [32000, 2100, 12500, 21200],
      ],
    ]);
    expect(products.map((r) => r.carried)).toEqual([
      [0, 50000],
      [32000, 50000],
      [32000, 50000],
    ]);
    expect(book.summary).toMatchObject({ charges: 67800, products: 82000, result: 14200 });
    expect(book.summary.accounts.map((a) => [a.key, a.total])).toEqual([
      ['6070', 32000],
      ['6168', 2100],
      ['6181', 12500],
      ['6586', 21200],
      ['7070', 32000],
      ['7410', 50000],
    ]);
  });

  it('fills every page but the last when the rows divide evenly or not', () => {
    const log = new TestLog();
    log.append(2024, { type: 'OpeningBalanceDeclared', data: { bank: 0, cash: 0, date: '2024-09-01' } });
    for (let i = 1; i <= 45; i++) {
      const day = `2024-10-${String((i % 28) + 1).padStart(2, '0')}`;
      log.append(2024, {
        type: 'EntryRecorded',
        data: { entryId: `e${i}`, ...content(String(i).padStart(3, '0'), day, `Vente n°${i}`, [debit('530', i), credit('7070', i)]) },
      });
    }
    const grid = gridView(log.notebook(2024), chart, { order: 'date' });
    const book = paperNotebookPages(grid, { rowsPerPage: 20, accountsPerPage: 15 });

    expect(book.pages.map((p) => p.left.rows.length)).toEqual([20, 20, 5]);
    expect(book.pages.map((p) => p.right.length)).toEqual([1, 1, 1]);
    // 1 + 2 + … + 45 euros in cash, none of it on the bank's pointage.
    expect(book.totals.treasury[2]).toBe(103500);
    expect(book.totals.balances).toEqual({ bank: 0, cash: 103500 });
    expect(book.pages.every((p) => p.left.rows.every((r) => !r.bank))).toBe(true);
  });

  it('prints one page pair for a year with no entry: the opening, nothing to ventilate', () => {
    const log = new TestLog();
    log.append(2024, { type: 'OpeningBalanceDeclared', data: { bank: 120000, cash: 3000, date: '2024-09-01' } });
    const book = paperNotebookPages(gridView(log.notebook(2024), chart), { rowsPerPage: 20, accountsPerPage: 15 });

    expect(book.pages).toHaveLength(1);
    expect(book.pages[0]).toMatchObject({ last: true, left: { rows: [], carried: { balances: { bank: 120000, cash: 3000 } } } });
    expect(book.pages[0].right).toEqual([{ columns: [], groups: [], part: 1, parts: 1, rows: [], brought: [], carried: [] }]);
  });

  it('refuses a page of no row', () => {
    expect(() => paperNotebookPages(guideGrid(), { rowsPerPage: 0, accountsPerPage: 4 })).toThrow(RangeError);
  });
});
