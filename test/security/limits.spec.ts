import fc from 'fast-check';
import { defaultChart } from '../../src/domain/chart';
import { MAX_LINE_CENTS } from '../../src/domain/money';
import { type EntryLine } from '../../src/events/ledger-events';
import { actionsView, breakdownView, crfView, gridView } from '../../src/reads/ledger-views';
import { monthlySeries } from '../../src/reads/year-picture';
import { content, TestLog } from '../projections/ledger/support';
import { type Agent, startTestApp, type TestApp } from '../support/app';
import { eventCount, isFrench } from './support';

/** Issue 12, findings 3 and 9: amounts that overflow sums, asOf values that answered 404. */
describe('limits of amounts and moments on the real app', () => {
  let t: TestApp;
  let jferry: Agent;
  const year = '/api/coops/C14001/years/2026';
  const entry = (pj: string, amount: number, date = '2026-10-15') => ({
    pj,
    date,
    label: 'Vente de photos',
    lines: [
      { account: '512', debit: amount },
      { account: '7070', credit: amount },
    ],
  });

  beforeAll(async () => {
    t = await startTestApp({ demo: true });
    [jferry] = await t.loginDemo('jferry');
  });
  afterAll(() => t.close());

  it('refuses a line above 1 000 000,00 € with AMOUNT_INVALID on its field, storing nothing', async () => {
    const before = await eventCount(t);
    for (const amount of [MAX_LINE_CENTS + 1, 999_999_999_999_999]) {
      const res = await jferry.post(`${year}/entries`, entry('CAP1', amount)).expect(400);
      expect(res.body.code).toBe('AMOUNT_INVALID');
      expect(res.body.fields['lines.0.debit']).toBe('Un montant ne peut dépasser 1\u202f000\u202f000,00\u00a0€.');
      expect(isFrench(res.body.message)).toBe(true);
    }
    const opening = await jferry.post('/api/coops/C14001/years/2026/opening', { bank: MAX_LINE_CENTS + 1, cash: 0 });
    expect(opening.status).not.toBe(201);
    expect(await eventCount(t)).toBe(before);
  });

  it('shows the cap next to the amount on the entry page, keeping what was typed', async () => {
    const res = await jferry.agent
      .post('/coops/C14001/years/2026/ecritures')
      .set('Accept', 'text/html')
      .type('form')
      .send(
        new URLSearchParams({
          _csrf: jferry.csrf,
          pj: 'CAP2',
          date: '15/10/2026',
          label: 'Vente de photos',
          'lines[0][account]': '512',
          'lines[0][debit]': '1 000 000,01',
          'lines[1][account]': '7070',
          'lines[1][credit]': '1 000 000,01',
        }).toString(),
      );
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/id="line-0-debit-error">Un montant ne peut dépasser 1\u202f000\u202f000,00\u00a0€\./);
    expect(res.text).toContain('value="1 000 000,01"');
  });

  it('twelve entries at the cap in one month: the home page and the grid answer, with exact totals', async () => {
    for (let i = 0; i < 12; i++) await jferry.post(`${year}/entries`, entry(`CAP-${i}`, MAX_LINE_CENTS, '2026-10-20')).expect(201);
    const home = await jferry.agent.get('/coops/C14001/years/2026').set('Accept', 'text/html');
    expect(home.status).toBe(200);
    const grid = await jferry.get(`${year}/grid`).expect(200);
    const photos = grid.body.totals['7070'].credit as number;
    expect(Number.isSafeInteger(photos)).toBe(true);
    expect(photos).toBeGreaterThanOrEqual(12 * MAX_LINE_CENTS);
  });

  it('answers 400 AS_OF_INVALID for every asOf that is not an ISO date-time, never 404', async () => {
    const invalid = ['1', '2025', 'hier', '2025-02-30', '2025-13-01T00:00:00Z', '2025-04-25T25:00:00Z', 'Tue, 01 Dec 2026 10:00:00 GMT', '0', '-1', ' '];
    for (const asOf of invalid) {
      for (const read of ['grid', 'breakdown', 'checklist', 'export.csv']) {
        const res = await jferry.get(`${year}/${read}?asOf=${encodeURIComponent(asOf)}`);
        expect({ asOf, read, status: res.status, code: res.body?.code }).toEqual({ asOf, read, status: 400, code: 'AS_OF_INVALID' });
      }
    }
    const twice = await jferry.get(`${year}/grid?asOf=2026-11-01&asOf=2026-11-02`);
    expect([twice.status, twice.body.code]).toEqual([400, 'AS_OF_INVALID']);
    const years = await jferry.get('/api/coops/C14001/years?asOf=demain');
    expect([years.status, years.body.code]).toEqual([400, 'AS_OF_INVALID']);
    // Valid forms still answer.
    for (const asOf of ['2026-11-27', '2026-11-27T10:00:00Z', '2026-11-27T11:00:00+01:00', '2026-11-27T10:00:00.000Z']) {
      await jferry.get(`${year}/grid?asOf=${encodeURIComponent(asOf)}`).expect(200);
    }
  });
});

