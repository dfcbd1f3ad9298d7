import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { type ParsedLine, type ParsedStatement, StatementFileError } from './statement-file';
import { checkXmlBounds, STATEMENT_LIMITS } from './limits';
import { chequeNoInLabel, cleanLabel, decodeBankFile, linesOfMatches, parseBankAmount, parseCompactDate } from './text';

/** An OFX aggregate: its elements by name (a repeated one is an array), leaves as text. */
export type OfxNode = { [name: string]: OfxValue };
type OfxValue = string | OfxNode | OfxValue[];

/** Where each aggregate read from SGML starts (1-based line), for messages. */
const startLines = new WeakMap<OfxNode, number>();

const lineAt = (text: string, offset: number): number => {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
};

function add(node: OfxNode, name: string, value: OfxValue): void {
  const existing = node[name];
  if (existing === undefined) node[name] = value;
  else if (Array.isArray(existing)) existing.push(value);
  else node[name] = [existing, value];
}

/**
 * OFX 1.x is SGML: `<TRNAMT>-12.50` leaves have no closing tag, aggregates do (`</STMTTRN>`).
 * A small reader of ours (no package for it holds up): a tag followed by text is a leaf; a tag
 * followed by another tag opens an aggregate, closed by its end tag (which also closes any
 * leaf-less aggregate left open inside it).
 */
export function readOfxSgml(text: string): OfxNode {
  const start = text.search(/<OFX>/i);
  if (start < 0) throw new StatementFileError(null, 'Fichier OFX illisible : la balise <OFX> est attendue.');
  const root: OfxNode = {};
  const stack: Array<{ name: string; node: OfxNode }> = [{ name: '', node: root }];
  const tag = /<(\/?)([A-Za-z0-9_.]+)>([^<]*)/g;
  tag.lastIndex = start;
  let m: RegExpExecArray | null;
  let offset = start;
  let line = lineAt(text, start);
  while ((m = tag.exec(text)) !== null) {
    for (let i = offset; i < m.index; i++) if (text.charCodeAt(i) === 10) line++;
    offset = m.index;
    const [, closing, rawName, after] = m;
    const name = rawName.toUpperCase();
    if (closing) {
      let at = stack.length - 1;
      while (at > 0 && stack[at].name !== name) at--;
      // The end tag of a leaf written in full (`<CODE>0</CODE>`) closes nothing.
      if (at > 0) stack.length = at;
      continue;
    }
    const value = after.trim();
    if (value !== '') {
      add(stack[stack.length - 1].node, name, value);
    } else {
      const node: OfxNode = {};
      startLines.set(node, line);
      add(stack[stack.length - 1].node, name, node);
      stack.push({ name, node });
      // Aggregates left open nest deeper and deeper: bounded, so the search above stays short.
      if (stack.length > STATEMENT_LIMITS.xmlDepth) {
        throw new StatementFileError(
          line,
          `des balises imbriquées sur plus de ${STATEMENT_LIMITS.xmlDepth} niveaux, ce qu’un relevé de banque ne contient jamais.`,
        );
      }
    }
  }
  const ofx = root.OFX;
  if (!ofx || typeof ofx !== 'object' || Array.isArray(ofx)) throw new StatementFileError(null, 'Fichier OFX illisible : la balise <OFX> est attendue.');
  return ofx;
}

/** fast-xml-parser's own words are English: ours say what is expected. */
export const MALFORMED_XML = "XML mal formé : chaque balise ouverte doit être fermée, dans l'ordre.";

/**
 * An XML text (bounded by checkXmlBounds first) read by fast-xml-parser: anything the parser
 * throws is a file it cannot read, refused in French, never a 500.
 */
export function parseXml(text: string, options: ConstructorParameters<typeof XMLParser>[0]): unknown {
  let valid: ReturnType<typeof XMLValidator.validate>;
  try {
    valid = XMLValidator.validate(text);
  } catch {
    throw new StatementFileError(null, MALFORMED_XML);
  }
  if (valid !== true) throw new StatementFileError(valid.err.line, MALFORMED_XML);
  try {
    return new XMLParser(options).parse(text);
  } catch {
    throw new StatementFileError(null, MALFORMED_XML);
  }
}

