import { generateSync } from 'otplib';
import type { Browser, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/app';
import { AxeAudit, DESKTOP, launchChromium, listen, PHONE, screenshot } from './support/browser';

/**
 * DOMAIN.md "People and access" in a real browser: the demo's treasurer (tresorier14) turns on the
 * second factor from the QR page, the code computed with otplib from the secret the page shows,
 * logs out, and logs in again with the password and then the code; on the phone, the same login,
 * a new authenticator app, and a recovery code. axe-core on every page at 1280×800 and 390×844.
 */
describe('the second factor of a treasurer, in the browser', () => {
  let t: TestApp;
  let browser: Browser;
  let origin: string;
  const violations: string[] = [];

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

  /** The authenticator app: the code of the test clock's time step. */
  const totp = (secret: string) => generateSync({ secret, epoch: Math.floor(t.clock.now().getTime() / 1000) });
  /** A code is good once: the next one comes with the next 30-second step. */
  const nextStep = () => t.clock.advance(30_000);

  async function open(viewport: typeof DESKTOP): Promise<{ page: Page; axe: AxeAudit }> {
    const page = await (await browser.newContext({ viewport, locale: 'fr-FR' })).newPage();
    return { page, axe: new AxeAudit(page) };
  }

  async function password(page: Page, axe: AxeAudit): Promise<void> {
    await page.goto(`${origin}/login`);
    await axe.check();
    await page.getByLabel('Identifiant').fill('tresorier14');
    await page.getByLabel('Mot de passe').fill('demo-tresorier14');
    await page.getByRole('button', { name: 'Se connecter' }).click();
  }

  async function code(page: Page, axe: AxeAudit, value: string): Promise<void> {
    // The password's answer is the code's page itself (POST /login renders it).
    await page.getByRole('heading', { name: 'Code de connexion' }).waitFor();
    await axe.check();
    await page.getByRole('textbox', { name: 'Code', exact: true }).fill(value);
    await page.getByRole('button', { name: 'Valider' }).click();
    // On the phone the account's link sits in the folded menu: there, not yet visible.
    await page.locator('a.site-nav__user', { hasText: 'tresorier14' }).waitFor({ state: 'attached' });
    await axe.check();
  }

  /** From "Sécurité du compte": the QR page, its secret, the first code, the recovery codes. */
  async function enrol(page: Page, axe: AxeAudit, button: string): Promise<{ secret: string; recovery: string[] }> {
    await page.getByRole('button', { name: button }).click();
    await page.waitForURL(/\/compte\/securite\/totp$/);
    await axe.check();
    await expect(page.getByRole('img', { name: "QR code de la clé d'authentification" }).locator('svg').count()).resolves.toBe(1);
    const secret = (await page.locator('#totp-secret').innerText()).trim();
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await screenshot(page, 'totp-enrolment');
    await page.getByLabel('Code à 6 chiffres').fill(totp(secret));
    await page.getByRole('button', { name: 'Activer' }).click();
    await page.waitForURL(/\/compte\/securite\/totp\/confirmation$/);
    await axe.check();
    expect(await page.locator('h1').innerText()).toBe('Double authentification activée');
    const recovery = (await page.locator('.recovery-codes code').allInnerTexts()).map((c) => c.trim());
    expect(recovery).toHaveLength(10);
    return { secret, recovery };
  }

  async function logout(page: Page): Promise<void> {
    const menu = page.getByRole('button', { name: 'Menu' });
    if (await menu.isVisible()) await menu.click();
    await page.getByRole('button', { name: 'Se déconnecter' }).first().click();
    await page.waitForURL(/\/login/);
  }

  let secret = '';

  it('on the desktop: enrols from the QR page, logs out, logs in with the password and then the code', async () => {
    const { page, axe } = await open(DESKTOP);
    await password(page, axe);
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
    await page.getByRole('link', { name: 'tresorier14' }).click();
    await page.waitForURL(/\/compte\/securite$/);
    await axe.check();
    ({ secret } = await enrol(page, axe, 'Activer la double authentification'));
    await page.getByRole('link', { name: 'Continuer' }).click();
    await logout(page);

    nextStep();
    await password(page, axe);
    await page.getByRole('heading', { name: 'Code de connexion' }).waitFor();
    await page.getByRole('textbox', { name: 'Code', exact: true }).fill('000000');
    await page.getByRole('button', { name: 'Valider' }).click();
    await expect(page.locator('#code-error').innerText()).resolves.toMatch(/code/i);
    await code(page, axe, totp(secret));
    violations.push(...axe.violations);
  });

  it('on the phone: the same login, a new app on "Sécurité du compte", then a recovery code once', async () => {
    const { page, axe } = await open(PHONE);
    nextStep();
    await password(page, axe);
    await code(page, axe, totp(secret));
    await page.goto(`${origin}/compte/securite`);
    await axe.check();
    nextStep();
    const again = await enrol(page, axe, "Changer d'application (nouveau QR code)");
    await page.getByRole('link', { name: 'Continuer' }).click();
    await page.goto(`${origin}/compte/securite`);
    await logout(page);

    await password(page, axe);
    await code(page, axe, again.recovery[0]);
    await screenshot(page, 'totp-logged-in');
    violations.push(...axe.violations);
    expect(violations).toEqual([]);
  });
});
