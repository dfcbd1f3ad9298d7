import { type Chart } from '../domain/chart';
import { closingOpensOn, formatFrenchDate } from '../domain/fiscal-year';
import { closingChecklist } from '../domain/ledger';
import { type CoopDoc } from '../projections/coops.projection';
import { kindOf } from '../projections/ledger/amounts';
import { plainAmount } from '../domain/money';
import { neutralizeFormula } from './exports';
import { type YearFactsDoc, emptyYearFacts } from '../projections/year-facts.projection';
import { boardBalances, boardFacts, yearFactsByCoop } from './year-opening';
import { type DepartmentTotals } from './department-totals';

/**
 * Pure views of the department: the treasurer's status board and the aggregated accounts, in
 * the JSON shapes of API.md, and their CSV files. Amounts are integer cents.
 */

export interface BoardRow {
  coopId: string;
  name: string;
  /** API.md's two values: an unlocked year is open again (see `unlocked`). */
  status: 'open' | 'closed';
  unlocked: boolean;
  canClose: boolean;
  /** Blocker codes of closingChecklist, in its order. */
  blockers: string[];
  bank: number;
  cash: number;
  /** Bank and cash stand on a provisional opening: an earlier year is not closed (openingOf). */
  openingProvisional: boolean;
  unreconciled: number;
  lastActivityAt: string | null;
  /** The year's last bank statement and the difference of its état de rapprochement (null: none yet). */
  lastStatementDate: string | null;
  bankDifference: number | null;
}

/**
 * One row per coop of the department existing in `year` (first year ≤ year), in the coops'
 * order; a coop with no event in the year is an open, empty year. `docs`: the year-facts documents of
 * the coops' years up to `year` (the opening chains over the earlier ones). The chart is the
 * department's for the year: it names the accounts the closing rules read.
 */
export function boardRows(coops: readonly CoopDoc[], docs: readonly YearFactsDoc[], year: number, today: string, chart: Chart): BoardRow[] {
  const byCoop = yearFactsByCoop(docs);
  return coops
    .filter((coop) => coop.firstYear <= year)
    .map((coop) => {
      const years = byCoop.get(coop.coopId) ?? [];
      const doc = years.find((d) => d.year === year) ?? emptyYearFacts(coop.coopId, year, coop.department);
      const facts = boardFacts(years, coop, year, chart);
      const checklist = closingChecklist(facts, today, year);
      const { bank, cash, provisional } = boardBalances(years, coop, year);
      // A closed year is done, not blocked: "already closed" is no blocker on the board.
      const blockers = checklist.blockers.map((b) => b.code).filter((code) => code !== 'YEAR_CLOSED');
      return {
        coopId: coop.coopId,
        name: coop.name,
        status: doc.status === 'closed' ? 'closed' : 'open',
        unlocked: doc.status === 'unlocked',
        canClose: checklist.canClose,
        blockers,
        bank,
        cash,
        openingProvisional: provisional,
        unreconciled: facts.unreconciled,
        lastActivityAt: doc.lastActivityAt,
        lastStatementDate: facts.lastStatement?.date ?? null,
        bankDifference: facts.lastStatement?.difference ?? null,
      };
    });
}

/**
 * blocked: not closed, and held back by something to fix (the closing date alone does not count:
 * before it every coop waits); notClosed: open or unlocked; cashMismatch: the cash count is
 * missing or differs from the 530 balance.
 */
export const BOARD_FILTERS = ['blocked', 'notClosed', 'cashMismatch'] as const;
export type BoardFilter = (typeof BOARD_FILTERS)[number];
export const BOARD_SORTS = ['name', 'coopId', 'status', 'bank', 'cash', 'unreconciled', 'lastActivityAt', 'blockers'] as const;
export type BoardSort = (typeof BOARD_SORTS)[number];

const MATCHES: Record<BoardFilter, (row: BoardRow) => boolean> = {
  blocked: (row) => row.status !== 'closed' && row.blockers.some((code) => code !== 'TOO_EARLY'),
  notClosed: (row) => row.status !== 'closed',
  cashMismatch: (row) => row.blockers.includes('CASH_COUNT_MISMATCH'),
};

const FRENCH = new Intl.Collator('fr', { sensitivity: 'base', numeric: true });
const compareText = (a: string, b: string): number => FRENCH.compare(a, b);

const COMPARE: Record<BoardSort, (a: BoardRow, b: BoardRow) => number> = {
  name: (a, b) => compareText(a.name, b.name),
  coopId: (a, b) => compareText(a.coopId, b.coopId),
  status: (a, b) => compareText(a.status, b.status),
  bank: (a, b) => a.bank - b.bank,
  cash: (a, b) => a.cash - b.cash,
  unreconciled: (a, b) => a.unreconciled - b.unreconciled,
  // Never active sorts first.
  lastActivityAt: (a, b) => (a.lastActivityAt ?? '').localeCompare(b.lastActivityAt ?? ''),
  blockers: (a, b) => a.blockers.length - b.blockers.length,
};

