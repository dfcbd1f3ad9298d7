import { pdfText } from '../support/pdf-text';
import { type Agent, startTestApp, type TestApp, binaryBody } from '../support/app';

/** The CRF on OCCE's form, read back from its PDF with pdftotext: every block of DOMAIN.md is there. */
describe('the CRF PDF', () => {
  jest.setTimeout(120_000);
  let t: TestApp;
  let mandataire: Agent;

  beforeAll(async () => {
    t = await startTestApp({ demo: true });
    [mandataire] = await t.loginDemo('jferry');
  });
  afterAll(() => t.close());

  const pdf = async (url: string): Promise<string> => {
    const res = await mandataire.get(url).buffer(true).parse(binaryBody);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    // pdftotext breaks lines where the layout does: compare on single spaces.
    return pdfText(res.body as Buffer).replace(/\s+/g, ' ');
  };

  it('prints every block of a closed year, the quitus boxes to sign, and the CRA after it', async () => {
    const crf = (await mandataire.get('/api/coops/C14001/years/2025/crf').expect(200)).body;
    expect(crf.bankReconciliation).toMatchObject({ date: '2026-08-31', statementRecorded: true, difference: 0 });
    const text = await pdf('/api/coops/C14001/years/2025/crf.pdf');
    for (const block of [
      'Compte-Rendu Financier 2025-2026',
      'DÉFINITIF',
      `Version ${crf.version}`,
      crf.chainHead,
      'Identité de la coopérative',
      "Coopérative de l'école Jules Ferry",
      'École primaire Jules Ferry, Caen',
      '0141234A',
      'N° OCCE C14001',
      'Département 14',
      'Claire Martin',
      'Charges et produits',
      'Total des charges',
      'Total des produits',
      "Résultat de l'exercice",
      'Sous-total 61 — Services extérieurs',
      'Résultat courant',
      'Résultat exceptionnel (77 − 67)',
      'Trésorerie',
      'Banque (512)',
      'Caisse (530)',
      "Régies d'avance en cours",
      'Total de la trésorerie',
      'État de rapprochement bancaire au 31/08/2026',
      // The demo imported August's bank file: its balance agrees with the books.
      'Solde du relevé bancaire',
      'Subventions',
      "Régies d'avance",
      'Inventaire des biens durables',
      'Bilan simplifié',
      "Réserves au début de l'exercice",
      "Réserves à la fin de l'exercice",
      'Quitus des vérificateurs aux comptes',
      'Signature',
      "Compte-Rendu d'Activités 2025-2026",
    ]) {
      expect({ block, found: text.includes(block) }).toEqual({ block, found: true });
    }
    // The difference is the block's last row: at a page's foot, pdftotext may read the footer between its label and its amount.
    expect(text).toMatch(/Écart (Coopérative [^€]* version \d+ )?0,00 €/);
  });

  it('stamps an open year provisoire, and names the vérificateurs once they have decided', async () => {
    expect(await pdf('/api/coops/C14001/years/2026/crf.pdf')).toContain('PROVISOIRE');
    const { code } = (await mandataire.post('/api/coops/C14001/years/2025/quitus/invitations', { name: 'Élodie Durand', quality: 'parent' }).expect(201)).body;
    await t.anonymous().post(`/api/quitus/${code}`).send({ decision: 'reserves', comment: 'La facture 12 est une photocopie.' }).expect(200);
    const text = await pdf('/api/coops/C14001/years/2025/crf.pdf');
    expect(text).toContain('Élodie Durand');
    expect(text).toContain('Réserves');
    expect(text).toContain('La facture 12 est une photocopie.');
  });

  it('prints the calendar-year report with bank and cash on 1 January and 31 December', async () => {
    const view = (await mandataire.get('/api/coops/C14001/calendar-years/2026').expect(200)).body;
    const grid2025 = (await mandataire.get('/api/coops/C14001/years/2025/grid').expect(200)).body;
    const before = grid2025.rows.filter((r: { date: string }) => r.date <= '2025-12-31').at(-1);
    expect(view.treasury.start).toEqual(before ? before.balances : grid2025.opening && { bank: grid2025.opening.bank, cash: grid2025.opening.cash });
    expect(view.treasury.end).toEqual({ bank: expect.any(Number), cash: expect.any(Number) });
    const text = await pdf('/api/coops/C14001/calendar-years/2026/report.pdf');
    const euros = (cents: number) => (cents / 100).toFixed(2).replace('.', ',');
    expect(text).toContain("Comptes de l'année civile 2026");
    expect(text).toContain('Au 1er janvier 2026');
    expect(text).toContain('Au 31 décembre 2026');
    expect(text.replace(/[\u00a0\u202f]/g, ' ').replace(/(\d) (\d)/g, '$1$2')).toContain(euros(view.treasury.start.bank));
  });
});
