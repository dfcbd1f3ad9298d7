import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/app';
import { AxeAudit, DESKTOP, launchChromium, listen, pageWidth, PHONE, plainSpaces, screenshot } from './support/browser';

const SAMPLE = join(__dirname, '../../docs/samples/releve-octobre-2026-debit-credit-windows1252.csv');

/**
 * The demo mandataire of C14001 in a real browser: drops the bank's October CSV on "Relevés",
 * checks the preview, confirms every proposal in one click, sees the entries pointed in the
 * cahier, filters the ones not pointed, points one by a click without the page reloading, and
 * reads a zero-difference état de rapprochement.
 */
describe('bank statements in the browser', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let axe: AxeAudit;
  let origin: string;
  const base = '/coops/C14001/years/2026';

  jest.setTimeout(120_000);

  beforeAll(async () => {
    t = await startTestApp({ demo: true, now: '2026-11-27T10:00:00Z' });
    origin = await listen(t);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: DESKTOP, locale: 'fr-FR' });
    axe = new AxeAudit(page);
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const go = async (path: string) => {
    await axe.check();
    await page.goto(`${origin}${path}`);
  };
  const flash = () => page.locator('.alert--success').first().innerText();
  const pointed = (pj: string) => page.locator('.grid tbody tr', { has: page.locator('th', { hasText: new RegExp(`^${pj}$`) }) }).locator('.reconciled');

  it('logs in as the demo mandataire and opens "Relevés" from the year\'s menu', async () => {
    await go('/login');
    await page.getByLabel('Identifiant').fill('jferry');
    await page.getByLabel('Mot de passe').fill('demo-jules-ferry');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(/\/coops\/C14001\/years\/2026$/);
    await page.getByRole('link', { name: 'Relevés', exact: true }).first().click();
    expect(await page.locator('h1').innerText()).toContain('Relevés');
  });

  it("drops the bank's CSV, sees the preview, stores it and confirms every proposal in one click", async () => {
    await axe.check();
    await page.getByLabel('Fichier du relevé (CSV, OFX, CAMT.053)').setInputFiles(SAMPLE);
    await page.getByRole('button', { name: "Voir l'aperçu" }).click();
    const preview = plainSpaces(await page.locator('main').innerText());
    expect(preview).toContain('3 opérations lues');
    expect(preview).toContain('CHEQUE N° 1569002');
    expect(plainSpaces(await page.getByLabel('Solde du relevé à cette date, en euros').inputValue())).toBe('1 606,50');
    await axe.check();
    await page.getByRole('button', { name: 'Enregistrer le relevé' }).click();
    expect(await flash()).toContain('Le relevé est enregistré');
    await page.getByRole('button', { name: 'Tout confirmer (3 propositions)' }).click();
    expect(await flash()).toContain('3 lignes pointées.');
    await screenshot(page, 'statement');
  });

  it('the cahier shows the entries pointed (✓), and "non pointées seulement" keeps the others', async () => {
    await go(`${base}/cahier`);
    for (const pj of ['01', '02', '03', '04']) expect(await pointed(pj).count()).toBe(1);
    expect(await page.locator('[data-pointage-summary]').innerText()).toBe('Toutes les écritures passées en banque sont pointées.');
    await page.getByRole('button', { name: "Dépointer l'écriture n° 01" }).click();
    await page.getByRole('button', { name: "Pointer l'écriture n° 01" }).waitFor();
    await page.getByLabel('Non pointées seulement').check();
    await page.getByRole('button', { name: 'OK' }).click();
    await page.waitForURL(/pointage=non/);
    expect(await page.locator('.grid tbody tr th').allInnerTexts()).toEqual(['01']);
    await page.getByRole('link', { name: 'Vue en liste' }).click();
    await page.waitForURL(/vue=liste.*pointage=non/);
    expect(await page.locator('.page-entries tbody tr th').allInnerTexts()).toEqual(['01']);
    await axe.check();
    await page.getByRole('link', { name: /Visualisation classique/ }).click();
    await page.waitForURL(/pointage=non/);
  });

  it('points an entry by a click without the page reloading: the ✓ and the totals change in place', async () => {
    await page.evaluate('window.notReloaded = true');
    expect(plainSpaces(await page.locator('[data-pointage-summary]').innerText())).toContain(
      'Non pointées : 1 écriture en banque — recettes 0,00 €, dépenses 233,00 €.',
    );
    await page.getByRole('button', { name: "Pointer l'écriture n° 01" }).click();
    await page.getByRole('button', { name: "Dépointer l'écriture n° 01" }).waitFor();
    expect(await pointed('01').count()).toBe(1);
    expect(await page.locator('[data-pointage-summary]').innerText()).toBe('Toutes les écritures passées en banque sont pointées.');
    expect(await flash()).toBe("L'écriture n° 01 est pointée.");
    expect(await page.evaluate('window.notReloaded')).toBe(true);
    await axe.check();
  });

  it('the état de rapprochement at 31/10/2026 agrees: zero difference', async () => {
    await go(`${base}/rapprochement`);
    expect(await page.locator('h1').innerText()).toContain('État de rapprochement');
    const text = plainSpaces(await page.locator('main').innerText());
    expect(text).toContain('31/10/2026');
    expect(await page.locator('.reconciliation-ok').count()).toBeGreaterThan(0);
    expect(await page.getByRole('link', { name: 'Version imprimable (PDF)' }).getAttribute('href')).toBe(
      '/api/coops/C14001/years/2026/bank-reconciliation.pdf?date=2026-10-31',
    );
    await screenshot(page, 'bank-reconciliation');
    await axe.check();
    expect(axe.violations).toEqual([]);
  });

  /** Issue #29 points 5, 11 and 15, at 1280×800 then 390×844. */
  it('a file without its balance: asked on the preview, kept when missing; "Créer l\'écriture" proposes 7410 for the Mairie; the phone fits', async () => {
    await go(`${base}/releves`);
    const november = Buffer.from(
      'Date;Libellé;Montant\r\n03/11/2026;VIR SEPA MAIRIE DE CAEN SUBVENTION;450,00\r\n05/11/2026;FRAIS TENUE DE COMPTE;-12,00\r\n',
      'utf8',
    );
    await page.getByLabel('Fichier du relevé (CSV, OFX, CAMT.053)').setInputFiles({ name: 'novembre.csv', mimeType: 'text/csv', buffer: november });
    await page.getByRole('button', { name: "Voir l'aperçu" }).click();
    expect(plainSpaces(await page.locator('main').innerText())).toContain('Le fichier ne donne pas le solde');
    await page.getByRole('button', { name: 'Enregistrer le relevé' }).click();
    expect(await page.locator('#preview-balance-error').innerText()).toContain('Indiquez le solde du relevé à sa date.');
    await axe.check();
    await page.getByLabel(/Solde du relevé à cette date/).fill('2 044,50');
    await page.getByRole('button', { name: 'Enregistrer le relevé' }).click();
    expect(await flash()).toContain('Le relevé est enregistré');
    const mairie = page.locator('tr', { hasText: 'MAIRIE DE CAEN' });
    await mairie.getByText("Créer l'écriture", { exact: true }).first().click();
    expect(await mairie.getByLabel('Compte de la recette').inputValue()).toBe('7410');
    await axe.check();
    await mairie.getByRole('button', { name: "Créer l'écriture" }).click();
    expect(await flash()).toContain("L'écriture est créée et pointée");
    await page.setViewportSize(PHONE);
    await page.reload();
    expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);
    await axe.check();
    await page.setViewportSize(DESKTOP);
    expect(axe.violations).toEqual([]);
  });
});
