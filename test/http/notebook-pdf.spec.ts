import { formatEuros } from '../../src/domain/money';
import { type PdfPageBoxes, type PdfWord, pdfInfo, pdfWordBoxes } from '../support/pdf-text';
import { type Agent, startTestApp, type TestApp, binaryBody } from '../support/app';

/** pdftotext keeps the French narrow no-break spaces: compare on plain ones. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');
const textOf = (page: PdfPageBoxes) => plain(page.words.map((w) => w.text).join(' '));
/** The words on the line of `first` (same baseline band), left to right, as one text. */
const lineOf = (page: PdfPageBoxes, first: PdfWord) =>
  plain(
    page.words
      .filter((w) => Math.abs(w.yMin - first.yMin) < 2)
      .sort((a, b) => a.xMin - b.xMin)
      .map((w) => w.text)
      .join(' '),
  );
const amounts = (line: string) => line.match(/-?\d{1,3}(?: \d{3})*,\d{2} €/g) ?? [];
/** The amounts of the line that starts with `label` ("Report", "À reporter"…), or null when the page has none. */
const carriedLine = (page: PdfPageBoxes, label: string): string[] | null => {
  const [head, ...rest] = label.split(' ');
  const start = page.words.find((w, i) => w.text === head && rest.every((r, k) => page.words[i + 1 + k]?.text === r));
  return start ? amounts(lineOf(page, start)) : null;
};

/** The notebook's PDF as a mandataire downloads it. */
async function notebookPdf(agent: Agent, url: string): Promise<Buffer> {
  const res = await agent.get(url).buffer(true).parse(binaryBody).expect(200);
  expect(res.headers['content-type']).toBe('application/pdf');
  return res.body as Buffer;
}

/** PJ numbers of a page's first column with their heights, from the "PJ" heading down. */
const firstColumn = (page: PdfPageBoxes) => {
  const pj = page.words.find((w) => w.text === 'PJ')!;
  return page.words
    .filter((w) => w.xMin < pj.xMin + 5 && w.yMin > pj.yMin - 1)
    .sort((a, b) => a.yMin - b.yMin)
    .filter((w) => /^\d+$/.test(w.text))
    .map((w) => [w.text, Math.round(w.yMin)]);
};

/** Words beyond their page's box, and words drawn over one another (a column too narrow for its amount). */
function misplacedWords(pages: PdfPageBoxes[]): { beyond: string[]; overlapping: string[] } {
  const beyond: string[] = [];
  const overlapping: string[] = [];
  pages.forEach((page, p) => {
    for (const w of page.words) {
      if (w.xMin < 0 || w.yMin < 0 || w.xMax > page.width || w.yMax > page.height)
        beyond.push(`page ${p + 1}: ${w.text} ${w.xMin}-${w.xMax} × ${w.yMin}-${w.yMax}`);
    }
    const words = [...page.words].sort((a, b) => a.xMin - b.xMin);
    for (let i = 0; i < words.length; i++) {
      for (let j = i + 1; j < words.length && words[j].xMin < words[i].xMax - 0.5; j++) {
        const [a, b] = [words[i], words[j]];
        if (Math.min(a.yMax, b.yMax) - Math.max(a.yMin, b.yMin) > 0.5) overlapping.push(`page ${p + 1}: "${a.text}" / "${b.text}"`);
      }
    }
  });
  return { beyond, overlapping };
}

/**
 * The printed notebook as the paper one (the guide, section 5), read back from the PDF with
 * poppler: page pairs of financial operations and ventilation, totals carried from page to page,
 * running balances, and no word beyond the page box.
 */
