import { type EntryContent, type EntryLine, type SubsidyRow } from '../events/ledger-events';
import { ADVANCES, BANK, CASH, type Chart, accountWithRole } from '../domain/chart';
import { yearEnd, yearStart } from '../domain/fiscal-year';
import { deepFreeze } from './frozen';
import { accountAmount, byDate, byPj, creditOf, debitOf, kindOf, receiptsAndExpenses } from '../projections/ledger/amounts';
import { netOn } from '../domain/net-amount';
import { type NotebookEntry } from '../projections/ledger/notebook.projection';
import { type CarriedOverRow, type NotebookDoc, type NotebookStatus } from './notebook-read';
import { type OpeningSource } from '../domain/ledger';

/**
 * Pure views over a notebook document and its year's chart, in the JSON shapes of API.md.
 * Amounts are integer cents.
 */

export interface Balances {
  bank: number;
  cash: number;
}
export type ColumnKind = 'treasury' | 'advance' | 'charge' | 'product';
export interface GridColumn {
  key: string;
  label: string;
  kind: ColumnKind;
}

export interface GridRow extends EntryContent {
  entryId: string;
  reconciled: boolean;
  statementDate: string | null;
  revision: number;
  attachments: number;
  duplicatedFrom: string | null;
  /** Validated by a closing: intangible, corrected by a reversal (API.md, "Reopening and validated books"). */
  validated: boolean;
  /** On a correction's reversal: the entry it cancels; on a cancelled or replaced entry: its reversal and its replacement. */
  reverses?: string;
  reversedBy?: string;
  replacedBy?: string;
  /** Column key → amount in cents (0 when the entry does not touch the column). */
  columns: Record<string, number>;
  /** Bank and cash balances after this row, in the grid's order. */
  balances: Balances;
  warnings: string[];
}

export interface GridView {
  rows: GridRow[];
  /** Account → total debit and credit of the year's lines. */
  totals: Record<string, { debit: number; credit: number }>;
  /** Column key → total of the column. */
  columnTotals: Record<string, number>;
  balances: Balances;
  opening: Balances & { source: OpeningSource; provisional: boolean };
  carriedOver: CarriedOverRow[];
  columns: GridColumn[];
}

export type GridOrder = 'date' | 'pj';

/** An entry's content as recorded, its lines copied: views never hand out the document's own. */
const contentOf = (e: NotebookEntry): EntryContent => ({
  pj: e.pj,
  date: e.date,
  label: e.label,
  chequeNo: e.chequeNo,
  actionA: e.actionA,
  actionB: e.actionB,
  lines: e.lines.map((l) => ({ ...l })),
});

/** The notebook's single-entry columns before the account columns. */
export const TREASURY_COLUMNS: readonly GridColumn[] = [
  { key: 'bankIn', label: 'Banque – recettes', kind: 'treasury' },
  { key: 'bankOut', label: 'Banque – dépenses', kind: 'treasury' },
  { key: 'cashIn', label: 'Caisse – recettes', kind: 'treasury' },
  { key: 'cashOut', label: 'Caisse – dépenses', kind: 'treasury' },
  { key: 'advancePaid', label: "Régie d'avance versée", kind: 'advance' },
  { key: 'advanceBack', label: "Régie d'avance retournée ou expliquée", kind: 'advance' },
];

interface LedgerAccount {
  account: string;
  label: string;
  kind: 'charge' | 'product';
}

/**
 * The charge then product accounts of the chart, by code; a retired account only when an entry
 * uses it; an account unknown to the chart but used (recorded under another chart) by its code.
 */
function ledgerAccounts(entries: NotebookEntry[], chart: Chart): LedgerAccount[] {
  const used = new Set(entries.flatMap((e) => e.lines.map((l) => l.account)));
  const listed = new Map<string, LedgerAccount>();
  for (const a of chart.accounts) {
    if ((a.kind === 'charge' || a.kind === 'product') && (!a.retired || used.has(a.code))) {
      listed.set(a.code, { account: a.code, label: a.label, kind: a.kind });
    }
  }
  for (const code of used) {
    const kind = kindOf(code, chart);
    if (!listed.has(code) && (kind === 'charge' || kind === 'product')) listed.set(code, { account: code, label: code, kind });
  }
  const rank = (a: LedgerAccount): number => (a.kind === 'charge' ? 0 : 1);
  return [...listed.values()].sort((a, b) => rank(a) - rank(b) || (a.account < b.account ? -1 : a.account > b.account ? 1 : 0));
}