/**
 * Every sum of a year stays exact at the cap: with lines of at most MAX_LINE_CENTS, the grid's
 * totals and balances, the breakdown, the CRF, the actions and the months equal the sums computed
 * with BigInt, and are safe integers.
 */
describe('sums of a year at the amount cap', () => {
  const chart = defaultChart('14', 2024);
  const near = fc.integer({ min: MAX_LINE_CENTS - 1000, max: MAX_LINE_CENTS });
  const entryArb = fc.record({
    receipt: fc.boolean(),
    treasury: fc.constantFrom('512', '530'),
    account: fc.constantFrom('6070', '6181', '7070', '7080'),
    amounts: fc.array(near, { minLength: 1, maxLength: 4 }),
    day: fc.integer({ min: 0, max: 364 }),
    action: fc.constantFrom(null, 'Photos', 'Sortie'),
  });

  it('grid, breakdown, CRF, actions and months equal the BigInt sums', () => {
    fc.assert(
      fc.property(fc.array(entryArb, { minLength: 1, maxLength: 60 }), (entries) => {
        const log = new TestLog();
        log.append(2024, { type: 'OpeningBalanceDeclared', data: { bank: MAX_LINE_CENTS, cash: MAX_LINE_CENTS, date: '2024-09-01' } });
        const expected = new Map<string, bigint>();
        const add = (account: string, cents: number) => expected.set(account, (expected.get(account) ?? 0n) + BigInt(cents));
        entries.forEach((e, i) => {
          const total = e.amounts.reduce((s, a) => s + a, 0);
          const lines: EntryLine[] = e.receipt
            ? [{ account: e.treasury, debit: total }, ...e.amounts.map((a) => ({ account: e.account, credit: a }))]
            : [{ account: e.treasury, credit: total }, ...e.amounts.map((a) => ({ account: e.account, debit: a }))];
          for (const l of lines) add(l.account, (l.debit ?? 0) - (l.credit ?? 0));
          const date = new Date(Date.UTC(2024, 8, 1 + e.day)).toISOString().slice(0, 10);
          log.append(2024, { type: 'EntryRecorded', data: { entryId: `e${i}`, ...content(String(i + 1), date, 'Au plafond', lines, { actionA: e.action }) } });
        });
        const doc = log.notebook(2024);
        const grid = gridView(doc, chart);
        const net = (account: string) => Number(expected.get(account) ?? 0n);
        expect(grid.balances).toEqual({ bank: MAX_LINE_CENTS + net('512'), cash: MAX_LINE_CENTS + net('530') });
        for (const [account, sum] of expected) expect(BigInt(grid.totals[account].debit) - BigInt(grid.totals[account].credit)).toBe(sum);
        const breakdown = breakdownView(doc, chart);
        expect(BigInt(breakdown.totalProducts) - BigInt(breakdown.totalCharges)).toBe(
          -((expected.get('7070') ?? 0n) + (expected.get('7080') ?? 0n)) - ((expected.get('6070') ?? 0n) + (expected.get('6181') ?? 0n)),
        );
        const months = monthlySeries(
          2024,
          grid.rows.map((r) => ({ date: r.date, bankIn: r.columns.bankIn, bankOut: r.columns.bankOut, cashIn: r.columns.cashIn, cashOut: r.columns.cashOut })),
          doc.opening,
        );
        expect(months[months.length - 1]).toMatchObject(grid.balances);
        const everyNumber = (value: unknown): number[] =>
          typeof value === 'number' ? [value] : value && typeof value === 'object' ? Object.values(value).flatMap(everyNumber) : [];
        for (const n of everyNumber([grid.totals, grid.balances, breakdown, crfView(doc, chart), actionsView(doc, chart), months])) {
          expect(Number.isSafeInteger(n)).toBe(true);
        }
      }),
      { numRuns: 50 },
    );
  });
});
