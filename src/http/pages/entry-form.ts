import { BANK, CASH, type Chart } from '../../domain/chart';
import { DomainError, ValidationFailed } from '../../domain/errors';
import { parseFrenchDate } from '../../domain/fiscal-year';
import { formatEuros, parseEuros } from '../../domain/money';
import { type EntryInput, validateEntry } from '../../domain/ledger';
import { type EntryLine } from '../../events/ledger-events';
import { type NotebookEntry } from '../../projections/ledger/notebook.projection';
import { type GridColumn } from '../../reads/ledger-views';
import { columnField, type FieldErrors, linesOfColumns, TREASURY_LINES } from '../../reads/entry-values';
import { net } from '../../domain/net-amount';

export type { FieldErrors };

/**
 * The three input modes of the notebook (portrait form, ventilation automatique, grid row) as
 * pure functions: form body → EntryInput for RecordEntry/AmendEntry, entry → form values, and
 * the decider's field names ('lines.1.debit') → the form's own field names, so every message
 * lands under the field the user typed in.
 */

export type FormBody = Record<string, unknown>;

export interface ParsedEntry {
  input: EntryInput;
  /** What the user typed, to show again on a refused form. */
  values: Record<string, string>;
  /** Problems found before the decider (an amount that is not one). */
  errors: FieldErrors;
  /** The decider's field ('lines.0.credit') → the form's field. */
  fieldOf(domainField: string | undefined): string;
  /** The imbalance in the form's own words, when debit and credit are not its words. */
  imbalance?: (gap: number) => string;
}

export const text = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '');

const HEADER_FIELDS = ['pj', 'date', 'label', 'chequeNo', 'actionA', 'actionB'] as const;

function headerValues(body: FormBody): Record<string, string> {
  return Object.fromEntries(HEADER_FIELDS.map((f) => [f, text(body[f]).trim()]));
}

/** A date field gives 'YYYY-MM-DD' (date picker) or 'jj/mm/aaaa' (typed); the decider takes both. */
function headerInput(values: Record<string, string>): Omit<EntryInput, 'lines'> {
  return {
    pj: values.pj,
    date: parseFrenchDate(values.date) ?? values.date,
    label: values.label,
    chequeNo: values.chequeNo,
    actionA: values.actionA,
    actionB: values.actionB,
  };
}

/**
 * A French amount: blank → undefined; "1 234,5" → 123450. A typo or a negative amount records an
 * error under `field` and gives undefined.
 */
export function amountOf(raw: string, field: string, errors: FieldErrors, options: { signed?: boolean } = {}): number | undefined {
  const typed = raw.trim();
  if (typed === '') return undefined;
  const cents = parseEuros(typed);
  if (cents === null) {
    errors[field] = /^-?\d+[.,]\d{3,}$/.test(typed)
      ? `« ${typed} » a plus de deux chiffres après la virgule : écrivez les centimes sur deux chiffres (12,35), ou les milliers avec une espace (12 345).`
      : `« ${typed} » n'est pas un montant : écrivez par exemple 1 234,50.`;
    return undefined;
  }
  if (cents < 0 && !options.signed) {
    errors[field] = 'Le montant doit être positif.';
    return undefined;
  }
  return cents === 0 ? undefined : cents;
}

/** Rows of a `lines[i][field]` form: qs gives an array up to 20 rows, an object beyond. */
function rowsOf(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value)) return value.map((r) => (r && typeof r === 'object' ? (r as Record<string, unknown>) : {}));
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .filter(([k]) => /^\d+$/.test(k))
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([, r]) => (r && typeof r === 'object' ? (r as Record<string, unknown>) : {}));
  }
  return [];
}

// ---- (3) portrait: several lines, debit or credit ---------------------------------------------

export interface PortraitRow {
  account: string;
  debit: string;
  credit: string;
  regie: string;
}

export function parsePortrait(body: FormBody): ParsedEntry {
  const values = headerValues(body);
  const errors: FieldErrors = {};
  const lines: Record<string, unknown>[] = [];
  const rowOfLine: number[] = [];
  const rows: PortraitRow[] = rowsOf(body.lines).map((r) => ({
    account: text(r.account).trim(),
    debit: text(r.debit).trim(),
    credit: text(r.credit).trim(),
    regie: text(r.regie).trim(),
  }));
  rows.forEach((row, i) => {
    if (!row.account && !row.debit && !row.credit && !row.regie) return;
    const debit = amountOf(row.debit, `lines[${i}][debit]`, errors);
    const credit = amountOf(row.credit, `lines[${i}][credit]`, errors);
    const line: Record<string, unknown> = { account: row.account };
    if (debit !== undefined) line.debit = debit;
    if (credit !== undefined) line.credit = credit;
    if (row.regie) line.regie = row.regie;
    lines.push(line);
    rowOfLine.push(i);
  });
  rows.forEach((row, i) => {
    values[`lines[${i}][account]`] = row.account;
    values[`lines[${i}][debit]`] = row.debit;
    values[`lines[${i}][credit]`] = row.credit;
    values[`lines[${i}][regie]`] = row.regie;
  });
  values.lineCount = String(rows.length);
  return {
    input: { ...headerInput(values), lines },
    values,
    errors,
    fieldOf: (field) => {
      const m = /^lines\.(\d+)(?:\.(\w+))?$/.exec(field ?? '');
      if (!m) return field ?? '_form';
      const row = rowOfLine[Number(m[1])] ?? Number(m[1]);
      return m[2] ? `lines[${row}][${m[2]}]` : `lines[${row}]`;
    },
  };
}

