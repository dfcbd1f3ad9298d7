import { type Chart, findAccount, isInternalFlow } from '../domain/chart';
import { type CoopDoc } from '../projections/coops.projection';
import { CARRIED_CREDIT, CARRIED_DEBIT } from './fec';
import { type YearOpening } from '../domain/ledger';
import { type YearFactsDoc } from '../projections/year-facts.projection';
import { isFinal, reservesOf } from './year-end-state';
import { yearFactsByCoop, yearOpeningOf } from './year-opening';
import { net } from '../domain/net-amount';

/**
 * The department's consolidated trial balance ("balance générale consolidée"), from the coops'
 * year-facts documents (the tally's movements, the opening by openingOf): per account and per coop, opening, debit and credit movements,
 * closing (balances signed: debit positive). Integer cents summed, so the department's figure is
 * the sum of its coops' to the cent.
 */
export type TrialBalanceScope = 'all' | 'final';
export const TRIAL_BALANCE_SCOPES: readonly TrialBalanceScope[] = ['all', 'final'];

export interface AccountBalance {
  opening: number;
  debit: number;
  credit: number;
  closing: number;
}

export interface CoopBalance {
  coopId: string;
  name: string;
  final: boolean;
  status: 'open' | 'closed' | 'unlocked';
  /** The vérificateurs' réserves that stand on its quitus, with their comments (none: a clean quitus or none yet). */
  reserves: Array<{ name: string; comment: string }>;
  /** Account → its figures; accounts the coop never used are left out. */
  accounts: Record<string, AccountBalance>;
}

export interface TrialBalanceLine extends AccountBalance {
  account: string;
  label: string;
  /** The first digit of the code: 1 reserves, 4 advances, 5 treasury, 6 charges, 7 products. */
  class: string;
  /** Paid to the department itself (its cotisation, the insurance it collects): eliminated on consolidation. */
  internal: boolean;
  /** The same account's closing in the prior year (same scope). */
  previousClosing: number;
}

export interface TrialBalanceView {
  department: string;
  year: number;
  scope: TrialBalanceScope;
  /** Coops of the department in the year, and how many are final (closed and accepted) or not. */
  coops: number;
  final: number;
  provisional: number;
  /** Coops whose figures are in the totals (all, or the final ones). */
  included: number;
  accounts: TrialBalanceLine[];
  totals: { debit: number; credit: number; opening: { debit: number; credit: number }; closing: { debit: number; credit: number } };
  byCoop: CoopBalance[];
}

const emptyBalance = (): AccountBalance => ({ opening: 0, debit: 0, credit: 0, closing: 0 });

/**
 * A coop's year's opening (the domain's openingOf) as accounts: treasury and open advances,
 * balanced on the carried-forward result (110 credit, or 119 debit).
 */
export function openingAccounts(opening: YearOpening): Record<string, number> {
  const { bank, cash } = opening;
  const advances = opening.openAdvances.reduce((s, a) => s + a.amount, 0);
  const accounts: Record<string, number> = {};
  if (bank) accounts['512'] = bank;
  if (cash) accounts['530'] = cash;
  if (advances) accounts['4670'] = advances;
  const net = bank + cash + advances;
  if (net > 0) accounts[CARRIED_CREDIT.code] = -net;
  if (net < 0) accounts[CARRIED_DEBIT.code] = -net;
  return accounts;
}

/** One coop's year, account by account. */
export function coopAccounts(movements: YearFactsDoc['tally']['movements'], opening: YearOpening): Record<string, AccountBalance> {
  const accounts: Record<string, AccountBalance> = {};
  for (const [account, amount] of Object.entries(openingAccounts(opening))) accounts[account] = { ...emptyBalance(), opening: amount };
  for (const [account, m] of Object.entries(movements)) {
    // The tally keeps an account whose entries all went (0 / 0): no line of the balance.
    if (m.debit === 0 && m.credit === 0) continue;
    const a = (accounts[account] ??= emptyBalance());
    a.debit += m.debit;
    a.credit += m.credit;
  }
  for (const a of Object.values(accounts)) a.closing = a.opening + net(a);
  return accounts;
}

export function accountLabel(chart: Chart, code: string): string {
  if (code === CARRIED_CREDIT.code) return CARRIED_CREDIT.label;
  if (code === CARRIED_DEBIT.code) return CARRIED_DEBIT.label;
  return findAccount(chart, code)?.label ?? code;
}

const compareCodes = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Each coop of the year (first year ≤ year) with its figures: the year's movements from its
 * year-facts document, its opening from the documents of its earlier years (openingOf). `docs`:
 * the coops' documents of every year (others ignored).
 */
