import { ProjectedCommandBus } from '../../src/commands/projected-command-bus';
import { commandContext, SYSTEM } from '../../src/commands/command-context';
import { RegisterCoop } from '../../src/commands/coop.commands';
import { UserDirectory } from '../../src/users/user-directory';
import { type Agent, startTestApp, type TestApp } from '../support/app';

/** As a browser sends a form: `lines[0][debit]=…`, with explicit indices. */
function encodeForm(body: Record<string, unknown>): string {
  const pairs: string[] = [];
  const walk = (prefix: string, value: unknown): void => {
    if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) walk(prefix ? `${prefix}[${k}]` : k, v);
    } else pairs.push(`${encodeURIComponent(prefix)}=${encodeURIComponent(String(value ?? ''))}`);
  };
  walk('', body);
  return pairs.join('&');
}

/**
 * The mandataire's pages on the real app: every page answers its owner, is absent (404) for
 * another coop, and a refused form comes back with the input kept and the message under its field.
 */
describe('mandataire pages', () => {
  let t: TestApp;
  let owner: Agent;
  let stranger: Agent;
  const base = '/coops/C14300/years/2025';
  const PASSWORD = 'un mot de passe solide';

  const html = (agent: Agent, url: string) => agent.agent.get(url).set('Accept', 'text/html');
  const form = (agent: Agent, url: string, body: Record<string, unknown>) =>
    agent.agent
      .post(url)
      .set('Accept', 'text/html')
      .type('form')
      .send(encodeForm({ _csrf: agent.csrf, ...body }));

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-11-27T10:00:00Z' });
    const bus = t.app.get(ProjectedCommandBus);
    for (const [coopId, name] of [
      ['C14300', "Coopérative de l'école des Tilleuls"],
      ['C14301', 'Coopérative du Château'],
    ]) {
      await bus.execute(
        new RegisterCoop(
          { type: 'RegisterCoop', coopId, department: '14', firstYear: 2025, identity: { name, mandataires: ['Claire Martin'] } },
          commandContext(SYSTEM),
        ),
      );
    }
    const users = t.app.get(UserDirectory);
    await users.create({ username: 'tilleuls300', password: PASSWORD, role: 'mandataire', coopId: 'C14300', department: '14' });
    await users.create({ username: 'chateau301', password: PASSWORD, role: 'mandataire', coopId: 'C14301', department: '14' });
    owner = await t.login('tilleuls300', PASSWORD);
    stranger = await t.login('chateau301', PASSWORD);
    // One entry of each kind so that every per-entry page has something to show.
    await owner.post(`/api${base}/opening`, { bank: 140184, cash: 5000, date: '2025-09-01' }).expect(201);
    await owner
      .post(`/api${base}/entries`, {
        pj: '01',
        date: '2025-10-10',
        label: 'Ventes de photos scolaires aux familles',
        actionA: 'Photos',
        lines: [
          { account: '512', debit: 32000 },
          { account: '7070', credit: 32000 },
        ],
      })
      .expect(201);
  });
  afterAll(() => t.close());

  const entryId = async (pj: string): Promise<string> => {
    const grid = await owner.get(`/api${base}/grid`).expect(200);
    const row = grid.body.rows.find((r: { pj: string }) => r.pj === pj);
    if (!row) throw new Error(`no entry ${pj}`);
    return row.entryId;
  };

  it('sends a mandataire from / to the oldest year of their coop still open (2025-2026 is not closed yet)', async () => {
    const res = await html(owner, '/').expect(303);
    expect(res.headers.location).toBe('/coops/C14300/years/2025');
    const coop = await html(owner, '/coops/C14300').expect(303);
    expect(coop.headers.location).toBe('/coops/C14300/years/2025');
  });

  it('answers every page to its owner and hides it (404) from another coop', async () => {
    const id = await entryId('01');
    const pages = [
      base,
      `${base}/cahier`,
      `${base}/cahier?ordre=pj`,
      `${base}/cahier?modifier=${id}`,
      `${base}/ventilation`,
      `${base}/ventilation?modifier=${id}`,
      `${base}/ecritures/nouvelle`,
      `${base}/ecritures/${id}`,
      `${base}/ecritures/${id}/suppression`,
      `${base}/ecritures/${id}/duplication`,
      `${base}/caisse`,
      `${base}/subventions`,
      `${base}/inventaire`,
      `${base}/regies`,
      `${base}/ouverture`,
      `${base}/actions`,
      `${base}/actions/Photos`,
      `${base}/crf`,
      `${base}/cra`,
      `${base}/cloture`,
      `${base}/aide`,
      '/coops/C14300/archives',
      '/coops/C14300/annees-civiles/2026',
    ];
    for (const url of pages) {
      const res = await html(owner, url);
      expect({ url, status: res.status }).toEqual({ url, status: 200 });
      expect(res.text).toContain('<html lang="fr">');
      const other = await html(stranger, url);
      expect({ url, status: other.status }).toEqual({ url, status: 404 });
    }
  });

  it('shows the home page with the three input modes, the picture of the year and the warnings banner', async () => {
    const res = await html(owner, base).expect(200);
    expect(res.text).toContain("Création d'une écriture comptable");
    expect(res.text).toContain('Ventilation automatique');
    expect(res.text).toContain('Visualisation classique');
    expect(res.text).toContain('<svg');
    expect(res.text).toContain('/assets/pages.js');
  });

  it('answers 404 for an entry that does not exist and a year out of range, never 500', async () => {
    await html(owner, `${base}/ecritures/nope`).expect(404);
    await html(owner, '/coops/C14300/years/1999').expect(404);
    await html(owner, '/coops/C14300/years/abcd/cahier').expect(404);
  });

  it('keeps the input of a refused portrait form and shows each message under its field', async () => {
    const res = await form(owner, `${base}/ecritures`, {
      pj: '01',
      date: '25/04/2026',
      label: '',
      chequeNo: '1568965',
      lines: [
        { account: '6070', debit: '3 20,x' },
        { account: '512', credit: '320' },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('value="1568965"');
    expect(res.text).toContain('value="2026-04-25"');
    expect(res.text).toMatch(/id="f-pj-error">Le n° de PJ « 01 » est déjà utilisé dans cet exercice\./);
    expect(res.text).toMatch(/aria-describedby="f-label-hint f-label-error"/);
    expect(res.text).toMatch(/id="f-label-error">Le libellé est obligatoire/);
    expect(res.text).toMatch(/id="line-0-debit-error">« 3 20,x » n&#x27;est pas un montant/);
    expect(res.text).toContain('value="3 20,x"');
  });

  it('records in the three modes and shows the entries in the grid', async () => {
    const portrait = await form(owner, `${base}/ecritures`, {
      pj: '02',
      date: '2025-09-20',
      label: 'OCCE 14 – Cotisation et assurance',
      chequeNo: '1568960',
      lines: [
        { account: '6586', debit: '212' },
        { account: '6168', debit: '21,00' },
        { account: '512', credit: '233' },
        { account: '', debit: '', credit: '' },
      ],
    });
    expect(portrait.status).toBe(303);
    const ventilation = await form(owner, `${base}/ventilation`, {
      pj: '03',
      date: '10/05/2026',
      label: 'Photographe Fact. n°199200 - Photos',
      treasury: '512',
      direction: 'depense',
      amount: '320,00',
      account: '6070',
      actionA: 'Photos',
    });
    expect(ventilation.status).toBe(303);
    const grid = await form(owner, `${base}/cahier`, { pj: '04', date: '2026-01-12', label: 'Mairie – Subvention', c_bankIn: '500', c_7410: '500' });
    expect(grid.status).toBe(303);
    const page = await html(owner, `${base}/cahier`).expect(200);
    expect(page.text).toContain('L&#x27;écriture n° 04 est enregistrée.');
    for (const label of ['OCCE 14 – Cotisation et assurance', 'Photographe Fact. n°199200 - Photos', 'Mairie – Subvention']) expect(page.text).toContain(label);
    const api = await owner.get(`/api${base}/grid`).expect(200);
    expect(api.body.balances.bank).toBe(140184 + 32000 - 23300 - 32000 + 50000);
  });

  it('refuses an unbalanced grid row with the difference in its own words (no debit/credit), input kept', async () => {
    const res = await form(owner, `${base}/cahier`, { pj: '05', date: '2026-02-01', label: 'Déséquilibre', c_bankIn: '100', c_7070: '90' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Reste à ventiler : 10,00');
    expect(res.text).not.toContain('les débits dépassent');
    expect(res.text).toContain('value="Déséquilibre"');
  });

  it('amends, explains a stale edit, duplicates, reconciles and deletes', async () => {
    const id = await entryId('04');
    const amend = await form(owner, `${base}/cahier/${id}`, {
      expectedRevision: '1',
      pj: '04',
      date: '2026-01-12',
      label: 'Mairie – Subvention 2026',
      c_bankIn: '500',
      c_7410: '500',
    });
    expect(amend.status).toBe(303);
    const stale = await form(owner, `${base}/ecritures/${id}`, {
      expectedRevision: '1',
      pj: '04',
      date: '2026-01-12',
      label: 'Trop tard',
      lines: [
        { account: '512', debit: '500' },
        { account: '7410', credit: '500' },
      ],
    });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('modifié');
    expect(stale.text).toContain('value="Trop tard"');

    const dup = await form(owner, `${base}/ecritures/${id}/duplication`, { pj: '06', date: '' });
    expect(dup.status).toBe(303);
    const dupId = await entryId('06');
    await form(owner, `${base}/ecritures/${dupId}/pointage`, { return: `${base}/cahier` }).expect(303);
    let grid = await owner.get(`/api${base}/grid`).expect(200);
    expect(grid.body.rows.find((r: { pj: string }) => r.pj === '06').reconciled).toBe(true);
    await form(owner, `${base}/ecritures/${dupId}/depointage`, { return: 'https://elsewhere.example/' }).expect(303);
    await form(owner, `${base}/ecritures/${dupId}/suppression`, {}).expect(303);
    grid = await owner.get(`/api${base}/grid`).expect(200);
    expect(grid.body.rows.map((r: { pj: string }) => r.pj)).not.toContain('06');
  });

  it('counts the cash, with the difference to 530, and refuses a count that is not a number', async () => {
    const bad = await form(owner, `${base}/caisse`, { date: '2026-06-30', n_100: 'deux' });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/id="count-100-error">Indiquez un nombre entier de pièces de 1 €/);
    expect(bad.text).toContain('value="deux"');
    await form(owner, `${base}/caisse`, { date: '2026-06-30', n_1000: '5' }).expect(303);
    const page = await html(owner, `${base}/caisse`).expect(200);
    expect(page.text).toContain('L&#x27;arrêté de caisse du 30/06/2026 est enregistré : 50,00');
    expect(page.text).toContain('correspond au solde du compte 530');
  });

  it('fills the subsidies table and congratulates when it matches 741', async () => {
    const bad = await form(owner, `${base}/subventions`, { rows: [{ origin: '', amount: '500', date: '2026-01-12', designation: 'Projets' }] });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/id="sub-0-origin-error">Indiquez l&#x27;origine/);
    await form(owner, `${base}/subventions`, {
      rows: [{ origin: 'Mairie', amount: '500,00', date: '12/01/2026', designation: 'Projets de la coopérative', attachedToExpenses: '0' }],
    }).expect(303);
    const page = await html(owner, `${base}/subventions`).expect(200);
    expect(page.text).toContain('Bravo ! Le total des montants correspond au compte 741.');
  });

  it('shows the closing checklist with links to fix each blocker', async () => {
    await form(owner, `${base}/caisse`, { date: '2026-06-30', n_1000: '4' }).expect(303);
    const page = await html(owner, `${base}/cloture`).expect(200);
    expect(page.text).toContain("La clôture n'est pas possible pour l'instant");
    expect(page.text).toContain(`href="${base}/caisse"`);
    expect(page.text).not.toContain('/cloture/confirmation');
    await html(owner, `${base}/cloture/confirmation`).expect(303);
  });

  it('refuses a change from another coop (404) and a form without its CSRF token (403)', async () => {
    await form(stranger, `${base}/ecritures`, { pj: '99', date: '2025-10-01', label: 'x' }).expect(404);
    await owner.agent.post(`${base}/ecritures`).set('Accept', 'text/html').type('form').send({ pj: '99' }).expect(403);
  });
});
