import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PostgresMessageStore } from '../../src/messages/postgres-message-store';
import { describePostgres, freshDatabase } from '../support/postgres';
import { startTestApp, type TestApp } from '../support/app';
import { waitUntil } from '../support/spawn';

/** API.md "Production engine: PostgreSQL": the demo served with both stores on one database. */
describePostgres('the application on PostgreSQL (EVENT_STORE=postgresql READ_STORE=postgresql)', () => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let t: TestApp;
  const base = '/api/coops/C14001/years/2026';

  beforeAll(async () => {
    database = await freshDatabase();
    t = await startTestApp({ demo: true, env: { EVENT_STORE: 'postgresql', READ_STORE: 'postgresql', DATABASE_URL: database.url } });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await database?.drop();
  });

  it('serves the demo: engines on /health, logins, the grid, and an entry recorded then shown', async () => {
    const health = await t.anonymous().get('/health').expect(200);
    expect(health.body).toMatchObject({ eventStore: { engine: 'postgresql', ok: true }, readStore: { engine: 'postgresql', ok: true } });
    const [jferry] = await t.loginDemo('jferry');
    const before = (await jferry.get(`${base}/grid`).expect(200)).body.rows.length;
    const entry = {
      pj: '900',
      date: '2027-03-12',
      label: 'Kermesse – vente de gâteaux',
      chequeNo: null,
      actionA: null,
      actionB: null,
      lines: [
        { account: '530', debit: 4500 },
        { account: '7070', credit: 4500 },
      ],
    };
    const { entryId } = (await jferry.post(`${base}/entries`, entry).expect(201)).body as { entryId: string };
    // The voucher is kept in the database (bytea), not in this instance's DATA_DIR: any instance serves it.
    const pdf = Buffer.from('%PDF-1.4\n% reçu de la kermesse\n%%EOF\n', 'latin1');
    const attached = await jferry.agent
      .post(`${base}/entries/${entryId}/attachments`)
      .set('X-CSRF-Token', jferry.csrf)
      .attach('file', pdf, 'reçu.pdf')
      .expect(201);
    const blobs = join(t.dataDir, 'blobs');
    expect(existsSync(blobs) ? readdirSync(blobs) : []).toEqual([]);
    const opened = await jferry.get(`${base}/entries/${entryId}/attachments/${attached.body.attachmentId}`).buffer(true).expect(200);
    expect(Buffer.from(opened.body as Buffer).equals(pdf)).toBe(true);
    const after = (await jferry.get(`${base}/grid`).expect(200)).body.rows;
    expect(after).toHaveLength(before + 1);
    expect(after.map((r: { pj: string }) => r.pj)).toContain('900');
    await t.loginDemo('tresorier14', 'verif14', 'admin');
  });

  it('keeps the outbox in the database: a message recorded here is read by any instance, none in DATA_DIR', async () => {
    await t.anonymous().post('/api/password-reset').send({ username: 'jferry' }).expect(202);
    const other = await PostgresMessageStore.connect(database.url);
    try {
      // The link is recorded after the 202 (no enumeration by timing).
      const reset = await waitUntil('the reset link in the outbox', 5000, async () => (await other.list({}, 10)).find((m) => m.kind === 'password-reset'));
      expect(reset).toMatchObject({ to: 'claire.martin@ecole-jules-ferry.example', status: 'kept', coopId: 'C14001' });
    } finally {
      await other.close();
    }
    expect(existsSync(join(t.dataDir, 'messages.sqlite'))).toBe(false);
  });
});
