import { parse } from 'csv-parse/sync';
import { checkCsvBounds } from './limits';
import { type CsvMapping, type ParsedLine, type ParsedStatement, StatementFileError } from './statement-file';
import { chequeNoInLabel, cleanLabel, dateOrderOf, dateTextIn, decodeBankFile, parseBankAmount, parseBankDate } from './text';

interface Row {
  cells: string[];
  /** 1-based line of the file. */
  line: number;
}

const DELIMITERS: CsvMapping['delimiter'][] = [';', '\t', ','];

/** Column names French banks use, without accents, lower case. */
const HEADERS: Record<'date' | 'label' | 'amount' | 'debit' | 'credit' | 'chequeNo' | 'reference' | 'balance', RegExp> = {
  date: /^date( (de l'?)?(operation|comptable|comptabilisation|opé))?$|^date operation$|^date$/,
  label: /^(libelle|libelle (de l'?)?operation|intitule|designation|description|nature( de l'?operation)?|detail|operation|motif)/,
  // "Montant", "Montant (EUR)", La Banque Postale's "Montant(EUROS)" (its "Montant(FRANCS)" is not).
  amount: /^(montant|somme)( ?\(?(eur|euros?)\)?)?( de l'?operation)?$/,
  debit: /^(debit|montant debit|debits)( \(?(eur|euros?)\)?)?$/,
  credit: /^(credit|montant credit|credits)( \(?(eur|euros?)\)?)?$/,
  chequeNo: /^(n[°o]? ?(de )?cheque|numero (de )?cheque|cheque|n° cheque)$/,
  reference: /^(reference|ref\.?|référence)( (de l'?)?operation)?$/,
  balance: /^(solde|nouveau solde|solde apres operation)( \(?(eur|euros?)\)?)?$/,
};

const simplify = (cell: string): string =>
  cell
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[€]/g, '')
    .replace(/\s+/g, ' ')
    .trim();

function readRows(text: string, delimiter: string): Row[] {
  try {
    const records = parse(text, {
      delimiter,
      relax_quotes: true,
      relax_column_count: true,
      skip_empty_lines: false,
      info: true,
      bom: true,
      trim: true,
    }) as unknown as Array<{
      record: string[];
      info: { lines: number };
    }>;
    return records.map(({ record, info }) => ({ cells: record, line: info.lines }));
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? null;
    throw new StatementFileError(line, 'guillemets mal fermés : une valeur entre guillemets doit se terminer par un guillemet.');
  }
}

/** The delimiter that gives the most rows of the most common width (at least 3 columns). */
function guessDelimiter(text: string): CsvMapping['delimiter'] {
  let best: { delimiter: CsvMapping['delimiter']; score: number } = { delimiter: ';', score: -1 };
  // The first 200 lines (never a split of the whole file: it may be millions of empty lines).
  let end = 0;
  for (let n = 0; n < 200 && end >= 0; n++) end = text.indexOf('\n', end + 1);
  const sample = text.slice(0, end < 0 ? Math.min(text.length, 256 * 1024) : Math.min(end, 256 * 1024));
  for (const delimiter of DELIMITERS) {
    let rows: Row[];
    try {
      // A delimiter that makes the sample's rows too wide is not this file's (and would be slow to try).
      checkCsvBounds(sample, delimiter);
      rows = readRows(sample, delimiter);
    } catch {
      continue;
    }
    const widths = new Map<number, number>();
    for (const row of rows) if (row.cells.length >= 3) widths.set(row.cells.length, (widths.get(row.cells.length) ?? 0) + 1);
    const score = Math.max(0, ...widths.values());
    if (score > best.score) best = { delimiter, score };
  }
  return best.delimiter;
}

function findHeader(rows: Row[]): { row: Row; mapping: Partial<CsvMapping> } | null {
  for (const row of rows.slice(0, 60)) {
    const names = row.cells.map(simplify);
    const find = (key: keyof typeof HEADERS): number | null => {
      const i = names.findIndex((n) => HEADERS[key].test(n));
      return i < 0 ? null : i;
    };
    const date = find('date') ?? names.findIndex((n) => n.startsWith('date'));
    const label = find('label');
    const amount = find('amount');
    const debit = find('debit');
    const credit = find('credit');
    if (date === null || date < 0 || label === null || (amount === null && debit === null && credit === null)) continue;
    return { row, mapping: { date, label, amount, debit, credit, chequeNo: find('chequeNo'), reference: find('reference'), balance: find('balance') } };
  }
  return null;
}

/** A table without column names: the date, amount and label columns found by their content. */
function guessColumns(rows: Row[]): Partial<CsvMapping> | null {
  const data = rows.filter((r) => r.cells.length >= 3 && r.cells.some((c) => parseBankDate(c) !== null));
  if (data.length === 0) return null;
  const width = Math.max(...data.map((r) => r.cells.length));
  const share = (test: (cell: string) => boolean, col: number): number => data.filter((r) => test(r.cells[col] ?? '')).length / data.length;
  const cols = [...Array(width).keys()];
  const date = cols.find((c) => share((cell) => parseBankDate(cell) !== null, c) > 0.8);
  if (date === undefined) return null;
  const amounts = cols.filter((c) => c !== date && share((cell) => parseBankDate(cell) === null && (cell === '' || parseBankAmount(cell) !== null), c) > 0.95);
  const filled = amounts.filter((c) => share((cell) => cell !== '', c) > 0);
  const labels = cols.filter((c) => c !== date && !amounts.includes(c));
  if (filled.length === 0 || labels.length === 0) return null;
  const label = labels.reduce((a, b) => (share((cell) => /[a-z]/i.test(cell), b) > share((cell) => /[a-z]/i.test(cell), a) ? b : a));
  // Two amount columns, never both filled on one row: débit then crédit, as French statements print them.
  const pair = filled.length >= 2 && share((cell) => cell !== '', filled[0]) < 1 ? filled.slice(-2) : null;
  return pair
    ? { date, label, amount: null, debit: pair[0], credit: pair[1], chequeNo: null, reference: null, balance: null }
    : { date, label, amount: filled[filled.length - 1], debit: null, credit: null, chequeNo: null, reference: null, balance: null };
}

/** A balance row: a cell opening with "Solde" ("Solde au 31/03/2025", "Nouveau solde", "Solde créditeur"). */
const BALANCE = /^\s*(nouveau |ancien |)solde\b/i;
const OPENING_BALANCE = /(ancien|initial|precedent|début|debut|d'ouverture|au debut)/i;

/** "Solde au 31/03/2025 ; 1 234,56" in one cell or several: its date and amount (débiteur: negative). */
function balanceOf(row: Row, dateFormat?: CsvMapping['dateFormat']): { date: string | null; amount: number | null; opening: boolean } | null {
  if (!row.cells.some((cell) => BALANCE.test(cell))) return null;
  const text = row.cells.join(' ');
  const dateText = dateTextIn(text);
  const date = dateText
    ? parseBankDate(dateText, dateOrderOf(dateText) === 'yyyy-mm-dd' ? 'yyyy-mm-dd' : dateFormat === 'yyyy-mm-dd' ? undefined : dateFormat)
    : null;
  let amount: number | null = null;
  for (const cell of row.cells) {
    const rest = (dateText ? cell.replace(dateText, ' ') : cell).trim();
    const whole = rest === '' ? null : parseBankAmount(rest);
    if (whole !== null) {
      amount = whole;
      continue;
    }
    const inText = rest.match(/[+-]?\d{1,3}(?:[ \u00a0\u202f.]?\d{3})*[.,]\d{2}(?!\d)(?:\s*-)?/g);
    if (inText) amount = parseBankAmount(inText[inText.length - 1]) ?? amount;
  }
  if (amount !== null && /d[ée]biteur/i.test(text)) amount = -Math.abs(amount);
  return { date, amount, opening: OPENING_BALANCE.test(simplify(text)) };
}

function dateFormatOf(rows: Row[], col: number): CsvMapping['dateFormat'] {
  const iso = rows.filter((r) => dateOrderOf(r.cells[col] ?? '') === 'yyyy-mm-dd').length;
  const french = rows.filter((r) => dateOrderOf(r.cells[col] ?? '') === 'dd/mm/yyyy').length;
  return iso > french ? 'yyyy-mm-dd' : 'dd/mm/yyyy';
}

const EXPECTED_DATE: Record<CsvMapping['dateFormat'], string> = { 'dd/mm/yyyy': 'jj/mm/aaaa', 'yyyy-mm-dd': 'aaaa-mm-jj' };

/**
 * The balance a "Solde" column gives: the one after the last operation of the last day, whether
 * the file lists the newest operation first (Crédit Mutuel) or last. A balance row of the file
 * ("Solde au …") is read too; the later one wins.
 */
function balanceOfColumn(lines: readonly ParsedLine[], running: ReadonlyArray<number | null>): { date: string; amount: number } | null {
  if (lines.length === 0 || running.every((b) => b === null)) return null;
  const newestFirst = lines[0].date > lines[lines.length - 1].date;
  const lastDay = lines.reduce((max, l) => (l.date > max ? l.date : max), lines[0].date);
  const order = lines.map((_, i) => i).filter((i) => lines[i].date === lastDay);
  const at = newestFirst ? order[0] : order[order.length - 1];
  const amount = running[at];
  return amount === null ? null : { date: lastDay, amount };
}

/**
 * A CSV export of a French bank: lines of account details above the table, UTF-8 or
 * Windows-1252, `;` `,` or tab, one signed amount column or débit / crédit columns, a balance
 * line or none. `corrected` is a mapping the user corrected after a preview: it wins.
 */
export function parseCsvStatement(bytes: Buffer, corrected?: Partial<CsvMapping>): ParsedStatement {
  const { text, encoding } = decodeBankFile(bytes, corrected?.encoding);
  const delimiter = corrected?.delimiter ?? guessDelimiter(text);
  checkCsvBounds(text, delimiter);
  const rows = readRows(text, delimiter);
  let headerLine = 0;
  let columns: string[] = [];
  let found: Partial<CsvMapping> | null;
  if (corrected?.headerLine !== undefined) {
    headerLine = corrected.headerLine;
    const header = rows.find((r) => r.line === headerLine);
    columns = header?.cells ?? [];
    found = headerLine > 0 && header ? (findHeader([header])?.mapping ?? {}) : (guessColumns(rows) ?? {});
  } else {
    const header = findHeader(rows);
    if (header) {
      headerLine = header.row.line;
      columns = header.row.cells;
      found = header.mapping;
    } else {
      found = guessColumns(rows);
    }
  }
  const mapping: CsvMapping = {
    encoding,
    delimiter,
    headerLine,
    date: corrected?.date ?? found?.date ?? -1,
    label: corrected?.label ?? found?.label ?? -1,
    amount: corrected?.amount !== undefined ? corrected.amount : (found?.amount ?? null),
    debit: corrected?.debit !== undefined ? corrected.debit : (found?.debit ?? null),
    credit: corrected?.credit !== undefined ? corrected.credit : (found?.credit ?? null),
    chequeNo: corrected?.chequeNo !== undefined ? corrected.chequeNo : (found?.chequeNo ?? null),
    reference: corrected?.reference !== undefined ? corrected.reference : (found?.reference ?? null),
    balance: corrected?.balance !== undefined ? corrected.balance : (found?.balance ?? null),
    dateFormat: 'dd/mm/yyyy',
  };
  if (mapping.date < 0 || mapping.label < 0 || (mapping.amount === null && mapping.debit === null && mapping.credit === null)) {
    throw new StatementFileError(
      rows[0]?.line ?? 1,
      "ligne d'en-tête du tableau attendue (colonnes Date, Libellé, et Montant ou Débit / Crédit) : aucune n'a été trouvée. Vérifiez qu'il s'agit bien d'un relevé exporté par la banque.",
    );
  }
  const body = rows.filter((r) => r.line > headerLine);
  mapping.dateFormat = corrected?.dateFormat ?? dateFormatOf(body, mapping.date);
  const name = (col: number | null, fallback: string): string => (col !== null && columns[col] ? `« ${columns[col]} »` : fallback);

  const lines: ParsedLine[] = [];
  // The "Solde" column's value on each operation's row, in the file's order.
  const running: Array<number | null> = [];
  const balances: Array<{ date: string | null; amount: number | null; opening: boolean; line: number }> = [];
  // The account details above the table: La Banque Postale states "Date ;28/11/2025" then
  // "Solde (EUROS) ;1 234,56" (and the same in francs, which is not the balance).
  let detailsDate: string | null = null;
  for (const row of rows.filter((r) => r.line < headerLine)) {
    if (simplify(row.cells[0] ?? '') === 'date') detailsDate = parseBankDate(row.cells[1] ?? '', mapping.dateFormat) ?? detailsDate;
    if (/franc/i.test(row.cells.join(' '))) continue;
    const balance = balanceOf(row, mapping.dateFormat);
    if (balance?.amount != null) balances.push({ ...balance, date: balance.date ?? detailsDate, line: row.line });
  }
  for (const row of body) {
    const cells = row.cells;
    if (cells.every((c) => c === '')) continue;
    const balance = balanceOf(row, mapping.dateFormat);
    if (balance) {
      if (balance.amount !== null) balances.push({ ...balance, line: row.line });
      continue;
    }
    const dateCell = cells[mapping.date] ?? '';
    const date = parseBankDate(dateCell, mapping.dateFormat);
    if (date === null) {
      // Totals and blank separators under the table are not operations.
      if (/\btotal\b/i.test(cells.join(' ')) || cells.filter((c) => c !== '').length <= 1) continue;
      throw new StatementFileError(
        row.line,
        `date attendue dans la colonne ${name(mapping.date, `n° ${mapping.date + 1}`)} (${EXPECTED_DATE[mapping.dateFormat]}), trouvé « ${dateCell.slice(0, 40)} ».`,
      );
    }
    let amount: number | null;
    if (mapping.amount !== null) {
      const cell = cells[mapping.amount] ?? '';
      amount = parseBankAmount(cell);
      if (amount === null) {
        throw new StatementFileError(
          row.line,
          `montant attendu dans la colonne ${name(mapping.amount, `n° ${mapping.amount + 1}`)} (ex. -1 234,56), trouvé « ${cell.slice(0, 40)} ».`,
        );
      }
    } else {
      const debitCell = mapping.debit === null ? '' : (cells[mapping.debit] ?? '');
      const creditCell = mapping.credit === null ? '' : (cells[mapping.credit] ?? '');
      const debit = debitCell === '' ? 0 : parseBankAmount(debitCell);
      const credit = creditCell === '' ? 0 : parseBankAmount(creditCell);
      if (debit === null || credit === null || (debitCell === '' && creditCell === '')) {
        const shown = debit === null ? debitCell : creditCell;
        throw new StatementFileError(
          row.line,
          `montant attendu dans la colonne ${name(mapping.debit, 'Débit')} ou ${name(mapping.credit, 'Crédit')} (ex. 1 234,56), trouvé « ${shown.slice(0, 40)} ».`,
        );
      }
      amount = Math.abs(credit) - Math.abs(debit);
    }
    const label = cleanLabel(cells[mapping.label] ?? '');
    const chequeCell = mapping.chequeNo === null ? '' : (cells[mapping.chequeNo] ?? '').trim();
    const reference = mapping.reference === null ? '' : (cells[mapping.reference] ?? '').trim();
    lines.push({ date, label, amount, chequeNo: chequeCell || chequeNoInLabel(label), reference: reference || null, sourceLine: row.line });
    running.push(mapping.balance === null ? null : parseBankAmount(cells[mapping.balance] ?? ''));
  }
  const fromColumn = balanceOfColumn(lines, running);
  if (fromColumn) balances.push({ ...fromColumn, opening: false, line: 0 });
  const closing = balances.filter((b) => !b.opening && b.amount !== null);
  const last = closing.sort((a, b) => (a.date ?? '').localeCompare(b.date ?? '') || a.line - b.line).at(-1);
  // A month without operations is still a statement when the bank states its balance.
  if (lines.length === 0 && !last)
    throw new StatementFileError(
      headerLine || null,
      "aucune opération sous l'en-tête du tableau : une ligne par opération (date, libellé, montant) est attendue.",
    );
  const lastLineDate = lines.reduce<string | null>((max, l) => (max === null || l.date > max ? l.date : max), null);
  return {
    format: 'csv',
    mapping,
    columns,
    date: last ? (last.date ?? lastLineDate) : null,
    closingBalance: last?.amount ?? null,
    lines,
  };
}
