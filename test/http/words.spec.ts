import { type Agent, startTestApp, type TestApp, binaryBody } from '../support/app';

/**
 * Issue #29.14, the words of the walk on the demo (27/11/2026): counts agree with their noun, no
 * "de les", no "..", no raw code, French file names, the vérificateur's quality in words, plain
 * words for the teacher (the chain-head hash a footnote).
 */
describe('the words of the pages', () => {
  jest.setTimeout(120_000);
  let t: TestApp;
  let treasurer: Agent;
  let auditor: Agent;
  let mandataire: Agent;
  let tilleuls: Agent;
  const html = async (agent: Agent, url: string) =>
    (await agent.agent.get(url).set('Accept', 'text/html').expect(200)).text.replace(/&#x27;/g, "'").replace(/&quot;/g, '"');
  /** A count that does not agree with its noun: "1 définitives", "0 bilans", "(s)". */
  const disagreement = /(?<![\d,])\b[01] (coopératives|définitives|provisoires|bilans|renvoyés|événements|écritures|lignes)\b|\(s\)/;

  beforeAll(async () => {
    t = await startTestApp({ demo: true });
    [treasurer, auditor, mandataire, tilleuls] = await t.loginDemo('tresorier14', 'verif14', 'jferry', 'tilleuls');
  });
  afterAll(() => t.close());

  it('counts agree and read "totaux" on the Bilans, the balance and the aggregated accounts', async () => {
    for (const path of ['completude', 'balance', 'balance?scope=final', 'comptes', 'tableau']) {
      const page = await html(treasurer, `/departements/14/annees/2025/${path}`);
      expect(page).not.toMatch(disagreement);
      expect(page).not.toMatch(/\btotals\b(?!\.csv)/);
      expect(page).not.toMatch(/Seules les \d+ coopératives/);
    }
    expect(await html(treasurer, '/departements/14/annees/2025/completude')).toMatch(/<strong>1 définitive<\/strong>/);
  });

  it('the department FEC notice says "des 2 coopératives", never "de les"', async () => {
    const notice = (await treasurer.get('/api/departments/14/years/2025/fec-notice.txt').buffer(true).parse(binaryBody).expect(200)).body.toString('utf8');
    expect(notice).toContain('Contenu : les écritures des 2 coopératives du département 14');
    expect(notice).not.toContain('de les');
  });

  it('the printed notebook downloads under a French name', async () => {
    const res = await mandataire.get('/api/coops/C14001/years/2025/print.pdf').buffer(true).parse(binaryBody).expect(200);
    expect(res.headers['content-disposition']).toContain('filename="cahier-C14001-2025.pdf"');
  });

  it('the time-travel page says why a closing is blocked in words, no code', async () => {
    const page = await html(auditor, '/audit/coops/C14001/consultation?year=2026');
    expect(page).not.toMatch(/TOO_EARLY|[A-Z]+_[A-Z_]+(<\/strong>)? :/);
    expect(page).toMatch(/La clôture (sera|n)/);
  });

  it("the CRF prints the vérificateur's quality in words, without agreement, and keeps the hash to a footnote", async () => {
    const crf = await html(tilleuls, '/coops/C14002/years/2025/crf');
    expect(crf).toContain("<td>Parent d'élève</td>");
    expect(crf).not.toMatch(/<td>(parent|enseignant|autre)<\/td>/);
    expect(crf).not.toContain('tête de chaîne');
    expect(crf).toContain('class="crf-footnote"');
    expect(crf).not.toContain('se sont prononcés');
    const quitus = await html(tilleuls, '/coops/C14002/years/2025/quitus');
    expect(quitus).not.toMatch(/prononcé|invité le/);
  });

  it('plain words for the teacher: the bank, not "512"; the régies in words, the accounts on demand', async () => {
    const crf = await html(mandataire, '/coops/C14001/years/2025/crf');
    expect(crf).not.toContain('Solde du compte 512');
    const advances = await html(mandataire, '/coops/C14001/years/2026/regies');
    const visible = advances.replace(/<details[\s\S]*?<\/details>/g, '');
    expect(visible).not.toMatch(/4670 au (débit|crédit)/);
    expect(advances).toContain('Pour le comptable : les comptes utilisés');
  });

  it('a reopening reason typed with its full stop is not followed by another', async () => {
    await treasurer.post('/api/coops/C14002/years/2025/unlock', { reason: 'Facture oubliée.' }).expect(200);
    const page = await html(tilleuls, '/coops/C14002/years/2025');
    expect(page).toContain('Motif : Facture oubliée.');
    expect(page).not.toContain('Facture oubliée..');
  });
});
