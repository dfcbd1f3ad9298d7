import { type Agent, startTestApp, type TestApp } from '../support/app';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

/**
 * Issue #29.3: the mandataire lands on the current year (2026-2027 on the demo's 27/11/2026); its
 * home lists what is pending on the closed 2025-2026 — the quitus, the dossier late since
 * 30/09/2026 — and, once the AD returns the dossier, that it was returned and why.
 */
describe('the home lists what is pending on every year', () => {
  jest.setTimeout(60_000);
  let t: TestApp;
  let mandataire: Agent;
  let treasurer: Agent;
  const closed = '/api/coops/C14001/years/2025';
  const home = async () => {
    const landing = await mandataire.agent.get('/').set('Accept', 'text/html').expect(303);
    expect(landing.headers.location).toBe('/coops/C14001/years/2026');
    const page = await mandataire.agent.get(landing.headers.location).set('Accept', 'text/html').expect(200);
    const start = page.text.indexOf('page-pending');
    return start < 0
      ? ''
      : page.text
          .slice(start, page.text.indexOf('</div>', start))
          .replace(/&#x27;/g, "'")
          .replace(/&quot;/g, '"');
  };

  beforeAll(async () => {
    t = await startTestApp({ demo: true });
    [mandataire, treasurer] = await t.loginDemo('jferry', 'tresorier14');
  });
  afterAll(() => t.close());

  it('says the missing quitus and the late dossier of 2025-2026 on 2026-2027', async () => {
    const pending = await home();
    expect(pending).toContain('Exercice 2025-2026 : il reste à faire');
    expect(pending).toContain("Le quitus de l'exercice 2025-2026 manque");
    expect(pending).toContain('href="/coops/C14001/years/2025/quitus"');
    expect(pending).toContain("Le bilan 2025-2026 n'est pas envoyé à l'association départementale : il est en retard depuis le 30/09/2026.");
    expect(pending).toContain('href="/coops/C14001/years/2025/depot"');
  });

  it('says a returned dossier and why, until it is sent again', async () => {
    for (const [name, quality] of [
      ['Élodie Durand', 'parent'],
      ['Marc Petit', 'enseignant'],
    ]) {
      const { code } = (await mandataire.post(`${closed}/quitus/invitations`, { name, quality }).expect(201)).body;
      await t.anonymous().post(`/api/quitus/${code}`).send({ decision: 'quitus' }).expect(200);
    }
    const attach = (kind: string, index?: number) => {
      let req = mandataire.agent.post(`${closed}/submission/documents`).set('X-CSRF-Token', mandataire.csrf).field('kind', kind);
      if (index !== undefined) req = req.field('subsidyIndex', String(index));
      return req.attach('file', PDF, `${kind}.pdf`).expect(201);
    };
    await attach('statement');
    const rows = (await mandataire.get(`${closed}/crf`).expect(200)).body.subsidies.rows.length;
    for (let i = 0; i < rows; i++) await attach('subsidy', i);
    await mandataire.post(`${closed}/submission`).expect(201);
    expect(await home()).toBe('');
    await treasurer
      .post('/api/departments/14/coops/C14001/years/2025/submission/decision', { decision: 'return', reason: 'Le relevé est illisible' })
      .expect(200);
    const pending = await home();
    expect(pending).toContain("Le dossier 2025-2026 a été renvoyé par l'association départementale : « Le relevé est illisible ».");
  });
});
