import * as iconv from 'iconv-lite';
import { defaultChart } from '../../src/domain/chart';
import {
  coopFecFile,
  departmentFecEntries,
  encodeFec,
  FEC_COLUMNS,
  FEC_HEADER,
  fec,
  fecFileName,
  fecNotice,
  fecText,
  mergeByDate,
  newFecCursor,
  numbered,
} from '../../src/reads/fec';
import { type NotebookDoc } from '../../src/reads/notebook-read';
import { checkFec, checkFecSuccession } from '../support/fec-check';
import { content, credit, debit, guideYear, TestLog } from '../projections/ledger/support';

const chart = defaultChart('14', 2024);
const col = (name: (typeof FEC_COLUMNS)[number]): number => FEC_COLUMNS.indexOf(name);
const recordsOf = (text: string): string[][] =>
  text
    .split('\r\n')
    .slice(1, -1)
    .map((l) => l.split('\t'));

function guide(options: { closed?: boolean } = {}): TestLog {
  const log = new TestLog();
  guideYear(log);
  log.append(2024, { type: 'EntryReconciled', data: { entryId: 'e-mairie', statementDate: '2024-10-31' } });
  log.append(2024, {
    type: 'EntryRecorded',
    data: { entryId: 'e-kermesse', ...content('70', '2025-06-01', 'Kermesse – ventes… l’après-midi', [debit('530', 80), credit('7070', 80)]) },
  });
  if (options.closed) close(log, '2025-09-04');
  return log;
}

const liveIds = (log: TestLog): string[] => log.notebook(2024).entries.map((e) => e.entryId);
/** What CloseYear and LockYear record: the closing, then the validation of the entries not validated yet. */
function close(log: TestLog, on: string, again = false): void {
  const before = new Set(log.notebook(2024).validations.flatMap((v) => v.entryIds));
  const figures = { bank: 0, cash: 0, result: 0, openAdvances: [], unreconciled: [] };
  log.append(2024, again ? { type: 'YearLocked', data: figures } : { type: 'YearClosed', data: { closedOn: on, ...figures } });
  log.append(2024, { type: 'EntriesValidated', data: { validatedOn: on, entryIds: liveIds(log).filter((id) => !before.has(id)) } });
}

/** A department's file as DepartmentAccounts writes it, in memory: the coops' entries merged in date order, one numbering. */
function departmentFile(coops: Array<{ doc: NotebookDoc; coopId: string; name: string }>, provisional: boolean): string {
  const cursor = newFecCursor();
  const runs = coops.map(({ doc, coopId, name }) => {
    const entries = departmentFecEntries(doc, chart, cursor, { coopId, name }, provisional);
    return { coopId, dates: entries.map((e) => e.date), texts: entries.map((e) => e.text), next: 0 };
  });
  let text = FEC_HEADER;
  let number = 0;
  for (const run of mergeByDate(runs)) text += numbered(run.texts[run.next], ++number);
  return text;
}

