import { type ClosingTally, ClosingTallyDraft, type StatementOnRecord, type YearFacts, type YearStatus, closingFactsFold } from '../domain/ledger';
import { type RecordedEvent } from '../events/envelope';
import {
  type InvitationDelivery,
  type QuitusGiven,
  type SubmissionDocumentAttached,
  type SubsidyRow,
  type SubmissionSent,
  type VerifierQuality,
  asLedgerEvent,
  noOtherEvent,
} from '../events/ledger-events';
import { parseStream } from '../events/streams';
import { type DocRef, type Projection } from './projection';
import { type Doc } from './read-store';

/**
 * The one home of a coop-year's facts: one small document per coop and fiscal year, folded from
 * the year's own stream only. It holds the domain's ClosingTally (folded by closingFactsFold, the
 * fold the decider's state carries: movements per account, advances, statements, reconciliation,
 * counts), the year's own last closing (what the next year opens from: openingOf chains over the
 * earlier years at read time) and the year's end (invitations, quitus decisions, documents,
 * submitted versions, closings). Every department view — the status board, the completeness
 * list, the consolidated trial balance, the aggregated accounts — and the year's-end pages are
 * computed from it in src/reads (year-facts-views.ts, year-opening.ts, department-views.ts,
 * trial-balance.ts, completeness.ts); no other projection folds these facts again.
 *
 * A second collection finds a quitus invitation by its code's hash, with no session: the link's read.
 */
export const YEAR_FACTS = 'year_facts';
export const QUITUS_CODES = 'quitus_codes';
export const yearFactsId = (coopId: string, year: number): string => `${coopId}:${year}`;

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
/** A bank statement of the year (its lines: the notebook's statement documents); an imported one's file may be the submission's year-end statement. */
export type YearEndStatement = StatementOnRecord & { statementId: string; at: string; lines: number };
/** One closing of the year (YearClosed, then each YearLocked after a correction); a YearLocked keeps the first closing's date. */
export interface YearEndClosing {
  at: string;
  closedOn: string;
  bank: number;
  cash: number;
  result: number;
}

export interface YearFactsDoc {
  [key: string]: unknown;
  id: string;
  coopId: string;
  year: number;
  department: string | null;
  /** The tally's status, at the top for the collection's index. */
  status: YearStatus;
  /** The opening declared in the coop's first year: its date and when (its figures are the tally's). */
  openingDeclared: { date: string; at: string } | null;
  /** metadata.at of the year's own last event. */
  lastActivityAt: string | null;
  /** The year's own last closing (YearClosed, or YearLocked after a correction), kept while unlocked: the next year opens from it. */
  closing: YearFacts['closing'];
  /** The year's own events folded by the domain's closingFactsFold. */
  tally: ClosingTally;
  // ---- the year's end ----
  unlockedAt: string | null;
  unlockReason: string | null;
  invitations: YearEndInvitation[];
  decisions: YearEndDecision[];
  documents: YearEndDocument[];
  submissions: YearEndSubmission[];
  /** The year's bank statements in record order, with their files. */
  statements: YearEndStatement[];
  /** The subsidies table (SubsidiesDeclared replaces it). */
  subsidies: SubsidyRow[];
  closings: YearEndClosing[];
  /** The opening the mandataire saw after the previous year's correction (absent: none seen). */
  openingSeen?: { bank: number; cash: number; at: string } | null;
  /** Last applied revision of the year's stream: replays are no-ops. */
  appliedRevisions: Record<string, number>;
}

export function emptyYearFacts(coopId: string, year: number, department: string | null): YearFactsDoc {
  return {
    id: yearFactsId(coopId, year),
    coopId,
    year,
    department,
    status: 'open',
    openingDeclared: null,
    lastActivityAt: null,
    closing: null,
    tally: closingFactsFold.initial(),
    unlockedAt: null,
    unlockReason: null,
    invitations: [],
    decisions: [],
    documents: [],
    submissions: [],
    statements: [],
    subsidies: [],
    closings: [],
    openingSeen: null,
    appliedRevisions: {},
  };
}

