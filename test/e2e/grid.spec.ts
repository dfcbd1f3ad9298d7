import type { Browser, Locator, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/app';
import { AxeAudit, DESKTOP, launchChromium, listen, pageWidth, PHONE, screenshot } from './support/browser';

/**
 * The classic grid at 1280×800 (#16 item 6), on the demo's current year of C14001 with twenty
 * more entries so that its frame scrolls both ways: the accounts the year uses only, PJ, date and
 * libellé in view while the frame scrolls sideways, the row's actions at its left, the row the
 * page jumps to below the sticky header, "Pointage" not clipped, the page never wider than 1280.
 */
describe('the classic grid in the browser', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let origin: string;
  let axe: AxeAudit;
  const base = '/coops/C14001/years/2026';

  jest.setTimeout(120_000);

  beforeAll(async () => {
    t = await startTestApp({ demo: true });
    const [mandataire] = await t.loginDemo('jferry');
    for (let n = 6; n < 26; n++) {
      const day = String(1 + (n % 28)).padStart(2, '0');
      await mandataire
        .post(`/api${base}/entries`, {
          pj: String(n).padStart(2, '0'),
          date: `2026-11-${day}`,
          label: `Vente de gâteaux n° ${n}`,
          lines: [
            { account: '512', debit: 1000 + n },
            { account: '7070', credit: 1000 + n },
          ],
        })
        .expect(201);
    }
    origin = await listen(t);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: DESKTOP, locale: 'fr-FR' });
    axe = new AxeAudit(page);
    await page.goto(`${origin}/login`);
    await page.getByLabel('Identifiant').fill('jferry');
    await page.getByLabel('Mot de passe').fill('demo-jules-ferry');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(/\/coops\/C14001/);
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const frame = () => page.locator('.page-grid');
  const box = async (locator: Locator) => (await locator.boundingBox())!;
  const gridWidth = () => page.locator('table.grid').evaluate((table) => table.getBoundingClientRect().width);
  const accountCodes = () => page.locator('thead .page-col__code').allInnerTexts();
  const row = (label: string) => page.locator('tbody tr', { hasText: label });

  it('shows the accounts the year uses, far narrower than the whole chart; all of them on asking, kept across navigation', async () => {
    await page.goto(`${origin}${base}/cahier`);
    expect(await accountCodes()).toEqual(['6070', '6168', '6181', '6586', '7070']);
    const used = await gridWidth();
    // The whole chart was 6,234 px wide; the accounts used fit in about half.
    expect(used).toBeLessThan(3200);
    expect(await pageWidth(page)).toBeLessThanOrEqual(DESKTOP.width);
    await axe.check();

    await page.getByRole('link', { name: 'Afficher tous les comptes' }).click();
    expect(page.url()).toContain('comptes=tous');
    expect(await accountCodes()).toContain('7080');
    expect(await gridWidth()).toBeGreaterThan(used + 500);
    // The order's form and a row's "Modifier" keep the display.
    await page.getByLabel('Ordre des écritures').selectOption('pj');
    await page.getByRole('button', { name: 'OK' }).click();
    expect(page.url()).toMatch(/ordre=pj&comptes=tous/);
    await page.getByRole('link', { name: "Modifier l'écriture n° 03 en mode paysage" }).click();
    expect(page.url()).toMatch(/comptes=tous.*modifier=/);
    expect(await accountCodes()).toContain('7080');
    await page.getByRole('link', { name: 'Annuler' }).click();
    await page.getByRole('link', { name: "N'afficher que les comptes utilisés" }).click();
    expect(await accountCodes()).toEqual(['6070', '6168', '6181', '6586', '7070']);
  });

  it('keeps PJ, date and libellé in view while the frame scrolls sideways; the actions and "Pointage" at their right, unclipped', async () => {
    await page.goto(`${origin}${base}/cahier`);
    const line = row('Ventes de photos scolaires aux familles');
    const cells = { pj: line.locator('th').first(), date: line.locator('.page-grid__date'), label: line.locator('.page-grid__label') };
    const actions = line.locator('.page-grid__actions');
    const firstAmount = line.locator('td.num').first();
    // The actions come before the amounts, right after the libellé.
    expect((await box(actions)).x).toBeGreaterThanOrEqual((await box(cells.label)).x + (await box(cells.label)).width - 1);
    expect((await box(actions)).x + (await box(actions)).width).toBeLessThanOrEqual((await box(firstAmount)).x + 1);
    // "Pointage" and its button fit in the frame, in the window.
    const frameBox = await box(frame());
    for (const target of [page.getByRole('columnheader', { name: 'Pointage' }), line.getByRole('button', { name: "Pointer l'écriture n° 03" })]) {
      const b = await box(target);
      expect(b.x).toBeGreaterThanOrEqual(frameBox.x);
      expect(b.x + b.width).toBeLessThanOrEqual(Math.min(frameBox.x + frameBox.width, DESKTOP.width));
    }

    const before = { pj: await box(cells.pj), date: await box(cells.date), label: await box(cells.label) };
    await frame().evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
    expect(await frame().evaluate((el) => el.scrollLeft)).toBeGreaterThan(1000);
    for (const name of ['pj', 'date', 'label'] as const) {
      const after = await box(cells[name]);
      expect(after.x).toBeCloseTo(before[name].x, 0);
      expect(after.x).toBeGreaterThanOrEqual(frameBox.x);
    }
    // The last column (Solde caisse) came into view beside them, and the page itself did not move.
    const last = await box(line.locator('td').last());
    expect(last.x).toBeGreaterThanOrEqual(before.label.x + before.label.width);
    expect(last.x + last.width).toBeLessThanOrEqual(frameBox.x + frameBox.width);
    expect(await pageWidth(page)).toBeLessThanOrEqual(DESKTOP.width);
    await screenshot(page, 'grid-scrolled');
  });

  it('records an amount on an account the year does not use yet, and lands on its row below the sticky header', async () => {
    await page.goto(`${origin}${base}/cahier`);
    expect(await accountCodes()).not.toContain('7080');
    const fill = async (values: Record<string, string>) => {
      for (const [key, value] of Object.entries(values)) await page.locator(`#new-row-${key}`).fill(value);
    };
    await fill({ date: '2026-11-15', label: 'Sortie au musée – participation des familles' });
    // Focusing a cell scrolled out of the frame brings it back beside the sticky columns, not under them.
    await frame().evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
    await page.locator('#new-row-bankIn').focus();
    const label = await box(page.locator('.page-new-row .page-grid__label'));
    expect((await box(page.locator('#new-row-bankIn'))).x).toBeGreaterThanOrEqual(label.x + label.width - 1);
    await fill({ bankIn: '45' });
    await page.locator('#new-row-otherAccount').selectOption('7080');
    await fill({ otherAmount: '45' });
    // Enter saves the row.
    await page.locator('#new-row-otherAmount').press('Enter');
    await page.waitForURL(/#e-/);
    expect(await page.locator('.alert--success').first().innerText()).toContain('est enregistrée');
    expect(page.url()).toMatch(/#e-/);
    expect(await accountCodes()).toContain('7080');

    // The page jumped to the new row (in the middle of the year, so the frame scrolled to it).
    const saved = page.locator(new URL(page.url()).hash);
    expect(await saved.innerText()).toContain('Sortie au musée');
    expect(await frame().evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
    const header = await box(page.locator('thead th').first());
    const target = await box(saved);
    expect(target.y).toBeGreaterThanOrEqual(header.y + header.height - 1);
    expect(target.y + target.height).toBeLessThanOrEqual(Math.min((await box(frame())).y + (await box(frame())).height, DESKTOP.height));
    expect(await pageWidth(page)).toBeLessThanOrEqual(DESKTOP.width);
    await screenshot(page, 'grid-jumped');
    await axe.check();
  });

  it('keeps the page within a phone too (the frame scrolls, not the page)', async () => {
    await page.setViewportSize(PHONE);
    await page.goto(`${origin}${base}/cahier`);
    expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, 'grid');
    await axe.check();
    await page.setViewportSize(DESKTOP);
    expect(axe.violations).toEqual([]);
  });
});
