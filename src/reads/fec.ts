import * as iconv from 'iconv-lite';
import { ADVANCES, BANK, CASH, type Chart, findAccount } from '../domain/chart';
import { yearEnd, yearStart } from '../domain/fiscal-year';
import { type EntryLine } from '../events/ledger-events';
import { byDate, creditOf, debitOf } from '../projections/ledger/amounts';
import { type NotebookDoc } from '../projections/ledger/notebook.projection';
import { plainAmount } from './exports';

/**
 * Fichier des Écritures Comptables (article A47 A-1 of the LPF), for one coop's fiscal year or a
 * whole department's. One record per line of each entry, the 18 columns below, tab-separated,
 * CRLF, ISO-8859-15 without BOM (characters outside it transliterated).
 * - Journals: AN (à nouveaux: the opening), BQ (entries touching the bank, 512), CA (the cash box,
 *   530, without the bank), OD (the rest: advances explained, transfers between charges…).
 * - EcritureNum: 1, 2, 3… over the file, in date order (date, PJ, record order). A closed year's
 *   entries can no longer change, so its numbers are fixed from the closing on; an open year's
 *   file is provisional (its name says so) and its numbers move as entries are added.
 * - ValidDate: the closing date of a closed year; empty in a provisional file.
 * - EcritureLet / DateLet: the lines of a settled advance (paid = returned + explained) share a
 *   letter and the date of the last of them; pointage is not lettering and is not written.
 */
export const FEC_COLUMNS = [
  'JournalCode',
  'JournalLib',
  'EcritureNum',
  'EcritureDate',
  'CompteNum',
  'CompteLib',
  'CompAuxNum',
  'CompAuxLib',
  'PieceRef',
  'PieceDate',
  'EcritureLib',
  'Debit',
  'Credit',
  'EcritureLet',
  'DateLet',
  'ValidDate',
  'Montantdevise',
  'Idevise',
] as const;

export const FEC_JOURNALS = {
  AN: 'A nouveaux',
  BQ: 'Banque',
  CA: 'Caisse',
  OD: 'Operations diverses',
} as const;
type Journal = keyof typeof FEC_JOURNALS;

/** Opening entries balance against the association's carried-forward result. */
export const CARRIED_CREDIT = { code: '110', label: 'Report à nouveau (solde créditeur)' };
export const CARRIED_DEBIT = { code: '119', label: 'Report à nouveau (solde débiteur)' };

// ---- encoding ----------------------------------------------------------------------------------

export const FEC_ENCODING = 'iso-8859-15';
/** The 256 characters ISO-8859-15 has. */
const LATIN9 = new Set(iconv.decode(Buffer.from(Array.from({ length: 256 }, (_, i) => i)), FEC_ENCODING));
/** Typographic characters French labels are full of, as the text allows them. */
const TRANSLITERATIONS: Record<string, string> = {
  '\u2013': '-',
  '\u2014': '-',
  '\u2010': '-',
  '\u2011': '-',
  '\u2212': '-',
  '\u2018': "'",
  '\u2019': "'",
  '\u201a': "'",
  '\u2032': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u201e': '"',
  '\u2026': '...',
  '\u202f': ' ',
  '\u2009': ' ',
  '\u2007': ' ',
  '\u2022': '-',
  '\u2122': 'TM',
};

/**
 * Text as ISO-8859-15 can hold it: kept when it can; dashes, quotes and ellipses as their ASCII
 * forms; other letters without their accents (ā → a); anything else "?". Tabs and line breaks
 * would break the record: they become spaces. Unlike the CSV, the FEC neutralises no formula
 * ("=…", "+…"): it is read by the administration's tools (Test Compta Demat, audit software), not
 * opened in a spreadsheet, and its text must be the label as entered.
 */
export function fecText(text: string | null): string {
  // Most labels are ASCII and Latin-1 letters ISO-8859-15 keeps: written as they are.
  if (text !== null && KEPT_AS_IS.test(text)) return text.trim();
  let out = '';
  for (const char of (text ?? '').replace(/[\t\r\n]+/g, ' ').trim()) {
    if (LATIN9.has(char) && char >= ' ') out += char;
    else if (TRANSLITERATIONS[char] !== undefined) out += TRANSLITERATIONS[char];
    else {
      const bare = char.normalize('NFD').replace(/\p{M}/gu, '');
      out += [...bare].every((c) => LATIN9.has(c) && c >= ' ') && bare !== '' ? bare : '?';
    }
  }
  return out;
}