function rowColumns(lines: EntryLine[], accounts: LedgerAccount[]): Record<string, number> {
  const sumOf = (account: string, side: (l: EntryLine) => number): number => lines.reduce((s, l) => (l.account === account ? s + side(l) : s), 0);
  const columns: Record<string, number> = {
    bankIn: sumOf(BANK, debitOf),
    bankOut: sumOf(BANK, creditOf),
    cashIn: sumOf(CASH, debitOf),
    cashOut: sumOf(CASH, creditOf),
    advancePaid: sumOf(ADVANCES, debitOf),
    advanceBack: sumOf(ADVANCES, creditOf),
  };
  for (const a of accounts) columns[a.account] = accountAmount(lines, a.account, a.kind);
  return columns;
}

/** Row warnings of DOMAIN.md that belong to one entry; durableGoods: the chart's durable goods account, if any. */
function rowWarnings(entry: NotebookEntry, doc: NotebookDoc, durableGoods: string | undefined): string[] {
  const warnings: string[] = [];
  if (durableGoods !== undefined && netOn(entry.lines, durableGoods) > 0 && !doc.inventory.some((i) => i.pj === entry.pj)) warnings.push('INVENTORY_MISSING');
  return warnings;
}

/** Grids of frozen notebooks (which cannot change), per chart and order: see gridView. */
const grids = new WeakMap<NotebookDoc, WeakMap<Chart, Partial<Record<GridOrder, GridView>>>>();

/**
 * The notebook's grid. A frozen notebook and chart (the current documents LedgerReads shares
 * between requests) get the same frozen grid back until they are replaced: a 500-entry grid is
 * built once per version of the notebook, not once per request.
 */
export function gridView(doc: NotebookDoc, chart: Chart, options: { order: GridOrder } = { order: 'date' }): GridView {
  if (!Object.isFrozen(doc) || !Object.isFrozen(chart)) return buildGrid(doc, chart, options.order);
  let byChart = grids.get(doc);
  if (!byChart) grids.set(doc, (byChart = new WeakMap()));
  let byOrder = byChart.get(chart);
  if (!byOrder) byChart.set(chart, (byOrder = {}));
  return (byOrder[options.order] ??= deepFreeze(buildGrid(doc, chart, options.order)));
}

function buildGrid(doc: NotebookDoc, chart: Chart, order: GridOrder): GridView {
  const options = { order };
  const entries = [...doc.entries].sort(options.order === 'pj' ? byPj : byDate);
  const accounts = ledgerAccounts(entries, chart);
  const durableGoods = accountWithRole(chart, 'durableGoods')?.code;
  const columns: GridColumn[] = [...TREASURY_COLUMNS, ...accounts.map((a) => ({ key: a.account, label: a.label, kind: a.kind }))];
  const running: Balances = { bank: doc.opening.bank, cash: doc.opening.cash };
  const totals: GridView['totals'] = {};
  const columnTotals: Record<string, number> = Object.fromEntries(columns.map((c) => [c.key, 0]));
  const rows = entries.map((e): GridRow => {
    running.bank += netOn(e.lines, BANK);
    running.cash += netOn(e.lines, CASH);
    for (const l of e.lines) {
      const t = (totals[l.account] ??= { debit: 0, credit: 0 });
      t.debit += debitOf(l);
      t.credit += creditOf(l);
    }
    const cols = rowColumns(e.lines, accounts);
    for (const key of Object.keys(cols)) columnTotals[key] += cols[key];
    return {
      ...contentOf(e),
      entryId: e.entryId,
      reconciled: e.reconciled,
      statementDate: e.statementDate,
      revision: e.revision,
      attachments: e.attachments.length,
      duplicatedFrom: e.duplicatedFrom,
      validated: e.validatedOn !== null,
      ...(e.reverses ? { reverses: e.reverses } : {}),
      ...(e.reversedBy ? { reversedBy: e.reversedBy } : {}),
      ...(e.replacedBy ? { replacedBy: e.replacedBy } : {}),
      columns: cols,
      balances: { ...running },
      warnings: rowWarnings(e, doc, durableGoods),
    };
  });
  return {
    rows,
    totals,
    columnTotals,
    balances: { ...running },
    opening: { bank: doc.opening.bank, cash: doc.opening.cash, source: doc.opening.source, provisional: doc.opening.provisional },
    carriedOver: doc.carriedOver.map((c) => ({ ...c })),
    columns,
  };
}

