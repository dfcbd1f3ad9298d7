import * as iconv from 'iconv-lite';
import { defaultChart } from '../../src/domain/chart';
import { encodeFec, FEC_COLUMNS, FEC_HEADER, fec, fecFileName, fecNotice, fecRecords, fecText, newFecCursor } from '../../src/reads/fec';
import { checkFec } from '../support/fec-check';
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
  if (options.closed) {
    log.append(2024, { type: 'YearClosed', data: { closedOn: '2025-09-04', bank: 0, cash: 0, result: 0, openAdvances: [], unreconciled: [] } });
  }
  return log;
}

describe('FEC of a coop (article A47 A-1 LPF)', () => {
  it('passes our FEC check, closed (final name, ValidDate the closing date) or open (provisional name, ValidDate empty)', () => {
    const closed = guide({ closed: true }).notebook(2024);
    const closedName = fecFileName(2024, '781430004', closed.status !== 'closed', 'ecole1');
    expect(closedName).toBe('781430004FEC20250831.txt');
    expect(checkFec(encodeFec(fec(closed, chart)), { year: 2024, fileName: closedName })).toEqual([]);
    expect(new Set(recordsOf(fec(closed, chart)).map((r) => r[col('ValidDate')]))).toEqual(new Set(['20250904']));

    const open = guide().notebook(2024);
    const openName = fecFileName(2024, '781430004', true, 'ecole1');
    expect(openName).toBe('781430004FEC20250831_PROVISOIRE.txt');
    expect(checkFec(encodeFec(fec(open, chart)), { year: 2024, fileName: openName })).toEqual([]);
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

  it('a department file goes on numbering and lettering from coop to coop, the coop as auxiliary account and PieceRef prefix', () => {
    const first = guide({ closed: true }).notebook(2024);
    const second = new TestLog('ecole2');
    guideYear(second);
    const cursor = newFecCursor();
    const text =
      FEC_HEADER +
      fecRecords(first, chart, cursor, { coopId: 'ecole1', name: 'École 1' }) +
      fecRecords(second.notebook(2024), chart, cursor, { coopId: 'ecole2', name: 'École 2' });
    expect(checkFec(encodeFec(text), { year: 2024, department: true, fileName: '781430004FEC20250831_PROVISOIRE.txt' })).toEqual([]);
    const records = recordsOf(text);
    const bank = records.find((r) => r[col('PieceRef')] === 'ecole2-01' && r[col('CompteNum')] === '512')!;
    expect([bank[col('CompAuxNum')], bank[col('CompAuxLib')]]).toEqual(['ecole2', 'École 2']);
    expect(records.find((r) => r[col('CompteNum')] === '6586')![col('CompAuxNum')]).toBe('');
    expect(new Set(records.filter((r) => r[col('CompteNum')] === '4670').map((r) => r[col('EcritureLet')]))).toEqual(new Set(['AAA', 'AAB']));
    expect(cursor.debit).toBe(cursor.credit);
  });

  it('comes with a descriptive notice', () => {
    const notice = fecNotice({
      fileName: '781430004FEC20250831.txt',
      year: 2024,
      scope: 'la coopérative ecole1',
      association: { name: 'OCCE 14', siren: '781430004', address: 'Caen' },
      provisional: false,
      department: false,
      generatedOn: '2025-09-10',
    });
    for (const text of ['781430004FEC20250831.txt', 'ISO-8859-15', 'EcritureLet', 'AN :', 'BQ :', 'CA :', 'OD :', 'du 01/09/2024 au 31/08/2025', 'définitif']) {
      expect(notice).toContain(text);
    }
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
    expect(problemsOf(good(), '781430004FEC20250831_PROVISOIRE.txt').join()).toContain('provisoire');
    expect(problemsOf(good(), 'ecole1FEC20250831.txt').join()).toContain('nom de fichier');
  });
});
