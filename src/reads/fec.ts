import * as iconv from 'iconv-lite';
import { ADVANCES, BANK, CASH, type Chart, findAccount } from '../domain/chart';
import { formatFrenchDate, yearEnd, yearStart } from '../domain/fiscal-year';
import { type EntryLine } from '../events/ledger-events';
import { byDate, compareText, creditOf, debitOf } from '../projections/ledger/amounts';
import { type NotebookEntry, type Validation } from '../projections/ledger/notebook.projection';
import { type NotebookDoc } from './notebook-read';
import { plainAmount } from '../domain/money';
import { net } from '../domain/net-amount';

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
  '\u2044': '/',
  // Latin-1 signs ISO-8859-15 replaced: fractions spelt out, accents alone as the ASCII they look like.
  '\u00bc': '1/4',
  '\u00bd': '1/2',
  '\u00be': '3/4',
  '\u00a6': '|',
  '\u00a8': '"',
  '\u00b4': "'",
  '\u00b8': ',',
  // ISO-8859-15 put the euro sign where Latin-1 had the currency sign: a "¤" in a label is a euro
  // read through the wrong table.
  '\u00a4': '\u20ac',
  // Letters with a stroke have no accent to take off.
  '\u0141': 'L',
  '\u0142': 'l',
  '\u0110': 'D',
  '\u0111': 'd',
  '\u0126': 'H',
  '\u0127': 'h',
  '\u0131': 'i',
  '\u0166': 'T',
  '\u0167': 't',
  '\u0192': 'f',
  '\u1e9e': 'SS',
};

/**
 * Text as ISO-8859-15 can hold it: kept when it can; dashes, quotes and ellipses as their ASCII
 * forms, fractions spelt out (½ → 1/2), letters without their accents or stroke (ā → a, Ł → L),
 * "¤" as the "€" ISO-8859-15 put in its place; anything else "?". Tabs and line breaks
 * would break the record: they become spaces. Unlike the CSV, the FEC neutralises no formula
 * ("=…", "+…"): it is read by the administration's tools (Test Compta Demat, audit software), not
 * opened in a spreadsheet, and its text must be the label as entered.
 */
export function fecText(text: string | null): string {
  // Most labels are ASCII and Latin-1 letters ISO-8859-15 keeps: written as they are.
  if (text !== null && KEPT_AS_IS.test(text)) return text.trim();
  let out = '';
  for (const char of (text ?? '').replace(/[\t\r\n]+/g, ' ').trim()) out += latin9(char) ?? spelt(char);
  return out;
}

/** The character as ISO-8859-15 holds it (itself or its transliteration); null when it has none. */
const latin9 = (char: string): string | null => (LATIN9.has(char) && char >= ' ' ? char : (TRANSLITERATIONS[char] ?? null));

/** A character ISO-8859-15 has not: its compatibility decomposition without accents ("ﬁ" → "fi", "ā" → "a", "⅓" → "1/3"), else "?". */
function spelt(char: string): string {
  const parts = [...char.normalize('NFKD').replace(/\p{M}/gu, '')].map(latin9);
  return parts.length > 0 && parts.every((p) => p !== null) ? parts.join('') : '?';
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
  /** 'YYYY-MM-DD' of the closing that validated it; null while it is not validated. */
  validatedOn: string | null;
}

function openingEntry(doc: NotebookDoc, validatedOn: string | null): FecEntry | null {
  const signed = (account: string, amount: number, regie?: string): EntryLine[] =>
    amount === 0 ? [] : [amount > 0 ? { account, debit: amount, ...(regie ? { regie } : {}) } : { account, credit: -amount, ...(regie ? { regie } : {}) }];
  const lines = [...signed(BANK, doc.opening.bank), ...signed(CASH, doc.opening.cash), ...doc.openAdvances.flatMap((a) => signed(ADVANCES, a.amount, a.regie))];
  if (lines.length === 0) return null;
  const carried = lines.reduce((s, l) => s + net(l), 0);
  if (carried > 0) lines.push({ account: CARRIED_CREDIT.code, credit: carried });
  if (carried < 0) lines.push({ account: CARRIED_DEBIT.code, debit: -carried });
  // While an earlier year is open, the opening is its opening plus its movements (openingOf): said on every line.
  return { journal: 'AN', date: yearStart(doc.year), pj: 'AN', label: doc.opening.provisional ? 'A nouveau provisoire' : 'A nouveau', lines, validatedOn };
}

