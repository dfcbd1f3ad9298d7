import { expectedStatementBalance } from '../../src/domain/statements';
import { type Agent, startTestApp, type TestApp } from '../support/app';

/** API.md's "Bank statements", end to end: a mandataire imports the bank's file, confirms, reconciles, closes. */
describe('bank statements JSON API', () => {
  let t: TestApp;
  let mandataire: Agent;
  const base = '/api/coops/C14002/years/2026';
  const entry = (pj: string, date: string, label: string, amount: number, extra: Record<string, unknown> = {}) => ({
    pj,
    date,
    label,
    chequeNo: null,
    actionA: null,
    actionB: null,
    lines:
      amount > 0
        ? [
            { account: '512', debit: amount },
            { account: '7070', credit: amount },
          ]
        : [
            { account: '6181', debit: -amount },
            { account: '512', credit: -amount },
          ],
    ...extra,
  });
  const september = [
    'Banque Populaire Val de France;;;',
    'Compte courant n° 00012345678;;;',
    ';;;',
    'Date;Libellé;Débit;Crédit',
    '08/09/2026;CHEQUE N° 0004521;233,00;',
    '15/09/2026;VIR SEPA APE LES TILLEULS;;320,00',
    '22/09/2026;CB LIBRAIRIE DU PORT;45,90;',
    '30/09/2026;FRAIS TENUE DE COMPTE;3,50;',
    'Solde au 30/09/2026;;;',
  ];
  const ids: Record<string, string> = {};
  let statementId = '';
  let opening = 0;

  const upload = (path: string, lines: string[], fields: Record<string, string> = {}) => {
    const req = mandataire.agent.post(`${base}/${path}`).set('X-CSRF-Token', mandataire.csrf);
    for (const [name, value] of Object.entries(fields)) req.field(name, value);
    return req.attach('file', Buffer.from(lines.join('\r\n'), 'utf8'), 'releve.csv');
  };
  const eventCount = async () => {
    let n = 0;
    for await (const _ of t.stores.eventStore.readAll()) n++;
    return n;
  };

  beforeAll(async () => {
    t = await startTestApp({ demo: true, now: '2026-10-05T10:00:00Z' });
    [mandataire] = await t.loginDemo('tilleuls');
    opening = (await mandataire.get(`${base}/grid`).expect(200)).body.opening.bank;
    for (const [key, body] of Object.entries({
      occe: entry('01', '2026-09-02', 'OCCE 14 – Cotisation', -23300, { chequeNo: '4521' }),
      ape: entry('02', '2026-09-14', 'APE Les Tilleuls – don', 32000),
      books: entry('03', '2026-09-21', 'Librairie du Port – albums', -4590),
      other: entry('04', '2026-09-25', 'Vente de calendriers', 12000),
    })) {
      ids[key] = (await mandataire.post(`${base}/entries`, body).expect(201)).body.entryId;
    }
  });
  afterAll(() => t.close());

  it('previews a file without storing anything: its shape, its mapping, its lines', async () => {
    const before = await eventCount();
    const preview = await upload('statements/preview', [...september.slice(0, -1), 'Solde au 30/09/2026;;;1 234,56']).expect(200);
    expect(preview.body).toMatchObject({
      format: 'csv',
      mapping: { delimiter: ';', headerLine: 4, date: 0, label: 1, debit: 2, credit: 3, amount: null },
      date: '2026-09-30',
      closingBalance: 123456,
    });
    expect(preview.body.lines[0]).toEqual({ date: '2026-09-08', label: 'CHEQUE N° 0004521', amount: -23300, chequeNo: '4521' });
    const bad = await upload('statements/preview', ['Date;Libellé;Montant', '08/09/2026;CHEQUE;deux cents']).expect(400);
    expect(bad.body).toMatchObject({
      code: 'STATEMENT_UNREADABLE',
      message: 'Ligne 2 : montant attendu dans la colonne « Montant » (ex. -1 234,56), trouvé « deux cents ».',
    });
    expect(await eventCount()).toBe(before);
  });

  it('imports the file with the balance the user gives, and proposes the entries each line is', async () => {
    const balance = opening - 23300 + 32000 - 4590 - 350;
    const created = await upload('statements', september, { closingBalance: String(balance) }).expect(201);
    statementId = created.body.statementId;
    expect(created.body).toMatchObject({ date: '2026-09-30', closingBalance: balance, lines: 4, duplicates: 0 });
    expect(created.body.proposals).toEqual(
      expect.arrayContaining([
        { lineId: expect.any(String), entryIds: [ids.occe] },
        { lineId: expect.any(String), entryIds: [ids.ape] },
        { lineId: expect.any(String), entryIds: [ids.books] },
      ]),
    );
    expect(created.body.proposals).toHaveLength(3);
    const list = await mandataire.get(`${base}/statements`).expect(200);
    // Beside the demo's October statement (the deposit of the farm outing's cheques).
    expect(list.body).toContainEqual({ statementId, date: '2026-09-30', closingBalance: balance, lines: 4, matched: 0 });
  });

  it('a file without a balance needs one', async () => {
    const refused = await upload('statements', september).expect(400);
    expect(refused.body.code).toBe('STATEMENT_BALANCE_REQUIRED');
  });

  it('importing an overlapping file again never duplicates a line', async () => {
    const october = [...september.slice(3, 6), '02/10/2026;REMISE CHEQUES KERMESSE;;150,00'];
    const again = await upload('statements', october, { date: '2026-10-02', closingBalance: '0' }).expect(201);
    expect(again.body).toMatchObject({ lines: 1, duplicates: 2 });
  });

  it('"Tout confirmer" reconciles every proposal; the cahier shows the entries pointed', async () => {
    const confirmed = await mandataire.post(`${base}/statements/${statementId}/matches`, { acceptProposals: true }).expect(200);
    expect(confirmed.body).toEqual({ reconciled: 3 });
    const grid = await mandataire.get(`${base}/grid`).expect(200);
    const reconciled = (id: string) => grid.body.rows.find((r: { entryId: string }) => r.entryId === id).reconciled;
    expect([reconciled(ids.occe), reconciled(ids.ape), reconciled(ids.books), reconciled(ids.other)]).toEqual([true, true, true, false]);
    const detail = await mandataire.get(`${base}/statements/${statementId}`).expect(200);
    expect(detail.body.lines.map((l: { status: string }) => l.status)).toEqual(['matched', 'matched', 'matched', 'unmatched']);
    expect(detail.body.lines[0]).toMatchObject({ date: '2026-09-08', label: 'CHEQUE N° 0004521', amount: -23300, chequeNo: '4521', entryIds: [ids.occe] });
    const statements = (await mandataire.get(`${base}/statements`).expect(200)).body as Array<{ statementId: string; matched: number }>;
    expect(statements.find((s) => s.statementId === statementId)!.matched).toBe(3);
  });

  it('a line with no entry: "Créer l\'écriture" records it on 6270 and reconciles it on the line', async () => {
    const detail = await mandataire.get(`${base}/statements/${statementId}`).expect(200);
    const charges = detail.body.lines.find((l: { label: string }) => l.label === 'FRAIS TENUE DE COMPTE');
    const wrong = await mandataire
      .post(`${base}/entries`, { ...entry('05', '2026-09-30', 'Frais', -300), statementLine: { statementId, lineId: charges.lineId } })
      .expect(400);
    expect(wrong.body.code).toBe('AMOUNT_MISMATCH');
    const created = await mandataire
      .post(`${base}/entries`, {
        pj: '05',
        date: '2026-09-30',
        label: 'Banque – frais de tenue de compte',
        lines: [
          { account: '6270', debit: 350 },
          { account: '512', credit: 350 },
        ],
        statementLine: { statementId, lineId: charges.lineId },
      })
      .expect(201);
    ids.charges = created.body.entryId;
    const after = await mandataire.get(`${base}/statements/${statementId}`).expect(200);
    expect(after.body.lines.find((l: { lineId: string }) => l.lineId === charges.lineId)).toMatchObject({ status: 'matched', entryIds: [ids.charges] });
  });

  it('the état de rapprochement at the statement date agrees to the cent', async () => {
    const r = await mandataire.get(`${base}/bank-reconciliation?date=2026-09-30`).expect(200);
    expect(r.body).toMatchObject({
      date: '2026-09-30',
      statementBalance: opening - 23300 + 32000 - 4590 - 350,
      bookBalance: opening - 23300 + 32000 - 4590 + 12000 - 350,
      outstandingReceipts: [{ entryId: ids.other, pj: '04', date: '2026-09-25', label: 'Vente de calendriers', amount: 12000 }],
      outstandingPayments: [],
      difference: 0,
    });
    expect((await mandataire.get(`${base}/bank-reconciliation?date=31-09`).expect(400)).body.code).toBe('DATE_INVALID');
  });

  it('a reconciled entry cannot be deleted (409 ENTRY_RECONCILED); un-matching its line frees it', async () => {
    const refused = await mandataire.delete(`${base}/entries/${ids.books}`).expect(409);
    expect(refused.body.code).toBe('ENTRY_RECONCILED');
    const detail = await mandataire.get(`${base}/statements/${statementId}`).expect(200);
    const line = detail.body.lines.find((l: { entryIds: string[] }) => l.entryIds.includes(ids.books));
    await mandataire.delete(`${base}/statements/${statementId}/lines/${line.lineId}/match`).expect(200);
    const grid = await mandataire.get(`${base}/grid`).expect(200);
    expect(grid.body.rows.find((r: { entryId: string }) => r.entryId === ids.books).reconciled).toBe(false);
    await mandataire.post(`${base}/statements/${statementId}/matches`, { matches: [{ lineId: line.lineId, entryIds: [ids.other] }] }).expect(400);
    await mandataire.post(`${base}/statements/${statementId}/matches`, { matches: [{ lineId: line.lineId, entryIds: [ids.books] }] }).expect(200);
  });

  it('closing waits for the August statement and a zero difference, then goes through', async () => {
    t.clock.set('2027-09-02T08:00:00Z');
    [mandataire] = await t.loginDemo('tilleuls');
    const cash = (await mandataire.get(`${base}/grid`).expect(200)).body.balances.cash;
    const counts: Record<string, number> = cash > 0 ? { '1': cash } : {};
    await mandataire.post(`${base}/cash-counts`, { date: '2027-08-31', counts }).expect(201);
    // The bank moved in August: October's statement no longer frames the year's end.
    await mandataire.post(`${base}/entries`, entry('06', '2027-08-20', 'Vente de fin d’année', 5000)).expect(201);
    const missing = await mandataire.post(`${base}/closing`).expect(409);
    expect(missing.body.blockers.map((b: { code: string }) => b.code)).toEqual(['BANK_STATEMENT_MISSING']);
    const rapprochement = (await mandataire.get(`${base}/bank-reconciliation?date=2027-08-31`).expect(200)).body;
    const bankSide = expectedStatementBalance(rapprochement);
    await mandataire.post(`${base}/statements`, { date: '2027-08-31', closingBalance: bankSide + 100 }).expect(201);
    const differs = await mandataire.post(`${base}/closing`).expect(409);
    expect(differs.body.blockers).toEqual([expect.objectContaining({ code: 'BANK_RECONCILIATION_DIFFERENCE', message: expect.stringContaining('1,00') })]);
    expect((await mandataire.get(`${base}/checklist`).expect(200)).body.blockers.map((b: { code: string }) => b.code)).toEqual([
      'BANK_RECONCILIATION_DIFFERENCE',
    ]);
    await mandataire.post(`${base}/statements`, { date: '2027-08-31', closingBalance: bankSide }).expect(201);
    expect((await mandataire.post(`${base}/closing`).expect(200)).body).toEqual({ closed: true });
  });
});