describe('FEC of a coop (article A47 A-1 LPF)', () => {
  it('passes our FEC check, closed (final name, ValidDate the closing date) or open (provisional name, ValidDate empty)', () => {
    const closed = guide({ closed: true }).notebook(2024);
    const closedName = fecFileName(2024, '781430004', closed.status !== 'closed', 'ecole1', 'ecole1');
    expect(closedName).toBe('781430004FEC20250831_ecole1.txt');
    expect(checkFec(encodeFec(fec(closed, chart)), { year: 2024, fileName: closedName, coopId: 'ecole1' })).toEqual([]);
    expect(new Set(recordsOf(fec(closed, chart)).map((r) => r[col('ValidDate')]))).toEqual(new Set(['20250904']));

    const open = guide().notebook(2024);
    const openName = fecFileName(2024, '781430004', true, 'ecole1', 'ecole1');
    expect(openName).toBe('781430004FEC20250831_ecole1_provisoire.txt');
    expect(checkFec(encodeFec(fec(open, chart)), { year: 2024, fileName: openName, coopId: 'ecole1' })).toEqual([]);
    expect(new Set(recordsOf(fec(open, chart)).map((r) => r[col('ValidDate')]))).toEqual(new Set(['']));
  });

  it('is ISO-8859-15 without BOM, typographic characters transliterated, accents kept', () => {
    const bytes = encodeFec(fec(guide().notebook(2024), chart));
    expect(bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false);
    expect(bytes.includes(Buffer.from("Kermesse - ventes... l'après-midi", 'latin1'))).toBe(true);
    expect(bytes.includes(Buffer.from([0xc3, 0xa9]))).toBe(false);
    expect(iconv.decode(bytes, 'iso-8859-15')).toContain("Cotisations à l'OCCE");
    expect(fecText('Œuvre – 5 € “bio” ā\tb')).toBe('Œuvre - 5 € "bio" a b');
    expect(fecText('日本')).toBe('??');
  });

  it('transliterates what ISO-8859-15 lacks into what it has: ½ → 1/2, Ł → L, ¤ → €, ligatures and fractions spelt out', () => {
    expect(fecText('½ litre, ¼ et ¾')).toBe('1/2 litre, 1/4 et 3/4');
    expect(fecText('Łódź – Wałęsa')).toBe('Lódz - Walesa');
    expect(fecText('Prix 5 ¤')).toBe('Prix 5 €');
    expect(fecText('ﬁlm ⅓ Ａ')).toBe('film 1/3 A');
    expect(fecText('Đorđe Ħal ı')).toBe('Dorde Hal i');
    expect(fecText('¦ ¨ ´ ¸')).toBe('| " \' ,');
    expect(iconv.decode(encodeFec(fecText('½ Ł ¤')), 'iso-8859-15')).toBe('1/2 L €');
  });

  it('puts entries in journals AN, BQ, CA and OD, numbered 1…N in date order', () => {
    const records = recordsOf(fec(guide().notebook(2024), chart));
    const journalOf = (pj: string) => records.find((r) => r[col('PieceRef')] === pj)![col('JournalCode')];
    expect([journalOf('AN'), journalOf('01'), journalOf('70'), journalOf('62')]).toEqual(['AN', 'BQ', 'CA', 'OD']);
    const numbers = [...new Set(records.map((r) => Number(r[col('EcritureNum')])))];
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));
    const anLines = records.filter((r) => r[col('JournalCode')] === 'AN').map((r) => [r[col('CompteNum')], r[col('Debit')], r[col('Credit')]]);
    expect(anLines).toEqual([
      ['512', '1000,00', '0,00'],
      ['530', '50,00', '0,00'],
      ['110', '0,00', '1050,00'],
    ]);
  });

  it('letters the lines of a settled advance (paid = returned + explained), never the pointage', () => {
    const records = recordsOf(fec(guide().notebook(2024), chart));
    const advance = records.filter((r) => r[col('CompteNum')] === '4670');
    expect(advance.map((r) => [r[col('PieceRef')], r[col('EcritureLet')], r[col('DateLet')], r[col('CompAuxNum')]])).toEqual([
      ['02', 'AAA', '20250625', 'CP-CE1'],
      ['50', 'AAA', '20250625', 'CP-CE1'],
      ['62', 'AAA', '20250625', 'CP-CE1'],
    ]);
    // 03 is reconciled: its bank line carries no letter.
    expect(records.filter((r) => r[col('CompteNum')] !== '4670').every((r) => r[col('EcritureLet')] === '')).toBe(true);
  });

  it('an advance still open is not lettered', () => {
    const log = new TestLog();
    log.append(2024, {
      type: 'EntryRecorded',
      data: { entryId: 'r', ...content('01', '2024-09-10', 'Régie', [debit('4670', 150, 'CM2'), credit('512', 150)]) },
    });
    const records = recordsOf(fec(log.notebook(2024), chart));
    expect(records.every((r) => r[col('EcritureLet')] === '')).toBe(true);
  });

  it('a department file: one numbering in date order across coops, the coop as auxiliary account and PieceRef prefix, letters going on', () => {
    const first = guide({ closed: true }).notebook(2024);
    const second = new TestLog('ecole2');
    guideYear(second);
    close(second, '2025-09-20');
    const text = departmentFile(
      [
        { doc: first, coopId: 'ecole1', name: 'École 1' },
        { doc: second.notebook(2024), coopId: 'ecole2', name: 'École 2' },
      ],
      false,
    );
    expect(checkFec(encodeFec(text), { year: 2024, department: true, fileName: '781430004FEC20250831.txt' })).toEqual([]);
    const records = recordsOf(text);
    const bank = records.find((r) => r[col('PieceRef')] === 'ecole2-01' && r[col('CompteNum')] === '512')!;
    expect([bank[col('CompAuxNum')], bank[col('CompAuxLib')]]).toEqual(['ecole2', 'École 2']);
    expect(records.find((r) => r[col('CompteNum')] === '6586')![col('CompAuxNum')]).toBe('');
    expect(new Set(records.filter((r) => r[col('CompteNum')] === '4670').map((r) => r[col('EcritureLet')]))).toEqual(new Set(['AAA', 'AAB']));
    // Date order: the two coops' entries alternate (01 of each on 10/09, then 02 of each…).
    const pieces = [...new Set(records.map((r) => `${r[col('EcritureNum')]} ${r[col('PieceRef')]}`))].slice(0, 4);
    expect(pieces).toEqual(['1 ecole1-AN', '2 ecole2-AN', '3 ecole1-01', '4 ecole2-01']);
    // Final everywhere: each line carries its coop's validation date.
    expect(new Set(records.map((r) => r[col('ValidDate')]))).toEqual(new Set(['20250904', '20250920']));
  });

  it('a provisional department file leaves ValidDate empty on every line, closed coops included; the check refuses a mixed one', () => {
    const closed = guide({ closed: true }).notebook(2024);
    const open = new TestLog('ecole2');
    guideYear(open);
    const coops = [
      { doc: closed, coopId: 'ecole1', name: 'École 1' },
      { doc: open.notebook(2024), coopId: 'ecole2', name: 'École 2' },
    ];
    const text = departmentFile(coops, true);
    expect(new Set(recordsOf(text).map((r) => r[col('ValidDate')]))).toEqual(new Set(['']));
    expect(checkFec(encodeFec(text), { year: 2024, department: true, fileName: '781430004FEC20250831_provisoire.txt' })).toEqual([]);
    const mixed = departmentFile(coops, false);
    expect(checkFec(encodeFec(mixed), { year: 2024, department: true }).join()).toContain('provisoire avec des ValidDate');
    expect(checkFec(encodeFec(text), { year: 2024, department: true, fileName: '781430004FEC20250831_ecole1_provisoire.txt' }).join()).toContain(
      'nom de fichier',
    );
  });

  it('a year reopened and closed again keeps every validated line (number, content, ValidDate); corrections come after, validated on the new closing', () => {
    const log = guide({ closed: true });
    const firstFile = encodeFec(fec(log.notebook(2024), chart));
    log.append(2024, { type: 'YearUnlocked', data: { reason: 'Erreur de compte' } });
    // The amendment of 03 (Mairie, 500,00 → 450,00) as the decider records it: its reversal and the corrected entry.
    log.append(2024, {
      type: 'EntryRecorded',
      data: {
        entryId: 'e-mairie-annulation',
        ...content('03-A', '2024-10-15', "Annulation de l'écriture n° 03", [credit('512', 500), debit('7410', 500)]),
        reverses: 'e-mairie',
      },
    });
    log.append(2024, {
      type: 'EntryRecorded',
      data: {
        entryId: 'e-mairie-correction',
        ...content('03', '2024-10-15', 'Mairie – Subvention', [debit('512', 450), credit('7410', 450)]),
        replaces: 'e-mairie',
      },
    });
    log.append(2024, { type: 'EntryRecorded', data: { entryId: 'e-new', ...content('90', '2024-09-05', 'Oubli', [debit('512', 10), credit('7580', 10)]) } });
    const reopened = log.notebook(2024);
    const provisional = encodeFec(fec(reopened, chart));
    expect(checkFec(provisional, { year: 2024, coopId: 'ecole1', fileName: fecFileName(2024, '781430004', true, 'x', 'ecole1') })).toEqual([]);
    expect(checkFecSuccession(firstFile, provisional)).toEqual([]);
    close(log, '2027-02-10', true);
    const secondFile = encodeFec(fec(log.notebook(2024), chart));
    expect(checkFec(secondFile, { year: 2024, coopId: 'ecole1', fileName: '781430004FEC20250831_ecole1.txt' })).toEqual([]);
    expect(checkFecSuccession(firstFile, secondFile, '20270210')).toEqual([]);
    const added = recordsOf(iconv.decode(secondFile, 'iso-8859-15')).slice(recordsOf(iconv.decode(firstFile, 'iso-8859-15')).length);
    expect([...new Set(added.map((r) => `${r[col('EcritureNum')]} ${r[col('PieceRef')]} ${r[col('ValidDate')]}`))]).toEqual([
      '10 90 20270210',
      '11 03 20270210',
      '12 03-A 20270210',
    ]);
    // The checker catches a file that renumbered instead (the "old 5–11 became 6–12").
    const renumbered = fecRecordsText(secondFile).replace(/\t5\t/g, '\t99\t');
    expect(checkFecSuccession(firstFile, encodeFec(renumbered)).length).toBeGreaterThan(0);
    const { notice } = coopFecFile(log.notebook(2024), chart, { coopId: 'ecole1', name: 'École 1' }, null, '2027-02-10');
    expect(notice).toContain('version 2 du 10/02/2027');
    expect(notice).toContain(
      "Version 2 : nouvelle clôture du 10/02/2027 après réouverture ; par rapport à la version 1, les écritures n° 1 à 9 sont inchangées et les écritures n° 10 à 12 sont ajoutées (1 annulation d'une écriture validée, 1 écriture corrigée, 1 écriture nouvelle)",
    );
    expect(notice).not.toMatch(/figée/);
  });

  it('comes with a descriptive notice in correct French', () => {
    const notice = fecNotice({
      fileName: '781430004FEC20250831_ecole1.txt',
      year: 2024,
      contents: 'de la coopérative ecole1',
      association: { name: 'OCCE 14', siren: '781430004', address: 'Caen' },
      provisional: false,
      generatedOn: '2025-09-10',
      coop: { versions: [{ version: 1, validatedOn: '2025-09-04', first: 1, last: 9, reversals: 0, corrections: 0 }], pending: null },
    });
    for (const text of [
      '781430004FEC20250831_ecole1.txt',
      'ISO-8859-15',
      'EcritureLet',
      'AN :',
      'BQ :',
      'CA :',
      'OD :',
      'du 01/09/2024 au 31/08/2025',
      'définitif',
    ]) {
      expect(notice).toContain(text);
    }
    expect(notice).toContain('Version 1 : clôture du 04/09/2025, écritures n° 1 à 9 validées.');
    const coop = coopFecFile(guide().notebook(2024), chart, { coopId: 'ecole1', name: 'École 1' }, null, '2025-06-01');
    expect(coop.notice).toContain('PROVISOIRE');
    expect(coop.notice).toContain('Contenu : les écritures de la coopérative ecole1 (École 1).');
    expect(coop.notice).not.toMatch(/de les|figée/);
  });
});

