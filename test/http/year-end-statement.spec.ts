import { type Agent, startTestApp, type TestApp } from '../support/app';

/**
 * API.md's "Year's end" with the year-end statement imported from the bank's file: no statement
 * document to attach, the submission sends the year with the imported file as its statement, and
 * the department's list and balance see it. A new coop's first year, 2026-2027, closed in
 * September 2027.
 */
describe("year's end API: the imported August statement is the submission's statement", () => {
  jest.setTimeout(60_000);
  let t: TestApp;
  let mandataire: Agent;
  let treasurer: Agent;
  let plage: Agent;
  const year = '/api/coops/C14099/years/2026';
  const august = ['Date;Libellé;Débit;Crédit', '10/08/2027;VIR SEPA APE DU PORT;;320,00', '31/08/2027;FRAIS TENUE DE COMPTE;3,50;'];

  beforeAll(async () => {
    t = await startTestApp({ demo: true, now: '2026-11-27T10:00:00Z' });
    [treasurer] = await t.loginDemo('tresorier14');
    await treasurer
      .post('/api/departments/14/coops', { coopId: 'C14099', name: 'Coopérative du Port', username: 'port', password: 'mot-de-passe-du-port' })
      .expect(201);
    await treasurer
      .post('/api/departments/14/coops', { coopId: 'C14098', name: 'Coopérative de la Plage', username: 'plage', password: 'mot-de-passe-plage' })
      .expect(201);
    [mandataire, plage] = [await t.login('port', 'mot-de-passe-du-port'), await t.login('plage', 'mot-de-passe-plage')];
    await mandataire.post(`${year}/opening`, { bank: 10000, cash: 0 }).expect(201);
    await plage.post('/api/coops/C14098/years/2026/opening', { bank: 5000, cash: 0 }).expect(201);
    await plage.post('/api/coops/C14098/years/2026/statements', { date: '2027-08-31', closingBalance: 5000 }).expect(201);
    const entry = (pj: string, date: string, label: string, lines: object[]) =>
      mandataire.post(`${year}/entries`, { pj, date, label, chequeNo: null, actionA: null, actionB: null, lines }).expect(201);
    await entry('01', '2027-08-10', 'APE du Port – don', [
      { account: '512', debit: 32000 },
      { account: '7070', credit: 32000 },
    ]);
    await entry('02', '2027-08-31', 'Banque – frais de tenue de compte', [
      { account: '6270', debit: 350 },
      { account: '512', credit: 350 },
    ]);
  });
  afterAll(() => t.close());

  it('imports August from the bank’s file, closes, gets its quitus and is sent with no statement attached', async () => {
    const imported = (
      await mandataire.agent
        .post(`${year}/statements`)
        .set('X-CSRF-Token', mandataire.csrf)
        .field('date', '2027-08-31')
        .field('closingBalance', '41650')
        .attach('file', Buffer.from(august.join('\r\n'), 'utf8'), 'releve-aout-2027.csv')
        .expect(201)
    ).body;
    expect(imported).toMatchObject({ date: '2027-08-31', closingBalance: 41650, lines: 2 });
    await mandataire.post(`${year}/statements/${imported.statementId}/matches`, { acceptProposals: true }).expect(200);

    // Closing opens on 1 September: a new day, a new session.
    t.clock.set('2027-09-08T10:00:00Z');
    [mandataire, treasurer, plage] = [
      await t.login('port', 'mot-de-passe-du-port'),
      ...(await t.loginDemo('tresorier14')),
      await t.login('plage', 'mot-de-passe-plage'),
    ];
    await mandataire.post(`${year}/closing`).expect(200);
    for (const [name, quality] of [
      ['Élodie Durand', 'parent'],
      ['Marc Petit', 'enseignant'],
    ]) {
      const { code } = (await mandataire.post(`${year}/quitus/invitations`, { name, quality }).expect(201)).body;
      await t.anonymous().post(`/api/quitus/${code}`).send({ decision: 'quitus' }).expect(200);
    }

    const view = (await mandataire.get(`${year}/submission`).expect(200)).body;
    expect(view).toMatchObject({
      canSubmit: true,
      blockers: [],
      statements: [],
      importedStatement: { statementId: imported.statementId, date: '2027-08-31', file: { fileName: 'releve-aout-2027.csv', format: 'csv' } },
    });
    const rows = (await treasurer.get('/api/departments/14/years/2026/submissions').expect(200)).body;
    expect(rows.find((r: { coopId: string }) => r.coopId === 'C14099')).toMatchObject({
      status: 'missing',
      quitus: true,
      statement: true,
      subsidyProofs: true,
    });

    const page = (await mandataire.get('/coops/C14099/years/2026/depot').expect(200)).text;
    expect(page).toContain('Relevé importé le 27/11/2026 (fichier <a href="/api/coops/C14099/years/2026/statements/');
    expect(page).toContain('releve-aout-2027.csv</a>), au 31/08/2027');
    expect(page).not.toContain('Aucun relevé joint');
    // The department's completeness (the trial balance's documents) reads it the same.
    const completeness = (await treasurer.get('/api/departments/14/years/2026/completeness').expect(200)).body.rows;
    const row = (coopId: string) => completeness.find((r: { coopId: string }) => r.coopId === coopId);
    expect(row('C14099')).toMatchObject({ closed: true, quitus: true, statement: true });
    expect(row('C14098')).toMatchObject({ statement: false });

    expect((await mandataire.post(`${year}/submission`).expect(201)).body).toEqual({ version: 1 });
    const sent = (await treasurer.get('/api/departments/14/years/2026/submissions').expect(200)).body;
    expect(sent.find((r: { coopId: string }) => r.coopId === 'C14099')).toMatchObject({ status: 'submitted', version: 1, statement: true });
    const file = await mandataire.get(`${year}/statements/${imported.statementId}/file`).expect(200);
    expect(file.text ?? file.body.toString()).toContain('VIR SEPA APE DU PORT');
  });

  it('the paper statement alone is not the document: a coop that typed August by hand still attaches it', async () => {
    const base = '/api/coops/C14098/years/2026';
    await plage.post(`${base}/closing`).expect(200);
    const blocked = await plage.post(`${base}/submission`).expect(409);
    expect(blocked.body.blockers.map((b: { code: string }) => b.code)).toEqual(['QUITUS_INCOMPLETE', 'STATEMENT_DOCUMENT_MISSING']);
  });
});