/** Bank and cash now: the opening plus every live entry. */
export function currentBalances(doc: NotebookDoc): Balances {
  return doc.entries.reduce((b, e) => ({ bank: b.bank + netOn(e.lines, BANK), cash: b.cash + netOn(e.lines, CASH) }), {
    bank: doc.opening.bank,
    cash: doc.opening.cash,
  });
}

export interface BreakdownAccount {
  account: string;
  label: string;
  kind: 'charge' | 'product';
  total: number;
}
export interface BreakdownView {
  accounts: BreakdownAccount[];
  totalCharges: number;
  totalProducts: number;
  result: number;
}

function breakdownOf(entries: NotebookEntry[], chart: Chart): BreakdownView {
  const accounts = ledgerAccounts(entries, chart).map((a) => ({
    ...a,
    total: entries.reduce((sum, e) => sum + accountAmount(e.lines, a.account, a.kind), 0),
  }));
  const totalOf = (kind: 'charge' | 'product'): number => accounts.filter((a) => a.kind === kind).reduce((sum, a) => sum + a.total, 0);
  const totalCharges = totalOf('charge');
  const totalProducts = totalOf('product');
  return { accounts, totalCharges, totalProducts, result: totalProducts - totalCharges };
}

/** The ventilation: total per charge and product account; result = products − charges. */
export const breakdownView = (doc: NotebookDoc, chart: Chart): BreakdownView => breakdownOf(doc.entries, chart);

export interface ActionFigures {
  name: string;
  totalIn: number;
  totalOut: number;
  balance: number;
}

/** The distinct action tags of an entry: one tag carried as A and B counts once. */
const tagsOf = (e: NotebookEntry): string[] => [...new Set([e.actionA, e.actionB].filter((t): t is string => t !== null && t.trim() !== ''))];

function actionFiguresOf(entries: NotebookEntry[], chart?: Chart): ActionFigures[] {
  const figures = new Map<string, ActionFigures>();
  for (const e of entries) {
    const amounts = receiptsAndExpenses(e.lines, chart);
    for (const name of tagsOf(e)) {
      const f = figures.get(name) ?? { name, totalIn: 0, totalOut: 0, balance: 0 };
      f.totalIn += amounts.in;
      f.totalOut += amounts.out;
      f.balance = f.totalIn - f.totalOut;
      figures.set(name, f);
    }
  }
  return [...figures.values()].sort((a, b) => a.name.localeCompare(b.name, 'fr'));
}

/**
 * Receipts, expenses and balance per action tag (A and B alike). Receipts and expenses are the
 * product and charge sides of the tagged entries (see receiptsAndExpenses): an advance explained
 * on 6181 / 4670 is an expense; moving money between bank, cash and advances is neither.
 */
export const actionsView = (doc: NotebookDoc, chart?: Chart): ActionFigures[] => actionFiguresOf(doc.entries, chart);

export interface ActionRow extends EntryContent {
  entryId: string;
  reconciled: boolean;
  in: number;
  out: number;
}
export interface ActionReport extends ActionFigures {
  rows: ActionRow[];
}

