import { parentPort } from 'node:worker_threads';
import { DomainError } from '../domain/errors';
import { type CsvMapping, readStatementFile } from '../domain/statements';

/** One bank file read off the event loop (StatementReader's worker): the parsed statement, or the refusal in French. */
parentPort?.on('message', ({ id, bytes, mapping }: { id: number; bytes: Uint8Array; mapping?: Partial<CsvMapping> }) => {
  try {
    parentPort!.postMessage({ id, parsed: readStatementFile(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), mapping) });
  } catch (error) {
    const refusal =
      error instanceof DomainError
        ? { code: error.code, message: error.message, field: error.field, kind: error.kind, details: error.details }
        : { code: 'STATEMENT_UNREADABLE', message: 'Ce fichier ne peut pas être lu comme un relevé (CSV, OFX ou CAMT.053).', field: 'file', kind: 'invalid' };
    parentPort!.postMessage({ id, refusal });
  }
});
