import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Agent, startTestApp, type TestApp } from '../support/app';

const SAMPLES = join(__dirname, '../../docs/samples');

/** docs/samples: on a fresh demo, jferry imports each file, confirms its proposals and reaches a zero-difference rapprochement. */
describe('the sample statements of docs/samples', () => {
  let t: TestApp;
  let jferry: Agent;
  const base = '/api/coops/C14001/years/2026';

  beforeAll(async () => {
    t = await startTestApp({ demo: true, now: '2026-11-27T10:00:00Z' });
    [jferry] = await t.loginDemo('jferry');
  });
  afterAll(() => t.close());

  const samples = readdirSync(SAMPLES).filter((name) => /\.(csv|ofx|xml)$/.test(name));

  it('holds CSV (two shapes), OFX 1.x, OFX 2.x and CAMT.053', () => {
    expect(samples.length).toBe(5);
  });

  it.each(samples)('%s: every line proposed, all confirmed in one click, zero difference', async (name) => {
    const created = await jferry.agent
      .post(`${base}/statements`)
      .set('X-CSRF-Token', jferry.csrf)
      .attach('file', readFileSync(join(SAMPLES, name)), name)
      .expect(201);
    expect(created.body).toMatchObject({ date: '2026-10-31', closingBalance: 160650, lines: 3 });
    expect(created.body.proposals).toHaveLength(3);
    const { statementId } = created.body;
    expect((await jferry.post(`${base}/statements/${statementId}/matches`, { acceptProposals: true }).expect(200)).body).toEqual({ reconciled: 3 });
    const r = (await jferry.get(`${base}/bank-reconciliation`).expect(200)).body;
    expect(r).toMatchObject({
      date: '2026-10-31',
      statementBalance: 160650,
      bookBalance: 160650,
      outstandingReceipts: [],
      outstandingPayments: [],
      difference: 0,
    });
    expect((await jferry.delete(`${base}/statements/${statementId}`).expect(409)).body).toMatchObject({ code: 'STATEMENT_MATCHED' });
    // Un-matched again and deleted, so the next sample finds the same entries (and its lines, the same operations, are not already held).
    const detail = (await jferry.get(`${base}/statements/${statementId}`).expect(200)).body;
    for (const line of detail.lines) await jferry.delete(`${base}/statements/${statementId}/lines/${line.lineId}/match`).expect(200);
    await jferry.delete(`${base}/statements/${statementId}`).expect(204);
  });
});
