import { ADVANCES, BANK, CASH, type Chart } from '../domain/chart';
import { parseFrenchDate } from '../domain/fiscal-year';
import { parseEuros } from '../domain/money';
import { type NotebookEntry } from '../projections/ledger/notebook.projection';
import { type NotebookDoc } from './notebook-read';
import { type GridColumn, type GridView } from './ledger-views';
import { type GridDisplay, gridQuery, isAccountColumn, shownColumns } from './grid-display';
import { accountChoices, columnField, type FieldErrors, gridValues, paymentValues, portraitValues, suggestPj, ventilationValues } from './entry-values';

/**
 * View models of the three input modes: plain objects the templates only print (handlebars has
 * no logic worth the name, so every id, error and "selected" flag is decided here).
 */

export interface FormState {
  values: Record<string, string>;
  errors: FieldErrors;
}

export const blankForm = (values: Record<string, string> = {}): FormState => ({ values, errors: {} });

/** A field of a form: what the `field` partial and our cells need. */
export interface FieldModel {
  id: string;
  name: string;
  value: string;
  error: string | null;
}

export const field = (form: FormState, name: string, id = `f-${name}`): FieldModel => ({
  id,
  name,
  value: form.values[name] ?? '',
  error: form.errors[name] ?? null,
});

/** A typed date as a date picker shows it: ISO when it reads as a date ("5/4/2025" → "2025-04-05"), else as typed. */
export const datePickerValue = (typed: string): string => parseFrenchDate(typed) ?? typed;

const HEADER = ['pj', 'date', 'label', 'chequeNo', 'actionA', 'actionB'] as const;

/** The common fields of an entry, with a date the date picker can show (ISO) when it is one. */
export function headerFields(form: FormState, prefix = 'f'): Record<string, FieldModel> {
  const fields = Object.fromEntries(HEADER.map((name) => [name, field(form, name, `${prefix}-${name}`)])) as Record<string, FieldModel>;
  fields.date.value = datePickerValue(fields.date.value);
  return fields;
}

/** Action tags already used this year, for the datalists of actions A and B. */
export function actionTags(doc: NotebookDoc): { a: string[]; b: string[] } {
  const sorted = (values: (string | null)[]) => [...new Set(values.filter((v): v is string => !!v))].sort((x, y) => x.localeCompare(y, 'fr'));
  return { a: sorted(doc.entries.map((e) => e.actionA)), b: sorted(doc.entries.map((e) => e.actionB)) };
}

export const nextPj = (doc: NotebookDoc): string => suggestPj(doc.entries.map((e) => e.pj));

const KIND_GROUPS: Array<{ kind: string; label: string }> = [
  { kind: 'charge', label: 'Dépenses (comptes de charges)' },
  { kind: 'product', label: 'Recettes (comptes de produits)' },
  { kind: 'advance', label: "Régies d'avance" },
  { kind: 'treasury', label: 'Trésorerie' },
];

export function accountGroups(chart: Chart, selected: string, kinds = ['charge', 'product', 'advance', 'treasury']) {
  const choices = accountChoices(chart);
  return KIND_GROUPS.filter((g) => kinds.includes(g.kind)).map((g) => ({
    label: g.label,
    options: choices.filter((c) => c.kind === g.kind).map((c) => ({ ...c, selected: c.code === selected })),
  }));
}

// ---- portrait ----------------------------------------------------------------------------------

export function portraitModel(chart: Chart, form: FormState, extraRows = 0) {
  const typed = Number(form.values.lineCount ?? 0) || 0;
  const count = Math.max(typed, 4) + extraRows;
  let debits = 0;
  let credits = 0;
  const rows = Array.from({ length: count }, (_, i) => {
    const name = (part: string) => `lines[${i}][${part}]`;
    const cell = (part: string) => field(form, name(part), `line-${i}-${part}`);
    const account = form.values[name('account')] ?? '';
    debits += parseEuros(form.values[name('debit')] ?? '') ?? 0;
    credits += parseEuros(form.values[name('credit')] ?? '') ?? 0;
    return {
      index: i,
      number: i + 1,
      account: cell('account'),
      debit: cell('debit'),
      credit: cell('credit'),
      regie: cell('regie'),
      debitLabel: `Débit de la ligne ${i + 1}`,
      creditLabel: `Crédit de la ligne ${i + 1}`,
      regieLabel: `Régie d'avance de la ligne ${i + 1}`,
      rowError: form.errors[`lines[${i}]`] ?? null,
      groups: accountGroups(chart, account),
    };
  });
  return { rows, lineCount: count, debits, credits, remaining: debits - credits, balanced: debits === credits && debits > 0 };
}

