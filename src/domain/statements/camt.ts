import { checkXmlBounds } from './limits';
import { parseXml } from './ofx';
import { type ParsedLine, type ParsedStatement, StatementFileError } from './statement-file';
import { chequeNoInLabel, cleanLabel, decodeBankFile, linesOfMatches, parseBankAmount, parseBankDate } from './text';

type Node = { [name: string]: unknown };

const REPEATED = new Set(['Stmt', 'Ntry', 'Bal', 'TxDtls', 'Ustrd', 'NtryDtls']);
const arr = (value: unknown): Node[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]) as Node[];
const str = (value: unknown): string | null => {
  if (typeof value === 'string' || typeof value === 'number') return String(value).trim();
  if (value && typeof value === 'object' && '#text' in value) return String((value as Node)['#text']).trim();
  return null;
};
const at = (node: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((n, key) => (n && typeof n === 'object' ? (Array.isArray(n) ? n[0] : n)[key as never] : undefined), node);

/** A booking date: `<Dt>2025-03-31</Dt>` or `<DtTm>2025-03-31T10:00:00</DtTm>`. */
const dateOf = (node: unknown): string | null => parseBankDate(str(at(node, 'Dt')) ?? str(at(node, 'DtTm')) ?? '', 'yyyy-mm-dd');

/** Amount with its CdtDbtInd: CRDT is money in, DBIT money out. */
function signed(node: Node): number | null {
  const amount = parseBankAmount(str(node.Amt));
  if (amount === null) return null;
  return str(node.CdtDbtInd) === 'DBIT' ? -Math.abs(amount) : Math.abs(amount);
}

/** CAMT.053 (ISO 20022 BkToCstmrStmt): every booked entry of every statement of the file, the closing booked balance of the last. */
export function parseCamtStatement(bytes: Buffer): ParsedStatement {
  const { text } = decodeBankFile(bytes);
  checkXmlBounds(text);
  const doc = parseXml(text, { removeNSPrefix: true, ignoreAttributes: false, parseTagValue: false, isArray: (name) => REPEATED.has(name) }) as Node;
  // The line of each entry, found in one pass, for messages.
  const entryLines = linesOfMatches(text, /<(?:\w+:)?Ntry[\s>]/g);
  const stmts = arr(at(doc, 'Document', 'BkToCstmrStmt', 'Stmt'));
  if (stmts.length === 0) throw new StatementFileError(null, 'Fichier CAMT.053 sans relevé : un bloc <Stmt> dans <BkToCstmrStmt> est attendu.');
  const lines: ParsedLine[] = [];
  let closing: { date: string | null; amount: number | null } | null = null;
  let index = 0;
  for (const stmt of stmts) {
    for (const entry of arr(stmt.Ntry)) {
      const line = entryLines[index] ?? null;
      index++;
      const status = str(at(entry, 'Sts', 'Cd')) ?? str(entry.Sts);
      if (status && status !== 'BOOK') continue;
      const date = dateOf(entry.BookgDt) ?? dateOf(entry.ValDt);
      if (!date) throw new StatementFileError(line, "date de comptabilisation attendue dans <BookgDt><Dt> (aaaa-mm-jj) de l'écriture <Ntry>.");
      const amount = signed(entry);
      if (amount === null) throw new StatementFileError(line, 'montant attendu dans <Amt> (ex. 12.50) avec <CdtDbtInd> CRDT ou DBIT.');
      const details = arr(at(entry, 'NtryDtls', 'TxDtls'));
      const remittance = details.flatMap((d) => arr(at(d, 'RmtInf', 'Ustrd')).map(str)).filter((s): s is string => !!s);
      const party =
        str(at(details[0], 'RltdPties', amount < 0 ? 'Cdtr' : 'Dbtr', 'Nm')) ?? str(at(details[0], 'RltdPties', amount < 0 ? 'Cdtr' : 'Dbtr', 'Pty', 'Nm'));
      const info = str(entry.AddtlNtryInf);
      const label = cleanLabel([party, ...remittance].filter(Boolean).join(' ') || info || '');
      const chequeNo = str(at(details[0], 'Refs', 'ChqNb')) || chequeNoInLabel(label);
      const reference = str(entry.AcctSvcrRef) ?? str(entry.NtryRef) ?? str(at(details[0], 'Refs', 'AcctSvcrRef'));
      lines.push({ date, label, amount, chequeNo: chequeNo || null, reference: reference || null, sourceLine: line ?? 0 });
    }
    for (const balance of arr(stmt.Bal)) {
      if (str(at(balance, 'Tp', 'CdOrPrtry', 'Cd')) !== 'CLBD') continue;
      const date = dateOf(balance.Dt);
      const amount = signed(balance);
      if (!closing || (date ?? '') >= (closing.date ?? '')) closing = { date, amount };
    }
  }
  const lastLineDate = lines.reduce<string | null>((max, l) => (max === null || l.date > max ? l.date : max), null);
  return { format: 'camt053', mapping: null, columns: [], date: closing?.date ?? lastLineDate, closingBalance: closing?.amount ?? null, lines };
}
