import type { Browser, BrowserContext, Page } from 'playwright-core';
import { commandContext, SYSTEM } from '../../src/commands/command-context';
import { RegisterCoop } from '../../src/commands/coop.commands';
import { ExecuteLedgerCommand } from '../../src/commands/ledger.commands';
import { ProjectedCommandBus } from '../../src/commands/projected-command-bus';
import { type LedgerCommand } from '../../src/domain/ledger';
import { UserDirectory } from '../../src/users/user-directory';
import { startTestApp, type TestApp } from '../support/app';
import { pdfText } from '../support/pdf-text';
import { AxeAudit, DESKTOP, launchChromium, listen, plainSpaces, screenshot } from './support/browser';

const PASSWORD = 'un mot de passe solide';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
/** August's file as the bank gives it: the mairie's transfer of January on it. */
const AUGUST_CSV = ['Date;Libellé;Débit;Crédit', '12/01/2026;VIR MAIRIE DE CAEN SUBVENTION;;500,00'].join('\r\n');

/**
 * DOMAIN.md's year's end through the pages alone, in a real browser, on a new coop whose
 * 2025-2026 was kept (opening, the mairie's subsidy and its table): import August's bank file →
 * close → invite two vérificateurs (one a parent) → both give quitus from their links (no
 * account) → the imported statement stands as the year-end statement, attach the subsidy's proof
 * → submit → the treasurer accepts on the AD's page; then the AD unlocks: the quitus is caduc, the
 * next year reads provisional, the board flags the coop, the accepted version reads as sent.
 * Today is 27/11/2026.
 */