export function coopBalances(coops: readonly CoopDoc[], docs: readonly YearFactsDoc[], year: number): CoopBalance[] {
  const yearsOf = yearFactsByCoop(docs);
  return coops
    .filter((coop) => coop.firstYear <= year)
    .map((coop) => {
      const years = yearsOf.get(coop.coopId) ?? [];
      const doc = years.find((d) => d.year === year);
      const opening = yearOpeningOf(years, coop, year);
      const accounts = coopAccounts(doc?.tally.movements ?? {}, opening);
      const reserves = doc ? reservesOf(doc) : [];
      return { coopId: coop.coopId, name: coop.name, final: doc ? isFinal(doc) : false, status: doc?.status ?? 'open', reserves, accounts };
    })
    .sort((a, b) => compareCodes(a.coopId, b.coopId));
}

/** The consolidated balance: the included coops' figures summed per account, the prior year's closing beside. */
export function trialBalance(
  department: string,
  year: number,
  scope: TrialBalanceScope,
  chart: Chart,
  balances: readonly CoopBalance[],
  previousBalances: readonly CoopBalance[],
): TrialBalanceView {
  const included = balances.filter((c) => scope === 'all' || c.final);
  const sums = new Map<string, AccountBalance>();
  for (const coop of included) {
    for (const [account, a] of Object.entries(coop.accounts)) {
      const s = sums.get(account) ?? emptyBalance();
      sums.set(account, { opening: s.opening + a.opening, debit: s.debit + a.debit, credit: s.credit + a.credit, closing: s.closing + a.closing });
    }
  }
  const previous = new Map<string, number>();
  for (const coop of previousBalances.filter((c) => scope === 'all' || c.final)) {
    for (const [account, a] of Object.entries(coop.accounts)) previous.set(account, (previous.get(account) ?? 0) + a.closing);
  }
  const codes = [...new Set([...sums.keys(), ...previous.keys()])].sort(compareCodes);
  const accounts = codes.map((account) => ({
    account,
    label: accountLabel(chart, account),
    class: account[0],
    internal: isInternalFlow(chart, account),
    ...(sums.get(account) ?? emptyBalance()),
    previousClosing: previous.get(account) ?? 0,
  }));
  const side = (key: 'opening' | 'closing') => ({
    debit: accounts.reduce((s, a) => s + Math.max(a[key], 0), 0),
    credit: accounts.reduce((s, a) => s + Math.max(-a[key], 0), 0),
  });
  const final = balances.filter((c) => c.final).length;
  return {
    department,
    year,
    scope,
    coops: balances.length,
    final,
    provisional: balances.length - final,
    included: included.length,
    accounts,
    totals: {
      debit: accounts.reduce((s, a) => s + a.debit, 0),
      credit: accounts.reduce((s, a) => s + a.credit, 0),
      opening: side('opening'),
      closing: side('closing'),
    },
    byCoop: included,
  };
}

// ---- the aggregated accounts: classes 6 and 7 ----------------------------------------------------

export interface ResultAccount {
  account: string;
  label: string;
  kind: 'charge' | 'product';
  /** A charge's debit − credit, a product's credit − debit. */
  total: number;
  internal: boolean;
}

export interface AggregatedResult {
  charges: ResultAccount[];
  products: ResultAccount[];
  /** With internal flows, then the internal part alone, then without it. */
  totalCharges: number;
  totalProducts: number;
  internalCharges: number;
  internalProducts: number;
  result: number;
  resultWithoutInternal: number;
}

/** The aggregated accounts ("comptes agrégés") are the trial balance's classes 6 and 7. */
export function aggregatedResult(view: TrialBalanceView): AggregatedResult {
  const of = (cls: string, kind: 'charge' | 'product'): ResultAccount[] =>
    view.accounts
      .filter((a) => a.class === cls)
      .map((a) => ({ account: a.account, label: a.label, kind, internal: a.internal, total: kind === 'charge' ? net(a) : 0 - net(a) }));
  const charges = of('6', 'charge');
  const products = of('7', 'product');
  const sum = (list: ResultAccount[], internal?: boolean): number =>
    list.filter((a) => internal === undefined || a.internal === internal).reduce((s, a) => s + a.total, 0);
  const totalCharges = sum(charges);
  const totalProducts = sum(products);
  return {
    charges,
    products,
    totalCharges,
    totalProducts,
    internalCharges: sum(charges, true),
    internalProducts: sum(products, true),
    result: totalProducts - totalCharges,
    resultWithoutInternal: sum(products, false) - sum(charges, false),
  };
}
