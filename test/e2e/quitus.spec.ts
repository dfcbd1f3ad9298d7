import type { Browser, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/app';
import { DESKTOP, launchChromium, listen } from './support/browser';

/**
 * A vérificateur aux comptes in a real browser: no account, only the link the mandataire gave.
 * They read the year (CRF, cahier, rapprochement), then give quitus. The demo's 2025-2026 of
 * C14001 is closed.
 */
describe('a vérificateur gives quitus from the link, in the browser', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let origin: string;
  let link: string;

  jest.setTimeout(120_000);

  beforeAll(async () => {
    t = await startTestApp({ demo: true });
    const [mandataire] = await t.loginDemo('jferry');
    link = (await mandataire.post('/api/coops/C14001/years/2025/quitus/invitations', { name: 'Élodie Durand', quality: 'parent' }).expect(201)).body.url;
    origin = await listen(t);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: DESKTOP, locale: 'fr-FR' });
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('opens the link without logging in and reads the CRF, the cahier and the rapprochement', async () => {
    await page.goto(`${origin}${link}`);
    expect(await page.locator('h1').innerText()).toContain('Vérification des comptes');
    expect(await page.getByText('Bonjour Élodie Durand').count()).toBe(1);
    for (const heading of ['Le compte-rendu financier', "Le cahier de l'exercice", 'Identité de la coopérative', 'Bilan simplifié']) {
      await expect(page.getByRole('heading', { name: heading }).first().isVisible()).resolves.toBe(true);
    }
    expect(await page.getByRole('heading', { name: /L'état de rapprochement au 31\/08\/2026/ }).count()).toBe(1);
    expect(await page.locator('#cahier tbody tr').count()).toBeGreaterThan(3);
  });

  it('asks for a comment before réserves, then gives quitus', async () => {
    await page.getByRole('button', { name: "J'émets des réserves" }).click();
    expect(await page.locator('.field__error').first().innerText()).toContain('Indiquez vos réserves');
    await page.getByRole('button', { name: 'Je donne quitus' }).click();
    expect(await page.locator('.alert--success').first().innerText()).toContain('votre quitus est enregistré');
    expect(await page.locator('#decision').innerText()).toContain('Votre décision du');
    const [treasurer] = await t.loginDemo('tresorier14');
    const quitus = (await treasurer.get('/api/coops/C14001/years/2025/quitus').expect(200)).body;
    expect(quitus.decisions).toEqual([expect.objectContaining({ name: 'Élodie Durand', quality: 'parent', decision: 'quitus', valid: true })]);
  });
});
