import { pdfText } from '../support/pdf-text';
import { type Agent, binaryBody, startTestApp, type TestApp } from '../support/app';

/** API.md's "Family payments and deposits", end to end on the demo's coop C14002 (year 2026). */
describe('family payments and deposits (API)', () => {
  jest.setTimeout(180_000);
  const base = '/api/coops/C14002/years/2026';
  let t: TestApp;
  let mandataire: Agent;
  let treasurer: Agent;
  const ids: Record<string, string> = {};

  const payment = (payer: string, amount: number, more: Record<string, unknown> = {}) => ({
    date: '2026-10-01',
    payer,
    pupil: `${payer.replace('Famille ', '')} Léa`,
    class: 'CE1',
    amount,
    mode: 'cheque',
    chequeNo: String(amount),
    bank: 'La Banque Postale',
    action: 'Sortie zoo',
    ...more,
  });
  const pdf = async (url: string): Promise<string> => {
    const res = await mandataire.get(url).buffer(true).parse(binaryBody);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    return pdfText(res.body as Buffer).replace(/\s+/g, ' ');
  };

  beforeAll(async () => {
    t = await startTestApp({ demo: true, now: '2026-10-20T10:00:00Z' });
    [mandataire, treasurer] = await t.loginDemo('tilleuls', 'tresorier14');
  });
  afterAll(() => t.close());

  it('records payments with receipt numbers 1, 2, 3… (201 {paymentId, receiptNo})', async () => {
    const before = (await mandataire.get(`${base}/payments`).expect(200)).body.length;
    const first = await mandataire.post(`${base}/payments`, payment('Famille Martin', 1500)).expect(201);
    expect(first.body).toEqual({ paymentId: expect.any(String), receiptNo: before + 1 });
    ids.martin = first.body.paymentId;
    ids.durand = (await mandataire.post(`${base}/payments`, payment('Famille Durand', 2000)).expect(201)).body.paymentId;
    ids.petit = (
      await mandataire.post(`${base}/payments`, payment('Famille Petit', 800, { action: 'Photos', account: '7070', class: 'CM2' })).expect(201)
    ).body.paymentId;
    ids.blanc = (
      await mandataire.post(`${base}/payments`, payment('Famille Blanc', 1000, { mode: 'cash', chequeNo: null, bank: null })).expect(201)
    ).body.paymentId;
    const list = (await mandataire.get(`${base}/payments`).expect(200)).body;
    expect(list.find((p: { paymentId: string }) => p.paymentId === ids.martin)).toEqual({
      paymentId: ids.martin,
      receiptNo: before + 1,
      date: '2026-10-01',
      payer: 'Famille Martin',
      pupil: 'Martin Léa',
      class: 'CE1',
      amount: 1500,
      mode: 'cheque',
      chequeNo: '1500',
      bank: 'La Banque Postale',
      account: '7560',
      action: 'Sortie zoo',
      depositId: null,
    });
    const zoo = (await mandataire.get(`${base}/payments?action=Sortie%20zoo`).expect(200)).body;
    expect(zoo.map((p: { payer: string }) => p.payer)).toEqual(['Famille Martin', 'Famille Durand', 'Famille Blanc']);
  });

  it('answers 400 with the field and a French message; nothing stored', async () => {
    const res = await mandataire.post(`${base}/payments`, { ...payment('', 1500), amount: 'douze' }).expect(400);
    expect(res.body.code).toBe('PAYER_REQUIRED');
    expect(res.body.message).toContain('Indiquez qui a payé');
  });

  it('amends (200) and deletes (204) a payment not deposited; a read-only role is 403', async () => {
    const amended = await mandataire.put(`${base}/payments/${ids.durand}`, payment('Famille Durand', 2200)).expect(200);
    expect(amended.body).toMatchObject({ paymentId: ids.durand, amount: 2200 });
    const extra = (await mandataire.post(`${base}/payments`, payment('Famille Erreur', 100)).expect(201)).body.paymentId;
    await mandataire.delete(`${base}/payments/${extra}`).expect(204);
    await mandataire.delete(`${base}/payments/${extra}`).expect(404);
    await treasurer.post(`${base}/payments`, payment('Famille X', 100)).expect(403);
  });

  it('deposits cheques: one entry, 512 debit for the total, products per account (201 {depositId, entryId, total})', async () => {
    const res = await mandataire.post(`${base}/deposits`, { date: '2026-10-05', mode: 'cheque', paymentIds: [ids.martin, ids.durand, ids.petit] }).expect(201);
    expect(res.body).toEqual({ depositId: expect.any(String), entryId: expect.any(String), total: 4500 });
    ids.deposit = res.body.depositId;
    ids.entry = res.body.entryId;
    const grid = (await mandataire.get(`${base}/grid`).expect(200)).body;
    const row = grid.rows.find((r: { entryId: string }) => r.entryId === ids.entry);
    // The demo's deposit of the farm outing's cheques is n° 1 (REM01).
    expect(row).toMatchObject({ pj: 'REM02', date: '2026-10-05', label: 'Remise en banque n° 2 – 3 chèques – Photos, Sortie zoo' });
    expect(row.lines).toEqual([
      { account: '512', debit: 4500 },
      { account: '7070', credit: 800 },
      { account: '7560', credit: 3700 },
    ]);
    const deposits = (await mandataire.get(`${base}/deposits`).expect(200)).body;
    expect(deposits.at(-1)).toEqual(expect.objectContaining({ depositId: ids.deposit, depositNo: 2, total: 4500, entryId: ids.entry, mode: 'cheque' }));
    const listed = (await mandataire.get(`${base}/payments`).expect(200)).body.find((p: { paymentId: string }) => p.paymentId === ids.martin);
    expect(listed.depositId).toBe(ids.deposit);
  });

  it('answers 409 PAYMENT_DEPOSITED to a change of a deposited payment, and to a second deposit of it', async () => {
    expect((await mandataire.put(`${base}/payments/${ids.martin}`, payment('Famille Martin', 1)).expect(409)).body.code).toBe('PAYMENT_DEPOSITED');
    expect((await mandataire.delete(`${base}/payments/${ids.martin}`).expect(409)).body.code).toBe('PAYMENT_DEPOSITED');
    const again = await mandataire.post(`${base}/deposits`, { date: '2026-10-06', mode: 'cheque', paymentIds: [ids.martin] }).expect(409);
    expect(again.body.code).toBe('PAYMENT_DEPOSITED');
  });

  it("answers 409 DEPOSIT_ENTRY to another amount on the deposit's entry; its label may change", async () => {
    const row = (await mandataire.get(`${base}/grid`).expect(200)).body.rows.find((r: { entryId: string }) => r.entryId === ids.entry);
    const entry = { pj: row.pj, date: row.date, label: row.label, chequeNo: null, actionA: row.actionA, actionB: null, lines: row.lines };
    const bigger = {
      ...entry,
      lines: [
        { account: '512', debit: 5000 },
        { account: '7070', credit: 800 },
        { account: '7560', credit: 4200 },
      ],
    };
    const refused = await mandataire.put(`${base}/entries/${ids.entry}`, bigger).expect(409);
    expect(refused.body).toMatchObject({ code: 'DEPOSIT_ENTRY', message: expect.stringContaining('remise en banque n° 2') });
    await mandataire.put(`${base}/entries/${ids.entry}`, { ...entry, label: 'Remise des chèques du zoo et des photos' }).expect(200);
  });

  it("proposes the deposit's entry for the bank's one line of the deposit", async () => {
    const csv = ['Date;Libellé;Débit;Crédit', '07/10/2026;REMISE CHEQUES N 0000001;;45,00'].join('\r\n');
    const res = await mandataire.agent
      .post(`${base}/statements`)
      .set('X-CSRF-Token', mandataire.csrf)
      .field('date', '2026-10-15')
      .field('closingBalance', '0')
      .attach('file', Buffer.from(csv, 'utf8'), 'releve.csv')
      .expect(201);
    expect(res.body.proposals).toEqual([{ lineId: expect.any(String), entryIds: [ids.entry] }]);
  });

  it('prints a receipt in French: the coop, the payer, the pupil, the amount, the mode, the purpose', async () => {
    const text = await pdf(`${base}/payments/${ids.petit}/receipt.pdf`);
    for (const part of [
      'Coopérative',
      'Reçu de paiement',
      'Famille Petit',
      'Petit Léa',
      'CM2',
      '8,00 €',
      'chèque n° 800 (La Banque Postale)',
      "Photos — Ventes d'objets",
      '01/10/2026',
    ]) {
      expect(text).toContain(part);
    }
  });

  it('prints the receipts of an action in one PDF, and the bordereau', async () => {
    const all = await pdf(`${base}/receipts.pdf?action=Sortie%20zoo`);
    for (const payer of ['Famille Martin', 'Famille Durand', 'Famille Blanc']) expect(all).toContain(payer);
    expect(all).not.toContain('Famille Petit');
    expect(all).toContain('espèces');
    const slip = await pdf(`${base}/deposits/${ids.deposit}/slip.pdf`);
    for (const part of [
      'Bordereau de remise n° 2',
      'chèques',
      '05/10/2026',
      'Famille Martin',
      'Famille Durand',
      'Famille Petit',
      '45,00 €',
      '7560 Participations des familles',
    ]) {
      expect(slip).toContain(part);
    }
  });
});
