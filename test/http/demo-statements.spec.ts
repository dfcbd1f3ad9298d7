import { type Agent, startTestApp, type TestApp } from '../support/app';

/** The demo's closed year: the bank's CSV of every month imported and confirmed, so Relevés shows the feature working at first start. */
describe('the demo coops’ statements', () => {
  let t: TestApp;
  let jferry: Agent;
  const base = '/api/coops/C14001/years/2025';

  beforeAll(async () => {
    t = await startTestApp({ demo: true, now: '2026-11-27T10:00:00Z' });
    [jferry] = await t.loginDemo('jferry');
  });
  afterAll(() => t.close());

  it('one imported CSV a month, September to August, each line pointed', async () => {
    const statements = (await jferry.get(`${base}/statements`).expect(200)).body as Array<{
      date: string;
      lines: number;
      matched: number;
      closingBalance: number;
    }>;
    expect(statements.map((s) => s.date)).toEqual([
      '2025-09-30',
      '2025-10-31',
      '2025-11-30',
      '2025-12-31',
      '2026-01-31',
      '2026-02-28',
      '2026-03-31',
      '2026-04-30',
      '2026-05-31',
      '2026-06-30',
      '2026-07-31',
      '2026-08-31',
    ]);
    expect(statements.reduce((n, s) => n + s.lines, 0)).toBe(6);
    expect(statements.every((s) => s.matched === s.lines)).toBe(true);
    expect(statements.at(-1)!.closingBalance).toBe(198950);
  });

  it('the état de rapprochement at 31 August agrees to the cent, nothing outstanding', async () => {
    expect((await jferry.get(`${base}/bank-reconciliation`).expect(200)).body).toEqual({
      date: '2026-08-31',
      statementDate: '2026-08-31',
      statementBalance: 198950,
      bookBalance: 198950,
      outstandingReceipts: [],
      outstandingPayments: [],
      difference: 0,
    });
  });

  it('the cahier shows every bank entry pointed on its line of the statement', async () => {
    const grid = (await jferry.get(`${base}/grid`).expect(200)).body as { rows: Array<{ pj: string; reconciled: boolean; statementDate: string | null }> };
    const bankRows = grid.rows.filter((r) => r.pj !== '05');
    expect(bankRows.every((r) => r.reconciled)).toBe(true);
    expect(grid.rows.find((r) => r.pj === '01')?.statementDate).toBe('2025-09-28');
  });
});
