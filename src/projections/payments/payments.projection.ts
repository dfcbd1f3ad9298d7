import { type RecordedEvent } from '../../events/envelope';
import { asLedgerEvent } from '../../events/ledger-events';
import { type DepositLine, type PaymentContent, type PaymentMode } from '../../events/payment-events';
import { parseStream } from '../../events/streams';
import { type Doc } from '../read-store';
import { type DocRef, type Projection } from '../projection';

/**
 * The family payments of a coop's year (one document per payment) and its deposit slips (one per
 * deposit), each tagged with its book `<coopId>:<year>`: a payment rewrites a few hundred bytes.
 * Deleted payments stay as tombstones (their receipt number is never given again), left out by reads.
 */
export const PAYMENTS = 'payments';
export const DEPOSITS = 'deposits';
export const paymentBookId = (coopId: string, year: number): string => `${coopId}:${year}`;
export const paymentDocId = (book: string, paymentId: string): string => `${book}:${paymentId}`;
export const depositDocId = (book: string, depositId: string): string => `${book}:${depositId}`;

export type PaymentDoc = PaymentContent & {
  id: string;
  book: string;
  paymentId: string;
  receiptNo: number;
  depositId: string | null;
  depositNo: number | null;
  deleted: boolean;
  recordedAt: string;
  recordedBy: string;
  appliedRevision: number;
};

export type DepositDoc = {
  id: string;
  book: string;
  depositId: string;
  depositNo: number;
  date: string;
  mode: PaymentMode;
  paymentIds: string[];
  total: number;
  entryId: string;
  fromCashBox: boolean;
  lines: DepositLine[];
  cancelled: boolean;
  recordedAt: string;
  recordedBy: string;
  appliedRevision: number;
};

function bookOf(event: RecordedEvent): string | null {
  const stream = parseStream(event.stream);
  return stream?.category === 'ledger' ? paymentBookId(stream.coopId, stream.year) : null;
}

function foldPayment(doc: PaymentDoc | null, recorded: RecordedEvent, ref: DocRef): PaymentDoc | null {
  const event = asLedgerEvent(recorded);
  if (doc && event.revision <= doc.appliedRevision) return doc;
  const applied = (next: PaymentDoc | null): PaymentDoc | null => (next ? { ...next, appliedRevision: event.revision } : next);
  switch (event.type) {
    case 'PaymentRecorded': {
      const { paymentId, receiptNo, ...content } = event.data;
      const { at, actor } = event.metadata;
      return applied({
        id: ref.id,
        book: bookOf(recorded)!,
        paymentId,
        receiptNo,
        ...content,
        depositId: null,
        depositNo: null,
        deleted: false,
        recordedAt: at,
        recordedBy: actor,
        appliedRevision: event.revision,
      });
    }
    case 'PaymentAmended': {
      const { paymentId: _id, previous: _previous, ...content } = event.data;
      return doc && applied({ ...doc, ...content });
    }
    case 'PaymentDeleted':
      return doc && applied({ ...doc, deleted: true });
    case 'PaymentsDeposited':
      return doc && applied({ ...doc, depositId: event.data.depositId, depositNo: event.data.depositNo });
    case 'DepositCancelled':
      return doc && applied({ ...doc, depositId: null, depositNo: null });
    default:
      return doc;
  }
}

function foldDeposit(doc: DepositDoc | null, recorded: RecordedEvent, ref: DocRef): DepositDoc | null {
  const event = asLedgerEvent(recorded);
  if (doc && event.revision <= doc.appliedRevision) return doc;
  if (event.type === 'PaymentsDeposited') {
    const d = event.data;
    return {
      id: ref.id,
      book: bookOf(recorded)!,
      ...d,
      paymentIds: [...d.paymentIds],
      lines: d.lines.map((l) => ({ ...l })),
      cancelled: false,
      recordedAt: event.metadata.at,
      recordedBy: event.metadata.actor,
      appliedRevision: event.revision,
    };
  }
  if (event.type === 'DepositCancelled') return doc && { ...doc, cancelled: true, appliedRevision: event.revision };
  return doc;
}

export const paymentsProjection: Projection = {
  name: 'payments',
  version: 1,
  collections: { [PAYMENTS]: { indexes: ['book'] }, [DEPOSITS]: { indexes: ['book'] } },
  streamPrefixes: ['ledger-'],
  keysOf(recorded: RecordedEvent): DocRef[] {
    const book = bookOf(recorded);
    if (!book) return [];
    const event = asLedgerEvent(recorded);
    switch (event.type) {
      case 'PaymentRecorded':
      case 'PaymentAmended':
      case 'PaymentDeleted':
        return [{ collection: PAYMENTS, id: paymentDocId(book, event.data.paymentId) }];
      case 'PaymentsDeposited':
      case 'DepositCancelled':
        return [
          { collection: DEPOSITS, id: depositDocId(book, event.data.depositId) },
          ...event.data.paymentIds.map((paymentId) => ({ collection: PAYMENTS, id: paymentDocId(book, paymentId) })),
        ];
      default:
        return [];
    }
  },
  evolve(doc: Doc | null, event: RecordedEvent, ref: DocRef): Doc | null {
    if (ref.collection === DEPOSITS) return foldDeposit(doc as DepositDoc | null, event, ref) as Doc | null;
    return foldPayment(doc as PaymentDoc | null, event, ref) as Doc | null;
  },
};