export const portraitForm = (entry: NotebookEntry | null, pj: string): FormState => blankForm(entry ? portraitValues(entry) : { pj, lineCount: '4' });

/** The "J'ai payé / J'ai reçu" form of an entry, or a blank one; null when the entry needs the debit/credit table. */
export function paymentForm(entry: NotebookEntry | null, pj: string): FormState | null {
  if (!entry) return blankForm({ pj, lineCount: '3', treasury: BANK, forme: 'simple' });
  const values = paymentValues(entry);
  return values ? blankForm({ ...values, forme: 'simple' }) : null;
}

export function paymentModel(chart: Chart, form: FormState, extraRows = 0) {
  const v = form.values;
  const count = Math.max(Number(v.lineCount ?? 0) || 0, 3) + extraRows;
  let total = 0;
  const rows = Array.from({ length: count }, (_, i) => {
    const name = (part: string) => `lines[${i}][${part}]`;
    const cell = (part: string) => field(form, name(part), `line-${i}-${part}`);
    total += parseEuros(v[name('amount')] ?? '') ?? 0;
    return {
      number: i + 1,
      account: cell('account'),
      amount: cell('amount'),
      regie: cell('regie'),
      rowError: form.errors[`lines[${i}]`] ?? null,
      groups: accountGroups(chart, v[name('account')] ?? '', ['charge', 'product', 'advance', 'treasury']),
    };
  });
  return {
    rows,
    lineCount: count,
    total,
    paid: v.direction === 'paye',
    received: v.direction === 'recu',
    bank: v.treasury !== CASH,
    cash: v.treasury === CASH,
    directionError: form.errors.direction ?? null,
    treasuryError: form.errors.treasury ?? null,
  };
}

// ---- ventilation -------------------------------------------------------------------------------

export function ventilationModel(chart: Chart, form: FormState) {
  const v = form.values;
  return {
    amount: field(form, 'amount'),
    regie: field(form, 'regie'),
    accountError: form.errors.account ?? null,
    treasuryError: form.errors.treasury ?? null,
    directionError: form.errors.direction ?? null,
    bank: v.treasury !== CASH,
    cash: v.treasury === CASH,
    receipt: v.direction === 'recette',
    expense: v.direction === 'depense',
    groups: accountGroups(chart, v.account ?? '', ['charge', 'product', 'advance', 'treasury']),
  };
}

export const ventilationForm = (entry: NotebookEntry | null, pj: string): FormState | null =>
  entry
    ? (() => {
        const values = ventilationValues(entry);
        return values ? blankForm(values) : null;
      })()
    : blankForm({ pj, treasury: BANK });

// ---- grid --------------------------------------------------------------------------------------

export interface GridRowForm {
  /** null: the new-entry row at the bottom. */
  entryId: string | null;
  form: FormState;
}

/** The accounts not shown, by kind, for the "Autre compte" select of a row being typed and the "Afficher aussi" one. */
function otherAccounts(grid: GridView, shown: GridColumn[], selected: string) {
  const visible = new Set(shown.map((c) => c.key));
  const hidden = grid.columns.filter((c) => isAccountColumn(c) && !visible.has(c.key));
  return KIND_GROUPS.map((g) => ({
    label: g.label,
    options: hidden.filter((c) => c.kind === g.kind).map((c) => ({ code: c.key, label: c.label, selected: c.key === selected })),
  })).filter((g) => g.options.length > 0);
}

function editRow(grid: GridView, columns: GridColumn[], form: FormState, formId: string) {
  const others = otherAccounts(grid, columns, form.values.otherAccount ?? '');
  return {
    formId,
    fields: headerFields(form, formId),
    regie: field(form, 'regie', `${formId}-regie`),
    cells: columns.map((c) => ({ ...field(form, columnField(c.key), `${formId}-${c.key}`), label: c.label, key: c.key })),
    other: others.length
      ? { account: field(form, 'otherAccount', `${formId}-otherAccount`), amount: field(form, 'otherAmount', `${formId}-otherAmount`), groups: others }
      : null,
    rowError: form.errors._form ?? form.errors.lines ?? null,
    revision: form.values.expectedRevision ?? '',
  };
}

const regieOf = (entry: NotebookEntry): string => [...new Set(entry.lines.filter((l) => l.account === ADVANCES).map((l) => l.regie ?? ''))].join(', ');