export interface BoardQuery {
  /** Every filter given must hold. */
  filters?: BoardFilter[];
  sort?: BoardSort;
  direction?: 'asc' | 'desc';
  /** 1-based. */
  page?: number;
  /** Rows per page; all rows when absent. */
  pageSize?: number;
}

export interface BoardPage {
  rows: BoardRow[];
  /** Rows matching the filters, all pages together. */
  total: number;
  page: number;
  pageSize: number;
}

export const MAX_PAGE_SIZE = 1000;

/** Filters, sorts (ties by name then id, so pages are stable) and cuts one page. */
export function boardPage(rows: readonly BoardRow[], query: BoardQuery = {}): BoardPage {
  const filters = query.filters ?? [];
  const matching = rows.filter((row) => filters.every((f) => MATCHES[f](row)));
  const compare = COMPARE[query.sort ?? 'name'];
  const sign = query.direction === 'desc' ? -1 : 1;
  const sorted = [...matching].sort((a, b) => sign * compare(a, b) || COMPARE.name(a, b) || COMPARE.coopId(a, b));
  const pageSize = Math.min(Math.max(1, Math.floor(query.pageSize ?? (sorted.length || 1))), MAX_PAGE_SIZE);
  const page = Math.max(1, Math.floor(query.page ?? 1));
  return { rows: sorted.slice((page - 1) * pageSize, page * pageSize), total: sorted.length, page, pageSize };
}

// ---- aggregated accounts -----------------------------------------------------------------------

export interface AggregatedAccount {
  account: string;
  label: string;
  kind: 'charge' | 'product';
  total: number;
}

export interface AggregatedAccounts {
  department: string;
  year: number;
  /** Coops of the department in that year. */
  coops: number;
  /** Of which closed. */
  closed: number;
  accounts: AggregatedAccount[];
  totalCharges: number;
  totalProducts: number;
  result: number;
}

interface ListedAccount {
  account: string;
  label: string;
  kind: 'charge' | 'product';
}

/** The chart's charges and products (retired ones only when used), then unknown codes by their class; charges first, by code. */
function listedAccounts(used: readonly string[], chart: Chart): ListedAccount[] {
  const usedSet = new Set(used);
  const listed = new Map<string, ListedAccount>();
  for (const a of chart.accounts) {
    if ((a.kind === 'charge' || a.kind === 'product') && (!a.retired || usedSet.has(a.code)))
      listed.set(a.code, { account: a.code, label: a.label, kind: a.kind });
  }
  for (const code of used) {
    const kind = kindOf(code, chart);
    if (!listed.has(code) && (kind === 'charge' || kind === 'product')) listed.set(code, { account: code, label: code, kind });
  }
  const rank = (a: ListedAccount): number => (a.kind === 'charge' ? 0 : 1);
  return [...listed.values()].sort((a, b) => rank(a) - rank(b) || (a.account < b.account ? -1 : a.account > b.account ? 1 : 0));
}

/** A charge reads debit − credit, a product credit − debit. */
const signed = (net: number, kind: 'charge' | 'product'): number => (kind === 'charge' ? net : 0 - net);

/** The department's charges and products for the year: each total is the sum of the coops' breakdowns. */
export function aggregatedAccounts(totals: DepartmentTotals, chart: Chart, counts: { coops: number; closed: number }): AggregatedAccounts {
  const sums = totals.accounts;
  const accounts = listedAccounts([...sums.keys()], chart).map((a) => ({ ...a, total: signed(sums.get(a.account)?.net ?? 0, a.kind) }));
  const totalOf = (kind: 'charge' | 'product'): number => accounts.filter((a) => a.kind === kind).reduce((sum, a) => sum + a.total, 0);
  const totalCharges = totalOf('charge');
  const totalProducts = totalOf('product');
  return {
    department: chart.department,
    year: chart.year,
    coops: counts.coops,
    closed: counts.closed,
    accounts,
    totalCharges,
    totalProducts,
    result: totalProducts - totalCharges,
  };
}

export interface AccountDrillDown extends AggregatedAccount {
  /** The coops behind the figure, largest amount first. */
  coops: Array<{ coopId: string; name: string; amount: number }>;
}

