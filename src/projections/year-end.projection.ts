import { type StatementDocument, type StatementOnRecord, quitusMissing, statementDocumentOf } from '../domain/ledger';
import { type RecordedEvent } from '../events/envelope';
import {
  asLedgerEvent,
  noOtherEvent,
  type InvitationDelivery,
  type QuitusGiven,
  type SubmissionDocumentAttached,
  type SubmissionSent,
  type VerifierQuality,
} from '../events/ledger-events';
import { parseStream } from '../events/streams';
import { type DocRef, type Projection } from './projection';
import { type Doc } from './read-store';

/**
 * The year's end of one coop's fiscal year, as its pages, the vérificateurs' links and the
 * department read it: invitations (never their codes), decisions with their time and validity,
 * documents, submitted versions, and the closings (for an opening that changed after an unlock).
 * A second collection finds an invitation by its code's hash, with no session: the link's read.
 */
export const YEAR_ENDS = 'year_ends';
export const QUITUS_CODES = 'quitus_codes';
export const yearEndId = (coopId: string, year: number): string => `${coopId}:${year}`;

export interface YearEndInvitation {
  invitationId: string;
  name: string;
  quality: VerifierQuality;
  invitedAt: string;
  expiresOn: string;
  used: boolean;
  /** By e-mail to sentTo (the code only in the message), or on paper. */
  delivery: InvitationDelivery;
  sentTo: string | null;
}
export interface YearEndDecision extends Omit<QuitusGiven, 'invitationId'> {
  invitationId: string;
  at: string;
  /** Given on the year as it stands: no unlock since. */
  valid: boolean;
}
export type YearEndDocument = SubmissionDocumentAttached & { at: string };
export interface YearEndSubmission extends SubmissionSent {
  at: string;
  status: 'submitted' | 'accepted' | 'returned';
  reason: string | null;
  decidedAt: string | null;
  /** Still the year as it is (no unlock since it was sent). */
  current: boolean;
}
/** A bank statement of the year: an imported one's file may be the submission's year-end statement. */
export type YearEndStatement = StatementOnRecord & { statementId: string; at: string };
/** One closing of the year (YearClosed, then each YearLocked after a correction). */
export interface YearEndClosing {
  at: string;
  bank: number;
  cash: number;
}

export interface YearEndDoc {
  [key: string]: unknown;
  id: string;
  coopId: string;
  year: number;
  department: string | null;
  status: 'open' | 'closed' | 'unlocked';
  unlockedAt: string | null;
  unlockReason: string | null;
  invitations: YearEndInvitation[];
  decisions: YearEndDecision[];
  documents: YearEndDocument[];
  submissions: YearEndSubmission[];
  /** The year's bank statements in record order. */
  statements: YearEndStatement[];
  subsidyRows: number;
  closings: YearEndClosing[];
  /** The opening the mandataire saw after the previous year's correction (absent: none seen). */
  openingSeen?: { bank: number; cash: number; at: string } | null;
  appliedRevision: number;
}

export interface QuitusCodeDoc {
  [key: string]: unknown;
  id: string;
  coopId: string;
  year: number;
  invitationId: string;
  expiresOn: string;
}

export function emptyYearEnd(coopId: string, year: number, department: string | null): YearEndDoc {
  return {
    id: yearEndId(coopId, year),
    coopId,
    year,
    department,
    status: 'open',
    unlockedAt: null,
    unlockReason: null,
    invitations: [],
    decisions: [],
    documents: [],
    submissions: [],
    statements: [],
    subsidyRows: 0,
    closings: [],
    openingSeen: null,
    appliedRevision: -1,
  };
}

const FOLDED = new Set([
  'QuitusInvited',
  'QuitusGiven',
  'SubmissionDocumentAttached',
  'SubmissionSent',
  'SubmissionAccepted',
  'SubmissionReturned',
  'SubsidiesDeclared',
  'StatementDeclared',
  'StatementImported',
  'StatementDeleted',
  'YearClosed',
  'YearUnlocked',
  'YearLocked',
  'OpeningChangeSeen',
]);

