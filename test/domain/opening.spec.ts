import fc from 'fast-check';
import { type LedgerState, type YearFacts, evolve, initialLedgerState, openingOf, yearFactsOf } from '../../src/domain/ledger';
import { type EntryLine, type LedgerEvent, type OpenAdvance } from '../../src/events/ledger-events';
import { YEAR_FACTS, type YearFactsDoc, yearFactsProjection } from '../../src/projections/year-facts.projection';
import { foldInMemory } from '../../src/projections/fold';
import { notebookId } from '../../src/projections/ledger/notebook.projection';
import { foldNotebooks } from '../../src/reads/notebook-read';
import { openingAccounts } from '../../src/reads/trial-balance';
import { defaultChart } from '../../src/domain/chart';
import { coopFecFile } from '../../src/reads/fec';
import { crfView } from '../../src/reads/ledger-views';
import { yearOpeningOf } from '../../src/reads/year-opening';
import { TestLog } from '../projections/ledger/support';

/**
 * DOMAIN.md, "The year's opening: one rule everywhere", against random histories of 1 to 4 years,
 * some closed, some open, some unlocked for a correction. The oracle below reads the history as
 * it was generated (no fold, no production code): the first year's declaration; a closed previous
 * year's closing; an open or unlocked one's own opening (by the same rule) plus every line it
 * holds on 512, 530 and the advances.
 */

const FIRST = 2024;
/** Régie names are user text: '__proto__' and 'constructor' must be names like any other. */
const REGIES = ['CP', 'CE1', '__proto__', 'constructor'];

type Kind = 'bankReceipt' | 'cashExpense' | 'deposit' | 'advancePaid' | 'advanceExplained';
interface Move {
  kind: Kind;
  amount: number;
  regie: string;
}
interface Year {
  status: 'open' | 'closed' | 'unlocked';
  moves: Move[];
  /** Figures the closing recorded (any: a closing states them), and what was recorded after an unlock. */
  closing: { bank: number; cash: number; openAdvances: OpenAdvance[] };
  afterUnlock: Move[];
}
interface History {
  declared: { bank: number; cash: number } | null;
  years: Year[];
}

const amount = fc.integer({ min: 1, max: 100_000 });
const move: fc.Arbitrary<Move> = fc.record({
  kind: fc.constantFrom<Kind>('bankReceipt', 'cashExpense', 'deposit', 'advancePaid', 'advanceExplained'),
  amount,
  regie: fc.constantFrom(...REGIES),
});
const year: fc.Arbitrary<Year> = fc.record({
  status: fc.constantFrom<Year['status']>('open', 'closed', 'unlocked'),
  moves: fc.array(move, { maxLength: 6 }),
  closing: fc.record({
    bank: fc.integer({ min: -500_000, max: 500_000 }),
    cash: fc.integer({ min: 0, max: 50_000 }),
    openAdvances: fc.uniqueArray(fc.record({ regie: fc.constantFrom(...REGIES), amount }), { maxLength: 2, selector: (a) => a.regie }),
  }),
  afterUnlock: fc.array(move, { maxLength: 3 }),
});
const history: fc.Arbitrary<History> = fc.record({
  declared: fc.option(fc.record({ bank: fc.integer({ min: -500_000, max: 500_000 }), cash: fc.integer({ min: 0, max: 50_000 }) }), { nil: null }),
  years: fc.array(year, { minLength: 1, maxLength: 4 }),
});

const linesOf = (m: Move): EntryLine[] => {
  switch (m.kind) {
    case 'bankReceipt':
      return [
        { account: '512', debit: m.amount },
        { account: '7070', credit: m.amount },
      ];
    case 'cashExpense':
      return [
        { account: '6181', debit: m.amount },
        { account: '530', credit: m.amount },
      ];
    case 'deposit':
      return [
        { account: '512', debit: m.amount },
        { account: '530', credit: m.amount },
      ];
    case 'advancePaid':
      return [
        { account: '4670', debit: m.amount, regie: m.regie },
        { account: '512', credit: m.amount },
      ];
    case 'advanceExplained':
      return [
        { account: '6181', debit: m.amount },
        { account: '4670', credit: m.amount, regie: m.regie },
      ];
  }
};

interface Expected {
  bank: number;
  cash: number;
  advances: Array<[string, number]>;
  provisional: boolean;
}

/** The slow oracle: the rule as DOMAIN.md words it, over the generated history. */
function oracle(h: History, k: number): Expected {
  if (k === 0) return { bank: h.declared?.bank ?? 0, cash: h.declared?.cash ?? 0, advances: [], provisional: false };
  const previous = h.years[k - 1];
  if (previous.status === 'closed') {
    return {
      bank: previous.closing.bank,
      cash: previous.closing.cash,
      advances: previous.closing.openAdvances.map((a): [string, number] => [a.regie, a.amount]),
      provisional: false,
    };
  }
  return { ...moved(oracle(h, k - 1), previous), provisional: true };
}