/** The coops behind one aggregated figure; null for an account that is no charge nor product. */
export function accountDrillDown(totals: DepartmentTotals, chart: Chart, account: string, names: ReadonlyMap<string, string>): AccountDrillDown | null {
  const sums = totals.accounts;
  const listed = listedAccounts(sums.has(account) ? [account] : [], chart).find((a) => a.account === account);
  if (!listed) return null;
  const sum = sums.get(account) ?? { net: 0, byCoop: new Map<string, number>() };
  const coops = [...sum.byCoop]
    .map(([coopId, net]) => ({ coopId, name: names.get(coopId) ?? coopId, amount: signed(net, listed.kind) }))
    .sort((a, b) => b.amount - a.amount || compareText(a.name, b.name));
  return { ...listed, total: signed(sum.net, listed.kind), coops };
}

/** What each closing blocker means, for a treasurer who has not read DOMAIN.md: the board's words. */
const BLOCKER_SENTENCES: Record<string, string> = {
  YEAR_CLOSED: "L'exercice est déjà clôturé.",
  PREVIOUS_YEAR_OPEN: "L'exercice précédent de la coopérative n'est pas clôturé : il doit l'être d'abord.",
  UNRECONCILED_MANY: 'Plus de cinq écritures passées en banque ne sont pas pointées sur le relevé.',
  CASH_COUNT_MISMATCH: "L'arrêté de caisse manque ou ne correspond pas au solde du compte caisse (530).",
  SUBSIDIES_UNJUSTIFIED: 'Le tableau des subventions ne correspond pas au total du compte 741.',
  REGIE_OPEN: "Une régie d'avance n'est pas soldée : son retour ou ses dépenses restent à saisir.",
  OPENING_MISSING: "L'existence au début de l'exercice (banque et caisse) n'est pas saisie.",
  BANK_STATEMENT_MISSING: "Le relevé bancaire de fin d'exercice (août) manque.",
  BANK_RECONCILIATION_DIFFERENCE: "L'état de rapprochement bancaire de fin d'exercice présente un écart.",
};

/** A blocker of `year` in a French sentence (the closing date spelt out); an unknown code as it is. */
export function blockerSentence(code: string, year?: number): string {
  if (code === 'TOO_EARLY') {
    return year === undefined
      ? "La clôture n'est possible qu'à partir du 1er septembre qui suit la fin de l'exercice."
      : `La clôture n'est possible qu'à partir du ${formatFrenchDate(closingOpensOn(year))}, après la fin de l'exercice.`;
  }
  return BLOCKER_SENTENCES[code] ?? code;
}

// ---- CSV ---------------------------------------------------------------------------------------

const csvField = (text: string): string => (/[;"\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
/** User text: neutralized against formulas, then quoted when needed. */
export const csvText = (text: string | null): string => csvField(neutralizeFormula(text ?? ''));
/** UTF-8 with BOM (Excel reads the accents), ';' separated, CRLF: as the notebook's export. */
export const csvFile = (lines: string[][]): string => `\uFEFF${lines.map((l) => l.join(';')).join('\r\n')}\r\n`;

const STATUS_LABEL = (row: BoardRow): string => (row.status === 'closed' ? 'clôturé' : row.unlocked ? 'rouvert' : 'en cours');
/** The day in France of an ISO date-time. */
const parisDay = (at: string): string => formatFrenchDate(new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Paris' }).format(new Date(at)));

export function boardCsv(rows: readonly BoardRow[], department: string, year: number): string {
  return csvFile([
    [csvText(`Tableau de bord du département ${department}`), csvText(`Exercice ${year}-${year + 1}`)],
    ['Coopérative', 'Nom', 'Statut', 'Clôture possible', 'Blocages', 'Banque', 'Caisse', 'Non pointées', 'Dernière activité'].map(csvText),
    ...rows.map((r) => [
      csvText(r.coopId),
      csvText(r.name),
      STATUS_LABEL(r),
      r.status === 'closed' ? 'sans objet (clôturé)' : r.canClose ? 'oui' : 'non',
      csvText(r.blockers.map((code) => blockerSentence(code, year)).join(' ')),
      plainAmount(r.bank),
      plainAmount(r.cash),
      String(r.unreconciled),
      r.lastActivityAt ? parisDay(r.lastActivityAt) : '',
    ]),
  ]);
}

export function aggregatedCsv(view: AggregatedAccounts): string {
  return csvFile([
    [
      csvText(`Comptes agrégés du département ${view.department}`),
      csvText(`Exercice ${view.year}-${view.year + 1}`),
      csvText(`${view.coops} coopératives dont ${view.closed} clôturées`),
    ],
    ['Compte', 'Libellé', 'Nature', 'Total'].map(csvText),
    ...view.accounts.map((a) => [csvText(a.account), csvText(a.label), a.kind === 'charge' ? 'charge' : 'produit', plainAmount(a.total)]),
    ['', csvText('Total des charges'), '', plainAmount(view.totalCharges)],
    ['', csvText('Total des produits'), '', plainAmount(view.totalProducts)],
    ['', csvText('Résultat'), '', plainAmount(view.result)],
  ]);
}
