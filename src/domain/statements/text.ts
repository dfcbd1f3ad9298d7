import iconv from 'iconv-lite';
import { calendarDate } from '../fiscal-year';
import { parseEuros } from '../money';

/** UTF-8 when the bytes are valid UTF-8 (a BOM is dropped), else Windows-1252 (a superset of Latin-1 as banks use it). */
export function decodeBankFile(bytes: Buffer, forced?: 'utf-8' | 'windows-1252'): { text: string; encoding: 'utf-8' | 'windows-1252' } {
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  if (forced === 'windows-1252') return { text: iconv.decode(body, 'windows-1252'), encoding: 'windows-1252' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(body), encoding: 'utf-8' };
  } catch {
    if (forced === 'utf-8') return { text: body.toString('utf8'), encoding: 'utf-8' };
    return { text: iconv.decode(body, 'windows-1252'), encoding: 'windows-1252' };
  }
}

/**
 * An amount as banks write it: "1 234,56", "-1234,56", "1234.56", "1.234,56", "1,234.56",
 * "+12,00 €", "12,00 EUR", "12,00-". Null when it is not one.
 */
export function parseBankAmount(input: string | null | undefined): number | null {
  if (input == null) return null;
  let text = String(input)
    .replace(/[\s\u00a0\u202f']/g, '')
    .replace(/(€|EUR|EUROS?)$/i, '');
  if (text === '') return null;
  let negative = false;
  if (/^\(.*\)$/.test(text)) [text, negative] = [text.slice(1, -1), true];
  if (/^[^-].*-$/.test(text)) [text, negative] = [text.slice(0, -1), true];
  // "1,234.56": English grouping, the dot last is the decimal point.
  if (/^[+-]?\d{1,3}(,\d{3})+\.\d{1,2}$/.test(text)) text = text.replace(/,/g, '');
  const cents = parseEuros(text);
  if (cents === null) return null;
  return negative ? -Math.abs(cents) : cents;
}

/** "31/03/2025", "31-03-2025", "31.03.25" or "2025-03-31" → "2025-03-31"; null when not a real date. */
export function parseBankDate(input: string | null | undefined, format?: 'dd/mm/yyyy' | 'yyyy-mm-dd'): string | null {
  if (input == null) return null;
  const text = String(input).trim();
  const iso = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ].*)?$/.exec(text);
  if (iso && format !== 'dd/mm/yyyy') return calendarDate(iso[1], iso[2], iso[3]);
  const french = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})(?: .*)?$/.exec(text);
  if (french && format !== 'yyyy-mm-dd') return calendarDate(french[3].length === 2 ? `20${french[3]}` : french[3], french[2], french[1]);
  return null;
}

/** A bank file's date inside a text ("Solde au 31/03/2025 : …"), as written; null when none. */
export const dateTextIn = (text: string): string | null => /(\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2})/.exec(text)?.[1] ?? null;

/** The order a cell's date is written in, the year first or last; null when the cell opens with no date. */
export const dateOrderOf = (cell: string): 'dd/mm/yyyy' | 'yyyy-mm-dd' | null =>
  /^\d{4}-\d{1,2}-\d{1,2}/.test(cell) ? 'yyyy-mm-dd' : /^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}/.test(cell) ? 'dd/mm/yyyy' : null;

/** "20250331", "20250331120000[+1:CET]" (OFX) → "2025-03-31". */
export function parseCompactDate(input: string | null | undefined): string | null {
  const m = /^(\d{4})(\d{2})(\d{2})/.exec(String(input ?? '').trim());
  return m ? calendarDate(m[1], m[2], m[3]) : null;
}

/** A label with its runs of spaces made one, trimmed. */
export const cleanLabel = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** A cheque number named in a label: "CHEQUE N° 1234567", "CHQ 0001234". */
export function chequeNoInLabel(label: string): string | null {
  const m = /\b(?:CH[EÈÉ]QUE|CHQ|CHEQ)\.?\s*(?:N[°O.]?\s*)?(\d{5,8})\b/i.exec(label);
  return m ? m[1].replace(/^0+(?=\d)/, '') : null;
}

/** A cheque number as compared: digits only, leading zeros dropped. */
export const normalChequeNo = (value: string | null | undefined): string | null => {
  const digits = String(value ?? '').replace(/\D/g, '');
  return digits === '' ? null : digits.replace(/^0+(?=\d)/, '');
};

/**
 * The 1-based line of every match of `tag` (a global regex) in the text, in one pass: for
 * messages naming the line of the nth operation of an XML file.
 */
export function linesOfMatches(text: string, tag: RegExp): number[] {
  const lines: number[] = [];
  let line = 1;
  let offset = 0;
  tag.lastIndex = 0;
  for (let m = tag.exec(text); m !== null; m = tag.exec(text)) {
    for (let i = text.indexOf('\n', offset); i >= 0 && i < m.index; i = text.indexOf('\n', i + 1)) line++;
    offset = m.index;
    lines.push(line);
  }
  return lines;
}
