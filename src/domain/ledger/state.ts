import {
  type CarriedOverItem,
  type CashCounted,
  type EntryContent,
  type EntryLine,
  type OpeningBalanceDeclared,
  type OpenAdvance,
  type StatementFile,
  type StatementLine,
  type SubsidyRow,
  type YearClosed,
} from '../../events/ledger-events';
import { BANK, CASH, type Chart, findAccount } from '../chart';
import { type BankBook, type BankItem } from '../statements/reconciliation';
import { type PaymentsState, initialPaymentsState } from '../payments/state';
import { type ClosingEnv } from './commands';
import { type ClosingTally, closingFactsFold } from './facts';
import { type YearEndState, initialYearEnd } from './year-end';

/**
 * The state of one fiscal year of one coop, folded from its events. Plain JSON (no Map, Set,
 * class or Date): it is stored as a read-model document and cached between commands.
 */
export interface Attachment {
  attachmentId: string;
  sha256: string;
  mediaType: string;
  size: number;
  fileName: string;
}

export interface EntryState {
  entryId: string;
  content: EntryContent;
  /** 1 when recorded, +1 per amendment: what the user sends back as expectedRevision. */
  revision: number;
  reconciled: boolean;
  statementDate: string | null;
  /** When the bank showed it (the statement date, else the entry's date when ticked); null while unreconciled. */
  clearedOn: string | null;
  /** The statement line it was matched with; null when ticked by hand. */
  lineId: string | null;
  /** Deleted entries stay, flagged, for the auditor; they count nowhere and free their PJ. */
  deleted: boolean;
  duplicatedFrom: string | null;
  attachments: Attachment[];
}

export interface InventoryItem {
  itemId: string;
  designation: string;
  acquiredOn: string;
  quantity: number;
  value: number;
  pj: string | null;
  /** Set when the item left the register (sold, broken, given away). */
  removed: boolean;
  leftOn: string | null;
}

/** A bank statement of the year: typed by hand (no file, no lines) or imported. */
export interface StatementState {
  statementId: string;
  date: string;
  closingBalance: number;
  file: StatementFile | null;
  lines: StatementLine[];
  /** Record order in the year (the stream revision of its event): breaks ties of date. */
  seq: number;
}

export interface Movement {
  debit: number;
  credit: number;
}

export type YearStatus = 'open' | 'closed' | 'unlocked';

export interface LedgerState {
  coopId: string;
  year: number;
  /** Events folded so far (the stream's next revision). */
  version: number;
  /** Declared by hand in the coop's first year only; later years open from the previous closing. */
  opening: OpeningBalanceDeclared | null;
  entries: Record<string, EntryState>;
  /** PJ → entryId, live entries only. */
  pjs: Record<string, string>;
  /** Per account, over live entries. */
  totals: Record<string, Movement>;
  /** Per advance (régie) named on advance lines, over live entries: debit = paid, credit = returned or explained. */
  advances: Record<string, Movement>;
  /** Previous year's unreconciled items seen on a statement of this year: entryId → statement date. */
  carriedOverSeen: Record<string, string | null>;
  statements: Record<string, StatementState>;
  /** Every line of the year's statements: lineId → statementId (a re-imported line is skipped). */
  statementLines: Record<string, string>;
  /** lineId → the entries (or carried-over items) matched with it. */
  lineMatches: Record<string, string[]>;
  cashCounts: CashCounted[];
  subsidies: SubsidyRow[];
  inventory: Record<string, InventoryItem>;
  /** CRA: free text per activity. */
  activities: Record<string, string>;
  status: YearStatus;
  /** The closing figures (YearClosed, updated by YearLocked after a correction). */
  closing: YearClosed | null;
  unlockReason: string | null;
  /** Quitus and submission to the AD. */
  yearEnd: YearEndState;
  /** What the closing facts are derived from (closingFactsOf), folded with the rest. */
  closingTally: ClosingTally;
  /** Family payments, their receipts and deposit slips (src/domain/payments). */
  payments: PaymentsState;
}

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
