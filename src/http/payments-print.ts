import { type CoopDoc } from '../projections/coops.projection';
import { type ReceiptView, type SlipView } from '../reads/payments';
import { formatFrenchDate } from '../domain/fiscal-year';
import { type PrintDocument } from './print.service';

/** The receipts of a year (one, or a whole list), portrait, each with the coop's name: cut apart, each stands alone. */
export function receiptsDocument(coop: CoopDoc, year: number, receipts: ReceiptView[], fileName: string): PrintDocument {
  const yearName = `${year}-${year + 1}`;
  const title = receipts.length === 1 ? `Reçu n° ${receipts[0].receiptNo}` : `Reçus de paiement — ${yearName}`;
  return {
    template: 'receipts',
    model: { coop, yearName, receipts, title },
    landscape: false,
    title,
    footer: `${coop.name} — exercice ${yearName} — reçus`,
    fileName,
    layout: false,
    pages: receipts.length,
  };
}

/** The bordereau de remise of one deposit, portrait, under the coop's header. */
export function slipDocument(coop: CoopDoc, year: number, slip: SlipView): PrintDocument {
  const yearName = `${year}-${year + 1}`;
  const title = `Bordereau de remise n° ${slip.deposit.depositNo} du ${formatFrenchDate(slip.deposit.date)}`;
  return {
    template: 'deposit-slip',
    model: { coop, yearName, asOf: null, slip },
    landscape: false,
    title,
    footer: `${coop.name} — exercice ${yearName} — ${title}`,
    fileName: `bordereau-${coop.coopId}-${year}-${slip.deposit.depositNo}.pdf`,
    layout: true,
  };
}
