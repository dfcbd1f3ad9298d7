import ExcelJS from 'exceljs';
import { centsToEuros } from '../domain/money';
import { EUROS_CELL_FORMAT } from './exports';
import { type ActionReport } from './ledger-views';

/** An empty cell for no amount, as on the paper notebook. */
const euros = (cents: number): number | null => (cents === 0 ? null : centsToEuros(cents));

/**
 * A sheet name from user text, as Excel takes it: 31 UTF-16 units at most (whole characters, never
 * half an emoji), none of : \ / ? * [ ] or a control character, not starting or ending with an
 * apostrophe, never empty.
 */
export function sheetName(text: string): string {
  const cleaned = text.replace(/[:\\/?*[\]\p{Cc}\p{Cf}]/gu, ' ');
  let short = '';
  for (const character of cleaned) {
    if (short.length + character.length > 31) break;
    short += character;
  }
  return short.replace(/^[\s']+|[\s']+$/g, '') || 'Action';
}

/**
 * One action's report as an .xlsx workbook (the guide's "Exportation"): amounts are numbers and
 * dates are dates, so the spreadsheet can sum and sort them; PJ and cheque numbers stay text ("020").
 */
export async function actionWorkbook(report: ActionReport, coopName: string, yearName: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Cahier Coop';
  const sheet = workbook.addWorksheet(sheetName(`Action ${report.name}`), { views: [{ state: 'frozen', ySplit: 3 }] });
  sheet.addRow([`Action « ${report.name} » — ${coopName} — exercice ${yearName}`]).font = { bold: true, size: 13 };
  sheet.addRow([]);
  sheet.addRow(['N° de PJ', 'Date', 'Libellé', 'N° de chèque', 'Action A', 'Action B', 'Recettes', 'Dépenses']).font = { bold: true };
  for (const r of report.rows) {
    sheet.addRow([r.pj, new Date(`${r.date}T00:00:00Z`), r.label, r.chequeNo ?? '', r.actionA ?? '', r.actionB ?? '', euros(r.in), euros(r.out)]);
  }
  sheet.addRow(['', null, '', '', '', 'Total', centsToEuros(report.totalIn), centsToEuros(report.totalOut)]).font = { bold: true };
  sheet.addRow(['', null, '', '', '', 'Solde', centsToEuros(report.balance), null]).font = { bold: true };
  for (const c of [1, 4]) sheet.getColumn(c).numFmt = '@';
  sheet.getColumn(2).numFmt = 'dd/mm/yyyy';
  for (const c of [7, 8]) sheet.getColumn(c).numFmt = EUROS_CELL_FORMAT;
  sheet.columns.forEach((column, i) => (column.width = [10, 12, 48, 14, 16, 16, 14, 14][i]));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
