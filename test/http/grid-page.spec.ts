import { ProjectedCommandBus } from '../../src/commands/projected-command-bus';
import { commandContext, SYSTEM } from '../../src/commands/command-context';
import { RegisterCoop } from '../../src/commands/coop.commands';
import { UserDirectory } from '../../src/users/user-directory';
import { type Agent, startTestApp, type TestApp } from '../support/app';

/**
 * The classic grid's columns (#16 item 6): the accounts the year uses, those asked for, or all of
 * them (`?comptes=tous`, kept by the grid's links and forms); an account not shown is still one
 * select away on the row being typed.
 */
describe('the classic grid shows the accounts the year uses', () => {
  let t: TestApp;
  let owner: Agent;
  const base = '/coops/C14310/years/2025';
  const PASSWORD = 'un mot de passe solide';

  /** A page's HTML, its attributes' entities read back (handlebars writes `=` as `&#x3D;`). */
  const html = async (url: string) => {
    const res = await owner.agent.get(url).set('Accept', 'text/html').expect(200);
    return res.text
      .replace(/&#x3D;/g, '=')
      .replace(/&#x27;/g, "'")
      .replace(/&amp;/g, '&');
  };
  const post = (url: string, body: Record<string, string | string[]>) =>
    owner.agent
      .post(url)
      .set('Accept', 'text/html')
      .type('form')
      .send({ _csrf: owner.csrf, ...body });
  /** The account codes heading the grid's columns, in order. */
  const accountColumns = (page: string) => [...page.matchAll(/<span class="page-col__code">(\w+)<\/span>/g)].map((m) => m[1]);

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-11-27T10:00:00Z' });
    await t.app.get(ProjectedCommandBus).execute(
      new RegisterCoop(
        {
          type: 'RegisterCoop',
          coopId: 'C14310',
          department: '14',
          firstYear: 2025,
          identity: { name: 'Coopérative des Marronniers', mandataires: ['Claire Martin'] },
        },
        commandContext(SYSTEM),
      ),
    );
    await t.app.get(UserDirectory).create({ username: 'marronniers', password: PASSWORD, role: 'mandataire', coopId: 'C14310', department: '14' });
    owner = await t.login('marronniers', PASSWORD);
    await owner.post(`/api${base}/opening`, { bank: 100000, cash: 0, date: '2025-09-01' }).expect(201);
    for (const [pj, account, side] of [
      ['01', '7070', 'credit'],
      ['02', '6070', 'debit'],
    ] as const) {
      await owner
        .post(`/api${base}/entries`, {
          pj,
          date: '2025-10-10',
          label: `Écriture ${pj}`,
          lines: [
            { account: '512', [side === 'credit' ? 'debit' : 'credit']: 32000 },
            { account, [side]: 32000 },
          ],
        })
        .expect(201);
    }
  });
  afterAll(() => t.close());

  it('given entries on 7070 and 6070, shows those two account columns only, and says how many are hidden', async () => {
    const page = await html(`${base}/cahier`);
    expect(accountColumns(page)).toEqual(['6070', '7070']);
    expect(page).toContain("Comptes affichés : 2 sur 15, ceux qu'utilise l'exercice.");
    expect(page).toContain(`href="${base}/cahier?ordre=date&comptes=tous">Afficher tous les comptes</a>`);
    // The treasury and advance columns are always there.
    for (const column of ['Banque – recettes', 'Caisse – dépenses', "Régie d'avance versée"]) expect(page).toContain(column);
    // The row being typed can still take any other account.
    expect(page).toMatch(/<select id="new-row-otherAccount" name="otherAccount" form="new-row">[\s\S]*<option value="7410">7410 – Subventions/);
  });

  it('shows every account of the chart on asking, and keeps asking through the order, the edit link, the pointage and the row forms', async () => {
    const page = await html(`${base}/cahier?ordre=pj&comptes=tous`);
    expect(accountColumns(page)).toHaveLength(15);
    expect(page).toContain("N'afficher que les comptes utilisés</a>");
    expect(page).toContain('<input type="hidden" name="comptes" value="tous">');
    expect(page).toMatch(/href="[^"]*\/cahier\?ordre=pj&comptes=tous&modifier=[^"#]+#e-/);
    expect(page).toMatch(/name="return" value="[^"]*\/cahier\?ordre=pj&comptes=tous#e-/);
    // Every account shown: no "Autre compte" to choose from.
    expect(page).not.toContain('id="new-row-otherAccount"');
  });

  it('adds the columns asked for (?compte=7410) to the used ones', async () => {
    const page = await html(`${base}/cahier?compte=7410`);
    expect(accountColumns(page)).toEqual(['6070', '7070', '7410']);
    expect(page).toContain("Comptes affichés : 3 sur 15, ceux qu'utilise l'exercice et ceux demandés.");
    expect(page).toContain('<input type="hidden" name="compte" value="7410">');
  });

  it('records an amount on an account not shown through "Autre compte", then back to the grid as it was shown', async () => {
    const saved = await post(`${base}/cahier`, {
      pj: '03',
      date: '2026-01-12',
      label: 'Mairie – Subvention',
      c_bankIn: '500',
      otherAccount: '7410',
      otherAmount: '500',
      compte: '7580',
    }).expect(303);
    expect(saved.headers.location).toMatch(new RegExp(`^${base}/cahier\\?compte=7580&joindre=[^#]+#e-`));
    const grid = await owner.get(`/api${base}/grid`).expect(200);
    expect(grid.body.rows.find((r: { pj: string }) => r.pj === '03').lines).toEqual([
      { account: '512', debit: 50000 },
      { account: '7410', credit: 50000 },
    ]);
    expect(accountColumns(await html(`${base}/cahier`))).toEqual(['6070', '7070', '7410']);
  });

  it('refuses an amount in "Autre compte" with no account, and a refused row shows the column it typed into', async () => {
    const noAccount = await post(`${base}/cahier`, { pj: '04', date: '2026-01-13', label: 'Dons', c_bankIn: '20', otherAmount: '20' }).expect(400);
    expect(noAccount.text).toContain('Choisissez le compte de ce montant.');
    expect(noAccount.text).toContain('id="new-row-otherAmount" name="otherAmount" form="new-row" type="text" value="20"');

    const unbalanced = await post(`${base}/cahier`, {
      pj: '04',
      date: '2026-01-13',
      label: 'Dons',
      c_bankIn: '20',
      otherAccount: '7580',
      otherAmount: '15',
    }).expect(400);
    expect(unbalanced.text).toContain('Reste à ventiler : 5,00');
    expect(accountColumns(unbalanced.text)).toEqual(['6070', '7070', '7410', '7580']);
    expect(unbalanced.text).toContain('id="new-row-7580" name="c_7580" form="new-row" type="text" value="15"');
  });
});
