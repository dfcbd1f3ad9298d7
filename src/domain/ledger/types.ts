import {
  type CarriedOverItem,
  type CashCounted,
  type EntryContent,
  type OpenAdvance,
  type OpeningBalanceDeclared,
  type QuitusGiven,
  type StatementFile,
  type StatementLine,
  type SubmissionDocumentAttached,
  type SubmissionSent,
  type SubsidyRow,
  type VerifierQuality,
  type YearClosed,
} from '../../events/ledger-events';
import { type Chart } from '../chart';
import { type PaymentCommand } from '../payments/commands';
import { type PaymentsState } from '../payments/state';

/*
 * The ledger's types, at the bottom of src/domain/ledger: the year's state, the commands and
 * their environment, the closing facts and the year's end. Types only, importing no module of the
 * ledger, so every other module may import them and no import cycle goes through here.
 */

/**
 * An entry as it comes from JSON or a form, after HTTP parsing but before validation: any field
 * may be missing, empty or of the wrong type. Amounts are integer cents (the HTTP layer turns
 * French text such as "320,00" into cents with parseEuros).
 */
export interface EntryInput {
  pj?: unknown;
  date?: unknown;
  label?: unknown;
  chequeNo?: unknown;
  actionA?: unknown;
  actionB?: unknown;
  lines?: unknown;
}

/** One row of the subsidies table, unvalidated. */
export interface SubsidyRowInput {
  origin?: unknown;
  amount?: unknown;
  date?: unknown;
  designation?: unknown;
  attachedToExpenses?: unknown;
}

export type LedgerCommand =
  | { type: 'DeclareOpeningBalance'; bank: number; cash: number; date?: string }
  | {
      type: 'RecordEntry';
      entryId: string;
      entry: EntryInput;
      duplicatedFrom?: string;
      /** "Créer l'écriture" from a statement line: the entry is reconciled on it when saved. */
      reconcileWith?: { statementId: string; lineId: string };
    }
  | { type: 'AmendEntry'; entryId: string; entry: EntryInput; expectedRevision?: number }
  | { type: 'DeleteEntry'; entryId: string; expectedRevision?: number }
  | { type: 'DuplicateEntry'; entryId: string /* the new entry's id */; sourceEntryId: string; pj: string; date?: string }
  | { type: 'ReconcileEntry'; entryId: string; statementDate?: string | null }
  | { type: 'UnreconcileEntry'; entryId: string }
  | { type: 'MarkCarriedOverItemSeen'; entryId: string; statementDate?: string | null }
  | { type: 'CountCash'; countId: string; date: string; counts: Record<string, number> }
  | { type: 'DeclareSubsidies'; rows: SubsidyRowInput[] }
  | { type: 'AddInventoryItem'; itemId: string; designation: string; acquiredOn: string; quantity: number; value: number; pj?: string | null }
  | { type: 'RemoveInventoryItem'; itemId: string; leftOn?: string | null }
  | { type: 'AttachVoucher'; entryId: string; attachmentId: string; sha256: string; mediaType: string; size: number; fileName: string }
  | { type: 'ReportActivity'; activity: string; text: string }
  | { type: 'DeclareStatement'; statementId: string; date: string; closingBalance: number }
  | { type: 'ImportStatement'; statementId: string; date?: string | null; closingBalance?: number | null; file: StatementFile; lines: StatementLineInput[] }
  | { type: 'MatchStatementLines'; statementId: string; matches: LineMatch[] }
  | { type: 'UnmatchStatementLine'; statementId: string; lineId: string }
  | { type: 'DeleteStatement'; statementId: string }
  | { type: 'CloseYear' }
  | { type: 'UnlockYear'; reason: string }
  | { type: 'LockYear' }
  /** codeHash: SHA-256 of the invitation's code, drawn outside the pure core; email: the code goes there, else on a paper letter. */
  | { type: 'InviteVerifier'; invitationId: string; name: string; quality: string; codeHash: string; email?: string | null }
  /** by: the session of whoever holds the code, if any (a login of the coop may not give quitus). */
  | { type: 'GiveQuitus'; codeHash: string; decision: string; comment?: string | null; by?: { role: string; coopId?: string } | null }
  | {
      type: 'AttachSubmissionDocument';
      documentId: string;
      kind: string;
      subsidyIndex?: number | null;
      sha256: string;
      mediaType: string;
      size: number;
      fileName: string;
    }
  | { type: 'SubmitYear' }
  | { type: 'AcceptSubmission' }
  | { type: 'ReturnSubmission'; reason: string }
  /** bank, cash: the opening the page showed after the previous year's correction. */
  | { type: 'AcknowledgeOpeningChange'; bank: number; cash: number }
  /** Family payments and deposit slips (src/domain/payments). */
  | PaymentCommand;