describe("a coop's year's end, page by page, in the browser", () => {
  let t: TestApp;
  let browser: Browser;
  let mandataire: BrowserContext;
  let page: Page;
  let origin: string;
  let axe: AxeAudit;
  const links: string[] = [];
  const base = '/coops/C14600/years/2025';
  const next = '/coops/C14600/years/2026';

  jest.setTimeout(120_000);

  const run = (command: LedgerCommand) => t.app.get(ProjectedCommandBus).execute(new ExecuteLedgerCommand('C14600', 2025, command, commandContext(SYSTEM)));

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-11-27T10:00:00Z' });
    await t.app.get(ProjectedCommandBus).execute(
      new RegisterCoop(
        {
          type: 'RegisterCoop',
          coopId: 'C14600',
          department: '14',
          firstYear: 2025,
          identity: { name: 'Coopérative de l’école du Port', school: 'École du Port, Caen', uai: '0149999Z', mandataires: ['Claire Martin'] },
        },
        commandContext(SYSTEM),
      ),
    );
    const users = t.app.get(UserDirectory);
    await users.create({ username: 'port600', password: PASSWORD, role: 'mandataire', coopId: 'C14600', department: '14' });
    await users.create({ username: 'tresorier600', password: PASSWORD, role: 'treasurer', department: '14' });
    // The year as kept before its end: the opening, the mairie's subsidy and the subsidies table.
    await run({ type: 'DeclareOpeningBalance', bank: 100000, cash: 0, date: '2025-09-01' });
    await run({
      type: 'RecordEntry',
      entryId: 'mairie',
      entry: {
        pj: '01',
        date: '2026-01-12',
        label: 'Mairie de Caen – Subvention projets',
        chequeNo: null,
        actionA: null,
        actionB: null,
        lines: [
          { account: '512', debit: 50000 },
          { account: '7410', credit: 50000 },
        ],
      },
    });
    await run({
      type: 'DeclareSubsidies',
      rows: [{ origin: 'Mairie de Caen', amount: 50000, date: '2026-01-12', designation: 'Projets', attachedToExpenses: 0 }],
    });
    origin = await listen(t);
    browser = await launchChromium();
    mandataire = await browser.newContext({ viewport: DESKTOP, locale: 'fr-FR' });
    page = await mandataire.newPage();
    axe = new AxeAudit(page);
  });

  afterEach(() => axe.check());

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const go = async (path: string) => {
    await axe.check();
    await page.goto(`${origin}${path}`);
  };
  const main = async () => plainSpaces(await page.locator('main').innerText());
  const flash = () => page.locator('.alert--success').first().innerText();
  const logIn = async (username: string) => {
    await go('/login');
    await page.getByLabel('Identifiant').fill(username);
    await page.getByLabel('Mot de passe').fill(PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForLoadState();
  };

  it('imports August’s bank file from the Relevés page and confirms its proposal', async () => {
    await logIn('port600');
    await go(`${base}/releves`);
    await page.locator('#statement-file').setInputFiles({ name: 'releve-aout-2026.csv', mimeType: 'text/csv', buffer: Buffer.from(AUGUST_CSV, 'utf8') });
    await page.getByRole('button', { name: "Voir l'aperçu" }).click();
    await page.getByLabel('Date du relevé (jj/mm/aaaa)').fill('31/08/2026');
    await page.getByLabel('Solde du relevé à cette date, en euros').fill('1 500,00');
    await page.getByRole('button', { name: 'Enregistrer le relevé' }).click();
    await page.getByRole('button', { name: /Tout confirmer/ }).click();
    await go(`${base}/rapprochement`);
    expect(await main()).toContain('1 500,00 €');
  });

  it('closes the year from the checklist', async () => {
    await go(`${base}/cloture`);
    expect(await page.locator('.page-closing-box h2').innerText()).toBe('La clôture est possible');
    await page.getByRole('link', { name: "Clore l'exercice 2025-2026…" }).click();
    await page.getByRole('button', { name: 'Confirmer la clôture' }).click();
    expect(await flash()).toContain("L'exercice 2025-2026 est clôturé.");
  });

  it('invites two vérificateurs, one a parent, from the quitus page; a mandataire is refused', async () => {
    await go(`${base}/quitus`);
    expect(await main()).toContain('Quitus incomplet');
    for (const [name, quality] of [
      ['Élodie Durand', "Parent d'élève"],
      ['Marc Petit', 'Enseignant'],
    ]) {
      await page.getByLabel('Nom du vérificateur').fill(name);
      await page.getByLabel(quality).check();
      await page.getByRole('button', { name: 'Inviter le vérificateur' }).click();
      expect(await page.locator('#invitation-link').innerText()).toContain(`Invitation créée pour ${name}`);
      links.push((await page.locator('.quitus-link').getAttribute('href'))!);
    }
    expect(links).toHaveLength(2);
    await page.getByLabel('Nom du vérificateur').fill('Claire Martin');
    await page.getByRole('button', { name: 'Inviter le vérificateur' }).click();
    expect(await page.locator('main').innerText()).toContain('ne peut pas être un mandataire');
  });

  it('each vérificateur opens their link with no account, reads the year and gives quitus', async () => {
    for (const link of links) {
      const verifier = await browser.newContext({ viewport: DESKTOP, locale: 'fr-FR' });
      const own = await verifier.newPage();
      const ownAxe = new AxeAudit(own);
      await own.goto(link);
      expect(await own.locator('h1').innerText()).toContain('Vérification des comptes — Coopérative de l’école du Port, exercice 2025-2026');
      expect(plainSpaces(await own.locator('main').innerText())).toContain('Mairie de Caen – Subvention projets');
      await own.getByRole('button', { name: 'Je donne quitus' }).click();
      expect(await own.locator('.alert--success').first().innerText()).toContain('votre quitus est enregistré');
      await ownAxe.check();
      axe.violations.push(...ownAxe.violations);
      await verifier.close();
    }
    await go(`${base}/quitus`);
    expect(await main()).toContain('Quitus complet');
  });

  it('the imported statement stands as the year-end statement; attaches the subsidy’s proof and submits', async () => {
    await go(`${base}/depot`);
    const documents = page.locator('.page-imported-statement');
    expect(plainSpaces(await documents.innerText())).toContain('Relevé importé le 27/11/2026 (fichier releve-aout-2026.csv), au 31/08/2026, solde 1 500,00 €');
    const file = await page.request.get(`${origin}${await documents.getByRole('link').getAttribute('href')}`);
    expect(await file.text()).toContain('VIR MAIRIE DE CAEN');
    expect(await main()).toContain('Joignez le justificatif de la subvention « Mairie de Caen – Projets »');
    await page
      .getByLabel('Justificatif de la subvention Mairie de Caen')
      .setInputFiles({ name: 'arrete-mairie.pdf', mimeType: 'application/pdf', buffer: PDF });
    await page.getByRole('button', { name: 'Joindre le justificatif' }).click();
    expect(await flash()).toContain('« arrete-mairie.pdf » est joint au dossier');
    expect(await main()).toContain('Tout est prêt.');
    await page.getByRole('button', { name: "Envoyer le bilan à l'association départementale" }).click();
    expect(await flash()).toContain("Le dossier de l'exercice est envoyé");
    expect(await main()).toContain("Version 1, envoyée le 27/11/2026 (en retard) : Envoyé, en attente de l'association départementale");
    await screenshot(page, 'yearend-submission');
  });

  it('the treasurer accepts it on the AD’s page; the coop’s home says so', async () => {
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await logIn('tresorier600');
    await go('/departements/14/annees/2025/depots');
    const row = page.locator('tr', { hasText: 'C14600' });
    expect(plainSpaces(await row.innerText())).toContain('Envoyé, en attente');
    await row.getByRole('button', { name: 'Accepter' }).click();
    expect(plainSpaces(await page.locator('tr', { hasText: 'C14600' }).innerText())).toContain('Accepté');
    await go(base);
    expect(await main()).toContain('Dépôt du bilan : Accepté');
  });

  it('unlocked after acceptance: the quitus is caduc, the next year provisional, the board flags the coop, version 1 reads as sent', async () => {
    const sentBefore = plainSpaces(pdfText(await (await page.request.get(`${origin}/api${base}/submission/versions/1/crf.pdf`)).body()));
    await go('/departements/14/cooperatives/C14600');
    await page.getByRole('link', { name: /Rouvrir pour une correction/ }).click();
    await page.getByLabel('Raison de la réouverture').fill('Facture de papeterie oubliée');
    await page.getByRole('button', { name: 'Confirmer la réouverture' }).click();
    expect(await flash()).toContain('est rouvert');

    await go('/departements/14/annees/2025/tableau');
    expect(await main()).toContain('Bilan accepté puis rouvert');
    await go('/departements/14/annees/2026/tableau');
    expect(await main()).toContain('Ouverture provisoire (exercice précédent rouvert)');
    await go('/departements/14/annees/2025/depots');
    const row = page.locator('tr', { hasText: 'C14600' });
    expect(plainSpaces(await row.innerText())).toContain("rouvert depuis l'envoi");
    // The AD's link opens version 1 as it was sent, not the year as it now stands.
    const sent = plainSpaces(pdfText(await (await page.request.get(`${origin}${await row.getByRole('link', { name: 'v1' }).getAttribute('href')}`)).body()));
    expect(sent).toBe(sentBefore);
    // pdftotext breaks lines where the layout does: compare on single spaces.
    for (const block of ['DÉFINITIF', 'Version 1 — envoyée', 'Élodie Durand', 'Marc Petit', 'Solde du relevé bancaire 1 500,00 €'])
      expect(sent.replace(/\s+/g, ' ')).toContain(block);

    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await logIn('port600');
    await go(`${base}/quitus`);
    expect(await main()).toContain("Caduc (l'exercice a été rouvert)");
    expect(await main()).toContain('Quitus incomplet');
    await go(next);
    expect(await main()).toContain("L'exercice précédent a été rouvert pour une correction : l'ouverture de cet exercice est provisoire.");
    await go(`${base}/depot`);
    expect(await main()).toContain("Version 1, envoyée le 27/11/2026 (en retard) : Accepté — l'exercice a été rouvert depuis");
  });

  it('passes axe-core on every page of the walk: no serious or critical violation', async () => {
    await axe.check();
    expect(axe.audited.size).toBeGreaterThan(10);
    expect(axe.violations).toEqual([]);
  });
});
