import { type Movement, type StatementOnRecord, statementDocumentOf } from '../../domain/ledger';
import { type RecordedEvent } from '../../events/envelope';
import { asLedgerEvent, type EntryContent, noOtherEvent, type OpenAdvance, type QuitusGiven } from '../../events/ledger-events';
import { parseStream } from '../../events/streams';
import { type DocRef, type Projection } from '../projection';
import { type Doc } from '../read-store';

/**
 * The consolidated trial balance ("balance générale consolidée") stands on one small document
 * per coop and fiscal year: every account's debit and credit movements over the live entries,
 * what the year opens from (the previous year's closing, or the first year's declared opening),
 * and how far the year's end has gone (closed, submitted to the department, accepted, returned,
 * its quitus and documents). The department's balance sums them at read time over one indexed
 * find (trialBalance in src/reads), as the board does.
 *
 * An unlock voids what the department accepted and the quitus given: the year may change.
 */
export const TRIAL_BALANCE = 'trial_balance';
export const trialBalanceId = (coopId: string, year: number): string => `${coopId}:${year}`;

export type SubmissionStatus = 'missing' | 'submitted' | 'accepted' | 'returned';

export interface TrialBalanceDoc {
  [key: string]: unknown;
  id: string;
  coopId: string;
  year: number;
  department: string | null;
  status: 'open' | 'closed' | 'unlocked';
  closedOn: string | null;
  declaredOpening: { bank: number; cash: number } | null;
  /** The previous year's YearClosed / YearLocked: this year's opening (it wins over a declaration). */
  previousClosing: { bank: number; cash: number; openAdvances: OpenAdvance[] } | null;
  /** Live entries' debits and credits per account. */
  movements: Record<string, Movement>;
  submission: {
    status: SubmissionStatus;
    version: number | null;
    submittedAt: string | null;
    /** The department's reason when it returned the year. */
    reason: string | null;
  };
  /** Quitus decisions since the year was last unlocked (an unlock makes them void). */
  quitus: Array<{ name: QuitusGiven['name']; quality: QuitusGiven['quality']; decision: QuitusGiven['decision']; comment?: string | null }>;
  /**
   * What the submission has: its year-end statement (a document attached as such, or the bank's
   * file of the year-end statement imported: statementDocumentOf), the subsidies' proofs (their
   * indexes).
   */
  documents: { statement: boolean; statementAttached: boolean; subsidyProofs: number[] };
  /** The year's bank statements in record order (dates and files): an imported one may be the year-end statement. */
  statements: Array<StatementOnRecord & { statementId?: string }>;
  /** Rows of the subsidies table: each needs a proof. */
  subsidies: number;
  /** Last applied revision per stream (the year's own and the previous year's): replays are no-ops. */
  appliedRevisions: Record<string, number>;
}

export function emptyTrialBalanceDoc(coopId: string, year: number, department: string | null): TrialBalanceDoc {
  return {
    id: trialBalanceId(coopId, year),
    coopId,
    year,
    department,
    status: 'open',
    closedOn: null,
    declaredOpening: null,
    previousClosing: null,
    movements: {},
    submission: { status: 'missing', version: null, submittedAt: null, reason: null },
    quitus: [],
    documents: { statement: false, statementAttached: false, subsidyProofs: [] },
    statements: [],
    subsidies: 0,
    appliedRevisions: {},
  };
}

/** Final: closed, and accepted by the department since it was last closed. */
export const isFinal = (doc: TrialBalanceDoc): boolean => doc.status === 'closed' && doc.submission.status === 'accepted';

function move(doc: TrialBalanceDoc, content: EntryContent, sign: 1 | -1): void {
  for (const line of content.lines) {
    const m = doc.movements[line.account] ?? { debit: 0, credit: 0 };
    const next = { debit: m.debit + sign * (line.debit ?? 0), credit: m.credit + sign * (line.credit ?? 0) };
    if (next.debit === 0 && next.credit === 0) delete doc.movements[line.account];
    else doc.movements[line.account] = next;
  }
}