export type LedgerCommandType = LedgerCommand['type'];

/** What a decision needs besides the year's own events. */
export interface LedgerEnv {
  coopId: string;
  year: number;
  department: string;
  /** 'YYYY-MM-DD', from the injected clock. */
  today: string;
  /** The department's chart for the year (chartOf). */
  chart: Chart;
  /** The coop's first fiscal year: the only one with a declared opening balance. */
  firstYear: number;
  /** The coop's years before this one, first to last (none in its first year): its opening is read from them (openingOf). */
  earlierYears: readonly YearFacts[];
  /** The stream's head as the decision is made: quitus and submissions are bound to its hash. */
  head?: { hash: string };
  /** The coop's mandataires by name: none of them may be a vérificateur. */
  mandataires?: string[];
  /** Goods of the earlier years' registers held when the year began (carriedGoods): loaded for RemoveInventoryItem only. */
  carriedGoods?: readonly InventoryItem[];
}

/** The part of the environment the closing facts depend on (a board read has it: the chart names the accounts of the rules). */
export type ClosingEnv = Pick<LedgerEnv, 'firstYear' | 'earlierYears' | 'chart'>;

/**
 * The state of one fiscal year of one coop, folded from its events. Plain JSON (no Map, Set,
 * class or Date): it is stored as a read-model document and cached between commands.
 */
export interface Attachment {
  attachmentId: string;
  sha256: string;
  mediaType: string;
  size: number;
  fileName: string;
}

export interface EntryState {
  entryId: string;
  content: EntryContent;
  /** 1 when recorded, +1 per amendment: what the user sends back as expectedRevision. */
  revision: number;
  reconciled: boolean;
  statementDate: string | null;
  /** When the bank showed it (the statement date, else the entry's date when ticked); null while unreconciled. */
  clearedOn: string | null;
  /** The statement line it was matched with; null when ticked by hand. */
  lineId: string | null;
  /** Deleted entries stay, flagged, for the auditor; they count nowhere and free their PJ. */
  deleted: boolean;
  duplicatedFrom: string | null;
  attachments: Attachment[];
  /** The date of the closing that validated it (EntriesValidated); null while it can change in place. */
  validatedOn: string | null;
  /** A correction's reversal names the entry it cancels; a corrected entry the one it replaces. */
  reverses: string | null;
  replaces: string | null;
  /** On a validated entry corrected in a reopened year: its reversal, and its replacement when amended. */
  reversedBy: string | null;
  replacedBy: string | null;
}

export interface InventoryItem {
  itemId: string;
  designation: string;
  acquiredOn: string;
  quantity: number;
  value: number;
  pj: string | null;
  /** Set when the item left the register (sold, broken, given away). */
  removed: boolean;
  leftOn: string | null;
}

/** A bank statement of the year: typed by hand (no file, no lines) or imported. */
export interface StatementState {
  statementId: string;
  date: string;
  closingBalance: number;
  file: StatementFile | null;
  lines: StatementLine[];
  /** Record order in the year (the stream revision of its event): breaks ties of date. */
  seq: number;
}

export interface Movement {
  debit: number;
  credit: number;
}

export type YearStatus = 'open' | 'closed' | 'unlocked';

