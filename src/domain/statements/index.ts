/** Bank statements, pure: reading the bank's files, line identity, matching, the état de rapprochement. */
export * from './statement-file';
export { readStatementFile, sniffStatementFormat, MAX_STATEMENT_LINES } from './read-file';
export { parseCsvStatement } from './csv';
export { parseOfxStatement, readOfxSgml } from './ofx';
export { parseCamtStatement } from './camt';
export { parseBankAmount, parseBankDate } from './text';
export { STATEMENT_LIMITS, StatementTooLarge } from './limits';
export { heldLinesOf, lineIdsOf, sameBankLine } from './line-identity';
export { suggestAccount } from './account-suggestion';
export * from './matching';
export * from './reconciliation';
