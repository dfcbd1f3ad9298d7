import { type Agent, startTestApp, type TestApp } from '../support/app';

const plain = (html: string): string => html.replace(/[\u00a0\u202f]/g, ' ').replace(/&#x27;/g, "'");

/**
 * The demo's current year shows the families' payments at first start: C14002's farm outing, seven
 * receipts, the five cheques on one deposit slip (one notebook entry), the bank's October line for
 * it matched to that entry, two cash payments still to deposit.
 */
describe('the demo’s family payments', () => {
  jest.setTimeout(120_000);
  let t: TestApp;
  let tilleuls: Agent;
  const api = '/api/coops/C14002/years/2026';

  beforeAll(async () => {
    t = await startTestApp({ demo: true, now: '2026-11-27T10:00:00Z' });
    [tilleuls] = await t.loginDemo('tilleuls');
  });
  afterAll(() => t.close());

  it('a current-year outing paid by seven families, receipts 1 to 7', async () => {
    const payments = (await tilleuls.get(`${api}/payments?action=Sortie%20%C3%A0%20la%20ferme`).expect(200)).body as Array<{
      receiptNo: number;
      amount: number;
      mode: string;
      depositId: string | null;
    }>;
    expect(payments.map((p) => p.receiptNo)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(payments.filter((p) => p.mode === 'cheque').every((p) => p.depositId !== null)).toBe(true);
    expect(payments.filter((p) => p.depositId === null).map((p) => p.mode)).toEqual(['cash', 'cash']);
  });

  it('one deposit of the five cheques, one entry: 512 debit 60,00 €, 7560 credit', async () => {
    const [deposit] = (await tilleuls.get(`${api}/deposits`).expect(200)).body;
    expect(deposit).toMatchObject({ depositNo: 1, date: '2026-10-06', mode: 'cheque', total: 6000, cancelled: false });
    const row = (await tilleuls.get(`${api}/grid`).expect(200)).body.rows.find((r: { entryId: string }) => r.entryId === deposit.entryId);
    expect(row).toMatchObject({
      pj: 'REM01',
      actionA: 'Sortie à la ferme',
      reconciled: true,
      lines: [
        { account: '512', debit: 6000 },
        { account: '7560', credit: 6000 },
      ],
    });
  });

  it('the bank’s October statement: one line for the deposit, matched to its entry', async () => {
    const [deposit] = (await tilleuls.get(`${api}/deposits`).expect(200)).body;
    const statements = (await tilleuls.get(`${api}/statements`).expect(200)).body;
    expect(statements).toEqual([expect.objectContaining({ date: '2026-10-31', lines: 1, matched: 1, closingBalance: 198950 + 6000 })]);
    const detail = (await tilleuls.get(`${api}/statements/${statements[0].statementId}`).expect(200)).body;
    expect(detail.lines).toEqual([expect.objectContaining({ amount: 6000, status: 'matched', entryIds: [deposit.entryId] })]);
  });

  it('the Encaissements pages show it', async () => {
    const page = plain((await tilleuls.agent.get('/coops/C14002/years/2026/encaissements').set('Accept', 'text/html').expect(200)).text);
    expect(page).toContain('Famille Bernard');
    expect(page).toContain('Espèces à remettre : 2 paiements, 24,00 €');
    const actions = plain((await tilleuls.agent.get('/coops/C14002/years/2026/encaissements/actions').set('Accept', 'text/html').expect(200)).text);
    expect(actions).toContain("Recettes de l'action au cahier : 60,00 € — égales aux paiements remis.");
  });
});
