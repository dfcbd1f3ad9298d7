import type { Browser, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/app';
import { AxeAudit, DESKTOP, launchChromium, listen, pageWidth, PHONE } from './support/browser';

/**
 * DOMAIN.md "Messages" in a real browser: on the completeness page the demo's treasurer writes to
 * the coops whose submission is missing (C14001 for 2025-2026) — an empty text refused next to the
 * field, the text then sent, the page saying how many letters left. axe-core clean at 1280×800
 * and 390×844, no sideways scroll on the phone.
 */
describe("the AD's message from the completeness page, in the browser", () => {
  let t: TestApp;
  let browser: Browser;
  let origin: string;
  jest.setTimeout(120_000);

  beforeAll(async () => {
    t = await startTestApp({ demo: true });
    origin = await listen(t);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function loggedIn(viewport: typeof DESKTOP): Promise<{ page: Page; axe: AxeAudit }> {
    const page = await (await browser.newContext({ viewport, locale: 'fr-FR' })).newPage();
    await page.goto(`${origin}/login`);
    await page.getByLabel('Identifiant').fill('tresorier14');
    await page.getByLabel('Mot de passe').fill('demo-tresorier14');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
    await page.goto(`${origin}/departements/14/annees/2025/completude`);
    return { page, axe: new AxeAudit(page) };
  }

  it('on the desktop: a text of spaces is refused next to the field, then the message leaves for the coop without its submission', async () => {
    const { page, axe } = await loggedIn(DESKTOP);
    await axe.check();
    await page.getByText("Écrire aux coopératives dont le bilan n'est pas envoyé (1)").click();
    const field = page.getByLabel('Votre message');
    await expect(field.inputValue()).resolves.toContain("n'est pas encore parvenu à l'association départementale");
    await field.fill('   ');
    await page.getByRole('button', { name: 'Envoyer aux mandataires' }).click();
    await expect(page.locator('#message-text-error').innerText()).resolves.toBe('Écrivez le message à envoyer.');
    await axe.check();
    await page.getByLabel('Votre message').fill('Merci de nous envoyer le bilan avant les vacances.');
    await page.getByRole('button', { name: 'Envoyer aux mandataires' }).click();
    await page.waitForURL(/\/completude$/);
    await expect(page.getByRole('status').or(page.locator('.alert')).first().innerText()).resolves.toContain(
      "Message écrit aux mandataires de 1 coopérative sans bilan (2 messages dans la file d'envoi).",
    );
    expect(axe.violations).toEqual([]);
  });

  it('on the phone: the page and its form without sideways scroll, axe clean', async () => {
    const { page, axe } = await loggedIn(PHONE);
    await page.getByText("Écrire aux coopératives dont le bilan n'est pas envoyé (1)").click();
    await axe.check();
    expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);
    expect(axe.violations).toEqual([]);
  });
});
