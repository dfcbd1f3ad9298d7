import type request from 'supertest';
import { type Agent, startTestApp, type TestApp } from '../support/app';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

/**
 * DOMAIN.md's year's end through the pages alone, on the demo's closed 2025-2026 of C14001: close
 * (the demo did) → invite two vérificateurs → both decide from their links → attach the statement
 * and the subsidy proofs → submit → the treasurer accepts → an unlock voids the quitus, makes the
 * next year's opening provisional and shows on the department's pages; the version stays as sent.
 */
describe("year's end pages", () => {
  jest.setTimeout(90_000);
  let t: TestApp;
  let mandataire: Agent;
  let treasurer: Agent;
  const base = '/coops/C14001/years/2025';

  const html = (agent: { get(url: string): request.Test }, url: string) => agent.get(url).set('Accept', 'text/html');
  const form = (agent: Agent, url: string, body: Record<string, string>) =>
    agent.agent
      .post(url)
      .set('Accept', 'text/html')
      .type('form')
      .send({ _csrf: agent.csrf, ...body });
  const upload = (agent: Agent, fields: Record<string, string>, name: string) => {
    // As the page's form sends it: the token first, then the fields, then the file.
    let req = agent.agent.post(`${base}/depot/documents`).set('Accept', 'text/html').field('_csrf', agent.csrf);
    for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
    return req.attach('file', PDF, name);
  };

  beforeAll(async () => {
    t = await startTestApp({ demo: true });
    [mandataire, treasurer] = await t.loginDemo('jferry', 'tresorier14');
  });
  afterAll(() => t.close());

  async function inviteAndDecide(name: string, quality: string, decision: string, comment = ''): Promise<string> {
    const page = await form(mandataire, `${base}/quitus`, { name, quality }).expect(201);
    expect(page.text).toContain(`Invitation créée pour ${name}`);
    const link = /href="https?:\/\/[^/"]+(\/quitus\/[A-Za-z0-9_-]{32})"/.exec(page.text)?.[1];
    expect(link).toBeDefined();
    const verifier = t.anonymous();
    const read = await html(verifier, link!).expect(200);
    for (const part of ['Le compte-rendu financier', "Le cahier de l'exercice", "L'état de rapprochement", 'Je donne quitus', "J'émets des réserves"]) {
      expect(read.text).toContain(part);
    }
    const csrf = /name="_csrf" value="([^"]+)"/.exec(read.text)![1];
    const done = await verifier.post(link!).set('Accept', 'text/html').type('form').send({ _csrf: csrf, decision, comment }).expect(200);
    expect(done.text).toContain(decision === 'quitus' ? 'votre quitus est enregistré' : 'vos réserves sont enregistrées');
    return link!;
  }

  it('takes the closed year from the invitations to the AD’s acceptance, page by page', async () => {
    const closing = await html(mandataire, `${base}/cloture`).expect(200);
    expect(closing.text).toContain(`href="${base}/quitus"`);
    expect(closing.text).toContain(`href="${base}/depot"`);
    const quitusPage = await html(mandataire, `${base}/quitus`).expect(200);
    expect(quitusPage.text).toContain('Quitus incomplet');
    const link = await inviteAndDecide('Élodie Durand', 'parent', 'quitus');
    // Réserves need a comment: the form comes back with the message under the field.
    const { code } = { code: link };
    const again = await html(t.anonymous(), code).expect(200);
    expect(again.text).toContain('Votre décision du');
    const bookkeeper = await form(mandataire, `${base}/quitus`, { name: 'Claire Martin', quality: 'parent' }).expect(403);
    expect(bookkeeper.text).toContain('ne peut pas être un mandataire');
    await inviteAndDecide('Marc Petit', 'enseignant', 'reserves', 'La facture 12 est une photocopie.');
    expect((await html(mandataire, `${base}/quitus`).expect(200)).text).toContain('Quitus complet');

    const before = await html(mandataire, `${base}/depot`).expect(200);
    expect(before.text).toContain("L'envoi n'est pas encore possible");
    await upload(mandataire, { kind: 'statement' }, 'releve-aout.pdf').expect(303);
    const rows = (await mandataire.get(`/api${base}/crf`).expect(200)).body.subsidies.rows.length;
    for (let i = 0; i < rows; i++) await upload(mandataire, { kind: 'subsidy', subsidyIndex: String(i) }, `subvention-${i}.pdf`).expect(303);
    const ready = await html(mandataire, `${base}/depot`).expect(200);
    expect(ready.text).toContain('Tout est prêt');
    await form(mandataire, `${base}/depot`, {}).expect(303);
    expect((await html(mandataire, `${base}/depot`).expect(200)).text).toContain('Envoyé, en attente de l&#x27;association départementale');

    const list = await html(treasurer, '/departements/14/annees/2025/depots').expect(200);
    expect(list.text).toContain('Envoyé, en attente');
    await form(treasurer, '/departements/14/cooperatives/C14001/annees/2025/depot', { decision: 'accept' }).expect(303);
    expect((await html(treasurer, '/departements/14/annees/2025/depots').expect(200)).text).toContain('Accepté');
    expect((await html(mandataire, base).expect(200)).text).toContain('Accepté');
  });

  it('#29.1 the treasurer reaches the dépôts from the menu, the board, the Bilans and the coop page; the dépôts page opens what the coop attached', async () => {
    const depots = '/departements/14/annees/2025/depots';
    for (const from of ['/departements/14/annees/2025/tableau', '/departements/14/annees/2025/completude', '/departements/14/cooperatives/C14001']) {
      expect((await html(treasurer, from).expect(200)).text).toMatch(new RegExp(`href="${depots}(#depot-C14001)?"`));
    }
    // The menu names it on every department page.
    expect((await html(treasurer, '/departements/14/annees/2025/balance').expect(200)).text).toContain(`<a href="${depots}">Dépôts</a>`);
    const page = await html(treasurer, depots).expect(200);
    const row = page.text.slice(page.text.indexOf('id="depot-C14001"'));
    const links = [...row.slice(0, row.indexOf('</tr>')).matchAll(/href="([^"]+)">(Relevé de fin d’exercice|Justificatif de subvention n° \d+)</g)];
    expect(links.map((l) => l[2])).toContain('Relevé de fin d’exercice');
    expect(links.length).toBeGreaterThan(1);
    for (const [, href] of links) await treasurer.get(href.replace(/&amp;/g, '&')).expect(200);
  });

  it('after an unlock: the quitus is caduc, the next year opens provisionally, the board flags the coop, the version reads as sent', async () => {
    const sent = (await mandataire.get(`/api${base}/submission/versions/1/crf`).expect(200)).body;
    await form(treasurer, '/departements/14/cooperatives/C14001/annees/2025/reouverture', { reason: 'Facture oubliée' }).expect(303);
    expect((await html(mandataire, `${base}/quitus`).expect(200)).text).toContain('Caduc');
    const next = await html(mandataire, '/coops/C14001/years/2026').expect(200);
    expect(next.text).toContain('ouverture de cet exercice est provisoire');
    expect((await html(mandataire, '/coops/C14001/years/2026/crf').expect(200)).text).toContain("Début de l'exercice provisoire");
    const board = await html(treasurer, '/departements/14/annees/2025/depots').expect(200);
    expect(board.text).toContain("rouvert depuis l'envoi");
    expect((await html(treasurer, '/departements/14/annees/2025/tableau').expect(200)).text).toContain('Bilan accepté puis rouvert');

    // A correction during the unlock changes the year, not the version the AD received.
    await mandataire
      .post(`/api${base}/entries`, {
        pj: '99',
        date: '2026-08-30',
        label: 'Facture oubliée – Papeterie',
        lines: [
          { account: '6181', debit: 1000 },
          { account: '512', credit: 1000 },
        ],
      })
      .expect(201);
    const live = (await mandataire.get(`/api${base}/crf`).expect(200)).body;
    expect(live.totalCharges).toBe(sent.totalCharges + 1000);
    const stillSent = (await mandataire.get(`/api${base}/submission/versions/1/crf`).expect(200)).body;
    expect(stillSent).toEqual(sent);
    expect(stillSent).toMatchObject({ version: 1, status: 'définitif' });
    await mandataire.get(`/api${base}/submission/versions/2/crf`).expect(404);
  });

  it('#29.2 reopened: the mandataire reads that they correct and the AD locks again, with no closing offered; the treasurer reads the lock link', async () => {
    const closing = await html(mandataire, `${base}/cloture`).expect(200);
    expect(closing.text).toContain("c'est elle qui verrouillera l'exercice à nouveau");
    expect(closing.text).toContain('Exercice rouvert pour une correction');
    for (const contradiction of ['La clôture est possible', "clôturez l'exercice à nouveau", `${base}/cloture/confirmation`, "verrouillez l'exercice"]) {
      expect(closing.text).not.toContain(contradiction);
    }
    await html(mandataire, `${base}/cloture/confirmation`).expect(303);
    const asTreasurer = await html(treasurer, `${base}/cloture`).expect(200);
    expect(asTreasurer.text).toContain(`href="/departements/14/cooperatives/C14001/annees/2025/verrouillage">verrouillez l'exercice à nouveau</a>`);
    expect(asTreasurer.text).not.toContain('Faites la correction demandée');
  });

  it('locked again with other balances: the next year shows the opening before → after once, until the mandataire saw it', async () => {
    const next = '/coops/C14001/years/2026';
    const unlocked = (await mandataire.get(`/api${next}/grid`).expect(200)).body.opening;
    expect(unlocked.provisional).toBe(true);
    const before = unlocked.bank;
    await form(treasurer, '/departements/14/cooperatives/C14001/annees/2025/verrouillage', {}).expect(303);
    const home = await html(mandataire, next).expect(200);
    expect(home.text).toContain("L'ouverture a changé après la correction de l'exercice précédent");
    const change = /Banque : ([^→]+) → ([^;]+) ;/.exec(home.text)!;
    expect(change[1].trim()).not.toBe(change[2].trim());
    // While 2025 was unlocked, 2026 opened provisionally from its opening and movements (the correction
    // included, openingOf); locked again, from its closing: the same figures, no longer provisional.
    const locked = (await mandataire.get(`/api${next}/grid`).expect(200)).body.opening;
    expect(locked).toMatchObject({ bank: before, provisional: false });
    // The treasurer reads the page but does not acknowledge for the coop.
    expect((await html(treasurer, next).expect(200)).text).not.toContain("J'ai pris connaissance");
    await form(treasurer, `${next}/ouverture/vue`, { bank: String(before), cash: '0' }).expect(403);

    const bank = /name="bank" value="(-?\d+)"/.exec(home.text)![1];
    const cash = /name="cash" value="(-?\d+)"/.exec(home.text)![1];
    // A stale page (another opening than the current one) is refused, nothing recorded.
    const stale = await form(mandataire, `${next}/ouverture/vue`, { bank: String(Number(bank) + 1), cash }).expect(303);
    expect((await html(mandataire, stale.headers.location).expect(200)).text).toContain('ouverture a encore changé depuis');
    await form(mandataire, `${next}/ouverture/vue`, { bank, cash }).expect(303);
    const after = await html(mandataire, next).expect(200);
    expect(after.text).not.toContain("L'ouverture a changé après la correction");
    // The department's board still flags the coop.
    expect((await html(treasurer, '/departements/14/annees/2026/tableau').expect(200)).text).toContain('Ouverture modifiée après correction');
    const history = (await treasurer.get('/api/coops/C14001/history').expect(200)).body.events;
    expect(history.filter((e: { type: string }) => e.type === 'OpeningChangeSeen')).toEqual([
      expect.objectContaining({ stream: 'ledger-C14001-2026', data: { bank: Number(bank), cash: Number(cash) } }),
    ]);
  });
});
