import { TRIAL_BALANCE, type TrialBalanceDoc } from '../projections/department/trial-balance.projection';
import { type ReadStore } from '../projections/read-store';

/** Account → the coops whose live entries of a department's year use it. */
export type AccountsInUse = (department: string, year: number) => Promise<ReadonlyMap<string, readonly string[]>>;

/**
 * From the trial-balance documents of the department's year (one indexed find): an account has
 * movements in a coop's document exactly while one of its live entries has a line on it.
 */
export const accountsInUseOf =
  (store: ReadStore): AccountsInUse =>
  async (department, year) => {
    const docs = await store.find<TrialBalanceDoc>(TRIAL_BALANCE, { where: { department, year } });
    const used = new Map<string, string[]>();
    for (const doc of [...docs].sort((a, b) => a.coopId.localeCompare(b.coopId))) {
      for (const account of Object.keys(doc.movements)) {
        const coops = used.get(account);
        if (coops) coops.push(doc.coopId);
        else used.set(account, [doc.coopId]);
      }
    }
    return used;
  };
