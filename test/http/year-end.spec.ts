import ExcelJS from 'exceljs';
import { type Agent, binaryBody, startTestApp, type TestApp } from '../support/app';

/** A small PDF, as a bank or a mairie sends them. */
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

/**
 * The year's end of API.md end to end, on the demo: C14001's 2025-2026 is closed (the clock
 * stands on 27 November 2026, past the 30 September due date).
 */
describe("year's end API: quitus, submission, the AD's decision", () => {
  jest.setTimeout(60_000);
  let t: TestApp;
  let mandataire: Agent;
  let treasurer: Agent;
  const year = '/api/coops/C14001/years/2025';

  beforeAll(async () => {
    t = await startTestApp({ demo: true });
    [mandataire, treasurer] = await t.loginDemo('jferry', 'tresorier14');
  });
  afterAll(() => t.close());

  const invite = async (name: string, quality: string) => (await mandataire.post(`${year}/quitus/invitations`, { name, quality }).expect(201)).body;

  it('invites a vérificateur with a one-time code of at least 128 bits, never stored as such', async () => {
    const invitation = await invite('Élodie Durand', 'parent');
    expect(invitation).toEqual({
      invitationId: expect.any(String),
      delivery: 'paper',
      code: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/),
      url: `/quitus/${invitation.code}`,
      letterUrl: `/quitus/${invitation.code}/lettre`,
    });
    const history = (await treasurer.get('/api/coops/C14001/history').expect(200)).body.events;
    expect(JSON.stringify(history)).not.toContain(invitation.code);
    const refused = await mandataire.post(`${year}/quitus/invitations`, { name: 'Claire Martin', quality: 'parent' }).expect(403);
    expect(refused.body.code).toBe('VERIFIER_IS_BOOKKEEPER');
    const open = await mandataire.post('/api/coops/C14001/years/2026/quitus/invitations', { name: 'Élodie Durand', quality: 'parent' }).expect(409);
    expect(open.body.code).toBe('YEAR_NOT_CLOSED');
    const bad = await mandataire.post(`${year}/quitus/invitations`, { name: '', quality: 'voisin' }).expect(400);
    expect(Object.keys(bad.body.fields)).toEqual(['name', 'quality']);
  });

  it('gives quitus from the link, with no session and no CSRF token; the code then is gone, an unknown one not found', async () => {
    const { code } = await invite('Jeanne Roux', 'parent');
    const anonymous = t.anonymous();
    const seen = (await anonymous.get(`/api/quitus/${code}`).expect(200)).body;
    expect(seen).toMatchObject({
      coop: { coopId: 'C14001' },
      year: 2025,
      crf: { status: 'définitif', identity: { uai: '0141234A' } },
      grid: { rows: expect.any(Array) },
    });
    expect(seen.bankReconciliation).toMatchObject({ date: '2026-08-31', bookBalance: seen.crf.treasury.closing.bank });
    await anonymous.post(`/api/quitus/${code}`).send({ decision: 'quitus' }).expect(200);
    const again = await anonymous.post(`/api/quitus/${code}`).send({ decision: 'quitus' }).expect(410);
    expect(again.body.code).toBe('INVITATION_USED');
    await anonymous.get('/api/quitus/AbsentCodeAbsentCodeAbsentCode00').expect(404);
    await anonymous.post('/api/quitus/AbsentCodeAbsentCodeAbsentCode00').send({ decision: 'quitus' }).expect(404);
  });

  it('refuses the decision of a login of the coop, and a code past its 30 days', async () => {
    const { code } = await invite('Paul Henry', 'autre');
    const byBookkeeper = await mandataire.agent.post(`/api/quitus/${code}`).send({ decision: 'quitus' }).expect(403);
    expect(byBookkeeper.body.code).toBe('VERIFIER_IS_BOOKKEEPER');
    t.clock.advance(31 * 24 * 3600 * 1000);
    try {
      await t.anonymous().get(`/api/quitus/${code}`).expect(404);
      await t.anonymous().post(`/api/quitus/${code}`).send({ decision: 'quitus' }).expect(404);
    } finally {
      t.clock.advance(-31 * 24 * 3600 * 1000);
    }
  });

  it('lists the decisions; the quitus is complete with a second vérificateur; submits once the documents are there', async () => {
    const before = (await mandataire.get(`${year}/quitus`).expect(200)).body;
    expect(before.complete).toBe(false);
    const { code } = await invite('Marc Petit', 'enseignant');
    await t.anonymous().post(`/api/quitus/${code}`).send({ decision: 'reserves', comment: 'La facture 12 est une photocopie.' }).expect(200);
    const quitus = (await treasurer.get(`${year}/quitus`).expect(200)).body;
    expect(quitus.complete).toBe(true);
    expect(quitus.decisions).toEqual([
      {
        name: 'Jeanne Roux',
        quality: 'parent',
        decision: 'quitus',
        comment: null,
        at: expect.any(String),
        chainHead: expect.stringMatching(/^[0-9a-f]{64}$/),
        valid: true,
      },
      {
        name: 'Marc Petit',
        quality: 'enseignant',
        decision: 'reserves',
        comment: 'La facture 12 est une photocopie.',
        at: expect.any(String),
        chainHead: expect.any(String),
        valid: true,
      },
    ]);

    const blocked = await mandataire.post(`${year}/submission`).expect(409);
    expect(blocked.body.code).toBe('SUBMISSION_BLOCKED');
    // The demo imported August's bank file: it stands as the year-end statement, only the subsidies' proofs are missing.
    expect(blocked.body.blockers.map((b: { code: string }) => b.code)).not.toContain('STATEMENT_DOCUMENT_MISSING');
    expect(blocked.body.blockers.map((b: { code: string }) => b.code)).toContain('SUBSIDY_PROOF_MISSING');
    expect((await mandataire.get(`${year}/submission`).expect(200)).body.importedStatement).toMatchObject({ date: '2026-08-31', file: { format: 'csv' } });
    // A statement attached by hand goes with the year instead.
    await mandataire.agent
      .post(`${year}/submission/documents`)
      .set('X-CSRF-Token', mandataire.csrf)
      .field('kind', 'statement')
      .attach('file', PDF, 'releve-aout.pdf')
      .expect(201);
    const crf = (await mandataire.get(`${year}/crf`).expect(200)).body;
    for (let i = 0; i < crf.subsidies.rows.length; i++) {
      await mandataire.agent
        .post(`${year}/submission/documents`)
        .set('X-CSRF-Token', mandataire.csrf)
        .field('kind', 'subsidy')
        .field('subsidyIndex', String(i))
        .attach('file', PDF, `subvention-${i}.pdf`)
        .expect(201);
    }
    const unknownRow = await mandataire.agent
      .post(`${year}/submission/documents`)
      .set('X-CSRF-Token', mandataire.csrf)
      .field('kind', 'subsidy')
      .field('subsidyIndex', '99')
      .attach('file', PDF, 'x.pdf')
      .expect(400);
    expect(unknownRow.body.code).toBe('SUBSIDY_UNKNOWN');
    expect((await mandataire.post(`${year}/submission`).expect(201)).body).toEqual({ version: 1 });
    expect((await mandataire.get(`${year}/submission`).expect(200)).body).toMatchObject({
      canSubmit: false,
      late: true,
      versions: [{ version: 1, status: 'submitted', late: true }],
    });
  });

  it('the department lists every coop; its treasurer accepts; an unlock voids the quitus and the version stays as sent', async () => {
    const rows = (await treasurer.get('/api/departments/14/years/2025/submissions').expect(200)).body;
    expect(rows.map((r: { coopId: string }) => r.coopId)).toEqual(['C14001', 'C14002']);
    expect(rows[0]).toMatchObject({ coopId: 'C14001', status: 'submitted', version: 1, late: true, quitus: true, statement: true, subsidyProofs: true });
    // The demo's C14002 went the whole way: sent and accepted.
    expect(rows[1]).toMatchObject({ coopId: 'C14002', status: 'accepted', version: 1, quitus: true, statement: true, subsidyProofs: true });

    const noReason = await treasurer.post('/api/departments/14/coops/C14001/years/2025/submission/decision', { decision: 'return' }).expect(400);
    expect(noReason.body.code).toBe('REASON_REQUIRED');
    await treasurer.post('/api/departments/14/coops/C61001/years/2025/submission/decision', { decision: 'accept' }).expect(404);
    await treasurer.post('/api/departments/14/coops/C14001/years/2025/submission/decision', { decision: 'accept' }).expect(200);
    expect((await treasurer.get('/api/departments/14/years/2025/submissions').expect(200)).body[0]).toMatchObject({ status: 'accepted', version: 1 });
    // The decision goes by e-mail to each mandataire of the coop (kept in the outbox: no mail server here).
    const letters = (await treasurer.get('/api/messages?coopId=C14001').expect(200)).body.filter((m: { kind: string }) => m.kind === 'submission-decision');
    expect(letters.map((m: { to: string }) => m.to).sort()).toEqual(['claire.martin@ecole-jules-ferry.example', 'marc.durand@ecole-jules-ferry.example']);
    expect(letters[0]).toMatchObject({ subject: "Cahier Coop — bilan 2025-2026 accepté par l'association départementale", status: 'kept' });
    expect((await treasurer.get(`/api/messages/${letters[0].messageId}`).expect(200)).body.text).toContain('a accepté le bilan 2025-2026');
    const sentCrf = (await mandataire.get(`${year}/crf`).expect(200)).body;
    expect(sentCrf).toMatchObject({ version: 1, sent: { status: 'accepted' } });
    // Réserves as such, with the comment, wherever the AD reads the coop: its page, the trial balance's coop rows (HTML, xlsx).
    const page = async (path: string) => (await treasurer.agent.get(path).set('Accept', 'text/html').expect(200)).text;
    const comment = 'Marc Petit : « La facture 12 est une photocopie. »';
    const coopPage = await page('/departements/14/cooperatives/C14001');
    expect(coopPage).toContain('accepté');
    expect(coopPage).toContain(`avec réserves<br><small>${comment.replace(/'/g, '&#x27;')}</small>`);
    expect(await page('/departements/14/annees/2025/balance/cooperatives/C14001')).toContain('Quitus avec réserves');
    expect(await page('/departements/14/annees/2025/balance/comptes/512')).toMatch(
      /définitive, quitus avec réserves<br><small>Marc Petit : « La facture 12 est une photocopie\. »/,
    );
    const xlsx = await treasurer.agent.get('/api/departments/14/years/2025/trial-balance.xlsx').buffer(true).parse(binaryBody).expect(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.body);
    const statuses = new Map<string, string>();
    workbook.getWorksheet('Coopératives × comptes')!.eachRow((row) => statuses.set(String(row.getCell(1).value), String(row.getCell(3).value)));
    expect(statuses.get('C14001')).toBe(`définitive, quitus avec réserves (${comment})`);
    expect(statuses.get('C14002')).toBe('définitive');

    await treasurer.post(`/api/coops/C14001/years/2025/unlock`, { reason: 'Facture oubliée' }).expect(200);
    const voided = (await mandataire.get(`${year}/quitus`).expect(200)).body;
    expect(voided.complete).toBe(false);
    expect(voided.decisions.map((d: { valid: boolean }) => d.valid)).toEqual([false, false]);
    // One status everywhere: the version accepted before the unlock is no longer the year; the list says missing, as the board.
    expect((await treasurer.get('/api/departments/14/years/2025/submissions').expect(200)).body[0]).toMatchObject({
      status: 'missing',
      version: 1,
      quitus: false,
      quitusReserves: false,
      reopened: true,
    });
    const board = (await treasurer.get('/api/departments/14/years/2025/completeness').expect(200)).body.rows;
    expect(board.find((r: { coopId: string }) => r.coopId === 'C14001')).toMatchObject({ submission: 'missing', quitus: false });
    const reopened = await page('/departements/14/cooperatives/C14001');
    expect(reopened).not.toContain('avec réserves');
    expect(reopened).toContain('non envoyé');
    const next = (await mandataire.get('/api/coops/C14001/years/2026/crf').expect(200)).body;
    expect(next.treasury.opening).toMatchObject({ provisional: true, bank: sentCrf.treasury.closing.bank });
    expect(next.status).toBe('provisoire');
    const { code } = (await mandataire.post(`${year}/quitus/invitations`, { name: 'Élodie Durand', quality: 'parent' }).expect(409)).body;
    expect(code).toBe('YEAR_NOT_CLOSED');
  });
});
