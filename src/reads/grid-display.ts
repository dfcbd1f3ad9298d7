import { type GridColumn, type GridView } from './ledger-views';
import { columnField } from './entry-values';

/**
 * Which account columns the classic grid shows. The chart has some forty charge and product
 * accounts and a year uses a handful: the grid shows the accounts with at least one amount this
 * year, plus those the mandataire asks for (`?compte=6064`, repeatable), or the whole chart
 * (`?comptes=tous`). The treasury and advance columns always show.
 */
export interface GridDisplay {
  all: boolean;
  /** Accounts asked for beyond the used ones. */
  asked: string[];
  /** "Non pointées seulement" (`?pointage=non`): the bank entries no statement has shown yet. */
  unpointed: boolean;
}

const ALL = 'tous';

/** What a query string or a row form says of the columns (`comptes`, `compte`) and the rows (`pointage`). */
export function gridDisplay(source: { comptes?: unknown; compte?: unknown; pointage?: unknown }): GridDisplay {
  const asked = (Array.isArray(source.compte) ? source.compte : [source.compte]).filter((c): c is string => typeof c === 'string' && /^\w{1,12}$/.test(c));
  return { all: source.comptes === ALL, asked: [...new Set(asked)], unpointed: source.pointage === 'non' };
}

/** A charge or product account's column (the others are the treasury's and the advances'). */
export const isAccountColumn = (c: GridColumn): boolean => c.kind === 'charge' || c.kind === 'product';

/** Account columns with an amount on at least one row. */
export function usedAccounts(grid: GridView): Set<string> {
  const used = new Set<string>();
  for (const c of grid.columns) if (isAccountColumn(c) && grid.rows.some((r) => r.columns[c.key])) used.add(c.key);
  return used;
}

/**
 * The columns to show: every treasury and advance column, the used accounts, those asked for,
 * and those a row being typed has an amount in (a refused row keeps what was typed in view).
 */
export function shownColumns(grid: GridView, display: GridDisplay, typed: Record<string, string>[] = []): GridColumn[] {
  if (display.all) return grid.columns;
  const used = usedAccounts(grid);
  const asked = new Set(display.asked);
  return grid.columns.filter(
    (c) => !isAccountColumn(c) || used.has(c.key) || asked.has(c.key) || typed.some((values) => (values[columnField(c.key)] ?? '') !== ''),
  );
}

/** The query string that keeps the display (and the order) across the grid's links and forms. */
export function gridQuery(display: GridDisplay, order?: string): string {
  const params = new URLSearchParams();
  if (order) params.append('ordre', order);
  if (display.all) params.append('comptes', ALL);
  else for (const code of display.asked) params.append('compte', code);
  if (display.unpointed) params.append('pointage', 'non');
  return params.toString();
}
