import { DomainError, type RefusalKind } from '../errors';

/** The formats a bank's file comes in. */
export type StatementFormat = 'csv' | 'ofx' | 'camt053';

/** One line of a statement as read from a file: a signed amount in cents, positive is money in. */
export interface ParsedLine {
  date: string;
  label: string;
  amount: number;
  chequeNo: string | null;
  /** The bank's own reference (OFX FITID, CAMT AcctSvcrRef, a CSV "Référence" column). */
  reference: string | null;
  /** 1-based line of the file the line was read from (for messages). */
  sourceLine: number;
}

/**
 * Where a CSV file's fields are: which row holds the column names, and which column holds what
 * (0-based; null when the file has no such column). The preview answers it; the user corrects it.
 */
export interface CsvMapping {
  encoding: 'utf-8' | 'windows-1252';
  delimiter: ';' | ',' | '\t';
  /** 1-based line of the column names; 0 when the table has none. */
  headerLine: number;
  date: number;
  label: number;
  /** One signed amount column… */
  amount: number | null;
  /** …or separate débit / crédit columns. */
  debit: number | null;
  credit: number | null;
  chequeNo: number | null;
  reference: number | null;
  /** The balance after each operation (Crédit Mutuel's "Solde"): the last operation's is the statement's. */
  balance: number | null;
  dateFormat: 'dd/mm/yyyy' | 'yyyy-mm-dd';
}

export interface ParsedStatement {
  format: StatementFormat;
  /** CSV only: how the file was read. */
  mapping: CsvMapping | null;
  /** The column names of a CSV table (for correcting the mapping). */
  columns: string[];
  /** The statement's closing date and balance when the file states them. */
  date: string | null;
  closingBalance: number | null;
  lines: ParsedLine[];
}

/** A file the importer cannot read: the message names the line and what was expected. */
export class StatementFileError extends DomainError {
  constructor(
    readonly line: number | null,
    detail: string,
    kind: RefusalKind = 'invalid',
  ) {
    super(
      kind === 'too_large' ? 'STATEMENT_TOO_LARGE' : 'STATEMENT_UNREADABLE',
      line === null ? detail : `Ligne ${line} : ${detail}`,
      'file',
      kind,
      line === null ? undefined : { line },
    );
    this.name = 'StatementFileError';
  }
}
