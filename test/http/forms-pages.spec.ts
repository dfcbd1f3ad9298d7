import ExcelJS from 'exceljs';
import { type Agent, startTestApp, type TestApp, binaryBody } from '../support/app';
import { pdfText } from '../support/pdf-text';

/** As a browser sends a form: `lines[0][debit]=…`, with explicit indices. */
function encodeForm(body: Record<string, unknown>): string {
  const pairs: string[] = [];
  const walk = (prefix: string, value: unknown): void => {
    if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) walk(prefix ? `${prefix}[${k}]` : k, v);
    } else pairs.push(`${encodeURIComponent(prefix)}=${encodeURIComponent(String(value ?? ''))}`);
  };
  walk('', body);
  return pairs.join('&');
}

const plain = (text: string): string => text.replace(/[\u00a0\u202f]/g, ' ');
const unescaped = (html: string): string => plain(html.replace(/&#x27;/g, "'").replace(/&quot;/g, '"'));

/**
 * The forms of issue #16 (items 10, 11, 12, 14): a coop registered by the treasurer's form (every
 * error at once, nothing typed lost), then its mandataire's ventilation warnings, "Inscrire ce
 * bien", and the cash count page. Today is 27/11/2026: the new coop's first year is 2026-2027.
 */
describe('forms: coop creation, ventilation warnings, inventory from an entry, cash count', () => {
  let t: TestApp;
  let treasurer: Agent;
  let owner: Agent;
  const base = '/coops/C14900/years/2026';
  const PASSWORD = 'une phrase assez longue';

  const html = (agent: Agent, url: string) => agent.agent.get(url).set('Accept', 'text/html');
  const form = (agent: Agent, url: string, body: Record<string, unknown> = {}) =>
    agent.agent
      .post(url)
      .set('Accept', 'text/html')
      .type('form')
      .send(encodeForm({ _csrf: agent.csrf, ...body }));
  /** Posts a form, follows its redirect, and answers the page it lands on. */
  const saved = async (agent: Agent, url: string, body: Record<string, unknown>) => {
    const res = await form(agent, url, body).expect(303);
    return unescaped((await html(agent, res.headers.location).expect(200)).text);
  };

  beforeAll(async () => {
    t = await startTestApp({ demo: true, now: '2026-11-27T10:00:00Z' });
    [treasurer] = await t.loginDemo('tresorier14');
  });
  afterAll(() => t.close());

  describe('the treasurer registers a coop (item 11)', () => {
    it('shows every error at once, each next to its field, and keeps everything typed, the password too', async () => {
      const res = await form(treasurer, '/departements/14/cooperatives', {
        coopId: 'C14 900',
        name: '',
        school: 'École Prévert',
        uai: 'XYZ',
        mandataires: 'Léa Durand',
        firstYear: '20',
        username: 'jferry',
        password: 'court',
      }).expect(400);
      const page = unescaped(res.text);
      for (const [field, message] of [
        ['coopId', "L'identifiant de la coopérative ne contient que des lettres"],
        ['name', 'Le nom de la coopérative est obligatoire.'],
        ['uai', 'Le code UAI comporte 7 chiffres et une lettre'],
        ['firstYear', 'Le premier exercice est une année'],
        ['username', 'Cet identifiant est déjà utilisé.'],
        ['password', 'Le mot de passe doit contenir au moins 12 caractères.'],
      ]) {
        expect(page).toMatch(new RegExp(`id="${field}-error">${message}`));
      }
      // The username's input is described by its error.
      expect(page).toMatch(/id="username"[^>]*aria-describedby="username-error"/);
      for (const value of ['C14 900', 'École Prévert', 'XYZ', 'Léa Durand', '20', 'jferry', 'court']) expect(page).toContain(`value="${value}"`);
    });

    it('says a taken identifier next to the username field even when it is the only problem (409 in JSON)', async () => {
      const res = await form(treasurer, '/departements/14/cooperatives', {
        coopId: 'C14900',
        name: 'Coopérative Prévert',
        username: 'jferry',
        password: PASSWORD,
      });
      expect(res.status).toBe(400);
      expect(unescaped(res.text)).toMatch(/id="username-error">Cet identifiant est déjà utilisé./);
      expect(res.text).not.toContain('id="form-error"');
      const api = await treasurer.post('/api/departments/14/coops', { coopId: 'C14900', name: 'Coopérative Prévert', username: 'jferry', password: PASSWORD });
      expect(api.status).toBe(409);
      expect(api.body.code).toBe('USERNAME_TAKEN');
      // Nothing was recorded by the refusals.
      await treasurer.get('/api/coops/C14900/years/2026/grid').expect(404);
    });

    it('registers the coop and its login once the form is right', async () => {
      const page = await saved(treasurer, '/departements/14/cooperatives', {
        coopId: 'C14900',
        name: 'Coopérative Jacques Prévert',
        mandataires: 'Léa Durand',
        username: 'prevert900',
        password: PASSWORD,
      });
      expect(page).toContain('La coopérative C14900 est enregistrée');
      owner = await t.login('prevert900', PASSWORD);
      await owner.post(`/api${base}/opening`, { bank: 100000, cash: 3000, date: '2026-09-01' }).expect(201);
    });
  });

  describe('ventilation automatique (item 10) and "Inscrire ce bien" (item 14)', () => {
    const purchase = (pj: string, label: string, amount: string) => ({
      pj,
      date: '2026-10-05',
      label,
      treasury: '512',
      direction: 'depense',
      amount,
      account: '6800',
    });

    it('says the warning each save causes, the second durable good too, and lists the account of each entry', async () => {
      const first = await saved(owner, `${base}/ventilation`, purchase('01', 'Appareil photo Fnac – Fact. 8841', '249,90'));
      expect(first).toContain(
        "L'écriture n° 01 est enregistrée. À vérifier : Un achat de biens durables (compte 6800) n'est pas inscrit au cahier d'inventaire : la pièce 01.",
      );
      // Same warning code, a new sentence: said again for the second purchase.
      const second = await saved(owner, `${base}/ventilation`, purchase('02', 'Tablette – Fact. 12', '199'));
      expect(second).toContain(
        "L'écriture n° 02 est enregistrée. À vérifier : Un achat de biens durables (compte 6800) n'est pas inscrit au cahier d'inventaire : les pièces 01, 02.",
      );
      // The list of the ventilation page names each entry's account.
      expect(second).toMatch(/Tablette – Fact\. 12<\/td><td data-label="Comptes">6800<\/td>/);
      // A save that raises nothing new says nothing more than its success.
      const third = await saved(owner, `${base}/ventilation`, { ...purchase('03', 'Papeterie', '12'), account: '6181' });
      expect(third).toContain("L'écriture n° 03 est enregistrée.");
      expect(third).not.toContain("L'écriture n° 03 est enregistrée. À vérifier");
    });

    it('links the warning to the inventory form filled from the entry, and the warning ends once registered', async () => {
      const page = (await html(owner, `${base}/ventilation`).expect(200)).text;
      const link = /<a href="([^"]+)">Inscrire ce bien \(PJ 01\)<\/a>/.exec(page);
      expect(link).not.toBeNull();
      const href = link![1].replace(/&#x3D;/g, '=');
      expect(href).toMatch(new RegExp(`^${base}/inventaire\\?ecriture=.+#inscrire$`));
      const inventory = unescaped((await html(owner, href.replace(/#.*/, '')).expect(200)).text);
      expect(inventory).toContain('value="Appareil photo Fnac – Fact. 8841"');
      expect(inventory).toContain('value="2026-10-05"');
      expect(inventory).toContain('value="249,90"');
      expect(inventory).toMatch(/id="f-pj"[^>]*value="01"/);
      // The inventory page's own list offers the same link.
      expect(inventory).toContain('Inscrire ce bien</a>');
      const after = await saved(owner, `${base}/inventaire`, {
        designation: 'Appareil photo Fnac – Fact. 8841',
        acquiredOn: '2026-10-05',
        quantity: '1',
        value: '249,90',
        pj: '01',
      });
      expect(after).toContain("« Appareil photo Fnac – Fact. 8841 » est inscrit au cahier d'inventaire.");
      const home = unescaped((await html(owner, base).expect(200)).text);
      expect(home).toContain("n'est pas inscrit au cahier d'inventaire : la pièce 02.");
      expect(home).toContain('Inscrire ce bien (PJ 02)');
      expect(home).not.toContain('Inscrire ce bien (PJ 01)');
    });
  });

  describe('the cash count page (item 12)', () => {
    let firstCount: string;

    it('says once, after saving, whether the last count matches 530', async () => {
      const page = await saved(owner, `${base}/caisse`, { date: '2026-10-31', n_1000: '3' });
      expect(page).toContain("L'arrêté de caisse du 31/10/2026 est enregistré : 30,00 € comptés.");
      expect(page).toContain('Le dernier arrêté (du 31/10/2026, 30,00 €) correspond au solde du compte 530.');
      expect(page).not.toContain('ne correspond pas');
      expect(page).not.toMatch(/différence/);
    });

    it('keeps the last count by date as the domain does: an older count recorded later changes nothing', async () => {
      const page = await saved(owner, `${base}/caisse`, { date: '2026-10-15', n_1000: '2', n_200: '5' });
      expect(page).toContain('correspond au solde du compte 530');
      expect(page).not.toContain('ne correspond pas');
    });

    it('shows each past count in detail, with a link to correct it by a new count', async () => {
      const page = unescaped((await html(owner, `${base}/caisse`).expect(200)).text);
      expect(page).toMatch(/<summary>Arrêté du 31\/10\/2026 : <strong>30,00 €<\/strong> <span class="badge">le dernier<\/span><\/summary>/);
      expect(page).toMatch(/<th scope="row">2 €<\/th><td class="num">5<\/td><td class="num">10,00 €<\/td>/);
      const links = [...page.matchAll(/<a href="([^"]+)">Corriger par un nouvel arrêté<\/a>/g)].map((m) => m[1]);
      expect(links).toHaveLength(2);
      firstCount = links[0].replace(/&#x3D;/g, '=').replace(/#.*/, '');
      const prefilled = unescaped((await html(owner, firstCount).expect(200)).text);
      expect(prefilled).toContain('Nouvel arrêté, à partir de celui du 31/10/2026');
      expect(prefilled).toMatch(/id="count-1000"[^>]*value="3"/);
      expect(prefilled).toMatch(/id="f-date"[^>]*value="2026-10-31"/);
    });

    it('after a cash expense, the page says the difference, and only that', async () => {
      await owner
        .post(`/api${base}/entries`, {
          pj: '04',
          date: '2026-11-02',
          label: 'Goûter de la classe',
          lines: [
            { account: '6181', debit: 1000 },
            { account: '530', credit: 1000 },
          ],
        })
        .expect(201);
      const page = unescaped((await html(owner, `${base}/caisse`).expect(200)).text);
      expect(page).toContain("L'arrêté de caisse ne correspond pas avec le solde 530, la différence est de 10,00 €");
      expect(page).not.toContain('correspond au solde du compte 530');
    });
  });
  describe('the action report: "Version imprimable" and "Exportation" (item 14)', () => {
    const action = `${base}/actions/${encodeURIComponent('Photos scolaires')}`;
    const files = `/api${action}`;

    beforeAll(async () => {
      for (const [pj, date, label, lines] of [
        [
          '10',
          '2027-04-25',
          'Ventes de photos scolaires aux familles',
          [
            { account: '512', debit: 32000 },
            { account: '7080', credit: 32000 },
          ],
        ],
        [
          '11',
          '2027-05-10',
          '=Photographe Fact. n°199200',
          [
            { account: '6181', debit: 12000 },
            { account: '512', credit: 12000 },
          ],
        ],
      ] as const) {
        await owner.post(`/api${base}/entries`, { pj, date, label, chequeNo: pj === '11' ? '1568965' : null, actionA: 'Photos scolaires', lines }).expect(201);
      }
    });

    it('offers the printable version and the exports under the table', async () => {
      const page = (await html(owner, action).expect(200)).text;
      expect(page).toContain(`href="${files}/print.pdf">Version imprimable (PDF)</a>`);
      expect(page).toContain(`href="${files}/export.xlsx" download>Exportation (Excel, .xlsx)</a>`);
      expect(page).toContain(`href="${files}/export.csv" download>Exportation (CSV)</a>`);
    });

    it('prints the table as a PDF through the PDF service', async () => {
      const res = await owner.agent.get(`${files}/print.pdf`).buffer(true).parse(binaryBody).expect(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      const text = plain(pdfText(res.body)).replace(/\s+/g, ' ');
      expect(text).toContain('Action « Photos scolaires »');
      expect(text).toContain('Ventes de photos');
      expect(text).toContain('320,00');
      expect(text).toContain('200,00 €');
    });

    it('exports the table as CSV (a formula neutralised) and as xlsx with numbers and dates', async () => {
      const csv = await owner.get(`${files}/export.csv`).expect(200);
      expect(csv.headers['content-disposition']).toBe('attachment; filename="action-Photos_scolaires-C14900-2026.csv"');
      const lines = csv.text.replace(/^\uFEFF/, '').split('\r\n');
      expect(lines[1]).toBe('N° de PJ;Date;Libellé;N° de chèque;Action A;Action B;Recettes;Dépenses');
      expect(lines[2]).toBe('10;25/04/2027;Ventes de photos scolaires aux familles;;Photos scolaires;;320,00;');
      expect(lines[3]).toBe("11;10/05/2027;'=Photographe Fact. n°199200;1568965;Photos scolaires;;;120,00");
      expect(lines[4]).toBe(';;;;;Total;320,00;120,00');
      expect(lines[5]).toBe(';;;;;Solde;200,00;');
      const xlsx = await owner.agent.get(`${files}/export.xlsx`).buffer(true).parse(binaryBody).expect(200);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(xlsx.body);
      const sheet = workbook.worksheets[0];
      expect(sheet.getRow(4).getCell(1).value).toBe('10');
      expect(sheet.getRow(4).getCell(2).value).toEqual(new Date('2027-04-25T00:00:00Z'));
      expect(sheet.getRow(4).getCell(7).value).toBe(320);
      expect(sheet.getRow(5).getCell(3).value).toBe('=Photographe Fact. n°199200');
      expect(sheet.getRow(7).getCell(7).value).toBe(200);
    });

    it('answers 404 for an action no entry carries, and to another coop', async () => {
      await owner.get(`/api${base}/actions/Inconnue/export.csv`).expect(404);
      const [other] = await t.loginDemo('jferry');
      await other.get(`${files}/export.csv`).expect(404);
    });
  });

  describe('"Identité de la coop." (item 14)', () => {
    const identity = '/coops/C14900/identite';

    it("shows the department's fields read-only and the mandataire's as a form", async () => {
      const page = unescaped((await html(owner, identity).expect(200)).text);
      expect(page).toMatch(/<dt>Nom<\/dt><dd>Coopérative Jacques Prévert<\/dd>/);
      expect(page).toMatch(/<dt>Code UAI<\/dt><dd><span class="muted">non renseigné<\/span><\/dd>/);
      expect(page).not.toContain('name="name"');
      expect(page).toMatch(/<textarea[^>]*name="mandataires"[^>]*>Léa Durand<\/textarea>/);
      expect(page).toContain('name="phone"');
      expect((await html(owner, base).expect(200)).text).toContain(`href="${identity}">Identité de la coop.</a>`);
    });

    it('refuses a wrong phone and e-mail next to their fields, keeping what was typed', async () => {
      const res = await form(owner, identity, { address: '3 rue des Écoles', phone: '02 31', email: 'ecole@', mandataires: 'Léa Durand' }).expect(400);
      const page = unescaped(res.text);
      expect(page).toMatch(/id="f-phone-error">Le numéro de téléphone comporte 10 chiffres/);
      expect(page).toMatch(/id="f-email-error">L'adresse électronique n'est pas valide/);
      expect(page).toContain('value="02 31"');
      expect(page).toMatch(/<textarea[^>]*name="address"[^>]*>3 rue des Écoles<\/textarea>/);
    });

    it('takes the same change as JSON (PUT /api/coops/:coopId/contact): 400 with a code, 403 for the treasurer', async () => {
      const bad = await owner.put('/api/coops/C14900/contact', { email: 'ecole@', mandataires: ['Léa Durand'] }).expect(400);
      expect(bad.body.code).toBe('EMAIL_INVALID');
      await treasurer.put('/api/coops/C14900/contact', { mandataires: ['Léa Durand'] }).expect(403);
      const done = await owner.put('/api/coops/C14900/contact', { phone: '0231000000', mandataires: ['Léa Durand'] }).expect(200);
      expect(done.body).toEqual({ coopId: 'C14900', address: null, phone: '0231000000', email: null, mandataires: ['Léa Durand'] });
    });

    it('records the change through the coop stream, seen by the treasurer, who cannot change it here', async () => {
      const page = await saved(owner, identity, {
        address: '3 rue des Écoles\n14100 Lisieux',
        phone: '02 31 12 34 56',
        email: 'ce.0140010k@ac-caen.fr',
        mandataires: 'Léa Durand\nMarc Roy',
      });
      expect(page).toContain("L'identité de la coopérative est enregistrée.");
      expect(page).toContain('value="02 31 12 34 56"');
      const history = (await treasurer.get('/api/coops/C14900/history').expect(200)).body.events;
      expect(history.map((e: { type: string }) => e.type)).toContain('CoopContactChanged');
      const read = unescaped((await html(treasurer, identity).expect(200)).text);
      expect(read).toContain('Léa Durand, Marc Roy');
      expect(read).toContain('3 rue des Écoles\n14100 Lisieux');
      expect(read).not.toContain('<form method="post" action="/coops/C14900/identite"');
      await form(treasurer, identity, { mandataires: 'Quelqu’un' }).expect(403);
      expect(unescaped((await html(treasurer, '/departements/14/cooperatives').expect(200)).text)).toContain('Marc Roy');
      expect(unescaped((await html(treasurer, '/departements/14/cooperatives/C14900').expect(200)).text)).toContain(
        "Coordonnées de l'école, tenues par le mandataire : 3 rue des Écoles\n14100 Lisieux — 02 31 12 34 56 — ce.0140010k@ac-caen.fr.",
      );
    });
  });
});