// ---- (3) portrait, the easy way: "J'ai payé / J'ai reçu, par banque / caisse, pour ce(s) compte(s)"

/**
 * What was paid (or received) by bank or cash, split over accounts: each account on the side
 * that says so (a payment debits the charge), the treasury on the other side for the total.
 */
export function parsePayment(body: FormBody): ParsedEntry {
  const values = headerValues(body);
  for (const f of ['direction', 'treasury']) values[f] = text(body[f]).trim();
  values.forme = 'simple';
  const errors: FieldErrors = {};
  if (values.direction !== 'paye' && values.direction !== 'recu') errors.direction = 'Indiquez si vous avez payé ou reçu cet argent.';
  const treasury = values.treasury === CASH ? CASH : BANK;
  const paid = values.direction !== 'recu';
  const rows = rowsOf(body.lines).map((r) => ({ account: text(r.account).trim(), amount: text(r.amount).trim(), regie: text(r.regie).trim() }));
  const lines: EntryLine[] = [];
  const rowOfLine: number[] = [];
  let total = 0;
  rows.forEach((row, i) => {
    values[`lines[${i}][account]`] = row.account;
    values[`lines[${i}][amount]`] = row.amount;
    values[`lines[${i}][regie]`] = row.regie;
    if (!row.account && !row.amount && !row.regie) return;
    const amount = amountOf(row.amount, `lines[${i}][amount]`, errors);
    total += amount ?? 0;
    const line = { account: row.account, ...(amount === undefined ? {} : paid ? { debit: amount } : { credit: amount }) } as EntryLine;
    if (row.regie) line.regie = row.regie;
    lines.push(line);
    rowOfLine.push(i);
  });
  values.lineCount = String(rows.length);
  if (lines.length === 0) errors['lines[0][account]'] = 'Choisissez au moins un compte et son montant.';
  const treasuryLine = { account: treasury, ...(total === 0 ? {} : paid ? { credit: total } : { debit: total }) } as EntryLine;
  return {
    input: { ...headerInput(values), lines: [...lines, treasuryLine] },
    values,
    errors,
    fieldOf: (field) => {
      const m = /^lines(?:\.(\d+)(?:\.(\w+))?)?$/.exec(field ?? '');
      if (!m) return field ?? '_form';
      if (m[1] === undefined) return 'lines';
      const row = rowOfLine[Number(m[1])];
      // The bank or cash line is the total of the rows: its amount is said with them, its account by "Par".
      if (row === undefined) return m[2] === 'account' ? 'treasury' : 'lines';
      if (!m[2]) return `lines[${row}]`;
      return m[2] === 'account' || m[2] === 'regie' ? `lines[${row}][${m[2]}]` : `lines[${row}][amount]`;
    },
  };
}

// ---- (2) ventilation automatique: one amount, one account ------------------------------------

export type Direction = 'recette' | 'depense';

export function parseVentilation(body: FormBody): ParsedEntry {
  const values = headerValues(body);
  for (const f of ['treasury', 'direction', 'amount', 'account', 'regie']) values[f] = text(body[f]).trim();
  const errors: FieldErrors = {};
  const treasury = values.treasury === CASH ? CASH : BANK;
  if (values.direction !== 'recette' && values.direction !== 'depense') errors.direction = 'Indiquez s’il s’agit d’une recette ou d’une dépense.';
  if (values.account === treasury) errors.account = 'Choisissez un compte différent du compte de trésorerie.';
  const amount = amountOf(values.amount, 'amount', errors);
  const receipt = values.direction !== 'depense';
  const side = (debit: boolean): Partial<EntryLine> => (amount === undefined ? {} : debit ? { debit: amount } : { credit: amount });
  const counterpart: Record<string, unknown> = { account: values.account, ...side(!receipt) };
  if (values.regie) counterpart.regie = values.regie;
  const fieldMap: Record<string, string> = { account: 'treasury', debit: 'amount', credit: 'amount', regie: 'regie' };
  return {
    input: { ...headerInput(values), lines: [{ account: treasury, ...side(receipt) }, counterpart] },
    values,
    errors,
    fieldOf: (field) => {
      const m = /^lines(?:\.(\d+)(?:\.(\w+))?)?$/.exec(field ?? '');
      if (!m) return field ?? '_form';
      if (m[1] === '1' && m[2] === 'account') return 'account';
      return (m[2] && fieldMap[m[2]]) || 'amount';
    },
  };
}

// ---- (1) classic grid: one amount per column --------------------------------------------------

