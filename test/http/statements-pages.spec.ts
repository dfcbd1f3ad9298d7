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
});
