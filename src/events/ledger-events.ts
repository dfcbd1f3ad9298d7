import { type RecordedEvent } from './envelope';
import { type PaymentEvent } from './payment-events';

/**
 * Events of a fiscal year's stream `ledger-<coopId>-<year>`. Past tense, data only; amounts in
 * integer cents, dates 'YYYY-MM-DD'. Every type has a schema version (SCHEMA_VERSIONS); an old
 * version is upcast when read (upcasters.ts), never rewritten.
 */

/** One line of a double entry: exactly one of debit / credit, > 0. */
export interface EntryLine {
  account: string;
  debit?: number;
  credit?: number;
  /** Names the advance (régie) on lines of the advance account 4670, e.g. "CP-CE1". */
  regie?: string;
}

export interface EntryContent {
  pj: string;
  date: string;
  label: string;
  chequeNo: string | null;
  actionA: string | null;
  actionB: string | null;
  lines: EntryLine[];
}

/** "Existence au début de l'exercice": first year of a coop only. */
export interface OpeningBalanceDeclared {
  bank: number;
  cash: number;
  date: string;
}
export interface EntryRecorded extends EntryContent {
  entryId: string;
  duplicatedFrom?: string;
  /**
   * A correction of a validated entry in a reopened year (PCG art. 420-5): `reverses` on its
   * reversal (contre-passation, the same lines swapped), `replaces` on the corrected entry.
   */
  reverses?: string;
  replaces?: string;
}
/**
 * The whole new content, and the content it replaces: the auditor's before → after, and
 * department totals can move an amount without reading the entry back.
 */
export interface EntryAmended extends EntryContent {
  entryId: string;
  previous: EntryContent;
}
export interface EntryDeleted {
  entryId: string;
  previous: EntryContent;
}
/**
 * Matched with a statement line (statementId, lineId; statementDate is then the line's date) or
 * ticked by hand. `amount` (the entry's signed amount on 512) and `clearedOn` (the statement
 * date, else the entry's date) let the department's board keep the rapprochement without reading
 * the entry back; events written before statements existed lack them.
 */
export interface EntryReconciled {
  entryId: string;
  statementDate: string | null;
  statementId?: string;
  lineId?: string;
  amount?: number;
  clearedOn?: string;
}
/** What the reconciliation undone had cleared (amount, clearedOn), as EntryReconciled said it. */
export interface EntryUnreconciled {
  entryId: string;
  amount?: number;
  clearedOn?: string;
}
/** An unreconciled entry carried over from the previous year, seen on a statement of this year. */
export interface CarriedOverItemSeen {
  entryId: string;
  statementDate: string | null;
  statementId?: string;
  lineId?: string;
  amount?: number;
  clearedOn?: string;
}
/** A carried-over item's statement line un-matched: it is outstanding again. */
export interface CarriedOverItemUnseen {
  entryId: string;
  amount: number;
  clearedOn: string;
}

/** One line of a bank statement: signed amount in cents, positive is money in. */
export interface StatementLine {
  /** Stable across imports of overlapping files (lineIdsOf). */
  lineId: string;
  date: string;
  label: string;
  amount: number;
  chequeNo: string | null;
  /** The bank's own reference, when the file gives one. */
  reference: string | null;
}
/** The bank's file a statement was imported from, kept as a voucher blob (by SHA-256). */
export interface StatementFile {
  sha256: string;
  fileName: string;
  size: number;
  format: 'csv' | 'ofx' | 'camt053';
}
/** A paper statement typed by hand: its date and closing balance (solde). */
export interface StatementDeclared {
  statementId: string;
  date: string;
  closingBalance: number;
}
/** A statement imported from the bank's file: only the lines no earlier statement of the year holds. */
export interface StatementImported {
  statementId: string;
  date: string;
  closingBalance: number;
  file: StatementFile;
  lines: StatementLine[];
  /** Lines of the file already held by an earlier statement (an overlapping file). */
  duplicates: number;
  /** Lines of the file dated outside the fiscal year, left out. */
  outsideYear: number;
}
/** A statement taken back (a wrong file, a wrong month) while none of its lines is matched: its lines are no longer held. */
export interface StatementDeleted {
  statementId: string;
}
/** counts: denomination in cents (as a string key) → number of coins/bills. */
export interface CashCounted {
  countId: string;
  date: string;
  counts: Record<string, number>;
  total: number;
}
export interface SubsidyRow {
  origin: string;
  amount: number;
  date: string;
  designation: string;
  attachedToExpenses: number;
}
export interface SubsidiesDeclared {
  rows: SubsidyRow[];
}
export interface InventoryItemAdded {
  itemId: string;
  designation: string;
  acquiredOn: string;
  quantity: number;
  value: number;
  pj: string | null;
}
export interface InventoryItemRemoved {
  itemId: string;
  leftOn: string | null;
  /** A good inscribed in an earlier year's register, as it was inscribed there (the register is the coop's). */
  carried?: CarriedGood;
}
/** A good of an earlier year's register leaving in a later year: its line as inscribed. */
export type CarriedGood = Omit<InventoryItemAdded, 'itemId'>;
export interface VoucherAttached {
  entryId: string;
  attachmentId: string;
  sha256: string;
  mediaType: string;
  size: number;
  fileName: string;
}
/** CRA: the free text of one activity (an action tag or a free title). */
export interface ActivityReported {
  activity: string;
  text: string;
}

