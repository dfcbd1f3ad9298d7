import { type AccountKind, type AccountRole } from '../events/coop-events';

export type { AccountRole };

/**
 * Chart of accounts: data, not code. A chart belongs to a department and a fiscal year; it is
 * the default chart below with the department's changes for that year (chart-<dept>-<year>).
 */
export interface Account {
  code: string;
  label: string;
  kind: AccountKind;
  retired?: boolean;
  /** What the ledger's rules look this account up for; one account at a time per role in a chart. */
  role?: AccountRole;
}

export const BANK = '512';
export const CASH = '530';
export const ADVANCES = '4670';
/** The default chart's accounts of each role; a department's chart may give the roles to others (accountWithRole). */
export const SUBSIDIES_ACCOUNT = '7410';
export const MEMBERSHIP = '6586';
export const INSURANCE = '6168';
export const DURABLE_GOODS = '6800';

export const DEFAULT_CHART: readonly Account[] = [
  { code: '512', label: 'Banque', kind: 'treasury' },
  { code: '530', label: 'Caisse', kind: 'treasury' },
  { code: '4670', label: "Régies d'avance", kind: 'advance' },
  { code: '6070', label: "Achats d'objets à revendre", kind: 'charge' },
  { code: INSURANCE, label: 'Assurances', kind: 'charge', role: 'insurance' },
  { code: '6181', label: 'Activités éducatives', kind: 'charge' },
  { code: '6270', label: 'Frais bancaires', kind: 'charge' },
  { code: MEMBERSHIP, label: "Cotisations à l'OCCE", kind: 'charge', role: 'membership' },
  { code: '6700', label: 'Dépenses exceptionnelles', kind: 'charge' },
  { code: DURABLE_GOODS, label: 'Achats de biens durables', kind: 'charge', role: 'durableGoods' },
  { code: '7070', label: "Ventes d'objets", kind: 'product' },
  { code: '7080', label: 'Autres activités éducatives', kind: 'product' },
  { code: SUBSIDIES_ACCOUNT, label: 'Subventions des collectivités territoriales', kind: 'product', role: 'subsidies' },
  { code: '7460', label: "Subventions d'associations et autres organismes", kind: 'product' },
  { code: '7560', label: 'Participations des familles', kind: 'product' },
  { code: '7580', label: 'Dons', kind: 'product' },
  { code: '7610', label: 'Produits financiers', kind: 'product' },
  { code: '7700', label: 'Recettes exceptionnelles', kind: 'product' },
];

export interface Chart {
  department: string;
  year: number;
  accounts: Account[];
}

export const defaultChart = (department: string, year: number): Chart => ({
  department,
  year,
  accounts: DEFAULT_CHART.map((a) => ({ ...a })),
});

/** Accounts usable in new lines: known and not retired. */
export const activeAccount = (chart: Chart, code: string): Account | undefined => chart.accounts.find((a) => a.code === code && !a.retired);

/** The active account holding a role, if the chart gives it to one. */
export const accountWithRole = (chart: Chart, role: AccountRole): Account | undefined => chart.accounts.find((a) => a.role === role && !a.retired);

export const findAccount = (chart: Chart, code: string): Account | undefined => chart.accounts.find((a) => a.code === code);

/**
 * Internal flows: what coops pay the departmental association itself — the OCCE cotisation and
 * the insurance it collects, the accounts holding those roles in the chart — so that the
 * department's aggregated accounts can be shown with and without them.
 */
const INTERNAL_ROLES: readonly AccountRole[] = ['membership', 'insurance'];
export function isInternalFlow(chart: Chart, code: string): boolean {
  const role = findAccount(chart, code)?.role;
  return role !== undefined && INTERNAL_ROLES.includes(role);
}
