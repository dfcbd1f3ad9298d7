import { monthlySeries, yearPicture, type MonthFigures, type TreasuryRow } from '../../src/reads/year-picture';

const row = (date: string, flows: Partial<Omit<TreasuryRow, 'date'>>): TreasuryRow => ({ date, bankIn: 0, bankOut: 0, cashIn: 0, cashOut: 0, ...flows });

/** The guide's kind of year: photos sold in the autumn, a trip paid in the spring. */
const ROWS: TreasuryRow[] = [
  row('2024-09-12', { bankIn: 32000 }),
  row('2024-10-03', { cashIn: 4500 }),
  row('2024-10-20', { bankOut: 12050 }),
  row('2024-11-15', { bankIn: 123456 }),
  row('2024-11-16', { bankIn: 10000, cashOut: 10000 }), // cash deposited at the bank
  row('2025-04-02', { bankOut: 150000 }),
  row('2025-08-31', { cashOut: 700 }),
  row('2025-09-01', { bankIn: 99999 }), // next year
];

const attribute = (tag: string, name: string): number => Number(new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1]);
const bars = (svg: string, kind: 'receipts' | 'expenses') =>
  [...svg.matchAll(new RegExp(`<rect class="${kind}"[^>]*>`, 'g'))].map((m) => ({ y: attribute(m[0], 'y'), height: attribute(m[0], 'height') }));
const tickLine = (svg: string, stroke: string) => [...svg.matchAll(new RegExp(`<line [^>]*stroke="${stroke}"[^>]*>`, 'g'))].map((m) => attribute(m[0], 'y1'));

describe('monthlySeries', () => {
  const months = monthlySeries(2024, ROWS, { bank: 50000, cash: 3000 });

  it('gives the twelve months of the fiscal year, September to August', () => {
    expect(months.map((m) => m.month)).toEqual([
      '2024-09',
      '2024-10',
      '2024-11',
      '2024-12',
      '2025-01',
      '2025-02',
      '2025-03',
      '2025-04',
      '2025-05',
      '2025-06',
      '2025-07',
      '2025-08',
    ]);
  });

  it('sums receipts and expenses per month, leaving bank–cash transfers out', () => {
    expect(months[0]).toEqual({ month: '2024-09', receipts: 32000, expenses: 0, bank: 82000, cash: 3000 });
    expect(months[1]).toEqual({ month: '2024-10', receipts: 4500, expenses: 12050, bank: 69950, cash: 7500 });
    expect(months[2]).toEqual({ month: '2024-11', receipts: 123456, expenses: 0, bank: 203406, cash: -2500 });
  });

  it('carries the balances through quiet months and ignores rows of another year', () => {
    expect(months[3]).toMatchObject({ receipts: 0, expenses: 0, bank: 203406, cash: -2500 });
    expect(months[7]).toMatchObject({ month: '2025-04', expenses: 150000, bank: 53406 });
    expect(months[11]).toEqual({ month: '2025-08', receipts: 0, expenses: 700, bank: 53406, cash: -3200 });
  });
});

