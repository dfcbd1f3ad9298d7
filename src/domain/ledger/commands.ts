import { type YearClosed } from '../../events/ledger-events';
import { type Chart } from '../chart';

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
  | { type: 'RecordEntry'; entryId: string; entry: EntryInput; duplicatedFrom?: string }
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
  | { type: 'CloseYear' }
  | { type: 'UnlockYear'; reason: string }
  | { type: 'LockYear' };

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
}

/** The part of the environment the closing facts depend on (a board read has it: the chart names the accounts of the rules). */
export type ClosingEnv = Pick<LedgerEnv, 'firstYear' | 'previousYear' | 'chart'>;