function applyOwn(doc: TrialBalanceDoc, recorded: RecordedEvent): void {
  const event = asLedgerEvent(recorded);
  switch (event.type) {
    case 'OpeningBalanceDeclared': {
      const d = event.data;
      doc.declaredOpening = { bank: d.bank, cash: d.cash };
      return;
    }
    case 'EntryRecorded':
      return move(doc, event.data, 1);
    case 'EntryAmended': {
      const d = event.data;
      move(doc, d.previous, -1);
      return move(doc, d, 1);
    }
    case 'EntryDeleted':
      return move(doc, event.data.previous, -1);
    case 'SubsidiesDeclared':
      doc.subsidies = event.data.rows.length;
      return;
    case 'YearClosed':
      doc.status = 'closed';
      doc.closedOn = event.data.closedOn;
      return;
    case 'YearLocked':
      doc.status = 'closed';
      doc.closedOn = doc.closedOn ?? event.metadata.at.slice(0, 10);
      return;
    case 'YearUnlocked':
      // The year may change: what was accepted and the quitus given on it no longer hold.
      doc.status = 'unlocked';
      doc.quitus = [];
      if (doc.submission.status !== 'missing') doc.submission = { ...doc.submission, status: 'missing' };
      return;
    case 'SubmissionSent': {
      const d = event.data;
      doc.submission = { status: 'submitted', version: d.version, submittedAt: event.metadata.at, reason: null };
      return;
    }
    case 'SubmissionAccepted':
      doc.submission = { ...doc.submission, status: 'accepted', reason: null };
      return;
    case 'SubmissionReturned':
      doc.submission = { ...doc.submission, status: 'returned', reason: event.data.reason };
      return;
    case 'StatementDeclared':
    case 'StatementImported': {
      const d = event.data;
      const file = event.type === 'StatementImported' ? event.data.file : null;
      doc.statements = [...doc.statements, { statementId: d.statementId, date: d.date, closingBalance: d.closingBalance, file }];
      return;
    }
    case 'StatementDeleted':
      doc.statements = doc.statements.filter((s) => s.statementId !== event.data.statementId);
      return;
    case 'QuitusGiven': {
      const d = event.data;
      doc.quitus = [...doc.quitus, { name: d.name, quality: d.quality, decision: d.decision, comment: d.comment ?? null }];
      return;
    }
    case 'SubmissionDocumentAttached': {
      const d = event.data;
      if (d.kind === 'statement') doc.documents = { ...doc.documents, statementAttached: true };
      if (d.kind === 'subsidy' && typeof d.subsidyIndex === 'number' && !doc.documents.subsidyProofs.includes(d.subsidyIndex)) {
        doc.documents = { ...doc.documents, subsidyProofs: [...doc.documents.subsidyProofs, d.subsidyIndex].sort((a, b) => a - b) };
      }
      return;
    }
    case 'EntryReconciled':
    case 'EntryUnreconciled':
    case 'CarriedOverItemSeen':
    case 'CarriedOverItemUnseen':
    case 'CashCounted':
    case 'InventoryItemAdded':
    case 'InventoryItemRemoved':
    case 'VoucherAttached':
    case 'ActivityReported':
    case 'QuitusInvited':
    case 'OpeningChangeSeen':
    case 'EntriesValidated':
    case 'PaymentRecorded':
    case 'PaymentAmended':
    case 'PaymentDeleted':
    case 'PaymentsDeposited':
    case 'DepositCancelled':
      // Not in the balance nor the year's end it follows (keysOf leaves them out); a deposit's entry is an EntryRecorded.
      return;
    default:
      return noOtherEvent(event);
  }
}

function applyPrevious(doc: TrialBalanceDoc, recorded: RecordedEvent): void {
  const event = asLedgerEvent(recorded);
  if (event.type !== 'YearClosed' && event.type !== 'YearLocked') return;
  const d = event.data;
  doc.previousClosing = { bank: d.bank, cash: d.cash, openAdvances: d.openAdvances.map((a) => ({ ...a })) };
}

/** Events of the year's stream the document reads; YearClosed / YearLocked also open the next year. */
const OWN_EVENTS = new Set([
  'OpeningBalanceDeclared',
  'EntryRecorded',
  'EntryAmended',
  'EntryDeleted',
  'SubsidiesDeclared',
  'StatementDeclared',
  'StatementImported',
  'StatementDeleted',
  'YearClosed',
  'YearLocked',
  'YearUnlocked',
  'SubmissionSent',
  'SubmissionAccepted',
  'SubmissionReturned',
  'QuitusGiven',
  'SubmissionDocumentAttached',
]);
const OPENS_NEXT_YEAR = new Set(['YearClosed', 'YearLocked']);

export function foldTrialBalance(doc: TrialBalanceDoc | null, events: RecordedEvent[], ref: DocRef): TrialBalanceDoc | null {
  let next: TrialBalanceDoc | null = null;
  for (const event of events) {
    const stream = parseStream(event.stream);
    if (stream?.category !== 'ledger') continue;
    const applied = (next ?? doc)?.appliedRevisions[event.stream];
    if (applied !== undefined && event.revision <= applied) continue;
    if (!next) {
      const [coopId, year] = ref.id.split(':');
      const base = doc ?? emptyTrialBalanceDoc(coopId, Number(year), event.metadata.department ?? null);
      next = { ...base, movements: { ...base.movements }, appliedRevisions: { ...base.appliedRevisions } };
    }
    if (stream.year === next.year) {
      applyOwn(next, event);
      const attached = next.documents.statementAttached ? [{ kind: 'statement' }] : [];
      const statement = statementDocumentOf(next.year, next.status, attached, next.statements) !== null;
      if (statement !== next.documents.statement) next.documents = { ...next.documents, statement };
    } else applyPrevious(next, event);
    next.department = event.metadata.department ?? next.department;
    next.appliedRevisions[event.stream] = event.revision;
  }
  return next ?? doc;
}

export const trialBalanceProjection: Projection = {
  name: 'trial_balance',
  // 2: an imported year-end statement counts as the submission's statement (documents.statement).
  // 4: the quitus keeps a réserves' comment.
  // 5: each statement's id (a statement can be deleted).
  version: 5,
  collections: { [TRIAL_BALANCE]: { indexes: ['department', 'year'] } },
  streamPrefixes: ['ledger-'],
  keysOf(event: RecordedEvent): DocRef[] {
    const stream = parseStream(event.stream);
    if (stream?.category !== 'ledger' || !OWN_EVENTS.has(event.type)) return [];
    const refs = [{ collection: TRIAL_BALANCE, id: trialBalanceId(stream.coopId, stream.year) }];
    if (OPENS_NEXT_YEAR.has(event.type)) refs.push({ collection: TRIAL_BALANCE, id: trialBalanceId(stream.coopId, stream.year + 1) });
    return refs;
  },
  evolve(doc: Doc | null, event: RecordedEvent, ref: DocRef): Doc | null {
    return foldTrialBalance(doc as TrialBalanceDoc | null, [event], ref);
  },
  foldMany(doc: Doc | null, events: RecordedEvent[], ref: DocRef): Doc | null {
    return foldTrialBalance(doc as TrialBalanceDoc | null, events, ref);
  },
};
