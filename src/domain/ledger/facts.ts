import { OpenAdvance } from '../../events/ledger-events';
import { CASH, DURABLE_GOODS, INSURANCE, MEMBERSHIP, SUBSIDIES_ACCOUNT } from '../chart';
import { ClosingEnv } from './commands';
import { LedgerState, accountBalance, balances, lastCashCount, liveEntries, openAdvancesOf, openingOf, unreconciledItems } from './state';

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
  /** Live entries touching 512 not reconciled + the previous year's carried-over items not yet seen. */
  unreconciled: number;
  /** Opening cash ≠ 0 or any line on 530: the cash box must then be counted to close. */
  cashUsed: boolean;
  /** Opening cash + Σ530 debits − Σ530 credits. */
  cashBalance: number;
  /** Total of the last cash count (by date), null when never counted. */
  lastCountTotal: number | null;
  /** Σ7410 credits − Σ7410 debits. */
  subsidiesAccountTotal: number;
  /** Total of the subsidies table. */
  subsidiesTableTotal: number;
  /** Advances (régies) not settled: paid ≠ returned + explained. */
  openAdvances: OpenAdvance[];
  /** Σ6586 debits − credits (OCCE membership). */
  membershipTotal: number;
  /** Σ6168 debits − credits (insurance). */
  insuranceTotal: number;
  /** PJs of live entries with a debit on 6800 and no inventory item bearing that PJ. */
  durableGoodsWithoutInventory: string[];
}

export function closingFactsOf(state: LedgerState, env: ClosingEnv): ClosingFacts {
  const opening = openingOf(state, env);
  const cash = state.totals[CASH];
  const lastCount = lastCashCount(state);
  const inventoried = new Set(Object.values(state.inventory).map((item) => item.pj).filter((pj) => pj !== null));
  return {
    year: state.year,
    closed: state.status === 'closed',
    previousYearClosed: env.previousYear === null || env.previousYear.closed,
    unreconciled: unreconciledItems(state, env).length,
    cashUsed: opening.cash !== 0 || (cash !== undefined && (cash.debit !== 0 || cash.credit !== 0)),
    cashBalance: balances(state, env).cash,
    lastCountTotal: lastCount ? lastCount.total : null,
    subsidiesAccountTotal: -accountBalance(state, SUBSIDIES_ACCOUNT),
    subsidiesTableTotal: state.subsidies.reduce((sum, row) => sum + row.amount, 0),
    openAdvances: openAdvancesOf(state, env),
    membershipTotal: accountBalance(state, MEMBERSHIP),
    insuranceTotal: accountBalance(state, INSURANCE),
    durableGoodsWithoutInventory: liveEntries(state)
      .filter((e) => e.content.lines.some((l) => l.account === DURABLE_GOODS && l.debit) && !inventoried.has(e.content.pj))
      .map((e) => e.content.pj),
  };
}

