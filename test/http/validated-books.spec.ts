import { type Agent, binaryBody, startTestApp, type TestApp } from '../support/app';
import { checkFec, checkFecSuccession, fecRecordsOf } from '../support/fec-check';

type Row = {
  entryId: string;
  pj: string;
  date: string;
  label: string;
  chequeNo: string | null;
  lines: unknown[];
  validated: boolean;
  reverses?: string;
  reversedBy?: string;
  replacedBy?: string;
};

/**
 * Validated books (DOMAIN.md, "Validated books"; API.md, "Reopening and validated books"): the
 * demo's 2025 of C14001 is closed; reopened, its entries are corrected by reversals, and every FEC
 * issued afterwards keeps the lines of the one before. Today: 27/11/2026.
 */
describe('a closed year reopened for corrections keeps its validated books', () => {
  let t: TestApp;
  let treasurer: Agent;
  let mandataire: Agent;
  const year = '/api/coops/C14001/years/2025';
  const fecFile = async (): Promise<{ bytes: Buffer; name: string }> => {
    const res = await treasurer.agent.get(`${year}/fec.txt`).buffer(true).parse(binaryBody).expect(200);
    return { bytes: res.body as Buffer, name: /filename="([^"]+)"/.exec(res.headers['content-disposition'])![1] };
  };
  const rows = async (): Promise<Row[]> => (await mandataire.get(`${year}/grid`).expect(200)).body.rows;
  const body = (row: Row, change: Record<string, unknown>) => ({
    pj: row.pj,
    date: row.date,
    label: row.label,
    chequeNo: row.chequeNo,
    lines: row.lines,
    ...change,
  });
  const gift = {
    pj: '90',
    date: '2026-03-02',
    label: 'Don de livres par la mairie',
    lines: [
      { account: '6181', debit: 4500 },
      { account: '7580', credit: 4500 },
    ],
  };

  beforeAll(async () => {
    t = await startTestApp({ demo: true });
    [treasurer, mandataire] = await t.loginDemo('tresorier14', 'jferry');
  });
  afterAll(() => t.close());
  /** The demo closed 2025 today: the corrections are validated on a later day (sessions log in again). */
  const nextDay = async () => {
    t.clock.advance(24 * 3600_000);
    [treasurer, mandataire] = await t.loginDemo('tresorier14', 'jferry');
  };

  it('closing validated every entry; amended and added after a reopening, the new FEC keeps every line of the first, the new ones after it, validated today', async () => {
    const first = await fecFile();
    expect(checkFec(first.bytes, { year: 2025, coopId: 'C14001', fileName: first.name })).toEqual([]);
    const before = await rows();
    expect(before.every((r) => r.validated)).toBe(true);
    const invoice = before.find((r) => r.pj === '07')!;
    await nextDay();

    await treasurer.post(`${year}/unlock`, { reason: 'Libellé de facture à corriger, don oublié' }).expect(200);
    await mandataire.put(`${year}/entries/${invoice.entryId}`, body(invoice, { label: 'Facture 2231 – sortie au musée' })).expect(200);
    await mandataire.post(`${year}/entries`, gift).expect(201);
    const during = await rows();
    const original = during.find((r) => r.entryId === invoice.entryId)!;
    expect(original).toMatchObject({
      validated: true,
      label: invoice.label,
      reversedBy: `${invoice.entryId}-annulation`,
      replacedBy: `${invoice.entryId}-correction`,
    });
    expect(during.find((r) => r.entryId === `${invoice.entryId}-annulation`)).toMatchObject({
      pj: '07-A',
      label: "Annulation de l'écriture n° 07",
      reverses: invoice.entryId,
      validated: false,
    });
    expect(during.find((r) => r.entryId === `${invoice.entryId}-correction`)).toMatchObject({
      pj: '07',
      label: 'Facture 2231 – sortie au musée',
      validated: false,
    });
    // The notebook shows the corrected entry with its history.
    const grid = await mandataire.agent.get('/coops/C14001/years/2025/cahier').set('Accept', 'text/html').expect(200);
    expect(grid.text).toContain('Écriture validée corrigée : annulée par la pièce 07-A, remplacée par la nouvelle pièce 07.');
    expect(grid.text).toContain('Annulation de l&#x27;écriture n° 07');
    const provisional = await fecFile();
    expect(provisional.name).toMatch(/_C14001_provisoire\.txt$/);
    expect(checkFecSuccession(first.bytes, provisional.bytes)).toEqual([]);

    await treasurer.post(`${year}/lock`).expect(200);
    const second = await fecFile();
    expect(second.name).toBe(first.name);
    expect(checkFec(second.bytes, { year: 2025, coopId: 'C14001', fileName: second.name })).toEqual([]);
    expect(checkFecSuccession(first.bytes, second.bytes, '20261128')).toEqual([]);
    const added = fecRecordsOf(second.bytes).slice(fecRecordsOf(first.bytes).length);
    const lastFirst = Number(fecRecordsOf(first.bytes).at(-1)!.EcritureNum);
    expect([...new Set(added.map((r) => `${r.EcritureNum} ${r.PieceRef} ${r.ValidDate}`))]).toEqual([
      `${lastFirst + 1} 90 20261128`,
      `${lastFirst + 2} 07 20261128`,
      `${lastFirst + 3} 07-A 20261128`,
    ]);
    const notice = (await treasurer.get(`${year}/fec-notice.txt`).expect(200)).text;
    expect(notice).toContain('version 2 du 28/11/2026');
    expect(notice).toContain(`les écritures n° 1 à ${lastFirst} sont inchangées`);
  });

  it('the same after a deletion: the deleted entry stays in the file with its reversal after it', async () => {
    const first = await fecFile();
    const giftRow = (await rows()).find((r) => r.pj === '90')!;
    const before7580 = (await mandataire.get(`${year}/grid`).expect(200)).body.totals['7580'];
    expect(giftRow.validated).toBe(true);
    await nextDay();
    await treasurer.post(`${year}/unlock`, { reason: 'Don compté deux fois' }).expect(200);
    await mandataire.delete(`${year}/entries/${giftRow.entryId}`).expect(204);
    const grid = (await mandataire.get(`${year}/grid`).expect(200)).body;
    // Totals count the net effect: the gift and its reversal cancel out.
    expect(grid.totals['7580']).toEqual({ debit: 4500, credit: before7580.credit });
    expect(grid.rows.find((r: Row) => r.entryId === giftRow.entryId)).toMatchObject({ reversedBy: `${giftRow.entryId}-annulation` });
    await treasurer.post(`${year}/lock`).expect(200);
    const second = await fecFile();
    expect(checkFec(second.bytes, { year: 2025, coopId: 'C14001', fileName: second.name })).toEqual([]);
    expect(checkFecSuccession(first.bytes, second.bytes, '20261129')).toEqual([]);
    const added = fecRecordsOf(second.bytes).slice(fecRecordsOf(first.bytes).length);
    expect([...new Set(added.map((r) => `${r.PieceRef} ${r.ValidDate}`))]).toEqual(['90-A 20261129']);
  });

  it('department reads refuse a bad asOf (400 AS_OF_INVALID), the pages too, and read the department as it stood then', async () => {
    const dept = '/api/departments/14/years/2025';
    for (const path of ['trial-balance', 'trial-balance.xlsx', 'fec.txt', 'fec-notice.txt', 'submissions']) {
      const bad = await treasurer.get(`${dept}/${path}?asOf=garbage`).expect(400);
      expect(bad.body.code).toBe('AS_OF_INVALID');
    }
    for (const path of ['balance', 'balance.pdf', 'balance/comptes/7580', 'balance/cooperatives/C14001', 'depots']) {
      const page = await treasurer.agent.get(`/departements/14/annees/2025/${path}?asOf=garbage`).set('Accept', 'text/html').expect(400);
      expect(page.text).toContain('Choisissez une date et une heure valides');
    }
    // The gift (45,00 € on 7580) was recorded on 28/11 and cancelled by its reversal on 29/11.
    const account7580 = async (query: string) => {
      const accounts = (await treasurer.get(`${dept}/trial-balance${query}`).expect(200)).body.accounts as Array<{
        account: string;
        debit: number;
        credit: number;
      }>;
      const line = accounts.find((a) => a.account === '7580');
      return { debit: line?.debit ?? 0, credit: line?.credit ?? 0 };
    };
    const now = await account7580('');
    expect(now).toEqual({ debit: 4500, credit: 4500 });
    expect(await account7580('?asOf=2026-11-27T12:00:00Z')).toEqual({ debit: 0, credit: 0 });
    expect(await account7580('?asOf=2026-11-28T23:00:00Z')).toEqual({ debit: 0, credit: 4500 });
    expect(await account7580(`?asOf=${t.clock.now().toISOString()}`)).toEqual(now);
    // The FEC of the same moments: before the reopening, C14001's 2025 as first closed.
    const fec = async (query: string) => (await treasurer.agent.get(`${dept}/fec.txt${query}`).buffer(true).parse(binaryBody).expect(200)).body as Buffer;
    const before = fecRecordsOf(await fec('?asOf=2026-11-27T12:00:00Z'));
    const today = fecRecordsOf(await fec(''));
    const corrections = (records: Array<Record<string, string>>) => records.filter((r) => /^C14001-(90|07-A|90-A)$/.test(r.PieceRef)).map((r) => r.PieceRef);
    expect(corrections(before)).toEqual([]);
    expect(new Set(corrections(today))).toEqual(new Set(['C14001-90', 'C14001-07-A', 'C14001-90-A']));
    // Before the demo was recorded (10:00), the department had no coop at all.
    expect((await treasurer.get(`${dept}/submissions?asOf=2026-11-27T09:59:00Z`).expect(200)).body).toEqual([]);
    expect((await treasurer.get(`${dept}/trial-balance?asOf=2026-11-27T09:59:00Z`).expect(200)).body).toMatchObject({ coops: 0, accounts: [] });
    // The pages read the same moment, the picker's French time included, and say which.
    const page = await treasurer.agent.get('/departements/14/annees/2025/balance?asOf=2026-11-27T13:00').set('Accept', 'text/html').expect(200);
    expect(page.text).toContain('au 27/11/2026 13:00:59');
  });

  it("freezes the chart of a year a coop closed (409 CHART_YEAR_CLOSED); the chart's page says why; a new account without a role stays possible", async () => {
    const renamed = await treasurer.put('/api/departments/14/years/2025/chart/accounts/6181', { label: 'Sorties' }).expect(409);
    expect(renamed.body.code).toBe('CHART_YEAR_CLOSED');
    const role = await treasurer.post('/api/departments/14/years/2025/chart/accounts', {
      account: '6587',
      label: 'Cotisation',
      kind: 'charge',
      role: 'membership',
    });
    expect([role.status, role.body.code]).toEqual([409, 'CHART_YEAR_CLOSED']);
    await treasurer.delete('/api/departments/14/years/2025/chart/accounts/6270').expect(409);
    await treasurer.post('/api/departments/14/years/2025/chart/accounts', { account: '6188', label: 'Sorties scolaires', kind: 'charge' }).expect(201);
    const page = await treasurer.agent.get('/departements/14/annees/2025/plan-comptable').set('Accept', 'text/html').expect(200);
    expect(page.text).toContain('Plan comptable figé');
    expect(page.text).not.toContain('/plan-comptable/6181/retrait');
  });
});
