import { ADVANCES, BANK, CASH } from '../domain/chart';
import { net } from '../domain/net-amount';
import { type YearFactsDoc } from '../projections/year-facts.projection';

/**
 * The department's accounts for a fiscal year ("comptes agrégés"), summed at read time over its
 * coops' year-facts documents (one indexed find): per account, debit − credit of the live
 * entries, from the tally's movements (the department_totals projection kept them a second time).
 * The kind of an account (charge, product) comes from the year's chart in the views.
 */

/** One account of the department, summed over its coops. */
export interface AccountTotal {
  /** Σ debit − Σ credit over the department's live entries. */
  net: number;
  /** Coop id → its own debit − credit; coops at zero are left out. */
  byCoop: Map<string, number>;
}

export interface DepartmentTotals {
  department: string;
  year: number;
  /** Account code → its total; treasury and advances (no charge nor product) are left out. */
  accounts: Map<string, AccountTotal>;
}

const NOT_AGGREGATED = new Set([BANK, CASH, ADVANCES]);

/** The department's accounts: its coops' documents of the year, summed (integer cents, exact). */
export function departmentTotals(department: string, year: number, docs: readonly YearFactsDoc[]): DepartmentTotals {
  const accounts = new Map<string, AccountTotal>();
  for (const doc of docs) {
    if (doc.year !== year || doc.department !== department) continue;
    for (const [account, movement] of Object.entries(doc.tally.movements)) {
      const amount = net(movement);
      if (amount === 0 || NOT_AGGREGATED.has(account)) continue;
      let total = accounts.get(account);
      if (!total) accounts.set(account, (total = { net: 0, byCoop: new Map() }));
      total.net += amount;
      total.byCoop.set(doc.coopId, amount);
    }
  }
  return { department, year, accounts };
}
