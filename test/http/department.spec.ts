import Database from 'better-sqlite3';
import { join } from 'node:path';
import { type Agent, startTestApp, type TestApp } from '../support/app';

describe('department and audit API', () => {
  let t: TestApp;
  let treasurer: Agent;
  let treasurer61: Agent;
  let auditor: Agent;
  let mandataire: Agent;

  beforeAll(async () => {
    t = await startTestApp({ demo: true });
    [treasurer, treasurer61, auditor, mandataire] = await t.loginDemo('tresorier14', 'tresorier61', 'verif14', 'jferry');
  });
  afterAll(() => t.close());

  it('the board says for each coop what its own checklist and grid say', async () => {
    const { body: rows, headers } = await treasurer.get('/api/departments/14/coops?year=2026').expect(200);
    expect(headers['x-total-count']).toBe('2');
    expect(rows.map((r: { coopId: string }) => r.coopId).sort()).toEqual(['C14001', 'C14002']);
    for (const row of rows) {
      const checklist = (await treasurer.get(`/api/coops/${row.coopId}/years/2026/checklist`).expect(200)).body;
      const grid = (await treasurer.get(`/api/coops/${row.coopId}/years/2026/grid`).expect(200)).body;
      expect(row).toMatchObject({
        name: expect.any(String),
        status: 'open',
        canClose: checklist.canClose,
        blockers: checklist.blockers.map((b: { code: string }) => b.code),
        bank: grid.balances.bank,
        cash: grid.balances.cash,
      });
    }
    const closed = (await treasurer.get('/api/departments/14/coops?year=2025').expect(200)).body;
    expect(closed.map((r: { status: string }) => r.status)).toEqual(['closed', 'closed']);
  });

  it('filters, sorts and pages the board, and exports it as CSV', async () => {
    const page = (await treasurer.get('/api/departments/14/years/2026/board?sort=bank&direction=desc&pageSize=1&page=2').expect(200)).body;
    expect(page).toMatchObject({ total: 2, page: 2, pageSize: 1 });
    expect(page.rows).toHaveLength(1);
    const notClosed = await treasurer.get('/api/departments/14/coops?year=2025&filter=notClosed').expect(200);
    expect(notClosed.body).toEqual([]);
    await treasurer.get('/api/departments/14/coops?filter=nimporte').expect(400);
    const csv = await treasurer.get('/api/departments/14/years/2026/board.csv').expect(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.text.startsWith('\uFEFF')).toBe(true);
    expect(csv.text).toContain('Jules Ferry');
  });

  it('aggregated accounts equal the sum of the coops’ breakdowns, with the drill-down and CSV', async () => {
    const totals = (await treasurer.get('/api/departments/14/years/2026/totals').expect(200)).body;
    expect(totals).toMatchObject({ coops: 2, closed: 0 });
    const sums: Record<string, number> = {};
    for (const coopId of ['C14001', 'C14002']) {
      const breakdown = (await treasurer.get(`/api/coops/${coopId}/years/2026/breakdown`).expect(200)).body;
      for (const a of breakdown.accounts) sums[a.account] = (sums[a.account] ?? 0) + a.total;
    }
    expect(Object.fromEntries(totals.accounts.map((a: { account: string; total: number }) => [a.account, a.total]))).toEqual(sums);
    expect(sums['6586']).toBeGreaterThan(0);
    const drill = (await treasurer.get('/api/departments/14/years/2026/totals/6586').expect(200)).body;
    expect(drill.total).toBe(sums['6586']);
    expect(drill.coops.reduce((s: number, c: { amount: number }) => s + c.amount, 0)).toBe(sums['6586']);
    await treasurer.get('/api/departments/14/years/2026/totals/512').expect(404);
    const csv = await treasurer.get('/api/departments/14/years/2026/totals.csv').expect(200);
    expect(csv.text).toContain("6586;Cotisations à l'OCCE;charge;");
  });

  it('scope: a treasurer sees nothing of another department, a mandataire nothing department-wide', async () => {
    for (const url of [
      '/api/departments/61/coops',
      '/api/departments/61/years/2026/totals',
      '/api/departments/61/years/2026/board.csv',
      '/api/departments/61/years/2026/totals/6586',
      '/api/coops/C61001/history',
      '/api/coops/C61001/verify',
    ]) {
      await treasurer.get(url).expect(404);
    }
    await treasurer
      .post('/api/departments/61/coops', { coopId: 'C61999', name: 'Intruse', username: 'intruse', password: 'une phrase assez longue' })
      .expect(404);
    expect((await treasurer61.get('/api/departments/61/coops?year=2026').expect(200)).body.map((r: { coopId: string }) => r.coopId)).toEqual([
      'C61001',
      'C61002',
    ]);
    await treasurer61.get('/api/departments/14/coops').expect(404);
    for (const url of ['/api/departments/14/coops', '/api/departments/14/years/2026/totals', '/api/coops/C14002/history'])
      await mandataire.get(url).expect(404);
    await mandataire.get('/api/coops/C14001/history').expect(403);
  });

  it('the auditor reads everything of the department and changes nothing', async () => {
    await auditor.get('/api/departments/14/coops').expect(200);
    await auditor.get('/api/departments/14/years/2026/totals').expect(200);
    await auditor.get('/api/departments/61/coops').expect(404);
    const refused = await auditor
      .post('/api/departments/14/coops', { coopId: 'C14777', name: 'Non', username: 'non', password: 'une phrase assez longue' })
      .expect(403);
    expect(refused.body.code).toBe('READ_ONLY');
    await auditor
      .post('/api/coops/C14001/years/2026/entries', {
        pj: '99',
        date: '2026-12-01',
        label: 'Non',
        lines: [
          { account: '512', debit: 100 },
          { account: '7070', credit: 100 },
        ],
      })
      .expect(403);
    await auditor.post('/api/coops/C14001/years/2026/closing').expect(403);
  });

  it('the history lists every event in order, with the amendments’ before → after', async () => {
    const created = await mandataire
      .post('/api/coops/C14001/years/2026/entries', {
        pj: '40',
        date: '2026-12-01',
        label: 'Kermesse',
        lines: [
          { account: '530', debit: 5000 },
          { account: '7070', credit: 5000 },
        ],
      })
      .expect(201);
    await mandataire
      .put(`/api/coops/C14001/years/2026/entries/${created.body.entryId}`, {
        pj: '40',
        date: '2026-12-01',
        label: 'Kermesse de Noël',
        lines: [
          { account: '530', debit: 5200 },
          { account: '7070', credit: 5200 },
        ],
      })
      .expect(200);
    await mandataire.delete(`/api/coops/C14001/years/2026/entries/${created.body.entryId}`).expect(204);
    const { events } = (await auditor.get('/api/coops/C14001/history').expect(200)).body;
    expect(events[0]).toMatchObject({
      stream: 'coop-C14001',
      revision: 0,
      type: 'CoopRegistered',
      metadata: { actor: expect.any(String), at: expect.any(String), hash: expect.any(String), prevHash: '' },
    });
    const positions = events.map((e: { position: string }) => BigInt(e.position));
    expect(positions).toEqual([...positions].sort((a, b) => (a < b ? -1 : 1)));
    expect(events.some((e: { stream: string }) => e.stream === 'ledger-C14001-2025')).toBe(true);
    const amended = events.find((e: { type: string; data: { entryId: string } }) => e.type === 'EntryAmended' && e.data.entryId === created.body.entryId);
    expect(amended.changes).toEqual([
      { field: 'label', before: 'Kermesse', after: 'Kermesse de Noël' },
      {
        field: 'lines',
        before: [
          { account: '530', debit: 5000 },
          { account: '7070', credit: 5000 },
        ],
        after: [
          { account: '530', debit: 5200 },
          { account: '7070', credit: 5200 },
        ],
      },
    ]);
    expect(events[events.length - 1]).toMatchObject({ type: 'EntryDeleted', data: { entryId: created.body.entryId, previous: { label: 'Kermesse de Noël' } } });
    // The deletion moved the department's figures back.
    const totals = (await treasurer.get('/api/departments/14/years/2026/totals/7070').expect(200)).body;
    expect(totals.coops.find((c: { coopId: string }) => c.coopId === 'C14001')?.amount ?? 0).toBe(
      (await treasurer.get('/api/coops/C14001/years/2026/breakdown').expect(200)).body.accounts.find((a: { account: string }) => a.account === '7070').total,
    );
  });

  it('registers a coop with its mandataire login, refusing a weak password before recording anything', async () => {
    await treasurer.post('/api/departments/14/coops', { coopId: 'C14003', name: 'École des Prés', username: 'pres', password: 'court' }).expect(400);
    expect((await treasurer.get('/api/departments/14/coops?year=2026').expect(200)).body).toHaveLength(2);
    const created = await treasurer
      .post('/api/departments/14/coops', { coopId: 'C14003', name: 'École des Prés', uai: '0149999Z', username: 'pres', password: 'une phrase assez longue' })
      .expect(201);
    expect(created.body).toMatchObject({ coopId: 'C14003', department: '14', firstYear: 2026, username: 'pres' });
    const rows = (await treasurer.get('/api/departments/14/coops?year=2026').expect(200)).body;
    expect(rows.find((r: { coopId: string }) => r.coopId === 'C14003')).toMatchObject({
      name: 'École des Prés',
      status: 'open',
      bank: 0,
      cash: 0,
      lastActivityAt: null,
    });
    const newcomer = await t.login('pres', 'une phrase assez longue');
    await newcomer.get('/api/coops/C14003/years/2026/grid').expect(200);
    await treasurer
      .post('/api/departments/14/coops', { coopId: 'C14003', name: 'Doublon', username: 'pres2', password: 'une phrase assez longue' })
      .expect(409);
  });

  it('verifies the coop’s read models against a replay of its events, and names the document edited behind its back', async () => {
    expect((await auditor.get('/api/coops/C14001/verify').expect(200)).body).toMatchObject({ ok: true, documents: expect.any(Number) });
    // The embedded read store's file: one notebook row gets its debit ×100 and a new label.
    const db = new Database(join(t.dataDir, 'read.sqlite'));
    try {
      const row = db.prepare("SELECT id, body FROM doc_notebook_entries WHERE json_extract(body, '$.notebook') = 'C14001:2026' ORDER BY id LIMIT 1").get() as {
        id: string;
        body: string;
      };
      const doc = JSON.parse(row.body) as { label: string; lines: Array<{ debit?: number }> };
      const tampered = { ...doc, label: 'TAMPERED', lines: doc.lines.map((l) => (l.debit ? { ...l, debit: l.debit * 100 } : l)) };
      db.prepare('UPDATE doc_notebook_entries SET body = ? WHERE id = ?').run(JSON.stringify(tampered), row.id);

      const check = (await auditor.get('/api/coops/C14001/verify').expect(200)).body;
      expect(check).toMatchObject({ ok: false, firstBadDocument: { collection: 'notebook_entries', id: row.id, reason: 'différent' } });
      expect(check.firstBadDocument.field).toMatch(/^(label|lines\.\d+\.debit)$/);
      // The hash chains themselves are intact: the event that says otherwise is not named.
      expect(check.firstBadEvent).toBeUndefined();
      const page = (await auditor.get('/audit/coops/C14001/verification').expect(200)).text;
      expect(page).toContain('Données affichées altérées');
      expect(page).toContain(row.id);
      expect((await auditor.get('/audit/coops/C14001/attestation.pdf').expect(409)).body).toMatchObject({ code: 'READ_MODELS_ALTERED' });
      // Another coop's documents are untouched.
      expect((await auditor.get('/api/coops/C14002/verify').expect(200)).body.ok).toBe(true);

      db.prepare('UPDATE doc_notebook_entries SET body = ? WHERE id = ?').run(row.body, row.id);
      expect((await auditor.get('/api/coops/C14001/verify').expect(200)).body.ok).toBe(true);
    } finally {
      db.close();
    }
  });

  it('verifies the coop’s hash chains, and names the event edited behind its back', async () => {
    // Its identity, its notebooks of 2025 and 2026 (the demo's farm outing: payments, a deposit, its statement) and its memberships.
    const verified = (await auditor.get('/api/coops/C14002/verify').expect(200)).body;
    expect(verified).toMatchObject({ ok: true, events: expect.any(Number), streams: 5 });
    expect(verified.heads.map((h: { stream: string }) => h.stream)).toEqual([
      'coop-C14002',
      'ledger-C14002-2025',
      'ledger-C14002-2026',
      'membership-C14002-2025',
      'membership-C14002-2026',
    ]);
    // The embedded event store's file (src/stores.ts).
    const db = new Database(join(t.dataDir, 'events.sqlite'));
    const row = db.prepare("SELECT position, data FROM events WHERE stream = 'ledger-C14002-2025' AND revision = 2").get() as {
      position: number;
      data: string;
    };
    db.prepare('UPDATE events SET data = ? WHERE position = ?').run(row.data.replace(/\d{3}/, '999'), row.position);
    db.close();
    const check = (await auditor.get('/api/coops/C14002/verify').expect(200)).body;
    expect(check).toMatchObject({ ok: false, firstBadEvent: { stream: 'ledger-C14002-2025', revision: 2, position: String(row.position) } });
    expect((await auditor.get('/api/coops/C14001/verify').expect(200)).body.ok).toBe(true);
  });
});
