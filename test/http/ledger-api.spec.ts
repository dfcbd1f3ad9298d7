import { type Agent, startTestApp, type TestApp } from '../support/app';

/** The spine through the JSON API of API.md: what a client scripts against. */
describe('ledger JSON API', () => {
  let t: TestApp;
  let mandataire: Agent;
  const base = '/api/coops/C14001/years/2026';
  const photos = {
    pj: '20',
    date: '2027-04-25',
    label: 'Ventes de photos scolaires aux familles',
    chequeNo: null,
    actionA: 'Photos',
    actionB: null,
    lines: [
      { account: '512', debit: 32000 },
      { account: '7070', credit: 32000 },
    ],
  };

  beforeAll(async () => {
    t = await startTestApp({ demo: true, now: '2026-11-27T10:00:00Z' });
    mandataire = await t.login('jferry', 'demo-jules-ferry');
  });
  afterAll(() => t.close());

  const eventCount = async () => {
    let n = 0;
    for await (const _ of t.stores.eventStore.readAll()) n++;
    return n;
  };

  it('records an entry and shows it on the very next read of the grid', async () => {
    const created = await mandataire.post(`${base}/entries`, photos).expect(201);
    expect(created.body).toEqual({ entryId: expect.any(String), revision: 1 });
    const grid = await mandataire.get(`${base}/grid`).expect(200);
    const row = grid.body.rows.find((r: { entryId: string }) => r.entryId === created.body.entryId);
    expect(row).toMatchObject({ pj: '20', label: photos.label, actionA: 'Photos', reconciled: false });
    expect(row.columns.bankIn).toBe(32000);
  });

  it('refuses bad input with a 400, a code and a French message, and stores nothing', async () => {
    const before = await eventCount();
    const unbalanced = await mandataire
      .post(`${base}/entries`, {
        ...photos,
        pj: '21',
        lines: [
          { account: '512', debit: 32000 },
          { account: '7070', credit: 30000 },
        ],
      })
      .expect(400);
    expect(unbalanced.body).toMatchObject({ error: 'invalid', code: 'ENTRY_UNBALANCED' });
    expect(unbalanced.body.message).toMatch(/20,00/);
    const duplicate = await mandataire.post(`${base}/entries`, photos).expect(400);
    expect(duplicate.body.code).toBe('PJ_DUPLICATE');
    const outside = await mandataire.post(`${base}/entries`, { ...photos, pj: '22', date: '2026-08-31' }).expect(400);
    expect(outside.body.code).toBe('DATE_OUTSIDE_YEAR');
    const missing = await mandataire.post(`${base}/entries`, { lines: [] }).expect(400);
    expect(Object.keys(missing.body.fields)).toEqual(expect.arrayContaining(['pj', 'date', 'label']));
    const malformed = await mandataire.agent
      .post(`${base}/entries`)
      .set('X-CSRF-Token', mandataire.csrf)
      .set('Content-Type', 'application/json')
      .send('{"pj":');
    expect(malformed.status).toBe(400);
    expect(await eventCount()).toBe(before);
  });

  it('answers 409 in French to an amendment of a stale revision', async () => {
    const { body } = await mandataire.post(`${base}/entries`, { ...photos, pj: '30' }).expect(201);
    await mandataire.put(`${base}/entries/${body.entryId}`, { ...photos, pj: '30', label: 'Photos – 1re correction', expectedRevision: 1 }).expect(200);
    const stale = await mandataire
      .put(`${base}/entries/${body.entryId}`, { ...photos, pj: '30', label: 'Photos – correction concurrente', expectedRevision: 1 })
      .expect(409);
    expect(stale.body).toMatchObject({ error: 'conflict', code: 'STALE_REVISION' });
    expect(stale.body.message).toMatch(/modifiée/);
  });

  it('has one effect for a command retried with the same idempotency key', async () => {
    const retry = () => mandataire.post(`${base}/entries`, { ...photos, pj: '40' }).set('Idempotency-Key', 'retry-after-timeout-0001');
    const first = await retry().expect(201);
    const second = await retry().expect(201);
    expect(second.body.entryId).toBe(first.body.entryId);
    const grid = await mandataire.get(`${base}/grid`).expect(200);
    expect(grid.body.rows.filter((r: { pj: string }) => r.pj === '40')).toHaveLength(1);
  });

  it('acknowledges every one of many concurrent entries exactly once', async () => {
    const pjs = Array.from({ length: 24 }, (_, i) => `5${String(i).padStart(2, '0')}`);
    const answers = await Promise.all(pjs.map((pj) => mandataire.post(`${base}/entries`, { ...photos, pj })));
    expect(answers.map((a) => a.status)).toEqual(pjs.map(() => 201));
    const rows = (await mandataire.get(`${base}/grid`).expect(200)).body.rows as Array<{ pj: string }>;
    for (const pj of pjs) expect(rows.filter((r) => r.pj === pj)).toHaveLength(1);
  });

  it('lets one of two entries racing for the same PJ win; the other gets PJ_DUPLICATE', async () => {
    const [a, b] = await Promise.all([
      mandataire.post(`${base}/entries`, { ...photos, pj: '60' }),
      mandataire.post(`${base}/entries`, { ...photos, pj: '60' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 400]);
    expect([a.body.code, b.body.code]).toContain('PJ_DUPLICATE');
  });

  it('lists the archives and reports by calendar year, across two fiscal years', async () => {
    const years = await mandataire.get('/api/coops/C14001/years').expect(200);
    expect(years.body).toEqual([
      { year: 2026, status: 'open' },
      { year: 2025, status: 'closed' },
    ]);
    const calendar = await mandataire.get('/api/coops/C14001/calendar-years/2026').expect(200);
    expect(calendar.body).toMatchObject({ calendarYear: 2026, from: '2026-01-01', to: '2026-12-31' });
    // The 2025-2026 subsidy (January 2026) and the 2026-2027 photos (October 2026) both count.
    const accounts = Object.fromEntries(calendar.body.breakdown.accounts.map((a: { account: string; total: number }) => [a.account, a.total]));
    expect(accounts['7410']).toBe(50000);
    expect(accounts['7070']).toBeGreaterThanOrEqual(32000);
  });

  it('answers the grid with a strong ETag, a 304 to a client that has it, and a new ETag after a change', async () => {
    const first = await mandataire.get(`${base}/grid`).set('Accept-Encoding', 'identity').expect(200);
    const etag = first.headers['etag'];
    expect(etag).toMatch(/^"[0-9a-f]+-[A-Za-z0-9+/]{27}"$/);
    expect(first.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(first.headers['content-encoding']).toBeUndefined();
    // UTF-8 as it is: the accents of the labels, not escapes.
    expect(first.text).toMatch(/[^\x00-\x7f]/);
    const again = await mandataire.get(`${base}/grid`).set('Accept-Encoding', 'identity').expect(200);
    expect(again.headers['etag']).toBe(etag);
    expect(again.text).toBe(first.text);
    const cached = await mandataire.get(`${base}/grid`).set('Accept-Encoding', 'identity').set('If-None-Match', etag).expect(304);
    expect(cached.text).toBe('');

    await mandataire.post(`${base}/entries`, { ...photos, pj: '77', label: 'Kermesse : buvette d’été' }).expect(201);
    const changed = await mandataire.get(`${base}/grid`).set('Accept-Encoding', 'identity').set('If-None-Match', etag).expect(200);
    expect(changed.headers['etag']).not.toBe(etag);
    expect(changed.body.rows.find((r: { pj: string }) => r.pj === '77')?.label).toBe('Kermesse : buvette d’été');
  });

  it('gzips the grid for a client that accepts it: the same JSON, another strong ETag', async () => {
    const plain = await mandataire.get(`${base}/grid`).set('Accept-Encoding', 'identity').expect(200);
    const zipped = await mandataire.get(`${base}/grid`).set('Accept-Encoding', 'gzip').expect(200);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers['vary']).toMatch(/Accept-Encoding/);
    expect(zipped.body).toEqual(plain.body);
    expect(zipped.headers['etag']).toBe(`${plain.headers['etag'].slice(0, -1)}-gzip"`);
    await mandataire.get(`${base}/grid`).set('Accept-Encoding', 'gzip').set('If-None-Match', zipped.headers['etag']).expect(304);
  });

  it('keeps another coop out of reach: 404, exactly as a missing one', async () => {
    const other = await mandataire.get('/api/coops/C14002/years/2026/grid').expect(404);
    expect(other.body.code).toBe('NOT_FOUND');
    await mandataire.get('/api/coops/NOPE/years/2026/grid').expect(404);
  });

  it('refuses a change without the CSRF token', async () => {
    await mandataire.agent.post(`${base}/entries`).send(photos).expect(403);
  });

  it('blocks the closing with 409 and the blockers until they are fixed', async () => {
    const blocked = await mandataire.post(`${base}/closing`).expect(409);
    expect(blocked.body.code).toBe('CLOSING_BLOCKED');
    expect(blocked.body.blockers.map((b: { code: string }) => b.code)).toContain('TOO_EARLY');
    const checklist = await mandataire.get(`${base}/checklist`).expect(200);
    expect(checklist.body.canClose).toBe(false);
    expect(checklist.body.blockers.map((b: { code: string }) => b.code)).toEqual(blocked.body.blockers.map((b: { code: string }) => b.code));
  });
});

describe("a department's chart of accounts", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ demo: true });
  });
  afterAll(() => t.close());

  it('is the default chart until the department changes it for a year, and the ledger follows', async () => {
    const treasurer = await t.login('tresorier14', 'demo-tresorier14');
    const chart = await treasurer.get('/api/departments/14/years/2026/chart').expect(200);
    expect(chart.body.accounts.find((a: { code: string }) => a.code === '6586').label).toBe("Cotisations à l'OCCE");
    await treasurer.put('/api/departments/14/years/2026/chart/accounts/6586', { label: "Cotisations à l'OCCE 14" }).expect(200);
    await treasurer
      .post('/api/departments/14/years/2026/chart/accounts', { account: '62810008', label: 'Cotisation OCCE (numérotation 14)', kind: 'charge' })
      .expect(201);
    await treasurer.delete('/api/departments/14/years/2026/chart/accounts/7610').expect(204);
    const refused = await treasurer.delete('/api/departments/14/years/2026/chart/accounts/512').expect(409);
    expect(refused.body.code).toBe('ACCOUNT_PROTECTED');
    // An account the year's entries use stays (the demo's coops record 6181 in 2026-2027).
    const used = await treasurer.delete('/api/departments/14/years/2026/chart/accounts/6181').expect(409);
    expect(used.body).toMatchObject({ error: 'conflict', code: 'ACCOUNT_IN_USE', fields: { account: expect.stringContaining('6181') } });
    // Another department and another year keep the default chart.
    const other = await (await t.login('tresorier61', 'demo-tresorier61')).get('/api/departments/61/years/2026/chart').expect(200);
    expect(other.body.accounts.find((a: { code: string }) => a.code === '6586').label).toBe("Cotisations à l'OCCE");
    await treasurer.get('/api/departments/61/years/2026/chart').expect(404);

    const mandataire = await t.login('jferry', 'demo-jules-ferry');
    const entry = { pj: '70', date: '2026-12-01', label: 'Cotisation', chequeNo: null, actionA: null, actionB: null };
    await mandataire
      .post('/api/coops/C14001/years/2026/entries', {
        ...entry,
        lines: [
          { account: '62810008', debit: 100 },
          { account: '512', credit: 100 },
        ],
      })
      .expect(201);
    const retired = await mandataire
      .post('/api/coops/C14001/years/2026/entries', {
        ...entry,
        pj: '71',
        lines: [
          { account: '512', debit: 100 },
          { account: '7610', credit: 100 },
        ],
      })
      .expect(400);
    expect(retired.body.code).toBe('UNKNOWN_ACCOUNT');
    await mandataire.post('/api/departments/14/years/2026/chart/accounts', { account: '7999', label: 'x', kind: 'product' }).expect(404);
  });

  it('gives a rule’s role to a renumbered account, and the notebook’s checks follow it', async () => {
    const treasurer = await t.login('tresorier14', 'demo-tresorier14');
    const invalid = await treasurer
      .post('/api/departments/14/years/2026/chart/accounts', { account: '68000008', label: 'Biens durables', kind: 'charge', role: 'tresor' })
      .expect(400);
    expect(invalid.body).toMatchObject({ code: 'ROLE_INVALID', fields: { role: expect.any(String) } });
    const chart = await treasurer
      .post('/api/departments/14/years/2026/chart/accounts', { account: '68000008', label: 'Biens durables', kind: 'charge', role: 'durableGoods' })
      .expect(201);
    const roles = chart.body.accounts.filter((a: { role?: string }) => a.role === 'durableGoods').map((a: { code: string }) => a.code);
    expect(roles).toEqual(['68000008']);

    const mandataire = await t.login('jferry', 'demo-jules-ferry');
    const camera = {
      pj: '80',
      date: '2026-12-02',
      label: 'Appareil photo',
      chequeNo: null,
      actionA: null,
      actionB: null,
      lines: [
        { account: '68000008', debit: 15000 },
        { account: '512', credit: 15000 },
      ],
    };
    const { entryId } = (await mandataire.post('/api/coops/C14001/years/2026/entries', camera).expect(201)).body;
    const grid = await mandataire.get('/api/coops/C14001/years/2026/grid').expect(200);
    expect(grid.body.rows.find((r: { entryId: string }) => r.entryId === entryId).warnings).toEqual(['INVENTORY_MISSING']);
    const checklist = await mandataire.get('/api/coops/C14001/years/2026/checklist').expect(200);
    const missing = checklist.body.warnings.find((w: { code: string }) => w.code === 'INVENTORY_MISSING');
    expect(missing.message).toContain('(compte 68000008)');
    expect(missing.message).toContain('la pièce 80');
  });
});
