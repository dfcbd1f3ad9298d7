import { Inject, Injectable } from '@nestjs/common';
import { type Chart, findAccount } from '../domain/chart';
import { DomainError } from '../domain/errors';
import { MODE_WORDS } from '../domain/payments/decide';
import { type PaymentContent, type PaymentMode, paymentContent } from '../events/payment-events';
import { DEPOSITS, type DepositDoc, PAYMENTS, type PaymentDoc, depositDocId, paymentBookId, paymentDocId } from '../projections/payments/payments.projection';
import { type NotebookDoc } from './notebook-read';
import { type Doc, type ReadStore } from '../projections/read-store';
import { READ_STORE } from '../tokens';
import { actionsView } from './ledger-views';

/** A payment as API.md's `GET …/payments` answers it: what the family paid (the event's content), its receipt and deposit. */
export interface PaymentRow extends PaymentContent {
  paymentId: string;
  receiptNo: number;
  depositId: string | null;
}

export const paymentRow = (p: PaymentDoc): PaymentRow => ({
  paymentId: p.paymentId,
  receiptNo: p.receiptNo,
  ...paymentContent(p),
  depositId: p.depositId,
});

/** A deposit as `GET …/deposits` answers it. */
export interface DepositRow {
  depositId: string;
  depositNo: number;
  date: string;
  mode: PaymentMode;
  paymentIds: string[];
  total: number;
  entryId: string;
  fromCashBox: boolean;
  lines: DepositDoc['lines'];
  cancelled: boolean;
}

export const depositRow = (d: DepositDoc): DepositRow => ({
  depositId: d.depositId,
  depositNo: d.depositNo,
  date: d.date,
  mode: d.mode,
  paymentIds: d.paymentIds,
  total: d.total,
  entryId: d.entryId,
  fromCashBox: d.fromCashBox,
  lines: d.lines,
  cancelled: d.cancelled,
});

/** The list's filters: each absent one lets everything through. */
export interface PaymentFilters {
  action?: string | null;
  class?: string | null;
  mode?: string | null;
  /** 'oui' / 'non' (deposited or not). */
  deposited?: string | null;
}

export function filterPayments(rows: readonly PaymentRow[], f: PaymentFilters): PaymentRow[] {
  return rows.filter(
    (p) =>
      (!f.action || p.action === f.action) &&
      (!f.class || p.class === f.class) &&
      (!f.mode || p.mode === f.mode) &&
      (f.deposited !== 'oui' || p.depositId !== null) &&
      (f.deposited !== 'non' || p.depositId === null),
  );
}

/** The actions and classes the year's payments name, for the list's filters and the form's suggestions. */
export function paymentChoices(rows: readonly PaymentRow[]): { actions: string[]; classes: string[]; banks: string[] } {
  const distinct = (values: Array<string | null>) => [...new Set(values.filter((v): v is string => v !== null))].sort((a, b) => a.localeCompare(b, 'fr'));
  return { actions: distinct(rows.map((p) => p.action)), classes: distinct(rows.map((p) => p.class)), banks: distinct(rows.map((p) => p.bank)) };
}

/** What "Préparer une remise" offers: the payments of one mode not yet deposited, oldest first. */
export const depositChoice = (rows: readonly PaymentRow[], mode: PaymentMode): PaymentRow[] =>
  rows.filter((p) => p.mode === mode && p.depositId === null).sort((a, b) => a.date.localeCompare(b.date) || a.receiptNo - b.receiptNo);

/** A row of the page's list: the payment, its mode in words, and the deposit's number once deposited. */
export interface PaymentListRow extends PaymentRow {
  modeWords: string;
  depositNo: number | null;
}

export function paymentListRows(rows: readonly PaymentRow[], deposits: readonly DepositRow[]): PaymentListRow[] {
  const numbers = new Map(deposits.map((d) => [d.depositId, d.depositNo]));
  return rows.map((p) => ({
    ...p,
    modeWords: paymentModeWords(p),
    depositNo: p.depositId === null ? null : (numbers.get(p.depositId) ?? null),
  }));
}

/** One action: who paid what, the total, and what the action's entries in the notebook show received. */
export interface ActionPayments {
  name: string;
  payments: PaymentRow[];
  total: number;
  deposited: number;
  waiting: number;
  /** The receipts of the entries tagged with the action (a deposit's entry names it when all its payments share it). */
  entriesIn: number;
  /** deposited − entriesIn: not zero when a deposit mixing actions, or an entry typed by hand, tells another story. */
  difference: number;
}

