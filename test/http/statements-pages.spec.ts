import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Agent, startTestApp, type TestApp } from '../support/app';

const SAMPLE = join(__dirname, '../../docs/samples/releve-octobre-2026-debit-credit-windows1252.csv');

/** The "Relevés" pages as jferry uses them: drop the file, check the preview, store, "Tout confirmer", the état de rapprochement. */
describe('Relevés pages', () => {
  let t: TestApp;
  let jferry: Agent;
  const base = '/coops/C14001/years/2026';

  beforeAll(async () => {
    t = await startTestApp({ demo: true, now: '2026-11-27T10:00:00Z' });
    [jferry] = await t.loginDemo('jferry');
  });
  afterAll(() => t.close());

  const page = async (path: string) => (await jferry.get(`${base}${path}`).expect(200)).text;

  it('lists no statement yet, offers the import and the paper statement; the year menu has "Relevés"', async () => {
    const html = await page('/releves');
    expect(html).toContain('Aucun relevé pour cet exercice.');
    expect(html).toContain(`href="${base}/releves"`);
    expect(html).toContain('Saisir un relevé papier');
  });

  it('drop a file → preview with its columns → store → lines with proposals → "Tout confirmer" → the rapprochement agrees', async () => {
    const preview = await jferry.agent
      .post(`${base}/releves/apercu`)
      .field('_csrf', jferry.csrf)
      .attach('file', readFileSync(SAMPLE), 'releve.csv')
      .expect(200);
    expect(preview.text).toContain('3 opérations lues');
    expect(preview.text).toContain('CHEQUE N° 1569002');
    const token = /name="preview" value="([A-Za-z0-9_-]+)"/.exec(preview.text)![1];
    const stored = await jferry.agent
      .post(`${base}/releves`)
      .type('form')
      .send({ _csrf: jferry.csrf, preview: token, date: '31/10/2026', closingBalance: '1 606,50' })
      .expect(303);
    const statementPath = stored.headers.location as string;
    const detail = (await jferry.get(statementPath).expect(200)).text;
    expect(detail).toContain('Tout confirmer (3 propositions)');
    await jferry.agent.post(`${statementPath}/confirmer`).type('form').send({ _csrf: jferry.csrf }).expect(303);
    const after = (await jferry.get(statementPath).expect(200)).text;
    expect(after).toContain('3 lignes pointées.');
    expect(after).not.toContain('Tout confirmer');
    const reconciliation = await page('/rapprochement');
    expect(reconciliation).toContain('État de rapprochement au 31/10/2026');
    expect(reconciliation).toContain('reconciliation-ok');
  });

  it('a difference shows in red, with what could explain it', async () => {
    await jferry.agent.post(`${base}/releves/papier`).type('form').send({ _csrf: jferry.csrf, date: '30/11/2026', closingBalance: '1 600,00' }).expect(303);
    const html = await page('/rapprochement');
    expect(html).toContain('reconciliation-difference');
    expect(html).toContain('ne concordent pas');
  });

  /** Issue #29 point 8. */
  it('the provisional CRF in November names the 30/11/2026 statement it used, not 31/08/2027', async () => {
    const crf = await page('/crf');
    expect(crf).toContain('État de rapprochement bancaire au 30/11/2026');
    expect(crf).toContain('Solde de la banque dans le cahier au 30/11/2026');
    expect(crf).not.toContain('rapprochement bancaire au 31/08/2027');
  });

  /** Issue #29 point 4: the same month as OFX after the CSV adds nothing; the list in date order; a statement deleted until a line is matched. */
  it('the OFX of October after its CSV: refused on the preview itself, in French, no second "Relevé du 31/10/2026"', async () => {
    const ofx = readFileSync(join(__dirname, '../../docs/samples/releve-octobre-2026-ofx1.ofx'));
    const preview = await jferry.agent.post(`${base}/releves/apercu`).field('_csrf', jferry.csrf).attach('file', ofx, 'releve.ofx').expect(200);
    const token = /name="preview" value="([A-Za-z0-9_-]+)"/.exec(preview.text)![1];
    const refused = await jferry.agent
      .post(`${base}/releves`)
      .type('form')
      .send({ _csrf: jferry.csrf, preview: token, date: '31/10/2026', closingBalance: '1 606,50' })
      .expect(409);
    expect(refused.text).toContain('Aperçu du relevé');
    expect(refused.text).toContain('Toutes les opérations de ce fichier sont déjà importées (relevé du 31/10/2026)');
    const list = await page('/releves');
    expect(list.match(/Relevé du 31\/10\/2026/g)).toHaveLength(1);
  });

  it('lists the statements by date whatever the order they came in; one with a matched line cannot be deleted, and says why on its page', async () => {
    await jferry.agent.post(`${base}/releves/papier`).type('form').send({ _csrf: jferry.csrf, date: '30/09/2026', closingBalance: '1 756,50' }).expect(303);
    const list = await page('/releves');
    const dates = [...list.matchAll(/Relevé du (\d\d\/\d\d\/2026)/g)].map((m) => m[1]);
    expect(dates).toEqual(['30/09/2026', '31/10/2026', '30/11/2026']);
    const october = /href="([^"]+)">Relevé du 31\/10\/2026/.exec(list)![1];
    const detail = (await jferry.get(october).expect(200)).text;
    expect(detail).toContain('Ce relevé ne peut plus être supprimé : 3 lignes pointées (annulez d&#x27;abord leur pointage).');
    expect(detail).not.toContain('Confirmer la suppression du relevé');
    const refused = await jferry.agent.post(`${october}/supprimer`).type('form').send({ _csrf: jferry.csrf }).expect(409);
    expect(refused.text).toContain('Ce relevé ne peut plus être supprimé : 3 de ses lignes sont pointées. Annulez d&#x27;abord leur pointage.');
  });

  it('a statement no line of which is matched is deleted from its page', async () => {
    const list = await page('/releves');
    const september = /href="([^"]+)">Relevé du 30\/09\/2026/.exec(list)![1];
    expect((await jferry.get(september).expect(200)).text).toContain('Confirmer la suppression du relevé');
    const done = await jferry.agent.post(`${september}/supprimer`).type('form').send({ _csrf: jferry.csrf }).expect(303);
    expect(done.headers.location).toBe(`${base}/releves`);
    expect(await page('/releves')).not.toContain('Relevé du 30/09/2026');
    await jferry.agent.get(september).expect(404);
  });

  /** Issue #29 points 11 and 5. */
  it('a file without its balance: the preview asks for it, and keeps the preview (and the date typed) when it is missing', async () => {
    const november = Buffer.from(
      'Date;Libellé;Montant\r\n03/11/2026;VIR SEPA MAIRIE DE CAEN SUBVENTION;450,00\r\n05/11/2026;FRAIS TENUE DE COMPTE;-12,00\r\n',
      'utf8',
    );
    const preview = await jferry.agent.post(`${base}/releves/apercu`).field('_csrf', jferry.csrf).attach('file', november, 'novembre.csv').expect(200);
    expect(preview.text).toContain('Le fichier ne donne pas le solde');
    const token = /name="preview" value="([A-Za-z0-9_-]+)"/.exec(preview.text)![1];
    const missing = await jferry.agent
      .post(`${base}/releves`)
      .type('form')
      .send({ _csrf: jferry.csrf, preview: token, date: '06/11/2026', closingBalance: '' })
      .expect(400);
    expect(missing.text).toContain('Aperçu du relevé');
    expect(missing.text).toMatch(/id="preview-balance-error">[^<]*Indiquez le solde du relevé à sa date\./);
    expect(missing.text).toContain('value="06/11/2026"');
    expect(missing.text).toContain('VIR SEPA MAIRIE DE CAEN SUBVENTION');
    const stored = await jferry.agent
      .post(`${base}/releves`)
      .type('form')
      .send({ _csrf: jferry.csrf, preview: token, date: '06/11/2026', closingBalance: '2 044,50' })
      .expect(303);
    novemberPath = stored.headers.location as string;
  });

  let novemberPath = '';

  it('"Créer l\'écriture": the chart\'s list with the account the label says (Mairie → 7410, fees → 6270), one next free PJ on every line', async () => {
    const detail = (await jferry.get(novemberPath).expect(200)).text;
    const selected = [...detail.matchAll(/<select id="account-[^"]+" name="account"[\s\S]*?<\/select>/g)].map(
      (m) => /<option value="(\d+)" selected>/.exec(m[0])?.[1],
    );
    expect(selected).toEqual(['7410', '6270']);
    const pjs = [...detail.matchAll(/id="pj-[^"]+" name="pj" value="(\d+)"/g)].map((m) => m[1]);
    expect(pjs).toHaveLength(2);
    expect(pjs[0]).toBe(pjs[1]);
    const lineId = /action="[^"]+\/lignes\/([^/]+)\/ecriture"/.exec(detail)![1];
    await jferry.agent
      .post(`${novemberPath}/lignes/${lineId}/ecriture`)
      .type('form')
      .send({ _csrf: jferry.csrf, pj: pjs[0], account: '7410', label: 'Subvention mairie' })
      .expect(303);
    const after = (await jferry.get(novemberPath).expect(200)).text;
    const next = [...after.matchAll(/id="pj-[^"]+" name="pj" value="(\d+)"/g)].map((m) => m[1]);
    expect(next).toEqual([String(Number(pjs[0]) + 1).padStart(pjs[0].length, '0')]);
  });

  it('"Créer l\'écriture" without an account: refused next to the line\'s list, the PJ typed kept', async () => {
    const detail = (await jferry.get(novemberPath).expect(200)).text;
    const lineId = /action="[^"]+\/lignes\/([^/]+)\/ecriture"/.exec(detail)![1];
    const refused = await jferry.agent
      .post(`${novemberPath}/lignes/${lineId}/ecriture`)
      .type('form')
      .send({ _csrf: jferry.csrf, pj: '77', account: '' })
      .expect(400);
    expect(refused.text).toContain(`id="account-${lineId}-error">Choisissez le compte de l&#x27;écriture`);
    expect(refused.text).toContain(`id="pj-${lineId}" name="pj" value="77"`);
  });
});
