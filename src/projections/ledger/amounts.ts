import { type AccountKind } from '../../events/coop-events';
import { type EntryLine } from '../../events/ledger-events';
import { ADVANCES, BANK, CASH, type Chart, findAccount } from '../../domain/chart';
import { net, netOn } from '../../domain/net-amount';
import { comparePj, compareText } from '../../domain/pj-order';
import { type NotebookEntry } from './notebook.projection';

/**
 * How the notebook reads lines. The chart decides an account's kind; an account the chart does
 * not know (a line recorded under an older chart) falls back on the French chart's classes:
 * 6 = charges, 7 = products.
 */
export type LineKind = AccountKind | 'other';

export function kindOf(code: string, chart?: Chart): LineKind {
  const known = chart ? findAccount(chart, code) : undefined;
  if (known) return known.kind;
  if (code === BANK || code === CASH) return 'treasury';
  if (code === ADVANCES) return 'advance';
  if (code.startsWith('6')) return 'charge';
  if (code.startsWith('7')) return 'product';
  return 'other';
}

export const debitOf = (line: EntryLine): number => line.debit ?? 0;
export const creditOf = (line: EntryLine): number => line.credit ?? 0;

/** The amount an entry puts on a charge (debit − credit) or a product (credit − debit) account. */
export const accountAmount = (lines: EntryLine[], account: string, kind: 'charge' | 'product'): number =>
  kind === 'charge' ? netOn(lines, account) : 0 - netOn(lines, account); // 0 − x, not −x: never −0 for an untouched account

/**
 * An entry's receipts and expenses for action reports: the product side and the charge side of
 * its lines, not its treasury. So an advance explained by the teacher's notebook (6181 / 4670)
 * is an expense of the action, and paying the advance (4670 / 512) is none: counting the
 * treasury instead would charge the action twice, or never.
 */
export function receiptsAndExpenses(lines: EntryLine[], chart?: Chart): { in: number; out: number } {
  let receipts = 0;
  let expenses = 0;
  for (const l of lines) {
    const kind = kindOf(l.account, chart);
    if (kind === 'product') receipts -= net(l);
    if (kind === 'charge') expenses += net(l);
  }
  return { in: receipts, out: expenses };
}

export { comparePj, compareText };

/** Date order: date, then PJ, then record order. */
export const byDate = (a: NotebookEntry, b: NotebookEntry): number => compareText(a.date, b.date) || comparePj(a.pj, b.pj) || a.seq - b.seq;

/** PJ order: PJ, then date, then record order. */
export const byPj = (a: NotebookEntry, b: NotebookEntry): number => comparePj(a.pj, b.pj) || compareText(a.date, b.date) || a.seq - b.seq;
