import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_LOGINS } from '../../src/cli/demo-seed';
import { startTestApp, type TestApp } from '../support/app';
import { AxeAudit, DESKTOP, launchChromium, listen, PHONE, pageWidth, plainSpaces, screenshot } from './support/browser';

const PASSWORD = 'une phrase assez longue';

/**
 * Issue #16 items 10, 11, 12 and 14 in a real browser, on the demo (today 27/11/2026): the
 * treasurer registers a coop by its form, its mandataire saves a durable good in ventilation
 * automatique and registers it from the warning, counts the cash, prints and exports an action,
 * keeps the coop's identity; the identity and cash pages fit a phone.
 */
describe('the forms of the treasurer and the mandataire, in the browser', () => {
  let t: TestApp;
  let browser: Browser;
  let origin: string;
  let treasurer: Page;
  let page: Page;
  const audits = new Map<Page, AxeAudit>();
  const base = '/coops/C14950/years/2026';

  jest.setTimeout(120_000);

  const open = async (viewport = DESKTOP): Promise<{ context: BrowserContext; page: Page }> => {
    const context = await browser.newContext({ viewport, locale: 'fr-FR' });
    const opened = await context.newPage();
    audits.set(opened, new AxeAudit(opened));
    return { context, page: opened };
  };
  const auditOf = (p: Page) => audits.get(p)!;
  const go = async (p: Page, path: string) => {
    await auditOf(p).check();
    await p.goto(`${origin}${path}`);
  };
  const login = async (p: Page, username: string, password: string) => {
    await go(p, '/login');
    await p.getByLabel('Identifiant').fill(username);
    await p.getByLabel('Mot de passe').fill(password);
    await p.getByRole('button', { name: 'Se connecter' }).click();
    await p.waitForURL((url) => !url.pathname.startsWith('/login'));
  };
  const flash = (p: Page) => p.locator('.alert--success').first().innerText();

  beforeAll(async () => {
    t = await startTestApp({ demo: true, now: '2026-11-27T10:00:00Z' });
    origin = await listen(t);
    browser = await launchChromium();
    treasurer = (await open()).page;
    page = (await open()).page;
    await login(treasurer, 'tresorier14', DEMO_LOGINS.find((l) => l.username === 'tresorier14')!.password);
  });

  afterEach(async () => {
    for (const p of [treasurer, page]) if (!p.isClosed() && p.url().startsWith(origin)) await auditOf(p).check();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('11. the treasurer sees every error of the new coop at once, next to its field, nothing typed lost', async () => {
    await go(treasurer, '/departements/14/cooperatives/nouvelle');
    await treasurer.getByLabel('Identifiant de la coopérative').fill('C14950');
    await treasurer.getByLabel('Code UAI').fill('XYZ');
    await treasurer.getByLabel('Mandataires').fill('Léa Durand');
    await treasurer.getByLabel('Identifiant', { exact: true }).fill('jferry');
    await treasurer.getByLabel('Mot de passe').fill('court');
    await treasurer.getByRole('button', { name: 'Enregistrer la coopérative' }).click();
    await treasurer.locator('.field__error').first().waitFor();
    expect(await treasurer.locator('.field__error').allInnerTexts()).toEqual([
      'Le nom de la coopérative est obligatoire.',
      'Le code UAI comporte 7 chiffres et une lettre (ex. 0141234A).',
      'Cet identifiant est déjà utilisé.',
      expect.stringContaining('Le mot de passe doit contenir au moins 12 caractères.'),
    ]);
    // "Cet identifiant est déjà utilisé" belongs to the username field, for screen readers too.
    const username = treasurer.getByLabel('Identifiant', { exact: true });
    const describedBy = (await username.getAttribute('aria-describedby'))!;
    expect(await treasurer.locator(`#${describedBy}`).innerText()).toBe('Cet identifiant est déjà utilisé.');
    expect(await username.inputValue()).toBe('jferry');
    expect(await treasurer.getByLabel('Mot de passe').inputValue()).toBe('court');
    expect(await treasurer.getByLabel('Code UAI').inputValue()).toBe('XYZ');
    await screenshot(treasurer, 'forms-coop-errors');

    await treasurer.getByLabel('Nom', { exact: true }).fill('Coopérative Jacques Prévert');
    await treasurer.getByLabel('Code UAI').fill('0140950K');
    await username.fill('prevert950');
    await treasurer.getByLabel('Mot de passe').fill(PASSWORD);
    await treasurer.getByRole('button', { name: 'Enregistrer la coopérative' }).click();
    expect(await flash(treasurer)).toContain('La coopérative C14950 est enregistrée');
  });

  it('10 and 14. ventilation says the warning its save caused, lists the account, and "Inscrire ce bien" fills the inventory', async () => {
    await login(page, 'prevert950', PASSWORD);
    const owner = await t.login('prevert950', PASSWORD);
    await owner.post(`/api${base}/opening`, { bank: 100000, cash: 3000, date: '2026-09-01' }).expect(201);
    await go(page, `${base}/ventilation`);
    await page.locator('#f-date').fill('2026-10-05');
    await page.locator('#f-label').fill('Appareil photo Fnac – Fact. 8841');
    await page.getByLabel('Banque (512)').check();
    await page.getByLabel("Dépense (l'argent sort)").check();
    await page.getByLabel('Montant en euros (ex. 1 234,50) *').fill('249,90');
    await page.getByLabel('Compte de ventilation *').selectOption('6800');
    await page.getByRole('button', { name: 'Valider et calculer cette opération comptable' }).click();
    expect(await flash(page)).toContain("À vérifier : Un achat de biens durables (compte 6800) n'est pas inscrit au cahier d'inventaire : la pièce 01.");
    expect(await page.locator('.page-entries tbody tr', { hasText: 'Appareil photo' }).locator('td[data-label="Comptes"]').innerText()).toBe('6800');
    await screenshot(page, 'forms-ventilation-warning');

    await page.locator('.page-banner').getByRole('link', { name: 'Inscrire ce bien (PJ 01)' }).click();
    await page.waitForURL(/\/inventaire\?ecriture=/);
    expect(await page.getByLabel('Désignation *').inputValue()).toBe('Appareil photo Fnac – Fact. 8841');
    expect(await page.getByLabel("Date d'acquisition (jj/mm/aaaa) *").inputValue()).toBe('2026-10-05');
    expect(await page.getByLabel('Valeur en euros (ex. 249,90)').inputValue()).toBe('249,90');
    expect(await page.getByLabel('N° de PJ de la facture').inputValue()).toBe('01');
    await page.getByRole('button', { name: "Inscrire à l'inventaire" }).click();
    expect(await flash(page)).toContain("« Appareil photo Fnac – Fact. 8841 » est inscrit au cahier d'inventaire.");
    expect(await page.locator('.page-banner').count()).toBe(0);
  });

  it('12. the cash count says one thing after saving; its date fits; a past count shows its detail and is corrected by a new one', async () => {
    await go(page, `${base}/caisse`);
    const date = page.getByLabel("Date de l'arrêté (jj/mm/aaaa) *");
    await date.fill('2026-10-31');
    // The whole date and the calendar button are visible: the field is not cut.
    expect((await date.boundingBox())!.width).toBeGreaterThanOrEqual(160);
    await page.getByLabel('Billets de 10 €', { exact: true }).fill('2');
    await page.getByLabel('Pièces de 2 €', { exact: true }).fill('5');
    await page.getByRole('button', { name: "Enregistrer l'arrêté de caisse" }).click();
    expect(plainSpaces(await flash(page))).toContain("L'arrêté de caisse du 31/10/2026 est enregistré : 30,00 € comptés.");
    expect(await page.locator('[data-cash-status]').innerText()).toContain('correspond au solde du compte 530');
    // One truth: nothing on the page says otherwise.
    expect(await page.getByText('ne correspond pas').count()).toBe(0);
    expect(await page.getByText('différence').count()).toBe(0);

    const past = page.locator('.page-cash-history details').first();
    await past.locator('summary').click();
    expect(await past.locator('tbody').innerText()).toMatch(/2 €\s+5\s+10,00/);
    await past.getByRole('link', { name: 'Corriger par un nouvel arrêté' }).click();
    await page.waitForURL(/\/caisse\?depuis=/);
    expect(await page.locator('h2#arrete').innerText()).toContain('à partir de celui du 31/10/2026');
    expect(await page.getByLabel('Billets de 10 €', { exact: true }).inputValue()).toBe('2');
    expect(await page.getByLabel('Pièces de 2 €', { exact: true }).inputValue()).toBe('5');
    await page.getByLabel('Pièces de 2 €', { exact: true }).fill('4');
    await page.getByRole('button', { name: "Enregistrer l'arrêté de caisse" }).click();
    expect(plainSpaces(await flash(page))).toContain('28,00 € comptés');
    expect(plainSpaces(await page.locator('[data-cash-status]').innerText())).toContain('la différence est de -2,00 €');
    expect(await page.getByText('correspond au solde du compte 530').count()).toBe(0);
    await screenshot(page, 'forms-cash');
  });

  it('14. the action report has its printable version (PDF) and its exports (xlsx, CSV)', async () => {
    const owner = await t.login('prevert950', PASSWORD);
    await owner
      .post(`/api${base}/entries`, {
        pj: '02',
        date: '2026-11-04',
        label: 'Ventes de photos scolaires aux familles',
        actionA: 'Photos',
        lines: [
          { account: '512', debit: 32000 },
          { account: '7080', credit: 32000 },
        ],
      })
      .expect(201);
    await go(page, `${base}/actions`);
    await page.getByRole('link', { name: 'Photos' }).click();
    expect(await page.locator('h1').innerText()).toContain('Action « Photos »');
    const pdf = await page.request.get(`${origin}${await page.getByRole('link', { name: 'Version imprimable (PDF)' }).getAttribute('href')}`);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
    const xlsx = await page.request.get(`${origin}${await page.getByRole('link', { name: 'Exportation (Excel, .xlsx)' }).getAttribute('href')}`);
    expect(xlsx.headers()['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const csv = await page.request.get(`${origin}${await page.getByRole('link', { name: 'Exportation (CSV)' }).getAttribute('href')}`);
    expect(await csv.text()).toContain('02;04/11/2026;Ventes de photos scolaires aux familles;;Photos;;320,00;');
    await screenshot(page, 'forms-action');
  });

  it("14. the mandataire keeps the coop's identity, the department's fields read-only", async () => {
    await go(page, base);
    await page.getByRole('link', { name: 'Identité de la coop.' }).click();
    expect(await page.locator('h1').innerText()).toBe('Identité de la coopérative');
    expect(await page.locator('.page-identity dl').first().innerText()).toContain('0140950K');
    expect(await page.getByRole('textbox', { name: 'Code UAI' }).count()).toBe(0);
    await page.getByLabel("Adresse de l'école").fill('3 rue des Écoles\n14100 Lisieux');
    await page.getByLabel("Téléphone de l'école (ex. 02 31 12 34 56)").fill('02 31');
    await page.getByRole('button', { name: "Enregistrer l'identité" }).click();
    expect(await page.locator('#f-phone-error').innerText()).toContain('10 chiffres');
    expect(await page.getByLabel("Adresse de l'école").inputValue()).toBe('3 rue des Écoles\n14100 Lisieux');
    await page.getByLabel("Téléphone de l'école (ex. 02 31 12 34 56)").fill('02 31 12 34 56');
    await page.getByLabel('Mandataires, un par ligne (prénom et nom) *').fill('Léa Durand\nMarc Roy');
    await page.getByRole('button', { name: "Enregistrer l'identité" }).click();
    expect(await flash(page)).toContain("L'identité de la coopérative est enregistrée.");
    expect(await page.getByLabel('Mandataires, un par ligne (prénom et nom) *').inputValue()).toBe('Léa Durand\nMarc Roy');
    await screenshot(page, 'forms-identity');
  });

  it('fits a phone (390×844): the identity and cash count pages never scroll sideways', async () => {
    const phone = (await open(PHONE)).page;
    await login(phone, 'prevert950', PASSWORD);
    for (const path of ['/coops/C14950/identite', `${base}/caisse`, `${base}/caisse?depuis=x`]) {
      await go(phone, path);
      expect(await pageWidth(phone)).toBeLessThanOrEqual(PHONE.width);
    }
    const date = phone.getByLabel("Date de l'arrêté (jj/mm/aaaa) *");
    expect((await date.boundingBox())!.width).toBeGreaterThanOrEqual(160);
    await screenshot(phone, 'forms-cash');
    await go(phone, '/coops/C14950/identite');
    await screenshot(phone, 'forms-identity');
    await auditOf(phone).check();
  });

  it('passes axe-core on every page of the walk: no serious or critical violation', async () => {
    for (const p of [treasurer, page]) await auditOf(p).check();
    expect([...audits.values()].flatMap((a) => a.violations)).toEqual([]);
  });
});
