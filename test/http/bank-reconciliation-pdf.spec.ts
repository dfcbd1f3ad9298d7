import { pdfText } from '../support/pdf-text';
import { type Agent, startTestApp, type TestApp, binaryBody } from '../support/app';

/** The état de rapprochement's PDF, read back with pdftotext: the page's figures, from the same view model. */
describe('the état de rapprochement PDF', () => {
  jest.setTimeout(120_000);
  let t: TestApp;
  let jferry: Agent;

  beforeAll(async () => {
    t = await startTestApp({ demo: true, now: '2026-11-27T10:00:00Z' });
    [jferry] = await t.loginDemo('jferry');
  });
  afterAll(() => t.close());

  const pdf = async (url: string): Promise<string> => {
    const res = await jferry.get(url).buffer(true).parse(binaryBody);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    // pdftotext breaks lines where the layout does: compare on single plain spaces.
    return pdfText(res.body as Buffer).replace(/\s+/g, ' ');
  };

  it('the closed year at 31 August: statement balance, items outstanding, book balance, a zero difference', async () => {
    const text = await pdf('/api/coops/C14001/years/2025/bank-reconciliation.pdf');
    for (const part of [
      "Coopérative de l'école Jules Ferry",
      'État de rapprochement au 31/08/2026',
      'Solde de la banque dans le cahier au 31/08/2026 1 989,50 €',
      '− recettes pas encore sur un relevé 0,00 €',
      '+ dépenses pas encore sur un relevé 0,00 €',
      'Solde du relevé du 31/08/2026 1 989,50 €',
      'Écart 0,00 €',
    ]) {
      expect(text).toContain(part);
    }
  });

  it('at a date with items outstanding and a difference: the items listed, the difference said', async () => {
    const base = '/api/coops/C14001/years/2026';
    await jferry.post(`${base}/statements`, { date: '2026-09-30', closingBalance: 175000 }).expect(201);
    const r = (await jferry.get(`${base}/bank-reconciliation?date=2026-09-30`).expect(200)).body;
    expect(r.difference).not.toBe(0);
    const text = await pdf(`${base}/bank-reconciliation.pdf?date=2026-09-30`);
    expect(text).toContain('État de rapprochement au 30/09/2026');
    expect(text).toContain('+ dépenses pas encore sur un relevé 150,00 €');
    expect(text).toContain('Solde du relevé du 30/09/2026 1 750,00 €');
    expect(text).toContain('Écart -6,50 €');
    expect(text).toContain('Le relevé et le cahier ne concordent pas');
    const payments = text.slice(text.indexOf('Dépenses pas encore sur un relevé'));
    for (const cell of ['02', '22/09/2026', "Régie d'avance – classe de CP-CE1", '150,00 €']) expect(payments).toContain(cell);
  });

  it('the page links to it, for the date shown', async () => {
    const html = (await jferry.get('/coops/C14001/years/2025/rapprochement').expect(200)).text;
    expect(html).toContain('href="/api/coops/C14001/years/2025/bank-reconciliation.pdf?date&#x3D;2026-08-31"');
    expect((await jferry.get('/api/coops/C14001/years/2025/bank-reconciliation.pdf?date=31-08').expect(400)).body.code).toBe('DATE_INVALID');
  });
});
