import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_LOGINS } from '../../src/cli/demo-seed';
import { startTestApp, type TestApp } from '../support/app';
import { AxeAudit, DESKTOP, launchChromium, listen, PHONE, pageWidth, plainSpaces, screenshot } from './support/browser';

/**
 * Issue #28 in a real browser, on the demo (today 27/11/2026): the mandataire of C14001 types ten
 * payments at the classroom door with the keyboard only (the class and the action kept, the cursor
 * back on the payer, a typo refused next to its field with everything typed kept), prints the
 * receipts (a PDF downloads), prepares the cheques' deposit (the bordereau downloads, one entry in
 * the notebook); axe finds nothing serious at 1280×800 nor at 390×844.
 */
describe('Encaissements in the browser', () => {
  let t: TestApp;
  let browser: Browser;
  let origin: string;
  const base = '/coops/C14001/years/2026';
  const audits: AxeAudit[] = [];
  jest.setTimeout(180_000);

  const open = async (viewport: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page; audit: AxeAudit }> => {
    const context = await browser.newContext({ viewport, locale: 'fr-FR', acceptDownloads: true });
    const page = await context.newPage();
    const audit = new AxeAudit(page);
    audits.push(audit);
    const login = DEMO_LOGINS.find((l) => l.username === 'jferry')!;
    await page.goto(`${origin}/login`);
    await page.getByLabel('Identifiant').fill(login.username);
    await page.getByLabel('Mot de passe').fill(login.password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
    return { context, page, audit };
  };
  const flash = (p: Page) => p.locator('.alert--success').first().innerText();
  const downloaded = async (p: Page, click: () => Promise<void>) => {
    const [download] = await Promise.all([p.waitForEvent('download'), click()]);
    const file = readFileSync((await download.path())!);
    return { name: download.suggestedFilename(), head: file.subarray(0, 5).toString('latin1') };
  };

  beforeAll(async () => {
    t = await startTestApp({ demo: true, now: '2026-11-27T10:00:00Z' });
    origin = await listen(t);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('ten payments typed with the keyboard, the receipts printed, the cheques deposited; axe clean on a desk', async () => {
    const { page, audit } = await open(DESKTOP);
    await page.goto(`${origin}${base}`);
    await page.getByRole('link', { name: 'Encaissements', exact: true }).first().click();
    await page.waitForURL(`${origin}${base}/encaissements`);
    await audit.check();

    const families = ['Martin', 'Durand', 'Petit', 'Roux', 'Blanc', 'Garnier', 'Faure', 'André', 'Mercier', 'Dupuis'];
    await page.getByLabel('Payeur (nom de la famille) *').focus();
    for (const [i, name] of families.entries()) {
      const cash = i >= 7;
      await page.keyboard.type(`Famille ${name}`);
      await page.keyboard.press('Tab');
      await page.keyboard.type(`Jade ${name}`);
      await page.keyboard.press('Tab');
      // The fourth one is mistyped first: refused next to its field, everything typed kept.
      await page.keyboard.type(i === 3 ? '12,5x' : '12,50');
      await page.keyboard.press('Tab');
      // The mode's radio group: the arrow moves to "Espèces" once; the next payments keep it.
      if (i === 7) await page.keyboard.press('ArrowRight');
      if (!cash) {
        await page.keyboard.press('Tab');
        await page.keyboard.type(String(1569100 + i));
        await page.keyboard.press('Tab');
        await page.keyboard.type('Crédit Agricole');
      }
      if (i === 0) {
        await page.keyboard.press('Tab');
        await page.keyboard.type('CE2');
        await page.keyboard.press('Tab');
        await page.keyboard.type('Sortie au zoo');
      }
      await Promise.all([page.waitForLoadState('domcontentloaded'), page.keyboard.press('Enter')]);
      if (i === 3) {
        await page.locator('#pay-amount-error').waitFor();
        expect(await page.locator('#pay-amount-error').innerText()).toContain("« 12,5x » n'est pas un montant");
        expect(await page.getByLabel('Payeur (nom de la famille) *').inputValue()).toBe('Famille Roux');
        expect(await page.getByLabel('Élève').inputValue()).toBe('Jade Roux');
        // The cursor waits in the wrong field.
        expect(await page.evaluate<string>('document.activeElement && document.activeElement.id')).toBe('pay-amount');
        await page.keyboard.press('Control+A');
        await page.keyboard.type('12,50');
        await Promise.all([page.waitForLoadState('domcontentloaded'), page.keyboard.press('Enter')]);
        await audit.check();
      }
      // The URL already had ?suite= after the first one: wait for this payment's own message.
      await page.locator('.alert--success', { hasText: `Reçu n° ${i + 1} ` }).waitFor();
      expect(plainSpaces(await flash(page))).toBe(`Reçu n° ${i + 1} enregistré : Famille ${name}, 12,50 €.`);
      // The next one starts on the payer, the class and the action kept.
      expect(await page.evaluate<string>('document.activeElement && document.activeElement.id')).toBe('pay-payer');
      expect(await page.locator('#pay-class').inputValue()).toBe('CE2');
      expect(await page.locator('#pay-action').inputValue()).toBe('Sortie au zoo');
    }
    await audit.check();
    const rows = page.locator('#payments-list tbody tr');
    expect(await rows.count()).toBe(10);
    expect(plainSpaces(await page.locator('#payments-count').innerText())).toBe('10 paiements, 125,00 €');

    const receipts = await downloaded(page, () => page.getByRole('link', { name: 'Imprimer les reçus' }).click());
    expect(receipts).toEqual({ name: 'recus-C14001-2026.pdf', head: '%PDF-' });

    await page.getByRole('link', { name: 'Préparer une remise' }).first().click();
    await page.waitForURL(/remise/);
    await audit.check();
    expect(await page.locator('input[name=paymentIds]:checked').count()).toBe(7);
    await Promise.all([page.waitForURL(/remise=/), page.getByRole('button', { name: 'Enregistrer la remise' }).click()]);
    expect(plainSpaces(await flash(page))).toContain('La remise est enregistrée : 7 chèques, 87,50 €, en une écriture au cahier.');
    const slip = await downloaded(page, () => page.locator('#deposits-list a', { hasText: 'Bordereau' }).first().click());
    expect(slip.head).toBe('%PDF-');
    await page.locator('#deposits-list a', { hasText: 'écriture' }).first().click();
    await page.waitForURL(/ecritures\//);
    expect(await page.locator('input[name=label]').first().inputValue()).toBe('Remise en banque n° 1 – 7 chèques – Sortie au zoo');

    await page.goto(`${origin}${base}/encaissements/actions`);
    await audit.check();
    expect(plainSpaces(await page.locator('main').innerText())).toContain("Recettes de l'action au cahier : 87,50 € — égales aux paiements remis.");
    await screenshot(page, 'encaissements');
  });

  it('fits a phone (390×844): the form, the list, the deposit and the actions, axe clean', async () => {
    const { page, audit } = await open(PHONE);
    for (const path of ['/encaissements', '/encaissements/remise?mode=cash', '/encaissements/actions']) {
      await page.goto(`${origin}${base}${path}`);
      await audit.check();
      expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);
    }
    await page.goto(`${origin}${base}/encaissements`);
    await screenshot(page, 'encaissements');
  });

  it('axe found no serious or critical violation on any of these pages, at either size', () => {
    expect(audits.reduce((n, a) => n + a.audited.size, 0)).toBe(6);
    expect(audits.flatMap((a) => a.violations)).toEqual([]);
  });
});