/** A year's start moved by every line it holds on 512, 530 and the advances (those recorded after an unlock too). */
function moved(start: Expected, year: Year): Omit<Expected, 'provisional'> {
  let { bank, cash } = start;
  const advances = new Map(start.advances);
  for (const m of [...year.moves, ...(year.status === 'unlocked' ? year.afterUnlock : [])]) {
    for (const line of linesOf(m)) {
      const net = (line.debit ?? 0) - (line.credit ?? 0);
      if (line.account === '512') bank += net;
      if (line.account === '530') cash += net;
      if (line.account === '4670') advances.set(line.regie!, (advances.get(line.regie!) ?? 0) + net);
    }
  }
  return { bank, cash, advances: [...advances].filter(([, a]) => a !== 0) };
}

/** The notebook's header as the history states it: the year's facts, where its opening stands on. */
function headerOracle(h: History, k: number) {
  const y = FIRST + k;
  const year = h.years[k];
  const previous = k > 0 ? h.years[k - 1] : null;
  const closingOf = (of: Year, closedOn: string) => ({ closedOn, bank: of.closing.bank, cash: of.closing.cash });
  const declared = k === 0 && h.declared ? { ...h.declared, date: `${FIRST}-09-01` } : null;
  const source = k === 0 ? (h.declared ? 'declared' : 'none') : previous!.status === 'closed' ? 'previous-year' : 'provisional';
  return {
    status: year.status,
    declaredOpening: declared,
    openingSource: source,
    openingDate: source === 'declared' ? `${FIRST}-09-01` : source === 'previous-year' ? `${y}-09-02` : null,
    // The previous year's closing, kept while it is unlocked (the opening is then provisional).
    previousClosing: previous && previous.status !== 'open' ? closingOf(previous, `${y}-09-02`) : null,
    closing: year.status !== 'open' ? closingOf(year, `${y + 1}-09-02`) : null,
    unlockedReason: year.status === 'unlocked' ? 'Correction' : null,
  };
}

const cents = (text: string): number => Math.round(Number(text.replace(',', '.')) * 100);

/** The history as events of the coop's year streams, in the order they were recorded. */
function logOf(h: History): TestLog {
  const log = new TestLog('c');
  let n = 0;
  const record = (y: number, m: Move) => {
    n += 1;
    log.append(y, {
      type: 'EntryRecorded',
      data: { entryId: `e${n}`, pj: String(n), date: `${y}-10-01`, label: m.kind, chequeNo: null, actionA: null, actionB: null, lines: linesOf(m) },
    });
  };
  h.years.forEach((year, i) => {
    const y = FIRST + i;
    // Every year has an event: its notebook exists.
    log.append(y, { type: 'ActivityReported', data: { activity: 'Chorale', text: `Année ${y}` } });
    if (i === 0 && h.declared) log.append(y, { type: 'OpeningBalanceDeclared', data: { ...h.declared, date: `${y}-09-01` } });
    for (const m of year.moves) record(y, m);
    if (year.status === 'open') return;
    const { bank, cash, openAdvances } = year.closing;
    log.append(y, { type: 'YearClosed', data: { closedOn: `${y + 1}-09-02`, bank, cash, result: 0, openAdvances, unreconciled: [] } });
    if (year.status === 'unlocked') {
      log.append(y, { type: 'YearUnlocked', data: { reason: 'Correction' } });
      for (const m of year.afterUnlock) record(y, m);
    }
  });
  return log;
}

const sorted = (advances: ReadonlyArray<OpenAdvance | [string, number]>): Array<[string, number]> =>
  advances.map((a): [string, number] => (Array.isArray(a) ? a : [a.regie, a.amount])).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

