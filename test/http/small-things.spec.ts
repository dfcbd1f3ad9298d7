import { type Agent, startTestApp, type TestApp } from '../support/app';

/** Issue #29.15's small things that a page says (the browser checks the rest in test/e2e/walk.spec.ts). */
describe('small things of the walk', () => {
  jest.setTimeout(60_000);
  let t: TestApp;
  let treasurer: Agent;
  let mandataire: Agent;
  const html = async (agent: Agent, url: string) => (await agent.agent.get(url).set('Accept', 'text/html').expect(200)).text.replace(/&#x27;/g, "'");

  beforeAll(async () => {
    t = await startTestApp({ demo: true });
    [treasurer, mandataire] = await t.loginDemo('tresorier14', 'jferry');
  });
  afterAll(() => t.close());

  it("a closed year's board row says it is closed, not 'Clôture possible : non'", async () => {
    const board = await html(treasurer, '/departements/14/annees/2025/tableau');
    const row = board.slice(board.indexOf('C14001 ·'));
    const cells = [...row.slice(0, row.indexOf('</tr>')).matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) => m[1].trim());
    expect(cells[1]).toBe('sans objet (clôturé)');
    const csv = (await treasurer.get('/api/departments/14/years/2025/board.csv').expect(200)).text;
    expect(csv).toContain(';sans objet (clôturé);');
  });

  it('the "Bravo" of the subsidies is not a banner of the dashboard', async () => {
    // The demo's 2025-2026 subsidies table matches account 741: the subsidies page congratulates, the home does not.
    expect(await html(mandataire, '/coops/C14001/years/2025/subventions')).toContain('Le total des montants correspond au compte 741');
    expect(await html(mandataire, '/coops/C14001/years/2025')).not.toContain('Bravo');
  });

  it('the picture of the current year stops at the current month', async () => {
    const home = await html(mandataire, '/coops/C14001/years/2026');
    // Today is 27/11/2026: September, October, November; no balance drawn for December to August.
    expect(home).toContain('novembre 2026 : solde de la banque');
    expect(home).not.toContain('décembre 2026 : solde de la banque');
  });
});

describe('#29.12 a pointed entry offers no delete, the reason in its place', () => {
  jest.setTimeout(60_000);
  let t: TestApp;
  let mandataire: Agent;
  const base = '/coops/C14001/years/2026';
  const html = async (url: string) => (await mandataire.agent.get(url).set('Accept', 'text/html').expect(200)).text.replace(/&#x27;/g, "'");

  beforeAll(async () => {
    t = await startTestApp({ demo: true });
    [mandataire] = await t.loginDemo('jferry');
  });
  afterAll(() => t.close());

  it('on the list, the grid and the entry page; its delete page says why instead of "Confirmer la suppression"', async () => {
    const entry = {
      pj: '90',
      date: '2026-10-02',
      label: 'Librairie – albums',
      lines: [
        { account: '6181', debit: 4500 },
        { account: '512', credit: 4500 },
      ],
    };
    const { entryId } = (await mandataire.post(`/api${base}/entries`, entry).expect(201)).body;
    await mandataire.post(`/api${base}/entries/${entryId}/reconciliation`, {}).expect(200);
    const deleteLink = `href="${base}/ecritures/${entryId}/suppression"`;
    for (const page of [`${base}/ventilation`, `${base}/cahier`, `${base}/ecritures/${entryId}`, `${base}/cahier?vue=liste`]) {
      const text = await html(page);
      expect(text).not.toContain(deleteLink);
      expect(text).toMatch(/dépointez(-la)? (l'écriture n° 90 )?pour la supprimer/);
    }
    const confirm = await html(`${base}/ecritures/${entryId}/suppression`);
    expect(confirm).not.toContain('Confirmer la suppression');
    expect(confirm).toContain('Cette écriture est pointée');
  });
});

describe('#29.9 a PJ that differs from another only by leading zeros', () => {
  jest.setTimeout(60_000);
  let t: TestApp;
  let mandataire: Agent;
  const base = '/coops/C14001/years/2026';

  beforeAll(async () => {
    t = await startTestApp({ demo: true });
    [mandataire] = await t.loginDemo('jferry');
  });
  afterAll(() => t.close());

  it('is saved, with a warning naming the other', async () => {
    const pjs = (await mandataire.get(`/api${base}/grid`).expect(200)).body.rows.map((r: { pj: string }) => r.pj);
    expect(pjs).toContain('01');
    const saved = await mandataire.agent
      .post(`${base}/ventilation`)
      .set('Accept', 'text/html')
      .type('form')
      .send({ _csrf: mandataire.csrf, pj: '1', date: '2026-10-03', label: 'Papeterie', treasury: '512', direction: 'depense', amount: '12', account: '6181' })
      .expect(303);
    const next = await mandataire.agent.get(saved.headers.location).set('Accept', 'text/html').expect(200);
    expect(next.text.replace(/&#x27;/g, "'")).toContain(
      "Attention : le n° de PJ 1 ne diffère du n° 01, déjà utilisé, que par des zéros. Vérifiez qu'il ne s'agit pas de la même pièce.",
    );
    expect((await mandataire.get(`/api${base}/grid`).expect(200)).body.rows.map((r: { pj: string }) => r.pj)).toContain('1');
  });
});

describe('#29.10 the inventory form says every error at once, with a summary on top', () => {
  jest.setTimeout(60_000);
  let t: TestApp;
  let mandataire: Agent;

  beforeAll(async () => {
    t = await startTestApp({ demo: true });
    [mandataire] = await t.loginDemo('jferry');
  });
  afterAll(() => t.close());

  it('designation, date, quantity and value together, nothing typed lost', async () => {
    const res = await mandataire.agent
      .post('/coops/C14001/years/2026/inventaire')
      .set('Accept', 'text/html')
      .type('form')
      .send({ _csrf: mandataire.csrf, designation: '', acquiredOn: '', quantity: 'deux', value: '12,345', pj: '07' })
      .expect(400);
    const text = res.text.replace(/&#x27;/g, "'").replace(/&quot;/g, '"');
    const messages = [...text.matchAll(/<p class="field__error" id="([^"]+)-error">([^<]+)<\/p>/g)].map((m) => m[1]);
    expect(messages).toEqual(['f-designation', 'f-acquiredOn', 'f-quantity', 'f-value']);
    const summary = text.indexOf('id="form-error"');
    expect(summary).toBeGreaterThan(0);
    expect(summary).toBeLessThan(text.indexOf('f-designation-error'));
    expect(text.slice(summary, text.indexOf('</div>', summary))).toContain('La désignation du bien est obligatoire.');
    expect(text).toContain('value="deux"');
    expect(text).toContain('value="07"');
  });
});
