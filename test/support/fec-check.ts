import * as iconv from 'iconv-lite';

/**
 * Our own check of a Fichier des Écritures Comptables, written from article A47 A-1 of the LPF
 * and DOMAIN.md (not from our writer): it returns what is wrong, [] for a good file.
 */
export interface FecCheckOptions {
  /** The fiscal year (its starting calendar year). */
  year: number;
  /** The Content-Disposition name, checked as <SIREN>FEC<AAAAMMJJ>[_<coopId>][_provisoire].txt (API.md). */
  fileName?: string;
  /** A department's file: auxiliary accounts and PieceRef carry the coop. */
  department?: boolean;
  /** A coop's extract: its name ends `_<coopId>`. */
  coopId?: string;
}

const COLUMNS = [
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
];
const JOURNALS = new Set(['AN', 'BQ', 'CA', 'OD']);
const TREASURY_AND_ADVANCES = new Set(['512', '530', '4670']);

const realDate = (text: string): boolean => {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
};
const cents = (amount: string): number | null => (/^\d+,\d{2}$/.test(amount) ? Number(amount.replace(',', '')) : null);

export function checkFec(bytes: Buffer, options: FecCheckOptions): string[] {
  const problems: string[] = [];
  const problem = (text: string): void => {
    if (problems.length < 50) problems.push(text);
  };
  // Encoding: ISO-8859-15, no BOM, no C1 control bytes (the mark of another code page), no UTF-8 read as Latin.
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) problem('BOM UTF-8 en tête du fichier');
  if (bytes.some((b) => b >= 0x80 && b <= 0x9f)) problem('octets 0x80-0x9F : pas de l’ISO-8859-15');
  const text = iconv.decode(bytes, 'iso-8859-15');
  if (/Ã[\u0080-\u00bf]|â€/.test(text)) problem('UTF-8 lu comme ISO-8859-15 (Ã©, â€…)');
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(text)) problem('caractère de contrôle');
  if (!text.endsWith('\n')) problem('la dernière ligne ne se termine pas');
  const [header, ...records] = text.replace(/\r?\n$/, '').split(/\r?\n/);
  if (header !== COLUMNS.join('\t')) problem(`en-tête : ${JSON.stringify(header)}`);
  if (records.length === 0) problem('aucune écriture');

  const start = `${options.year}0901`;
  const end = `${options.year + 1}0831`;
  const validDates = new Set<string>();
  const entries = new Map<string, { debit: number; credit: number; date: string; journal: string; piece: string; coop: string | null; valid: string }>();
  const letters = new Map<string, { net: number; account: string; dateLet: string; latest: string }>();
  let previousNumber = 0;
  let previousDate = '';
  let previousValid: string | null = null;

  records.forEach((record, index) => {
    const at = `ligne ${index + 2}`;
    const f = record.split('\t');
    if (f.length !== COLUMNS.length) return problem(`${at} : ${f.length} champs au lieu de ${COLUMNS.length}`);
    const r = Object.fromEntries(COLUMNS.map((c, i) => [c, f[i]])) as Record<string, string>;
    if (!JOURNALS.has(r.JournalCode)) problem(`${at} : journal ${r.JournalCode}`);
    if (!r.JournalLib) problem(`${at} : JournalLib vide`);
    for (const column of ['CompteNum', 'CompteLib', 'PieceRef', 'EcritureLib']) if (!r[column]) problem(`${at} : ${column} vide`);
    if (!/^\d+$/.test(r.CompteNum)) problem(`${at} : CompteNum ${r.CompteNum}`);
    if (!realDate(r.EcritureDate)) problem(`${at} : EcritureDate ${r.EcritureDate}`);
    else if (r.EcritureDate < start || r.EcritureDate > end) problem(`${at} : EcritureDate ${r.EcritureDate} hors de l'exercice`);
    if (!realDate(r.PieceDate)) problem(`${at} : PieceDate ${r.PieceDate}`);
    if (!!r.CompAuxNum !== !!r.CompAuxLib) problem(`${at} : CompAuxNum et CompAuxLib vont ensemble`);
    if (r.Montantdevise || r.Idevise) problem(`${at} : devise sur une opération en euros`);
    const debit = cents(r.Debit);
    const credit = cents(r.Credit);
    if (debit === null || credit === null) return problem(`${at} : montants ${r.Debit} / ${r.Credit}`);
    if ((debit === 0) === (credit === 0)) problem(`${at} : une ligne est au débit ou au crédit, pas les deux ni aucun`);

    // Numbering: a continuous sequence, records of one entry together, dates in order.
    if (!/^\d+$/.test(r.EcritureNum)) return problem(`${at} : EcritureNum ${r.EcritureNum}`);
    const number = Number(r.EcritureNum);
    let coop: string | null = null;
    if (options.department) {
      if (TREASURY_AND_ADVANCES.has(r.CompteNum) && !r.CompAuxNum) problem(`${at} : ligne ${r.CompteNum} sans la coopérative en compte auxiliaire`);
      coop = r.PieceRef.split('-')[0];
      if (r.CompAuxNum && r.CompAuxNum !== coop) problem(`${at} : PieceRef ${r.PieceRef} ne commence pas par la coopérative ${r.CompAuxNum}`);
    }
    // A coop's entries are numbered by validation (the first closing's, then each re-closing's
    // corrections, then those not validated yet: ValidDate ascending, empty last), in date order
    // within one; a department's file in date order throughout.
    if (number !== previousNumber) {
      if (number !== previousNumber + 1) problem(`${at} : EcritureNum ${number} après ${previousNumber}`);
      const newBatch = !options.department && previousValid !== null && r.ValidDate !== previousValid;
      if (newBatch && (previousValid === '' || (r.ValidDate !== '' && r.ValidDate < previousValid!))) {
        problem(`${at} : écriture ${number} validée le ${r.ValidDate || '(pas encore)'} après une validée le ${previousValid || '(pas encore)'}`);
      }
      if (!newBatch && r.EcritureDate < previousDate) problem(`${at} : écriture ${number} du ${r.EcritureDate} après une du ${previousDate}`);
      previousNumber = number;
      previousDate = r.EcritureDate;
      previousValid = r.ValidDate;
      entries.set(r.EcritureNum, { debit: 0, credit: 0, date: r.EcritureDate, journal: r.JournalCode, piece: r.PieceRef, coop, valid: r.ValidDate });
    }
    const entry = entries.get(r.EcritureNum)!;
    if (entry.date !== r.EcritureDate || entry.journal !== r.JournalCode || entry.piece !== r.PieceRef || entry.valid !== r.ValidDate) {
      problem(`${at} : écriture ${number} hétérogène`);
    }
    entry.debit += debit;
    entry.credit += credit;

    // Validation: the date of the closing that validated the line, or nothing.
    validDates.add(r.ValidDate);
    if (r.ValidDate && (!realDate(r.ValidDate) || r.ValidDate < r.EcritureDate)) problem(`${at} : ValidDate ${r.ValidDate}`);

    // Lettering: both columns or none; a letter's lines on one account, netting to zero.
    if (!!r.EcritureLet !== !!r.DateLet) problem(`${at} : EcritureLet et DateLet vont ensemble`);
    if (r.EcritureLet) {
      if (!realDate(r.DateLet)) problem(`${at} : DateLet ${r.DateLet}`);
      const letter = letters.get(r.EcritureLet) ?? { net: 0, account: r.CompteNum, dateLet: r.DateLet, latest: r.EcritureDate };
      if (letter.account !== r.CompteNum) problem(`${at} : lettre ${r.EcritureLet} sur deux comptes`);
      if (letter.dateLet !== r.DateLet) problem(`${at} : lettre ${r.EcritureLet} avec deux dates`);
      letters.set(r.EcritureLet, { ...letter, net: letter.net + debit - credit, latest: r.EcritureDate > letter.latest ? r.EcritureDate : letter.latest });
    }
  });

  for (const [number, entry] of entries) {
    if (entry.debit !== entry.credit) problem(`écriture ${number} déséquilibrée (${entry.debit} / ${entry.credit})`);
  }
  for (const [code, letter] of letters) {
    if (letter.net !== 0) problem(`lettre ${code} non soldée (${letter.net})`);
    if (letter.dateLet < letter.latest) problem(`lettre ${code} : DateLet ${letter.dateLet} avant une de ses lignes`);
  }
  // A department's file is provisional with every ValidDate empty, or final with none empty; a
  // coop's is provisional while a line is not validated.
  const provisional = validDates.has('');
  if (options.department && provisional && validDates.size > 1) problem('fichier départemental provisoire avec des ValidDate renseignées');
  if (options.fileName !== undefined) {
    const m = /^(\d{9})FEC(\d{8})(?:_(?!provisoire\.txt$)([A-Za-z0-9-]+?))?(_provisoire)?\.txt$/.exec(options.fileName);
    if (!m) problem(`nom de fichier ${options.fileName}`);
    else {
      if (m[2] !== end) problem(`nom de fichier : ${m[2]} n'est pas le dernier jour de l'exercice`);
      if (!!m[4] !== provisional) problem(`nom de fichier : ${provisional ? 'provisoire non signalé' : 'marqué provisoire à tort'}`);
      if ((m[3] ?? null) !== (options.coopId ?? null))
        problem(`nom de fichier : ${options.coopId ? `extrait sans _${options.coopId}` : `_${m[3]} dans le fichier du département`}`);
    }
  }
  return problems;
}

