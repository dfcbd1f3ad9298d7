import { defaultChart } from '../../src/domain/chart';
import { FEC_COLUMNS, fec, fecFileName, gridCsv, neutralizeFormula, plainAmount } from '../../src/reads/exports';
import { gridView } from '../../src/reads/ledger-views';
import { content, credit, debit, guideYear, TestLog } from '../projections/ledger/support';

const chart = defaultChart('14', 2024);

describe('amounts and cells for other programs', () => {
  it('amounts have a decimal comma and no thousands separator', () => {
    expect(plainAmount(123456)).toBe('1234,56');
    expect(plainAmount(5)).toBe('0,05');
    expect(plainAmount(-32000)).toBe('-320,00');
    expect(plainAmount(0)).toBe('0,00');
  });

  it('a cell a spreadsheet would run as a formula gets a leading apostrophe', () => {
    for (const text of ['=1+1', '+33 6', '-2', '@SUM(A1)', '\tx', '\rx']) expect(neutralizeFormula(text)).toBe(`'${text}`);
    expect(neutralizeFormula('Photos – vente')).toBe('Photos – vente');
  });
});

describe('grid CSV', () => {
  function csvLines(): string[] {
    const log = new TestLog();
    guideYear(log);
    log.append(2024, {
      type: 'EntryRecorded',
      data: {
        entryId: 'e-x',
        ...content('05', '2024-11-05', '=HYPERLINK("http://evil.example","clic")', [debit('6181', 10), credit('530', 10)], { actionA: 'Sortie; musée' }),
      },
    });
    const csv = gridCsv(gridView(log.notebook(2024), chart), 'Coopérative de l’école Jules Ferry');
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    return csv.slice(1).split('\r\n').slice(0, -1);
  }

  it('is UTF-8 with BOM, CRLF lines, a title, a header, the opening, one line per entry, the totals', () => {
    const lines = csvLines();
    expect(lines[0]).toBe('Cahier de comptabilité;Coopérative de l’école Jules Ferry');
    expect(lines[1].split(';').slice(0, 9)).toEqual([
      'N° de PJ',
      'Date',
      'Libellé',
      'N° de chèque',
      'Action A',
      'Action B',
      'Pointée',
      'Banque – recettes',
      'Banque – dépenses',
    ]);
    expect(lines[1]).toContain(";6586 Cotisations à l'OCCE;");
    expect(lines[1].endsWith(';Solde banque;Solde caisse')).toBe(true);
    expect(lines[2].startsWith(";;Existence au début de l'exercice;")).toBe(true);
    expect(lines[2].endsWith(';1000,00;50,00')).toBe(true);
    expect(lines).toHaveLength(2 + 1 + 8 + 1);
    expect(lines[lines.length - 1].startsWith(';;Totaux;')).toBe(true);
  });

  it('writes French dates and amounts, empty cells for zero', () => {
    const lines = csvLines();
    const header = lines[1].split(';');
    const cotisation = lines.find((l) => l.startsWith('01;'))!.split(';');
    expect(cotisation[header.indexOf('Date')]).toBe('10/09/2024');
    expect(cotisation[header.indexOf('N° de chèque')]).toBe('1568001');
    expect(cotisation[header.indexOf('Banque – dépenses')]).toBe('233,00');
    expect(cotisation[header.indexOf('Banque – recettes')]).toBe('');
    expect(cotisation[header.indexOf("6586 Cotisations à l'OCCE")]).toBe('212,00');
    expect(cotisation[header.indexOf('6168 Assurances')]).toBe('21,00');
    expect(cotisation[header.indexOf('Solde banque')]).toBe('767,00');
    expect(cotisation[header.indexOf('Pointée')]).toBe('non');
  });

  it('neutralizes formulas and quotes fields holding ; or "', () => {
    const line = lineStartingWith(csvLines(), '05;');
    expect(line).toContain(';"\'=HYPERLINK(""http://evil.example"",""clic"")";');
    expect(line).toContain(';"Sortie; musée";');
  });
});

function lineStartingWith(lines: string[], prefix: string): string {
  const line = lines.find((l) => l.startsWith(prefix));
  if (!line) throw new Error(`no line ${prefix}`);
  return line;
}

