import { ProjectedCommandBus } from '../../src/commands/projected-command-bus';
import { ExecuteLedgerCommand } from '../../src/commands/ledger.commands';
import { LedgerReads } from '../../src/reads/ledger-reads';
import { bankReconciliationOf } from '../../src/reads/bank-statements';
import { expectedStatementBalance } from '../../src/domain/statements';
import type { Browser, Page } from 'playwright-core';
import { commandContext, SYSTEM } from '../../src/commands/command-context';
import { RegisterCoop } from '../../src/commands/coop.commands';
import { UserDirectory } from '../../src/users/user-directory';
import { startTestApp, type TestApp } from '../support/app';
import { pdfText } from '../support/pdf-text';
import { AxeAudit, DESKTOP, launchChromium, listen, PHONE, pageWidth as widthOf, plainSpaces, screenshot } from './support/browser';

const PASSWORD = 'un mot de passe solide';

/**
 * A mandataire's year in a real browser (Debian's Chromium driven by playwright-core), from the
 * opening balance to the closing and the PDF, with the guide's entries in the three input modes.
 * Today is 27/11/2026: the 2025-2026 year can close.
 */
describe('a mandataire keeps a year of books in the browser', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let origin: string;
  const base = '/coops/C14500/years/2025';
  const next = '/coops/C14500/years/2026';
  let axe: AxeAudit;

  jest.setTimeout(120_000);

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-11-27T10:00:00Z' });
    await t.app.get(ProjectedCommandBus).execute(
      new RegisterCoop(
        {
          type: 'RegisterCoop',
          coopId: 'C14500',
          department: '14',
          firstYear: 2025,
          identity: { name: "Coopérative de l'école Jules Ferry", mandataires: ['Claire Martin'] },
        },
        commandContext(SYSTEM),
      ),
    );
    await t.app.get(UserDirectory).create({ username: 'jferry500', password: PASSWORD, role: 'mandataire', coopId: 'C14500', department: '14' });
    origin = await listen(t);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: DESKTOP, locale: 'fr-FR' });
    axe = new AxeAudit(page);
  });

  // Every page the walk ends a step on is checked with axe-core, once per path and viewport.
  afterEach(() => audit());

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const audit = () => axe.check();
  const go = async (path: string) => {
    await audit();
    await page.goto(`${origin}${path}`);
  };
  const shot = (name: string) => screenshot(page, name);
  const flash = () => page.locator('.alert--success').first().innerText();
  const banner = () => page.locator('.page-banner').innerText();
  const pageWidth = () => widthOf(page);
  /** Types a row at the bottom of the grid; an account the year does not use yet goes in "Autre compte". */
  const fillNewRow = async (values: Record<string, string>) => {
    for (const [key, value] of Object.entries(values)) {
      if ((await page.locator(`#new-row-${key}`).count()) > 0) await page.locator(`#new-row-${key}`).fill(value);
      else {
        await page.locator('#new-row-otherAccount').selectOption(key);
        await page.locator('#new-row-otherAmount').fill(value);
      }
    }
  };

  it('logs in and lands on the oldest open year, which has no opening yet; a year switcher in the header', async () => {
    await go('/login');
    await page.getByLabel('Identifiant').fill('jferry500');
    await page.getByLabel('Mot de passe').fill(PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    // Today is in 2026-2027, but 2025-2026 (the first year) is open and has no opening.
    await page.waitForURL(/\/coops\/C14500\/years\/2025$/);
    expect(await page.locator('h1').innerText()).toContain('2025-2026');
    const years = page.getByRole('navigation', { name: "Changer d'exercice" });
    expect(await years.getByRole('link').allInnerTexts()).toEqual(['2025-2026', '2026-2027']);
    expect(await years.getByRole('link', { name: '2025-2026' }).getAttribute('aria-current')).toBe('page');
    // From the current year, the open one before it is said loudly.
    await years.getByRole('link', { name: '2026-2027' }).click();
    await page.waitForURL(new RegExp(`${next}$`));
    expect(await page.locator('main').innerText()).toContain("L'exercice 2025-2026 n'est pas clôturé");
    await page.getByRole('link', { name: "Aller à l'exercice 2025-2026" }).click();
    await page.waitForURL(new RegExp(`${base}$`));
  });

  it('enters the opening balance ("Existence au début de l\'exercice")', async () => {
    await page.getByRole('link', { name: "Saisir l'existence au début de l'exercice" }).click();
    await page.getByLabel('Banque (512), en euros (ex. 1 401,84)').fill('1 401,84');
    await page.getByLabel('Caisse (530), en euros').fill('50');
    await page.getByRole('button', { name: "Enregistrer l'existence au début de l'exercice" }).click();
    expect(plainSpaces(await flash())).toContain('banque 1 401,84 €, caisse 50,00 €');
    await go(base);
    // Cash with no count: an alert as the books are kept, not only on the Clôture page.
    expect(plainSpaces(await banner())).toContain("La caisse n'est pas détaillée : faites l'arrêté de caisse (solde 530 : 50,00 €)");
    await shot('home');
  });

  it('adds lines to the portrait form from the keyboard, keeping what was typed', async () => {
    await go(`${base}/ecritures/nouvelle`);
    await page.locator('#f-label').fill('Brouillon');
    expect(await page.locator('[data-line]').count()).toBe(3);
    await page.getByRole('button', { name: 'Ajouter des lignes' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/ecritures$/);
    expect(await page.locator('[data-line]').count()).toBe(6);
    expect(await page.locator('#f-label').inputValue()).toBe('Brouillon');
  });

  it('records the membership and insurance the easy way: "J\'ai payé, par banque, pour ces comptes", saved by Enter', async () => {
    await go(`${base}/ecritures/nouvelle`);
    expect(await page.locator('#f-pj').inputValue()).toBe('01');
    await page.locator('#f-date').fill('2025-09-20');
    await page.locator('#f-label').fill("OCCE 14 – Cotisation et assurance de l'année");
    await page.locator('#f-chequeNo').fill('1568960');
    await page.getByLabel("J'ai payé (une dépense)").check();
    expect(await page.getByLabel('la banque (512 : chèque, virement, carte)').isChecked()).toBe(true);
    await page.getByLabel('Compte, ligne 1').selectOption('6586');
    await page.getByLabel('Montant en euros, ligne 1').fill('212');
    await page.getByLabel('Compte, ligne 2').selectOption('6168');
    await page.getByLabel('Montant en euros, ligne 2').fill('21,00');
    expect(plainSpaces(await page.locator('[data-payment-total]').innerText())).toBe('Total : 233,00 €');
    // No debit or credit asked for: the amount fields are as tall as the others.
    expect(await page.locator('main').innerText()).not.toContain('Débit');
    const amount = (await page.getByLabel('Montant en euros, ligne 1').boundingBox())!;
    expect(amount.height).toBeGreaterThanOrEqual((await page.locator('#f-label').boundingBox())!.height - 1);
    await shot('portrait');
    // Enter in a field saves the entry (the save button is the form's default button).
    await page.getByLabel('Montant en euros, ligne 2').press('Enter');
    await page.waitForURL(/\/cahier/);
    expect(await flash()).toContain("L'écriture n° 01 est enregistrée.");
    // Underneath, the same double entry: 6586 and 6168 debited, 512 credited.
    const grid = await page.request.get(`${origin}/api${base}/grid`);
    const row = (await grid.json()).rows.find((r: { pj: string }) => r.pj === '01');
    expect(row.lines).toEqual([
      { account: '6586', debit: 21200 },
      { account: '6168', debit: 2100 },
      { account: '512', credit: 23300 },
    ]);
  });

  it('#29.6 a "12,345" amount: the live total in the error style, the message by the amount, nothing by "Par"', async () => {
    await go(`${base}/ecritures/nouvelle`);
    await page.locator('#f-date').fill('2025-09-21');
    await page.locator('#f-label').fill('Papeterie Leclerc');
    await page.getByLabel("J'ai payé (une dépense)").check();
    await page.getByLabel('Compte, ligne 1').selectOption('6181');
    await page.getByLabel('Montant en euros, ligne 1').fill('12,345');
    const total = page.locator('[data-payment-total]');
    expect(await total.getAttribute('class')).toContain('page-remaining--error');
    expect(await total.getAttribute('class')).not.toContain('page-remaining--ok');
    await page.getByRole('button', { name: 'Valider et calculer cette opération comptable' }).click();
    expect(await page.locator('#line-0-amount-error').innerText()).toContain('plus de deux chiffres après la virgule');
    expect(await page.locator('#treasury-error').count()).toBe(0);
    expect(await page.locator('main').innerText()).not.toContain('Indiquez un montant au débit ou au crédit');
    expect(await page.locator('#f-label').inputValue()).toBe('Papeterie Leclerc');
  });

  it('offers the debit/credit table one click away, keeping what was typed (#29.6), with the "reste à ventiler" live', async () => {
    await go(`${base}/ecritures/nouvelle`);
    await page.locator('#f-date').fill('2025-09-22');
    await page.locator('#f-label').fill('Librairie – albums');
    await page.getByLabel('Montant en euros, ligne 1').fill('25');
    await page.getByRole('button', { name: 'Saisir en débit et crédit (tableau des comptes)' }).click();
    expect(await page.locator('#f-label').inputValue()).toBe('Librairie – albums');
    expect(await page.locator('#f-date').inputValue()).toBe('2025-09-22');
    expect(await page.locator('#line-0-debit').inputValue()).toBe('25');
    await page.locator('#line-0-account').selectOption('6181');
    await page.locator('#line-1-credit').fill('');
    expect(plainSpaces(await page.locator('[data-remaining]').innerText())).toContain('Reste à ventiler : 25,00 €');
    await page.locator('#line-0-debit').fill('10');
    expect(plainSpaces(await page.locator('[data-remaining]').innerText())).toContain('Reste à ventiler : 10,00 €');
    const cell = (await page.locator('#line-0-debit').boundingBox())!;
    expect(cell.height).toBeGreaterThanOrEqual((await page.locator('#f-label').boundingBox())!.height - 1);
    await page.getByRole('link', { name: "Revenir à « J'ai payé / J'ai reçu »" }).click();
    expect(await page.getByLabel('Compte, ligne 1').count()).toBe(1);
  });

  it('records the photo sale and the photographer in ventilation automatique', async () => {
    const ventilate = async (pj: string, date: string, label: string, direction: 'Recette' | 'Dépense', amount: string, account: string, cheque = '') => {
      await go(`${base}/ventilation`);
      expect(await page.locator('#f-pj').inputValue()).toBe(pj);
      await page.locator('#f-date').fill(date);
      await page.locator('#f-label').fill(label);
      if (cheque) await page.locator('#f-chequeNo').fill(cheque);
      await page.locator('#f-actionA').fill('Photos');
      await page.getByLabel('Banque (512)').check();
      await page.getByLabel(direction === 'Recette' ? "Recette (l'argent entre)" : "Dépense (l'argent sort)").check();
      await page.getByLabel('Montant en euros (ex. 1 234,50) *').fill(amount);
      await page.getByLabel('Compte de ventilation *').selectOption(account);
      await page.getByRole('button', { name: 'Valider et calculer cette opération comptable' }).click();
      expect(await flash()).toContain(`L'écriture n° ${pj} est enregistrée.`);
    };
    await ventilate('02', '2025-10-04', 'Ventes de photos scolaires aux familles', 'Recette', '320,00', '7070');
    await ventilate('03', '2025-10-24', 'Photographe Fact. n°199200 - Photos', 'Dépense', '320', '6070', '1568965');
    // The list says which account each entry went to.
    expect(await page.locator('.page-entries tbody tr', { hasText: 'Photographe' }).locator('td[data-label="Comptes"]').innerText()).toBe('6070');
    await shot('ventilation');
  });

  it('attaches the voucher right after saving in ventilation, with the camera on a phone', async () => {
    // The ventilation page, just after the save of PJ 03, offers its voucher.
    const box = page.locator('form.page-attach');
    expect(await box.locator('h2').innerText()).toContain("Pièce justificative de l'écriture n° 03");
    expect(await box.locator('input[type=file]').getAttribute('capture')).toBe('environment');
    await box.locator('input[type=file]').setInputFiles({ name: 'facture-199200.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') });
    await box.getByRole('button', { name: 'Joindre la pièce' }).click();
    await page.waitForURL(new RegExp(`${base}/ventilation$`));
    expect(await flash()).toContain("La pièce « facture-199200.pdf » est jointe à l'écriture n° 03.");
  });

  it("records the advance, its return and the subsidy on the grid's bottom row", async () => {
    const row = async (values: Record<string, string>) => {
      await go(`${base}/cahier`);
      await fillNewRow(values);
      await page.getByRole('button', { name: "Ajouter l'écriture" }).click();
      expect(await flash()).toContain(`L'écriture n° ${values.pj} est enregistrée.`);
    };
    await row({ pj: '04', date: '2025-09-22', label: "Virement Régie d'avance - Classe CPCE1", regie: 'CP-CE1', bankOut: '150', advancePaid: '150' });
    await row({ pj: '05', date: '2026-06-20', label: "Retour de régie d'avance - Classe CPCE1", regie: 'CP-CE1', bankIn: '25', advanceBack: '25' });
    await row({ pj: '06', date: '2026-01-12', label: 'Mairie – Subvention projets', bankIn: '500', '7410': '500' });
    // The sixth unreconciled bank entry: said after saving, and in the cahier's "À vérifier" box.
    expect(await flash()).toContain("À vérifier : Il y a trop d'écritures non pointées (6)");
    expect(await banner()).toContain("Il y a trop d'écritures non pointées (6)");
    await shot('grid-alerts');
  });

  it('says a refused grid row at the top, in recettes/dépenses words, keeping the "À vérifier" box', async () => {
    await go(`${base}/cahier`);
    const row = { pj: '09', date: '2026-02-02', label: 'Kermesse – buvette', cashIn: '120', '7080': '100' };
    await fillNewRow(row);
    await page.getByRole('button', { name: "Ajouter l'écriture" }).click();
    const error = page.locator('#form-error');
    expect(plainSpaces(await error.innerText())).toContain('Reste à ventiler : 20,00 €');
    expect(await error.innerText()).not.toMatch(/débit|crédit/);
    expect((await error.boundingBox())!.y).toBeLessThan(DESKTOP.height);
    expect(await banner()).toContain("Il y a trop d'écritures non pointées");
    // What was typed is kept, and the link goes down to the row.
    expect(await page.locator('#new-row-label').inputValue()).toBe('Kermesse – buvette');
    expect(await error.getByRole('link', { name: 'Aller à la ligne à corriger' }).getAttribute('href')).toBe('#nouvelle');
    await shot('grid-error');
  });

  it('settles the advance by explaining its spending in the debit/credit table', async () => {
    await go(`${base}/ecritures/nouvelle?forme=tableau`);
    await page.locator('#f-date').fill('2026-06-25');
    await page.locator('#f-label').fill('Cahier de la classe CP-CE1 – dépenses de la régie');
    await page.locator('#line-0-account').selectOption('6181');
    await page.locator('#line-0-debit').fill('125');
    await page.locator('#line-1-account').selectOption('4670');
    // A régie named like an object's property is a régie like any other: "constructor" holds nothing (the page read Object's constructor and said nothing).
    await page.locator('#line-1-regie').fill('constructor');
    await page.locator('#line-1-credit').fill('500');
    const warning = page.locator('[data-advance-warning]');
    expect(plainSpaces(await warning.innerText())).toContain('La régie constructor ne détient que 0,00 € : cette écriture en explique 500,00 € de trop.');
    await page.locator('#line-1-regie').fill('CP-CE1');
    // #29.7: explaining more than the advance holds (150 paid, 25 back) is said as it is typed.
    expect(plainSpaces(await warning.innerText())).toContain('La régie CP-CE1 ne détient que 125,00 € : cette écriture en explique 375,00 € de trop.');
    await page.locator('#line-1-credit').fill('125');
    expect(await warning.isHidden()).toBe(true);
    await page.getByRole('button', { name: 'Valider et calculer cette opération comptable' }).click();
    expect(await flash()).toContain("L'écriture n° 07 est enregistrée.");
    await go(`${base}/regies`);
    expect(await page.locator('tbody tr').first().innerText()).toContain('Soldée');
  });

  it('amends an entry in place on the grid', async () => {
    await go(`${base}/cahier`);
    await page.getByRole('link', { name: "Modifier l'écriture n° 02 en mode paysage" }).click();
    await page.locator('#edit-row-label').fill('Familles – Ventes de photos scolaires');
    await page.getByRole('button', { name: 'Valider les modifications' }).click();
    expect(await flash()).toContain("L'écriture n° 02 est modifiée.");
    expect(await page.locator('.grid').innerText()).toContain('Familles – Ventes de photos scolaires');
  });

  it('duplicates an entry under the next PJ, then deletes the copy after confirming', async () => {
    await page.getByRole('link', { name: "Dupliquer l'écriture n° 03" }).click();
    expect(await page.locator('#f-pj').inputValue()).toBe('08');
    await page.getByRole('button', { name: 'Dupliquer' }).click();
    expect(await flash()).toContain('dupliquée sous le n° 08');
    await page.getByRole('link', { name: "Supprimer l'écriture n° 08" }).click();
    expect(await page.locator('h1').innerText()).toContain('Supprimer');
    await page.getByRole('button', { name: 'Confirmer la suppression' }).click();
    expect(await flash()).toContain("L'écriture n° 08 est supprimée.");
  });

  it('reconciles bank entries with one click, a ✓ showing on the line', async () => {
    for (const pj of ['01', '02', '03']) {
      await page.getByRole('button', { name: `Pointer l'écriture n° ${pj}` }).click();
      // Pointed in place (public/pointage.js): the row's button turns, no page loads.
      await page.getByRole('button', { name: `Dépointer l'écriture n° ${pj}` }).waitFor();
      expect(await flash()).toContain(`L'écriture n° ${pj} est pointée.`);
    }
    expect(await page.locator('.grid .reconciled').count()).toBe(3);
    await shot('grid');
    // The grid scrolls inside its frame: the page itself stays 1280 px wide.
    expect(await page.locator('html').evaluate((root) => root.scrollWidth)).toBeLessThanOrEqual(1280);
  });

  it('offers the voucher after a save in the grid too; over 10 MiB, a French page with a way back', async () => {
    await go(`${base}/cahier`);
    await fillNewRow({ pj: '08', date: '2025-11-05', label: 'Papeterie – cahiers', cashOut: '12', '6181': '12' });
    await page.getByRole('button', { name: "Ajouter l'écriture" }).click();
    expect(await page.locator('form.page-attach h2').innerText()).toContain("l'écriture n° 08");
    await page
      .locator('form.page-attach input[type=file]')
      .setInputFiles({ name: 'ticket.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(10 * 1024 * 1024 + 10, 1) });
    await page.locator('form.page-attach').getByRole('button', { name: 'Joindre la pièce' }).click();
    expect(await page.locator('h1').innerText()).toBe('Envoi trop volumineux');
    expect(await page.locator('main').innerText()).toContain('Le fichier dépasse 10 Mio');
    await shot('voucher-too-large');
    await page.getByRole('link', { name: 'Revenir à la page précédente' }).click();
    // Back to the page the form was on (the same-site Referer), the voucher box still there.
    await page.locator('h1', { hasText: 'visualisation classique' }).waitFor();
    expect(await page.locator('form.page-attach h2').innerText()).toContain("l'écriture n° 08");
    // PJ 08 was a try: deleted, so the rest of the walk keeps its numbers.
    await page.getByRole('link', { name: "Supprimer l'écriture n° 08" }).click();
    await page.getByRole('button', { name: 'Confirmer la suppression' }).click();
    expect(await flash()).toContain("L'écriture n° 08 est supprimée.");
  });

  it('counts the cash, the total and the difference with 530 shown live', async () => {
    await go(`${base}/caisse`);
    await page.getByLabel('Billets de 20 €', { exact: true }).fill('2');
    expect(plainSpaces(await page.locator('[data-cash-total]').innerText())).toContain('différence avec le solde 530 : -10,00 €');
    await page.getByLabel('Billets de 10 €', { exact: true }).fill('1');
    expect(await page.locator('[data-cash-total]').innerText()).toContain('conforme au solde du compte 530');
    await page.getByRole('button', { name: "Enregistrer l'arrêté de caisse" }).click();
    // One truth after saving: the flash says what was recorded, the status whether it matches 530.
    expect(await flash()).toContain('est enregistré : 50,00');
    expect(await page.locator('[data-cash-status]').innerText()).toContain('correspond au solde du compte 530');
    expect(await page.locator('.alert--warning', { hasText: 'ne correspond pas' }).count()).toBe(0);
    await shot('cash');
  });

  it('fills the subsidies table and gets the congratulation', async () => {
    await go(`${base}/subventions`);
    await page.getByLabel('Origine, ligne 1').fill('Mairie');
    await page.getByLabel('Montant en euros, ligne 1').fill('500');
    await page.getByLabel('Date de rattachement (jj/mm/aaaa), ligne 1').fill('2026-01-12');
    await page.getByLabel('Désignation, ligne 1').fill('Projets de la coopérative scolaire');
    await page.getByRole('button', { name: 'Enregistrer et recalculer' }).click();
    expect(await page.locator('main').innerText()).toContain('Bravo ! Le total des montants correspond au compte 741.');
    await shot('subsidies');
  });

  it('has the August statement: its balance agrees with the books once the items not on it are set aside', async () => {
    const { notebook } = await t.app.get(LedgerReads).year('C14500', 2025);
    const closingBalance = expectedStatementBalance(bankReconciliationOf(notebook, '2026-08-31', '2026-11-27'));
    await t.app
      .get(ProjectedCommandBus)
      .execute(
        new ExecuteLedgerCommand('C14500', 2025, { type: 'DeclareStatement', statementId: 'aout', date: '2026-08-31', closingBalance }, commandContext(SYSTEM)),
      );
  });

  it('reads the checklist and closes the year from the mauve box, after confirming', async () => {
    await go(`${base}/cloture`);
    expect(await page.locator('.page-closing-box h2').innerText()).toBe('La clôture est possible');
    await shot('closing');
    await page.getByRole('link', { name: "Clore l'exercice 2025-2026…" }).click();
    await page.getByRole('button', { name: 'Confirmer la clôture' }).click();
    expect(await flash()).toContain("L'exercice 2025-2026 est clôturé.");
    await go(`${base}/cahier`);
    expect(await page.getByRole('button', { name: "Ajouter l'écriture" }).count()).toBe(0);
  });

  it('shows a closed year as "clôturé", with no "Nouvelle écriture" and no blank form', async () => {
    await go(base);
    expect(await page.locator('.site-header__year').innerText()).toContain('clôturé');
    const nav = page.getByRole('navigation', { name: 'Navigation principale' });
    expect(await nav.getByRole('link', { name: 'Nouvelle écriture' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: "Création d'une écriture comptable" }).count()).toBe(0);
    await go(`${base}/ecritures/nouvelle`);
    expect(await page.locator('main').innerText()).toContain('Cet exercice est clôturé');
    expect(await page.locator('main form').count()).toBe(0);
    await go(`${base}/ventilation`);
    expect(await page.locator('#f-label').count()).toBe(0);
    // The next year is open: there the nav offers a new entry again.
    await page.getByRole('navigation', { name: "Changer d'exercice" }).getByRole('link', { name: '2026-2027' }).click();
    expect(await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Nouvelle écriture' }).count()).toBe(1);
  });

  it('downloads the notebook as a real PDF with the labels and French amounts', async () => {
    const res = await page.request.get(`${origin}/api${base}/print.pdf`);
    expect(res.status()).toBe(200);
    const pdf = await res.body();
    expect(pdf.subarray(0, 4).toString('latin1')).toBe('%PDF');
    const text = plainSpaces(pdfText(pdf));
    // Narrow columns wrap long labels: check words that stay on one line.
    expect(text).toContain('Photographe');
    expect(text).toContain('233,00');
    expect(text).toContain('Solde banque : 1 543,84 € — Solde caisse : 50,00 €');
  });

  const YEAR_PAGES = [
    '',
    '/cahier',
    '/ecritures/nouvelle',
    '/ventilation',
    '/caisse',
    '/subventions',
    '/inventaire',
    '/regies',
    '/ouverture',
    '/cloture',
    '/crf',
    '/cra',
    '/actions',
    '/aide',
  ];

  it('visits every page of an open and a closed year at 1280×800', async () => {
    for (const path of YEAR_PAGES) {
      await go(`${next}${path}`);
      expect(await page.locator('h1').count()).toBe(1);
      await go(`${base}${path}`);
    }
    await go('/coops/C14500/archives');
  });

  it('fits a phone (390×844): no sideways scroll of the page, a compact header', async () => {
    await page.setViewportSize(PHONE);
    const wide: string[] = [];
    for (const path of [...YEAR_PAGES, '/cahier?vue=liste']) {
      for (const year of [next, base]) {
        await go(`${year}${path}`);
        if ((await pageWidth()) > PHONE.width) wide.push(`${year}${path}: ${await pageWidth()} px`);
      }
    }
    expect(wide).toEqual([]);
    await go(`${next}/ecritures/nouvelle`);
    expect((await page.locator('.site-header').boundingBox())!.height).toBeLessThanOrEqual(130);
    await shot('portrait');
    await go(next);
    await shot('home');
    await go(`${base}/cahier?vue=liste`);
    await shot('list');
    await page.setViewportSize(DESKTOP);
  });

  it('passes axe-core on every page of the walk: no serious or critical violation', async () => {
    await audit();
    expect(axe.audited.size).toBeGreaterThan(50);
    expect(axe.violations).toEqual([]);
  });
});