export interface OpenAdvance {
  regie: string;
  amount: number;
}
export interface CarriedOverItem {
  entryId: string;
  pj: string;
  date: string;
  label: string;
  chequeNo: string | null;
  /** + receipt, − expense, on 512 */ amount: number;
}
export interface YearClosed {
  closedOn: string;
  bank: number;
  cash: number;
  result: number;
  openAdvances: OpenAdvance[];
  unreconciled: CarriedOverItem[];
}
/**
 * Closing (or locking again after a correction) validates the entries not validated yet: from
 * then on they are intangible; a correction is a reversal and a new entry. `validatedOn` is the
 * closing's date, the FEC's ValidDate of those entries forever.
 */
export interface EntriesValidated {
  validatedOn: string;
  entryIds: string[];
}
/** The department lets a correction through a closed year, then locks it again. */
export interface YearUnlocked {
  reason: string;
}
export interface YearLocked {
  bank: number;
  cash: number;
  result: number;
  openAdvances: OpenAdvance[];
  unreconciled: CarriedOverItem[];
}

/** Who a vérificateur aux comptes is, as the mandataire names them on the invitation. */
export type VerifierQuality = 'parent' | 'enseignant' | 'autre';
export type QuitusDecision = 'quitus' | 'reserves';
/** How the code reached the vérificateur: by e-mail (the mandataire never sees it) or on a letter the mandataire hands over. */
export type InvitationDelivery = 'email' | 'paper';

/**
 * A one-time invitation to a vérificateur: only the SHA-256 of its code is stored (the code is
 * the credential and travels in the link alone).
 */
export interface QuitusInvited {
  invitationId: string;
  name: string;
  quality: VerifierQuality;
  codeHash: string;
  /** Last day the code opens the year (30 days after the invitation). */
  expiresOn: string;
  /** v2: by e-mail to `sentTo`, or on paper (v1 invitations were all handed over by the mandataire: paper). */
  delivery: InvitationDelivery;
  sentTo: string | null;
}
/** A vérificateur's decision on the closed year, bound to the hash of the stream head it was given on. */
export interface QuitusGiven {
  invitationId: string;
  decision: QuitusDecision;
  name: string;
  quality: VerifierQuality;
  comment: string | null;
  chainHead: string;
}
export type SubmissionDocumentKind = 'statement' | 'subsidy';
/** A document sent with the year to the AD: the year-end bank statement, or the proof of one subsidy row. */
export interface SubmissionDocumentAttached {
  documentId: string;
  kind: SubmissionDocumentKind;
  /** 0-based row of the subsidies table, for a subsidy's proof. */
  subsidyIndex: number | null;
  sha256: string;
  mediaType: string;
  size: number;
  fileName: string;
}
/** The closed year's CRF + CRA sent to the AD: a version, kept as the stream head it was made from. */
export interface SubmissionSent {
  version: number;
  chainHead: string;
  sentOn: string;
  /** After 30 September. */
  late: boolean;
  documentIds: string[];
}
export interface SubmissionAccepted {
  version: number;
}
export interface SubmissionReturned {
  version: number;
  reason: string;
}

/**
 * The mandataire saw this year's opening as the previous year's correction moved it (its
 * closing again with other balances): the pages no longer show its before → after.
 */
export interface OpeningChangeSeen {
  bank: number;
  cash: number;
}

export type LedgerEvent =
  | { type: 'OpeningBalanceDeclared'; data: OpeningBalanceDeclared }
  | { type: 'EntryRecorded'; data: EntryRecorded }
  | { type: 'EntryAmended'; data: EntryAmended }
  | { type: 'EntryDeleted'; data: EntryDeleted }
  | { type: 'EntryReconciled'; data: EntryReconciled }
  | { type: 'EntryUnreconciled'; data: EntryUnreconciled }
  | { type: 'CarriedOverItemSeen'; data: CarriedOverItemSeen }
  | { type: 'CarriedOverItemUnseen'; data: CarriedOverItemUnseen }
  | { type: 'StatementDeclared'; data: StatementDeclared }
  | { type: 'StatementImported'; data: StatementImported }
  | { type: 'StatementDeleted'; data: StatementDeleted }
  | { type: 'CashCounted'; data: CashCounted }
  | { type: 'SubsidiesDeclared'; data: SubsidiesDeclared }
  | { type: 'InventoryItemAdded'; data: InventoryItemAdded }
  | { type: 'InventoryItemRemoved'; data: InventoryItemRemoved }
  | { type: 'VoucherAttached'; data: VoucherAttached }
  | { type: 'ActivityReported'; data: ActivityReported }
  | { type: 'YearClosed'; data: YearClosed }
  | { type: 'EntriesValidated'; data: EntriesValidated }
  | { type: 'YearUnlocked'; data: YearUnlocked }
  | { type: 'YearLocked'; data: YearLocked }
  | { type: 'QuitusInvited'; data: QuitusInvited }
  | { type: 'QuitusGiven'; data: QuitusGiven }
  | { type: 'SubmissionDocumentAttached'; data: SubmissionDocumentAttached }
  | { type: 'SubmissionSent'; data: SubmissionSent }
  | { type: 'SubmissionAccepted'; data: SubmissionAccepted }
  | { type: 'SubmissionReturned'; data: SubmissionReturned }
  | { type: 'OpeningChangeSeen'; data: OpeningChangeSeen }
  | PaymentEvent;

export type LedgerEventType = LedgerEvent['type'];

/** A stored event of a ledger stream with its catalog type: narrowing on `type` gives its `data`. */
export type RecordedLedgerEvent = { [E in LedgerEvent as E['type']]: RecordedEvent<E['type'], E['data']> }[LedgerEventType];

/** Events of a `ledger-` stream are the catalog's, upcast to its current versions when read. */
export const asLedgerEvent = (event: RecordedEvent): RecordedLedgerEvent => event as RecordedLedgerEvent;

/** A reducer's switch ends here: an event type of the catalog it leaves out fails the type-check. */
export const noOtherEvent = (_event: never): void => undefined;