/**
 * The "Autre compte" pair of a grid row (an account whose column is not shown): its amount goes
 * to that account's column, where the page shows it again if the row is refused.
 */
function otherAccountAmount(
  body: FormBody,
  columns: GridColumn[],
  values: Record<string, string>,
  amounts: Record<string, number | undefined>,
  errors: FieldErrors,
) {
  const account = text(body.otherAccount).trim();
  const typed = text(body.otherAmount).trim();
  const column = columns.find((c) => c.key === account && (c.kind === 'charge' || c.kind === 'product'));
  const field = column ? columnField(column.key) : '';
  if (column && typed !== '' && values[field] === '') {
    values[field] = typed;
    amounts[column.key] = amountOf(typed, field, errors, { signed: true });
    return;
  }
  Object.assign(values, { otherAccount: account, otherAmount: typed });
  if (typed === '') return;
  if (!column) {
    errors.otherAccount = 'Choisissez le compte de ce montant.';
    return;
  }
  // The same account in its column and in "Autre compte": both amounts count.
  const extra = amountOf(typed, 'otherAmount', errors, { signed: true });
  if (extra !== undefined) amounts[column.key] = (amounts[column.key] ?? 0) + extra;
}

export function parseGridRow(body: FormBody, columns: GridColumn[]): ParsedEntry {
  const values = headerValues(body);
  values.regie = text(body.regie).trim();
  const errors: FieldErrors = {};
  const amounts: Record<string, number | undefined> = {};
  for (const column of columns) {
    const field = columnField(column.key);
    values[field] = text(body[field]).trim();
    amounts[column.key] = amountOf(values[field], field, errors, { signed: !TREASURY_LINES[column.key] });
  }
  otherAccountAmount(body, columns, values, amounts, errors);
  const { lines, keys } = linesOfColumns(columns, amounts, values.regie);
  return {
    input: { ...headerInput(values), lines },
    values,
    errors,
    imbalance: (gap) =>
      `Reste à ventiler : ${formatEuros(gap)}. Le montant en banque ou en caisse doit être réparti, au centime près, dans les colonnes des recettes ou des dépenses.`,
    fieldOf: (field) => {
      const m = /^lines(?:\.(\d+)(?:\.(\w+))?)?$/.exec(field ?? '');
      if (!m) return field ?? '_form';
      if (m[2] === 'regie') return 'regie';
      const key = m[1] === undefined ? undefined : keys[Number(m[1])];
      return key ? columnField(key) : 'lines';
    },
  };
}

// ---- errors ------------------------------------------------------------------------------------

/**
 * Everything wrong with a form at once: our parsing errors, then the decider's own validation
 * (same rules, run here only to gather every message), each under its form field.
 */
export function entryFormErrors(parsed: ParsedEntry, chart: Chart, year: number, entries: NotebookEntry[], self?: NotebookEntry): FieldErrors {
  const errors: FieldErrors = {};
  try {
    validateEntry(parsed.input, {
      year,
      chart,
      pjs: Object.fromEntries(entries.map((e) => [e.pj, e.entryId])),
      self: self ? { entryId: self.entryId, content: self } : undefined,
    });
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    Object.assign(errors, fieldErrorsOf(inWordsOf(error, parsed), parsed.fieldOf));
  }
  if (Object.keys(parsed.errors).length > 0) {
    // An amount we could not read makes the balance message meaningless.
    for (const key of Object.keys(errors)) if (key === 'lines' || /^lines\[\d+\]$/.test(key)) delete errors[key];
    Object.assign(errors, parsed.errors);
  }
  return errors;
}

/**
 * A form that speaks of recettes and dépenses (the grid) says an imbalance in its words: the
 * treasury columns against the accounts' columns, not debits against credits.
 */
function inWordsOf(error: DomainError, parsed: ParsedEntry): DomainError {
  if (!parsed.imbalance || !(error instanceof ValidationFailed)) return error;
  const lines = parsed.input.lines as EntryLine[];
  const gap = Math.abs(lines.reduce((sum, l) => sum + net(l), 0));
  const errors = error.errors.map((e) => (e.code === 'ENTRY_UNBALANCED' && gap > 0 ? new DomainError(e.code, parsed.imbalance!(gap), e.field) : e));
  return new ValidationFailed(errors);
}

/** What the top of a refused form says: the refusal that belongs to no field, or every field's message. */
export function errorSummary(errors: FieldErrors): string | null {
  if (errors._form) return errors._form;
  const messages = Object.values(errors);
  return messages.length ? `L'écriture n'est pas enregistrée : ${[...new Set(messages)].join(' ')}` : null;
}

/** A refusal of the decider, field by field (the first message of a field wins). */
export function fieldErrorsOf(error: DomainError, fieldOf: (field: string | undefined) => string = (f) => f ?? '_form'): FieldErrors {
  const list = error instanceof ValidationFailed ? error.errors : [error];
  const errors: FieldErrors = {};
  for (const e of list) {
    const field = fieldOf(e.field);
    errors[field] ??= e.message;
  }
  return errors;
}

// ---- PJ suggestion -----------------------------------------------------------------------------
