import { type CarriedOverItem, type EntryContent, type EntryLine, type OpenAdvance } from '../../events/ledger-events';
import { BANK, CASH, type Chart, findAccount } from '../chart';
import { type BankBook, type BankItem } from '../statements/reconciliation';
import { initialPaymentsState } from '../payments/state';
import { closingFactsFold } from './closing/facts';
import { type ClosingEnv, type EntryState, type LedgerState } from './types';
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

/** Where the year starts from. */
export interface Opening {
  bank: number;
  cash: number;
  openAdvances: OpenAdvance[];
  /** The previous year's items not yet seen on a statement when it closed (read-only list). */
  carriedOver: CarriedOverItem[];
  /**
   * 'declared': first year, entered by hand; 'previous_year': the previous year's closing;
   * 'unknown': the previous year is not closed yet (figures count from 0 until it is).
   */
  source: 'declared' | 'previous_year' | 'unknown' | 'none';
}

export function openingOf(state: LedgerState, env: ClosingEnv): Opening {
  if (state.opening) return { bank: state.opening.bank, cash: state.opening.cash, openAdvances: [], carriedOver: [], source: 'declared' };
  const closing = env.previousYear?.closing;
  if (closing) {
    return { bank: closing.bank, cash: closing.cash, openAdvances: closing.openAdvances, carriedOver: closing.unreconciled, source: 'previous_year' };
  }
  return { bank: 0, cash: 0, openAdvances: [], carriedOver: [], source: env.previousYear ? 'unknown' : 'none' };
}

/** debit − credit of an account over live entries. */
export const accountBalance = (state: LedgerState, account: string): number => (state.totals[account]?.debit ?? 0) - (state.totals[account]?.credit ?? 0);

export interface Balances {
  opening: { bank: number; cash: number };
  bank: number;
  cash: number;
}

/** bank = opening + Σ512 debits − Σ512 credits; cash likewise on 530. */
export function balances(state: LedgerState, env: ClosingEnv): Balances {
  const opening = openingOf(state, env);
  return {
    opening: { bank: opening.bank, cash: opening.cash },
    bank: opening.bank + accountBalance(state, BANK),
    cash: opening.cash + accountBalance(state, CASH),
  };
}

/** Signed amount of lines on one account: + debit, − credit. */
export const signedOn = (lines: readonly EntryLine[], account: string): number =>
  lines.reduce((sum, l) => (l.account === account ? sum + (l.debit ?? 0) - (l.credit ?? 0) : sum), 0);

export const touches = (content: EntryContent, account: string): boolean => content.lines.some((l) => l.account === account);

/** Live entries in notebook order: by date, then PJ. */
export const liveEntries = (state: LedgerState): EntryState[] =>
  Object.values(state.entries)
    .filter((e) => !e.deleted)
    .sort((a, b) => a.content.date.localeCompare(b.content.date) || a.content.pj.localeCompare(b.content.pj, 'fr', { numeric: true }));

/** Each advance's amount still out (paid − returned − explained), the previous year's included; zeros left out. */
export function openAdvancesOf(state: LedgerState, env: ClosingEnv): OpenAdvance[] {
  const amounts: Record<string, number> = {};
  for (const a of openingOf(state, env).openAdvances) amounts[a.regie] = (amounts[a.regie] ?? 0) + a.amount;
  for (const [regie, m] of Object.entries(state.advances)) amounts[regie] = (amounts[regie] ?? 0) + m.debit - m.credit;
  return Object.entries(amounts)
    .filter(([, amount]) => amount !== 0)
    .map(([regie, amount]) => ({ regie, amount }))
    .sort((a, b) => a.regie.localeCompare(b.regie));
}

/**
 * Bank items not yet seen on a statement: this year's live unreconciled entries touching 512,
 * and the previous year's carried-over items not marked seen (they travel on until seen).
 */
export function unreconciledItems(state: LedgerState, env: ClosingEnv): CarriedOverItem[] {
  const carried = openingOf(state, env).carriedOver.filter((item) => !(item.entryId in state.carriedOverSeen));
  const own = liveEntries(state)
    .filter((e) => !e.reconciled && touches(e.content, BANK))
    .map(({ entryId, content }) => ({
      entryId,
      pj: content.pj,
      date: content.date,
      label: content.label,
      chequeNo: content.chequeNo,
      amount: signedOn(content.lines, BANK),
    }));
  return [...carried, ...own];
}

/** Products − charges, by the kinds of the chart. */
export function resultOf(state: LedgerState, chart: Chart): number {
  let result = 0;
  for (const [code, m] of Object.entries(state.totals)) {
    const kind = findAccount(chart, code)?.kind;
    if (kind === 'product') result += m.credit - m.debit;
    if (kind === 'charge') result -= m.debit - m.credit;
  }
  return result;
}

/**
 * What the état de rapprochement reads from the year: the opening bank balance, every bank item
 * (the live entries touching 512 and last year's carried-over items) with when a statement
 * showed it, and the statements in record order.
 */
export function bankBookOf(state: LedgerState, env: ClosingEnv): BankBook {
  const opening = openingOf(state, env);
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
      amount: signedOn(e.content.lines, BANK),
      clearedOn: e.reconciled ? e.clearedOn : null,
      carriedOver: false,
    });
  }
  const statements = Object.values(state.statements).sort((a, b) => a.seq - b.seq);
  return { openingBank: opening.bank, items, statements };
}