export interface LedgerState {
  coopId: string;
  year: number;
  /** Events folded so far (the stream's next revision). */
  version: number;
  /** Declared by hand in the coop's first year only; later years open from the previous closing. */
  opening: OpeningBalanceDeclared | null;
  entries: Record<string, EntryState>;
  /** PJ → entryId, live entries only. */
  pjs: Record<string, string>;
  /** Per account, over live entries. */
  totals: Record<string, Movement>;
  /** Per advance (régie) named on advance lines, over live entries: debit = paid, credit = returned or explained. */
  advances: Record<string, Movement>;
  /** Previous year's unreconciled items seen on a statement of this year: entryId → statement date. */
  carriedOverSeen: Record<string, string | null>;
  statements: Record<string, StatementState>;
  /** Every line of the year's statements: lineId → statementId (a re-imported line is skipped). */
  statementLines: Record<string, string>;
  /** lineId → the entries (or carried-over items) matched with it. */
  lineMatches: Record<string, string[]>;
  cashCounts: CashCounted[];
  subsidies: SubsidyRow[];
  inventory: Record<string, InventoryItem>;
  /** CRA: free text per activity. */
  activities: Record<string, string>;
  status: YearStatus;
  /** The closing figures (YearClosed, updated by YearLocked after a correction). */
  closing: YearClosed | null;
  unlockReason: string | null;
  /** Quitus and submission to the AD. */
  yearEnd: YearEndState;
  /** What the closing facts are derived from (closingFactsOf), folded with the rest. */
  closingTally: ClosingTally;
  /** Family payments, their receipts and deposit slips (src/domain/payments). */
  payments: PaymentsState;
}

/** A statement line as read from a file (readStatementFile), before the decider checks it. */
export interface StatementLineInput {
  date: string;
  label: string;
  amount: number;
  chequeNo: string | null;
  reference: string | null;
}

export interface LineMatch {
  lineId: string;
  entryIds: string[];
}

/** A blocker, warning or note of the checklist. */
export interface Issue {
  code: string;
  /** French sentence for the user, saying what is wrong and what to do. */
  message: string;
  /** Where to fix it: 'pointage' | 'caisse' | 'subventions' | 'regies' | 'inventaire' | 'saisie' | 'cloture'. */
  fix?: string;
}

/**
 * Everything the closing rules and the warnings need. Amounts in cents. Derived from the
 * ClosingTally the year's events fold into (closingFactsFold), the previous year's closing and
 * the chart: the decider's state carries that tally, and a department's board projection keeps
 * the same one per coop and year, so both read the facts through the same code.
 */
export interface ClosingFacts {
  year: number;
  /** Closed and not unlocked for a correction. */
  closed: boolean;
  /** True in the coop's first year. */
  previousYearClosed: boolean;
  /** The coop's first year without its "Existence au début de l'exercice". */
  openingMissing: boolean;
  /** Live entries touching 512 not reconciled + the previous year's carried-over items not yet seen. */
  unreconciled: number;
  /** Opening cash ≠ 0 or any line on 530: the cash box must then be counted to close. */
  cashUsed: boolean;
  /** Opening cash + Σ530 debits − Σ530 credits. */
  cashBalance: number;
  /** Total of the last cash count (by date), null when never counted. */
  lastCountTotal: number | null;
  /** Σ credits − Σ debits of the chart's subsidies account (7410 by default). */
  subsidiesAccountTotal: number;
  /** Total of the subsidies table. */
  subsidiesTableTotal: number;
  /** Advances (régies) not settled: paid ≠ returned + explained. */
  openAdvances: OpenAdvance[];
  /** Σ debits − credits of the chart's OCCE membership account (6586 by default). */
  membershipTotal: number;
  /** Σ debits − credits of the chart's insurance account (6168 by default). */
  insuranceTotal: number;
  /** The chart's durable goods account (6800 by default); null when no account has the role. */
  durableGoodsAccount: string | null;
  /** PJs of live entries with a debit on the durable goods account and no inventory item bearing that PJ. */
  durableGoodsWithoutInventory: string[];
  /** Opening bank ≠ 0 or any line on 512: closing then needs the year-end statement. */
  bankUsed: boolean;
  /** 'YYYY-MM' of the last month with a live entry on 512; null when none. */
  lastBankMonth: string | null;
  /** The year's last statement (by date) and the difference of its état de rapprochement; null when none. */
  lastStatement: { date: string; closingBalance: number; difference: number } | null;
}

/**
 * The ingredients of a year's ClosingFacts, folded from the year's own events (never the entries
 * themselves, so a department's board keeps 500 of them small). Plain JSON. The accounts the rules
 * read by role (subsidies, membership, insurance, durable goods) are looked up in the chart only
 * when the facts are derived, so a chart changed later is read right without a refold.
 */
