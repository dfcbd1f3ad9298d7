import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatEuros } from '../../src/domain/money';
import { PdfRenderer, PdfUnavailable } from '../../src/http/pdf';
import { pdfInfo, pdfText } from '../support/pdf-text';

// These tests drive Debian's Chromium (installed by .ci/install-system-deps.sh); without it they fail.
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const FRENCH_UNAVAILABLE =
  "L'impression PDF est indisponible sur ce serveur (Chromium introuvable). Voici la version imprimable : utilisez la commande Imprimer de votre navigateur.";

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A notebook page as the print template would make it: labels are escaped by the template. */
function notebookHtml(lines: Array<{ date: string; pj: string; label: string; amount: number }>): string {
  const rows = lines
    .map((l) => `<tr><td>${l.date}</td><td>${l.pj}</td><td>${escapeHtml(l.label)}</td><td class="amount">${formatEuros(l.amount)}</td></tr>`)
    .join('');
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"></head><body>
    <h1>Cahier de comptabilité</h1>
    <table><thead><tr><th>Date</th><th>PJ</th><th>Libellé</th><th>Banque recettes</th></tr></thead>
    <tbody>${rows}</tbody></table></body></html>`;
}

const NOTEBOOK_CSS = 'table { border-collapse: collapse; width: 100% } td, th { border: 1px solid #444; padding: 2mm } .amount { text-align: right }';

/** pdftotext writes the French narrow no-break spaces as they are; compare with plain spaces. */
const plainSpaces = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

describe('PdfRenderer with Debian Chromium', () => {
  let renderer: PdfRenderer;

  beforeAll(() => {
    renderer = new PdfRenderer({ chromiumPath });
  });
  afterAll(async () => {
    await renderer.close();
  });

  it('prints a landscape notebook with French labels, amounts, the title and page numbers', async () => {
    const html = notebookHtml([
      { date: '12/09/2024', pj: '01', label: 'Ventes de photos scolaires aux familles', amount: 123456 },
      { date: '03/10/2024', pj: '02', label: 'Goûter de Noël — élèves de CE1, cotisation à l’OCCE', amount: -4250 },
      { date: '04/10/2024', pj: '03', label: '<script>alert(1)</script>', amount: 1000 },
    ]);
    const pdf = await renderer.render(html, {
      landscape: true,
      title: 'Cahier de comptabilité 2024-2025',
      footer: "Coopérative de l'école Jules Ferry — 2024-2025",
      css: NOTEBOOK_CSS,
    });

    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = plainSpaces(pdfText(pdf));
    expect(text).toContain('Ventes de photos scolaires aux familles');
    expect(text).toContain('1 234,56 €');
    expect(text).toContain('-42,50 €');
    expect(text).toContain('Goûter de Noël — élèves de CE1, cotisation à l’OCCE');
    expect(text).toContain('<script>alert(1)</script>');
    expect(text).toContain('Cahier de comptabilité 2024-2025');
    expect(text).toContain("Coopérative de l'école Jules Ferry — 2024-2025");
    expect(text).toContain('Page 1 / 1');
    expect(pdfInfo(pdf).title).toBe('Cahier de comptabilité 2024-2025');
  });

  it('prints A4 landscape or portrait as asked, numbering every page', async () => {
    const long = Array.from({ length: 120 }, (_, i) => ({ date: '12/09/2024', pj: String(i + 1).padStart(3, '0'), label: `Ligne ${i + 1}`, amount: 100 * i }));
    const landscape = pdfInfo(await renderer.render(notebookHtml(long), { landscape: true, title: 'Cahier', footer: 'Coop', css: NOTEBOOK_CSS }));
    const portraitPdf = await renderer.render(notebookHtml(long), { landscape: false, title: 'CRF', footer: 'Coop', css: NOTEBOOK_CSS });
    const portrait = pdfInfo(portraitPdf);

    // A4 is 595 × 842 points.
    expect([Math.round(landscape.width), Math.round(landscape.height)]).toEqual([843, 596]);
    expect([Math.round(portrait.width), Math.round(portrait.height)]).toEqual([596, 843]);
    expect(landscape.pages).toBeGreaterThan(1);
    const text = pdfText(portraitPdf);
    expect(text).toContain(`Page 1 / ${portrait.pages}`);
    expect(text).toContain(`Page ${portrait.pages} / ${portrait.pages}`);
  });

  it('passes the CSS text into the page', async () => {
    const pdf = await renderer.render('<h1>Compte rendu financier</h1>', {
      landscape: false,
      title: 'CRF',
      footer: 'Coop',
      css: 'h1 { text-transform: uppercase }',
    });
    expect(pdfText(pdf)).toContain('COMPTE RENDU FINANCIER');
  });

  it('keeps the browser warm: later renders, even concurrent ones, reuse the first launch', async () => {
    const fresh = new PdfRenderer({ chromiumPath });
    try {
      const options = { landscape: false, title: 'Inventaire', footer: 'Coop' };
      const first = await Promise.all([1, 2, 3].map((n) => fresh.render(`<p>Inventaire ${n}</p>`, options)));
      const second = await fresh.render('<p>Arrêté de caisse</p>', options);

      expect(fresh.launches).toBe(1);
      first.forEach((pdf, i) => expect(pdfText(pdf)).toContain(`Inventaire ${i + 1}`));
      expect(pdfText(second)).toContain('Arrêté de caisse');
    } finally {
      await fresh.close();
    }
  });

  it('launches again after close()', async () => {
    const fresh = new PdfRenderer({ chromiumPath });
    try {
      await fresh.render('<p>Avant</p>', { landscape: false, title: 't', footer: 'f' });
      await fresh.close();
      const pdf = await fresh.render('<p>Après</p>', { landscape: false, title: 't', footer: 'f' });
      expect(fresh.launches).toBe(2);
      expect(pdfText(pdf)).toContain('Après');
    } finally {
      await fresh.close();
    }
  });

  it('runs no script of the page and fetches nothing from the network', async () => {
    const requests: string[] = [];
    const server: Server = createServer((req, res) => {
      requests.push(req.url ?? '');
      res.end('body { color: red }');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const pdf = await renderer.render(
        `<!doctype html><html><head><link rel="stylesheet" href="${base}/style.css"></head><body>
          <p id="p">Texte d'origine</p><img src="${base}/image.png" alt="">
          <script>document.getElementById('p').textContent = 'SCRIPT EXÉCUTÉ'; fetch('${base}/fetch');</script>
        </body></html>`,
        { landscape: false, title: 't', footer: 'f' },
      );
      const text = pdfText(pdf);
      expect(text).toContain("Texte d'origine");
      expect(text).not.toContain('SCRIPT EXÉCUTÉ');
      expect(requests).toEqual([]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('is available when the configured Chromium exists', () => {
    expect(renderer.available()).toBe(true);
  });
});

describe('PdfRenderer without Chromium', () => {
  it.each([
    ['a missing executable', '/nonexistent'],
    ['no configured path', undefined],
  ])('throws PdfUnavailable with the French message for %s', async (_case, path) => {
    const renderer = new PdfRenderer({ chromiumPath: path });
    expect(renderer.available()).toBe(false);
    const failure = renderer.render('<p>x</p>', { landscape: false, title: 't', footer: 'f' });
    await expect(failure).rejects.toBeInstanceOf(PdfUnavailable);
    await expect(failure).rejects.toThrow(FRENCH_UNAVAILABLE);
    expect(renderer.launches).toBe(0);
    await renderer.close();
  });

  it('throws PdfUnavailable when the executable is not a browser, and tries again on the next render', async () => {
    const warnings: string[] = [];
    const renderer = new PdfRenderer({ chromiumPath: '/bin/false', logger: { log: () => undefined, warn: (m) => warnings.push(m) } });
    await expect(renderer.render('<p>x</p>', { landscape: false, title: 't', footer: 'f' })).rejects.toThrow(FRENCH_UNAVAILABLE);
    await expect(renderer.render('<p>x</p>', { landscape: false, title: 't', footer: 'f' })).rejects.toBeInstanceOf(PdfUnavailable);
    expect(renderer.launches).toBe(2);
    expect(warnings[0]).toContain('Chromium ne démarre pas (/bin/false)');
    await renderer.close();
  });
});