describe('the printed notebook (PDF)', () => {
  jest.setTimeout(180_000);
  let t: TestApp;
  let mandataire: Agent;
  let pages: PdfPageBoxes[];
  let pageCount: number;
  let grid: {
    rows: Array<{ pj: string; balances: { bank: number; cash: number } }>;
    columnTotals: Record<string, number>;
    balances: { bank: number; cash: number };
  };
  const base = '/api/coops/C14001/years/2026';

  /** 60 entries more than the demo's 5: cheques split over two accounts, cash sales, long labels and actions, big amounts. */
  const generatedEntry = (i: number) => {
    const pj = String(100 + i);
    const date = `2026-${['09', '10', '11'][i % 3]}-${String((i % 27) + 1).padStart(2, '0')}`;
    const amount = 1000 + i * 2713;
    switch (i % 5) {
      case 0:
        return {
          pj,
          date,
          label: `Kermesse – vente de gâteaux n°${i}`,
          actionA: 'Kermesse',
          lines: [
            { account: '530', debit: amount },
            { account: '7080', credit: amount },
          ],
        };
      case 1:
        return {
          pj,
          date,
          label: `Librairie du Port – Facture n°${9000 + i} – Albums de classe, fichiers de mathématiques et cahiers d'écriture pour les CE1 et les CE2`,
          chequeNo: `17${String(i).padStart(5, '0')}`,
          actionA: 'Bibliothèque de classe et coin lecture',
          actionB: 'CE1-CE2 de Mme Martin',
          lines: [
            { account: '6181', debit: amount },
            { account: '6070', debit: 1999 },
            { account: '512', credit: amount + 1999 },
          ],
        };
      case 2:
        return {
          pj,
          date,
          label: `Familles – participation à la classe de découverte (${i})`,
          lines: [
            { account: '512', debit: 987654 + i },
            { account: '7560', credit: 987654 + i },
          ],
        };
      case 3:
        return {
          pj,
          date,
          label: 'Banque – frais de tenue de compte',
          lines: [
            { account: '6270', debit: 350 },
            { account: '512', credit: 350 },
          ],
        };
      default:
        return {
          pj,
          date,
          label: 'Mairie – subvention',
          actionB: 'Toute l’école',
          lines: [
            { account: '512', debit: amount },
            { account: '7410', credit: amount },
          ],
        };
    }
  };

  /** The chart's other accounts, so that the right page holds all 15 of the default chart: its widest case. */
  const otherAccounts = ['6700', '6800', '7460', '7580', '7610', '7700'].map((account, i) => {
    const amount = 123456 + i;
    const charge = account.startsWith('6');
    return {
      pj: String(200 + i),
      date: '2026-11-20',
      label: `${charge ? 'Dépense' : 'Recette'} sur le compte ${account}`,
      lines: [
        { account: charge ? account : '512', debit: amount },
        { account: charge ? '512' : account, credit: amount },
      ],
    };
  });

  beforeAll(async () => {
    t = await startTestApp({ demo: true });
    [mandataire] = await t.loginDemo('jferry');
    for (let i = 1; i <= 60; i++) {
      const created = await mandataire.post(`${base}/entries`, { chequeNo: null, actionA: null, actionB: null, ...generatedEntry(i) }).expect(201);
      if (i % 4 === 0 && i % 5 !== 0)
        await mandataire.post(`${base}/entries/${created.body.entryId}/reconciliation`, { statementDate: '2026-11-30' }).expect(200);
    }
    for (const entry of otherAccounts) await mandataire.post(`${base}/entries`, { chequeNo: null, actionA: null, actionB: null, ...entry }).expect(201);
    grid = (await mandataire.get(`${base}/grid`).expect(200)).body;
    const pdf = await notebookPdf(mandataire, `${base}/print.pdf`);
    pages = pdfWordBoxes(pdf);
    pageCount = pdfInfo(pdf).pages;
  });
  afterAll(() => t.close());

  // 71 entries, 20 rows a page: 4 page pairs; the 15 accounts used fit on one right page; then the year's summary.
  const PAIRS = 4;

  it('prints page pairs, left (operations) then right (ventilation), then the summary, on landscape A4 with no spill page', () => {
    expect(grid.rows).toHaveLength(71);
    expect(pageCount).toBe(PAIRS * 2 + 1);
    expect(pages).toHaveLength(pageCount);
    for (let p = 0; p < PAIRS; p++) {
      expect(textOf(pages[2 * p])).toContain(`Double page ${p + 1}, côté gauche : opérations financières`);
      expect(textOf(pages[2 * p + 1])).toContain(`Double page ${p + 1}, côté droit : ventilation`);
      // #29.15: the heading never reads as the footer's page number.
      expect(textOf(pages[2 * p + 1])).not.toMatch(/Page \d+ — droite/);
    }
    expect(textOf(pages[PAIRS * 2])).toContain("Récapitulatif de l'exercice");
    for (const heading of [
      'PJ',
      'Date',
      'Libellé',
      'N° de chèque',
      'Actions',
      'Banque (512)',
      'Caisse (530)',
      "Régies d'avance (4670)",
      'Pointage',
      'Soldes',
    ]) {
      expect(textOf(pages[0])).toContain(heading);
    }
    for (const heading of ['Dépenses (charges)', 'Recettes (produits)', '6181', 'Activités éducatives', '7560', 'Participations des familles']) {
      expect(textOf(pages[1])).toContain(heading);
    }
    // A4 landscape: 842 × 595 points.
    for (const page of pages) expect([Math.round(page.width), Math.round(page.height)]).toEqual([843, 596]);
  });

  it('carries the totals: each page\'s "À reporter" is the next page\'s "Report", and the last page ends on the year\'s totals', () => {
    for (const side of [0, 1]) {
      for (let p = 0; p + 1 < PAIRS; p++) {
        const carried = carriedLine(pages[2 * p + side], 'À reporter');
        const brought = carriedLine(pages[2 * (p + 1) + side], 'Report');
        expect(carried?.length).toBeGreaterThan(0);
        expect(brought).toEqual(carried);
      }
    }
    const treasury = ['bankIn', 'bankOut', 'cashIn', 'cashOut', 'advancePaid', 'advanceBack'].map((k) => grid.columnTotals[k]);
    expect(carriedLine(pages[2 * PAIRS - 2], "Totaux de l'exercice")).toEqual(
      [...treasury, grid.balances.bank, grid.balances.cash].map((a) => plain(formatEuros(a))),
    );
    const accounts = ['6070', '6168', '6181', '6270', '6586', '6700', '6800', '7070', '7080', '7410', '7460', '7560', '7580', '7610', '7700'].map(
      (k) => grid.columnTotals[k],
    );
    expect(carriedLine(pages[2 * PAIRS - 1], 'Totaux')).toEqual(accounts.map((a) => plain(formatEuros(a))));
    // The first page opens on the opening balances instead of a report.
    expect(carriedLine(pages[0], 'Report')).toBeNull();
    expect(textOf(pages[0])).toContain("Existence au début de l'exercice");
  });

  it("shows every row's running bank and cash balances on its left page, and the closing balances at the end", () => {
    grid.rows.forEach((row, i) => {
      const left = textOf(pages[2 * Math.floor(i / 20)]);
      expect(left).toContain(row.pj);
      expect(left).toContain(plain(formatEuros(row.balances.bank)));
      expect(left).toContain(plain(formatEuros(row.balances.cash)));
    });
    expect(textOf(pages[PAIRS * 2])).toContain(
      `Solde banque : ${plain(formatEuros(grid.balances.bank))} — Solde caisse : ${plain(formatEuros(grid.balances.cash))}`,
    );
  });

  it('aligns the rows across each pair: the same PJs at the same heights on the left and the right page', () => {
    for (let p = 0; p < PAIRS; p++) {
      const left = firstColumn(pages[2 * p]);
      expect(left.length).toBe(p < PAIRS - 1 ? 20 : 11);
      expect(firstColumn(pages[2 * p + 1])).toEqual(left);
    }
  });

  it('keeps the libellé to two lines and the actions in their column', () => {
    // The long label is cut: its end ("CE2") never shows, and no row grows taller than its neighbours.
    const left = pages[0];
    expect(textOf(left)).toContain('Librairie du Port');
    expect(textOf(left)).not.toContain('les CE1 et les CE2');
    expect(textOf(left)).toContain('A : Kermesse');
    expect(textOf(left)).toContain('B : CP-CE1');
    expect(textOf(left)).toMatch(/\bX\b/); // a reconciled bank entry
  });

  it('puts no word beyond the page box, and no two words over each other', () => {
    const { beyond, overlapping } = misplacedWords(pages);
    expect(beyond).toEqual([]);
    expect(overlapping).toEqual([]);
  });
});

