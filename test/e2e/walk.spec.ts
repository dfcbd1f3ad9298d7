import type { Browser, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/app';
import { AxeAudit, DESKTOP, launchChromium, listen, PHONE, pageWidth, screenshot } from './support/browser';

/**
 * Issue #29 in the browser, on the demo (27/11/2026): the year's menu behind a "Menu" button on
 * a phone (13), the statements list within 390 px (13), a favicon and no 404 on the way (15).
 */
describe('the walk of issue #29, in the browser', () => {
  let t: TestApp;
  let browser: Browser;
  let origin: string;
  const base = '/coops/C14001/years/2026';
  const violations: string[] = [];
  const missing: string[] = [];

  jest.setTimeout(180_000);

  const open = async (viewport: { width: number; height: number }): Promise<{ page: Page; axe: AxeAudit }> => {
    const page = await browser.newPage({ viewport, locale: 'fr-FR' });
    page.on('response', (r) => {
      if (r.status() === 404) missing.push(r.url());
    });
    const axe = new AxeAudit(page);
    await page.goto(`${origin}/login`);
    await page.getByLabel('Identifiant').fill('jferry');
    await page.getByLabel('Mot de passe').fill('demo-jules-ferry');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
    return { page, axe };
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

  it('13. on a phone, the year menu is behind a "Menu" button that opens every link', async () => {
    const { page, axe } = await open(PHONE);
    await page.goto(`${origin}${base}`);
    const button = page.getByRole('button', { name: 'Menu' });
    expect(await button.isVisible()).toBe(true);
    expect(await button.getAttribute('aria-expanded')).toBe('false');
    expect(await page.getByRole('link', { name: 'Relevés' }).isVisible()).toBe(false);
    await button.click();
    expect(await button.getAttribute('aria-expanded')).toBe('true');
    for (const name of ['Tableau de bord', 'Cahier', 'Nouvelle écriture', 'Caisse', 'Relevés', 'Clôture']) {
      expect(await page.locator('.site-nav__links').getByRole('link', { name, exact: true }).isVisible()).toBe(true);
    }
    expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, 'walk-menu-open');
    await axe.check();
    violations.push(...axe.violations);
    await page.close();
  });

  it('13. the statements list fits 390 px', async () => {
    const { page, axe } = await open(PHONE);
    // The closed year holds every month's statement.
    await page.goto(`${origin}/coops/C14001/years/2025/releves`);
    expect(await page.locator('.page-cards tbody tr').count()).toBeGreaterThan(10);
    expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, 'walk-statements');
    await axe.check();
    violations.push(...axe.violations);
    await page.close();
  });

  it('13 and 15. at 1280 px the menu shows its links, no button; every page has its icon, no 404', async () => {
    const { page, axe } = await open(DESKTOP);
    for (const path of [base, `${base}/releves`, `${base}/ventilation`, `${base}/cahier`]) {
      await page.goto(`${origin}${path}`);
      expect(await page.getByRole('button', { name: 'Menu' }).isVisible()).toBe(false);
      expect(await page.locator('.site-nav__links').getByRole('link', { name: 'Relevés' }).isVisible()).toBe(true);
      expect(await page.locator('link[rel="icon"]').getAttribute('href')).toBe('/assets/favicon.svg');
      await axe.check();
    }
    // The ventilation list's last column ("Opérations") is within the page at 1280 px.
    await page.goto(`${origin}${base}/ventilation`);
    // Within its scrolling frame, not cut by it.
    const last = await page.locator('.page-entries thead th').last().boundingBox();
    const frame = await page.locator('.page-table-wrap--list').boundingBox();
    expect(last!.x + last!.width).toBeLessThanOrEqual(frame!.x + frame!.width + 1);
    expect(await pageWidth(page)).toBeLessThanOrEqual(DESKTOP.width);
    expect((await page.request.get(`${origin}/assets/favicon.svg`)).status()).toBe(200);
    violations.push(...axe.violations);
    await page.close();
    expect(missing).toEqual([]);
    expect(violations).toEqual([]);
  });
});
