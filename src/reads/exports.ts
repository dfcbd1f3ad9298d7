import { formatFrenchDate } from '../domain/fiscal-year';
import { plainAmount } from '../domain/money';
import { type ActionReport, type GridView } from './ledger-views';

/** A workbook's euro cells (numbers from centsToEuros): two decimals, negative in red. */
export const EUROS_CELL_FORMAT = '#,##0.00 [$€-40C];[Red]-#,##0.00 [$€-40C]';

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

/**
 * One action's report as CSV (the guide's "Exportation"), as the page shows it: PJ, date, label,
 * cheque, actions A and B, receipts, expenses; then the totals and the balance.
 */
export function actionCsv(report: ActionReport, coopName: string, yearName: string): string {
  const lines = [
    csvLine([csvText(`Action « ${report.name} »`), csvText(coopName), csvText(`Exercice ${yearName}`)]),
    csvLine(['N° de PJ', 'Date', 'Libellé', 'N° de chèque', 'Action A', 'Action B', 'Recettes', 'Dépenses'].map(csvText)),
    ...report.rows.map((r) =>
      csvLine([
        csvText(r.pj),
        formatFrenchDate(r.date),
        csvText(r.label),
        csvText(r.chequeNo),
        csvText(r.actionA),
        csvText(r.actionB),
        csvAmount(r.in),
        csvAmount(r.out),
      ]),
    ),
    csvLine(['', '', '', '', '', csvText('Total'), plainAmount(report.totalIn), plainAmount(report.totalOut)]),
    csvLine(['', '', '', '', '', csvText('Solde'), plainAmount(report.balance), '']),
  ];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
