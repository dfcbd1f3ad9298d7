import { defaultChart } from '../../src/domain/chart';
import { plainAmount } from '../../src/domain/money';
import { gridCsv, neutralizeFormula } from '../../src/reads/exports';
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
