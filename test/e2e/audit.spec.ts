import type { Browser, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/app';
import { AxeAudit, DESKTOP, launchChromium, listen, PHONE, screenshot } from './support/browser';

/**
 * The demo's vérificateur (verif14) in a real browser: the coops granted, a coop's history in
 * French words with its events numbered from 1, its filters by year and type, the books as they
 * stood at a moment, the verification. Desktop, then phone; axe-core on every page.
 */
describe("the auditor's pages of the demo, in the browser", () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let axe: AxeAudit;
  let origin: string;

  jest.setTimeout(120_000);

  beforeAll(async () => {
    t = await startTestApp({ demo: true });
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
    await page.goto(`${origin}${path}`);
    await axe.check();
  };
  const mainText = () => page.locator('main').innerText();
  /** The history's "N°" column. */
  const numbers = async () => (await page.locator('main tbody th[scope="row"]').allInnerTexts()).map(Number);
  const noStreamWords = (text: string) => expect(text).not.toMatch(/Flux|flux|révision|Révision|ledger-|stream/);

  it('logs in and lists the coops granted', async () => {
    await page.goto(`${origin}/login`);
    await page.getByLabel('Identifiant').fill('verif14');
    await page.getByLabel('Mot de passe').fill('demo-verificateur');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(/\/audit$/);
    await axe.check();
    expect(await page.locator('h1').innerText()).toBe('Coopératives à vérifier');
    await page.getByRole('link', { name: 'Coopérative de la maternelle Les Tilleuls' }).click();
    await page.waitForURL(/\/audit\/coops\/C14002$/);
    await axe.check();
    noStreamWords(await mainText());
  });

  it("numbers the coop's events from 1, in French words", async () => {
    await page.getByRole('link', { name: 'Historique complet' }).click();
    await page.waitForURL(/\/audit\/coops\/C14002\/historique$/);
    await axe.check();
    const text = await mainText();
    noStreamWords(text);
    const all = await numbers();
    expect(all[0]).toBe(1);
    expect(all).toEqual(all.map((_, index) => index + 1));
    const first = page.locator('main tbody tr').first();
    expect(await first.innerText()).toContain('Coopérative enregistrée');
    expect(await first.innerText()).toContain('Identité de la coopérative');
    expect(text).toContain('Écriture enregistrée');
    await screenshot(page, 'audit-history');
  });

  it('filters by year and by event type, each event keeping its number', async () => {
    const all = await numbers();
    await page.getByLabel('Exercice').selectOption({ label: 'Exercice 2025-2026' });
    await page.getByLabel('Événement').selectOption({ label: 'Écriture enregistrée' });
    await page.getByRole('button', { name: 'Filtrer' }).click();
    await page.waitForURL(/exercice=2025&type=EntryRecorded/);
    await axe.check();
    const rows = page.locator('main tbody tr');
    const count = await rows.count();
    expect(count).toBeGreaterThan(1);
    expect(count).toBeLessThan(all.length);
    for (const row of await rows.allInnerTexts()) {
      expect(row).toContain('Exercice 2025-2026');
      expect(row).toContain('Écriture enregistrée');
    }
    const filtered = await numbers();
    expect(filtered[0]).toBeGreaterThan(1);
    expect(filtered.every((n) => all.includes(n))).toBe(true);
    expect(await page.getByRole('status').innerText()).toContain(`${count} événements sur ${all.length} répondent au filtre.`);
    await page.getByRole('link', { name: 'Tout afficher' }).click();
    await page.waitForURL(/\/historique$/);
    expect(await numbers()).toEqual(all);
  });

  it('shows the books as they stood at a moment, and the verification, in words', async () => {
    await go('/audit/coops/C14002/consultation?year=2025');
    noStreamWords(await mainText());
    expect(await page.locator('h1').innerText()).toContain('Comptes 2025-2026');
    await go('/audit/coops/C14002/verification');
    const text = await mainText();
    noStreamWords(text);
    expect(text).toContain('Historique intègre');
    expect(text).toContain('Identité de la coopérative');
    expect(text).toContain('Exercice 2025-2026');
  });

  it('reads the same on a phone, and axe finds no serious or critical violation', async () => {
    await page.setViewportSize(PHONE);
    await go('/audit/coops/C14002/historique?type=YearClosed');
    noStreamWords(await mainText());
    expect(await page.locator('main tbody tr').count()).toBeGreaterThan(0);
    await go('/audit/coops/C14002/verification');
    await screenshot(page, 'audit-verification');
    expect(axe.violations).toEqual([]);
  });
});
