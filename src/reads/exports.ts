import { type EntryLine } from '../events/ledger-events';
import { ADVANCES, BANK, CASH, type Chart, findAccount } from '../domain/chart';
import { formatFrenchDate, yearEnd, yearStart } from '../domain/fiscal-year';
import { byDate, creditOf, debitOf } from '../projections/ledger/amounts';
import { type NotebookDoc } from '../projections/ledger/notebook.projection';
import { type GridView } from './ledger-views';

/**
 * Amounts for files other programs read: decimal comma, no thousands separator ("1234,56"),
 * which spreadsheets in French locale and FEC readers both parse as a number.
 */
export function plainAmount(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.trunc(abs / 100)},${String(abs % 100).padStart(2, '0')}`;
}

/** A text a spreadsheet would run as a formula gets a leading apostrophe (CSV injection). */
export function neutralizeFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

const csvField = (text: string): string => (/[;"\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
/** User text: neutralized, then quoted when needed. */
const csvText = (text: string | null): string => csvField(neutralizeFormula(text ?? ''));
const csvLine = (fields: string[]): string => fields.join(';');
/** Empty cell for a zero, as on the paper notebook. */
const csvAmount = (cents: number): string => (cents === 0 ? '' : plainAmount(cents));

/**
 * The grid as CSV for spreadsheets: UTF-8 with BOM (so Excel reads the accents), ';' separated,
 * CRLF lines, dates dd/mm/yyyy, amounts "1234,56". A title line, the header, the opening
 * balances, one line per entry with running balances, the column totals.
 */
export function gridCsv(view: GridView, coopName: string): string {
  const header = [
    'N° de PJ',
    'Date',
    'Libellé',
    'N° de chèque',
    'Action A',
    'Action B',
    'Pointée',
    ...view.columns.map((c) => (/^\d/.test(c.key) ? `${c.key} ${c.label}` : c.label)),
    'Solde banque',
    'Solde caisse',
  ];
  const blanks = (n: number): string[] => Array.from({ length: n }, () => '');
  const lines = [
    csvLine([csvText('Cahier de comptabilité'), csvText(coopName)]),
    csvLine(header.map(csvText)),
    csvLine([
      '',
      '',
      csvText("Existence au début de l'exercice"),
      ...blanks(4),
      ...blanks(view.columns.length),
      plainAmount(view.opening.bank),
      plainAmount(view.opening.cash),
    ]),
    ...view.rows.map((r) =>
      csvLine([
        csvText(r.pj),
        formatFrenchDate(r.date),
        csvText(r.label),
        csvText(r.chequeNo),
        csvText(r.actionA),
        csvText(r.actionB),
        r.reconciled ? 'oui' : 'non',
        ...view.columns.map((c) => csvAmount(r.columns[c.key] ?? 0)),
        plainAmount(r.balances.bank),
        plainAmount(r.balances.cash),
      ]),
    ),
    csvLine([
      '',
      '',
      csvText('Totaux'),
      ...blanks(4),
      ...view.columns.map((c) => plainAmount(view.columnTotals[c.key] ?? 0)),
      plainAmount(view.balances.bank),
      plainAmount(view.balances.cash),
    ]),
  ];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** The 18 columns of article A47 A-1 of the LPF, in their order. */
export const FEC_COLUMNS = [
  'JournalCode',
  'JournalLib',
  'EcritureNum',
  'EcritureDate',
  'CompteNum',
  'CompteLib',
  'CompAuxNum',
  'CompAuxLib',
  'PieceRef',
  'PieceDate',
  'EcritureLib',
  'Debit',
  'Credit',
  'EcritureLet',
  'DateLet',
  'ValidDate',
  'Montantdevise',
  'Idevise',
] as const;

/** 'YYYY-MM-DD' → 'AAAAMMJJ'. */
const fecDate = (date: string): string => date.replace(/-/g, '');
/** The calendar day in France of an ISO date-time: when an entry was validated. */
const parisDay = (at: string): string => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Paris' }).format(new Date(at));
/**
 * Tabs and line breaks would break the record. Unlike the CSV, the FEC neutralises no formula
 * ("=…", "+…"): it is a tab-separated file read by the administration's tools (Test Compta
 * Demat, audit software), not opened in a spreadsheet, and its text must be the label as entered.
 */
const fecText = (text: string | null): string => (text ?? '').replace(/[\t\r\n]+/g, ' ').trim();

/** Opening entries balance against the association's carried-forward result. */
const CARRIED_CREDIT = { code: '110', label: 'Report à nouveau (solde créditeur)' };
const CARRIED_DEBIT = { code: '119', label: 'Report à nouveau (solde débiteur)' };

interface FecEntry {
  journal: { code: string; label: string };
  date: string;
  pj: string;
  label: string;
  validDate: string;
  lines: EntryLine[];
  /** Bank lines of a reconciled entry are lettered with its PJ and statement date. */
  letter: { code: string; date: string } | null;
}

function openingEntry(doc: NotebookDoc): FecEntry | null {
  const signed = (account: string, amount: number, regie?: string): EntryLine[] =>
    amount === 0 ? [] : [amount > 0 ? { account, debit: amount, regie } : { account, credit: -amount, regie }];
  const lines = [...signed(BANK, doc.opening.bank), ...signed(CASH, doc.opening.cash), ...doc.openAdvances.flatMap((a) => signed(ADVANCES, a.amount, a.regie))];
  if (lines.length === 0) return null;
  const net = lines.reduce((s, l) => s + debitOf(l) - creditOf(l), 0);
  if (net > 0) lines.push({ account: CARRIED_CREDIT.code, credit: net });
  if (net < 0) lines.push({ account: CARRIED_DEBIT.code, debit: -net });
  return {
    journal: { code: 'AN', label: 'À nouveaux' },
    date: yearStart(doc.year),
    pj: 'AN',
    label: 'À nouveau',
    validDate: doc.opening.at ? parisDay(doc.opening.at) : yearStart(doc.year),
    lines,
    letter: null,
  };
}

function accountLabel(chart: Chart, code: string): string {
  if (code === CARRIED_CREDIT.code) return CARRIED_CREDIT.label;
  if (code === CARRIED_DEBIT.code) return CARRIED_DEBIT.label;
  return findAccount(chart, code)?.label ?? code;
}

/**
 * Fichier des Écritures Comptables of one fiscal year: header line then one record per line of
 * each entry, the 18 columns of article A47 A-1 LPF, tab-separated, UTF-8 without BOM, CRLF.
 * The opening entry ("À nouveau", journal AN) comes first, then the notebook's entries in date
 * order in one journal (CC, the coop's single notebook); entries are numbered 1, 2, 3… without
 * gaps across the file, so each journal's numbers are contiguous too. Reconciled entries are
 * lettered on their bank lines with their PJ and statement date, which ties them to the statement.
 */
export function fec(doc: NotebookDoc, chart: Chart): string {
  const notebook = { code: 'CC', label: 'Cahier de comptabilité' };
  const opening = openingEntry(doc);
  const entries: FecEntry[] = [...doc.entries].sort(byDate).map((e) => ({
    journal: notebook,
    date: e.date,
    pj: e.pj,
    label: e.label,
    validDate: parisDay(e.changedAt),
    lines: e.lines,
    letter: e.reconciled ? { code: e.pj, date: e.statementDate ?? e.date } : null,
  }));
  const records: string[][] = [];
  [...(opening ? [opening] : []), ...entries].forEach((entry, index) => {
    for (const line of entry.lines) {
      const letter = line.account === BANK ? entry.letter : null;
      records.push([
        entry.journal.code,
        entry.journal.label,
        String(index + 1),
        fecDate(entry.date),
        line.account,
        fecText(accountLabel(chart, line.account)),
        line.account === ADVANCES && line.regie ? fecText(line.regie) : '',
        line.account === ADVANCES && line.regie ? fecText(`Régie ${line.regie}`) : '',
        fecText(entry.pj),
        fecDate(entry.date),
        fecText(entry.label),
        plainAmount(debitOf(line)),
        plainAmount(creditOf(line)),
        letter ? fecText(letter.code) : '',
        letter ? fecDate(letter.date) : '',
        fecDate(entry.validDate),
        '',
        '',
      ]);
    }
  });
  return [FEC_COLUMNS.join('\t'), ...records.map((r) => r.join('\t'))].join('\r\n') + '\r\n';
}

/**
 * The file name the administration expects, <SIREN>FEC<closing date AAAAMMJJ>.txt, the date
 * being the fiscal year's last day; without a SIREN (most coops have none of their own), the
 * coop id stands in its place.
 */
export function fecFileName(doc: NotebookDoc, siren?: string): string {
  return `${siren ?? doc.coopId}FEC${fecDate(yearEnd(doc.year))}.txt`;
}