/** One action's entries in date order with their receipts and expenses; null when no entry carries the tag. */
export function actionReport(doc: NotebookDoc, chart: Chart, name: string): ActionReport | null {
  const entries = doc.entries.filter((e) => tagsOf(e).includes(name)).sort(byDate);
  if (entries.length === 0) return null;
  const rows = entries.map((e): ActionRow => {
    const amounts = receiptsAndExpenses(e.lines, chart);
    return {
      ...contentOf(e),
      entryId: e.entryId,
      reconciled: e.reconciled,
      in: amounts.in,
      out: amounts.out,
    };
  });
  const totalIn = rows.reduce((s, r) => s + r.in, 0);
  const totalOut = rows.reduce((s, r) => s + r.out, 0);
  return { name, rows, totalIn, totalOut, balance: totalIn - totalOut };
}

export interface AdvanceRow {
  regie: string;
  /** Still open when the previous year closed. */
  carried: number;
  paid: number;
  returned: number;
  explained: number;
  /** carried + paid − returned − explained: what the teacher still has to account for. */
  balance: number;
}

/**
 * Advances (régies) per name. A credit on 4670 is "returned" up to the bank and cash the same
 * entry receives, and "explained" beyond (the spending entered as charges against the advance).
 */
export function advancesView(doc: NotebookDoc): AdvanceRow[] {
  const rows = new Map<string, AdvanceRow>();
  const rowOf = (regie: string): AdvanceRow => {
    let row = rows.get(regie);
    if (!row) {
      row = { regie, carried: 0, paid: 0, returned: 0, explained: 0, balance: 0 };
      rows.set(regie, row);
    }
    return row;
  };
  for (const a of doc.openAdvances) rowOf(a.regie).carried += a.amount;
  for (const e of doc.entries) {
    let treasuryIn = e.lines.reduce((s, l) => (l.account === BANK || l.account === CASH ? s + debitOf(l) : s), 0);
    for (const l of e.lines) {
      if (l.account !== ADVANCES) continue;
      const row = rowOf(l.regie ?? '');
      row.paid += debitOf(l);
      const returned = Math.min(creditOf(l), treasuryIn);
      treasuryIn -= returned;
      row.returned += returned;
      row.explained += creditOf(l) - returned;
    }
  }
  return [...rows.values()].map((r) => ({ ...r, balance: r.carried + r.paid - r.returned - r.explained })).sort((a, b) => a.regie.localeCompare(b.regie, 'fr'));
}

export interface CrfAccount {
  account: string;
  label: string;
  total: number;
}
/** A rubric of OCCE's nomenclature (the PCG's two-digit accounts, 60–68 and 70–78): its accounts and their subtotal. */
export interface CrfRubric {
  code: string;
  label: string;
  accounts: CrfAccount[];
  total: number;
}

const RUBRIC_LABELS: Readonly<Record<string, string>> = {
  '60': 'Achats',
  '61': 'Services extérieurs',
  '62': 'Autres services extérieurs',
  '63': 'Impôts et taxes',
  '64': 'Charges de personnel',
  '65': 'Autres charges de gestion courante',
  '66': 'Charges financières',
  '67': 'Charges exceptionnelles',
  '68': 'Dotations et biens durables',
  '70': 'Ventes et prestations',
  '71': 'Production stockée',
  '72': 'Production immobilisée',
  '74': "Subventions d'exploitation",
  '75': 'Autres produits de gestion courante',
  '76': 'Produits financiers',
  '77': 'Produits exceptionnels',
  '78': 'Reprises sur provisions',
};
/** The exceptional rubrics: their result is shown apart from the result of current activity. */
const EXCEPTIONAL_CHARGES = '67';
const EXCEPTIONAL_PRODUCTS = '77';

/** Accounts grouped by their rubric (the first two digits), in the nomenclature's order, each with its subtotal. */
export function rubricsOf(accounts: readonly CrfAccount[]): CrfRubric[] {
  const rubrics = new Map<string, CrfRubric>();
  for (const a of [...accounts].sort((x, y) => (x.account < y.account ? -1 : x.account > y.account ? 1 : 0))) {
    const code = a.account.slice(0, 2);
    const rubric = rubrics.get(code) ?? { code, label: RUBRIC_LABELS[code] ?? `Comptes ${code}`, accounts: [], total: 0 };
    rubric.accounts.push(a);
    rubric.total += a.total;
    rubrics.set(code, rubric);
  }
  return [...rubrics.values()];
}

