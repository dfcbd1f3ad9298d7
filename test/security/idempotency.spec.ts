import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Agent, startTestApp, type TestApp } from '../support/app';
import { IDEMPOTENCY_KEPT_MS } from '../../src/http/idempotency';
import { eventCount, isFrench } from './support';

/**
 * A reused Idempotency-Key (issue 12, item 4; API.md "Limits and repeats"): the key names one
 * request — path, body, user. Another request with it is refused (422) and changes nothing; the
 * same request again answers as the first did, with one effect.
 */
describe('Idempotency-Key bound to the request', () => {
  const base = '/api/coops/C14001/years/2026';
  const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
  let t: TestApp;
  let jferry: Agent;
  let admin: Agent;
  const entry = (pj: string, label = 'Kermesse – vente de gâteaux') => ({
    pj,
    date: '2027-03-12',
    label,
    chequeNo: null,
    actionA: null,
    actionB: null,
    lines: [
      { account: '530', debit: 4500 },
      { account: '7070', credit: 4500 },
    ],
  });
  const entriesWith = async (pjs: string[]) => {
    const { body } = await jferry.get(`${base}/grid`).expect(200);
    return (body.rows as Array<{ pj: string }>).filter((row) => pjs.includes(row.pj)).map((row) => row.pj);
  };
  const expectReused = (res: { status: number; body: { code?: unknown; message?: unknown } }) => {
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(isFrench(res.body.message)).toBe(true);
  };

  beforeAll(async () => {
    t = await startTestApp({ demo: true, now: '2026-11-27T10:00:00Z' });
    [jferry, admin] = await t.loginDemo('jferry', 'admin');
  });
  afterAll(() => t.close());

  it('refuses ten POSTs of other entries under one key: one entry stored, nine 422', async () => {
    const key = 'reused-key-post-0001';
    const first = await jferry.post(`${base}/entries`, entry('80')).set('Idempotency-Key', key);
    expect(first.status).toBe(201);
    const before = await eventCount(t);
    for (let i = 1; i < 10; i++) expectReused(await jferry.post(`${base}/entries`, entry(String(80 + i))).set('Idempotency-Key', key));
    expect(await eventCount(t)).toBe(before);
    expect(await entriesWith(['80', '81', '82', '89'])).toEqual(['80']);
  });

  it('answers the same request again as the first time, even after the entry moved on', async () => {
    const key = 'same-request-0002';
    const first = await jferry.post(`${base}/entries`, entry('90')).set('Idempotency-Key', key).expect(201);
    await jferry.put(`${base}/entries/${first.body.entryId}`, { ...entry('90', 'Kermesse – gâteaux et boissons'), expectedRevision: 1 }).expect(200);
    const before = await eventCount(t);
    const again = await jferry.post(`${base}/entries`, entry('90')).set('Idempotency-Key', key);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(await eventCount(t)).toBe(before);
  });

  it('refuses the key of a POST on a DELETE of another entry, which stays', async () => {
    const key = 'post-then-delete-0003';
    await jferry.post(`${base}/entries`, entry('91')).set('Idempotency-Key', key).expect(201);
    const other = await jferry.post(`${base}/entries`, entry('92')).expect(201);
    expectReused(await jferry.delete(`${base}/entries/${other.body.entryId}`).set('Idempotency-Key', key));
    expect(await entriesWith(['91', '92'])).toEqual(['91', '92']);
  });

  it('answers a repeated DELETE 204 with one effect, and refuses its key on another DELETE', async () => {
    const key = 'delete-twice-0004';
    const [a, b] = [await jferry.post(`${base}/entries`, entry('93')).expect(201), await jferry.post(`${base}/entries`, entry('94')).expect(201)];
    await jferry.delete(`${base}/entries/${a.body.entryId}`).set('Idempotency-Key', key).expect(204);
    const before = await eventCount(t);
    await jferry.delete(`${base}/entries/${a.body.entryId}`).set('Idempotency-Key', key).expect(204);
    expect(await eventCount(t)).toBe(before);
    expectReused(await jferry.delete(`${base}/entries/${b.body.entryId}`).set('Idempotency-Key', key));
    expect(await entriesWith(['93', '94'])).toEqual(['94']);
  });

  it('refuses the key of one user sent by another with the same request', async () => {
    const key = 'two-users-0005';
    await jferry.post(`${base}/entries`, entry('95')).set('Idempotency-Key', key).expect(201);
    const before = await eventCount(t);
    expectReused(await admin.post(`${base}/entries`, entry('95')).set('Idempotency-Key', key));
    expect(await eventCount(t)).toBe(before);
  });

  it('binds a voucher upload to its file: another file under the key is refused, the same one answers again', async () => {
    const key = 'voucher-upload-0006';
    const { body } = await jferry.post(`${base}/entries`, entry('96')).expect(201);
    const upload = (bytes: Buffer) =>
      jferry.agent
        .post(`${base}/entries/${body.entryId}/attachments`)
        .set('X-CSRF-Token', jferry.csrf)
        .set('Idempotency-Key', key)
        .attach('file', bytes, { filename: 'facture.pdf', contentType: 'application/pdf' });
    const first = await upload(PDF);
    expect(first.status).toBe(201);
    const before = await eventCount(t);
    expectReused(await upload(Buffer.concat([PDF, Buffer.from('% une autre facture\n')])));
    const again = await upload(PDF);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(await eventCount(t)).toBe(before);
  });

  it('concurrent requests under one key: one runs, the same one answers alike, another is refused', async () => {
    const key = 'concurrent-0007';
    const answers = await Promise.all([
      jferry.post(`${base}/entries`, entry('97')).set('Idempotency-Key', key),
      jferry.post(`${base}/entries`, entry('97')).set('Idempotency-Key', key),
      jferry.post(`${base}/entries`, entry('98')).set('Idempotency-Key', key),
    ]);
    expect(answers.map((res) => res.status)).toEqual([201, 201, 422]);
    expect(answers[1].body).toEqual(answers[0].body);
    expect(await entriesWith(['97', '98'])).toEqual(['97']);
  });

  it('keeps an answer 24 hours, then prunes it from the account store (they were kept forever)', async () => {
    const key = 'kept-a-day-0009';
    await jferry.post(`${base}/entries`, entry('101')).set('Idempotency-Key', key).expect(201);
    expect(await t.stores.accountStore.get('idempotent_requests', key)).toMatchObject({ key });
    t.clock.advance(IDEMPOTENCY_KEPT_MS + 11 * 60 * 1000);
    // The session has timed out meanwhile.
    const [later] = await t.loginDemo('jferry');
    await later.post(`${base}/entries`, entry('102')).set('Idempotency-Key', 'a-day-later-0010').expect(201);
    expect(await t.stores.accountStore.get('idempotent_requests', key)).toBeNull();
    expect(await t.stores.accountStore.get('idempotent_requests', 'a-day-later-0010')).not.toBeNull();
  });

  it('keeps a key bound across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cahier-idempotency-'));
    try {
      const key = 'across-restart-0008';
      const first = await startTestApp({ demo: true, now: '2026-11-27T10:00:00Z', dataDir });
      const [m1] = await first.loginDemo('jferry');
      const answer = await m1.post(`${base}/entries`, entry('99')).set('Idempotency-Key', key).expect(201);
      await first.close();
      const second = await startTestApp({ now: '2026-11-27T10:05:00Z', dataDir });
      try {
        const [m2] = await second.loginDemo('jferry');
        expectReused(await m2.post(`${base}/entries`, entry('100')).set('Idempotency-Key', key));
        const again = await m2.post(`${base}/entries`, entry('99')).set('Idempotency-Key', key).expect(201);
        expect(again.body).toEqual(answer.body);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