function foldYearEnd(current: YearEndDoc | null, recorded: RecordedEvent): YearEndDoc | null {
  const event = asLedgerEvent(recorded);
  const stream = parseStream(event.stream);
  if (!stream || stream.category !== 'ledger') return current;
  if (current && event.revision <= current.appliedRevision) return current;
  const doc: YearEndDoc = { ...(current ?? emptyYearEnd(stream.coopId, stream.year, event.metadata.department ?? null)), appliedRevision: event.revision };
  const { at } = event.metadata;
  switch (event.type) {
    case 'QuitusInvited': {
      const d = event.data;
      doc.invitations = [
        ...doc.invitations,
        {
          invitationId: d.invitationId,
          name: d.name,
          quality: d.quality,
          invitedAt: at,
          expiresOn: d.expiresOn,
          used: false,
          delivery: d.delivery,
          sentTo: d.sentTo,
        },
      ];
      break;
    }
    case 'QuitusGiven': {
      const d = event.data;
      doc.invitations = doc.invitations.map((i) => (i.invitationId === d.invitationId ? { ...i, used: true } : i));
      doc.decisions = [...doc.decisions, { ...d, at, valid: true }];
      break;
    }
    case 'SubmissionDocumentAttached':
      doc.documents = [...doc.documents, { ...event.data, at }];
      break;
    case 'SubmissionSent': {
      const d = event.data;
      doc.submissions = [...doc.submissions, { ...d, documentIds: [...d.documentIds], at, status: 'submitted', reason: null, decidedAt: null, current: true }];
      break;
    }
    case 'SubmissionAccepted':
    case 'SubmissionReturned': {
      const { version } = event.data;
      const status = event.type === 'SubmissionAccepted' ? 'accepted' : 'returned';
      const reason = event.type === 'SubmissionReturned' ? event.data.reason : null;
      doc.submissions = doc.submissions.map((s) => (s.version === version ? { ...s, status, reason, decidedAt: at } : s));
      break;
    }
    case 'StatementDeclared':
    case 'StatementImported': {
      const d = event.data;
      const file = event.type === 'StatementImported' ? event.data.file : null;
      doc.statements = [...(doc.statements ?? []), { statementId: d.statementId, date: d.date, closingBalance: d.closingBalance, file, at }];
      break;
    }
    case 'StatementDeleted':
      doc.statements = (doc.statements ?? []).filter((s) => s.statementId !== event.data.statementId);
      break;
    case 'SubsidiesDeclared':
      doc.subsidyRows = event.data.rows.length;
      break;
    case 'YearClosed':
    case 'YearLocked': {
      const d = event.data;
      doc.status = 'closed';
      doc.closings = [...doc.closings, { at, bank: d.bank, cash: d.cash }];
      break;
    }
    case 'OpeningChangeSeen': {
      const d = event.data;
      doc.openingSeen = { bank: d.bank, cash: d.cash, at };
      break;
    }
    case 'YearUnlocked':
      doc.status = 'unlocked';
      doc.unlockedAt = at;
      doc.unlockReason = event.data.reason;
      // An unlock makes every decision caduc and every version sent a thing of the past.
      doc.decisions = doc.decisions.map((d) => ({ ...d, valid: false }));
      doc.submissions = doc.submissions.map((s) => ({ ...s, current: false }));
      break;
    case 'OpeningBalanceDeclared':
    case 'EntryRecorded':
    case 'EntryAmended':
    case 'EntryDeleted':
    case 'EntryReconciled':
    case 'EntryUnreconciled':
    case 'CarriedOverItemSeen':
    case 'CarriedOverItemUnseen':
    case 'CashCounted':
    case 'InventoryItemAdded':
    case 'InventoryItemRemoved':
    case 'VoucherAttached':
    case 'ActivityReported':
    case 'PaymentRecorded':
    case 'PaymentAmended':
    case 'PaymentDeleted':
    case 'PaymentsDeposited':
    case 'DepositCancelled':
    case 'EntriesValidated':
      // Not the year's end (keysOf leaves them out).
      break;
    default:
      noOtherEvent(event);
  }
  return doc;
}

export const yearEndProjection: Projection = {
  name: 'year_ends',
  // 2: the year's statements (an imported one is the submission's statement document). 3: invitations' delivery.
  version: 3,
  collections: { [YEAR_ENDS]: { indexes: ['department', 'year'] }, [QUITUS_CODES]: { indexes: [] } },
  streamPrefixes: ['ledger-'],
  keysOf(event: RecordedEvent): DocRef[] {
    if (!FOLDED.has(event.type)) return [];
    const stream = parseStream(event.stream);
    if (!stream || stream.category !== 'ledger') return [];
    const refs = [{ collection: YEAR_ENDS, id: yearEndId(stream.coopId, stream.year) }];
    const ledgerEvent = asLedgerEvent(event);
    if (ledgerEvent.type === 'QuitusInvited') refs.push({ collection: QUITUS_CODES, id: ledgerEvent.data.codeHash });
    return refs;
  },
  evolve(doc: Doc | null, event: RecordedEvent, ref: DocRef): Doc | null {
    if (ref.collection === QUITUS_CODES) {
      if (doc) return doc;
      const stream = parseStream(event.stream);
      const invited = asLedgerEvent(event);
      if (!stream || stream.category !== 'ledger' || invited.type !== 'QuitusInvited') return null;
      const d = invited.data;
      return { id: ref.id, coopId: stream.coopId, year: stream.year, invitationId: d.invitationId, expiresOn: d.expiresOn } satisfies QuitusCodeDoc;
    }
    return foldYearEnd(doc as YearEndDoc | null, event);
  },
};

/** The domain's rule (quitusMissing) on the read model's valid decisions. */
export const quitusComplete = (doc: YearEndDoc): boolean => doc.status === 'closed' && quitusMissing(doc.decisions.filter((d) => d.valid)).length === 0;

/** The year-end statement the submission sends (the domain's rule on the read model). */
export const statementDocument = (doc: YearEndDoc): StatementDocument<YearEndDocument, YearEndStatement> | null =>
  statementDocumentOf(doc.year, doc.status, doc.documents, doc.statements ?? []);