describe('the printed notebook of a year using more accounts than a right page holds', () => {
  jest.setTimeout(180_000);
  let t: TestApp;
  let mandataire: Agent;
  const base = '/api/coops/C14001/years/2026';
  // The default chart's 15 charge and product accounts, and 3 the department added for the year.
  const added = [
    { account: '6064', label: 'Fournitures administratives', kind: 'charge' },
    { account: '6230', label: 'Fêtes et cérémonies', kind: 'charge' },
    { account: '7090', label: 'Ventes de la fête de fin d’année', kind: 'product' },
  ];
  const accounts = [
    '6064',
    '6070',
    '6168',
    '6181',
    '6230',
    '6270',
    '6586',
    '6700',
    '6800',
    '7070',
    '7080',
    '7090',
    '7410',
    '7460',
    '7560',
    '7580',
    '7610',
    '7700',
  ];

  beforeAll(async () => {
    t = await startTestApp({ demo: true });
    const [treasurer] = await t.loginDemo('tresorier14');
    [mandataire] = await t.loginDemo('jferry');
    for (const account of added) {
      await treasurer.agent
        .post('/departements/14/annees/2026/plan-comptable')
        .set('Accept', 'text/html')
        .type('form')
        .send(new URLSearchParams({ _csrf: treasurer.csrf, ...account }).toString())
        .expect(303);
    }
    for (const [i, account] of accounts.entries()) {
      const charge = account.startsWith('6');
      await mandataire
        .post(`${base}/entries`, {
          pj: String(300 + i),
          date: '2026-11-02',
          label: `${charge ? 'Dépense' : 'Recette'} sur le compte ${account}`,
          chequeNo: null,
          actionA: null,
          actionB: null,
          lines: [
            { account: charge ? account : '512', debit: 10000 + i },
            { account: charge ? '512' : account, credit: 10000 + i },
          ],
        })
        .expect(201);
    }
  });
  afterAll(() => t.close());

  it('goes on with the ventilation on a second right page of the same rows, its totals carried per account', async () => {
    const pdf = await notebookPdf(mandataire, `${base}/print.pdf`);
    const pages = pdfWordBoxes(pdf);
    const grid = (await mandataire.get(`${base}/grid`).expect(200)).body;

    // 23 entries, 20 rows a page: two page pairs, each a left page and two right pages (15 accounts, then 3); the summary.
    expect(grid.rows).toHaveLength(23);
    expect(pdfInfo(pdf).pages).toBe(7);
    for (const pair of [0, 1]) {
      const [left, first, second] = pages.slice(3 * pair, 3 * pair + 3);
      expect(textOf(left)).toContain(`Double page ${pair + 1}, côté gauche : opérations financières`);
      expect(textOf(first)).toContain(`Double page ${pair + 1}, côté droit (1/2) : ventilation`);
      expect(textOf(second)).toContain(`Double page ${pair + 1}, côté droit (2/2) : ventilation`);
      expect(firstColumn(first)).toEqual(firstColumn(left));
      expect(firstColumn(second)).toEqual(firstColumn(left));
    }
    expect(carriedLine(pages[4], 'Report')).toEqual(carriedLine(pages[1], 'À reporter'));
    expect(carriedLine(pages[5], 'Report')).toEqual(carriedLine(pages[2], 'À reporter'));
    const totals = [...(carriedLine(pages[4], 'Totaux') ?? []), ...(carriedLine(pages[5], 'Totaux') ?? [])];
    expect(totals).toEqual(accounts.map((a) => plain(formatEuros(grid.columnTotals[a]))));
    expect(textOf(pages[1])).toContain('Fêtes et cérémonies');
    expect(textOf(pages[2])).toContain('Recettes exceptionnelles');
    expect(textOf(pages[6])).toContain("Récapitulatif de l'exercice");
    expect(misplacedWords(pages)).toEqual({ beyond: [], overlapping: [] });
  });
});

describe('the printable notebook without Chromium', () => {
  it('answers the same page pairs as HTML, with the French notice, for the browser to print', async () => {
    const t = await startTestApp({ demo: true, env: { CHROMIUM_PATH: '/nonexistent' } });
    try {
      const [mandataire] = await t.loginDemo('jferry');
      const res = await mandataire.get('/api/coops/C14001/years/2026/print.pdf').expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toContain('L&#x27;impression PDF est indisponible sur ce serveur');
      expect(res.text).toContain('Double page 1, côté gauche : opérations financières');
      expect(res.text).toContain('Double page 1, côté droit : ventilation');
      expect(res.text).toContain("Totaux de l'exercice");
    } finally {
      await t.close();
    }
  });
});
