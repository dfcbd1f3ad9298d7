import { expectedStatementBalance } from '../../src/domain/statements';
import { ProjectedCommandBus } from '../../src/commands/projected-command-bus';
import { commandContext, SYSTEM } from '../../src/commands/command-context';
import { RegisterCoop } from '../../src/commands/coop.commands';
import { UserDirectory } from '../../src/users/user-directory';
import { type Agent, startTestApp, type TestApp } from '../support/app';

type Line = { account: string; debit?: number; credit?: number; regie?: string };
const entry = (pj: string, date: string, label: string, lines: Line[], extra: Record<string, unknown> = {}) => ({
  pj,
  date,
  label,
  chequeNo: null,
  actionA: null,
  actionB: null,
  lines,
  ...extra,
});

/**
 * A year taken from its opening to YearClosed through the API only, with the guide's examples;
 * the next year opens from the closing. Today: 27/11/2026, so 2025-2026 may close.
 */
describe('a fiscal year from opening to closing, through the API', () => {
  let t: TestApp;
  let m: Agent;
  const y2025 = '/api/coops/C14100/years/2025';
  const y2026 = '/api/coops/C14100/years/2026';
  const ids: Record<string, string> = {};
  let beforeAmendment = '';

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-11-27T10:00:00Z' });
    await t.app.get(ProjectedCommandBus).execute(
      new RegisterCoop(
        {
          type: 'RegisterCoop',
          coopId: 'C14100',
          department: '14',
          firstYear: 2025,
          identity: { name: "Coopérative de l'école des Tilleuls", mandataires: ['Claire Martin'] },
        },
        commandContext(SYSTEM),
      ),
    );
    await t.app
      .get(UserDirectory)
      .create({ username: 'tilleuls100', password: 'un mot de passe solide', role: 'mandataire', coopId: 'C14100', department: '14' });
    m = await t.login('tilleuls100', 'un mot de passe solide');
  });
  afterAll(() => t.close());

  const record = async (key: string, body: object) => {
    const res = await m.post(`${y2025}/entries`, body);
    expect(res.status).toBe(201);
    ids[key] = res.body.entryId;
  };

  it('opens the first year by hand ("Existence au début de l\'exercice")', async () => {
    await m.post(`${y2025}/opening`, { bank: 100000, cash: 5000, date: '2025-09-01' }).expect(201);
    const again = await m.post(`${y2025}/opening`, { bank: 1, cash: 1 });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('OPENING_ALREADY_DECLARED');
    const grid = await m.get(`${y2025}/grid`).expect(200);
    expect(grid.body.opening).toMatchObject({ bank: 100000, cash: 5000 });
  });

  it("records the guide's entries", async () => {
    await record(
      'photosIn',
      entry(
        '01',
        '2025-10-10',
        'Ventes de photos scolaires aux familles',
        [
          { account: '512', debit: 32000 },
          { account: '7070', credit: 32000 },
        ],
        { actionA: 'Photos' },
      ),
    );
    await record(
      'photosOut',
      entry(
        '02',
        '2025-10-24',
        'Photographe Fact. n°199200 - Photos',
        [
          { account: '6070', debit: 32000 },
          { account: '512', credit: 32000 },
        ],
        { actionA: 'Photos', chequeNo: '1568965' },
      ),
    );
    await record(
      'cotisation',
      entry('03', '2025-09-20', 'OCCE 14 – Cotisation et assurance', [
        { account: '6586', debit: 21200 },
        { account: '6168', debit: 2100 },
        { account: '512', credit: 23300 },
      ]),
    );
    await record(
      'regie',
      entry('04', '2025-09-22', "Régie d'avance CP-CE1", [
        { account: '4670', debit: 15000, regie: 'CP-CE1' },
        { account: '512', credit: 15000 },
      ]),
    );
    await record(
      'subsidy',
      entry('05', '2026-01-12', 'Mairie – Subvention', [
        { account: '512', debit: 50000 },
        { account: '7410', credit: 50000 },
      ]),
    );
    await record(
      'deposit',
      entry('06', '2026-03-09', 'Dépôt des espèces', [
        { account: '512', debit: 2000 },
        { account: '530', credit: 2000 },
      ]),
    );
    const actions = await m.get(`${y2025}/actions/Photos`).expect(200);
    expect(actions.body).toMatchObject({ name: 'Photos', totalIn: 32000, totalOut: 32000, balance: 0 });
  });

  it('keeps REGIE_OPEN until the advance is settled (25,00 returned, 125,00 explained)', async () => {
    let checklist = await m.get(`${y2025}/checklist`).expect(200);
    expect(checklist.body.blockers.map((b: { code: string }) => b.code)).toContain('REGIE_OPEN');
    await record(
      'regieBack',
      entry('07', '2026-06-20', 'Retour de régie CP-CE1', [
        { account: '512', debit: 2500 },
        { account: '4670', credit: 2500, regie: 'CP-CE1' },
      ]),
    );
    await record(
      'regieSpent',
      entry('08', '2026-06-20', 'Cahier de régie CP-CE1', [
        { account: '6181', debit: 12500 },
        { account: '4670', credit: 12500, regie: 'CP-CE1' },
      ]),
    );
    checklist = await m.get(`${y2025}/checklist`).expect(200);
    expect(checklist.body.blockers.map((b: { code: string }) => b.code)).not.toContain('REGIE_OPEN');
  });

  it('amends, duplicates and deletes entries; time-travel shows the entry as it first was', async () => {
    const before = (await m.get(`${y2025}/grid`).expect(200)).body.rows.find((r: { entryId: string }) => r.entryId === ids.subsidy);
    beforeAmendment = new Date(t.clock.now().getTime()).toISOString();
    t.clock.advance(60_000);
    await m
      .put(`${y2025}/entries/${ids.subsidy}`, {
        ...entry('05', '2026-01-12', 'Mairie – Subvention projets', [
          { account: '512', debit: 50000 },
          { account: '7410', credit: 50000 },
        ]),
        expectedRevision: 1,
      })
      .expect(200);
    const dup = await m.post(`${y2025}/entries/${ids.photosIn}/duplicate`, { pj: '09' }).expect(201);
    await m.delete(`${y2025}/entries/${dup.body.entryId}`).expect(204);
    const now = (await m.get(`${y2025}/grid`).expect(200)).body.rows;
    expect(now.find((r: { entryId: string }) => r.entryId === ids.subsidy).label).toBe('Mairie – Subvention projets');
    expect(now.find((r: { entryId: string }) => r.entryId === dup.body.entryId)).toBeUndefined();
    const past = (await m.get(`${y2025}/grid?asOf=${encodeURIComponent(beforeAmendment)}`).expect(200)).body.rows;
    expect(past.find((r: { entryId: string }) => r.entryId === ids.subsidy)).toEqual(before);
  });

  it('congratulates when the subsidies table matches 7410, and blocks while it does not', async () => {
    await m
      .put(`${y2025}/subsidies`, { rows: [{ origin: 'Mairie', amount: 40000, date: '2026-01-12', designation: 'Projets', attachedToExpenses: 0 }] })
      .expect(200);
    let checklist = await m.get(`${y2025}/checklist`).expect(200);
    expect(checklist.body.blockers.map((b: { code: string }) => b.code)).toContain('SUBSIDIES_UNJUSTIFIED');
    await m
      .put(`${y2025}/subsidies`, { rows: [{ origin: 'Mairie', amount: 50000, date: '2026-01-12', designation: 'Projets', attachedToExpenses: 50000 }] })
      .expect(200);
    checklist = await m.get(`${y2025}/checklist`).expect(200);
    expect(checklist.body.blockers.map((b: { code: string }) => b.code)).not.toContain('SUBSIDIES_UNJUSTIFIED');
    expect(JSON.stringify(checklist.body)).toMatch(/correspond au compte 741/);
  });

  it('counts the cash box by denominations and reports the difference with 530', async () => {
    const wrong = await m.post(`${y2025}/cash-counts`, { date: '2026-08-31', counts: { '1000': 2 } }).expect(201);
    expect(wrong.body).toEqual(expect.objectContaining({ total: 2000, difference: -1000 }));
    const right = await m.post(`${y2025}/cash-counts`, { date: '2026-08-31', counts: { '2000': 1, '500': 1, '200': 2, '100': 1 } }).expect(201);
    expect(right.body).toEqual(expect.objectContaining({ total: 3000, difference: 0 }));
  });

  it('closes once the bank is reconciled, checklist and command agreeing at every step', async () => {
    const agree = async () => {
      const checklist = (await m.get(`${y2025}/checklist`).expect(200)).body;
      return checklist;
    };
    let checklist = await agree();
    expect(checklist.blockers.map((b: { code: string }) => b.code)).toEqual(['UNRECONCILED_MANY', 'BANK_STATEMENT_MISSING']);
    expect(checklist.canClose).toBe(false);
    const refused = await m.post(`${y2025}/closing`).expect(409);
    expect(refused.body.blockers).toEqual(checklist.blockers);
    // Reconcile all bank entries but two: they travel to the next year.
    for (const key of ['photosIn', 'cotisation', 'regie', 'subsidy', 'deposit'])
      await m.post(`${y2025}/entries/${ids[key]}/reconciliation`, { statementDate: '2026-08-31' }).expect(200);
    checklist = await agree();
    expect(checklist.blockers.map((b: { code: string }) => b.code)).toEqual(['BANK_STATEMENT_MISSING']);
    // The August statement, typed from the paper: the two items not on it explain the difference with the books.
    const rapprochement = (await m.get(`${y2025}/bank-reconciliation?date=2026-08-31`).expect(200)).body;
    const statementBalance = expectedStatementBalance(rapprochement);
    await m.post(`${y2025}/statements`, { date: '2026-08-31', closingBalance: statementBalance }).expect(201);
    checklist = await agree();
    expect(checklist).toMatchObject({ canClose: true, blockers: [] });
    await m.post(`${y2025}/closing`).expect(200).expect({ closed: true });
    const closedAgain = await m.post(
      `${y2025}/entries`,
      entry('10', '2026-05-01', 'Trop tard', [
        { account: '512', debit: 100 },
        { account: '7700', credit: 100 },
      ]),
    );
    expect(closedAgain.status).toBe(409);
    expect(closedAgain.body.code).toBe('YEAR_CLOSED');
  });

  it('opens the next year with the closing balances and the carried-over items', async () => {
    const closedCrf = (await m.get(`${y2025}/crf`).expect(200)).body;
    const next = (await m.get(`${y2026}/grid`).expect(200)).body;
    // 1000,00 + 320 − 320 − 233 − 150 + 500 + 20 + 25 = 1162,00 ; cash 50,00 − 20,00 = 30,00
    expect(next.opening).toMatchObject({ bank: 116200, cash: 3000 });
    expect(closedCrf.closing).toMatchObject({ bank: 116200, cash: 3000 });
    expect(next.carriedOver.map((c: { pj: string }) => c.pj).sort()).toEqual(['02', '07']);
    const breakdown = (await m.get(`${y2025}/breakdown`).expect(200)).body;
    expect(breakdown).toMatchObject({ totalProducts: 82000, totalCharges: 32000 + 21200 + 2100 + 12500, result: 82000 - 67800 });
  });

  it('answers reads of the closed year and of any past moment', async () => {
    for (const path of ['grid', 'breakdown', 'actions', 'checklist', 'crf', 'cra', 'export.csv', 'fec.txt']) {
      await m.get(`${y2025}/${path}`).expect(200);
      await m.get(`${y2025}/${path}?asOf=${encodeURIComponent(beforeAmendment)}`).expect(200);
    }
    const bad = await m.get(`${y2025}/grid?asOf=hier`).expect(400);
    expect(bad.body.code).toBe('AS_OF_INVALID');
  });
});