describe('the year’s opening: one rule everywhere', () => {
  it('the decider, the board, the notebook (its opening and its header), the CRF, the FEC’s à-nouveaux and the trial balance open every year as the oracle does', () => {
    fc.assert(
      fc.property(history, (h) => {
        const log = logOf(h);
        const states = new Map<number, LedgerState>();
        for (const event of log.events) {
          const y = Number(event.stream.split('-').at(-1));
          states.set(y, evolve(states.get(y) ?? initialLedgerState('c', y), event as unknown as LedgerEvent));
        }
        const boards = [...(foldInMemory([yearFactsProjection], log.events).get(YEAR_FACTS)?.values() ?? [])] as YearFactsDoc[];
        const notebooks = foldNotebooks(log.events, new Map([['c', FIRST]]));
        const coop = { coopId: 'c', firstYear: FIRST };
        for (let k = 0; k < h.years.length; k++) {
          const y = FIRST + k;
          const expected = oracle(h, k);
          const earlier: YearFacts[] = [];
          for (let e = FIRST; e < y; e++) earlier.push(yearFactsOf(states.get(e)!));
          const views = {
            decider: openingOf(earlier, states.get(y)!.opening),
            board: yearOpeningOf(boards, coop, y),
          };
          for (const [view, opening] of Object.entries(views)) {
            expect({ view, year: y, ...opening, openAdvances: sorted(opening.openAdvances) }).toMatchObject({
              view,
              year: y,
              bank: expected.bank,
              cash: expected.cash,
              openAdvances: sorted(expected.advances),
              provisional: expected.provisional,
            });
          }
          const notebook = notebooks.get(notebookId('c', y))!;
          expect({
            year: y,
            bank: notebook.opening.bank,
            cash: notebook.opening.cash,
            provisional: notebook.opening.provisional,
            advances: sorted(notebook.openAdvances),
          }).toEqual({
            year: y,
            bank: expected.bank,
            cash: expected.cash,
            provisional: expected.provisional,
            advances: sorted(expected.advances),
          });
          const header = {
            status: notebook.status,
            declaredOpening: notebook.declaredOpening && {
              bank: notebook.declaredOpening.bank,
              cash: notebook.declaredOpening.cash,
              date: notebook.declaredOpening.date,
            },
            openingSource: notebook.opening.source,
            openingDate: notebook.opening.date,
            previousClosing: notebook.previousClosing && {
              closedOn: notebook.previousClosing.closedOn,
              bank: notebook.previousClosing.bank,
              cash: notebook.previousClosing.cash,
            },
            closing: notebook.closing && { closedOn: notebook.closing.closedOn, bank: notebook.closing.bank, cash: notebook.closing.cash },
            unlockedReason: notebook.unlockedReason,
          };
          expect({ year: y, header }).toEqual({ year: y, header: headerOracle(h, k) });

          const chart = defaultChart('14', y);
          const crf = crfView(notebook, chart);
          const now = moved(expected, h.years[k]);
          const closed = h.years[k].status === 'closed';
          expect({ year: y, opening: crf.opening, closing: crf.closing }).toEqual({
            year: y,
            opening: { bank: expected.bank, cash: expected.cash, source: headerOracle(h, k).openingSource, provisional: expected.provisional },
            closing: closed ? { bank: h.years[k].closing.bank, cash: h.years[k].closing.cash, final: true } : { bank: now.bank, cash: now.cash, final: false },
          });

          // The FEC's à-nouveaux: 512, 530 and each advance at the opening, "provisoire" on every line while it is; a provisional file says so in its name.
          const file = coopFecFile(notebook, chart, { coopId: 'c', name: 'École' }, null, '2026-11-27');
          const an = file.bytes
            .toString('latin1')
            .split('\r\n')
            .map((l) => l.split('\t'))
            .filter((l) => l[0] === 'AN');
          const signedOn = (account: string) => an.filter((l) => l[4] === account).map((l) => cents(l[11]) - cents(l[12]));
          expect({
            year: y,
            bank: signedOn('512').reduce((a, b) => a + b, 0),
            cash: signedOn('530').reduce((a, b) => a + b, 0),
            advances: signedOn('4670').sort((a, b) => a - b),
            labels: [...new Set(an.map((l) => l[10]))],
            provisionalFile: file.fileName.endsWith('_provisoire.txt'),
          }).toEqual({
            year: y,
            bank: expected.bank,
            cash: expected.cash,
            advances: expected.advances.map(([, a]) => a).sort((a, b) => a - b),
            labels: an.length === 0 ? [] : [expected.provisional ? 'A nouveau provisoire' : 'A nouveau'],
            provisionalFile: expected.provisional || h.years[k].status !== 'closed',
          });

          const accounts = openingAccounts(views.board);
          expect([accounts['512'] ?? 0, accounts['530'] ?? 0, accounts['4670'] ?? 0]).toEqual([
            expected.bank,
            expected.cash,
            expected.advances.reduce((s, [, a]) => s + a, 0),
          ]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('the issue’s coop: 2024 declared 1 000,00 / 50,00, 2025 and 2026 open, opens 2026 with both years’ movements', () => {
    const year2024 = { declaredOpening: { bank: 100000, cash: 5000 }, status: 'open' as const, closing: null, bank: 20000, cash: -3000, advances: [] };
    const year2025 = { declaredOpening: null, status: 'open' as const, closing: null, bank: 38000, cash: 1000, advances: [] };
    expect(openingOf([{ year: 2024, ...year2024 }], null)).toMatchObject({ bank: 120000, cash: 2000, provisional: true });
    expect(
      openingOf(
        [
          { year: 2024, ...year2024 },
          { year: 2025, ...year2025 },
        ],
        null,
      ),
    ).toMatchObject({
      bank: 158000,
      cash: 3000,
      source: 'provisional',
      provisional: true,
    });
  });
});
