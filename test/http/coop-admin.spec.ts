import { UserDirectory } from '../../src/users/user-directory';
import { type Agent, startTestApp, type TestApp } from '../support/app';

/** The department's management of its coops through the JSON API: identity, password, unlock / lock, grants. */
describe('coop management API', () => {
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

  it('changes a coop’s identity, visible in the board and the coops list', async () => {
    const identity = { name: 'Coopérative Jules Ferry (Caen)', school: 'École Jules Ferry', uai: '0141234a', mandataires: ['Claire Martin', 'Hugo Petit'] };
    const { body } = await treasurer.put('/api/coops/C14001/identity', identity).expect(200);
    expect(body).toMatchObject({ coopId: 'C14001', name: identity.name, uai: '0141234A', mandataires: identity.mandataires });
    const board = (await treasurer.get('/api/departments/14/coops?year=2026').expect(200)).body;
    expect(board.find((r: { coopId: string }) => r.coopId === 'C14001').name).toBe(identity.name);
    const page = await treasurer.agent.get('/departements/14/cooperatives').set('Accept', 'text/html').expect(200);
    expect(page.text).toContain('Coopérative Jules Ferry (Caen)');
    expect(page.text).toContain('Hugo Petit');
    const refused = await treasurer.put('/api/coops/C14001/identity', { name: '', uai: 'ABC' }).expect(400);
    expect(refused.body.fields).toMatchObject({ name: expect.any(String), uai: expect.any(String) });
  });

  it('resets a mandataire’s password, which ends their open sessions', async () => {
    const session = await t.login('jferry', 'demo-jules-ferry');
    await session.get('/api/coops/C14001/years/2026/grid').expect(200);
    await treasurer.post('/api/coops/C14001/password', { username: 'jferry', password: 'court' }).expect(400);
    await treasurer.post('/api/coops/C14001/password', { username: 'tresorier14', password: 'une nouvelle phrase secrète' }).expect(404);
    await treasurer.post('/api/coops/C14002/password', { username: 'jferry', password: 'une nouvelle phrase secrète' }).expect(404);
    await treasurer.post('/api/coops/C14001/password', { username: 'jferry', password: 'une nouvelle phrase secrète' }).expect(200);
    await session.get('/api/coops/C14001/years/2026/grid').expect(401);
    await t.anonymous().post('/api/login').send({ username: 'jferry', password: 'demo-jules-ferry' }).expect(401);
    mandataire = await t.login('jferry', 'une nouvelle phrase secrète');
    await mandataire.get('/api/coops/C14001/years/2026/grid').expect(200);
  });

  it('unlock lets a correction through a closed year; lock carries the corrected figures into the next year', async () => {
    const before = (await treasurer.get('/api/coops/C14001/years/2026/grid').expect(200)).body.opening;
    const grid2025 = (await treasurer.get('/api/coops/C14001/years/2025/grid').expect(200)).body;
    const invoice = grid2025.rows.find((r: { pj: string }) => r.pj === '07');
    const corrected = {
      pj: '07',
      date: invoice.date,
      label: invoice.label,
      chequeNo: invoice.chequeNo,
      lines: [
        { account: '6181', debit: 30000 },
        { account: '512', credit: 30000 },
      ],
    };
    const amend = () => mandataire.put(`/api/coops/C14001/years/2025/entries/${invoice.entryId}`, corrected);

    await amend().expect(409);
    await treasurer.post('/api/coops/C14001/years/2025/unlock', {}).expect(400);
    await mandataire.post('/api/coops/C14001/years/2025/unlock', { reason: 'Facture 2231 mal saisie' }).expect(403);
    await auditor.post('/api/coops/C14001/years/2025/unlock', { reason: 'Facture 2231 mal saisie' }).expect(403);
    await treasurer.post('/api/coops/C14001/years/2025/lock').expect(409);
    await treasurer.post('/api/coops/C14001/years/2025/unlock', { reason: 'Facture 2231 mal saisie' }).expect(200);
    expect((await treasurer.get('/api/departments/14/coops?year=2025').expect(200)).body.find((r: { coopId: string }) => r.coopId === 'C14001')).toMatchObject({
      status: 'open',
      unlocked: true,
    });

    await amend().expect(200);
    // The entry was validated by the closing: the amendment is its reversal and the corrected entry. The amount changed:
    // the corrected entry is not reconciled; the bank showed 300,00, as the corrected August statement says.
    await mandataire.post(`/api/coops/C14001/years/2025/entries/${invoice.entryId}-correction/reconciliation`, { statementDate: '2026-08-31' }).expect(200);
    await mandataire.post('/api/coops/C14001/years/2025/statements', { date: '2026-08-31', closingBalance: 198950 + 1000 }).expect(201);
    await mandataire.post('/api/coops/C14001/years/2025/closing').expect(409);
    await mandataire.post('/api/coops/C14001/years/2025/lock').expect(403);
    await auditor.post('/api/coops/C14001/years/2025/lock').expect(403);
    await treasurer.post('/api/coops/C14001/years/2025/lock').expect(200);
    await amend().expect(409);

    const after = (await treasurer.get('/api/coops/C14001/years/2026/grid').expect(200)).body.opening;
    expect(after.bank).toBe(before.bank + 1000);
    expect(after.cash).toBe(before.cash);
    const types = (await auditor.get('/api/coops/C14001/history').expect(200)).body.events.map((e: { type: string }) => e.type);
    expect(types.slice(-8)).toEqual([
      'YearUnlocked',
      'EntryRecorded',
      'EntryReconciled',
      'EntryRecorded',
      'EntryReconciled',
      'StatementDeclared',
      'YearLocked',
      'EntriesValidated',
    ]);
  });

  it('mandataire and auditor get 403, another department 404', async () => {
    for (const agent of [mandataire, auditor]) {
      await agent.put('/api/coops/C14001/identity', { name: 'Non' }).expect(403);
      await agent.post('/api/coops/C14001/password', { username: 'jferry', password: 'une phrase bien longue' }).expect(403);
    }
    await auditor.post('/api/departments/14/auditors/verif14/grants', { departments: ['14'] }).expect(403);
    await treasurer61.put('/api/coops/C14001/identity', { name: 'Non' }).expect(404);
    await treasurer61.post('/api/coops/C14001/password', { username: 'jferry', password: 'une phrase bien longue' }).expect(404);
    await treasurer61.post('/api/coops/C14001/years/2025/unlock', { reason: 'non' }).expect(404);
    await treasurer61.post('/api/coops/C14001/years/2025/lock').expect(404);
    await treasurer61.post('/api/departments/14/auditors/verif14/grants', { departments: ['14'] }).expect(404);
    await mandataire.post('/api/departments/14/auditors/verif14/grants', { departments: ['14'] }).expect(404);
    await treasurer.put('/api/coops/C61001/identity', { name: 'Non' }).expect(404);
    await treasurer.post('/api/coops/C61001/years/2025/unlock', { reason: 'non' }).expect(404);
  });

  it('grants an auditor coops of the department; a treasurer cannot grant outside it', async () => {
    const admin = await t.login('admin', 'demo-admin-2025');
    const users = t.app.get(UserDirectory);
    await users.create({ username: 'verif61', password: 'une phrase assez longue', role: 'auditor' });
    const newcomer = await t.login('verif61', 'une phrase assez longue');
    await newcomer.get('/api/coops/C14002/history').expect(404);

    await treasurer.post('/api/departments/14/auditors/verif61/grants', { coops: ['C61001'] }).expect(400);
    await treasurer.post('/api/departments/14/auditors/verif61/grants', { departments: ['61'] }).expect(400);
    // Not an auditor and unknown answer alike: the treasurer cannot probe the accounts (#24 point 12).
    const notAuditor = await treasurer.post('/api/departments/14/auditors/tresorier61/grants', { coops: ['C14002'] }).expect(404);
    const unknown = await treasurer.post('/api/departments/14/auditors/personne/grants', { coops: ['C14002'] }).expect(404);
    expect(notAuditor.body.code).toBe('USER_NOT_FOUND');
    expect(unknown.body.code).toBe('USER_NOT_FOUND');
    const granted = await treasurer.post('/api/departments/14/auditors/verif61/grants', { coops: ['C14002'] }).expect(200);
    expect(granted.body).toMatchObject({ username: 'verif61', grants: { coops: ['C14002'], departments: [] } });

    await newcomer.get('/api/coops/C14002/history').expect(200);
    await newcomer.get('/api/coops/C14001/history').expect(404);
    await newcomer.get('/api/departments/14/coops').expect(404);
    await newcomer.post('/api/coops/C14002/years/2026/entries', {}).expect(403);

    await admin.post('/api/departments/14/auditors/verif61/grants', { departments: ['61'] }).expect(200);
    await newcomer.get('/api/departments/61/coops').expect(200);
    // Department 14's treasurer does not see that verif61 also reads department 61.
    const again = await treasurer.post('/api/departments/14/auditors/verif61/grants', { coops: ['C14001'] }).expect(200);
    expect(again.body).toMatchObject({ username: 'verif61', department: null, grants: { departments: [] } });
    expect([...again.body.grants.coops].sort()).toEqual(['C14001', 'C14002']);
  });
});