/** Printable ASCII and the Latin-1 letters and signs ISO-8859-15 did not replace (it dropped ¤ ¦ ¨ ´ ¸ ¼ ½ ¾). */
const KEPT_AS_IS = /^[\x20-\x7e\u00a0-\u00a3\u00a5\u00a7\u00a9-\u00b3\u00b5-\u00b7\u00b9-\u00bb\u00bf-\u00ff]*$/;

/**
 * The bytes of a FEC text (made of ISO-8859-15 characters by fecText). Below U+0100 the text has
 * only characters ISO-8859-15 shares with Latin-1, at the same bytes: those chunks skip iconv.
 */
export const encodeFec = (text: string): Buffer => (/[^\u0000-\u00ff]/.test(text) ? iconv.encode(text, FEC_ENCODING) : Buffer.from(text, 'latin1'));

// ---- records -----------------------------------------------------------------------------------

/** 'YYYY-MM-DD' → 'AAAAMMJJ'. */
const fecDate = (date: string): string => date.replace(/-/g, '');

interface FecEntry {
  journal: Journal;
  date: string;
  pj: string;
  label: string;
  lines: EntryLine[];
}

function openingEntry(doc: NotebookDoc): FecEntry | null {
  const signed = (account: string, amount: number, regie?: string): EntryLine[] =>
    amount === 0 ? [] : [amount > 0 ? { account, debit: amount, ...(regie ? { regie } : {}) } : { account, credit: -amount, ...(regie ? { regie } : {}) }];
  const lines = [...signed(BANK, doc.opening.bank), ...signed(CASH, doc.opening.cash), ...doc.openAdvances.flatMap((a) => signed(ADVANCES, a.amount, a.regie))];
  if (lines.length === 0) return null;
  const net = lines.reduce((s, l) => s + debitOf(l) - creditOf(l), 0);
  if (net > 0) lines.push({ account: CARRIED_CREDIT.code, credit: net });
  if (net < 0) lines.push({ account: CARRIED_DEBIT.code, debit: -net });
  return { journal: 'AN', date: yearStart(doc.year), pj: 'AN', label: 'A nouveau', lines };
}

const journalOf = (lines: EntryLine[]): Journal => (lines.some((l) => l.account === BANK) ? 'BQ' : lines.some((l) => l.account === CASH) ? 'CA' : 'OD');

/** The opening, then the entries in date order: the order of their numbers. */
export function fecEntries(doc: NotebookDoc): FecEntry[] {
  const opening = openingEntry(doc);
  const entries = [...doc.entries].sort(byDate).map((e) => ({ journal: journalOf(e.lines), date: e.date, pj: e.pj, label: e.label, lines: e.lines }));
  return opening ? [opening, ...entries] : entries;
}

/** Advances settled in the year (paid = returned + explained, opening included): regie → the date of its last line. */
function settledAdvances(entries: readonly FecEntry[]): Map<string, string> {
  const sums = new Map<string, { net: number; last: string }>();
  for (const entry of entries) {
    for (const line of entry.lines) {
      if (line.account !== ADVANCES || !line.regie) continue;
      const sum = sums.get(line.regie) ?? { net: 0, last: entry.date };
      sums.set(line.regie, { net: sum.net + debitOf(line) - creditOf(line), last: entry.date > sum.last ? entry.date : sum.last });
    }
  }
  return new Map([...sums].filter(([, s]) => s.net === 0).map(([regie, s]) => [regie, s.last]));
}

/** Letter codes AAA, AAB, … ZZZ, then longer: unique over a file. */
export function letterCode(index: number): string {
  let code = '';
  let n = index;
  for (let i = 0; i < 3 || n > 0; i++) {
    code = String.fromCharCode(65 + (n % 26)) + code;
    n = Math.floor(n / 26);
  }
  return code;
}

function accountLabel(chart: Chart, code: string): string {
  if (code === CARRIED_CREDIT.code) return CARRIED_CREDIT.label;
  if (code === CARRIED_DEBIT.code) return CARRIED_DEBIT.label;
  return findAccount(chart, code)?.label ?? code;
}

const NO_AUXILIARY = ['', ''] as const;