/** The year's end part of one event (the tally takes every event through the domain's fold). */
function applyYearEnd(doc: YearFactsDoc, recorded: RecordedEvent): void {
  const event = asLedgerEvent(recorded);
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
      return;
    }
    case 'QuitusGiven': {
      const d = event.data;
      doc.invitations = doc.invitations.map((i) => (i.invitationId === d.invitationId ? { ...i, used: true } : i));
      doc.decisions = [...doc.decisions, { ...d, at, valid: true }];
      return;
    }
    case 'SubmissionDocumentAttached':
      doc.documents = [...doc.documents, { ...event.data, at }];
      return;
    case 'SubmissionSent': {
      const d = event.data;
      doc.submissions = [...doc.submissions, { ...d, documentIds: [...d.documentIds], at, status: 'submitted', reason: null, decidedAt: null, current: true }];
      return;
    }
    case 'SubmissionAccepted':
    case 'SubmissionReturned': {
      const { version } = event.data;
      const status = event.type === 'SubmissionAccepted' ? 'accepted' : 'returned';
      const reason = event.type === 'SubmissionReturned' ? event.data.reason : null;
      doc.submissions = doc.submissions.map((s) => (s.version === version ? { ...s, status, reason, decidedAt: at } : s));
      return;
    }
    case 'StatementDeclared':
    case 'StatementImported': {
      const d = event.data;
      const imported = event.type === 'StatementImported' ? event.data : null;
      const statement = {
        statementId: d.statementId,
        date: d.date,
        closingBalance: d.closingBalance,
        file: imported?.file ?? null,
        at,
        lines: imported?.lines.length ?? 0,
      };
      doc.statements = [...doc.statements, statement];
      return;
    }
    case 'StatementDeleted':
      doc.statements = (doc.statements ?? []).filter((s) => s.statementId !== event.data.statementId);
      return;
    case 'SubsidiesDeclared':
      doc.subsidies = event.data.rows.map((r) => ({ ...r }));
      return;
    case 'YearClosed':
    case 'YearLocked': {
      const { bank, cash, result, openAdvances, unreconciled } = event.data;
      const closedOn = event.type === 'YearClosed' ? event.data.closedOn : (doc.closings.at(-1)?.closedOn ?? at.slice(0, 10));
      doc.closing = { bank, cash, openAdvances, unreconciled };
      doc.closings = [...doc.closings, { at, closedOn, bank, cash, result }];
      return;
    }
    case 'OpeningChangeSeen': {
      const d = event.data;
      doc.openingSeen = { bank: d.bank, cash: d.cash, at };
      return;
    }
    case 'YearUnlocked':
      doc.unlockedAt = at;
      doc.unlockReason = event.data.reason;
      // An unlock makes every decision caduc and every version sent a thing of the past.
      doc.decisions = doc.decisions.map((d) => ({ ...d, valid: false }));
      doc.submissions = doc.submissions.map((s) => ({ ...s, current: false }));
      return;
    case 'OpeningBalanceDeclared':
      doc.openingDeclared = { date: event.data.date, at };
      return;
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
      // The tally's alone (or nobody's here).
      return;
    default:
      noOtherEvent(event);
  }
}

/**
 * Folds a run of the year's events into the document `ref` names; replays (revision already
 * applied) are skipped. The tally's containers are copied once per run, the folded-from document
 * is never touched.
 */
export function foldYearFacts(doc: YearFactsDoc | null, events: RecordedEvent[], ref: DocRef): YearFactsDoc | null {
  let next: YearFactsDoc | null = null;
  let tally: ClosingTallyDraft | null = null;
  for (const event of events) {
    const stream = parseStream(event.stream);
    if (stream?.category !== 'ledger') continue;
    const applied = (next ?? doc)?.appliedRevisions[event.stream];
    if (applied !== undefined && event.revision <= applied) continue;
    if (!next) {
      const [coopId, year] = ref.id.split(':');
      const from = doc ?? emptyYearFacts(coopId, Number(year), event.metadata.department ?? null);
      tally = new ClosingTallyDraft(from.tally);
      next = { ...from, tally: tally.tally, appliedRevisions: { ...from.appliedRevisions } };
    }
    tally!.apply(asLedgerEvent(event));
    applyYearEnd(next, event);
    next.status = next.tally.status;
    next.department = event.metadata.department ?? next.department;
    next.lastActivityAt = event.metadata.at;
    next.appliedRevisions[event.stream] = event.revision;
  }
  return next ?? doc;
}

export interface QuitusCodeDoc {
  [key: string]: unknown;
  id: string;
  coopId: string;
  year: number;
  invitationId: string;
  expiresOn: string;
}

export const yearFactsProjection: Projection = {
  name: 'year_facts',
  // 1: one document per coop-year in place of the board's, the trial balance's, the department
  //    totals' and the year-ends' (board v7, trial_balance v5, department_totals v2, year_ends v3).
  // 2: the notebook's view reads the year's facts here: the declaration's date, each closing's date
  //    and result, the statements' line counts, the subsidies table's rows.
  version: 2,
  collections: { [YEAR_FACTS]: { indexes: ['department', 'year', 'coopId', 'status'] }, [QUITUS_CODES]: { indexes: [] } },
  streamPrefixes: ['ledger-'],
  keysOf(event: RecordedEvent): DocRef[] {
    const stream = parseStream(event.stream);
    if (stream?.category !== 'ledger') return [];
    const refs = [{ collection: YEAR_FACTS, id: yearFactsId(stream.coopId, stream.year) }];
    const ledgerEvent = asLedgerEvent(event);
    if (ledgerEvent.type === 'QuitusInvited') refs.push({ collection: QUITUS_CODES, id: ledgerEvent.data.codeHash });
    return refs;
  },
  evolve(doc: Doc | null, event: RecordedEvent, ref: DocRef): Doc | null {
    return yearFactsProjection.foldMany!(doc, [event], ref);
  },
  foldMany(doc: Doc | null, events: RecordedEvent[], ref: DocRef): Doc | null {
    if (ref.collection === QUITUS_CODES) {
      let code = doc as QuitusCodeDoc | null;
      for (const event of events) {
        if (code) break;
        const stream = parseStream(event.stream);
        const invited = asLedgerEvent(event);
        if (stream?.category !== 'ledger' || invited.type !== 'QuitusInvited') continue;
        const d = invited.data;
        code = { id: ref.id, coopId: stream.coopId, year: stream.year, invitationId: d.invitationId, expiresOn: d.expiresOn };
      }
      return code;
    }
    return foldYearFacts(doc as YearFactsDoc | null, events, ref);
  },
};
