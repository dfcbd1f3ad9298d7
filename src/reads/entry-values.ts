import { ADVANCES, BANK, CASH, type Chart, findAccount } from '../domain/chart';
import { parseEuros, formatFieldAmount } from '../domain/money';
import { type EntryLine } from '../events/ledger-events';
import { type NotebookEntry } from '../projections/ledger/notebook.projection';
import { type GridColumn } from './ledger-views';
import { net } from '../domain/net-amount';

/**
 * An entry as the three input modes show it (portrait form, ventilation automatique, grid row):
 * entry → form values, the next free PJ, the account lists. Parsing a form back is the pages' own
 * (src/http/pages/entry-form.ts).
 */

/** Form field name → French message. '_form' holds what belongs to no field. */
export type FieldErrors = Record<string, string>;

/** "1234,5" as the user should see it again: the amount in French format, or the raw text when it was not one. */
export const shownAmount = (cents: number | undefined): string => (cents === undefined ? '' : formatFieldAmount(cents));

/** What a form shows of an entry: its content (an entry proposed by the app, such as a membership's payment, has no id yet). */
type EntryShown = Pick<NotebookEntry, 'pj' | 'date' | 'label' | 'chequeNo' | 'actionA' | 'actionB' | 'lines'>;

export function portraitValues(entry: EntryShown | null): Record<string, string> {
  if (!entry) return {};
  const values: Record<string, string> = {
    pj: entry.pj,
    date: entry.date,
    label: entry.label,
    chequeNo: entry.chequeNo ?? '',
    actionA: entry.actionA ?? '',
    actionB: entry.actionB ?? '',
    lineCount: String(entry.lines.length),
  };
  entry.lines.forEach((l, i) => {
    values[`lines[${i}][account]`] = l.account;
    values[`lines[${i}][debit]`] = shownAmount(l.debit);
    values[`lines[${i}][credit]`] = shownAmount(l.credit);
    values[`lines[${i}][regie]`] = l.regie ?? '';
  });
  return values;
}

/**
 * The "J'ai payé / J'ai reçu" form can show an entry with one bank or cash line on one side and
 * every other line, on another account, on the other side; null otherwise (the debit/credit table).
 */
export function paymentValues(entry: EntryShown): Record<string, string> | null {
  const treasury = entry.lines.filter((l) => l.account === BANK || l.account === CASH);
  if (treasury.length !== 1) return null;
  const paid = !treasury[0].debit;
  const others = entry.lines.filter((l) => l !== treasury[0]);
  if (others.length === 0 || others.some((l) => (paid ? !l.debit || l.credit : !l.credit || l.debit))) return null;
  const values: Record<string, string> = {
    ...portraitValues(entry),
    direction: paid ? 'paye' : 'recu',
    treasury: treasury[0].account,
    lineCount: String(others.length),
  };
  for (const key of Object.keys(values)) if (key.startsWith('lines[')) delete values[key];
  others.forEach((l, i) => {
    values[`lines[${i}][account]`] = l.account;
    values[`lines[${i}][amount]`] = shownAmount(paid ? l.debit : l.credit);
    values[`lines[${i}][regie]`] = l.regie ?? '';
  });
  return values;
}

/**
 * The "J'ai payé / J'ai reçu" form as typed, turned into the debit/credit table (its switch link
 * keeps what was typed): each account on its side with the amount as typed, then the bank or cash
 * on the other side for the total, when every amount could be read.
 */
export function tableValuesOfPayment(payment: Record<string, string>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const f of ['pj', 'date', 'label', 'chequeNo', 'actionA', 'actionB', 'expectedRevision']) if (payment[f] !== undefined) values[f] = payment[f];
  const paid = payment.direction !== 'recu';
  let row = 0;
  let total: number | null = 0;
  for (let i = 0; i < (Number(payment.lineCount) || 0); i++) {
    const account = payment[`lines[${i}][account]`] ?? '';
    const amount = payment[`lines[${i}][amount]`] ?? '';
    const regie = payment[`lines[${i}][regie]`] ?? '';
    if (!account && !amount && !regie) continue;
    const cents = amount ? parseEuros(amount) : 0;
    total = total === null || cents === null ? null : total + cents;
    values[`lines[${row}][account]`] = account;
    values[`lines[${row}][${paid ? 'debit' : 'credit'}]`] = amount;
    values[`lines[${row}][regie]`] = regie;
    row++;
  }
  values[`lines[${row}][account]`] = payment.treasury === CASH ? CASH : BANK;
  values[`lines[${row}][${paid ? 'credit' : 'debit'}]`] = total ? shownAmount(total) : '';
  values.lineCount = String(row + 1);
  return values;
}

