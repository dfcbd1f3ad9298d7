import { defaultChart } from '../../src/domain/chart';
import { type YearFactsDoc, emptyYearFacts } from '../../src/projections/year-facts.projection';
import { departmentTotals } from '../../src/reads/department-totals';
import { aggregatedAccounts, aggregatedCsv, type BoardRow, boardCsv, boardPage } from '../../src/reads/department-views';

const row = (coopId: string, name: string, more: Partial<BoardRow> = {}): BoardRow => ({
  coopId,
  name,
  status: 'open',
  unlocked: false,
  canClose: false,
  blockers: ['TOO_EARLY'],
  bank: 0,
  openingProvisional: false,
  cash: 0,
  unreconciled: 0,
  lastActivityAt: null,
  lastStatementDate: null,
  bankDifference: null,
  ...more,
});

const rows: BoardRow[] = [
  row('c1', 'École Victor Hugo', { bank: 50000, blockers: ['TOO_EARLY', 'CASH_COUNT_MISMATCH'], cash: 1200, lastActivityAt: '2025-03-01T10:00:00.000Z' }),
  row('c2', 'école Abel', { status: 'closed', blockers: ['YEAR_CLOSED'], bank: 10000 }),
  row('c3', 'École Zola', { bank: -500, blockers: ['TOO_EARLY', 'UNRECONCILED_MANY'], unreconciled: 9 }),
  row('c4', 'École Émile', { bank: 700, unlocked: true, blockers: [], canClose: true }),
];

describe('board views', () => {
  it('filters: blocked (something to fix, not the date alone), not closed, cash mismatch', () => {
    expect(boardPage(rows, { filters: ['blocked'] }).rows.map((r) => r.coopId)).toEqual(['c1', 'c3']);
    expect(boardPage(rows, { filters: ['notClosed'] }).rows.map((r) => r.coopId)).toEqual(['c4', 'c1', 'c3']);
    expect(boardPage(rows, { filters: ['cashMismatch'] }).rows.map((r) => r.coopId)).toEqual(['c1']);
    expect(boardPage(rows, { filters: ['blocked', 'cashMismatch'] }).total).toBe(1);
  });

  it('sorts by name in French order by default, or by any column either way', () => {
    expect(boardPage(rows).rows.map((r) => r.name)).toEqual(['école Abel', 'École Émile', 'École Victor Hugo', 'École Zola']);
    expect(boardPage(rows, { sort: 'bank', direction: 'desc' }).rows.map((r) => r.bank)).toEqual([50000, 10000, 700, -500]);
    expect(boardPage(rows, { sort: 'unreconciled', direction: 'desc' }).rows[0].coopId).toBe('c3');
    expect(boardPage(rows, { sort: 'lastActivityAt', direction: 'desc' }).rows[0].coopId).toBe('c1');
  });

  it('pages', () => {
    const second = boardPage(rows, { pageSize: 3, page: 2 });
    expect(second).toMatchObject({ total: 4, page: 2, pageSize: 3 });
    expect(second.rows.map((r) => r.name)).toEqual(['École Zola']);
    expect(boardPage(rows, { pageSize: 3, page: 3 }).rows).toEqual([]);
  });

  it('exports the board as CSV for French spreadsheets: BOM, semicolons, formula-escaped, plain amounts', () => {
    const csv = boardCsv([...rows, row('c5', '=HYPERLINK("http://x";"y")', { cash: -1205 })], '14', 2024);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    expect(lines[1]).toBe('Coopérative;Nom;Statut;Clôture possible;Blocages;Banque;Caisse;Non pointées;Dernière activité');
    // The blockers in the board's French sentences, not codes.
    expect(lines[2]).toBe(
      "c1;École Victor Hugo;en cours;non;La clôture n'est possible qu'à partir du 01/09/2025, après la fin de l'exercice. L'arrêté de caisse manque ou ne correspond pas au solde du compte caisse (530).;500,00;12,00;0;01/03/2025",
    );
    expect(lines[5]).toBe('c4;École Émile;rouvert;oui;;7,00;0,00;0;');
    expect(lines[6]).toBe(
      `c5;"'=HYPERLINK(""http://x"";""y"")";en cours;non;La clôture n'est possible qu'à partir du 01/09/2025, après la fin de l'exercice.;0,00;-12,05;0;`,
    );
    expect(csv.endsWith('\r\n')).toBe(true);
  });
});

describe('aggregated accounts views', () => {
  /** A coop's year facts with the given debit − credit per account (a debit or a credit movement). */
  const coopDoc = (coopId: string, accounts: Record<string, number>): YearFactsDoc => {
    const doc = emptyYearFacts(coopId, 2024, '14');
    const movements = Object.fromEntries(Object.entries(accounts).map(([a, n]) => [a, n > 0 ? { debit: n, credit: 0 } : { debit: 0, credit: -n }]));
    return { ...doc, tally: { ...doc.tally, movements: { ...movements, '512': { debit: 100, credit: 0 }, '6064': { debit: 500, credit: 500 } } } };
  };
  const doc = departmentTotals('14', 2024, [coopDoc('a', { '6586': 21200, '7070': -32000, '6999': 100 }), coopDoc('b', { '6586': 10601, '7070': -4550 })]);

  it('sums the coops’ year facts per account, keeping each coop’s part (treasury and accounts at zero left out)', () => {
    expect(doc).toEqual({
      department: '14',
      year: 2024,
      accounts: new Map([
        [
          '6586',
          {
            net: 31801,
            byCoop: new Map([
              ['a', 21200],
              ['b', 10601],
            ]),
          },
        ],
        [
          '7070',
          {
            net: -36550,
            byCoop: new Map([
              ['a', -32000],
              ['b', -4550],
            ]),
          },
        ],
        ['6999', { net: 100, byCoop: new Map([['a', 100]]) }],
      ]),
    });
  });

  it('labels accounts by the year’s chart and lists unknown codes by their class', () => {
    const view = aggregatedAccounts(doc, defaultChart('14', 2024), { coops: 2, closed: 1 });
    expect(view.accounts.find((a) => a.account === '6999')).toEqual({ account: '6999', label: '6999', kind: 'charge', total: 100 });
    expect(view.accounts.find((a) => a.account === '7070')).toEqual({ account: '7070', label: "Ventes d'objets", kind: 'product', total: 36550 });
    expect(view).toMatchObject({ coops: 2, closed: 1, totalCharges: 31901, totalProducts: 36550, result: 4649 });
  });

  it('exports them as CSV', () => {
    const csv = aggregatedCsv(aggregatedAccounts(doc, defaultChart('14', 2024), { coops: 2, closed: 1 }));
    const lines = csv.slice(1).split('\r\n');
    expect(lines[0]).toBe('Comptes agrégés du département 14;Exercice 2024-2025;2 coopératives dont 1 clôturées');
    expect(lines).toContain("6586;Cotisations à l'OCCE;charge;318,01");
    expect(lines).toContain("7070;Ventes d'objets;produit;365,50");
    expect(lines).toContain(';Résultat;;46,49');
  });
});
