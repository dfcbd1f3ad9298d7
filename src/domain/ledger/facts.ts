import { type OpenAdvance } from '../../events/ledger-events';
import { type AccountRole, BANK, CASH, type Chart, accountWithRole } from '../chart';
import { type ClosingEnv } from './commands';
import { bankReconciliationAt, lastStatementOn } from '../statements/reconciliation';
import { type LedgerState, accountBalance, bankBookOf, balances, lastCashCount, liveEntries, openAdvancesOf, openingOf, unreconciledItems } from './state';

/** A blocker, warning or note of the checklist. */
export interface Issue {
  code: string;
  /** French sentence for the user, saying what is wrong and what to do. */
  message: string;
  /** Where to fix it: 'pointage' | 'caisse' | 'subventions' | 'regies' | 'inventaire' | 'saisie' | 'cloture'. */
  fix?: string;
}

/**
 * Everything the closing rules and the warnings need, small and JSON, so a department's board
 * projection can keep it up to date event by event and call closingChecklist itself.
 * Amounts in cents.
 */
export interface ClosingFacts {
  year: number;
  /** Closed and not unlocked for a correction. */
  closed: boolean;
  /** True in the coop's first year. */
  previousYearClosed: boolean;
  /** The coop's first year without its "Existence au début de l'exercice". */
  openingMissing: boolean;
  /** Live entries touching 512 not reconciled + the previous year's carried-over items not yet seen. */
  unreconciled: number;
  /** Opening cash ≠ 0 or any line on 530: the cash box must then be counted to close. */
  cashUsed: boolean;
  /** Opening cash + Σ530 debits − Σ530 credits. */
  cashBalance: number;
  /** Total of the last cash count (by date), null when never counted. */
  lastCountTotal: number | null;
  /** Σ credits − Σ debits of the chart's subsidies account (7410 by default). */
  subsidiesAccountTotal: number;
  /** Total of the subsidies table. */
  subsidiesTableTotal: number;
  /** Advances (régies) not settled: paid ≠ returned + explained. */
  openAdvances: OpenAdvance[];
  /** Σ debits − credits of the chart's OCCE membership account (6586 by default). */
  membershipTotal: number;
  /** Σ debits − credits of the chart's insurance account (6168 by default). */
  insuranceTotal: number;
  /** The chart's durable goods account (6800 by default); null when no account has the role. */
  durableGoodsAccount: string | null;
  /** PJs of live entries with a debit on the durable goods account and no inventory item bearing that PJ. */
  durableGoodsWithoutInventory: string[];
  /** Opening bank ≠ 0 or any line on 512: closing then needs the year-end statement. */
  bankUsed: boolean;
  /** 'YYYY-MM' of the last month with a live entry on 512; null when none. */
  lastBankMonth: string | null;
  /** The year's last statement (by date) and the difference of its état de rapprochement; null when none. */
  lastStatement: { date: string; closingBalance: number; difference: number } | null;
}

/**
 * The code of the account holding a role in the chart, null when none does: the rules then have
 * nothing to read (a total of 0, no durable goods).
 */
const roleAccount = (chart: Chart, role: AccountRole): string | null => accountWithRole(chart, role)?.code ?? null;

export function closingFactsOf(state: LedgerState, env: ClosingEnv): ClosingFacts {
  const opening = openingOf(state, env);
  const cash = state.totals[CASH];
  const lastCount = lastCashCount(state);
  const inventoried = new Set(
    Object.values(state.inventory)
      .map((item) => item.pj)
      .filter((pj) => pj !== null),
  );
  const balanceOf = (role: AccountRole): number => {
    const account = roleAccount(env.chart, role);
    return account === null ? 0 : accountBalance(state, account);
  };
  const durableGoods = roleAccount(env.chart, 'durableGoods');
  const live = liveEntries(state);
  const bank = state.totals[BANK];
  let lastBankMonth: string | null = null;
  for (const e of live) {
    const month = e.content.date.slice(0, 7);
    if (e.content.lines.some((l) => l.account === BANK) && (lastBankMonth === null || month > lastBankMonth)) lastBankMonth = month;
  }
  const book = bankBookOf(state, env);
  const last = lastStatementOn(book.statements, '9999-12-31');
  return {
    year: state.year,
    closed: state.status === 'closed',
    previousYearClosed: env.previousYear === null || env.previousYear.closed,
    openingMissing: env.previousYear === null && state.opening === null,
    unreconciled: unreconciledItems(state, env).length,
    cashUsed: opening.cash !== 0 || (cash !== undefined && (cash.debit !== 0 || cash.credit !== 0)),
    cashBalance: balances(state, env).cash,
    lastCountTotal: lastCount ? lastCount.total : null,
    subsidiesAccountTotal: -balanceOf('subsidies'),
    subsidiesTableTotal: state.subsidies.reduce((sum, row) => sum + row.amount, 0),
    openAdvances: openAdvancesOf(state, env),
    membershipTotal: balanceOf('membership'),
    insuranceTotal: balanceOf('insurance'),
    durableGoodsAccount: durableGoods,
    durableGoodsWithoutInventory: live
      .filter((e) => e.content.lines.some((l) => l.account === durableGoods && l.debit) && !inventoried.has(e.content.pj))
      .map((e) => e.content.pj),
    bankUsed: opening.bank !== 0 || (bank !== undefined && (bank.debit !== 0 || bank.credit !== 0)),
    lastBankMonth,
    lastStatement: last ? { date: last.date, closingBalance: last.closingBalance, difference: bankReconciliationAt(last.date, book).difference! } : null,
  };
}