describe('FEC', () => {
  function guideFec(): string[][] {
    const log = new TestLog();
    guideYear(log);
    log.append(2024, { type: 'EntryReconciled', data: { entryId: 'e-mairie', statementDate: '2024-10-31' } });
    const text = fec(log.notebook(2024), chart);
    expect(text.endsWith('\r\n')).toBe(true);
    return text
      .split('\r\n')
      .slice(0, -1)
      .map((l) => l.split('\t'));
  }
  const col = (name: (typeof FEC_COLUMNS)[number]): number => FEC_COLUMNS.indexOf(name);
  const cents = (amount: string): number => Math.round(Number(amount.replace(',', '.')) * 100);

  it('has the header of the 18 columns of article A47 A-1 LPF in order, and 18 fields per record', () => {
    const [header, ...records] = guideFec();
    expect(header).toEqual([
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
    ]);
    for (const r of records) expect(r).toHaveLength(18);
  });

  it('opens with the "À nouveau" entry in journal AN, balanced on the carried-forward result', () => {
    const records = guideFec()
      .slice(1)
      .filter((r) => r[col('EcritureNum')] === '1');
    expect(records.map((r) => [r[col('JournalCode')], r[col('EcritureDate')], r[col('CompteNum')], r[col('Debit')], r[col('Credit')]])).toEqual([
      ['AN', '20240901', '512', '1000,00', '0,00'],
      ['AN', '20240901', '530', '50,00', '0,00'],
      ['AN', '20240901', '110', '0,00', '1050,00'],
    ]);
  });

  it('numbers entries without gaps in date order, each balanced, dates AAAAMMJJ', () => {
    const records = guideFec().slice(1);
    const numbers = [...new Set(records.map((r) => Number(r[col('EcritureNum')])))];
    expect(numbers).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const byNumber = (n: number): string[][] => records.filter((r) => Number(r[col('EcritureNum')]) === n);
    expect(byNumber(2).map((r) => r[col('PieceRef')])).toEqual(['01', '01', '01']);
    expect(byNumber(8).map((r) => r[col('PieceRef')])).toEqual(['62', '62']);
    for (const n of numbers) {
      const lines = byNumber(n);
      expect(lines.reduce((s, r) => s + cents(r[col('Debit')]) - cents(r[col('Credit')]), 0)).toBe(0);
    }
    const dates = records.slice(3).map((r) => r[col('EcritureDate')]);
    expect(dates).toEqual([...dates].sort());
    for (const r of records) {
      expect(r[col('EcritureDate')]).toMatch(/^\d{8}$/);
      expect(r[col('ValidDate')]).toMatch(/^\d{8}$/);
    }
  });

  it('writes the 233,00 cheque line by line with account labels and the advance name as auxiliary account', () => {
    const records = guideFec().slice(1);
    const cotisation = records.filter((r) => r[col('PieceRef')] === '01');
    expect(
      cotisation.map((r) => [
        r[col('JournalCode')],
        r[col('CompteNum')],
        r[col('CompteLib')],
        r[col('PieceDate')],
        r[col('EcritureLib')],
        r[col('Debit')],
        r[col('Credit')],
      ]),
    ).toEqual([
      ['CC', '6586', "Cotisations à l'OCCE", '20240910', 'OCCE 14 – Cotisation et assurance', '212,00', '0,00'],
      ['CC', '6168', 'Assurances', '20240910', 'OCCE 14 – Cotisation et assurance', '21,00', '0,00'],
      ['CC', '512', 'Banque', '20240910', 'OCCE 14 – Cotisation et assurance', '0,00', '233,00'],
    ]);
    const regie = records.find((r) => r[col('PieceRef')] === '02' && r[col('CompteNum')] === '4670')!;
    expect([regie[col('CompAuxNum')], regie[col('CompAuxLib')]]).toEqual(['CP-CE1', 'Régie CP-CE1']);
  });

  it('letters the bank line of a reconciled entry with its statement date', () => {
    const records = guideFec()
      .slice(1)
      .filter((r) => r[col('PieceRef')] === '03');
    expect(records.map((r) => [r[col('CompteNum')], r[col('EcritureLet')], r[col('DateLet')]])).toEqual([
      ['512', '03', '20241031'],
      ['7410', '', ''],
    ]);
  });

  it('without any opening balance, the first entry is number 1; the validation date is the day of the last change in France', () => {
    const log = new TestLog();
    log.append(
      2024,
      { type: 'EntryRecorded', data: { entryId: 'e1', ...content('01', '2024-09-10', 'Dons', [debit('512', 10), credit('7580', 10)]) } },
      { at: '2024-09-10T22:30:00.000Z' },
    );
    const records = fec(log.notebook(2024), chart)
      .split('\r\n')
      .slice(1, -1)
      .map((l) => l.split('\t'));
    expect(records.map((r) => [r[col('EcritureNum')], r[col('ValidDate')]])).toEqual([
      ['1', '20240911'],
      ['1', '20240911'],
    ]);
  });

  it('keeps tabs and line breaks of labels out of the records', () => {
    const log = new TestLog();
    log.append(2024, {
      type: 'EntryRecorded',
      data: { entryId: 'e1', ...content('01', '2024-09-10', 'Dons\tdes\r\nparents', [debit('512', 10), credit('7580', 10)]) },
    });
    const records = fec(log.notebook(2024), chart)
      .split('\r\n')
      .slice(1, -1)
      .map((l) => l.split('\t'));
    expect(records[0][col('EcritureLib')]).toBe('Dons des parents');
  });

  it('is named <SIREN>FEC<last day of the fiscal year>.txt', () => {
    const log = new TestLog();
    guideYear(log);
    expect(fecFileName(log.notebook(2024), '123456789')).toBe('123456789FEC20250831.txt');
    expect(fecFileName(log.notebook(2024))).toBe('ecole1FEC20250831.txt');
  });
});
