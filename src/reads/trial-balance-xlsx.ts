import { centsToEuros } from '../domain/money';
import { net } from '../domain/net-amount';
import { EUROS_CELL_FORMAT } from './exports';
import { plural } from './words';
import ExcelJS from 'exceljs';
import { type CoopBalance, type TrialBalanceView } from './trial-balance';

/**
 * The consolidated trial balance as an .xlsx workbook: the consolidated balance, then coops ×
 * accounts (each coop's closing balance per account, with its opening, debits and credits on
 * the lines below the matrix's head). Amounts are numbers (euros, two decimals); account codes,
 * coop ids, PJ and cheque numbers are text, so "020" stays "020".
 */
export async function trialBalanceWorkbook(view: TrialBalanceView, association: { name: string; siren: string } | null): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Cahier Coop';
  const yearName = `${view.year}-${view.year + 1}`;
  const title = `Balance générale consolidée ${yearName} — ${association ? `${association.name} (SIREN ${association.siren})` : `département ${view.department}`}`;
  const scope = `${plural(view.coops, 'coopérative')}, ${plural(view.final, 'définitive')}, ${plural(view.provisional, 'provisoire')} ; ${view.scope === 'final' ? `${plural(view.included, 'définitive retenue')}` : 'toutes retenues'}`;

  const consolidated = workbook.addWorksheet('Balance consolidée', { views: [{ state: 'frozen', ySplit: 4 }] });
  consolidated.addRow([title]).font = { bold: true, size: 13 };
  consolidated.addRow([scope]);
  consolidated.addRow([]);
  const head = consolidated.addRow([
    'Compte',
    'Libellé',
    'Flux interne',
    "Solde d'ouverture",
    'Débit',
    'Crédit',
    'Solde de clôture',
    `Clôture ${view.year - 1}-${view.year}`,
  ]);
  head.font = { bold: true };
  for (const a of view.accounts) {
    consolidated.addRow([
      a.account,
      a.label,
      a.internal ? 'oui' : 'non',
      centsToEuros(a.opening),
      centsToEuros(a.debit),
      centsToEuros(a.credit),
      centsToEuros(a.closing),
      centsToEuros(a.previousClosing),
    ]);
  }
  const total = consolidated.addRow([
    '',
    'Total',
    '',
    centsToEuros(net(view.totals.opening)),
    centsToEuros(view.totals.debit),
    centsToEuros(view.totals.credit),
    centsToEuros(net(view.totals.closing)),
    null,
  ]);
  total.font = { bold: true };
  consolidated.getColumn(1).numFmt = '@';
  for (const c of [4, 5, 6, 7, 8]) consolidated.getColumn(c).numFmt = EUROS_CELL_FORMAT;
  consolidated.columns.forEach((column, i) => (column.width = [10, 42, 12, 18, 16, 16, 18, 18][i]));

  const matrix = workbook.addWorksheet('Coopératives × comptes', { views: [{ state: 'frozen', xSplit: 3, ySplit: 2 }] });
  const codes = view.accounts.map((a) => a.account);
  matrix.addRow(['Soldes de clôture par coopérative et par compte', '', '', ...view.accounts.map((a) => a.label)]).font = { italic: true };
  matrix.addRow(['Coopérative', 'Nom', 'Statut', ...codes]).font = { bold: true };
  for (const coop of view.byCoop) {
    matrix.addRow([coop.coopId, coop.name, coopStatus(coop), ...codes.map((code) => centsToEuros(coop.accounts[code]?.closing ?? 0))]);
  }
  matrix.getColumn(1).numFmt = '@';
  matrix.getColumn(1).width = 12;
  matrix.getColumn(2).width = 40;
  for (let i = 0; i < codes.length; i++) {
    matrix.getColumn(4 + i).numFmt = EUROS_CELL_FORMAT;
    matrix.getColumn(4 + i).width = 14;
  }
  // The header row's account codes stay text.
  matrix.getRow(2).eachCell((cell) => (cell.numFmt = '@'));

  const detail = workbook.addWorksheet('Détail par coopérative');
  detail.addRow(['Coopérative', 'Nom', 'Statut', 'Compte', 'Libellé', "Solde d'ouverture", 'Débit', 'Crédit', 'Solde de clôture']).font = { bold: true };
  const labels = new Map(view.accounts.map((a) => [a.account, a.label]));
  for (const coop of view.byCoop) {
    for (const code of Object.keys(coop.accounts).sort()) {
      const a = coop.accounts[code];
      detail.addRow([
        coop.coopId,
        coop.name,
        coopStatus(coop),
        code,
        labels.get(code) ?? code,
        centsToEuros(a.opening),
        centsToEuros(a.debit),
        centsToEuros(a.credit),
        centsToEuros(a.closing),
      ]);
    }
  }
  for (const c of [1, 4]) detail.getColumn(c).numFmt = '@';
  for (const c of [6, 7, 8, 9]) detail.getColumn(c).numFmt = EUROS_CELL_FORMAT;
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A coop row's status: final or provisional, and the réserves of its quitus with their comments (never shown as a clean one). */
function coopStatus(coop: CoopBalance): string {
  const status = coop.final ? 'définitive' : 'provisoire';
  if (coop.reserves.length === 0) return status;
  return `${status}, quitus avec réserves (${coop.reserves.map((r) => `${r.name} : « ${r.comment} »`).join(' ; ')})`;
}
