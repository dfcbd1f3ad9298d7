import { type CarriedOverItem, type EntryContent, type OpenAdvance } from '../../events/ledger-events';
import { BANK, CASH, type Chart, findAccount } from '../chart';
import { type BankBook, type BankItem } from '../statements/reconciliation';
import { initialPaymentsState } from '../payments/state';
import { closingFactsFold } from './closing/facts';
import { net, netOn } from '../net-amount';
import { valueAt } from '../text-keys';
import { comparePj, compareText } from '../pj-order';
import { openingOf, sumAdvances } from './opening';
import { type ClosingEnv, type EntryState, type LedgerState, type YearFacts } from './types';
import { initialYearEnd } from './year-end/year-end';

export const initialLedgerState = (coopId: string, year: number): LedgerState => ({
  coopId,
  year,
  version: 0,
  opening: null,
  entries: {},
  pjs: {},
  totals: {},
  advances: {},
  carriedOverSeen: {},
  statements: {},
  statementLines: {},
  lineMatches: {},
  cashCounts: [],
  subsidies: [],
  inventory: {},
  activities: {},
  status: 'open',
  closing: null,
  unlockReason: null,
  yearEnd: initialYearEnd(),
  closingTally: closingFactsFold.initial(),
  payments: initialPaymentsState(),
});

/** What the year tells the next one's opening (openingOf), from its state. */
export function yearFactsOf(state: LedgerState): YearFacts {
  return {
    year: state.year,
    declaredOpening: state.opening && { bank: state.opening.bank, cash: state.opening.cash },
    status: state.status,
    closing: state.closing,
    bank: net(valueAt(state.totals, BANK)),
    cash: net(valueAt(state.totals, CASH)),
    advances: Object.entries(state.advances).map(([regie, m]) => ({ regie, amount: net(m) })),
  };
}

export interface Balances {
  opening: { bank: number; cash: number };
  bank: number;
  cash: number;
}

/** bank = opening + Σ512 debits − Σ512 credits; cash likewise on 530. */
export function balances(state: LedgerState, env: ClosingEnv): Balances {
  const opening = openingOf(env.earlierYears, state.opening);
  return {
    opening: { bank: opening.bank, cash: opening.cash },
    bank: opening.bank + net(valueAt(state.totals, BANK)),
    cash: opening.cash + net(valueAt(state.totals, CASH)),
  };
}

export const touches = (content: EntryContent, account: string): boolean => content.lines.some((l) => l.account === account);

/** Live entries in notebook order: by date, then PJ. */
export const liveEntries = (state: LedgerState): EntryState[] =>
  Object.values(state.entries)
    .filter((e) => !e.deleted)
    .sort((a, b) => compareText(a.content.date, b.content.date) || comparePj(a.content.pj, b.content.pj));

/** Each advance's amount still out (paid − returned − explained), the previous year's included; zeros left out. */
export function openAdvancesOf(state: LedgerState, env: ClosingEnv): OpenAdvance[] {
  return sumAdvances(openingOf(env.earlierYears, state.opening).openAdvances, yearFactsOf(state).advances);
}

/**
 * Bank items not yet seen on a statement: this year's live unreconciled entries touching 512,
 * and the previous year's carried-over items not marked seen (they travel on until seen).
 */
export function unreconciledItems(state: LedgerState, env: ClosingEnv): CarriedOverItem[] {
  const carried = openingOf(env.earlierYears, state.opening).carriedOver.filter((item) => !(item.entryId in state.carriedOverSeen));
  const own = liveEntries(state)
    .filter((e) => !e.reconciled && touches(e.content, BANK))
    .map(({ entryId, content }) => ({
      entryId,
      pj: content.pj,
      date: content.date,
      label: content.label,
      chequeNo: content.chequeNo,
      amount: netOn(content.lines, BANK),
    }));
  return [...carried, ...own];
}

/** Products − charges, by the kinds of the chart. */
export function resultOf(state: LedgerState, chart: Chart): number {
  let result = 0;
  for (const [code, m] of Object.entries(state.totals)) {
    const kind = findAccount(chart, code)?.kind;
    // A product's credit and a charge's debit net the same way: result = products − charges.
    if (kind === 'product' || kind === 'charge') result -= net(m);
  }
  return result;
}

/**
 * What the état de rapprochement reads from the year: the opening bank balance, every bank item
 * (the live entries touching 512 and last year's carried-over items) with when a statement
 * showed it, and the statements in record order.
 */
export function bankBookOf(state: LedgerState, env: ClosingEnv): BankBook {
  const opening = openingOf(env.earlierYears, state.opening);
  const items: BankItem[] = opening.carriedOver.map((item) => {
    const seen = Object.hasOwn(state.carriedOverSeen, item.entryId);
    return { ...item, clearedOn: seen ? (state.carriedOverSeen[item.entryId] ?? item.date) : null, carriedOver: true };
  });
  for (const e of Object.values(state.entries)) {
    if (e.deleted || !touches(e.content, BANK)) continue;
    const { pj, date, label } = e.content;
    items.push({
      entryId: e.entryId,
      pj,
      date,
      label,
      amount: netOn(e.content.lines, BANK),
      clearedOn: e.reconciled ? e.clearedOn : null,
      carriedOver: false,
    });
  }
  const statements = Object.values(state.statements).sort((a, b) => a.seq - b.seq);
  return { openingBank: opening.bank, items, statements };
}
