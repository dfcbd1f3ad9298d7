import { startTestApp, type TestApp } from '../support/app';

/** API.md "People and access": personal mandataires, several per coop, and the handover. */
describe('personal mandataires: the AD appoints them and ends a mandate', () => {
  jest.setTimeout(90_000);
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ demo: true });
  });
  afterAll(() => t.close());

  const history = async (): Promise<Array<{ type: string; data: Record<string, unknown>; metadata: { actor: string } }>> => {
    const [auditor] = await t.loginDemo('verif14');
    return (await auditor.get('/api/coops/C14001/history').expect(200)).body.events;
  };

  it("the demo coop has two mandataires, each with a name and an e-mail, readable by them and the coop's readers", async () => {
    const [claire, treasurer, other] = await t.loginDemo('jferry', 'tresorier14', 'tilleuls');
    const res = await claire.get('/api/coops/C14001/mandataires').expect(200);
    expect(res.body).toEqual([
      { username: 'jferry', name: 'Claire Martin', email: 'claire.martin@ecole-jules-ferry.example', since: '2025-09-01', until: null },
      { username: 'mdurand', name: 'Marc Durand', email: 'marc.durand@ecole-jules-ferry.example', since: '2026-11-27', until: null },
    ]);
    await treasurer.get('/api/coops/C14001/mandataires').expect(200);
    await other.get('/api/coops/C14001/mandataires').expect(404);
    await claire
      .post('/api/coops/C14001/mandataires', { username: 'x', name: 'X', email: 'x@example.org', password: 'une longue phrase de passe' })
      .expect(403);
  });

  it('the treasurer appoints a new mandataire: a login of their own, the appointment on the coop stream, what they record carries their login', async () => {
    const [treasurer] = await t.loginDemo('tresorier14');
    await treasurer
      .post('/api/coops/C14001/mandataires', { username: 'lpetit', name: 'Léa Petit', email: 'Lea.Petit@example.org', password: 'une longue phrase de passe' })
      .expect(201);
    const refused = await treasurer.post('/api/coops/C14001/mandataires', { username: 'lpetit', name: '', email: 'nope', password: 'court' }).expect(400);
    expect(Object.keys(refused.body.fields).sort()).toEqual(['email', 'name', 'password', 'username']);

    const lea = await t.login('lpetit', 'une longue phrase de passe');
    await lea
      .post('/api/coops/C14001/years/2026/entries', {
        pj: '90',
        date: '2026-11-20',
        label: 'Vente de gâteaux',
        lines: [
          { account: '530', debit: 4500 },
          { account: '7070', credit: 4500 },
        ],
      })
      .expect(201);
    const events = await history();
    expect(events.find((e) => e.type === 'MandataireAppointed' && e.data.username === 'lpetit')).toMatchObject({
      data: { name: 'Léa Petit', email: 'lea.petit@example.org', since: '2026-11-27' },
      metadata: { actor: 'tresorier14' },
    });
    expect(events.find((e) => e.type === 'EntryRecorded' && (e.data as { pj?: string }).pj === '90')?.metadata.actor).toBe('lpetit');
  });

  it("ending a mandate today cuts the login's access at once: its open session finds the coop absent", async () => {
    const [treasurer, marc] = await t.loginDemo('tresorier14', 'mdurand');
    await marc.get('/api/coops/C14001/years/2026/grid').expect(200);
    await treasurer.post('/api/coops/C14001/mandataires/mdurand/end', {}).expect(200);
    await marc.get('/api/coops/C14001/years/2026/grid').expect(404);
    expect((await marc.get('/api/session').expect(200)).body.user.coopId).toBeUndefined();
    expect((await marc.get('/').redirects(0)).text).toContain('Votre mandat a pris fin le 27/11/2026');
    await treasurer.post('/api/coops/C14001/mandataires/mdurand/end', {}).expect(409);
    const listed = (await treasurer.get('/api/coops/C14001/mandataires').expect(200)).body;
    expect(listed.find((m: { username: string }) => m.username === 'mdurand').until).toBe('2026-11-27');
    const handover = (await history()).find((e) => e.type === 'MandateEnded');
    expect(handover).toMatchObject({ data: { username: 'mdurand', until: '2026-11-27' }, metadata: { actor: 'tresorier14' } });
    const page = await treasurer.get('/departements/14/cooperatives/C14001').expect(200);
    expect(page.text).toContain('Marc Durand');
    expect(page.text).toContain('terminé');
    const auditPage = await (await t.loginDemo('verif14'))[0].get('/audit/coops/C14001/historique').expect(200);
    expect(auditPage.text).toContain('Fin de mandat');
  });

  it('a mandate ended from a later date keeps access until that day', async () => {
    const [treasurer] = await t.loginDemo('tresorier14');
    const lea = await t.login('lpetit', 'une longue phrase de passe');
    await treasurer.post('/api/coops/C14001/mandataires/lpetit/end', { date: '2026-12-01' }).expect(200);
    await treasurer.post('/api/coops/C14001/mandataires/nobody/end', {}).expect(404);
    await lea.get('/api/coops/C14001/years/2026/grid').expect(200);
    t.clock.set('2026-12-01T08:00:00Z');
    try {
      // A login of that day (an older session has timed out meanwhile) finds the coop absent.
      const later = await t.login('lpetit', 'une longue phrase de passe');
      const res = await later.get('/api/coops/C14001/years/2026/grid');
      expect([res.status, res.body]).toEqual([404, expect.anything()]);
    } finally {
      t.clock.set('2026-11-27T10:00:00Z');
    }
  });
});
