import { Outbox } from '../../src/messages/outbox';
import { startTestApp, type TestApp } from '../support/app';

/** API.md "Messages": GET /api/messages and /api/messages/:messageId, scoped to the department. */
describe('messages: recorded and readable by the admin and the department', () => {
  jest.setTimeout(60_000);
  let t: TestApp;
  let ids: { c14: string; c61: string };

  beforeAll(async () => {
    t = await startTestApp({ demo: true });
    const outbox = t.app.get(Outbox);
    const c14 = await outbox.post({
      to: 'a@example.org',
      subject: 'Pour C14001',
      kind: 'department-message',
      text: 'Bonjour,\nhttp://x/1',
      coopId: 'C14001',
      department: '14',
    });
    const c61 = await outbox.post({ to: 'b@example.org', subject: 'Pour 61', kind: 'department-message', text: 'Bonjour', coopId: 'C61001', department: '61' });
    ids = { c14: c14!.messageId, c61: c61!.messageId };
  });
  afterAll(() => t.close());

  it('the admin reads every message, most recent first, each "kept" without a mail server', async () => {
    const [admin] = await t.loginDemo('admin');
    const res = await admin.get('/api/messages').expect(200);
    expect(res.body).toEqual([
      { messageId: ids.c61, to: 'b@example.org', subject: 'Pour 61', kind: 'department-message', at: expect.any(String), status: 'kept', coopId: 'C61001' },
      { messageId: ids.c14, to: 'a@example.org', subject: 'Pour C14001', kind: 'department-message', at: expect.any(String), status: 'kept', coopId: 'C14001' },
    ]);
    expect((await admin.get('/api/messages?coopId=C61001').expect(200)).body.map((m: { messageId: string }) => m.messageId)).toEqual([ids.c61]);
    expect((await admin.get(`/api/messages/${ids.c14}`).expect(200)).body).toMatchObject({ messageId: ids.c14, text: 'Bonjour,\nhttp://x/1' });
  });

  it("a treasurer reads their department's messages only; another's is absent", async () => {
    const [treasurer] = await t.loginDemo('tresorier14');
    expect((await treasurer.get('/api/messages').expect(200)).body.map((m: { messageId: string }) => m.messageId)).toEqual([ids.c14]);
    expect((await treasurer.get('/api/messages?coopId=C61001').expect(200)).body).toEqual([]);
    await treasurer.get(`/api/messages/${ids.c61}`).expect(404);
    const page = await treasurer.get('/departements/14/messages').expect(200);
    expect(page.text).toContain('Pour C14001');
    expect(page.text).toContain('en attente');
    expect(page.text).not.toContain('Pour 61');
  });

  it('a mandataire and an auditor are refused', async () => {
    const [mandataire, auditor] = await t.loginDemo('jferry', 'verif14');
    await mandataire.get('/api/messages').expect(403);
    await auditor.get(`/api/messages/${ids.c14}`).expect(403);
  });
});