export interface CrfView {
  coopId: string;
  year: number;
  from: string;
  to: string;
  status: NotebookStatus;
  charges: CrfAccount[];
  products: CrfAccount[];
  totalCharges: number;
  totalProducts: number;
  result: number;
  /** The charges and products by rubric of OCCE's nomenclature, with their subtotals. */
  chargeRubrics: CrfRubric[];
  productRubrics: CrfRubric[];
  /** The result of current activity (every rubric but 67 and 77) and the exceptional result (77 − 67): their sum is `result`. */
  currentResult: number;
  exceptionalResult: number;
  opening: Balances & { source: OpeningSource; provisional: boolean };
  /** The closing figures once closed; the current balances while open (final = false). */
  closing: Balances & { final: boolean };
  subsidies: {
    rows: SubsidyRow[];
    total: number;
    attachedToExpenses: number;
    /** Received but not yet spent (per row, its amount beyond what is attached to expenses): earmarked for its purpose. */
    earmarked: number;
    /** The 7410 total of the year's entries. */
    account: number;
    /** total − account: 0 when the table justifies the account. */
    difference: number;
    matches: boolean;
  };
  advances: AdvanceRow[];
  /** The last count; difference = counted − 530 balance. */
  cashCount: { date: string; total: number; counts: Record<string, number>; balance: number; difference: number } | null;
  carriedOver: CarriedOverRow[];
}

/** The Compte-Rendu Financier, printable at any time of the year. */
export function crfView(doc: NotebookDoc, chart: Chart): CrfView {
  const breakdown = breakdownView(doc, chart);
  const current = currentBalances(doc);
  const closed = doc.status === 'closed' && doc.closing !== null;
  const pick = (kind: 'charge' | 'product'): CrfAccount[] =>
    breakdown.accounts.filter((a) => a.kind === kind).map(({ account, label, total }) => ({ account, label, total }));
  const subsidiesTotal = doc.subsidies.reduce((s, r) => s + r.amount, 0);
  const subsidiesCode = accountWithRole(chart, 'subsidies')?.code;
  const subsidiesAccount = subsidiesCode ? doc.entries.reduce((s, e) => s + accountAmount(e.lines, subsidiesCode, 'product'), 0) : 0;
  const lastCount = doc.cashCounts.length > 0 ? doc.cashCounts[doc.cashCounts.length - 1] : null;
  const chargeRubrics = rubricsOf(pick('charge'));
  const productRubrics = rubricsOf(pick('product'));
  const rubricTotal = (rubrics: CrfRubric[], code: string) => rubrics.find((r) => r.code === code)?.total ?? 0;
  const exceptionalResult = rubricTotal(productRubrics, EXCEPTIONAL_PRODUCTS) - rubricTotal(chargeRubrics, EXCEPTIONAL_CHARGES);
  return {
    coopId: doc.coopId,
    year: doc.year,
    from: yearStart(doc.year),
    to: yearEnd(doc.year),
    status: doc.status,
    charges: pick('charge'),
    products: pick('product'),
    totalCharges: breakdown.totalCharges,
    totalProducts: breakdown.totalProducts,
    result: breakdown.result,
    chargeRubrics,
    productRubrics,
    currentResult: breakdown.result - exceptionalResult,
    exceptionalResult,
    opening: { bank: doc.opening.bank, cash: doc.opening.cash, source: doc.opening.source, provisional: doc.opening.provisional },
    closing: closed && doc.closing ? { bank: doc.closing.bank, cash: doc.closing.cash, final: true } : { bank: current.bank, cash: current.cash, final: false },
    subsidies: {
      rows: doc.subsidies.map((r) => ({ ...r })),
      total: subsidiesTotal,
      attachedToExpenses: doc.subsidies.reduce((s, r) => s + r.attachedToExpenses, 0),
      earmarked: doc.subsidies.reduce((s, r) => s + Math.max(0, r.amount - r.attachedToExpenses), 0),
      account: subsidiesAccount,
      difference: subsidiesTotal - subsidiesAccount,
      matches: subsidiesTotal === subsidiesAccount,
    },
    advances: advancesView(doc),
    cashCount: lastCount
      ? {
          date: lastCount.date,
          total: lastCount.total,
          counts: { ...lastCount.counts },
          balance: current.cash,
          difference: lastCount.total - current.cash,
        }
      : null,
    carriedOver: doc.carriedOver.map((c) => ({ ...c })),
  };
}