export interface ClosingTally {
  status: YearStatus;
  /** The first year's opening, declared by hand. */
  declaredOpening: { bank: number; cash: number } | null;
  /** Live entries' debits and credits per account. */
  movements: Record<string, Movement>;
  /** Per advance (régie): paid − returned − explained, this year's lines only; zeros left out. */
  advances: Record<string, number>;
  /**
   * Live entries touching 512 not reconciled: only these, so the tally stays small once the
   * notebook is reconciled. Every other live entry on 512 is reconciled (only entries on 512 can
   * be, and they stay so until EntryUnreconciled). With their signed amount on 512 and date: what
   * their reconciliation clears when its event does not say (written before amount and clearedOn).
   */
  unreconciled: Record<string, { amount: number; date: string }>;
  /**
   * Reconciled entries amended off 512 (the decider unreconciles them in the same command): the
   * reconciled flag they still carry is what EntryUnreconciled then clears.
   */
  reconciledOffBank: string[];
  /**
   * Per account other than 512, 530, 4670: the live entries debiting it, as PJ → date (a PJ is
   * unique among a year's live entries; amendments and deletions carry the previous content).
   */
  debits: Record<string, Record<string, string>>;
  /** Inventory items bearing a PJ → that PJ (removed items included: their PJ still counts). */
  inventoryPjs: Record<string, string>;
  /** The previous year's carried-over items seen on a statement of this year. */
  carriedOverSeen: string[];
  /** The last cash count by date (a later count of the same day wins). */
  lastCount: { date: string; total: number } | null;
  subsidiesTable: number;
  /** The year's statements in record order: date and closing balance (statementId: for a deletion). */
  statements: Array<{ statementId?: string; date: string; closingBalance: number }>;
  /**
   * Signed amounts the statements showed, by the date they showed them (clearedOn): reconciled
   * entries and carried-over items seen. The rapprochement at D sums the dates ≤ D.
   */
  cleared: Record<string, number>;
  /** Live entries touching 512 per 'YYYY-MM'. */
  bankMonths: Record<string, number>;
}

export interface InvitationState {
  invitationId: string;
  name: string;
  quality: VerifierQuality;
  codeHash: string;
  invitedOn: string;
  expiresOn: string;
  used: boolean;
}

export interface DecisionState extends QuitusGiven {
  /** Unlocks of the year before it was given: it stands while no unlock follows. */
  epoch: number;
}

export type SubmissionStatus = 'submitted' | 'accepted' | 'returned';

export interface SubmissionState extends SubmissionSent {
  status: SubmissionStatus;
  reason: string | null;
  epoch: number;
}

export interface YearEndState {
  /** How many times the closed year was unlocked: what came before is void. */
  epoch: number;
  invitations: Record<string, InvitationState>;
  decisions: DecisionState[];
  documents: SubmissionDocumentAttached[];
  submissions: SubmissionState[];
  /** The opening the mandataire saw after the previous year's correction (OpeningChangeSeen). */
  openingSeen: { bank: number; cash: number } | null;
}

/** What a year tells the next one's opening: its own declaration, status, closing and movements. */
export interface YearFacts {
  year: number;
  /** "Existence au début de l'exercice": read in the coop's first year only. */
  declaredOpening: { bank: number; cash: number } | null;
  status: YearStatus;
  /** Its last closing (YearClosed, or YearLocked after a correction), kept while it is unlocked. */
  closing: { bank: number; cash: number; openAdvances: readonly OpenAdvance[]; unreconciled: readonly CarriedOverItem[] } | null;
  /** Debits − credits of its live entries on 512 and on 530. */
  bank: number;
  cash: number;
  /** Per advance (régie): paid − returned − explained by its live entries. */
  advances: readonly OpenAdvance[];
}

export type OpeningSource = 'declared' | 'previous-year' | 'provisional' | 'none';

export interface YearOpening {
  bank: number;
  cash: number;
  /** Advances (régies) still out at the opening, by régie. */
  openAdvances: OpenAdvance[];
  /** The previous year's bank items not yet seen on a statement when it closed (read-only list). */
  carriedOver: CarriedOverItem[];
  /**
   * 'declared': the first year's declaration; 'previous-year': the previous year's closing;
   * 'provisional': the previous year is open (or unlocked), its opening plus its movements so far;
   * 'none': a first year not declared yet.
   */
  source: OpeningSource;
  provisional: boolean;
}
