import type request from 'supertest';
import { type Agent, startTestApp, type TestApp, binaryBody } from '../support/app';
import ExcelJS from 'exceljs';
import { chainEvents } from '../../src/events/hash-chain';
import { type Projector } from '../../src/projections/projector';
import { PROJECTOR } from '../../src/tokens';
import { checkFec } from '../support/fec-check';
import { pdfText } from '../support/pdf-text';

/** pdftotext keeps French narrow no-break spaces; compare with plain spaces. */
const plain = (text: string): string => text.replace(/[\u00a0\u202f]/g, ' ');

const fileNameOf = (res: request.Response): string => /filename="([^"]+)"/.exec(String(res.headers['content-disposition']))?.[1] ?? '';

/** As a browser sends a form. */
const encodeForm = (body: Record<string, string>): string =>
  Object.entries(body)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');

describe("the department's accounts (API.md, Department accounts)", () => {
  let t: TestApp;
  let treasurer: Agent;
  let treasurer61: Agent;
  let auditor: Agent;

  const html = (agent: Agent, url: string) => agent.agent.get(url).set('Accept', 'text/html');
  const form = (agent: Agent, url: string, body: Record<string, string>) =>
    agent.agent
      .post(url)
      .set('Accept', 'text/html')
      .type('form')
      .send(encodeForm({ _csrf: agent.csrf, ...body }));

  beforeAll(async () => {
    t = await startTestApp({ demo: true });
    [treasurer, treasurer61, auditor] = await t.loginDemo('tresorier14', 'tresorier61', 'verif14');
  });
  afterAll(() => t.close());

  describe("the association's identity", () => {
    it('the demo departments have one', async () => {
      const { body } = await auditor.get('/api/departments/14/identity').expect(200);
      expect(body).toMatchObject({ department: '14', siren: '781430004', siret: '78143000400015', name: expect.stringContaining('OCCE 14') });
    });

    it('the treasurer changes it through the API; a bad SIREN is a 400 on its field, nothing stored', async () => {
      const bad = await treasurer61.put('/api/departments/61/identity', { name: 'OCCE 61', siren: '123456789', address: 'Alençon' }).expect(400);
      expect(bad.body).toMatchObject({ code: 'SIREN_INVALID', fields: { siren: expect.stringContaining('SIREN') } });
      expect((await treasurer61.get('/api/departments/61/identity').expect(200)).body.siren).toBe('781610001');
      const ok = await treasurer61.put('/api/departments/61/identity', { name: 'OCCE 61 Orne', siren: '781 610 001', address: 'Alençon' }).expect(200);
      expect(ok.body).toMatchObject({ name: 'OCCE 61 Orne', siren: '781610001', address: 'Alençon' });
      expect((await treasurer61.get('/api/departments/61/identity').expect(200)).body.name).toBe('OCCE 61 Orne');
    });

    it('an auditor reads it but may not change it; another department does not see it', async () => {
      await auditor.put('/api/departments/14/identity', { name: 'x', siren: '781430004', address: 'y' }).expect(403);
      await treasurer61.get('/api/departments/14/identity').expect(404);
    });

    it('the treasurer keeps it on a page; a mistake is shown next to its field and what was typed stays', async () => {
      const page = await html(treasurer, '/departements/14/association').expect(200);
      expect(page.text).toContain('781430004');
      const refused = await form(treasurer, '/departements/14/association', { name: 'OCCE 14', siren: '78143', siret: '', address: 'Caen' }).expect(400);
      expect(refused.text).toContain('Ce numéro SIREN n&#x27;est pas valide');
      expect(refused.text).toContain('value="78143"');
      const saved = await form(treasurer, '/departements/14/association', {
        name: 'OCCE 14 — Calvados',
        siren: '781430004',
        siret: '78143000400015',
        address: '12 rue de la Coopération\n14000 Caen',
      }).expect(303);
      const after = await html(treasurer, saved.headers.location).expect(200);
      expect(after.text).toContain('L&#x27;identité de l&#x27;association est enregistrée.');
      expect(after.text).toContain('OCCE 14 — Calvados');
    });
  });

  describe('FEC', () => {
    it("a coop's FEC is named after the association's SIREN, passes our FEC check, closed or provisional, with its notice", async () => {
      const closed = await auditor.agent.get('/api/coops/C14001/years/2025/fec.txt').buffer(true).parse(binaryBody).expect(200);
      expect(closed.headers['content-type']).toBe('text/plain; charset=iso-8859-15');
      expect(fileNameOf(closed)).toBe('781430004FEC20260831_C14001.txt');
      expect(checkFec(closed.body, { year: 2025, fileName: fileNameOf(closed), coopId: 'C14001' })).toEqual([]);
      expect(closed.headers.link).toBe('<fec-notice.txt>; rel="describedby"');
      const open = await auditor.agent.get('/api/coops/C14001/years/2026/fec.txt').buffer(true).parse(binaryBody).expect(200);
      expect(fileNameOf(open)).toBe('781430004FEC20270831_C14001_provisoire.txt');
      expect(checkFec(open.body, { year: 2026, fileName: fileNameOf(open), coopId: 'C14001' })).toEqual([]);
      const notice = await auditor.get('/api/coops/C14001/years/2026/fec-notice.txt').expect(200);
      expect(notice.text).toContain('781430004FEC20270831_C14001_provisoire.txt');
      expect(notice.text).toContain('PROVISOIRE');
    });

    it("the department's FEC holds every coop's entries in one numbering, passes our FEC check, streamed under the SIREN's name", async () => {
      const res = await treasurer.agent.get('/api/departments/14/years/2025/fec.txt').buffer(true).parse(binaryBody).expect(200);
      expect(fileNameOf(res)).toBe('781430004FEC20260831.txt');
      expect(checkFec(res.body, { year: 2025, fileName: fileNameOf(res), department: true })).toEqual([]);
      const text = res.body.toString('latin1');
      expect(text).toContain('\tC14001\t');
      expect(text).toContain('\tC14002-01\t');
      expect(res.headers.link).toBe('</api/departments/14/years/2025/fec-notice.txt>; rel="describedby"');
      const current = await auditor.agent.get('/api/departments/14/years/2026/fec.txt').buffer(true).parse(binaryBody).expect(200);
      expect(fileNameOf(current)).toBe('781430004FEC20270831_provisoire.txt');
      expect(checkFec(current.body, { year: 2026, fileName: fileNameOf(current), department: true })).toEqual([]);
      const notice = await auditor.get('/api/departments/14/years/2025/fec-notice.txt').expect(200);
      expect(notice.text).toContain('Contenu : les écritures des 2 coopératives du département 14');
      expect(notice.text).not.toContain('de les');
      await treasurer61.get('/api/departments/14/years/2025/fec.txt').expect(404);
    });
  });

  describe('consolidated trial balance', () => {
    /** The year's end events of the year-end work, appended as a test double of its commands. */
    async function appendYearEnd(coopId: string, year: number, types: Array<[string, unknown]>): Promise<void> {
      const stream = `ledger-${coopId}-${year}`;
      const head = (await t.stores.eventStore.readStream(stream)).at(-1)!;
      const events = chainEvents(
        head.metadata.hash,
        types.map(([type, data], i) => ({
          id: `yearend-${coopId}-${year}-${type}-${i}`,
          type,
          data,
          metadata: { ...head.metadata, actor: 'test', at: new Date().toISOString(), schemaVersion: 1, commandId: undefined, prevHash: '', hash: '' },
        })),
      );
      const { position } = await t.stores.eventStore.append(stream, events, head.revision);
      await t.app.get<Projector>(PROJECTOR).waitFor(position);
    }

    it('sums every account of every coop, debits = credits, the prior year beside; the coops’ own balances add up', async () => {
      const { body } = await auditor.get('/api/departments/14/years/2026/trial-balance').expect(200);
      expect(body).toMatchObject({ coops: 2, final: 0, provisional: 2 });
      expect(body.totals.debit).toBe(body.totals.credit);
      const account = (code: string) => body.accounts.find((a: { account: string }) => a.account === code);
      let bank = 0;
      for (const coopId of ['C14001', 'C14002']) bank += (await auditor.get(`/api/coops/${coopId}/years/2026/grid`).expect(200)).body.balances.bank;
      expect(account('512').closing).toBe(bank);
      expect(account('512')).toMatchObject({ internal: false, previousClosing: account('512').opening });
      expect(account('6586')).toMatchObject({ internal: true, label: "Cotisations à l'OCCE" });
      expect(account('110').opening).toBeLessThan(0);
      await auditor.get('/api/departments/14/years/2026/trial-balance?scope=nimporte').expect(400);
      await treasurer61.get('/api/departments/14/years/2026/trial-balance').expect(404);
    });

    it('scope=final keeps the coops closed and accepted; the completeness board says who is final and who is missing what', async () => {
      // The demo: C14002's past year is accepted (final), C14001's closed but not sent; both have the
      // bank's August file imported, which is the year-end statement document.
      const { body } = await treasurer.get('/api/departments/14/years/2025/completeness').expect(200);
      expect(body.counts).toMatchObject({ coops: 2, final: 1, accepted: 1, missing: 1, provisional: 1 });
      const row = (id: string) => body.rows.find((r: { coopId: string }) => r.coopId === id);
      expect(row('C14002')).toMatchObject({ final: true, submission: 'accepted', version: 1, quitus: true, statement: true, subsidyProofs: true, missing: [] });
      expect(row('C14001')).toMatchObject({ final: false, submission: 'missing', quitus: false, statement: true });
      expect(row('C14001').missing).toContain('le quitus des deux vérificateurs');
      expect(row('C14001').missing).not.toContain("le relevé bancaire de fin d'exercice");
      const finalOnly = (await treasurer.get('/api/departments/14/years/2025/completeness?filter=final').expect(200)).body.rows;
      expect(finalOnly.map((r: { coopId: string }) => r.coopId)).toEqual(['C14002']);
      const csv = await treasurer.get('/api/departments/14/years/2025/completeness.csv?filter=provisional').expect(200);
      expect(csv.text.startsWith('\uFEFF')).toBe(true);
      expect(csv.text).toContain('C14001;');
      expect(csv.text).not.toContain('C14002;');
      const page = await html(treasurer, '/departements/14/annees/2025/completude').expect(200);
      expect(page.text).toContain('1 définitive<');
      expect(page.text).toContain('le quitus des deux vérificateurs');

      const all = (await treasurer.get('/api/departments/14/years/2025/trial-balance').expect(200)).body;
      const before = (await treasurer.get('/api/departments/14/years/2025/trial-balance?scope=final').expect(200)).body;
      expect(before).toMatchObject({ coops: 2, final: 1, provisional: 1, included: 1 });
      expect(before.totals.debit).toBe(before.totals.credit);
      // The two demo coops kept the same past year.
      expect(before.totals.debit * 2).toBe(all.totals.debit);
      expect((await html(treasurer, '/departements/14/annees/2025/balance?scope=final').expect(200)).text).toContain(
        'Seules les coopératives définitives (1) sont additionnées.',
      );

      const file = { sha256: 'a'.repeat(64), mediaType: 'application/pdf', size: 10 };
      await appendYearEnd('C14001', 2025, [
        ['SubmissionDocumentAttached', { documentId: 'd1', kind: 'statement', subsidyIndex: null, ...file, fileName: 'releve.pdf' }],
        ['SubmissionDocumentAttached', { documentId: 'd2', kind: 'subsidy', subsidyIndex: 0, ...file, fileName: 'mairie.pdf' }],
        ['QuitusGiven', { invitationId: 'i1', decision: 'quitus', name: 'Mme Parent', quality: 'parent', comment: null, chainHead: 'x' }],
        ['QuitusGiven', { invitationId: 'i2', decision: 'quitus', name: 'M. Autre', quality: 'autre', comment: null, chainHead: 'x' }],
        ['SubmissionSent', { version: 1, chainHead: 'x', sentOn: '2026-09-20', late: false, documentIds: ['d1', 'd2'] }],
        ['SubmissionAccepted', { version: 1 }],
      ]);
      const after = (await treasurer.get('/api/departments/14/years/2025/trial-balance?scope=final').expect(200)).body;
      expect(after).toMatchObject({ final: 2, provisional: 0, included: 2, totals: all.totals });
    });

    it('downloads as an xlsx workbook: the consolidated sheet and coops × accounts, amounts as numbers, codes as text', async () => {
      const res = await treasurer.agent.get('/api/departments/14/years/2026/trial-balance.xlsx').buffer(true).parse(binaryBody).expect(200);
      expect(res.headers['content-type']).toContain('spreadsheetml');
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(res.body);
      expect(workbook.worksheets.map((w) => w.name)).toEqual(['Balance consolidée', 'Coopératives × comptes', 'Détail par coopérative']);
      const sheet = workbook.getWorksheet('Balance consolidée')!;
      const bank = sheet.getRows(5, sheet.rowCount - 4)!.find((r) => r.getCell(1).value === '512')!;
      expect(typeof bank.getCell(7).value).toBe('number');
      const { body } = await treasurer.get('/api/departments/14/years/2026/trial-balance').expect(200);
      expect(Math.round((bank.getCell(7).value as number) * 100)).toBe(body.accounts.find((a: { account: string }) => a.account === '512').closing);
      const matrix = workbook.getWorksheet('Coopératives × comptes')!;
      expect(matrix.getRow(2).getCell(1).value).toBe('Coopérative');
      expect(matrix.getRow(3).getCell(1).value).toBe('C14001');
      expect(typeof matrix.getRow(3).getCell(4).value).toBe('number');
    });

    it('the pages: balance with drill-down to the coops and a coop’s entries, its PDF, the aggregated accounts with and without internal flows', async () => {
      const page = await html(treasurer, '/departements/14/annees/2026/balance').expect(200);
      expect(page.text).toContain('/api/departments/14/years/2026/trial-balance.xlsx');
      expect(page.text).toContain('/departements/14/annees/2026/balance/comptes/6586');
      expect(page.text).toContain('Les débits égalent les crédits.');
      const account = await html(auditor, '/departements/14/annees/2026/balance/comptes/6586').expect(200);
      expect(account.text).toContain('/departements/14/annees/2026/balance/cooperatives/C14001');
      const coop = await html(auditor, '/departements/14/annees/2026/balance/cooperatives/C14001').expect(200);
      expect(coop.text).toContain('/coops/C14001/years/2026/cahier');
      await html(treasurer, '/departements/14/annees/2026/balance/cooperatives/C61001').expect(404);
      await html(treasurer, '/departements/14/annees/2026/balance/comptes/9999').expect(404);

      const pdf = await treasurer.agent.get('/departements/14/annees/2026/balance.pdf').buffer(true).parse(binaryBody).expect(200);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      expect(plain(pdfText(pdf.body))).toContain('Balance générale consolidée');
      // Issue #29 point 15: the account column wide enough for a name on one line.
      expect(pdfText(pdf.body).split('\n')).toContain("6586 Cotisations à l'OCCE (flux interne)");

      const aggregated = await html(treasurer, '/departements/14/annees/2026/comptes').expect(200);
      expect(aggregated.text).toContain('Hors flux internes');
      expect(aggregated.text).toContain('hors flux internes : <strong>');
    });
  });
});