/** The ventilation form can show an entry with one treasury line and one other line; null otherwise. */
export function ventilationValues(entry: NotebookEntry): Record<string, string> | null {
  if (entry.lines.length !== 2) return null;
  const treasuryIndex = entry.lines.findIndex((l) => l.account === BANK || l.account === CASH);
  if (treasuryIndex < 0) return null;
  const treasury = entry.lines[treasuryIndex];
  const other = entry.lines[1 - treasuryIndex];
  if (other.account === treasury.account) return null;
  return {
    ...portraitValues(entry),
    treasury: treasury.account,
    direction: treasury.debit ? 'recette' : 'depense',
    amount: shownAmount(treasury.debit ?? treasury.credit),
    account: other.account,
    regie: other.regie ?? '',
  };
}

export const TREASURY_LINES: Record<string, { account: string; debit: boolean }> = {
  bankIn: { account: BANK, debit: true },
  bankOut: { account: BANK, debit: false },
  cashIn: { account: CASH, debit: true },
  cashOut: { account: CASH, debit: false },
  advancePaid: { account: ADVANCES, debit: true },
  advanceBack: { account: ADVANCES, debit: false },
};

export const columnField = (key: string): string => `c_${key}`;

/** Column amounts (cents, charge/product columns signed) → lines, and the column of each line. */
export function linesOfColumns(columns: GridColumn[], amounts: Record<string, number | undefined>, regie: string): { lines: EntryLine[]; keys: string[] } {
  const lines: EntryLine[] = [];
  const keys: string[] = [];
  for (const column of columns) {
    const amount = amounts[column.key];
    if (!amount) continue;
    const fixed = TREASURY_LINES[column.key];
    const debit = fixed ? fixed.debit : column.kind === 'charge' ? amount > 0 : amount < 0;
    const line: EntryLine = { account: fixed ? fixed.account : column.key, [debit ? 'debit' : 'credit']: Math.abs(amount) };
    if (line.account === ADVANCES) line.regie = regie;
    lines.push(line);
    keys.push(column.key);
  }
  return { lines, keys };
}

/** Net debit per account: two sets of lines with the same nets say the same thing. */
function nets(lines: EntryLine[]): string {
  const byAccount = new Map<string, number>();
  for (const l of lines) byAccount.set(l.account, (byAccount.get(l.account) ?? 0) + net(l));
  return JSON.stringify([...byAccount.entries()].filter(([, v]) => v !== 0).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * The grid row's form values of an entry, or null when columns cannot say it all (two advances
 * in one entry, a line on an account the grid has no column for): then only the portrait form edits it.
 */
export function gridValues(entry: NotebookEntry, columns: GridColumn[], rowColumns: Record<string, number>): Record<string, string> | null {
  const regies = new Set(entry.lines.filter((l) => l.account === ADVANCES).map((l) => l.regie ?? ''));
  if (regies.size > 1) return null;
  const regie = [...regies][0] ?? '';
  const { lines } = linesOfColumns(columns, rowColumns, regie);
  if (nets(lines) !== nets(entry.lines)) return null;
  const values: Record<string, string> = { ...portraitValues(entry), regie };
  for (const column of columns) values[columnField(column.key)] = shownAmount(rowColumns[column.key] || undefined);
  return values;
}

/**
 * The next free voucher number: one more than the highest numeric PJ, on two digits up to 99 and
 * three beyond ("01"…"99", "100"), or three when the coop already numbers on three ("001").
 */
export function suggestPj(pjs: string[]): string {
  const numeric = pjs.filter((p) => /^\d+$/.test(p));
  const used = new Set(pjs);
  const highest = numeric.reduce((max, p) => Math.max(max, Number(p)), 0);
  const width = numeric.some((p) => p.length >= 3) ? 3 : 2;
  for (let n = highest + 1; ; n++) {
    const pj = String(n).padStart(width, '0');
    if (!used.has(pj)) return pj;
  }
}

/** Accounts a line may use, for the account lists of the forms. */
export function accountChoices(chart: Chart): { code: string; label: string; kind: string }[] {
  const order = { treasury: 0, advance: 1, charge: 2, product: 3 } as Record<string, number>;
  return chart.accounts
    .filter((a) => !a.retired)
    .map((a) => ({ code: a.code, label: a.label, kind: a.kind }))
    .sort((a, b) => (order[a.kind] ?? 9) - (order[b.kind] ?? 9) || a.code.localeCompare(b.code));
}

export const accountLabel = (chart: Chart, code: string): string => findAccount(chart, code)?.label ?? code;