const journalOf = (lines: EntryLine[]): Journal => (lines.some((l) => l.account === BANK) ? 'BQ' : lines.some((l) => l.account === CASH) ? 'CA' : 'OD');

/**
 * The year's validations: its EntriesValidated, in order. A year closed before validations were
 * recorded was validated whole by its closing.
 */
export function validationsOf(doc: NotebookDoc): Validation[] {
  if (doc.validations.length > 0 || doc.status !== 'closed' || !doc.closing) return doc.validations;
  return [{ validatedOn: doc.closing.closedOn, at: doc.closing.at, entryIds: doc.entries.map((e) => e.entryId) }];
}

/**
 * The opening, then the entries in the order of their numbers: the first closing's entries in
 * date order, then each later closing's (the corrections of a reopened year) in date order, then
 * those not validated yet. A validated entry is never changed nor removed, so its number and its
 * ValidDate stay what they were in every later file.
 */
export function fecEntries(doc: NotebookDoc): FecEntry[] {
  const validations = validationsOf(doc);
  const batchOf = new Map<string, number>();
  validations.forEach((v, i) => v.entryIds.forEach((id) => batchOf.set(id, i)));
  const batch = (e: NotebookEntry): number => batchOf.get(e.entryId) ?? validations.length;
  const entries = [...doc.entries]
    .sort((a, b) => batch(a) - batch(b) || byDate(a, b))
    .map((e) => ({
      journal: journalOf(e.lines),
      date: e.date,
      pj: e.pj,
      label: e.label,
      lines: e.lines,
      validatedOn: validations[batch(e)]?.validatedOn ?? null,
    }));
  const opening = openingEntry(doc, validations[0]?.validatedOn ?? null);
  return opening ? [opening, ...entries] : entries;
}

