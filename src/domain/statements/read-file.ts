import { parseCamtStatement } from './camt';
import { STATEMENT_LIMITS, StatementTooLarge } from './limits';
import { parseCsvStatement } from './csv';
import { parseOfxStatement } from './ofx';
import { type CsvMapping, type ParsedStatement, type StatementFormat, StatementFileError } from './statement-file';

/** The format of a bank's file by its content, never by its name. */
export function sniffStatementFormat(bytes: Buffer): StatementFormat {
  const head = bytes
    .subarray(0, 2000)
    .toString('latin1')
    .replace(/^\u00ef\u00bb\u00bf/, '');
  if (/^\s*OFXHEADER\s*:/i.test(head) || /<\?OFX\b/i.test(head) || /^\s*<OFX>/i.test(head)) return 'ofx';
  // Only a file that is XML from its first character can be CAMT: a CSV label may name the tag.
  if (!/^\s*</.test(head)) return 'csv';
  if (/camt\.053|<(\w+:)?BkToCstmrStmt\b/.test(head) || /<(\w+:)?BkToCstmrStmt\b/.test(bytes.toString('latin1'))) return 'camt053';
  if (/<OFX>/i.test(head)) return 'ofx';
  return 'csv';
}

/** Beyond this a file is not a school coop's statement. */
export const MAX_STATEMENT_LINES = STATEMENT_LIMITS.operations;

/**
 * Any statement file a bank gives (CSV, OFX 1.x / 2.x, CAMT.053): its lines, its date and
 * closing balance when it states them. A file it cannot read throws StatementFileError, whose
 * French message names the line and what was expected.
 */
export function readStatementFile(bytes: Buffer, mapping?: Partial<CsvMapping>): ParsedStatement {
  if (bytes.length === 0) throw new StatementFileError(null, 'Le fichier est vide.');
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-' || bytes.subarray(0, 4).toString('latin1') === 'PK\u0003\u0004') {
    throw new StatementFileError(null, 'Ce fichier est un PDF ou un classeur : exportez le relevé depuis la banque au format CSV, OFX ou CAMT.053.');
  }
  const format = sniffStatementFormat(bytes);
  const parsed = format === 'ofx' ? parseOfxStatement(bytes) : format === 'camt053' ? parseCamtStatement(bytes) : parseCsvStatement(bytes, mapping);
  if (parsed.lines.length > MAX_STATEMENT_LINES)
    throw new StatementTooLarge(`Le relevé compte plus de ${MAX_STATEMENT_LINES} opérations. Exportez une période plus courte.`);
  return parsed;
}