/** Where the numbering and the letters of a file stand: a department's file goes on from coop to coop. */
export interface FecCursor {
  /** Entries numbered so far. */
  entries: number;
  /** Letters given so far. */
  letters: number;
  /** Σ debit and Σ credit written so far (the notice's control totals). */
  debit: number;
  credit: number;
  lines: number;
}

export const newFecCursor = (): FecCursor => ({ entries: 0, letters: 0, debit: 0, credit: 0, lines: 0 });

/** In a department's file, each coop's treasury and advance lines carry the coop, its PJ its id. */
export interface FecCoop {
  coopId: string;
  name: string;
}

/**
 * The records (lines, without the header) of one coop's year, numbered and lettered on from
 * `cursor`, which they advance. `department` set: the department's file (auxiliary account = the coop).
 */
export function fecRecords(doc: NotebookDoc, chart: Chart, cursor: FecCursor, department?: FecCoop): string {
  const entries = fecEntries(doc);
  const settled = settledAdvances(entries);
  const letters = new Map<string, string>();
  for (const regie of [...settled.keys()].sort()) letters.set(regie, letterCode(cursor.letters++));
  const validDate = doc.status === 'closed' && doc.closing ? fecDate(doc.closing.closedOn) : '';
  const labels = new Map<string, string>();
  const labelOf = (code: string): string => {
    let label = labels.get(code);
    if (label === undefined) labels.set(code, (label = fecText(accountLabel(chart, code))));
    return label;
  };
  const coop = department ? [fecText(department.coopId), fecText(department.name)] : null;
  let out = '';
  for (const entry of entries) {
    const number = String(++cursor.entries);
    const pieceRef = fecText(department ? `${department.coopId}-${entry.pj}` : entry.pj);
    const date = fecDate(entry.date);
    const label = fecText(entry.label) || pieceRef;
    for (const line of entry.lines) {
      const onAdvance = line.account === ADVANCES && line.regie;
      const auxiliary = coop
        ? line.account === BANK || line.account === CASH || line.account === ADVANCES
          ? coop
          : NO_AUXILIARY
        : onAdvance
          ? [fecText(line.regie!), fecText(`Régie ${line.regie}`)]
          : NO_AUXILIARY;
      const letter = onAdvance ? letters.get(line.regie!) : undefined;
      const debit = debitOf(line);
      const credit = creditOf(line);
      cursor.debit += debit;
      cursor.credit += credit;
      cursor.lines++;
      out +=
        `${entry.journal}\t${FEC_JOURNALS[entry.journal]}\t${number}\t${date}\t${line.account}\t${labelOf(line.account)}\t` +
        `${auxiliary[0]}\t${auxiliary[1]}\t${pieceRef}\t${date}\t${label}\t${plainAmount(debit)}\t${plainAmount(credit)}\t` +
        `${letter ?? ''}\t${letter ? fecDate(settled.get(line.regie!)!) : ''}\t${validDate}\t\t\r\n`;
    }
  }
  return out;
}

export const FEC_HEADER = `${FEC_COLUMNS.join('\t')}\r\n`;

/** One coop's FEC, as text (encodeFec gives its bytes). */
export function fec(doc: NotebookDoc, chart: Chart): string {
  return FEC_HEADER + fecRecords(doc, chart, newFecCursor());
}

/**
 * <SIREN>FEC<AAAAMMJJ>.txt, the date being the fiscal year's last day; a provisional file (a year
 * not closed) says so in its name. Without the association's SIREN (not given yet), `fallback`
 * stands in its place.
 */
export function fecFileName(year: number, siren: string | null, provisional: boolean, fallback: string): string {
  return `${siren ?? fallback}FEC${fecDate(yearEnd(year))}${provisional ? '_PROVISOIRE' : ''}.txt`;
}

/** What the descriptive notice says about the file it comes with. */
export interface FecNoticeFacts {
  fileName: string;
  year: number;
  /** "la coopérative C14001 (…)" or "les 12 coopératives du département 14". */
  scope: string;
  association: { name: string; siren: string; address: string } | null;
  provisional: boolean;
  department: boolean;
  generatedOn: string;
}

/**
 * The descriptive notice of a FEC file (the administration asks for one with every file): what
 * the file holds, how it is encoded and laid out, what each column and journal means.
 */
