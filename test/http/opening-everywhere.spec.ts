import iconv from 'iconv-lite';
import { ProjectedCommandBus } from '../../src/commands/projected-command-bus';
import { commandContext, SYSTEM } from '../../src/commands/command-context';
import { RegisterCoop } from '../../src/commands/coop.commands';
import { UserDirectory } from '../../src/users/user-directory';
import { type Agent, binaryBody, startTestApp, type TestApp } from '../support/app';

/**
 * Issue 22's table, through HTTP: a coop with 2024 (declared 1 000,00 € bank, 50,00 € cash), 2025
 * and 2026 all open, a few entries in each. Every page and file says the same opening — 2025 opens
 * at 1 200,00 / 20,00, 2026 at 1 580,00 / 30,00, provisional — and the same 2026 bank now, 1 540,00.
 * Before the one rule: the grid said 0 / 0, the CRF 380,00 / 10,00, the board −40,00, the FEC none.
 */
describe('one opening everywhere: three open years', () => {
  let t: TestApp;
  let owner: Agent;
  let treasurer: Agent;
  const COOP = 'C14922';
  const PASSWORD = 'un mot de passe solide';
  const api = (year: number) => `/api/coops/${COOP}/years/${year}`;

  const entry = (pj: string, date: string, debit: string, credit: string, amount: number) => ({
    pj,
    date,
    label: `Écriture ${pj}`,
    lines: [
      { account: debit, debit: amount },
      { account: credit, credit: amount },
    ],
  });

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-11-27T10:00:00Z' });
    await t.app.get(ProjectedCommandBus).execute(
      new RegisterCoop(
        {
          type: 'RegisterCoop',
          coopId: COOP,
          department: '14',
          firstYear: 2024,
          identity: { name: 'Coopérative des Trois Années', mandataires: ['Claire Martin'] },
        },
        commandContext(SYSTEM),
      ),
    );
    const users = t.app.get(UserDirectory);
    await users.create({ username: 'troisannees', password: PASSWORD, role: 'mandataire', coopId: COOP, department: '14' });
    await users.create({ username: 'tresorier-trois', password: PASSWORD, role: 'treasurer', department: '14' });
    owner = await t.login('troisannees', PASSWORD);
    treasurer = await t.login('tresorier-trois', PASSWORD);
    await owner.post(`${api(2024)}/opening`, { bank: 100000, cash: 5000, date: '2024-09-01' }).expect(201);
    // 2024: +200,00 in the bank, −30,00 from the cash box → 1 200,00 / 20,00.
    await owner.post(`${api(2024)}/entries`, entry('01', '2024-10-01', '512', '7070', 20000)).expect(201);
    await owner.post(`${api(2024)}/entries`, entry('02', '2024-10-02', '6181', '530', 3000)).expect(201);
    // 2025: +380,00 in the bank, +10,00 in the cash box → 1 580,00 / 30,00.
    await owner.post(`${api(2025)}/entries`, entry('01', '2025-10-01', '512', '7070', 38000)).expect(201);
    await owner.post(`${api(2025)}/entries`, entry('02', '2025-10-02', '530', '7070', 1000)).expect(201);
    // 2026: −40,00 from the bank → 1 540,00 now.
    await owner.post(`${api(2026)}/entries`, entry('01', '2026-10-01', '6181', '512', 4000)).expect(201);
  });
  afterAll(() => t.close());

  it('the notebook (grid) opens 2025 at 1 200,00 / 20,00 and 2026 at 1 580,00 / 30,00, provisional, 2026 bank now 1 540,00', async () => {
    const grid2025 = (await owner.get(`${api(2025)}/grid`).expect(200)).body;
    expect(grid2025.opening).toMatchObject({ bank: 120000, cash: 2000, provisional: true });
    const grid2026 = (await owner.get(`${api(2026)}/grid`).expect(200)).body;
    expect(grid2026.opening).toMatchObject({ bank: 158000, cash: 3000, provisional: true });
    expect(grid2026.balances).toEqual({ bank: 154000, cash: 3000 });
    const page = await owner.agent.get(`/coops/${COOP}/years/2026/cahier`).set('Accept', 'text/html').expect(200);
    expect(page.text).toContain('provisoire');
    expect(page.text.replace(/[\u00a0\u202f]/g, ' ')).toContain('banque 1 580,00 €, caisse 30,00 €');
  });

  it('the CRF opens 2026 at 1 580,00 / 30,00, provisional, and closes at 1 540,00 / 30,00', async () => {
    const crf = (await owner.get(`${api(2026)}/crf`).expect(200)).body;
    expect(crf.treasury.opening).toMatchObject({ bank: 158000, cash: 3000, provisional: true });
    expect(crf.treasury.closing).toMatchObject({ bank: 154000, cash: 3000 });
  });

  it("the AD's board shows 2026's bank now, 1 540,00, provisional", async () => {
    const rows = (await treasurer.get('/api/departments/14/coops?year=2026').expect(200)).body as Array<{ coopId: string }>;
    expect(rows.find((r) => r.coopId === COOP)).toMatchObject({ bank: 154000, cash: 3000, openingProvisional: true });
    const page = await treasurer.agent.get('/departements/14/annees/2026/tableau').set('Accept', 'text/html').expect(200);
    expect(page.text).toContain('provisoire');
  });

  it("the FEC's à-nouveaux are 1 580,00 / 30,00, marked provisional, in a provisional file", async () => {
    const res = await owner.agent
      .get(`${api(2026)}/fec.txt`)
      .buffer(true)
      .parse(binaryBody)
      .expect(200);
    expect(String(res.headers['content-disposition'])).toContain('_provisoire');
    const lines = iconv
      .decode(res.body as Buffer, 'iso-8859-15')
      .split('\r\n')
      .map((l) => l.split('\t'));
    const an = lines.filter((l) => l[0] === 'AN');
    expect(an.map((l) => [l[4], l[10], l[11], l[12]])).toEqual([
      ['512', 'A nouveau provisoire', '1580,00', '0,00'],
      ['530', 'A nouveau provisoire', '30,00', '0,00'],
      ['110', 'A nouveau provisoire', '0,00', '1610,00'],
    ]);
  });

  it('the trial balance opens 512 at 1 580,00 and 530 at 30,00 in 2026, 512 at 1 200,00 in 2025', async () => {
    const balance2026 = (await treasurer.get('/api/departments/14/years/2026/trial-balance?scope=all').expect(200)).body;
    const account = (body: { accounts: Array<{ account: string }> }, code: string) => body.accounts.find((a) => a.account === code);
    expect(account(balance2026, '512')).toMatchObject({ opening: 158000, closing: 154000 });
    expect(account(balance2026, '530')).toMatchObject({ opening: 3000, closing: 3000 });
    const balance2025 = (await treasurer.get('/api/departments/14/years/2025/trial-balance?scope=all').expect(200)).body;
    expect(account(balance2025, '512')).toMatchObject({ opening: 120000, closing: 158000 });
  });

  it('the calendar-year report 2026: 1 January 1 580,00 / 30,00 from 2025 (provisional), 31 December 1 540,00 / 30,00', async () => {
    const { body } = await owner.get(`/api/coops/${COOP}/calendar-years/2026`).expect(200);
    // 1 January 2026: 2025's provisional opening (1 200,00 / 20,00) and its movements up to 31 December 2025.
    expect(body.treasury).toEqual({ start: { bank: 158000, cash: 3000 }, end: { bank: 154000, cash: 3000 }, provisional: true });
  });
});
