import { type StatementFile, type YearClosed } from '../../events/ledger-events';
import { type Chart } from '../chart';
import { type PaymentCommand } from '../payments/commands';
import { type LineMatch, type StatementLineInput } from './statements';

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
  | { type: 'CloseYear' }
  | { type: 'UnlockYear'; reason: string }
  | { type: 'LockYear' }
  /** codeHash: SHA-256 of the invitation's code, drawn outside the pure core. */
  | { type: 'InviteVerifier'; invitationId: string; name: string; quality: string; codeHash: string }
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
  /** null when year === firstYear; otherwise whether the previous year is closed, and its closing. */
  previousYear: { closed: boolean; closing: YearClosed | null } | null;
  /** The stream's head as the decision is made: quitus and submissions are bound to its hash. */
  head?: { hash: string };
  /** The coop's mandataires by name: none of them may be a vérificateur. */
  mandataires?: string[];
}

/** The part of the environment the closing facts depend on (a board read has it: the chart names the accounts of the rules). */
export type ClosingEnv = Pick<LedgerEnv, 'firstYear' | 'previousYear' | 'chart'>;
