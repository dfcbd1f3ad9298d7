import { type Agent, startTestApp, type TestApp } from '../support/app';

/** As a browser sends a form (repeated names for checkboxes). */
function encodeForm(body: Record<string, unknown>): string {
  const pairs: string[] = [];
  for (const [k, v] of Object.entries(body)) {
    for (const one of Array.isArray(v) ? v : [v]) pairs.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(one ?? ''))}`);
  }
  return pairs.join('&');
}
const plain = (html: string): string =>
  html
    .replace(/[\u00a0\u202f]/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&#x3D;/g, '=')
    .replace(/&amp;/g, '&');

/**
 * The "Encaissements" pages of a year (C14002, 2026, today 27/11/2026): the fast form keeps the
 * class, the action, the day and the mode and puts the cursor back on the payer; a refusal keeps
 * everything typed, each error next to its field; the list's filters; "Préparer une remise" makes
 * one notebook entry; per action, who paid against the action's entries. The same commands as the API.
 */
describe('Encaissements pages', () => {
  jest.setTimeout(180_000);
  const base = '/coops/C14002/years/2026';
  const api = '/api/coops/C14002/years/2026';
  let t: TestApp;
  let mandataire: Agent;
  let auditor: Agent;

  const html = (agent: Agent, url: string) => agent.agent.get(url).set('Accept', 'text/html');
  const form = (agent: Agent, url: string, body: Record<string, unknown>) =>
    agent.agent
      .post(url)
      .set('Accept', 'text/html')
      .type('form')
      .send(encodeForm({ _csrf: agent.csrf, ...body }));
  const typed = (payer: string, amount: string, more: Record<string, unknown> = {}) => ({
    payer,
    pupil: `${payer.replace('Famille ', '')} Jade`,
    amount,
    mode: 'cheque',
    chequeNo: '1234567',
    bank: 'Crédit Agricole',
    class: 'GS',
    action: 'Sortie ferme',
    date: '2026-11-02',
    account: '7560',
    ...more,
  });

  beforeAll(async () => {
    t = await startTestApp({ demo: true, now: '2026-11-27T10:00:00Z' });
    [mandataire, auditor] = await t.loginDemo('tilleuls', 'verif14');
  });
  afterAll(() => t.close());

  it("is in the year's menu", async () => {
    const page = plain((await html(mandataire, base).expect(200)).text);
    expect(page).toContain(`href="${base}/encaissements"`);
  });

  it('records a payment and starts the next one from it: class, action, day and mode kept, the cursor on the payer', async () => {
    const res = await form(mandataire, `${base}/encaissements`, typed('Famille Morel', '12,50')).expect(303);
    expect(res.headers.location).toMatch(new RegExp(`^${base}/encaissements\\?suite=p_`));
    const page = plain((await html(mandataire, res.headers.location).expect(200)).text);
    expect(page).toMatch(/Reçu n° \d+ enregistré : Famille Morel, 12,50 €\./);
    expect(page).toMatch(/id="pay-payer" name="payer"\s+type="text" value=""[^>]*autofocus/);
    expect(page).toMatch(/id="pay-class" name="class"\s+type="text" value="GS"/);
    expect(page).toMatch(/id="pay-action" name="action"\s+type="text" value="Sortie ferme"/);
    expect(page).toMatch(/id="pay-date" name="date"\s+type="date" value="2026-11-02"/);
    expect(page).toMatch(/id="pay-mode-cheque" name="mode" value="cheque" checked/);
    expect(page).toMatch(/id="pay-chequeNo" name="chequeNo"\s+type="text" value=""/);
    // The list below shows it.
    expect(page).toContain('Famille Morel');
    expect(page).toContain('12,50 €');
    const list = (await mandataire.get(`${api}/payments`).expect(200)).body;
    expect(list.at(-1)).toMatchObject({ payer: 'Famille Morel', amount: 1250, class: 'GS', action: 'Sortie ferme', chequeNo: '1234567' });
  });

  it('refuses a payment with its errors next to their fields, keeps everything typed, stores nothing', async () => {
    const before = (await mandataire.get(`${api}/payments`).expect(200)).body.length;
    const res = await form(mandataire, `${base}/encaissements`, typed('', 'douze', { pupil: 'Léo', chequeNo: '' })).expect(400);
    const page = plain(res.text);
    expect(page).toContain('id="pay-payer-error">Indiquez qui a payé (le nom de la famille).');
    expect(page).toContain('id="pay-amount-error">« douze » n\'est pas un montant');
    expect(page).toContain('id="pay-chequeNo-error">Indiquez le n° du chèque.');
    expect(page).toMatch(/id="pay-payer" name="payer"\s+type="text" value=""[^>]*autofocus/);
    expect(page).toMatch(/id="pay-amount" name="amount"\s+type="text" value="douze"/);
    expect(page).toMatch(/id="pay-pupil" name="pupil"\s+type="text" value="Léo"/);
    expect((await mandataire.get(`${api}/payments`).expect(200)).body).toHaveLength(before);
  });

  it('filters the list by action, class, mode and deposit', async () => {
    await form(mandataire, `${base}/encaissements`, typed('Famille Roux', '8', { action: 'Photos', class: 'MS', account: '7070' })).expect(303);
    await form(mandataire, `${base}/encaissements`, typed('Famille Blanc', '5', { mode: 'cash', chequeNo: '', bank: '' })).expect(303);
    const photos = plain((await html(mandataire, `${base}/encaissements?action=Photos`).expect(200)).text);
    expect(photos).toContain('Famille Roux');
    expect(photos).not.toContain('Famille Morel');
    const cash = plain((await html(mandataire, `${base}/encaissements?mode=cash&deposited=non`).expect(200)).text);
    expect(cash).toContain('Famille Blanc');
    expect(cash).not.toContain('Famille Roux');
    expect(cash).toContain(`href="${api}/receipts.pdf?mode=cash&deposited=non"`);
    const ms = plain((await html(mandataire, `${base}/encaissements?class=MS`).expect(200)).text);
    expect(ms).toContain('Famille Roux');
    expect(ms).not.toContain('Famille Blanc');
  });

  it('prepares a deposit of the cheques: one notebook entry, the slip, the payments no longer offered', async () => {
    const offer = plain((await html(mandataire, `${base}/encaissements/remise?mode=cheque`).expect(200)).text);
    const list = (await mandataire.get(`${api}/payments?deposited=non`).expect(200)).body as Array<{ paymentId: string; mode: string; amount: number }>;
    const cheques = list.filter((p) => p.mode === 'cheque');
    for (const p of cheques) expect(offer).toContain(`value="${p.paymentId}" checked`);
    const entriesBefore = (await mandataire.get(`${api}/grid`).expect(200)).body.rows.length;
    const res = await form(mandataire, `${base}/encaissements/remise`, {
      mode: 'cheque',
      date: '27/11/2026',
      paymentIds: cheques.map((p) => p.paymentId),
    }).expect(303);
    const page = plain((await html(mandataire, res.headers.location).expect(200)).text);
    const total = cheques.reduce((s, p) => s + p.amount, 0);
    expect(page).toContain(`La remise est enregistrée : ${cheques.length} chèques`);
    expect(page).toMatch(/slip\.pdf" download>Bordereau/);
    expect((await mandataire.get(`${api}/grid`).expect(200)).body.rows).toHaveLength(entriesBefore + 1);
    const deposits = (await mandataire.get(`${api}/deposits`).expect(200)).body;
    expect(deposits.at(-1)).toMatchObject({ mode: 'cheque', total, paymentIds: cheques.map((p) => p.paymentId) });
    const again = plain((await html(mandataire, `${base}/encaissements/remise?mode=cheque`).expect(200)).text);
    expect(again).toContain("Aucun paiement par chèque n'attend d'être remis en banque.");
  });

  it('refuses an empty deposit next to the list, nothing recorded', async () => {
    const before = (await mandataire.get(`${api}/deposits`).expect(200)).body.length;
    const res = await form(mandataire, `${base}/encaissements/remise`, { mode: 'cash', date: '2026-11-27' }).expect(400);
    expect(plain(res.text)).toContain('id="deposit-payments-error">Choisissez au moins un paiement à remettre en banque.');
    expect((await mandataire.get(`${api}/deposits`).expect(200)).body).toHaveLength(before);
  });

  it('amends and deletes a payment not deposited; a deposited one offers neither', async () => {
    const list = (await mandataire.get(`${api}/payments`).expect(200)).body as Array<{ paymentId: string; payer: string; receiptNo: number }>;
    const blanc = list.find((p) => p.payer === 'Famille Blanc')!;
    await form(mandataire, `${base}/encaissements/${blanc.paymentId}/modifier`, typed('Famille Blanc', '6', { mode: 'cash', chequeNo: '' })).expect(303);
    expect((await mandataire.get(`${api}/payments/${blanc.paymentId}/receipt.pdf`).expect(200)).headers['content-type']).toBe('application/pdf');
    expect(
      (await mandataire.get(`${api}/payments?mode=cash`).expect(200)).body.find((p: { paymentId: string }) => p.paymentId === blanc.paymentId).amount,
    ).toBe(600);
    const res = await form(mandataire, `${base}/encaissements/${blanc.paymentId}/supprimer`, {}).expect(303);
    const page = plain((await html(mandataire, res.headers.location).expect(200)).text);
    expect(page).toContain(`Le paiement du reçu n° ${blanc.receiptNo} est supprimé`);
    const morel = list.find((p) => p.payer === 'Famille Morel')!;
    expect(page).not.toContain(`${base}/encaissements/${morel.paymentId}/modifier`);
    const refused = await form(mandataire, `${base}/encaissements/${morel.paymentId}/supprimer`, {}).expect(303);
    expect(plain((await html(mandataire, refused.headers.location).expect(200)).text)).toContain('est déjà remis en banque');
  });

  it("shows per action who paid and the total against what the action's entries show", async () => {
    const page = plain((await html(mandataire, `${base}/encaissements/actions`).expect(200)).text);
    expect(page).toContain('">Sortie ferme</h2>');
    expect(page).toContain('Famille Morel');
    // The cheques' deposit mixed two actions: its one entry names neither, and the page says so.
    expect(page).toContain("Recettes de l'action au cahier : 0,00 € — écart de 12,50 € avec les paiements remis.");
  });

  it('lets a read-only role see the list but not the form; its posts are refused', async () => {
    const page = plain((await html(auditor, `${base}/encaissements`).expect(200)).text);
    expect(page).toContain('Famille Morel');
    expect(page).not.toContain('id="payment-form"');
    await form(auditor, `${base}/encaissements`, typed('Famille Intrus', '1')).expect(403);
  });
});
