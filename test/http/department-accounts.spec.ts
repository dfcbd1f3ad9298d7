import type request from 'supertest';
import { type Agent, startTestApp, type TestApp } from '../support/app';
import { checkFec } from '../support/fec-check';

/** The body of a binary answer (supertest buffers only text by default). */
const binary = (res: request.Response, done: (error: Error | null, body: Buffer) => void): void => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};
const fileNameOf = (res: request.Response): string => /filename="([^"]+)"/.exec(String(res.headers['content-disposition']))?.[1] ?? '';

/** As a browser sends a form. */
const encodeForm = (body: Record<string, string>): string =>
  Object.entries(body)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');

describe("the department's accounts (API.md, Department accounts)", () => {
  let t: TestApp;
  let treasurer: Agent;
  let treasurer61: Agent;
  let auditor: Agent;

  const html = (agent: Agent, url: string) => agent.agent.get(url).set('Accept', 'text/html');
  const form = (agent: Agent, url: string, body: Record<string, string>) =>
    agent.agent
      .post(url)
      .set('Accept', 'text/html')
      .type('form')
      .send(encodeForm({ _csrf: agent.csrf, ...body }));

  beforeAll(async () => {
    t = await startTestApp({ demo: true });
    [treasurer, treasurer61, auditor] = await t.loginDemo('tresorier14', 'tresorier61', 'verif14');
  });
  afterAll(() => t.close());

  describe("the association's identity", () => {
    it('the demo departments have one', async () => {
      const { body } = await auditor.get('/api/departments/14/identity').expect(200);
      expect(body).toMatchObject({ department: '14', siren: '781430004', siret: '78143000400015', name: expect.stringContaining('OCCE 14') });
    });

    it('the treasurer changes it through the API; a bad SIREN is a 400 on its field, nothing stored', async () => {
      const bad = await treasurer61.put('/api/departments/61/identity', { name: 'OCCE 61', siren: '123456789', address: 'Alençon' }).expect(400);
      expect(bad.body).toMatchObject({ code: 'SIREN_INVALID', fields: { siren: expect.stringContaining('SIREN') } });
      expect((await treasurer61.get('/api/departments/61/identity').expect(200)).body.siren).toBe('781610001');
      const ok = await treasurer61.put('/api/departments/61/identity', { name: 'OCCE 61 Orne', siren: '781 610 001', address: 'Alençon' }).expect(200);
      expect(ok.body).toMatchObject({ name: 'OCCE 61 Orne', siren: '781610001', address: 'Alençon' });
      expect((await treasurer61.get('/api/departments/61/identity').expect(200)).body.name).toBe('OCCE 61 Orne');
    });

    it('an auditor reads it but may not change it; another department does not see it', async () => {
      await auditor.put('/api/departments/14/identity', { name: 'x', siren: '781430004', address: 'y' }).expect(403);
      await treasurer61.get('/api/departments/14/identity').expect(404);
    });

    it('the treasurer keeps it on a page; a mistake is shown next to its field and what was typed stays', async () => {
      const page = await html(treasurer, '/departements/14/association').expect(200);
      expect(page.text).toContain('781430004');
      const refused = await form(treasurer, '/departements/14/association', { name: 'OCCE 14', siren: '78143', siret: '', address: 'Caen' }).expect(400);
      expect(refused.text).toContain('Ce numéro SIREN n&#x27;est pas valide');
      expect(refused.text).toContain('value="78143"');
      const saved = await form(treasurer, '/departements/14/association', {
        name: 'OCCE 14 — Calvados',
        siren: '781430004',
        siret: '78143000400015',
        address: '12 rue de la Coopération\n14000 Caen',
      }).expect(303);
      const after = await html(treasurer, saved.headers.location).expect(200);
      expect(after.text).toContain('L&#x27;identité de l&#x27;association est enregistrée.');
      expect(after.text).toContain('OCCE 14 — Calvados');
    });
  });

  describe('FEC', () => {
    it("a coop's FEC is named after the association's SIREN, passes our FEC check, closed or provisional, with its notice", async () => {
      const closed = await auditor.agent.get('/api/coops/C14001/years/2025/fec.txt').buffer(true).parse(binary).expect(200);
      expect(closed.headers['content-type']).toBe('text/plain; charset=iso-8859-15');
      expect(fileNameOf(closed)).toBe('781430004FEC20260831.txt');
      expect(checkFec(closed.body, { year: 2025, fileName: fileNameOf(closed) })).toEqual([]);
      expect(closed.headers.link).toBe('<fec-notice.txt>; rel="describedby"');
      const open = await auditor.agent.get('/api/coops/C14001/years/2026/fec.txt').buffer(true).parse(binary).expect(200);
      expect(fileNameOf(open)).toBe('781430004FEC20270831_PROVISOIRE.txt');
      expect(checkFec(open.body, { year: 2026, fileName: fileNameOf(open) })).toEqual([]);
      const notice = await auditor.get('/api/coops/C14001/years/2026/fec-notice.txt').expect(200);
      expect(notice.text).toContain('781430004FEC20270831_PROVISOIRE.txt');
      expect(notice.text).toContain('PROVISOIRE');
    });

    it("the department's FEC holds every coop's entries in one numbering, passes our FEC check, streamed under the SIREN's name", async () => {
      const res = await treasurer.agent.get('/api/departments/14/years/2025/fec.txt').buffer(true).parse(binary).expect(200);
      expect(fileNameOf(res)).toBe('781430004FEC20260831.txt');
      expect(checkFec(res.body, { year: 2025, fileName: fileNameOf(res), department: true })).toEqual([]);
      const text = res.body.toString('latin1');
      expect(text).toContain('\tC14001\t');
      expect(text).toContain('\tC14002-01\t');
      expect(res.headers.link).toBe('</api/departments/14/years/2025/fec-notice.txt>; rel="describedby"');
      const current = await auditor.agent.get('/api/departments/14/years/2026/fec.txt').buffer(true).parse(binary).expect(200);
      expect(fileNameOf(current)).toBe('781430004FEC20270831_PROVISOIRE.txt');
      expect(checkFec(current.body, { year: 2026, fileName: fileNameOf(current), department: true })).toEqual([]);
      const notice = await auditor.get('/api/departments/14/years/2025/fec-notice.txt').expect(200);
      expect(notice.text).toContain('les 2 coopératives du département 14');
      await treasurer61.get('/api/departments/14/years/2025/fec.txt').expect(404);
    });
  });
});
