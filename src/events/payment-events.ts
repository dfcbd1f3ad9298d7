/**
 * Family payments (encaissements) and deposit slips (bordereaux de remise): events of the year's
 * ledger stream `ledger-<coopId>-<year>`, beside its entries, so a deposit's one notebook entry and
 * the payments it marks deposited are appended together (README, "Family payments"). Amounts in
 * integer cents, dates 'YYYY-MM-DD'; every type has its schema version in upcasters.ts.
 */

export type PaymentMode = 'cash' | 'cheque';

/** What a family paid, as the receipt shows it. */
export interface PaymentContent {
  date: string;
  /** The family's name, as the receipt is made out. */
  payer: string;
  pupil: string | null;
  class: string | null;
  amount: number;
  mode: PaymentMode;
  /** A cheque's number (null for cash). */
  chequeNo: string | null;
  /** A cheque's bank (null for cash or when not given). */
  bank: string | null;
  /** The product account the payment will be credited to when deposited (7560 by default). */
  account: string;
  /** The action it pays for (an outing, the photos…), as entries name actions. */
  action: string | null;
}

/** The content alone, out of anything that carries it (a payment's state, its document). */
export const paymentContent = (p: PaymentContent): PaymentContent => ({
  date: p.date,
  payer: p.payer,
  pupil: p.pupil,
  class: p.class,
  amount: p.amount,
  mode: p.mode,
  chequeNo: p.chequeNo,
  bank: p.bank,
  account: p.account,
  action: p.action,
});

/** receiptNo: 1, 2, 3… in the coop's year, never given twice (a deleted payment keeps its number). */
export interface PaymentRecorded extends PaymentContent {
  paymentId: string;
  receiptNo: number;
}
export interface PaymentAmended extends PaymentContent {
  paymentId: string;
  previous: PaymentContent;
}
export interface PaymentDeleted {
  paymentId: string;
  previous: PaymentContent;
}

/** One credit line of a deposit's entry: the payments of one account and one action. */
export interface DepositLine {
  account: string;
  action: string | null;
  amount: number;
}

/**
 * A deposit slip: payments of one mode taken to the bank, recorded with its one notebook entry
 * (entryId, an EntryRecorded of the same append). fromCashBox: cash that had been counted in the
 * cash box first, so the entry moves it from 530 instead of crediting the products.
 */
export interface PaymentsDeposited {
  depositId: string;
  /** 1, 2, 3… in the coop's year: the bordereau's number. */
  depositNo: number;
  date: string;
  mode: PaymentMode;
  paymentIds: string[];
  total: number;
  entryId: string;
  fromCashBox: boolean;
  /** The products per account and action, as the payments gave them. */
  lines: DepositLine[];
}

/** The deposit's entry was deleted: its payments wait for another deposit. */
export interface DepositCancelled {
  depositId: string;
  entryId: string;
  paymentIds: string[];
}

export type PaymentEvent =
  | { type: 'PaymentRecorded'; data: PaymentRecorded }
  | { type: 'PaymentAmended'; data: PaymentAmended }
  | { type: 'PaymentDeleted'; data: PaymentDeleted }
  | { type: 'PaymentsDeposited'; data: PaymentsDeposited }
  | { type: 'DepositCancelled'; data: DepositCancelled };

export type PaymentEventType = PaymentEvent['type'];

export const PAYMENT_EVENT_TYPES: readonly PaymentEventType[] = [
  'PaymentRecorded',
  'PaymentAmended',
  'PaymentDeleted',
  'PaymentsDeposited',
  'DepositCancelled',
];
