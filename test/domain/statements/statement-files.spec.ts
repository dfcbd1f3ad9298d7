import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ParsedStatement, readStatementFile, readOfxSgml, StatementFileError } from '../../../src/domain/statements';

const fixture = (name: string): Buffer => readFileSync(join(__dirname, 'fixtures', name));
const read = (name: string): ParsedStatement => readStatementFile(fixture(name));
const shortLines = (p: ParsedStatement) => p.lines.map(({ date, label, amount, chequeNo, reference }) => ({ date, label, amount, chequeNo, reference }));

function refusal(bytes: Buffer): StatementFileError {
  try {
    readStatementFile(bytes);
  } catch (error) {
    if (error instanceof StatementFileError) return error;
    throw error;
  }
  throw new Error('the file was read');
}

describe('a CSV export of a French bank', () => {
  it('Windows-1252, account lines above the table, débit / crédit columns, French amounts, a final balance line', () => {
    const statement = read('debit-credit-cp1252.csv');
    expect(statement).toMatchObject({ format: 'csv', date: '2024-09-30', closingBalance: 251390, columns: ['Date', 'Libellé', 'Débit', 'Crédit'] });
    expect(statement.mapping).toMatchObject({ encoding: 'windows-1252', delimiter: ';', headerLine: 5, date: 0, label: 1, amount: null, debit: 2, credit: 3 });
    expect(shortLines(statement)).toEqual([
      { date: '2024-09-02', label: 'CHEQUE N° 0001234', amount: -23300, chequeNo: '1234', reference: null },
      { date: '2024-09-10', label: 'VIR SEPA MAIRIE DE CAEN SUBVENTION', amount: 50000, chequeNo: null, reference: null },
      { date: '2024-09-15', label: 'PRLV SEPA FRAIS TENUE DE COMPTE', amount: -350, chequeNo: null, reference: null },
      { date: '2024-09-15', label: 'REMISE CHEQUES PHOTOS ÉLÈVES', amount: 125040, chequeNo: null, reference: null },
    ]);
  });

  it('UTF-8 with a BOM, one signed amount column, the balance stated above the table', () => {
    const statement = read('signed-utf8-bom.csv');
    expect(statement).toMatchObject({ date: '2024-10-31', closingBalance: 110510 });
    expect(statement.mapping).toMatchObject({ encoding: 'utf-8', headerLine: 5, date: 0, label: 2, amount: 3 });
    expect(statement.lines.map((l) => l.amount)).toEqual([-5990, 1500, -15000]);
  });

  it('commas between fields, dotted amounts, ISO dates, a reference column and no balance line', () => {
    const statement = read('comma-dotted-reference.csv');
    expect(statement).toMatchObject({ date: null, closingBalance: null });
    expect(statement.mapping).toMatchObject({ delimiter: ',', dateFormat: 'yyyy-mm-dd', reference: 3 });
    expect(shortLines(statement)[0]).toEqual({
      date: '2024-11-04',
      label: 'PAIEMENT CB PEPINIERES DUPONT, CAEN',
      amount: -123456,
      chequeNo: null,
      reference: 'REF00017',
    });
    expect(statement.lines.map((l) => l.reference)).toEqual(['REF00017', 'REF00018', 'REF00019']);
  });

  it('tabs, a cheque-number column, two identical card payments and interest', () => {
    const statement = read('tab-cheque-column.tsv');
    expect(statement).toMatchObject({ date: '2024-12-31', closingBalance: 91127 });
    expect(statement.mapping).toMatchObject({ delimiter: '\t', chequeNo: 2, debit: 3, credit: 4 });
    expect(shortLines(statement).map((l) => [l.amount, l.chequeNo])).toEqual([
      [-8000, '1240'],
      [-500, null],
      [-500, null],
      [127, null],
    ]);
  });

  it('a table without column names: columns found by their content', () => {
    const statement = read('headerless.csv');
    expect(statement.mapping).toMatchObject({ headerLine: 0, date: 0, label: 1, amount: 2 });
    expect(statement.lines.map((l) => l.amount)).toEqual([-4200, 8650]);
  });

  it('a mapping corrected after the preview wins over the guess', () => {
    const statement = readStatementFile(fixture('signed-utf8-bom.csv'), { date: 1 });
    expect(statement.lines.map((l) => l.date)).toEqual(['2024-10-03', '2024-10-08', '2024-10-22']);
  });

  it('a wrong amount or date is refused naming the line and what was expected', () => {
    expect(refusal(fixture('bad-amount.csv')).message).toBe('Ligne 3 : montant attendu dans la colonne « Montant » (ex. -1 234,56), trouvé « quatre-vingts ».');
    expect(refusal(fixture('bad-date.csv')).message).toBe('Ligne 3 : date attendue dans la colonne « Date » (jj/mm/aaaa), trouvé « 32/13/2025 ».');
    expect(refusal(fixture('bad-date.csv'))).toMatchObject({ code: 'STATEMENT_UNREADABLE', field: 'file', details: { line: 3 } });
  });

  it('a month without operations is a statement when the bank states its balance', () => {
    const statement = readStatementFile(Buffer.from('Date;Libellé;Débit;Crédit\r\nSolde créditeur au 30/11/2025;;;1 679,50\r\n', 'utf8'));
    expect(statement).toMatchObject({ format: 'csv', date: '2025-11-30', closingBalance: 167950, lines: [] });
  });

  it('a file that is no statement is refused in French, never a crash', () => {
    expect(refusal(Buffer.from('')).message).toBe('Le fichier est vide.');
    expect(refusal(Buffer.from('%PDF-1.4 ...')).message).toMatch(/exportez le relevé/);
    expect(refusal(Buffer.from('bonjour\nceci est une lettre\n')).message).toMatch(/^Ligne 1 : ligne d'en-tête du tableau attendue/);
    expect(refusal(Buffer.from('Date;Libellé;Montant\n')).message).toMatch(/aucune opération/);
  });
});

describe('OFX', () => {
  it('1.x (SGML, Windows-1252): leaves without end tags, FITID as reference, CHECKNUM, the ledger balance', () => {
    const statement = read('ofx1-cp1252.ofx');
    expect(statement).toMatchObject({ format: 'ofx', date: '2024-10-31', closingBalance: 278450, mapping: null });
    expect(shortLines(statement)).toEqual([
      { date: '2024-10-04', label: 'CHEQUE 0001235', amount: -4590, chequeNo: '0001235', reference: '2024100400001' },
      { date: '2024-10-12', label: 'VIR APE ÉCOLE Participation sortie forêt', amount: 32000, chequeNo: null, reference: '2024101200002' },
      { date: '2024-10-31', label: 'FRAIS TENUE DE COMPTE', amount: -350, chequeNo: null, reference: '2024103100003' },
    ]);
    expect(statement.lines[0].sourceLine).toBe(23);
  });

  it('2.x (XML)', () => {
    const statement = read('ofx2.ofx');
    expect(statement).toMatchObject({ format: 'ofx', date: '2025-02-28', closingBalance: 142992 });
    expect(shortLines(statement).map((l) => [l.date, l.amount, l.label, l.reference])).toEqual([
      ['2025-02-03', 41200, 'REMISE DE CHEQUES Photos de classe', 'F-0203-1'],
      ['2025-02-14', -8735, 'CB NATURE ET DÉCOUVERTES', 'F-0214-1'],
    ]);
  });

  it('the SGML reader nests aggregates and takes leaves written in full', () => {
    expect(readOfxSgml('<OFX><A><B>1<C>deux</C><D><E>3</D></A></OFX>')).toEqual({ A: { B: '1', C: 'deux', D: { E: '3' } } });
  });

  it('a transaction with a wrong amount is refused with its line', () => {
    const text = fixture('ofx1-cp1252.ofx').toString('latin1').replace('<TRNAMT>320.00', '<TRNAMT>trois cents');
    expect(refusal(Buffer.from(text, 'latin1')).message).toBe('Ligne 31 : montant attendu dans <TRNAMT> (ex. -12.50), trouvé « trois cents ».');
  });

  it('malformed XML is refused with its line', () => {
    const text = fixture('ofx2.ofx').toString().replace('</LEDGERBAL>', '</LEDGER>');
    expect(refusal(Buffer.from(text)).message).toBe("Ligne 17 : XML mal formé : chaque balise ouverte doit être fermée, dans l'ordre.");
  });
});

describe('CAMT.053', () => {
  it('several statements of several entries: booked entries only, signs from CdtDbtInd, the last closing booked balance', () => {
    const statement = read('camt053.xml');
    expect(statement).toMatchObject({ format: 'camt053', date: '2025-03-31', closingBalance: 126230 });
    expect(shortLines(statement)).toEqual([
      { date: '2025-03-05', label: 'MAIRIE DE CAEN SUBVENTION CLASSE DECOUVERTE', amount: 35000, chequeNo: null, reference: 'C-20250305-01' },
      { date: '2025-03-10', label: 'CHEQUE 0001250', amount: -5000, chequeNo: '0001250', reference: 'C-20250310-01' },
      { date: '2025-03-20', label: 'PRLV SEPA ORANGE', amount: -3770, chequeNo: null, reference: 'C-20250320-01' },
    ]);
  });

  it('an entry without booking date is refused with its line', () => {
    const text = fixture('camt053.xml').toString().replace('<BookgDt><Dt>2025-03-10</Dt></BookgDt>', '');
    expect(refusal(Buffer.from(text)).message).toMatch(/^Ligne 16 : date de comptabilisation attendue/);
  });
});

describe('La Banque Postale (issue #24 point 13)', () => {
  it('account details and the balance above a blank line, then Date;Libellé;Montant(EUROS);Montant(FRANCS): read, balance in euros included', () => {
    const statement = read('la-banque-postale.csv');
    expect(statement).toMatchObject({ format: 'csv', date: '2025-11-28', closingBalance: 123456 });
    expect(statement.mapping).toMatchObject({ encoding: 'windows-1252', delimiter: ';', headerLine: 8, date: 0, label: 1, amount: 2 });
    expect(shortLines(statement)).toEqual([
      { date: '2025-11-27', label: 'CARTE X1234 26/11 PAPETERIE DU PORT', amount: -1250, chequeNo: null, reference: null },
      { date: '2025-11-25', label: 'VIREMENT DE APE ECOLE JULES FERRY', amount: 15000, chequeNo: null, reference: null },
      { date: '2025-11-20', label: 'CHEQUE N° 1234567', amount: -4590, chequeNo: '1234567', reference: null },
    ]);
  });
});

/** Issue #29 point 11: Crédit Mutuel's export states the balance after each operation, in a "Solde" column. */
describe('a CSV with a "Solde" column', () => {
  const csv = (rows: string[]): Buffer => Buffer.from(['Date;Date de valeur;Débit;Crédit;Libellé;Solde', ...rows, ''].join('\r\n'), 'utf8');

  it('newest operation first (Crédit Mutuel): the balance after the last operation of the last day, dated that day', () => {
    const statement = readStatementFile(
      csv([
        '28/11/2026;28/11/2026;12,50;;CARTE LIBRAIRIE;1 593,00',
        '28/11/2026;28/11/2026;;30,00;REMISE CHEQUE;1 605,50',
        '03/11/2026;03/11/2026;;150,00;VIR APE;1 575,50',
      ]),
    );
    expect(statement).toMatchObject({ date: '2026-11-28', closingBalance: 159300 });
    expect(statement.mapping).toMatchObject({ balance: 5, label: 4, debit: 2, credit: 3 });
    expect(statement.lines.map((l) => l.amount)).toEqual([-1250, 3000, 15000]);
  });

  it('oldest first: the last row of the last day', () => {
    const statement = readStatementFile(csv(['03/11/2026;03/11/2026;;150,00;VIR APE;1 575,50', '28/11/2026;28/11/2026;12,50;;CARTE LIBRAIRIE;1 563,00']));
    expect(statement).toMatchObject({ date: '2026-11-28', closingBalance: 156300 });
  });

  it('no "Solde" column, no balance row: no balance (the preview asks for it)', () => {
    const statement = readStatementFile(Buffer.from('Date;Libellé;Montant\r\n03/11/2026;VIR APE;150,00\r\n', 'utf8'));
    expect(statement.closingBalance).toBeNull();
    expect(statement.mapping?.balance).toBeNull();
  });
});
