import { BANK } from '../domain/chart';
import { type Balances, type GridColumn, type GridRow, type GridView, TREASURY_COLUMNS } from './ledger-views';

/**
 * The notebook as OCCE's paper one is laid out (the guide, section 5): each page pair is a left
 * page of financial operations (PJ, date, libellé, cheque, actions, bank, cash, advances,
 * pointage, running balances) and a right page of the ventilation (one column per charge or
 * product account the year uses), the same rows on both. Totals are carried from page to page:
 * "Report" at the top of a page is the "À reporter" at the bottom of the one before; the last page
 * ends on the year's totals. When the year uses more accounts than one right page holds, the
 * ventilation goes on over further right pages of the same rows (never squeezed unreadable).
 * Pure: a grid in, pages out; amounts stay integer cents.
 */

export interface PaperNotebookLayout {
  /** Rows of entries per page (the same on the left page and its right pages). */
  rowsPerPage: number;
  /** Account columns one right page holds. */
  accountsPerPage: number;
}

export interface PaperLeftRow {
  entryId: string;
  pj: string;
  date: string;
  label: string;
  chequeNo: string | null;
  /** Action A then action B, as tagged ("A : Sortie musée"). */
  actions: string[];
  /** The treasury columns' amounts, in TREASURY_COLUMNS order. */
  amounts: number[];
  /** Whether the entry touches the bank (only those are pointed). */
  bank: boolean;
  reconciled: boolean;
  /** Bank and cash after this row. */
  balances: Balances;
}

export interface PaperRightRow {
  entryId: string;
  pj: string;
  date: string;
  /** The page's account columns' amounts, in its columns' order. */
  amounts: number[];
}

/** A "Report" or "À reporter" line of a left page: the treasury columns' totals so far and the balances there. */
export interface LeftCarry {
  amounts: number[];
  balances: Balances;
}

export interface PaperLeftPage {
  rows: PaperLeftRow[];
  /** "Report" (on the first page: nothing yet, the opening balances). */
  brought: LeftCarry;
  /** "À reporter" (on the last page: the year's totals and closing balances). */
  carried: LeftCarry;
}

export interface PaperRightPage {
  columns: GridColumn[];
  /** The charge then product columns' spans, for the heading above them (empty kinds left out). */
  groups: Array<{ kind: 'charge' | 'product'; span: number }>;
  /** 1-based rank among the right pages of the pair, and how many there are. */
  part: number;
  parts: number;
  rows: PaperRightRow[];
  brought: number[];
  carried: number[];
}

export interface PaperPagePair {
  /** 1-based. */
  number: number;
  last: boolean;
  left: PaperLeftPage;
  right: PaperRightPage[];
}

export interface PaperNotebook {
  treasuryColumns: readonly GridColumn[];
  /** The charge then product accounts the year's entries use. */
  accounts: GridColumn[];
  pages: PaperPagePair[];
  opening: Balances;
  /** The year's treasury totals (TREASURY_COLUMNS order) and closing balances. */
  totals: { treasury: number[]; balances: Balances };
  /** The year's end: each account's total, charges, products and result (products − charges). */
  summary: { accounts: Array<GridColumn & { total: number }>; charges: number; products: number; result: number };
}

const chunks = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

const plus = (sums: number[], amounts: number[]): number[] => sums.map((s, i) => s + amounts[i]);

/** The row's actions, and the class of each advance its lines name (unless an action already names it). */
const actionsOf = (row: GridRow): string[] => {
  const actions = [...(row.actionA?.trim() ? [`A : ${row.actionA.trim()}`] : []), ...(row.actionB?.trim() ? [`B : ${row.actionB.trim()}`] : [])];
  const named = new Set([row.actionA?.trim(), row.actionB?.trim()]);
  const regies = [...new Set(row.lines.map((l) => l.regie?.trim()).filter((r): r is string => !!r && !named.has(r)))];
  return [...actions, ...regies.map((r) => `Régie : ${r}`)];
};

/** The grid's charge and product columns that at least one entry's lines name. */
const usedAccounts = (grid: GridView): GridColumn[] =>
  grid.columns.filter((c) => (c.kind === 'charge' || c.kind === 'product') && grid.rows.some((r) => r.lines.some((l) => l.account === c.key)));

export function paperNotebookPages(grid: GridView, layout: PaperNotebookLayout): PaperNotebook {
  if (!(layout.rowsPerPage >= 1) || !(layout.accountsPerPage >= 1)) throw new RangeError('Une page du cahier tient au moins une ligne et un compte');
  const accounts = usedAccounts(grid);
  // An empty year still prints one page pair (its opening, nothing to ventilate).
  const accountSheets = accounts.length > 0 ? chunks(accounts, layout.accountsPerPage) : [[]];
  const rowPages = grid.rows.length > 0 ? chunks(grid.rows, layout.rowsPerPage) : [[]];
  const opening: Balances = { bank: grid.opening.bank, cash: grid.opening.cash };

  let treasury = TREASURY_COLUMNS.map(() => 0);
  let ventilation = accounts.map(() => 0);
  let balances = opening;
  const pages = rowPages.map((rows, index): PaperPagePair => {
    const brought: LeftCarry = { amounts: treasury, balances };
    const broughtAccounts = ventilation;
    const left = rows.map((r): PaperLeftRow => {
      const amounts = TREASURY_COLUMNS.map((c) => r.columns[c.key] ?? 0);
      treasury = plus(treasury, amounts);
      balances = { ...r.balances };
      return {
        entryId: r.entryId,
        pj: r.pj,
        date: r.date,
        label: r.label,
        chequeNo: r.chequeNo,
        actions: actionsOf(r),
        amounts,
        bank: r.lines.some((l) => l.account === BANK),
        reconciled: r.reconciled,
        balances,
      };
    });
    ventilation = rows.reduce(
      (sums, r) =>
        plus(
          sums,
          accounts.map((a) => r.columns[a.key] ?? 0),
        ),
      ventilation,
    );
    let offset = 0;
    const right = accountSheets.map((columns, sheet): PaperRightPage => {
      const from = offset;
      offset += columns.length;
      const slice = (sums: number[]) => sums.slice(from, from + columns.length);
      return {
        columns,
        groups: (['charge', 'product'] as const).map((kind) => ({ kind, span: columns.filter((c) => c.kind === kind).length })).filter((g) => g.span > 0),
        part: sheet + 1,
        parts: accountSheets.length,
        rows: rows.map((r) => ({ entryId: r.entryId, pj: r.pj, date: r.date, amounts: columns.map((c) => r.columns[c.key] ?? 0) })),
        brought: slice(broughtAccounts),
        carried: slice(ventilation),
      };
    });
    return { number: index + 1, last: index === rowPages.length - 1, left: { rows: left, brought, carried: { amounts: treasury, balances } }, right };
  });
  const summary = accounts.map((a, i) => ({ ...a, total: ventilation[i] }));
  const sumOf = (kind: GridColumn['kind']) => summary.reduce((sum, a) => (a.kind === kind ? sum + a.total : sum), 0);
  const [charges, products] = [sumOf('charge'), sumOf('product')];
  return {
    treasuryColumns: TREASURY_COLUMNS,
    accounts,
    pages,
    opening,
    totals: { treasury, balances },
    summary: { accounts: summary, charges, products, result: products - charges },
  };
}