/** The records of a FEC file by their columns (the header left out). */
export function fecRecordsOf(bytes: Buffer): Array<Record<string, string>> {
  const [, ...records] = iconv
    .decode(bytes, 'iso-8859-15')
    .replace(/\r?\n$/, '')
    .split(/\r?\n/);
  return records.map((record) => Object.fromEntries(record.split('\t').map((f, i) => [COLUMNS[i], f])));
}

/**
 * A coop's file issued again after a reopening (PCG art. 420-5): every validated line of the
 * earlier file is in the later one unchanged (number, accounts, amounts, label, ValidDate…) and at
 * its place; the later file's other lines are numbered after them and validated no earlier than
 * `validatedOn` (or not yet). Returns what is wrong, [] when the later file keeps the earlier one.
 */
export function checkFecSuccession(earlier: Buffer, later: Buffer, validatedOn?: string): string[] {
  const problems: string[] = [];
  const before = fecRecordsOf(earlier).filter((r) => r.ValidDate !== '');
  const after = fecRecordsOf(later);
  const line = (r: Record<string, string>): string => COLUMNS.map((c) => r[c]).join('\t');
  before.forEach((record, i) => {
    if (after[i] === undefined || line(after[i]) !== line(record))
      problems.push(`ligne ${i + 2} changée : ${line(record)} devenue ${after[i] ? line(after[i]) : '(absente)'}`);
  });
  const lastKept = Math.max(0, ...before.map((r) => Number(r.EcritureNum)));
  for (const record of after.slice(before.length)) {
    if (Number(record.EcritureNum) <= lastKept) problems.push(`écriture nouvelle n° ${record.EcritureNum} pas après la dernière validée (${lastKept})`);
    if (validatedOn !== undefined && record.ValidDate !== '' && record.ValidDate < validatedOn) {
      problems.push(`écriture nouvelle n° ${record.EcritureNum} validée le ${record.ValidDate}, avant sa validation (${validatedOn})`);
    }
  }
  return problems.slice(0, 50);
}