export function fecNotice(facts: FecNoticeFacts): string {
  const frenchDate = (iso: string): string => iso.split('-').reverse().join('/');
  const lines = [
    `Notice descriptive du fichier des écritures comptables ${facts.fileName}`,
    '',
    `Exercice : du ${frenchDate(yearStart(facts.year))} au ${frenchDate(yearEnd(facts.year))}.`,
    `Contenu : les écritures de ${facts.scope}.`,
    facts.association
      ? `Association : ${facts.association.name}, SIREN ${facts.association.siren}, ${facts.association.address.replace(/\s*\n\s*/g, ', ')}.`
      : "Association : identité non renseignée (le nom du fichier porte l'identifiant à la place du SIREN).",
    `Produit par Cahier Coop le ${frenchDate(facts.generatedOn)}.`,
    facts.provisional
      ? "Statut : PROVISOIRE. L'exercice n'est pas clôturé : la numérotation peut encore changer et la date de validation (ValidDate) est vide."
      : "Statut : définitif. L'exercice est clôturé : ValidDate porte la date de clôture et la numérotation est figée.",
    '',
    'Format',
    "- Fichier texte à séparateur tabulation, conforme à l'article A47 A-1 du livre des procédures fiscales ; une ligne d'en-tête puis un enregistrement par ligne d'écriture.",
    '- Jeu de caractères ISO-8859-15, sans BOM ; fins de ligne CRLF. Les caractères hors de ce jeu sont translittérés ("–" devient "-", "’" devient "\'", "…" devient "...").',
    '- Dates au format AAAAMMJJ ; montants en euros avec une virgule décimale et sans séparateur de milliers, au débit ou au crédit (jamais les deux).',
    '',
    'Journaux',
    "- AN : à nouveaux (l'existence au début de l'exercice : banque, caisse, régies ouvertes, équilibrées par le report à nouveau 110 ou 119).",
    '- BQ : écritures passées sur le compte bancaire 512.',
    '- CA : écritures passées sur la caisse 530 sans la banque.',
    "- OD : les autres écritures (régies d'avance expliquées, virements entre comptes).",
    '',
    'Colonnes',
    '- JournalCode, JournalLib : le journal ci-dessus.',
    "- EcritureNum : numéro de l'écriture, séquence continue de 1 à N sur tout le fichier, dans l'ordre des dates (puis des numéros de pièce).",
    "- EcritureDate, PieceDate : date de l'écriture.",
    '- CompteNum, CompteLib : compte du plan comptable de la coopérative (classes 1, 4, 5, 6 et 7).',
    facts.department
      ? '- CompAuxNum, CompAuxLib : sur les lignes de banque (512), de caisse (530) et de régie (4670), la coopérative (son identifiant et son nom).'
      : "- CompAuxNum, CompAuxLib : sur les lignes de régie d'avance (4670), la régie (la classe ou l'enseignant qui l'a reçue).",
    facts.department
      ? "- PieceRef : l'identifiant de la coopérative, un tiret, puis le numéro de pièce justificative (n° de PJ)."
      : "- PieceRef : le numéro de pièce justificative (n° de PJ), unique dans l'exercice.",
    "- EcritureLib : le libellé de l'écriture.",
    '- Debit, Credit : le montant de la ligne.',
    "- EcritureLet, DateLet : le lettrage des régies d'avance soldées (versé = rendu + justifié) ; les lignes d'une même régie portent la même lettre et la date de la dernière d'entre elles. Le pointage bancaire n'est pas un lettrage et n'y figure pas.",
    "- ValidDate : date de validation, la date de clôture de l'exercice ; vide dans un fichier provisoire.",
    '- Montantdevise, Idevise : vides (toutes les opérations sont en euros).',
  ];
  return `${lines.join('\r\n')}\r\n`;
}

/** A coop's FEC file and its notice: the bytes, the name, the notice's text. */
export function coopFecFile(
  doc: NotebookDoc,
  chart: Chart,
  coop: { coopId: string; name: string },
  association: { name: string; siren: string; address: string } | null,
  today: string,
): { fileName: string; bytes: Buffer; notice: string } {
  const provisional = doc.status !== 'closed';
  const fileName = fecFileName(doc.year, association?.siren ?? null, provisional, coop.coopId);
  const notice = fecNotice({
    fileName,
    year: doc.year,
    scope: `la coopérative ${coop.coopId} (${coop.name})`,
    association,
    provisional,
    department: false,
    generatedOn: today,
  });
  return { fileName, bytes: encodeFec(fec(doc, chart)), notice };
}
