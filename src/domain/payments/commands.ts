/** A payment as it comes from JSON or a form, unvalidated (amounts already in cents). */
export interface PaymentInput {
  date?: unknown;
  payer?: unknown;
  pupil?: unknown;
  class?: unknown;
  amount?: unknown;
  mode?: unknown;
  chequeNo?: unknown;
  bank?: unknown;
  account?: unknown;
  action?: unknown;
}

/** Commands on the family payments of a coop's year: cases of the LedgerCommand union. */
export type PaymentCommand =
  | { type: 'RecordPayment'; paymentId: string; payment: PaymentInput }
  | { type: 'AmendPayment'; paymentId: string; payment: PaymentInput }
  | { type: 'DeletePayment'; paymentId: string }
  /**
   * A deposit slip and its one entry (entryId). pj: the entry's PJ (default: the next free
   * "REM01"…); fromCashBox: cash counted in the cash box first (the entry credits 530).
   */
  | { type: 'DepositPayments'; depositId: string; entryId: string; date?: unknown; mode?: unknown; paymentIds?: unknown; pj?: unknown; fromCashBox?: unknown };

export type PaymentCommandType = PaymentCommand['type'];
