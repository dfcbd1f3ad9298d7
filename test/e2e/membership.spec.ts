import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_LOGINS } from '../../src/cli/demo-seed';
import { startTestApp, type TestApp } from '../support/app';
import { pdfText } from '../support/pdf-text';
import { AxeAudit, DESKTOP, launchChromium, listen, PHONE, pageWidth, plainSpaces, screenshot } from './support/browser';

/**
 * The membership's yearly cycle in a real browser, on the demo (27/11/2026, rates 1,50 € per
 * pupil, 3,00 € per adult, 0,40 € insurance, 25,00 € the magazine): C14001's 2026 membership is
 * not started. The mandataire fills two classes and sends it; the treasurer returns it from the
 * list with a reason; the mandataire corrects and sends again; the treasurer validates it from the
 * coop's page; the mandataire downloads the attestation and records the payment, already split.
 */
describe('a membership from the numbers to the payment, in the browser', () => {
  let t: TestApp;
  let browser: Browser;
  let origin: string;
  let mandataireContext: BrowserContext;
  let treasurerContext: BrowserContext;
  let mandataire: Page;
  let treasurer: Page;
  const page = '/coops/C14001/years/2026/adhesion';
  const violations: string[] = [];
  const wide: string[] = [];

  jest.setTimeout(240_000);

  const login = async (context: BrowserContext, username: string): Promise<Page> => {
    const p = await context.newPage();
    await p.goto(`${origin}/login`);
    await p.getByLabel('Identifiant').fill(username);
    await p.getByLabel('Mot de passe').fill(DEMO_LOGINS.find((l) => l.username === username)!.password);
    await p.getByRole('button', { name: 'Se connecter' }).click();
    await p.waitForURL((url) => !url.pathname.startsWith('/login'));
    return p;
  };
  const go = (p: Page, path: string) => p.goto(`${origin}${path}`);
  /** axe over the page as it stands (each state of the cycle once), at both widths; a phone never scrolls sideways. */
  const audit = async (p: Page, state: string) => {
    for (const viewport of [PHONE, DESKTOP]) {
      await p.setViewportSize(viewport);
      const axe = new AxeAudit(p);
      await axe.check();
      violations.push(...axe.violations.map((v) => `${state}: ${v}`));
      if (viewport === PHONE && (await pageWidth(p)) > PHONE.width) wide.push(`${state}: ${await pageWidth(p)} px`);
      await screenshot(p, `membership-${state}`);
    }
  };
  const due = async (key: string) => plainSpaces(await mandataire.locator(`#due-${key}`).innerText());
  const flash = async (p: Page) => plainSpaces(await p.locator('.alert--success').first().innerText());

  beforeAll(async () => {
    t = await startTestApp({ demo: true, now: '2026-11-27T10:00:00Z' });
    origin = await listen(t);
    browser = await launchChromium();
    mandataireContext = await browser.newContext({ viewport: DESKTOP, locale: 'fr-FR', acceptDownloads: true });
    treasurerContext = await browser.newContext({ viewport: DESKTOP, locale: 'fr-FR' });
    mandataire = await login(mandataireContext, 'jferry');
    treasurer = await login(treasurerContext, 'tresorier14');
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('the amounts follow the numbers as they are typed; the engagement given, the membership is sent', async () => {
    await go(mandataire, page);
    expect(await due('total')).toBe('0,00 €');
    await mandataire.getByLabel('Classe, ligne 1').fill('CP-CE1');
    await mandataire.getByLabel('Niveau, ligne 1').fill('Cycle 2');
    await mandataire.getByLabel('Élèves, ligne 1').fill('24');
    await mandataire.getByLabel('Enseignants, ligne 1').fill('1');
    // 24 × 1,50 + 1 × 3,00; 25 × 0,40.
    expect(await due('cotisation')).toBe('39,00 €');
    expect(await due('insurance')).toBe('10,00 €');
    await mandataire.getByLabel('Classe, ligne 2').fill('CM2');
    await mandataire.getByLabel('Niveau, ligne 2').fill('Cycle 3');
    await mandataire.getByLabel('Élèves, ligne 2').fill('26');
    await mandataire.getByLabel('Enseignants, ligne 2').fill('2');
    await mandataire.getByLabel('Abonnements à la revue Animation & Éducation').fill('1');
    // 50 pupils, 3 adults: 84,00 + 21,20 + 25,00.
    expect(await due('cotisation')).toBe('84,00 €');
    expect(await due('insurance')).toBe('21,20 €');
    expect(await due('magazines')).toBe('25,00 €');
    expect(await due('total')).toBe('130,20 €');
    expect(plainSpaces(await mandataire.locator('#due-people').innerText())).toBe('50 élèves et 3 adultes.');
    await audit(mandataire, 'draft');
    await mandataire.getByLabel("Je m'engage à respecter ces obligations").check();
    await mandataire.getByLabel('Votre nom (prénom et nom)').fill('Claire Martin');
    await mandataire.getByRole('button', { name: "Envoyer à l'association" }).click();
    await mandataire.waitForURL((url) => url.pathname === page);
    expect(await flash(mandataire)).toContain("L'adhésion est envoyée");
    expect(await mandataire.locator('.membership-status').innerText()).toBe('envoyée');
  });

  it('the treasurer returns it from the list with a reason; the mandataire reads it on top, corrects and sends again', async () => {
    await go(treasurer, '/departements/14/annees/2026/adhesions');
    const row = treasurer.locator('#adhesion-C14001');
    expect(plainSpaces(await row.innerText())).toContain('130,20 €');
    await audit(treasurer, 'list');
    await row.getByLabel('Motif du renvoi').fill('Il manque la classe de CE2-CM1.');
    await row.getByRole('button', { name: 'Renvoyer' }).click();
    expect(await flash(treasurer)).toContain("L'adhésion de C14001 est renvoyée à la coopérative.");

    await go(mandataire, page);
    const returned = mandataire.locator('#membership-returned');
    expect(plainSpaces(await returned.innerText())).toContain('Raison : « Il manque la classe de CE2-CM1. »');
    // The reason stands above the form: the first thing read on the page after its title.
    expect(await mandataire.locator('h1 + #membership-returned').count()).toBe(1);
    await audit(mandataire, 'returned');
    await mandataire.getByLabel('Classe, ligne 3').fill('CE2-CM1');
    await mandataire.getByLabel('Niveau, ligne 3').fill('Cycle 3');
    await mandataire.getByLabel('Élèves, ligne 3').fill('25');
    await mandataire.getByLabel('Enseignants, ligne 3').fill('1');
    // 75 pupils, 4 adults: 112,50 + 12,00; 79 × 0,40.
    expect(await due('cotisation')).toBe('124,50 €');
    expect(await due('insurance')).toBe('31,60 €');
    expect(await due('total')).toBe('181,10 €');
    await mandataire.getByRole('button', { name: "Envoyer à l'association" }).click();
    await mandataire.waitForURL((url) => url.pathname === page);
    expect(await flash(mandataire)).toContain("L'adhésion est envoyée");
    expect(await mandataire.locator('#membership-returned').count()).toBe(0);
  });

  it("the treasurer validates it from the coop's page", async () => {
    await go(treasurer, '/departements/14/cooperatives/C14001');
    const section = treasurer.locator('#adhesion');
    expect(plainSpaces(await section.innerText())).toContain('75 élèves et 4 adultes');
    await audit(treasurer, 'coop');
    await section.getByRole('button', { name: "Valider l'adhésion" }).click();
    expect(await flash(treasurer)).toContain("L'adhésion de C14001 est validée.");
    expect(plainSpaces(await treasurer.locator('#adhesion').innerText())).toContain('Statut : validée');
  });

  it('the mandataire downloads the attestation naming the coop, the year, the insured numbers and the AD', async () => {
    await go(mandataire, page);
    await audit(mandataire, 'validated');
    const link = mandataire.getByRole('link', { name: "Télécharger l'attestation" });
    const href = await link.getAttribute('href');
    const [answer] = await Promise.all([mandataire.waitForResponse((r) => r.url().endsWith('/membership/attestation.pdf')), link.click()]);
    expect(answer.status()).toBe(200);
    expect(answer.headers()['content-type']).toBe('application/pdf');
    // What the link fetched, again with the mandataire's session (headless Chromium hands a PDF to its downloads).
    const pdf = await (await mandataireContext.request.get(`${origin}${href}`)).body();
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(pdf).replace(/\s+/g, ' ');
    for (const part of ["Coopérative de l'école Jules Ferry", '2026-2027', '75 élèves', '4 adultes', 'OCCE 14 — Association départementale du Calvados']) {
      expect(text).toContain(part);
    }
  });

  it('"Enregistrer le paiement" opens the portrait form prefilled with the split entry, which is recorded', async () => {
    await go(mandataire, page);
    await mandataire.getByRole('link', { name: 'Enregistrer le paiement' }).click();
    await mandataire.waitForURL((url) => url.pathname.endsWith('/ecritures/nouvelle'));
    expect(await mandataire.locator('#f-label').inputValue()).toBe(
      'OCCE 14 — Association départementale du Calvados – Adhésion 2026-2027 : cotisation et assurance',
    );
    expect(plainSpaces(await mandataire.locator('[data-payment-total]').innerText())).toContain('181,10 €');
    await audit(mandataire, 'payment');
    await mandataire.getByRole('button', { name: 'Valider et calculer cette opération comptable' }).click();
    await mandataire.locator('.alert--success').first().waitFor();
    const [api] = await t.loginDemo('jferry');
    const rows = (await api.get('/api/coops/C14001/years/2026/grid').expect(200)).body.rows as Array<{ label: string; lines: Array<Record<string, unknown>> }>;
    const payment = rows.find((e) => e.label.includes('Adhésion 2026-2027'));
    // The cotisation 124,50 to the association (6586), the insurance 31,60 (6168), the magazine 25,00 on its account (6181), paid from the bank.
    expect(payment?.lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ account: '6586', debit: 12450 }),
        expect.objectContaining({ account: '6168', debit: 3160 }),
        expect.objectContaining({ account: '6181', debit: 2500 }),
        expect.objectContaining({ account: '512', credit: 18110 }),
      ]),
    );
    const checklist = (await api.get('/api/coops/C14001/years/2026/checklist').expect(200)).body;
    expect(checklist.warnings.map((w: { code: string }) => w.code)).not.toContain('COTISATION_ASSURANCE');
  });

  it('every state of the cycle was axe clean at 1280×800 and 390×844, and fit a phone', () => {
    expect(violations).toEqual([]);
    expect(wide).toEqual([]);
  });
});
