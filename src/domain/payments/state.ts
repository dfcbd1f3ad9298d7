import { type PaymentContent, type PaymentEvent, type PaymentsDeposited } from '../../events/payment-events';

/** One payment as the decisions need it: its content, its receipt, and the deposit holding it. */
export interface PaymentState extends PaymentContent {
  paymentId: string;
  receiptNo: number;
  /** Deleted payments keep their receipt number (never given again). */
  deleted: boolean;
  /** The deposit it went to the bank with; null while waiting. */
  depositId: string | null;
}

export interface DepositState extends PaymentsDeposited {
  /** Its entry was deleted: its payments were freed. */
  cancelled: boolean;
}

/** The payments part of a year's state (LedgerState.payments). Plain JSON, like the rest of it. */
export interface PaymentsState {
  /** The last receipt number given in the year (0: none yet). */
  lastReceiptNo: number;
  lastDepositNo: number;
  payments: Record<string, PaymentState>;
  deposits: Record<string, DepositState>;
  /** A deposit's entry → the deposit (deleting that entry cancels it). */
  depositOfEntry: Record<string, string>;
}

export const initialPaymentsState = (): PaymentsState => ({ lastReceiptNo: 0, lastDepositNo: 0, payments: {}, deposits: {}, depositOfEntry: {} });

/** Folds one payment event; never changes its input. */
export function evolvePayments(state: PaymentsState, event: PaymentEvent): PaymentsState {
  switch (event.type) {
    case 'PaymentRecorded': {
      const { paymentId, receiptNo, ...content } = event.data;
      const payment: PaymentState = { paymentId, receiptNo, ...content, deleted: false, depositId: null };
      return { ...state, lastReceiptNo: Math.max(state.lastReceiptNo, receiptNo), payments: { ...state.payments, [paymentId]: payment } };
    }
    case 'PaymentAmended': {
      const { paymentId, previous: _previous, ...content } = event.data;
      return withPayments(state, [paymentId], (p) => ({ ...p, ...content }));
    }
    case 'PaymentDeleted':
      return withPayments(state, [event.data.paymentId], (p) => ({ ...p, deleted: true }));
    case 'PaymentsDeposited': {
      const d = event.data;
      const next = withPayments(state, d.paymentIds, (p) => ({ ...p, depositId: d.depositId }));
      return {
        ...next,
        lastDepositNo: Math.max(state.lastDepositNo, d.depositNo),
        deposits: { ...state.deposits, [d.depositId]: { ...d, paymentIds: [...d.paymentIds], lines: d.lines.map((l) => ({ ...l })), cancelled: false } },
        depositOfEntry: { ...state.depositOfEntry, [d.entryId]: d.depositId },
      };
    }
    case 'DepositCancelled': {
      const d = event.data;
      const next = withPayments(state, d.paymentIds, (p) => (p.depositId === d.depositId ? { ...p, depositId: null } : p));
      const { [d.entryId]: _gone, ...depositOfEntry } = state.depositOfEntry;
      const deposit = state.deposits[d.depositId];
      return { ...next, deposits: deposit ? { ...state.deposits, [d.depositId]: { ...deposit, cancelled: true } } : state.deposits, depositOfEntry };
    }
  }
}

function withPayments(state: PaymentsState, ids: readonly string[], change: (payment: PaymentState) => PaymentState): PaymentsState {
  const payments = { ...state.payments };
  for (const id of ids) if (Object.hasOwn(payments, id)) payments[id] = change(payments[id]);
  return { ...state, payments };
}