/** Per action (payments without one left out), in name order. */
export function actionPayments(rows: readonly PaymentRow[], notebook: NotebookDoc, chart: Chart): ActionPayments[] {
  const byAction = new Map<string, PaymentRow[]>();
  for (const p of rows) {
    if (p.action === null) continue;
    const list = byAction.get(p.action);
    if (list) list.push(p);
    else byAction.set(p.action, [p]);
  }
  const figures = new Map(actionsView(notebook, chart).map((a) => [a.name, a]));
  return [...byAction.entries()]
    .sort(([a], [b]) => a.localeCompare(b, 'fr'))
    .map(([name, payments]) => {
      const total = sum(payments);
      const deposited = sum(payments.filter((p) => p.depositId !== null));
      const entriesIn = figures.get(name)?.totalIn ?? 0;
      return { name, payments, total, deposited, waiting: total - deposited, entriesIn, difference: deposited - entriesIn };
    });
}

const sum = (rows: readonly { amount: number }[]): number => rows.reduce((s, r) => s + r.amount, 0);

/** What a receipt shows: in French, the coop, the payer, the pupil, the amount, the mode, the purpose. */
export interface ReceiptView extends PaymentRow {
  modeWords: string;
  purpose: string;
}

/** "chèque n° 1234567 (La Banque Postale)" or "espèces": the receipt's and the list's words. */
const paymentModeWords = (p: PaymentRow): string => (p.mode === 'cheque' ? `chèque n° ${p.chequeNo ?? ''}${p.bank ? ` (${p.bank})` : ''}` : MODE_WORDS.cash);

export function receiptView(p: PaymentRow, chart: Chart): ReceiptView {
  const account = findAccount(chart, p.account);
  const purpose = [p.action, account ? account.label : p.account].filter(Boolean).join(' — ');
  return { ...p, modeWords: paymentModeWords(p), purpose };
}

/** The bordereau de remise: the deposit and its payments, in receipt order. */
export interface SlipView {
  deposit: DepositRow;
  payments: ReceiptView[];
  modeWords: string;
  count: number;
  lines: Array<{ account: string; label: string; action: string | null; amount: number }>;
}

export function slipView(deposit: DepositRow, payments: readonly PaymentRow[], chart: Chart): SlipView {
  const ids = new Set(deposit.paymentIds);
  const held = payments.filter((p) => ids.has(p.paymentId)).map((p) => receiptView(p, chart));
  return {
    deposit,
    payments: held,
    modeWords: deposit.mode === 'cheque' ? 'chèques' : 'espèces',
    count: held.length,
    lines: deposit.lines.map((l) => ({ ...l, label: findAccount(chart, l.account)?.label ?? l.account })),
  };
}

/** The year's payments and deposits from the read store. */
@Injectable()
export class PaymentReads {
  constructor(@Inject(READ_STORE) private readonly store: ReadStore) {}

  /** Live payments in receipt order. */
  async payments(coopId: string, year: number): Promise<PaymentRow[]> {
    const docs = await this.store.find<PaymentDoc & Doc>(PAYMENTS, { where: { book: paymentBookId(coopId, year) } });
    return docs
      .filter((p) => !p.deleted)
      .sort((a, b) => a.receiptNo - b.receiptNo)
      .map(paymentRow);
  }

  async payment(coopId: string, year: number, paymentId: string): Promise<PaymentRow> {
    const doc = await this.store.get<PaymentDoc & Doc>(PAYMENTS, paymentDocId(paymentBookId(coopId, year), paymentId));
    if (!doc || doc.deleted) throw new DomainError('PAYMENT_NOT_FOUND', "Ce paiement n'existe pas (ou a été supprimé).", undefined, 'not_found');
    return paymentRow(doc);
  }

  /** Deposits in number order, cancelled ones included (flagged). */
  async deposits(coopId: string, year: number): Promise<DepositRow[]> {
    const docs = await this.store.find<DepositDoc & Doc>(DEPOSITS, { where: { book: paymentBookId(coopId, year) } });
    return docs.sort((a, b) => a.depositNo - b.depositNo).map(depositRow);
  }

  async deposit(coopId: string, year: number, depositId: string): Promise<DepositRow> {
    const doc = await this.store.get<DepositDoc & Doc>(DEPOSITS, depositDocId(paymentBookId(coopId, year), depositId));
    if (!doc) throw new DomainError('DEPOSIT_NOT_FOUND', "Cette remise n'existe pas.", undefined, 'not_found');
    return depositRow(doc);
  }
}
