import { type Agent, startTestApp, type TestApp } from '../support/app';

/** The cahier's pointage: "non pointées seulement" kept across views, and the click a script sends without reloading the page. */
describe('pointage in the cahier', () => {
  let t: TestApp;
  let jferry: Agent;
  const base = '/coops/C14001/years/2026';
  const ids = { cotisation: 'C14001_2026_e01', regie: 'C14001_2026_e02', photos: 'C14001_2026_e03', photographe: 'C14001_2026_e04', cahier: 'C14001_2026_e05' };

  beforeAll(async () => {
    t = await startTestApp({ demo: true, now: '2026-11-27T10:00:00Z' });
    [jferry] = await t.loginDemo('jferry');
  });
  afterAll(() => t.close());

  // Handlebars writes ' = & as entities: the page's text as a browser reads it.
  const page = async (path: string) =>
    (await jferry.get(`${base}${path}`).expect(200)).text
      .replace(/&#x27;/g, "'")
      .replace(/&#x3D;/g, '=')
      .replace(/&amp;/g, '&');
  const rowsOf = (html: string) => [...html.matchAll(/<tr id="e-([^"]+)"/g)].map((m) => m[1]);
  const click = (path: string, accept?: string) => {
    const req = jferry.agent.post(`${base}${path}`).type('form');
    if (accept) req.set('Accept', accept);
    return req.send({ _csrf: jferry.csrf, return: `${base}/cahier?ordre=date&pointage=non` });
  };

  it('"non pointées seulement" keeps the bank entries no statement has shown, in the grid and in the list, and says what they add up to', async () => {
    const all = await page('/cahier');
    expect(rowsOf(all)).toEqual(Object.values(ids));
    expect(all).toMatch(/Non pointées : 3 écritures en banque — recettes 320,00.€, dépenses 470,00.€\./);
    const grid = await page('/cahier?pointage=non');
    expect(rowsOf(grid)).toEqual([ids.regie, ids.photos, ids.photographe]);
    expect(grid).toContain('name="pointage" value="non" checked');
    expect(grid).toContain(`href="${base}/cahier?vue=liste&ordre=date&pointage=non"`);
    expect(grid).toContain(`value="${base}/cahier?ordre=date&pointage=non#e-${ids.photos}"`);
    const list = await page('/cahier?vue=liste&ordre=date&pointage=non');
    expect(rowsOf(list)).toEqual([ids.regie, ids.photos, ids.photographe]);
    expect(list).toContain(`href="${base}/cahier?ordre=date&pointage=non"`);
    expect(list).toContain('Toutes les écritures');
  });

  it('a script asking for JSON gets the message, the entry pointed and the new totals; the page stays', async () => {
    const answer = await click(`/ecritures/${ids.photos}/pointage`, 'application/json').expect(200);
    expect(answer.body).toEqual({
      ok: true,
      message: "L'écriture n° 03 est pointée.",
      reconciled: true,
      summary: expect.stringMatching(/^Non pointées : 2 écritures en banque — recettes 0,00.€, dépenses 470,00.€\.$/),
    });
    expect(rowsOf(await page('/cahier?pointage=non'))).toEqual([ids.regie, ids.photographe]);
    const undone = await click(`/ecritures/${ids.photos}/depointage`, 'application/json').expect(200);
    expect(undone.body).toMatchObject({ ok: true, message: "L'écriture n° 03 n'est plus pointée.", reconciled: false });
  });

  it('a refusal comes back as JSON too, with its French message', async () => {
    const refused = await click(`/ecritures/${ids.cahier}/pointage`, 'application/json').expect(400);
    expect(refused.body).toEqual({ ok: false, message: expect.stringContaining('512') });
  });

  it('without the script the form posts and comes back to the filtered cahier', async () => {
    const res = await click(`/ecritures/${ids.photographe}/pointage`, 'text/html,application/xhtml+xml,*/*;q=0.8').expect(303);
    expect(res.headers.location).toBe(`${base}/cahier?ordre=date&pointage=non`);
    expect(await page('/cahier?pointage=non')).toContain("L'écriture n° 04 est pointée.");
  });

  it('an amendment that un-reconciles an entry says so after the save, and why', async () => {
    const amend = (fields: Record<string, string>) =>
      jferry.agent
        .post(`${base}/cahier/${ids.cotisation}`)
        .type('form')
        .send({
          _csrf: jferry.csrf,
          pj: '01',
          label: "OCCE 14 – Cotisation et assurance de l'année",
          chequeNo: '1569001',
          c_bankOut: '233',
          c_6586: '212',
          c_6168: '21',
          ...fields,
        })
        .expect(303);
    // Pointed by hand on the statement of 30/09/2026: dated after it, it cannot have been on it.
    await amend({ expectedRevision: '1', date: '2026-10-02' });
    expect(await page('/cahier')).toContain(
      "L'écriture n° 01 n'est plus pointée : sa date est maintenant après celle du relevé qui l'a montrée (30/09/2026). Pointez-la à nouveau sur le relevé qui la montre.",
    );
    await click(`/ecritures/${ids.cotisation}/pointage`).expect(303);
    await amend({ expectedRevision: '2', date: '2026-10-02', c_bankOut: '240', c_6168: '28' });
    expect(await page('/cahier')).toMatch(/L'écriture n° 01 n'est plus pointée : son montant en banque a changé \(-233,00.€ → -240,00.€\)\./);
  });
});