/** OFX 2.x is XML: read with fast-xml-parser; a malformed file is refused with its line. */
export function readOfxXml(text: string): OfxNode {
  const parsed = parseXml(text, { ignoreAttributes: true, parseTagValue: false, trimValues: true, ignoreDeclaration: true, ignorePiTags: true }) as OfxNode;
  const ofx = parsed.OFX;
  if (!ofx || typeof ofx !== 'object' || Array.isArray(ofx)) throw new StatementFileError(null, 'Fichier OFX illisible : la balise <OFX> est attendue.');
  return ofx;
}

const list = (value: OfxValue | undefined): OfxValue[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const nodes = (value: OfxValue | undefined): OfxNode[] => list(value).filter((v): v is OfxNode => typeof v === 'object' && !Array.isArray(v));
const leaf = (node: OfxNode | undefined, name: string): string | null => {
  const value = node?.[name];
  return typeof value === 'string' ? value : null;
};

/** Every statement response of the file: bank accounts (STMTRS) and cards (CCSTMTRS). */
function statements(ofx: OfxNode): OfxNode[] {
  const found: OfxNode[] = [];
  for (const set of [...nodes(ofx.BANKMSGSRSV1), ...nodes(ofx.CREDITCARDMSGSRSV1)]) {
    for (const wrapper of [...nodes(set.STMTTRNRS), ...nodes(set.CCSTMTTRNRS)]) found.push(...nodes(wrapper.STMTRS), ...nodes(wrapper.CCSTMTRS));
  }
  return found;
}

/** OFX 1.x (SGML) or 2.x (XML): the lines of every statement of the file, the ledger balance of the last. */
export function parseOfxStatement(bytes: Buffer): ParsedStatement {
  const head = bytes.subarray(0, 400).toString('latin1');
  const charset = /CHARSET:\s*(\d+)/i.exec(head)?.[1];
  const { text } = decodeBankFile(bytes, charset === '1252' || /ENCODING:\s*USASCII/i.test(head) ? 'windows-1252' : undefined);
  const xml = /^\s*(<\?xml|<\?OFX)/i.test(text);
  checkXmlBounds(text, !xml);
  const ofx = xml ? readOfxXml(text) : readOfxSgml(text);
  // The line of each operation of an XML file, found in one pass (SGML ones know theirs).
  const xmlLines = xml ? linesOfMatches(text, /<STMTTRN>/gi) : [];
  const stmts = statements(ofx);
  if (stmts.length === 0) throw new StatementFileError(null, 'Fichier OFX sans relevé : un bloc <STMTRS> (relevé de compte) est attendu.');
  const lines: ParsedLine[] = [];
  let closing: { date: string | null; amount: number | null } | null = null;
  let index = 0;
  for (const stmt of stmts) {
    for (const list of nodes(stmt.BANKTRANLIST)) {
      for (const trn of nodes(list.STMTTRN)) {
        const line = startLines.get(trn) ?? xmlLines[index] ?? null;
        index++;
        const date = parseCompactDate(leaf(trn, 'DTPOSTED'));
        if (!date) throw new StatementFileError(line, `date de l'opération attendue dans <DTPOSTED> (AAAAMMJJ), trouvé « ${leaf(trn, 'DTPOSTED') ?? ''} ».`);
        const amount = parseBankAmount(leaf(trn, 'TRNAMT'));
        if (amount === null) throw new StatementFileError(line, `montant attendu dans <TRNAMT> (ex. -12.50), trouvé « ${leaf(trn, 'TRNAMT') ?? ''} ».`);
        const name = cleanLabel(leaf(trn, 'NAME') ?? '');
        const memo = cleanLabel(leaf(trn, 'MEMO') ?? '');
        const label = memo && memo !== name ? cleanLabel(`${name} ${memo}`) : name || memo;
        const chequeNo = leaf(trn, 'CHECKNUM')?.trim() || chequeNoInLabel(label);
        lines.push({ date, label, amount, chequeNo, reference: leaf(trn, 'FITID')?.trim() || null, sourceLine: line ?? 0 });
      }
    }
    const balance = nodes(stmt.LEDGERBAL)[0];
    if (balance) {
      const date = parseCompactDate(leaf(balance, 'DTASOF'));
      const amount = parseBankAmount(leaf(balance, 'BALAMT'));
      if (!closing || (date ?? '') >= (closing.date ?? '')) closing = { date, amount };
    }
  }
  const lastLineDate = lines.reduce<string | null>((max, l) => (max === null || l.date > max ? l.date : max), null);
  return { format: 'ofx', mapping: null, columns: [], date: closing?.date ?? lastLineDate, closingBalance: closing?.amount ?? null, lines };
}