export interface CraActivity extends ActionFigures {
  /** The free text reported for this activity, if any. */
  text: string | null;
  /** Number of entries tagged with it (0 for a free-text-only activity). */
  entries: number;
}
export interface CraView {
  coopId: string;
  year: number;
  activities: CraActivity[];
}

/** The Compte-Rendu d'Activités: every action tag with its figures and text, then free-text-only activities. */
export function craView(doc: NotebookDoc, chart?: Chart): CraView {
  const texts = new Map(doc.activities.map((a) => [a.activity, a.text]));
  const tagged = actionFiguresOf(doc.entries, chart).map((f) => ({
    ...f,
    text: texts.get(f.name) ?? null,
    entries: doc.entries.filter((e) => tagsOf(e).includes(f.name)).length,
  }));
  const names = new Set(tagged.map((a) => a.name));
  const freeText = doc.activities
    .filter((a) => !names.has(a.activity))
    .map((a) => ({ name: a.activity, totalIn: 0, totalOut: 0, balance: 0, text: a.text, entries: 0 }));
  const activities = [...tagged, ...freeText].sort((a, b) => a.name.localeCompare(b.name, 'fr'));
  return { coopId: doc.coopId, year: doc.year, activities };
}

export interface CalendarYearView {
  calendarYear: number;
  from: string;
  to: string;
  breakdown: BreakdownView;
  actions: ActionFigures[];
  treasury: CalendarTreasury;
}

/**
 * Bank and cash on 1 January (null before the coop's first year) and on 31 December, from each
 * fiscal year's opening: provisional while one of them is.
 */
export interface CalendarTreasury {
  start: Balances | null;
  end: Balances | null;
  provisional: boolean;
}

function calendarTreasury([earlier, later]: readonly [NotebookDoc | null, NotebookDoc | null], from: string, to: string): CalendarTreasury {
  const until = (doc: NotebookDoc, opening: Balances, last: string): Balances =>
    doc.entries.filter((e) => e.date <= last).reduce((b, e) => ({ bank: b.bank + netOn(e.lines, BANK), cash: b.cash + netOn(e.lines, CASH) }), { ...opening });
  const beforeStart = `${Number(from.slice(0, 4)) - 1}-12-31`;
  const start = earlier ? until(earlier, earlier.opening, beforeStart) : null;
  // Each fiscal year's opening is the domain's (openingOf): provisional while an earlier year is open.
  const end = later ? until(later, later.opening, to) : earlier ? currentBalances(earlier) : null;
  const provisional = Boolean(earlier?.opening.provisional || later?.opening.provisional) || (earlier?.status ?? 'closed') !== 'closed';
  return { start, end, provisional };
}

/**
 * Reports for January → December of a calendar year: January–August from the fiscal year that
 * started the year before, September–December from the one starting that year. Accounts are
 * labelled by the later chart; an account only the earlier chart has keeps its label.
 */
export function calendarYearView(
  docs: readonly [NotebookDoc | null, NotebookDoc | null],
  charts: readonly [Chart, Chart],
  calendarYear: number,
): CalendarYearView {
  const from = `${calendarYear}-01-01`;
  const to = `${calendarYear}-12-31`;
  const entries = docs.flatMap((d) => (d ? d.entries : [])).filter((e) => e.date >= from && e.date <= to);
  const [earlier, later] = charts;
  const laterCodes = new Set(later.accounts.map((a) => a.code));
  const merged: Chart = {
    ...later,
    accounts: [...later.accounts, ...earlier.accounts.filter((a) => !laterCodes.has(a.code))],
  };
  return {
    calendarYear,
    from,
    to,
    breakdown: breakdownOf(entries, merged),
    actions: actionFiguresOf(entries, merged),
    treasury: calendarTreasury(docs, from, to),
  };
}