/**
 * The classic grid: PJ, date and libellé first (they stay in view), the row's actions next, the
 * account columns the display asks for (see grid-display.ts), a row being typed at the bottom.
 */
export function gridModel(
  doc: NotebookDoc,
  grid: GridView,
  options: { canWrite: boolean; editing?: string; rowForm?: GridRowForm; base: string; order: string; display: GridDisplay },
) {
  const byId = new Map(doc.entries.map((e) => [e.entryId, e]));
  const shown = shownColumns(grid, options.display, options.rowForm ? [options.rowForm.form.values] : []);
  const keep = gridQuery(options.display, options.order);
  const cahier = (extra = '') => `${options.base}/cahier?${[keep, extra].filter(Boolean).join('&')}`;
  const rows = grid.rows.map((r) => {
    const entry = byId.get(r.entryId)!;
    const values = gridValues(entry, grid.columns, r.columns);
    const editing = options.canWrite && options.editing === r.entryId && values !== null;
    let edit = null;
    if (editing) {
      const form = options.rowForm?.entryId === r.entryId ? options.rowForm.form : blankForm({ ...values!, expectedRevision: String(entry.revision) });
      edit = editRow(grid, shown, form, 'edit-row');
    }
    return {
      ...r,
      regie: regieOf(entry),
      touchesBank: entry.lines.some((l) => l.account === BANK),
      cells: shown.map((c) => ({ key: c.key, value: r.columns[c.key] })),
      gridEditable: values !== null,
      edit,
      anchor: `e-${r.entryId}`,
      editHref: `${cahier(`modifier=${encodeURIComponent(r.entryId)}`)}#e-${r.entryId}`,
      returnTo: `${cahier()}#e-${r.entryId}`,
    };
  });
  const newForm = options.rowForm?.entryId === null ? options.rowForm.form : blankForm({ pj: nextPj(doc) });
  const newRow = options.canWrite ? editRow(grid, shown, newForm, 'new-row') : null;
  const shownAccounts = shown.filter(isAccountColumn).length;
  const fields = [...new URLSearchParams(gridQuery(options.display))].map(([name, value]) => ({ name, value }));
  const { unpointed } = options.display;
  return {
    columns: shown.map((c) => ({ ...c, account: isAccountColumn(c) })),
    rows: unpointed ? rows.filter(awaitsPointage) : rows,
    newRow,
    /** The "Autre compte" column: the rows being typed may use an account not shown. */
    otherColumn: !!newRow?.other || rows.some((r) => !!r.edit?.other),
    totals: shown.map((c) => grid.columnTotals[c.key] ?? 0),
    balances: grid.balances,
    opening: grid.opening,
    carriedOver: grid.carriedOver,
    display: {
      all: options.display.all,
      shownAccounts,
      accounts: grid.columns.filter(isAccountColumn).length,
      asked: options.display.asked.length > 0,
      unpointed,
      allHref: `${options.base}/cahier?${gridQuery({ all: true, asked: [], unpointed }, options.order)}`,
      usedHref: `${options.base}/cahier?${gridQuery({ all: false, asked: [], unpointed }, options.order)}`,
      /** The display as hidden fields, for the forms of the page (rows, accounts). */
      fields,
      /** The same but the filter, which the order form's checkbox says. */
      orderFields: fields.filter((f) => f.name !== 'pointage'),
      listHref: `${options.base}/cahier?vue=liste&ordre=${options.order}${unpointed ? '&pointage=non' : ''}`,
      everyRowHref: `${options.base}/cahier?${gridQuery({ ...options.display, unpointed: false }, options.order)}`,
      askable: options.display.all ? [] : otherAccounts(grid, shown, ''),
    },
    cahierHref: cahier(),
  };
}

/** A bank (512) entry no statement has shown yet: what "non pointées seulement" keeps. */
export const awaitsPointage = (row: { touchesBank: boolean; reconciled: boolean }): boolean => row.touchesBank && !row.reconciled;

/** The entries as a list (ventilation page, the cahier's list view): treasury amounts and the accounts ventilated. */
export const entryListRows = (grid: GridView, returnTo: string) =>
  grid.rows.map((r) => ({
    ...r,
    touchesBank: r.lines.some((l) => l.account === BANK),
    accounts: [...new Set(r.lines.filter((l) => l.account !== BANK && l.account !== CASH).map((l) => l.account))].join(', '),
    returnTo,
  }));
