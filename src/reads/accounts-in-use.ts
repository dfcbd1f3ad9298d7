import { type ChartEnv } from '../domain/chart-changes';
import { YEAR_FACTS, type YearFactsDoc } from '../projections/year-facts.projection';
import { closedOnce } from './year-end-state';
import { type ReadStore } from '../projections/read-store';

/** What a chart change needs to know of a department's year: account → the coops whose live entries use it, and the coops that closed it. */
export type AccountsInUse = (department: string, year: number) => Promise<ChartEnv>;

/**
 * From the year-facts documents of the department's year (one indexed find): an account has
 * movements in a coop's tally exactly while one of its live entries has a line on it.
 */
export const accountsInUseOf =
  (store: ReadStore): AccountsInUse =>
  async (department, year) => {
    const docs = await store.find<YearFactsDoc>(YEAR_FACTS, { where: { department, year } });
    const used = new Map<string, string[]>();
    const sorted = [...docs].sort((a, b) => a.coopId.localeCompare(b.coopId));
    // Closed once is enough: a reopened year's validated entries still stand on the chart.
    const closedBy = sorted.filter((doc) => doc.status === 'closed' || closedOnce(doc)).map((doc) => doc.coopId);
    for (const doc of sorted) {
      for (const [account, m] of Object.entries(doc.tally.movements)) {
        // Kept at 0 / 0 once its last entry went: no longer in use.
        if (m.debit === 0 && m.credit === 0) continue;
        const coops = used.get(account);
        if (coops) coops.push(doc.coopId);
        else used.set(account, [doc.coopId]);
      }
    }
    return { accountsInUse: used, closedBy };
  };