describe('our FEC check finds what breaks the article', () => {
  const good = (): string => fec(guide({ closed: true }).notebook(2024), chart);
  const problemsOf = (text: string | Buffer, fileName?: string) => checkFec(typeof text === 'string' ? encodeFec(text) : text, { year: 2024, fileName });

  it('a BOM, UTF-8, a wrong header, a gap in the numbering, an unbalanced entry, a date outside the year, a lone letter', () => {
    expect(problemsOf(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), encodeFec(good())]))).toContain('BOM UTF-8 en tête du fichier');
    expect(problemsOf(Buffer.from(good(), 'utf8')).join()).toContain('UTF-8');
    expect(problemsOf(good().replace('JournalCode', 'Journal')).join()).toContain('en-tête');
    const records = good().split('\r\n');
    const gap = records.map((l) => l.replace(/^(BQ\tBanque\t)3\t/, '$14\t')).join('\r\n');
    expect(problemsOf(gap).join()).toMatch(/EcritureNum|déséquilibrée/);
    expect(problemsOf(good().replace('\t212,00\t', '\t213,00\t')).join()).toContain('déséquilibrée');
    expect(problemsOf(good().replace(/20240910/g, '20240810')).join()).toContain("hors de l'exercice");
    expect(problemsOf(good().replace(/\tAAA\t20250625\t/, '\tAAA\t\t')).join()).toContain('vont ensemble');
    expect(problemsOf(good(), '781430004FEC20250831_provisoire.txt').join()).toContain('provisoire');
    expect(problemsOf(good(), 'ecole1FEC20250831.txt').join()).toContain('nom de fichier');
  });
});

const fecRecordsText = (bytes: Buffer): string => iconv.decode(bytes, 'iso-8859-15');
