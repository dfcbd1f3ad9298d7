import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { worstStatement } from '../../bench/worst-statements';
import { readStatementFile } from '../../src/domain/statements';
import { type Agent, startTestApp, type TestApp } from '../support/app';

/** Issue #24 through HTTP: attack files answered in French without stopping the server, blobs owned by a coop's records, parallel imports. */
describe('statement uploads under attack', () => {
  let t: TestApp;
  let jferry: Agent;
  let tilleuls: Agent;
  const page = '/coops/C14001/years/2026';
  const api = '/api/coops/C14001/years/2026';
  const blobs = () =>
    readdirSync(join(t.dataDir, 'blobs'))
      .filter((n) => !n.startsWith('.'))
      .sort();
  const csv = (rows: string[]) => Buffer.from(['Date;Libellé;Montant', ...rows].join('\r\n'), 'utf8');

  beforeAll(async () => {
    t = await startTestApp({ demo: true, now: '2026-11-27T10:00:00Z' });
    [jferry, tilleuls] = await t.loginDemo('jferry', 'tilleuls');
  });
  afterAll(() => t.close());

  const previewPage = (agent: Agent, bytes: Buffer, name = 'releve.csv') =>
    agent.agent.post(`${page}/releves/apercu`).field('_csrf', agent.csrf).attach('file', bytes, name);

  it('9 MiB of line breaks to the page preview: 413, the French reason next to the file field', async () => {
    const refused = await previewPage(jferry, Buffer.alloc(9 * 1024 * 1024, '\n')).expect(413);
    expect(refused.text).toContain('id="statement-file-error"');
    expect(refused.text).toContain('plus de 25\u00a0000 lignes');
    const api413 = await jferry.agent
      .post(`${api}/statements/preview`)
      .set('X-CSRF-Token', jferry.csrf)
      .attach('file', Buffer.alloc(9 * 1024 * 1024, '\n'), 'x.csv');
    expect(api413.status).toBe(413);
    expect(api413.body).toMatchObject({ code: 'STATEMENT_TOO_LARGE', fields: { file: expect.stringContaining('lignes') } });
  });

  it('a DOCTYPE with an external entity: 400 in French', async () => {
    const xml = '<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<Document><BkToCstmrStmt>&x;</BkToCstmrStmt></Document>';
    const refused = await jferry.agent.post(`${api}/statements/preview`).set('X-CSRF-Token', jferry.csrf).attach('file', Buffer.from(xml), 'x.xml').expect(400);
    expect(refused.body).toMatchObject({ code: 'STATEMENT_UNREADABLE' });
    expect(refused.body.message).toContain('<!DOCTYPE>');
  });

  it('the largest accepted file is read off the event loop: other requests keep being answered', async () => {
    // The peer in the same run: the same file parsed on this thread holds the loop for its whole parse.
    const inlineStarted = performance.now();
    readStatementFile(worstStatement('ofx2'));
    const inlineMs = performance.now() - inlineStarted;
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const preview = jferry.agent.post(`${api}/statements/preview`).set('X-CSRF-Token', jferry.csrf).attach('file', worstStatement('ofx2'), 'big.ofx');
    const [answer] = await Promise.all([preview, t.anonymous().get('/health')]);
    delay.disable();
    expect(answer.status).toBe(200);
    expect(answer.body.lines).toHaveLength(20000);
    // Read in a worker, the loop's longest pause (upload, JSON) is a fraction of the inline parse.
    expect(delay.max / 1e6).toBeLessThan(inlineMs / 2);
  }, 120_000);

  it('a preview leaves no file, and its form names it by a token only its user, coop and year can use', async () => {
    const before = blobs();
    const preview = await previewPage(jferry, csv(['03/11/2026;CB PAPETERIE;-12,00', 'Solde au 05/11/2026;;1 000,00'])).expect(200);
    expect(blobs()).toEqual(before);
    expect(preview.text).not.toMatch(/[0-9a-f]{64}/);
    const token = /name="preview" value="([A-Za-z0-9_-]+)"/.exec(preview.text)![1];
    const stolen = await tilleuls.agent
      .post('/coops/C14002/years/2026/releves')
      .type('form')
      .send({ _csrf: tilleuls.csrf, preview: token, date: '05/11/2026', closingBalance: '1 000,00' })
      .expect(400);
    expect(stolen.text).toContain('n’est plus disponible');
    const stored = await jferry.agent
      .post(`${page}/releves`)
      .type('form')
      .send({ _csrf: jferry.csrf, preview: token, date: '05/11/2026', closingBalance: '1 000,00' });
    expect(stored.status).toBe(303);
    expect(blobs()).toHaveLength(before.length + 1);
  });

  it('a preview token this instance does not hold (another instance showed it) answers the French message, not a 500', async () => {
    const elsewhere = 'AbCdEfGhIjKlMnOpQrStUvWx';
    const store = await jferry.agent
      .post(`${page}/releves`)
      .type('form')
      .send({ _csrf: jferry.csrf, preview: elsewhere, date: '05/11/2026', closingBalance: '1 000,00' })
      .expect(400);
    expect(store.text).toContain('préparé par un autre serveur');
    const again = await jferry.agent.post(`${page}/releves/apercu`).field('_csrf', jferry.csrf).field('preview', elsewhere).expect(400);
    expect(again.text).toContain('déposez-le à nouveau');
  });

  it("another coop's stored file cannot be previewed or imported by its hash", async () => {
    const list = await tilleuls.get('/api/coops/C14002/years/2025/statements').expect(200);
    expect(list.body.length).toBeGreaterThan(0);
    const [someHash] = blobs();
    const preview = await jferry.agent.post(`${page}/releves/apercu`).field('_csrf', jferry.csrf).field('sha256', someHash).expect(400);
    expect(preview.text).not.toContain('opération(s) lue(s)');
    const store = await jferry.agent
      .post(`${page}/releves`)
      .type('form')
      .send({ _csrf: jferry.csrf, sha256: someHash, date: '05/11/2026', closingBalance: '0' });
    expect(store.status).toBe(400);
  });

  it('a refused import leaves no file', async () => {
    const before = blobs();
    const refused = await jferry.agent
      .post(`${api}/statements`)
      .set('X-CSRF-Token', jferry.csrf)
      .attach('file', csv(['04/11/2026;VIR SANS SOLDE;5,00']), 'sans-solde.csv')
      .expect(400);
    expect(refused.body.code).toBe('STATEMENT_BALANCE_REQUIRED');
    expect(blobs()).toEqual(before);
  });

  it('the same file imported 8 times in parallel gives one statement; the others are told it is there', async () => {
    const bytes = csv(['06/11/2026;VIR PARALLELE;7,00', 'Solde au 06/11/2026;;1 007,00']);
    const before = (await jferry.get(`${api}/statements`).expect(200)).body.length;
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => jferry.agent.post(`${api}/statements`).set('X-CSRF-Token', jferry.csrf).attach('file', bytes, 'parallele.csv')),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    expect(answers.find((a) => a.status === 409)!.body).toMatchObject({ code: 'STATEMENT_ALREADY_IMPORTED' });
    expect((await jferry.get(`${api}/statements`).expect(200)).body).toHaveLength(before + 1);
    const statementId = answers.find((a) => a.status === 201)!.body.statementId;
    await jferry.get(`${api}/statements/${statementId}/file`).expect(200);
  });

  it('an accented file name is kept', async () => {
    const bytes = csv(['07/11/2026;VIR ETE;8,00', 'Solde au 07/11/2026;;1 015,00']);
    const created = await jferry.agent.post(`${api}/statements`).set('X-CSRF-Token', jferry.csrf).attach('file', bytes, 'relevé été.csv').expect(201);
    const file = await jferry.get(`${api}/statements/${created.body.statementId}/file`).expect(200);
    expect(decodeURIComponent(/filename\*=UTF-8''([^;]+)/.exec(String(file.headers['content-disposition']))![1])).toBe('relevé été.csv');
  });

  it('a long statement on a big year offers a few entries per line, and finds any other by a search', async () => {
    const coop = '/api/coops/C14002/years/2026';
    for (let i = 0; i < 60; i++) {
      const amount = 1000 + i * 37;
      await tilleuls
        .post(`${coop}/entries`, {
          pj: `S${i}`,
          date: `2026-10-${String(1 + (i % 28)).padStart(2, '0')}`,
          label: i === 42 ? 'Librairie Hirondelle' : `Fournisseur ${i}`,
          chequeNo: null,
          actionA: null,
          actionB: null,
          lines: [
            { account: '6181', debit: amount },
            { account: '512', credit: amount },
          ],
        })
        .expect(201);
    }
    const rows = Array.from({ length: 30 }, (_, i) => `30/10/2026;CB ACHAT ${i};-${i + 1},11`);
    const created = await tilleuls.agent
      .post(`${coop}/statements`)
      .set('X-CSRF-Token', tilleuls.csrf)
      .attach('file', csv([...rows, 'Solde au 31/10/2026;;500,00']), 'long.csv')
      .expect(201);
    const pagePath = `/coops/C14002/years/2026/releves/${created.body.statementId}`;
    const html = (await tilleuls.get(pagePath).expect(200)).text;
    // Before: every unreconciled expense of the year under every line (30 × 60 options and more).
    const entryChoices = (html.match(/<select id="choice-[^"]+" name="entryIds"[\s\S]*?<\/select>/g) ?? []).join('');
    expect((entryChoices.match(/<option /g) ?? []).length).toBeLessThanOrEqual(30 * 8);
    const lineId = /id="line-(L[0-9a-f]+)"/.exec(html)![1];
    const searched = (await tilleuls.get(`${pagePath}?ligne=${lineId}&recherche=hirondelle`).expect(200)).text;
    expect(searched).toContain('Librairie Hirondelle');
    const nothing = (await tilleuls.get(`${pagePath}?ligne=${lineId}&recherche=introuvable`).expect(200)).text;
    expect(nothing).toContain('Aucune écriture non pointée ne correspond à « introuvable ».');
  });
});
