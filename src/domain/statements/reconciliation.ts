import { comparePj, compareText } from '../pj-order';
/** A bank (512) item as the état de rapprochement sees it. */
export interface BankItem {
  entryId: string;
  pj: string;
  date: string;
  label: string;
  /** Signed amount on 512: + receipt, − payment. */
  amount: number;
  /**
   * When the item was seen on a statement (its line's date, or the statement date given by hand,
   * else the entry's own date); null while it was not.
   */
  clearedOn: string | null;
  /** Last year's item still unseen when it closed: already in the opening balance. */
  carriedOver: boolean;
}

/** A statement's closing date and balance. */
export interface StatementBalance {
  date: string;
  closingBalance: number;
}

/** What the état de rapprochement of a year reads. */
export interface BankBook {
  /** Bank balance at the year's opening. */
  openingBank: number;
  items: readonly BankItem[];
  statements: readonly StatementBalance[];
}

export interface OutstandingItem {
  entryId: string;
  pj: string;
  date: string;
  label: string;
  amount: number;
}

export interface BankReconciliation {
  date: string;
  /** The statement the balance comes from: the last one dated on or before `date`; null when none. */
  statementDate: string | null;
  statementBalance: number | null;
  /** Opening + the year's 512 movements dated on or before `date`. */
  bookBalance: number;
  /** Receipts in the books not yet on a statement at `date` (positive amounts). */
  outstandingReceipts: OutstandingItem[];
  /** Payments in the books not yet on a statement at `date` (positive amounts). */
  outstandingPayments: OutstandingItem[];
  /** statementBalance − (bookBalance − receipts outstanding + payments outstanding); null without a statement. */
  difference: number | null;
}

/** Whether an item was seen on a statement dated on or before `date`. */
export const clearedBy = (item: Pick<BankItem, 'clearedOn'>, date: string): boolean => item.clearedOn !== null && item.clearedOn <= date;

/**
 * The état de rapprochement at a date D (DOMAIN.md): book balance of 512 at D (entries dated ≤ D)
 * − receipts not yet on a statement + payments not yet on a statement = the statement's
 * balance; the difference says by how much they do not agree. Last year's unseen items count as
 * outstanding until a statement dated ≤ D shows them.
 */
export function bankReconciliationAt(date: string, book: BankBook): BankReconciliation {
  let bookBalance = book.openingBank;
  const outstandingReceipts: OutstandingItem[] = [];
  const outstandingPayments: OutstandingItem[] = [];
  let outstanding = 0;
  for (const item of book.items) {
    if (item.date > date) continue;
    if (!item.carriedOver) bookBalance += item.amount;
    if (clearedBy(item, date) || item.amount === 0) continue;
    outstanding += item.amount;
    const row = { entryId: item.entryId, pj: item.pj, date: item.date, label: item.label, amount: Math.abs(item.amount) };
    (item.amount > 0 ? outstandingReceipts : outstandingPayments).push(row);
  }
  const byDate = (a: OutstandingItem, b: OutstandingItem) => compareText(a.date, b.date) || comparePj(a.pj, b.pj);
  outstandingReceipts.sort(byDate);
  outstandingPayments.sort(byDate);
  const statement = lastStatementOn(book.statements, date);
  return {
    date,
    statementDate: statement?.date ?? null,
    statementBalance: statement?.closingBalance ?? null,
    bookBalance,
    outstandingReceipts,
    outstandingPayments,
    difference: statement ? statement.closingBalance - (bookBalance - outstanding) : null,
  };
}

/** The last statement dated on or before `date` (several the same day: the last recorded). */
export function lastStatementOn<S extends StatementBalance>(statements: readonly S[], date: string): S | null {
  let last: S | null = null;
  for (const s of statements) if (s.date <= date && (!last || s.date >= last.date)) last = s;
  return last;
}

/** The statement balance that agrees with the books: book balance − receipts outstanding + payments outstanding. */
export const expectedStatementBalance = (r: Pick<BankReconciliation, 'bookBalance' | 'outstandingReceipts' | 'outstandingPayments'>): number =>
  r.bookBalance - r.outstandingReceipts.reduce((sum, i) => sum + i.amount, 0) + r.outstandingPayments.reduce((sum, i) => sum + i.amount, 0);