/** Advances settled in the year (paid = returned + explained, opening included): regie → the date of its last line. */
function settledAdvances(entries: readonly FecEntry[]): Map<string, string> {
  const sums = new Map<string, { net: number; last: string }>();
  for (const entry of entries) {
    for (const line of entry.lines) {
      if (line.account !== ADVANCES || !line.regie) continue;
      const sum = sums.get(line.regie) ?? { net: 0, last: entry.date };
      sums.set(line.regie, { net: sum.net + net(line), last: entry.date > sum.last ? entry.date : sum.last });
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

/** What writes one coop's records: its lettering, account labels and auxiliary account. */
class CoopRecords {
  private readonly letters = new Map<string, string>();
  private readonly settled: Map<string, string>;
  private readonly labels = new Map<string, string>();
  private readonly coop: readonly [string, string] | null;

  constructor(
    entries: readonly FecEntry[],
    private readonly chart: Chart,
    private readonly cursor: FecCursor,
    private readonly department: FecCoop | undefined,
    /** A provisional department file leaves every ValidDate empty. */
    private readonly blankValidDates = false,
  ) {
    this.settled = settledAdvances(entries);
    for (const regie of [...this.settled.keys()].sort()) this.letters.set(regie, letterCode(cursor.letters++));
    this.coop = department ? [fecText(department.coopId), fecText(department.name)] : null;
  }

  private labelOf(code: string): string {
    let label = this.labels.get(code);
    if (label === undefined) this.labels.set(code, (label = fecText(accountLabel(this.chart, code))));
    return label;
  }

  /** The records of one entry, numbered `number` (a department file's numbers are given later: NUMBER_MARK). */
  write(entry: FecEntry, number: string): string {
    const { cursor, department, coop } = this;
    const pieceRef = fecText(department ? `${department.coopId}-${entry.pj}` : entry.pj);
    const date = fecDate(entry.date);
    const label = fecText(entry.label) || pieceRef;
    const validDate = entry.validatedOn && !this.blankValidDates ? fecDate(entry.validatedOn) : '';
    let out = '';
    for (const line of entry.lines) {
      const onAdvance = line.account === ADVANCES && line.regie;
      const auxiliary = coop
        ? line.account === BANK || line.account === CASH || line.account === ADVANCES
          ? coop
          : NO_AUXILIARY
        : onAdvance
          ? [fecText(line.regie!), fecText(`Régie ${line.regie}`)]
          : NO_AUXILIARY;
      const letter = onAdvance ? this.letters.get(line.regie!) : undefined;
      const debit = debitOf(line);
      const credit = creditOf(line);
      cursor.debit += debit;
      cursor.credit += credit;
      cursor.lines++;
      out +=
        `${entry.journal}\t${FEC_JOURNALS[entry.journal]}\t${number}\t${date}\t${line.account}\t${this.labelOf(line.account)}\t` +
        `${auxiliary[0]}\t${auxiliary[1]}\t${pieceRef}\t${date}\t${label}\t${plainAmount(debit)}\t${plainAmount(credit)}\t` +
        `${letter ?? ''}\t${letter ? fecDate(this.settled.get(line.regie!)!) : ''}\t${validDate}\t\t\r\n`;
    }
    return out;
  }
}

/** The records (lines, without the header) of one coop's year, numbered and lettered on from `cursor`, which they advance. */
export function fecRecords(doc: NotebookDoc, chart: Chart, cursor: FecCursor): string {
  const entries = fecEntries(doc);
  const records = new CoopRecords(entries, chart, cursor, undefined);
  let out = '';
  for (const entry of entries) out += records.write(entry, String(++cursor.entries));
  return out;
}

/** A department file's coop in the merge: its entries' dates in its order, and how many the merge has taken. */
export interface FecRun {
  coopId: string;
  dates: readonly string[];
  next: number;
}

/**
 * The department's numbering: the coops' entries merged in date order (then coop id), each coop's
 * own order kept. Yields the coop whose entry comes next, once per entry, then counts it taken.
 */
export function* mergeByDate<T extends FecRun>(runs: T[]): Generator<T> {
  const heap = new MinHeap<T>((a, b) => compareText(a.dates[a.next], b.dates[b.next]) || compareText(a.coopId, b.coopId));
  for (const run of runs) if (run.next < run.dates.length) heap.push(run);
  while (heap.size > 0) {
    const run = heap.pop()!;
    yield run;
    run.next++;
    if (run.next < run.dates.length) heap.push(run);
  }
}

/** A department file's records of one entry with its number in place of NUMBER_MARK. */
export const numbered = (text: string, number: number): string => text.split(NUMBER_MARK).join(String(number));

/** Stands for the EcritureNum of a department file's record until the merge in date order gives it (fecText writes no control character). */
export const NUMBER_MARK = '\u0001';

/**
 * A coop's part of the department's file: its entries in date order (the opening first), each
 * with its records, the number left as NUMBER_MARK; lettered on from `cursor`, whose totals it
 * advances. Provisional: every ValidDate empty.
 */
export function departmentFecEntries(
  doc: NotebookDoc,
  chart: Chart,
  cursor: FecCursor,
  coop: FecCoop,
  provisional: boolean,
): Array<{ date: string; text: string }> {
  const entries = fecEntries(doc);
  const records = new CoopRecords(entries, chart, cursor, coop, provisional);
  const [opening, rest] = entries[0]?.journal === 'AN' ? [entries[0], entries.slice(1)] : [null, entries];
  const inDateOrder = [
    ...(opening ? [opening] : []),
    ...rest
      .map((e, i) => ({ e, i }))
      .sort((a, b) => compareText(a.e.date, b.e.date) || a.i - b.i)
      .map(({ e }) => e),
  ];
  return inDateOrder.map((entry) => ({ date: entry.date, text: records.write(entry, NUMBER_MARK) }));
}

export const FEC_HEADER = `${FEC_COLUMNS.join('\t')}\r\n`;

/** One coop's FEC, as text (encodeFec gives its bytes). */
export function fec(doc: NotebookDoc, chart: Chart): string {
  return FEC_HEADER + fecRecords(doc, chart, newFecCursor());
}

/**
 * <SIREN>FEC<AAAAMMJJ>.txt, the date being the fiscal year's last day; a coop's extract adds
 * `_<coopId>`, a provisional file (a year not closed, or reopened) `_provisoire`. Without the
 * association's SIREN (not given yet), `fallback` stands in its place.
 */
export function fecFileName(year: number, siren: string | null, provisional: boolean, fallback: string, coopId?: string): string {
  const safe = (text: string): string => text.replace(/[^A-Za-z0-9-]/g, '_');
  return `${safe(siren ?? fallback)}FEC${fecDate(yearEnd(year))}${coopId ? `_${safe(coopId)}` : ''}${provisional ? '_provisoire' : ''}.txt`;
}

/** One version of a coop's file: a closing's validation, and the numbers it gave. */
export interface FecVersion {
  version: number;
  validatedOn: string;
  first: number;
  last: number;
  /** Among its entries, reversals of validated entries and corrected entries (a reopened year's corrections). */
  reversals: number;
  corrections: number;
}

/** The versions of a coop's file (one per validation) and the numbers of the entries not validated yet. */
export function fecVersions(doc: NotebookDoc): { versions: FecVersion[]; pending: { first: number; last: number } | null } {
  const validations = validationsOf(doc);
  const byId = new Map(doc.entries.map((e) => [e.entryId, e]));
  const hasOpening = openingEntry(doc, null) !== null;
  let next = 1;
  const versions = validations.map((v, i) => {
    const entries = v.entryIds.map((id) => byId.get(id)).filter((e) => e !== undefined);
    const count = entries.length + (i === 0 && hasOpening ? 1 : 0);
    const version = {
      version: i + 1,
      validatedOn: v.validatedOn,
      first: next,
      last: next + count - 1,
      reversals: entries.filter((e) => e.reverses !== null).length,
      corrections: entries.filter((e) => e.replaces !== null).length,
    };
    next += count;
    return version;
  });
  const validated = new Set(validations.flatMap((v) => v.entryIds));
  const pendingCount = doc.entries.filter((e) => !validated.has(e.entryId)).length + (validations.length === 0 && hasOpening ? 1 : 0);
  return { versions, pending: pendingCount > 0 ? { first: next, last: next + pendingCount - 1 } : null };
}

/** What the descriptive notice says about the file it comes with. */
export interface FecNoticeFacts {
  fileName: string;
  year: number;
  /** What the file holds, after "Contenu : les écritures ": "de la coopérative C14001 (…)", "des 12 coopératives du département 14 (…)". */
  contents: string;
  association: { name: string; siren: string; address: string } | null;
  provisional: boolean;
  generatedOn: string;
  /** A coop's extract: its versions. Absent: the department's file. */
  coop?: ReturnType<typeof fecVersions>;
}

const plural = (count: number, word: string, words = `${word}s`): string => `${count} ${count > 1 ? words : word}`;
const numbers = (first: number, last: number): string => (first === last ? `n° ${first}` : `n° ${first} à ${last}`);

function versionLine(v: FecVersion, previous: FecVersion | undefined): string {
  if (!previous) return `- Version 1 : clôture du ${formatFrenchDate(v.validatedOn)}, écritures ${numbers(v.first, v.last)} validées.`;
  const kinds = [
    v.reversals ? plural(v.reversals, "annulation d'une écriture validée", "annulations d'écritures validées") : '',
    v.corrections ? plural(v.corrections, 'écriture corrigée', 'écritures corrigées') : '',
    v.last - v.first + 1 - v.reversals - v.corrections > 0
      ? plural(v.last - v.first + 1 - v.reversals - v.corrections, 'écriture nouvelle', 'écritures nouvelles')
      : '',
  ].filter(Boolean);
  return (
    `- Version ${v.version} : nouvelle clôture du ${formatFrenchDate(v.validatedOn)} après réouverture ; par rapport à la version ${previous.version}, ` +
    `les écritures n° 1 à ${previous.last} sont inchangées et les écritures ${numbers(v.first, v.last)} sont ajoutées (${kinds.join(', ')}), validées à cette date.`
  );
}

function statusLines(facts: FecNoticeFacts): string[] {
  const coop = facts.coop;
  if (!coop) {
    return facts.provisional
      ? [
          "Statut : PROVISOIRE. Au moins une coopérative n'a pas clôturé son exercice (ou l'a rouvert pour une correction) : la date de validation (ValidDate) est vide sur toutes les lignes.",
        ]
      : [
          "Statut : définitif. Toutes les coopératives ont clôturé leur exercice : chaque ligne porte en ValidDate la date à laquelle sa coopérative l'a validée (sa clôture, ou sa nouvelle clôture pour une correction).",
        ];
  }
  const last = coop.versions.at(-1);
  if (!last) {
    return [
      "Statut : PROVISOIRE. L'exercice n'est pas clôturé : aucune écriture n'est encore validée, les numéros peuvent encore changer et la date de validation (ValidDate) est vide.",
    ];
  }
  const lines = coop.pending
    ? [
        `Statut : PROVISOIRE. L'exercice a été rouvert pour une correction après la version ${last.version} : les écritures validées (n° 1 à ${last.last}) gardent leur numéro et leur date de validation ; ` +
          `les écritures ${numbers(coop.pending.first, coop.pending.last)} ne sont pas encore validées (ValidDate vide) et le seront à la nouvelle clôture.`,
      ]
    : [`Statut : définitif, version ${last.version} du ${formatFrenchDate(last.validatedOn)}.`];
  return [
    ...lines,
    "Une écriture validée ne change plus : ni son numéro, ni sa date de validation, ni son contenu. Une correction après réouverture est enregistrée comme une écriture d'annulation (contre-passation) et, le cas échéant, une écriture corrigée, numérotées à la suite des écritures validées.",
    '',
    'Versions',
    ...coop.versions.map((v, i) => versionLine(v, coop.versions[i - 1])),
  ];
}

/**
 * The descriptive notice of a FEC file (the administration asks for one with every file): what
 * the file holds, how it is encoded and laid out, what each column and journal means.
 */
export function fecNotice(facts: FecNoticeFacts): string {
  const department = !facts.coop;
  const lines = [
    `Notice descriptive du fichier des écritures comptables ${facts.fileName}`,
    '',
    `Exercice : du ${formatFrenchDate(yearStart(facts.year))} au ${formatFrenchDate(yearEnd(facts.year))}.`,
    `Contenu : les écritures ${facts.contents}.`,
    facts.association
      ? `Association : ${facts.association.name}, SIREN ${facts.association.siren}, ${facts.association.address.replace(/\s*\n\s*/g, ', ')}.`
      : "Association : identité non renseignée (le nom du fichier porte l'identifiant à la place du SIREN).",
    `Produit par Cahier Coop le ${formatFrenchDate(facts.generatedOn)}.`,
    ...statusLines(facts),
    '',
    'Format',
    "- Fichier texte à séparateur tabulation, conforme à l'article A47 A-1 du livre des procédures fiscales ; une ligne d'en-tête puis un enregistrement par ligne d'écriture.",
    '- Jeu de caractères ISO-8859-15, sans BOM ; fins de ligne CRLF. Les caractères hors de ce jeu sont translittérés ("–" devient "-", "’" devient "\'", "…" devient "...", "½" devient "1/2", "Ł" devient "L").',
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
    department
      ? "- EcritureNum : numéro de l'écriture dans ce fichier, séquence continue de 1 à N dans l'ordre des dates (puis des coopératives). Chaque coopérative garde sa propre numérotation, figée à la validation, dans son extrait (<SIREN>FEC<AAAAMMJJ>_<coopérative>.txt)."
      : "- EcritureNum : numéro de l'écriture, séquence continue de 1 à N sur tout le fichier : les écritures de la première clôture dans l'ordre des dates (puis des numéros de pièce), puis celles de chaque nouvelle clôture, puis celles qui ne sont pas encore validées.",
    "- EcritureDate, PieceDate : date de l'écriture.",
    '- CompteNum, CompteLib : compte du plan comptable de la coopérative (classes 1, 4, 5, 6 et 7).',
    department
      ? '- CompAuxNum, CompAuxLib : sur les lignes de banque (512), de caisse (530) et de régie (4670), la coopérative (son identifiant et son nom).'
      : "- CompAuxNum, CompAuxLib : sur les lignes de régie d'avance (4670), la régie (la classe ou l'enseignant qui l'a reçue).",
    department
      ? "- PieceRef : l'identifiant de la coopérative, un tiret, puis le numéro de pièce justificative (n° de PJ)."
      : "- PieceRef : le numéro de pièce justificative (n° de PJ) ; une annulation porte le sien (« 05-A ») et l'écriture corrigée celui de l'écriture qu'elle remplace.",
    "- EcritureLib : le libellé de l'écriture.",
    '- Debit, Credit : le montant de la ligne.',
    "- EcritureLet, DateLet : le lettrage des régies d'avance soldées (versé = rendu + justifié) ; les lignes d'une même régie portent la même lettre et la date de la dernière d'entre elles. Le pointage bancaire n'est pas un lettrage et n'y figure pas.",
    department
      ? "- ValidDate : date de validation de l'écriture par sa coopérative ; vide sur toutes les lignes d'un fichier provisoire."
      : "- ValidDate : date de validation de l'écriture, celle de la clôture qui l'a validée ; vide tant qu'elle n'est pas validée.",
    '- Montantdevise, Idevise : vides (toutes les opérations sont en euros).',
  ];
  return `${lines.join('\r\n')}\r\n`;
}

/** A coop's FEC file (its extract: `_<coopId>`) and its notice: the bytes, the name, the notice's text. */
export function coopFecFile(
  doc: NotebookDoc,
  chart: Chart,
  coop: { coopId: string; name: string },
  association: { name: string; siren: string; address: string } | null,
  today: string,
): { fileName: string; bytes: Buffer; notice: string } {
  const provisional = doc.status !== 'closed' || doc.opening.provisional;
  const fileName = fecFileName(doc.year, association?.siren ?? null, provisional, coop.coopId, coop.coopId);
  const notice = fecNotice({
    fileName,
    year: doc.year,
    contents: `de la coopérative ${coop.coopId} (${coop.name})`,
    association,
    provisional,
    generatedOn: today,
    coop: fecVersions(doc),
  });
  return { fileName, bytes: encodeFec(fec(doc, chart)), notice };
}

/** A binary heap: the next coop of the merge in log time. */
class MinHeap<T> {
  private readonly items: T[] = [];
  constructor(private readonly before: (a: T, b: T) => number) {}
  get size(): number {
    return this.items.length;
  }
  push(item: T): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.before(items[i], items[parent]) >= 0) break;
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }
  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let least = i;
        if (left < items.length && this.before(items[left], items[least]) < 0) least = left;
        if (right < items.length && this.before(items[right], items[least]) < 0) least = right;
        if (least === i) break;
        [items[i], items[least]] = [items[least], items[i]];
        i = least;
      }
    }
    return top;
  }
}
