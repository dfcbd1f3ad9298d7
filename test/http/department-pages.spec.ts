import Database from 'better-sqlite3';
import { join } from 'node:path';
import { UserDirectory } from '../../src/users/user-directory';
import { type Agent, startTestApp, type TestApp, binaryBody } from '../support/app';
import { pdfInfo, pdfText } from '../support/pdf-text';

/** As a browser sends a form (repeated names for checkboxes). */
function encodeForm(body: Record<string, string | string[]>): string {
  return Object.entries(body)
    .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((value) => `${encodeURIComponent(k)}=${encodeURIComponent(value)}`))
    .join('&');
}

/** pdftotext keeps French narrow no-break spaces; compare with plain spaces. */
const plain = (text: string): string => text.replace(/[\u00a0\u202f]/g, ' ');

describe('treasurer and auditor pages', () => {
  let t: TestApp;
  let treasurer: Agent;
  let treasurer61: Agent;
  let auditor: Agent;
  let mandataire: Agent;

  const html = (agent: Agent, url: string) => agent.agent.get(url).set('Accept', 'text/html');
  const form = (agent: Agent, url: string, body: Record<string, string | string[]> = {}) =>
    agent.agent
      .post(url)
      .set('Accept', 'text/html')
      .type('form')
      .send(encodeForm({ _csrf: agent.csrf, ...body }));

  beforeAll(async () => {
    t = await startTestApp({ demo: true });
    [treasurer, treasurer61, auditor, mandataire] = await t.loginDemo('tresorier14', 'tresorier61', 'verif14', 'jferry');
  });
  afterAll(() => t.close());

  const DEPARTMENT_PAGES = [
    '/departements/14/annees/2026/tableau',
    '/departements/14/annees/2026/tableau?filter=notClosed&sort=bank&direction=desc&pageSize=1&page=2',
    '/departements/14/annees/2026/comptes',
    '/departements/14/annees/2026/comptes/6586',
    '/departements/14/annees/2026/plan-comptable',
    '/departements/14/annees/2026/plan-comptable/6700/retrait',
    '/departements/14/cooperatives',
    '/departements/14/cooperatives/nouvelle',
    '/departements/14/cooperatives/C14001',
    '/departements/14/cooperatives/C14001/annees/2025/reouverture',
    '/departements/14/cooperatives/C14001/annees/2025/verrouillage',
    '/departements/14/verificateurs',
  ];
  const AUDIT_PAGES = [
    '/audit/coops/C14001',
    '/audit/coops/C14001/historique',
    '/audit/coops/C14001/consultation?year=2025',
    '/audit/coops/C14001/verification',
  ];

  it('every page answers the treasurer of 14 and is absent for the treasurer of 61', async () => {
    for (const url of [...DEPARTMENT_PAGES, ...AUDIT_PAGES]) {
      const res = await html(treasurer, url);
      expect([url, res.status]).toEqual([url, 200]);
      expect(res.text).toContain('<main id="contenu"');
      const other = await html(treasurer61, url);
      expect([url, other.status]).toEqual([url, 404]);
    }
    await html(treasurer, '/departements/14/cooperatives/C61001').expect(404);
    await html(treasurer, '/departements').expect(303).expect('Location', '/departements/14/annees/2026/tableau');
  });

  it('the board says why coops cannot close, in French, with filters, paging and the CSV link', async () => {
    const board = (await html(treasurer, '/departements/14/annees/2025/tableau').expect(200)).text;
    expect(board).toContain('Clôturé');
    const current = (await html(treasurer, '/departements/14/annees/2026/tableau').expect(200)).text;
    // Sentences, not codes.
    expect(current).not.toContain('TOO_EARLY');
    expect(current).toContain('La clôture n&#x27;est possible qu&#x27;à partir du 01/09/2027');
    expect(board).not.toContain('déjà clôturé');
    expect(current).toContain('/api/departments/14/years/2026/board.csv');
    const paged = (await html(treasurer, '/departements/14/annees/2026/tableau?sort=name&pageSize=1').expect(200)).text;
    expect(paged).toContain('Page 1 sur 2');
    expect(paged).toContain('rel="next"');
    await html(treasurer, '/departements/14/annees/2026/tableau?filter=nimporte').expect(400);
  });

  it('aggregated accounts drill down to the coops behind a figure', async () => {
    const totals = (await treasurer.get('/api/departments/14/years/2026/totals').expect(200)).body;
    const page = (await html(treasurer, '/departements/14/annees/2026/comptes').expect(200)).text;
    expect(page).toContain('/departements/14/annees/2026/comptes/6586');
    expect(page).toContain('/api/departments/14/years/2026/totals.csv');
    expect(page).toContain('/departements/14/annees/2026/comptes.pdf');
    const drill = (await html(treasurer, '/departements/14/annees/2026/comptes/6586').expect(200)).text;
    expect(drill).toContain('C14001');
    expect(totals.accounts.find((a: { account: string }) => a.account === '6586').total).toBeGreaterThan(0);
    await html(treasurer, '/departements/14/annees/2026/comptes/512').expect(404);
  });

  it('the aggregated accounts PDF is a real portrait PDF with the totals', async () => {
    const res = await treasurer.agent.get('/departements/14/annees/2026/comptes.pdf').buffer(true).parse(binaryBody).expect(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const pdf = res.body as Buffer;
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const info = pdfInfo(pdf);
    expect(info.width).toBeLessThan(info.height);
    const text = plain(pdfText(pdf));
    expect(text).toContain('Comptes agrégés');
    expect(text).toContain("6586 Cotisations à l'OCCE");
    const totals = (await treasurer.get('/api/departments/14/years/2026/totals').expect(200)).body;
    expect(text).toContain(`${(totals.totalCharges / 100).toLocaleString('fr-FR', { minimumFractionDigits: 2 }).replace(/[\u00a0\u202f]/g, ' ')} €`);
  });

  it('the treasurer registers a coop, edits its identity, resets its password, by forms', async () => {
    const refused = await form(treasurer, '/departements/14/cooperatives', { coopId: 'C14010', name: '', username: 'prevert', password: 'court' }).expect(400);
    expect(refused.text).toContain('Le mot de passe doit contenir au moins 12 caractères.');
    expect(refused.text).toContain('value="C14010"');
    await form(treasurer, '/departements/14/cooperatives', {
      coopId: 'C14010',
      name: 'Coopérative Jacques Prévert',
      uai: '0140010K',
      mandataires: 'Léa Durand',
      username: 'prevert',
      password: 'une phrase assez longue',
    })
      .expect(303)
      .expect('Location', '/departements/14/cooperatives/C14010');
    const coopPage = (await html(treasurer, '/departements/14/cooperatives/C14010').expect(200)).text;
    expect(coopPage).toContain('La coopérative C14010 est enregistrée');
    expect(coopPage).toContain('prevert');
    const owner = await t.login('prevert', 'une phrase assez longue');

    const bad = await form(treasurer, '/departements/14/cooperatives/C14010/identite', { name: 'Coopérative Prévert', uai: 'XYZ' }).expect(400);
    expect(bad.text).toContain('Le code UAI comporte 7 chiffres et une lettre');
    await form(treasurer, '/departements/14/cooperatives/C14010/identite', {
      name: 'Coopérative Prévert',
      school: 'École Prévert, Lisieux',
      uai: '0140010K',
      mandataires: 'Léa Durand, Marc Roy',
    }).expect(303);
    expect((await html(treasurer, '/departements/14/cooperatives').expect(200)).text).toContain('Marc Roy');

    await form(treasurer, '/departements/14/cooperatives/C14010/mot-de-passe', { username: 'prevert', password: 'une autre phrase secrète' }).expect(303);
    await owner.get('/api/coops/C14010/years/2026/grid').expect(401);
    await t.login('prevert', 'une autre phrase secrète');
    await form(treasurer, '/departements/14/cooperatives/C14010/mot-de-passe', { username: 'jferry', password: 'une autre phrase secrète' }).expect(404);
  });

  it('the treasurer unlocks and locks a closed year with a reason, by forms', async () => {
    const missing = await form(treasurer, '/departements/14/cooperatives/C14002/annees/2025/reouverture', { reason: '' }).expect(400);
    expect(missing.text).toContain('Indiquez la raison de la réouverture.');
    await form(treasurer, '/departements/14/cooperatives/C14002/annees/2025/reouverture', { reason: 'Arrêté de caisse à refaire' }).expect(303);
    const page = (await html(treasurer, '/departements/14/cooperatives/C14002').expect(200)).text;
    expect(page).toContain('Rouvert pour correction');
    expect(page).toContain('/departements/14/cooperatives/C14002/annees/2025/verrouillage');
    await form(treasurer, '/departements/14/cooperatives/C14002/annees/2025/verrouillage').expect(303);
    expect((await html(treasurer, '/departements/14/cooperatives/C14002').expect(200)).text).toContain('/annees/2025/reouverture');
    const again = await form(treasurer, '/departements/14/cooperatives/C14002/annees/2025/verrouillage').expect(409);
    expect(again.text).toContain('n&#x27;a pas été rouvert');
  });

  it('the treasurer edits the department’s chart for a year', async () => {
    await form(treasurer, '/departements/14/annees/2026/plan-comptable', { account: '6230', label: 'Fêtes et cérémonies', kind: 'charge' }).expect(303);
    expect((await html(treasurer, '/departements/14/annees/2026/plan-comptable').expect(200)).text).toContain('Fêtes et cérémonies');
    const bad = await form(treasurer, '/departements/14/annees/2026/plan-comptable', { account: '62', label: '', kind: '' }).expect(400);
    expect(bad.text).toContain('Le numéro de compte doit comporter de 3 à 10 chiffres.');
    await form(treasurer, '/departements/14/annees/2026/plan-comptable/6230/libelle', { label: 'Fêtes de fin d’année' }).expect(303);
    await form(treasurer, '/departements/14/annees/2026/plan-comptable/6230/retrait').expect(303);
    const chart = (await treasurer.get('/api/departments/14/years/2026/chart').expect(200)).body;
    expect(chart.accounts.find((a: { code: string }) => a.code === '6230')).toMatchObject({ label: 'Fêtes de fin d’année', retired: true });
    expect((await form(treasurer, '/departements/14/annees/2026/plan-comptable/512/retrait').expect(409)).text).toContain('indispensable');
    // 6181 carries entries of the demo's 2026-2027: the refusal shows by the button, the account stays.
    const used = await form(treasurer, '/departements/14/annees/2026/plan-comptable/6181/retrait').expect(409);
    expect(used.text).toContain('Retrait impossible');
    expect(used.text).toMatch(/Le compte 6181 \(Activités éducatives\) sert à des écritures de l&#x27;exercice 2026-2027 de (la coopérative|\d+ coopératives)/);
    expect(used.text).not.toContain('>Retirer le compte 6181</button>');
    const after = (await treasurer.get('/api/departments/14/years/2026/chart').expect(200)).body;
    expect(after.accounts.find((a: { code: string }) => a.code === '6181').retired).toBeUndefined();
    expect((await treasurer61.get('/api/departments/61/years/2026/chart').expect(200)).body.accounts.some((a: { code: string }) => a.code === '6230')).toBe(
      false,
    );
  });

  it('the treasurer grants an auditor coops from the page', async () => {
    const users = t.app.get(UserDirectory);
    await users.create({ username: 'verif-externe', password: 'une phrase assez longue', role: 'auditor' });
    const outsider = await t.login('verif-externe', 'une phrase assez longue');
    await html(outsider, '/audit/coops/C14002/historique').expect(404);
    const empty = await form(treasurer, '/departements/14/verificateurs', { username: 'verif-externe' }).expect(400);
    expect(empty.text).toContain('Choisissez au moins une coopérative ou le département.');
    await form(treasurer, '/departements/14/verificateurs', { username: 'verif-externe', coops: ['C14002', 'C14010'] }).expect(303);
    const list = (await html(treasurer, '/departements/14/verificateurs').expect(200)).text;
    expect(list).toContain('verif-externe');
    expect(list).toContain('Coopérative Prévert (C14010)');
    await html(outsider, '/audit/coops/C14002/historique').expect(200);
    await html(outsider, '/audit/coops/C14001/historique').expect(404);
    expect((await html(outsider, '/audit').expect(200)).text).toContain('C14010');
  });

  it('the auditor reads the history, the books as of a moment and the verification, and may change nothing', async () => {
    for (const url of ['/departements/14/annees/2026/tableau', '/departements/14/annees/2026/comptes', ...AUDIT_PAGES]) {
      const res = await html(auditor, url);
      expect([url, res.status]).toEqual([url, 200]);
      expect(res.text).not.toMatch(/<form method="post" action="\/(departements|audit)/);
    }
    for (const url of ['/departements/14/cooperatives', '/departements/14/annees/2026/plan-comptable', '/departements/14/verificateurs']) {
      await html(auditor, url).expect(403);
    }
    const posts = [
      '/departements/14/cooperatives',
      '/departements/14/cooperatives/C14001/identite',
      '/departements/14/cooperatives/C14001/mot-de-passe',
      '/departements/14/cooperatives/C14001/annees/2025/reouverture',
      '/departements/14/cooperatives/C14001/annees/2025/verrouillage',
      '/departements/14/annees/2026/plan-comptable',
      '/departements/14/annees/2026/plan-comptable/6700/libelle',
      '/departements/14/annees/2026/plan-comptable/6700/retrait',
      '/departements/14/verificateurs',
    ];
    for (const url of posts) {
      const res = await form(auditor, url, { name: 'Non', reason: 'Non', username: 'verif14', departments: '14' });
      expect([url, res.status]).toEqual([url, 403]);
    }
    for (const url of AUDIT_PAGES) await html(mandataire, url).expect(403);
  });

  it('the history shows amendments before → after and deleted entries as deleted; time-travel shows the past', async () => {
    const created = await mandataire
      .post('/api/coops/C14001/years/2026/entries', {
        pj: '50',
        date: '2026-11-20',
        label: 'Tombola',
        lines: [
          { account: '530', debit: 4000 },
          { account: '7070', credit: 4000 },
        ],
      })
      .expect(201);
    const beforeAmend = t.clock.now().toISOString();
    t.clock.advance(60_000);
    await mandataire
      .put(`/api/coops/C14001/years/2026/entries/${created.body.entryId}`, {
        pj: '50',
        date: '2026-11-20',
        label: 'Tombola de Noël',
        lines: [
          { account: '530', debit: 4500 },
          { account: '7070', credit: 4500 },
        ],
      })
      .expect(200);
    t.clock.advance(60_000);
    await mandataire.delete(`/api/coops/C14001/years/2026/entries/${created.body.entryId}`).expect(204);

    const history = (await html(auditor, '/audit/coops/C14001/historique').expect(200)).text;
    expect(history).toContain('Écriture modifiée');
    expect(history).toContain('<del>Tombola</del> → <ins>Tombola de Noël</ins>');
    expect(history).toContain('PJ 50 du 20/11/2026 — Tombola de Noël (supprimée)');
    expect(history).toContain('(écriture supprimée depuis)');
    const reopened = (await html(auditor, '/audit/coops/C14002/historique').expect(200)).text;
    expect(reopened).toContain('Exercice rouvert par l&#x27;association départementale');
    expect(reopened).toContain('Raison : Arrêté de caisse à refaire');

    const past = (await html(auditor, `/audit/coops/C14001/consultation?year=2026&asOf=${encodeURIComponent(beforeAmend)}`).expect(200)).text;
    expect(past).toContain('Tombola');
    expect(past).not.toContain('Tombola de Noël');
    const now = (await html(auditor, '/audit/coops/C14001/consultation?year=2026').expect(200)).text;
    expect(now).not.toContain('Tombola');
    // The picker's value: a time in France, to the minute.
    const picked = (await html(auditor, '/audit/coops/C14001/consultation?year=2026&asOf=2026-11-27T11:00').expect(200)).text;
    expect(picked).toContain('value="2026-11-27T11:00"');
    expect(picked).toContain('Tombola');
    expect(picked).not.toContain('Tombola de Noël');
    await html(auditor, '/audit/coops/C14001/consultation?year=2026&asOf=hier').expect(400);
  });

  it('the attestation is a real PDF of the chain heads, refused (409) once the history is tampered with', async () => {
    const check = (await auditor.get('/api/coops/C14002/verify').expect(200)).body;
    expect((await html(auditor, '/audit/coops/C14002/verification').expect(200)).text).toContain('Historique intègre');
    const res = await auditor.agent.get('/audit/coops/C14002/attestation.pdf').buffer(true).parse(binaryBody).expect(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const text = plain(pdfText(res.body as Buffer)).replace(/\s+/g, ' ');
    expect(text).toContain("Attestation d'intégrité de l'historique");
    expect(text).toContain('27/11/2026');
    for (const head of check.heads) {
      const year = /^ledger-C14002-(\d{4})$/.exec(head.stream);
      expect(text).toContain(year ? `Exercice ${year[1]}-${Number(year[1]) + 1}` : 'Identité de la coopérative');
      expect(text.replace(/ /g, '')).toContain(head.hash);
    }
    expect(text).not.toMatch(/ledger-|[Ff]lux|[Rr]évision/);

    const db = new Database(join(t.dataDir, 'events.sqlite'));
    const row = db.prepare("SELECT position, data FROM events WHERE stream = 'ledger-C14002-2025' AND revision = 3").get() as {
      position: number;
      data: string;
    };
    db.prepare('UPDATE events SET data = ? WHERE position = ?').run(row.data.replace(/\d{3}/, '998'), row.position);
    db.close();
    const broken = (await html(auditor, '/audit/coops/C14002/verification').expect(200)).text;
    expect(broken).toContain('Historique altéré');
    // Named by its number in the coop's history and its year, in words.
    const events = (await auditor.get('/api/coops/C14002/history').expect(200)).body.events as Array<{ stream: string; revision: number }>;
    const number = events.findIndex((e) => e.stream === 'ledger-C14002-2025' && e.revision === 3) + 1;
    expect(broken).toContain(`N° ${number} de l'historique, Exercice 2025-2026 de la coopérative C14002`);
    expect(broken).toContain('son contenu a été modifié après son enregistrement');
    expect(broken).not.toMatch(/ledger-|révision|[Ff]lux/);
    const refused = await html(auditor, '/audit/coops/C14002/attestation.pdf').expect(409);
    expect(refused.text).toContain('Attestation impossible');
    const json = await auditor.get('/audit/coops/C14002/attestation.pdf').expect(409);
    expect(json.body).toMatchObject({ code: 'HISTORY_BROKEN' });
  });

  describe("the auditor's pages in words", () => {
    type ApiEvent = { stream: string; revision: number; type: string; position: string };
    const rowNumbers = (page: string): number[] => [...page.matchAll(/<th scope="row">(\d+)<\/th>/g)].map((m) => Number(m[1]));
    const historyOf = async (coopId: string): Promise<ApiEvent[]> => (await auditor.get(`/api/coops/${coopId}/history`).expect(200)).body.events;

    it('speak French: no stream names, no "Flux" nor "révision", event types in words', async () => {
      for (const url of AUDIT_PAGES) {
        const page = (await html(auditor, url).expect(200)).text;
        expect([url, page]).not.toEqual([url, expect.stringMatching(/ledger-|coop-C|[Ff]lux|[Rr]évision|stream/)]);
      }
      const history = (await html(auditor, '/audit/coops/C14001/historique').expect(200)).text;
      for (const words of ['Coopérative enregistrée', 'Écriture enregistrée', 'Exercice clôturé', 'Identité de la coopérative', 'Exercice 2025-2026']) {
        expect(history).toContain(words);
      }
      // Every type the demo's history holds has its French name.
      const types = new Set((await historyOf('C14001')).map((e) => e.type));
      for (const type of types) expect(history).not.toContain(`>${type}<`);
    });

    it("number the coop's events from 1, in the order they were recorded", async () => {
      // C14002's first event is not the log's first: its number is still 1.
      const events = (await auditor.get('/api/coops/C14002/history').expect(200)).body.events as Array<{ position: string }>;
      expect(Number(events[0].position)).toBeGreaterThan(1);
      const numbers = rowNumbers((await html(auditor, '/audit/coops/C14002/historique').expect(200)).text);
      expect(numbers).toEqual(events.map((_, index) => index + 1));
    });

    it('filter by year and by event type, keeping each event its number', async () => {
      const events = await historyOf('C14001');
      const wanted = events.flatMap((e, index) => (e.stream === 'ledger-C14001-2025' && e.type === 'EntryRecorded' ? [index + 1] : []));
      expect(wanted.length).toBeGreaterThan(1);
      const page = (await html(auditor, '/audit/coops/C14001/historique?exercice=2025&type=EntryRecorded').expect(200)).text;
      expect(rowNumbers(page)).toEqual(wanted);
      expect(page).toContain(`${wanted.length} événements sur ${events.length} répondent au filtre.`);
      expect(page).toContain('<option value="2025" selected>Exercice 2025-2026</option>');
      expect(page).toContain('<option value="EntryRecorded" selected>Écriture enregistrée</option>');
      expect(page).toContain('href="/audit/coops/C14001/historique">Tout afficher</a>');

      const identity = (await html(auditor, '/audit/coops/C14001/historique?exercice=identite').expect(200)).text;
      expect(rowNumbers(identity)).toEqual(events.flatMap((e, index) => (e.stream === 'coop-C14001' ? [index + 1] : [])));
      expect(rowNumbers(identity)[0]).toBe(1);

      const types = (await html(auditor, '/audit/coops/C14001/historique?type=YearClosed').expect(200)).text;
      expect(rowNumbers(types)).toEqual(events.flatMap((e, index) => (e.type === 'YearClosed' ? [index + 1] : [])));
      // A value the history does not hold filters nothing out.
      expect(rowNumbers((await html(auditor, '/audit/coops/C14001/historique?exercice=1999&type=Autre').expect(200)).text)).toHaveLength(events.length);
    });
  });

  it("the board shows each coop's last statement date and the difference of its rapprochement, in red when not zero", async () => {
    const cells = (page: string, coopId: string) => {
      const row = page.slice(page.indexOf(`${coopId} ·`));
      return row.slice(0, row.indexOf('</tr>'));
    };
    const closed = plain((await html(treasurer, '/departements/14/annees/2025/tableau').expect(200)).text);
    expect(closed).toContain('<th scope="col">Dernier relevé</th>');
    for (const coopId of ['C14001', 'C14002']) expect(cells(closed, coopId)).toMatch(/<td>31\/08\/2026<\/td>\s*<td class="num">0,00 €<\/td>/);
    await mandataire.post('/api/coops/C14001/years/2026/statements', { date: '2026-09-30', closingBalance: 100000 }).expect(201);
    const current = plain((await html(treasurer, '/departements/14/annees/2026/tableau').expect(200)).text);
    expect(cells(current, 'C14001')).toMatch(/<td>30\/09\/2026<\/td>\s*<td class="num reconciliation-difference">-\d/);
    // The demo's October statement of C14002 (its deposit of cheques, matched): no difference.
    expect(cells(current, 'C14002')).toMatch(/<td>31\/10\/2026<\/td>\s*<td class="num">0,00 €<\/td>/);
  });
});
