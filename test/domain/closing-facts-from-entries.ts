import { net } from '../../src/domain/net-amount';
import { valueAt } from '../../src/domain/text-keys';
import { type AccountRole, BANK, CASH, type Chart, accountWithRole } from '../../src/domain/chart';
import {
  type ClosingEnv,
  type ClosingFacts,
  type LedgerState,
  balances,
  bankBookOf,
  liveEntries,
  openAdvancesOf,
  openingOf,
  unreconciledItems,
} from '../../src/domain/ledger';
import { bankReconciliationAt, lastStatementOn } from '../../src/domain/statements/reconciliation';
import { type CashCounted } from '../../src/events/ledger-events';

/**
 * The closing facts derived from the year's entries as they stand, the slow way: the oracle the
 * domain's incremental fold (closingFactsFold, carried by the state and kept by the board) must
 * agree with after any history.
 */
/** The last count by date (a later count of the same day wins). */
function lastCashCount(state: LedgerState): CashCounted | null {
  let last: CashCounted | null = null;
  for (const count of state.cashCounts) if (!last || count.date >= last.date) last = count;
  return last;
}

const roleAccount = (chart: Chart, role: AccountRole): string | null => accountWithRole(chart, role)?.code ?? null;

export function closingFactsFromEntries(state: LedgerState, env: ClosingEnv): ClosingFacts {
  const opening = openingOf(env.earlierYears, state.opening);
  const cash = state.totals[CASH];
  const lastCount = lastCashCount(state);
  const inventoried = new Set(
    Object.values(state.inventory)
      .map((item) => item.pj)
      .filter((pj) => pj !== null),
  );
  const balanceOf = (role: AccountRole): number => {
    const account = roleAccount(env.chart, role);
    return account === null ? 0 : net(valueAt(state.totals, account));
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
    previousYearClosed: env.earlierYears.length === 0 || env.earlierYears.at(-1)!.status === 'closed',
    openingMissing: env.earlierYears.length === 0 && state.opening === null,
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