describe('yearPicture', () => {
  const months = monthlySeries(2024, ROWS, { bank: 50000, cash: 3000 });
  const svg = yearPicture(months);

  it('is an accessible image with a French title and description', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('role="img"');
    expect(svg).toContain('aria-labelledby="year-picture-title year-picture-desc"');
    expect(svg).toContain('<title id="year-picture-title">L&#39;année 2024-2025 en image</title>');
    const desc = /<desc id="year-picture-desc">([^<]*)<\/desc>/.exec(svg)?.[1];
    expect(desc).toContain('Solde de la banque et de la caisse, recettes et dépenses par mois, de septembre 2024 à août 2025.');
    expect(desc).toContain('Fin août 2025 : banque 534,06\u00a0€, caisse -32,00\u00a0€.');
    expect(desc).toContain('Total des recettes : 1\u202f599,56\u00a0€ ; total des dépenses : 1\u202f627,50\u00a0€.');
  });

  it('labels the months in French, September first, and names the series in a text legend', () => {
    const labels = [...svg.matchAll(/<text [^>]*text-anchor="middle"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(labels).toEqual(['sept.', 'oct.', 'nov.', 'déc.', 'janv.', 'févr.', 'mars', 'avr.', 'mai', 'juin', 'juil.', 'août']);
    for (const name of ['Recettes du mois', 'Dépenses du mois', 'Solde de la banque', 'Solde de la caisse']) expect(svg).toContain(`>${name}</text>`);
  });

  it('draws one receipt and one expense bar per month, the tallest for the largest amount', () => {
    const receipts = bars(svg, 'receipts');
    const expenses = bars(svg, 'expenses');
    expect(receipts).toHaveLength(12);
    expect(expenses).toHaveLength(12);
    const tallest = (list: Array<{ height: number }>) => list.reduce((best, b, i) => (b.height > list[best].height ? i : best), 0);
    expect(tallest(receipts)).toBe(2); // November's photos
    expect(tallest(expenses)).toBe(7); // April's trip
    expect(receipts[3].height).toBe(0);
    // Heights are proportional to the amounts.
    expect(receipts[0].height / receipts[2].height).toBeCloseTo(32000 / 123456, 2);
  });

  it('writes French amounts on the axis and in the tooltips', () => {
    expect(svg).toContain('>0\u00a0€</text>');
    expect(svg).toContain('>2\u202f000\u00a0€</text>');
    expect(svg).toContain('<title>novembre 2024 : recettes 1\u202f234,56\u00a0€</title>');
    expect(svg).toContain('<title>août 2025 : solde de la caisse -32,00\u00a0€</title>');
  });

  it('puts negative values below the zero line', () => {
    const negative: MonthFigures[] = [
      { month: '2024-09', receipts: -5000, expenses: 2000, bank: -10000, cash: 500 },
      { month: '2024-10', receipts: 3000, expenses: 0, bank: 20000, cash: 500 },
    ];
    const picture = yearPicture(negative);
    const [zeroLine] = tickLine(picture, '#555555');
    const refund = bars(picture, 'receipts')[0];
    expect(refund.y).toBeCloseTo(zeroLine, 1);
    expect(refund.height).toBeGreaterThan(0);
    const bankMarker = /<circle cx="[^"]*" cy="([^"]*)"[^>]*><title>septembre 2024 : solde de la banque -100,00/.exec(picture);
    expect(Number(bankMarker?.[1])).toBeGreaterThan(zeroLine);
    expect(picture).toContain('>-100\u00a0€</text>');
  });

  it('escapes the text it is given and needs neither script, style attribute nor external resource', () => {
    const picture = yearPicture(months, { title: 'Coop <script>alert(1)</script> & "Jules Ferry"', idPrefix: 'home' });
    expect(picture).toContain('<title id="home-title">Coop &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Jules Ferry&quot;</title>');
    expect(picture).not.toContain('<script');
    for (const svgText of [svg, picture]) {
      expect(svgText).not.toMatch(/NaN|Infinity|undefined|style=|<script|href=|url\(|@font-face/);
      expect(svgText.match(/http/g)).toEqual(['http']); // the SVG namespace only
    }
  });

  it('draws an empty year without dividing by zero', () => {
    const quiet = yearPicture(monthlySeries(2025, [], { bank: 0, cash: 0 }));
    expect(quiet).not.toMatch(/NaN|Infinity/);
    expect(bars(quiet, 'receipts').every((b) => b.height === 0)).toBe(true);
    expect(quiet).toContain('de septembre 2025 à août 2026');
    expect(yearPicture([])).toContain('aucun mois à montrer');
  });

  it('refuses amounts that are not integer cents and malformed months', () => {
    const month = { month: '2024-09', receipts: 0, expenses: 0, bank: 0, cash: 0 };
    expect(() => yearPicture([{ ...month, bank: 12.5 }])).toThrow(/centimes/);
    expect(() => yearPicture([{ ...month, cash: Number.NaN }])).toThrow(/centimes/);
    expect(() => yearPicture([{ ...month, month: '2024-13' }])).toThrow(/mois invalide/);
  });
});

describe('the picture of a year under way (#29.15)', () => {
  it('draws the bank and the cash up to the current month, never flat into the months not begun', () => {
    const months = monthlySeries(2024, ROWS.slice(0, 5), { bank: 50000, cash: 3000 }, '2024-11-27');
    expect(months.filter((m) => !m.future).map((m) => m.month)).toEqual(['2024-09', '2024-10', '2024-11']);
    const svg = yearPicture(months);
    const polylines = [...svg.matchAll(/<polyline points="([^"]*)"/g)].map((m) => m[1].split(' ').length);
    expect(polylines).toEqual([3, 3]);
    expect(svg).not.toContain('décembre 2024 : solde de la banque');
    expect(svg).toContain('Fin novembre 2024 : banque');
  });
});
