import { LedgerReads } from '../../src/reads/ledger-reads';
import { PrintService } from '../../src/http/print.service';
import { type Agent, startTestApp, type TestApp } from '../support/app';

/** What a user typed is data: never markup in a page or a print, never a formula in a spreadsheet. */
describe('output escaping', () => {
  const base = '/api/coops/C14001/years/2026';
  const SCRIPT = '<script>alert(1)</script>';
  const FORMULA = '=HYPERLINK("http://x","y")';
  const IMG = '<img src=x onerror=alert(2)>';
  let t: TestApp;
  let m: Agent;

  const entry = (pj: string, label: string, actionA: string | null = null) => ({
    pj,
    date: '2026-12-02',
    label,
    chequeNo: null,
    actionA,
    actionB: null,
    lines: [
      { account: '6181', debit: 1500 },
      { account: '512', credit: 1500 },
    ],
  });

  beforeAll(async () => {
    t = await startTestApp({ demo: true });
    m = await t.login('jferry', 'demo-jules-ferry');
    await m.post(`${base}/entries`, entry('500', SCRIPT, IMG)).expect(201);
    await m.post(`${base}/entries`, entry('501', FORMULA, '+SUM(A1:A9)')).expect(201);
    await m.post(`${base}/entries`, entry('502', '@cmd|"/c calc"!A1')).expect(201);
  });
  afterAll(() => t.close());

  const noLiveMarkup = (html: string) => {
    expect(html).not.toContain(SCRIPT);
    expect(html).not.toContain(IMG);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/i);
  };

  it('returns labels verbatim in JSON, which browsers may not sniff as HTML', async () => {
    const res = await m.get(`${base}/grid`).expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const labels = res.body.rows.map((r: { label: string }) => r.label);
    expect(labels).toEqual(expect.arrayContaining([SCRIPT, FORMULA]));
  });

  it('escapes labels in the notebook page', async () => {
    const res = await m.get('/coops/C14001/years/2026/cahier').set('Accept', 'text/html').expect(200);
    expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(res.text).toContain('&#x3D;HYPERLINK(&quot;http://x&quot;,&quot;y&quot;)');
    noLiveMarkup(res.text);
  });

  it('escapes labels in the print HTML', async () => {
    const reads = await t.app.get(LedgerReads).year('C14001', 2026);
    const print = t.app.get(PrintService);
    const html = print.html(print.notebookDocument(reads));
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&#x3D;HYPERLINK(&quot;http://x&quot;,&quot;y&quot;)');
    noLiveMarkup(html);
  });

  it('neutralises formulas in the CSV export with a leading apostrophe', async () => {
    const res = await m.get(`${base}/export.csv`).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/^attachment/);
    const csv = res.text;
    expect(csv).toContain(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csv).toContain("'+SUM(A1:A9)");
    expect(csv).toContain(`"'@cmd|""/c calc""!A1"`);
    // No cell a spreadsheet would evaluate.
    expect(csv).not.toMatch(/(^|;)"?[=+@]/m);
    expect(csv).toContain(SCRIPT);
  });
});
