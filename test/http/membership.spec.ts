import { type Agent, binaryBody, startTestApp, type TestApp } from '../support/app';
import { pdfText } from '../support/pdf-text';

/** As a browser sends a form: `classes[0][name]=…`, with explicit indices. */
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
const plain = (html: string): string =>
  html
    .replace(/[\u00a0\u202f]/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"');

/**
 * The mandataire's "Adhésion" page for C14001 (jferry), a draft in the demo: the form as a browser posts it, every
 * refusal next to its field with nothing typed lost, then the portrait form prefilled with the payment.
 */
describe('membership pages', () => {
  jest.setTimeout(90_000);
  let t: TestApp;
  let mandataire: Agent;
  let treasurer: Agent;
  const page = '/coops/C14001/years/2026/adhesion';
  const html = (agent: Agent, url: string) => agent.agent.get(url).set('Accept', 'text/html');
  const form = (agent: Agent, url: string, body: Record<string, unknown>) =>
    agent.agent
      .post(url)
      .set('Accept', 'text/html')
      .type('form')
      .send(encodeForm({ _csrf: agent.csrf, ...body }));

  beforeAll(async () => {
    t = await startTestApp({ demo: true });
    [mandataire, treasurer] = await t.loginDemo('jferry', 'tresorier14');
    await treasurer
      .put('/api/departments/14/years/2026/membership-settings', { rates: { pupil: 150, adult: 300, insurance: 40, magazine: 2500 }, deadline: '2026-12-15' })
      .expect(200);
  });
  afterAll(() => t.close());

  it('shows the form in the year menu, keeps what was typed next to a refusal, saves, then sends with the engagement', async () => {
    const empty = plain((await html(mandataire, page).expect(200)).text);
    expect(empty).toContain('Adhésion 2026-2027');
    expect(empty).toContain('href="/coops/C14001/years/2026/adhesion"');
    expect(empty).toContain('à envoyer');
    const classes = { 0: { name: 'PS-MS', level: 'Maternelle', pupils: '22', teachers: '1' }, 1: { name: '', level: '', pupils: '18', teachers: '1' } };
    const refused = plain((await form(mandataire, page, { classes, otherAdults: '2', magazines: '1', voluntary: 'beaucoup' }).expect(400)).text);
    expect(refused).toContain('La contribution volontaire : un montant en euros');
    expect(refused).toContain('value="PS-MS"');
    const unnamed = plain((await form(mandataire, page, { classes, otherAdults: '2', magazines: '1', voluntary: '20' }).expect(400)).text);
    expect(unnamed).toContain('Le nom de la classe est obligatoire');
    expect(unnamed).toContain('value="18"');
    classes[1].name = 'GS';
    const saved = await form(mandataire, page, { classes, otherAdults: '2', magazines: '1', voluntary: '20' }).expect(303);
    const after = plain((await html(mandataire, saved.headers.location).expect(200)).text);
    expect(after).toContain("L'adhésion est enregistrée");
    // 40 pupils, 4 adults: 40 × 1,50 + 4 × 3,00 = 72,00 ; 44 × 0,40 = 17,60.
    expect(after).toContain('72,00 €');
    expect(after).toContain('17,60 €');
    const blocked = plain((await form(mandataire, page, { classes, otherAdults: '2', magazines: '1', voluntary: '20', action: 'submit' }).expect(409)).text);
    expect(blocked).toContain("L'engagement du mandataire manque");
    const sent = await form(mandataire, page, {
      classes,
      otherAdults: '2',
      magazines: '1',
      voluntary: '20',
      engaged: '1',
      name: 'Claire Martin',
      action: 'submit',
    }).expect(303);
    expect(plain((await html(mandataire, sent.headers.location).expect(200)).text)).toContain("L'adhésion est envoyée");
    await form(treasurer, page, { classes }).expect(403);
  });

  it('shows the return reason on top, then once validated the attestation and the payment prefilled on the portrait form', async () => {
    await treasurer
      .post('/api/departments/14/coops/C14001/years/2026/membership/decision', { decision: 'return', reason: 'Il manque la classe de MS.' })
      .expect(200);
    expect(plain((await html(mandataire, page).expect(200)).text)).toContain('Raison : « Il manque la classe de MS. »');
    await mandataire.post('/api/coops/C14001/years/2026/membership/submission').expect(200);
    await treasurer.post('/api/departments/14/coops/C14001/years/2026/membership/decision', { decision: 'validate' }).expect(200);
    const validated = plain((await html(mandataire, page).expect(200)).text);
    expect(validated).toContain('/api/coops/C14001/years/2026/membership/attestation.pdf');
    expect(validated).toContain("Télécharger l'attestation");
    const portrait = plain((await html(mandataire, '/coops/C14001/years/2026/ecritures/nouvelle?adhesion=1').expect(200)).text);
    expect(portrait).toContain('Adhésion 2026-2027 : cotisation et assurance');
    expect(portrait).toMatch(/name="lines\[0\]\[amount\]"[^>]*value="92,00"/); // cotisation 72,00 and the voluntary 20,00, both to the association
    expect(portrait).toMatch(/name="lines\[1\]\[amount\]"[^>]*value="17,60"/);
  });
});

/**
 * Membership (API.md, "Membership") end to end on the demo: the clock stands on 27 November 2026,
 * in the 2026-2027 school year; C14001 (jferry) has not sent its membership of 2026.
 */
describe('membership API', () => {
  jest.setTimeout(90_000);
  let t: TestApp;
  let mandataire: Agent;
  let treasurer: Agent;
  let auditor: Agent;
  let other: Agent;
  const coop = '/api/coops/C14001/years/2026/membership';
  const settings = '/api/departments/14/years/2026/membership-settings';
  const decision = '/api/departments/14/coops/C14001/years/2026/membership/decision';
  const rates = { pupil: 150, adult: 300, insurance: 40, magazine: 2500 };
  const numbers = {
    classes: [
      { name: 'CP-CE1', level: 'Cycle 2', pupils: 24, teachers: 1 },
      { name: 'CM2', level: 'Cycle 3', pupils: 26, teachers: 2 },
    ],
    otherAdults: 3,
    magazines: 2,
    voluntary: 5000,
  };
  const due = { cotisation: 50 * 150 + 6 * 300, insurance: 56 * 40, magazines: 5000, voluntary: 5000, total: 9300 + 2240 + 5000 + 5000 };

  beforeAll(async () => {
    t = await startTestApp({ demo: true });
    [mandataire, treasurer, auditor, other] = await t.loginDemo('jferry', 'tresorier14', 'verif14', 'tresorier61');
  });
  afterAll(() => t.close());

  it('keeps the rates and deadline of a year, set by the treasurer, read by the department and its coops', async () => {
    const set = await treasurer.put(settings, { rates, deadline: '2026-12-15' }).expect(200);
    expect(set.body).toEqual({ rates, deadline: '2026-12-15' });
    expect((await mandataire.get(settings).expect(200)).body).toEqual({ rates, deadline: '2026-12-15' });
    expect((await auditor.get(settings).expect(200)).body).toEqual({ rates, deadline: '2026-12-15' });
    await other.get(settings).expect(404);
    await mandataire.put(settings, { rates, deadline: '2026-12-15' }).expect(404);
    await auditor.put(settings, { rates, deadline: '2026-12-15' }).expect(403);
    const bad = await treasurer.put(settings, { rates: { ...rates, pupil: '1,50' }, deadline: 'demain' }).expect(400);
    expect(Object.keys(bad.body.fields)).toEqual(['rates.pupil', 'deadline']);
  });

  it('takes the numbers and answers the amounts, cotisation and insurance apart', async () => {
    const saved = await mandataire.put(coop, numbers).expect(200);
    expect(saved.body).toMatchObject({ status: 'draft', ...numbers, due, engagement: null, deadline: '2026-12-15', late: false });
    expect(saved.body.reason).toBeUndefined();
    const bad = await mandataire.put(coop, { classes: [{ name: '', pupils: 3 }], otherAdults: -2 }).expect(400);
    expect(bad.body).toMatchObject({ code: 'CLASS_NAME_REQUIRED', fields: { 'classes.0.name': expect.any(String), otherAdults: expect.any(String) } });
    await treasurer.put(coop, numbers).expect(403);
  });

  it('refuses the submission without the engagement, then takes it', async () => {
    const blocked = await mandataire.post(`${coop}/submission`).expect(409);
    expect(blocked.body).toMatchObject({ code: 'MEMBERSHIP_BLOCKED', blockers: [{ code: 'ENGAGEMENT_MISSING', message: expect.any(String) }] });
    const engaged = await mandataire.post(`${coop}/engagement`, { name: 'Claire Martin' }).expect(200);
    expect(engaged.body.engagement).toEqual({ name: 'Claire Martin', at: '2026-11-27T10:00:00.000Z' });
    expect((await mandataire.post(`${coop}/submission`).expect(200)).body.status).toBe('submitted');
    const locked = await mandataire.put(coop, numbers).expect(409);
    expect(locked.body.code).toBe('MEMBERSHIP_SUBMITTED');
  });

  it('lets the AD return it with a reason (shown to the coop), the coop correct and send again, the AD validate', async () => {
    expect((await treasurer.post(decision, { decision: 'return' }).expect(400)).body.code).toBe('REASON_REQUIRED');
    await auditor.post(decision, { decision: 'validate' }).expect(403);
    await other.post(decision, { decision: 'validate' }).expect(404);
    await treasurer.post('/api/departments/61/coops/C14001/years/2026/membership/decision', { decision: 'validate' }).expect(404);
    await treasurer.post(decision, { decision: 'return', reason: 'Il manque la classe de CE2.' }).expect(200);
    expect((await mandataire.get(coop).expect(200)).body).toMatchObject({ status: 'returned', reason: 'Il manque la classe de CE2.' });
    const corrected = { ...numbers, classes: [...numbers.classes, { name: 'CE2', level: 'Cycle 2', pupils: 20, teachers: 1 }] };
    await mandataire.put(coop, corrected).expect(200);
    await mandataire.post(`${coop}/submission`).expect(200);
    const pdfBefore = await mandataire.get(`${coop}/attestation.pdf`).expect(409);
    expect(pdfBefore.body.code).toBe('MEMBERSHIP_NOT_VALIDATED');
    await treasurer.post(decision, { decision: 'validate' }).expect(200);
    expect((await mandataire.get(coop).expect(200)).body).toMatchObject({ status: 'validated', pupils: 70, adults: 7 });
  });

  it("writes the AD's decisions to the coop's mandataires through the outbox: the reason of a return, the link to the page", async () => {
    type Message = { messageId: string; to: string; subject: string; kind: string; status: string; coopId: string };
    const messages = ((await treasurer.get('/api/messages?coopId=C14001').expect(200)).body as Message[]).filter((m) => m.kind === 'membership-decision');
    const summary = messages.map(({ to, subject, status }) => ({ to, subject, status })).sort((a, b) => (a.subject + a.to).localeCompare(b.subject + b.to));
    expect(summary).toEqual([
      { to: 'claire.martin@ecole-jules-ferry.example', subject: "Adhésion 2026-2027 à corriger — Coopérative de l'école Jules Ferry", status: 'kept' },
      { to: 'marc.durand@ecole-jules-ferry.example', subject: "Adhésion 2026-2027 à corriger — Coopérative de l'école Jules Ferry", status: 'kept' },
      { to: 'claire.martin@ecole-jules-ferry.example', subject: "Adhésion 2026-2027 validée — Coopérative de l'école Jules Ferry", status: 'kept' },
      { to: 'marc.durand@ecole-jules-ferry.example', subject: "Adhésion 2026-2027 validée — Coopérative de l'école Jules Ferry", status: 'kept' },
    ]);
    const returned = messages.find((m) => m.subject.includes('à corriger') && m.to.startsWith('claire'))!;
    const text = (await treasurer.get(`/api/messages/${returned.messageId}`).expect(200)).body.text as string;
    expect(text).toContain('Bonjour Claire Martin,');
    expect(text).toContain('« Il manque la classe de CE2. »');
    expect(text).toContain('/coops/C14001/years/2026/adhesion');
  });

  it('lists every coop of the department with totals; xlsx and CSV the same', async () => {
    const rows = (await treasurer.get('/api/departments/14/years/2026/memberships').expect(200)).body;
    const row = rows.find((r: { coopId: string }) => r.coopId === 'C14001');
    expect(row).toMatchObject({ coopId: 'C14001', name: "Coopérative de l'école Jules Ferry", status: 'validated', pupils: 70, adults: 7, late: false });
    expect(row.due.total).toBe(70 * 150 + 7 * 300 + 77 * 40 + 5000 + 5000);
    expect(rows.every((r: { coopId: string }) => r.coopId.startsWith('C14'))).toBe(true);
    await mandataire.get('/api/departments/14/years/2026/memberships').expect(404);
    const xlsx = await treasurer.get('/api/departments/14/years/2026/memberships.xlsx').buffer(true).parse(binaryBody).expect(200);
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    expect((xlsx.body as Buffer).subarray(0, 2).toString()).toBe('PK');
    const csv = await treasurer.get('/api/departments/14/years/2026/memberships.csv').expect(200);
    expect(csv.text).toContain("C14001;Coopérative de l'école Jules Ferry;validée;non;70;7;");
  });

  it('prints the attestation naming the coop, the year, the insured numbers and the AD', async () => {
    const pdf = await mandataire.get(`${coop}/attestation.pdf`).buffer(true).parse(binaryBody).expect(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const text = (await pdfText(pdf.body as Buffer)).replace(/\s+/g, ' ');
    expect(text).toContain("Coopérative de l'école Jules Ferry");
    expect(text).toContain('2026-2027');
    expect(text).toContain('70 élèves');
    expect(text).toContain('7 adultes');
    expect(text).toContain('OCCE 14 — Association départementale du Calvados');
  });

  it('proposes the payment entry split by account, which the notebook records without the cotisation/assurance warning', async () => {
    const entry = (await mandataire.get(`${coop}/payment-entry`).expect(200)).body;
    const total = 70 * 150 + 7 * 300 + 77 * 40 + 5000 + 5000;
    expect(entry).toMatchObject({
      date: '2026-11-27',
      label: 'OCCE 14 — Association départementale du Calvados – Adhésion 2026-2027 : cotisation et assurance',
      lines: [
        { account: '6586', debit: 70 * 150 + 7 * 300 + 5000 },
        { account: '6168', debit: 77 * 40 },
        { account: '6181', debit: 5000 },
        { account: '512', credit: total },
      ],
    });
    await mandataire.post('/api/coops/C14001/years/2026/entries', entry).expect(201);
    const checklist = (await mandataire.get('/api/coops/C14001/years/2026/checklist').expect(200)).body;
    expect(checklist.warnings.map((w: { code: string }) => w.code)).not.toContain('COTISATION_ASSURANCE');
  });
});

describe("the AD's membership pages", () => {
  jest.setTimeout(90_000);
  let t: TestApp;
  let treasurer: Agent;
  let auditor: Agent;
  const list = '/departements/14/annees/2026/adhesions';
  const form = (agent: Agent, url: string, body: Record<string, unknown>) =>
    agent.agent
      .post(url)
      .set('Accept', 'text/html')
      .type('form')
      .send(encodeForm({ _csrf: agent.csrf, ...body }));
  const html = async (agent: Agent, url: string) => plain((await agent.agent.get(url).set('Accept', 'text/html').expect(200)).text);

  beforeAll(async () => {
    t = await startTestApp({ demo: true });
    [treasurer, auditor] = await t.loginDemo('tresorier14', 'verif14');
  });
  afterAll(() => t.close());

  it('sets the rates in euros, every mistake next to its field and nothing typed lost', async () => {
    const refused = plain(
      (await form(treasurer, `${list}/tarifs`, { pupil: 'un euro', adult: '3', insurance: '0,40', magazine: '25', deadline: '31/02/2026' }).expect(400)).text,
    );
    expect(refused).toContain('Cotisation par élève : un montant en euros');
    expect(refused).toContain('value="un euro"');
    const saved = await form(treasurer, `${list}/tarifs`, { pupil: '1,60', adult: '3', insurance: '0,40', magazine: '25', deadline: '15/10/2026' }).expect(303);
    expect(saved.headers.location).toBe(list);
    expect((await treasurer.get('/api/departments/14/years/2026/membership-settings').expect(200)).body).toEqual({
      rates: { pupil: 160, adult: 300, insurance: 40, magazine: 2500 },
      deadline: '2026-10-15',
    });
    expect(await html(treasurer, list)).toContain('Cotisation 1,60 € par élève');
    expect(await html(auditor, list)).not.toContain('Enregistrer les tarifs');
  });

  it('lists the coops with totals and filters, and validates or returns from the list', async () => {
    await t.loginDemo('jferry').then(async ([m]) => {
      await m
        .put('/api/coops/C14001/years/2026/membership', {
          classes: [{ name: 'CP', level: 'Cycle 2', pupils: 20, teachers: 1 }],
          otherAdults: 0,
          magazines: 0,
          voluntary: 0,
        })
        .expect(200);
      await m.post('/api/coops/C14001/years/2026/membership/engagement', { name: 'Claire Martin' }).expect(200);
      await m.post('/api/coops/C14001/years/2026/membership/submission').expect(200);
    });
    const page = await html(treasurer, list);
    expect(page).toContain('Valider');
    expect(page).toContain("Coopérative de l'école Jules Ferry");
    const returned = await html(treasurer, `${list}?filtre=returned`);
    expect(returned).toContain('Coopérative de la maternelle Les Tilleuls');
    expect(returned).not.toContain("Coopérative de l'école Jules Ferry");
    const missing = plain(
      (await form(treasurer, '/departements/14/cooperatives/C14001/annees/2026/adhesion', { decision: 'return', reason: '' }).expect(400)).text,
    );
    expect(missing).toContain('Indiquez la raison du renvoi');
    await form(treasurer, '/departements/14/cooperatives/C14001/annees/2026/adhesion', { decision: 'validate' }).expect(303);
    expect((await treasurer.get('/api/coops/C14001/years/2026/membership').expect(200)).body.status).toBe('validated');
    await form(auditor, '/departements/14/cooperatives/C14001/annees/2026/adhesion', { decision: 'validate' }).expect(403);
  });
});

describe("the AD's decision from the coop's page", () => {
  jest.setTimeout(90_000);
  let t: TestApp;
  let treasurer: Agent;
  const coopPage = '/departements/61/cooperatives/C61001';
  const action = `${coopPage}/annees/2026/adhesion/decision`;
  const form = (agent: Agent, url: string, body: Record<string, unknown>) =>
    agent.agent
      .post(url)
      .set('Accept', 'text/html')
      .type('form')
      .send(encodeForm({ _csrf: agent.csrf, ...body }));
  const html = async (agent: Agent, url: string) => plain((await agent.agent.get(url).set('Accept', 'text/html').expect(200)).text);

  beforeAll(async () => {
    t = await startTestApp({ demo: true });
    [treasurer] = await t.loginDemo('tresorier61');
  });
  afterAll(() => t.close());

  // C61001's 2026 membership is submitted in the demo: 18 pupils, 2 adults.
  it("shows the coop's membership of the year with Valider and Renvoyer while it waits for the AD", async () => {
    const page = await html(treasurer, coopPage);
    expect(page).toContain('Adhésion 2026-2027');
    expect(page).toMatch(/Statut : <strong>envoyée<\/strong>, envoyée le \d\d\/\d\d\/2026/);
    expect(page).toContain('18 élèves et 2 adultes');
    expect(page).toContain(`action="${action}"`);
    expect(page).toContain("Valider l'adhésion");
  });

  it('refuses a return without a reason next to its field, then returns it with the reason, then it is no longer to decide', async () => {
    const refused = plain((await form(treasurer, action, { decision: 'return', reason: '  ' }).expect(400)).text);
    expect(refused).toMatch(/id="membership-reason-error">Indiquez la raison du renvoi/);
    const done = await form(treasurer, action, { decision: 'return', reason: 'Il manque les ATSEM.' }).expect(303);
    expect(done.headers.location).toBe(`${coopPage}#adhesion`);
    const after = await html(treasurer, coopPage);
    expect(after).toContain("L'adhésion de C61001 est renvoyée à la coopérative.");
    expect(after).toContain('Motif du renvoi : « Il manque les ATSEM. »');
    expect(after).not.toContain(`action="${action}"`);
    expect((await treasurer.get('/api/coops/C61001/years/2026/membership').expect(200)).body).toMatchObject({
      status: 'returned',
      reason: 'Il manque les ATSEM.',
    });
    const again = plain((await form(treasurer, action, { decision: 'validate' }).expect(409)).text);
    expect(again).toContain("Cette adhésion ne peut être validée ni renvoyée : elle n'a pas été envoyée.");
  });

  it('validates from the page', async () => {
    const [otherDepartment] = await t.loginDemo('tresorier14');
    await form(otherDepartment, action, { decision: 'validate' }).expect(404);
    await t.loginDemo('admin').then(async ([admin]) => {
      // The admin sends it back for the coop (admins may act for any coop), then validates it from the page.
      await admin.post('/api/coops/C61001/years/2026/membership/submission').expect(200);
      await form(admin, action, { decision: 'validate' }).expect(303);
    });
    expect(await html(treasurer, coopPage)).toMatch(/Statut : <strong>validée<\/strong>/);
  });
});

describe("membership in the auditor's history", () => {
  jest.setTimeout(90_000);
  let t: TestApp;
  afterAll(() => t.close());

  // C14002's 2026 membership in the demo: numbers, engagement, sent, returned with a reason.
  it("lists the coop's membership events with its years and other events, and checks their chains", async () => {
    t = await startTestApp({ demo: true });
    const [auditor] = await t.loginDemo('verif14');
    const events = (await auditor.get('/api/coops/C14002/history').expect(200)).body.events as Array<{ stream: string; type: string; year: number | null }>;
    expect(events.filter((e) => e.stream === 'membership-C14002-2026').map((e) => [e.type, e.year])).toEqual([
      ['MembershipNumbersEntered', 2026],
      ['MembershipEngagementGiven', 2026],
      ['MembershipSubmitted', 2026],
      ['MembershipReturned', 2026],
    ]);
    expect(events.some((e) => e.stream === 'membership-C14002-2025' && e.type === 'MembershipValidated')).toBe(true);
    expect(events.some((e) => e.stream === 'ledger-C14002-2025')).toBe(true);
    const page = plain((await auditor.agent.get('/audit/coops/C14002/historique').set('Accept', 'text/html').expect(200)).text);
    expect(page).toContain('Adhésion : effectifs saisis');
    expect(page).toContain('2 classes, 42 élèves, 5 adultes');
    expect(page).toContain("Adhésion renvoyée par l'association départementale");
    expect(page).toContain('raison : La classe de MS manque');
    const verify = (await auditor.get('/api/coops/C14002/verify').expect(200)).body;
    expect(verify.heads.map((h: { stream: string }) => h.stream)).toEqual(expect.arrayContaining(['membership-C14002-2025', 'membership-C14002-2026']));
  });
});

describe('membership in the demo', () => {
  jest.setTimeout(90_000);
  let t: TestApp;
  afterAll(() => t.close());

  // The seed acts on the day it runs (27/11/2026 here), past both deadlines: every submission is late.
  it('has rates for the year and a coop in each state, so a first start shows the feature', async () => {
    t = await startTestApp({ demo: true });
    const [treasurer14, treasurer61] = await t.loginDemo('tresorier14', 'tresorier61');
    expect((await treasurer14.get('/api/departments/14/years/2026/membership-settings').expect(200)).body).toEqual({
      rates: { pupil: 150, adult: 300, insurance: 40, magazine: 2500 },
      deadline: '2026-09-30',
    });
    const status = async (agent: Agent, dept: string, year: number) =>
      Object.fromEntries(
        (
          (await agent.get(`/api/departments/${dept}/years/${year}/memberships`).expect(200)).body as Array<{ coopId: string; status: string; late: boolean }>
        ).map((r) => [r.coopId, [r.status, r.late]]),
      );
    expect(await status(treasurer14, '14', 2026)).toEqual({ C14001: ['draft', true], C14002: ['returned', true] });
    expect(await status(treasurer61, '61', 2026)).toEqual({ C61001: ['submitted', true], C61002: ['validated', true] });
    expect(await status(treasurer14, '14', 2025)).toEqual({ C14001: ['validated', true], C14002: ['validated', true] });
    expect(await status(treasurer61, '61', 2025)).toEqual({ C61001: ['validated', true], C61002: ['validated', true] });
  });

  it("shows each coop's membership on the AD's board, late past the deadline, and on the mandataire's home until it is sent", async () => {
    const [treasurer14, treasurer61, jferry, tilleuls] = await t.loginDemo('tresorier14', 'tresorier61', 'jferry', 'tilleuls');
    const html = async (agent: Agent, url: string) => plain((await agent.agent.get(url).set('Accept', 'text/html').expect(200)).text);
    const cell = (board: string, coopId: string) => {
      const row = board.split('<tr>').find((r) => r.includes(`${coopId} ·`)) ?? '';
      const cells = row.match(/<td>(.*?)<\/td>/gs) ?? [];
      return cells[cells.length - 1]
        ?.replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim();
    };
    const board14 = await html(treasurer14, '/departements/14/annees/2026/tableau');
    expect(board14).toContain('<th scope="col">Adhésion</th>');
    expect(cell(board14, 'C14001')).toBe('non commencée en retard');
    expect(cell(board14, 'C14002')).toBe('renvoyée en retard');
    const board61 = await html(treasurer61, '/departements/61/annees/2026/tableau');
    expect(cell(board61, 'C61001')).toBe('envoyée en retard');
    expect(cell(board61, 'C61002')).toBe('validée en retard');

    const draft = await html(jferry, '/coops/C14001/years/2026');
    expect(draft).toContain('Adhésion 2026-2027 : en retard');
    expect(draft).toContain("Elle n'est pas encore envoyée : la date limite était le 30/09/2026.");
    expect(draft).toContain('href="/coops/C14001/years/2026/adhesion"');
    const returned = await html(tilleuls, '/coops/C14002/years/2026');
    expect(returned).toContain("Adhésion 2026-2027 : renvoyée par l'association départementale");
    expect(returned).toContain('Motif : « ');
    // Sent or validated: nothing more to do on the home page.
    expect(await html(treasurer61, '/coops/C61002/years/2026')).not.toContain('Adhésion 2026-2027 :');
    expect(await html(jferry, '/coops/C14001/years/2025')).not.toContain('Adhésion 2025-2026 :');
  });
});

/**
 * API.md's "Membership" table, row by row, as the demo leaves the 2026 year on a first start:
 * who may call each route, the codes and the shapes, for every role the table names.
 */
describe('membership API as API.md writes it', () => {
  jest.setTimeout(90_000);
  let t: TestApp;
  let admin: Agent;
  let treasurer61: Agent;
  let treasurer14: Agent;
  let auditor: Agent;
  let mandataire: Agent;
  const validated = '/api/coops/C61002/years/2026/membership';
  const draft = '/api/coops/C14001/years/2026/membership';

  beforeAll(async () => {
    t = await startTestApp({ demo: true });
    [admin, treasurer61, treasurer14, auditor, mandataire] = await t.loginDemo('admin', 'tresorier61', 'tresorier14', 'verif14', 'jferry');
  });
  afterAll(() => t.close());

  it('membership-settings: the admin sets them too, the same shape answered', async () => {
    const body = { rates: { pupil: 160, adult: 320, insurance: 45, magazine: 2600 }, deadline: '2027-10-15' };
    expect((await admin.put('/api/departments/61/years/2027/membership-settings', body).expect(200)).body).toEqual(body);
    expect((await treasurer61.get('/api/departments/61/years/2027/membership-settings').expect(200)).body).toEqual(body);
    expect((await treasurer61.get('/api/departments/61/years/2030/membership-settings').expect(200)).body).toEqual({ rates: null, deadline: null });
  });

  it('GET …/membership answers every field API.md names, to the mandataire, treasurer, auditor and admin', async () => {
    for (const agent of [treasurer61, admin]) {
      const body = (await agent.get(validated).expect(200)).body;
      expect(body).toMatchObject({
        status: 'validated',
        classes: [
          { name: 'CP-CE1', level: 'Cycle 2', pupils: 21, teachers: 1 },
          { name: 'CE2-CM1-CM2', level: 'Cycle 3', pupils: 23, teachers: 1 },
        ],
        otherAdults: 1,
        magazines: 1,
        voluntary: 0,
        // 44 pupils × 1,50 + 3 adults × 3,00; 47 insured × 0,40; one magazine 25,00.
        due: { cotisation: 6600 + 900, insurance: 47 * 40, magazines: 2500, voluntary: 0, total: 7500 + 1880 + 2500 },
        engagement: { name: 'Luc Moreau', at: expect.any(String) },
        deadline: '2026-11-10',
        late: true,
      });
      expect(body).not.toHaveProperty('reason');
    }
    expect((await auditor.get(draft).expect(200)).body).toMatchObject({ status: 'draft', classes: [], engagement: null, deadline: '2026-09-30', late: true });
    await mandataire.get('/api/coops/C14002/years/2026/membership').expect(404);
    expect((await treasurer14.get('/api/coops/C14002/years/2026/membership').expect(200)).body).toMatchObject({
      status: 'returned',
      reason: 'La classe de MS manque : indiquez ses élèves et son enseignante sur une ligne à part.',
    });
  });

  it("PUT …/membership is the mandataire's: 409 MEMBERSHIP_SUBMITTED once validated too", async () => {
    await auditor.put(draft, { classes: [], otherAdults: 0, magazines: 0, voluntary: 0 }).expect(403);
    // The admin may act for any coop (as everywhere), but not on a validated membership either.
    expect((await admin.put(validated, { classes: [], otherAdults: 0, magazines: 0, voluntary: 0 }).expect(409)).body.code).toBe('MEMBERSHIP_SUBMITTED');
    const numbers = { classes: [{ name: 'CP', level: 'Cycle 2', pupils: 20, teachers: 1 }], otherAdults: 0, magazines: 0, voluntary: 0 };
    // 2025 is validated in the demo.
    expect((await mandataire.put('/api/coops/C14001/years/2025/membership', numbers).expect(409)).body.code).toBe('MEMBERSHIP_SUBMITTED');
    expect((await mandataire.put(draft, numbers).expect(200)).body).toMatchObject({ status: 'draft', classes: numbers.classes });
    await mandataire.put(draft, { classes: [], otherAdults: 0, magazines: 0, voluntary: 0 }).expect(200);
  });

  it('POST …/submission names both blockers of an empty membership without an engagement', async () => {
    const blocked = await mandataire.post(`${draft}/submission`).expect(409);
    expect(blocked.body.code).toBe('MEMBERSHIP_BLOCKED');
    expect(blocked.body.blockers.map((b: { code: string }) => b.code).sort()).toEqual(['ENGAGEMENT_MISSING', 'MEMBERSHIP_EMPTY']);
    for (const b of blocked.body.blockers) expect(b.message).toEqual(expect.any(String));
    const engaged = await mandataire.post(`${draft}/engagement`, { name: 'Claire Martin' }).expect(200);
    expect(engaged.body.engagement).toEqual({ name: 'Claire Martin', at: expect.any(String) });
    expect((await mandataire.post(`${draft}/submission`).expect(409)).body.blockers).toEqual([{ code: 'MEMBERSHIP_EMPTY', message: expect.any(String) }]);
  });

  it("POST …/decision is the treasurer's and the admin's; a return without a reason is 400", async () => {
    const decision = '/api/departments/61/coops/C61001/years/2026/membership/decision';
    await auditor.post('/api/departments/14/coops/C14002/years/2026/membership/decision', { decision: 'validate' }).expect(403);
    expect((await admin.post(decision, { decision: 'return', reason: '' }).expect(400)).body.code).toBe('REASON_REQUIRED');
    const returned = await admin.post(decision, { decision: 'return', reason: "Le nombre d'adultes manque." }).expect(200);
    expect(returned.body).toMatchObject({ status: 'returned', reason: "Le nombre d'adultes manque." });
  });

  it('GET …/attestation.pdf: application/pdf once validated, for the mandataire, the treasurer and the admin; 409 MEMBERSHIP_NOT_VALIDATED before', async () => {
    for (const agent of [treasurer61, admin]) {
      const pdf = await agent.get(`${validated}/attestation.pdf`).buffer(true).parse(binaryBody).expect(200);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      const text = pdfText(pdf.body as Buffer).replace(/\s+/g, ' ');
      expect(text).toContain("Coopérative de l'école Saint-Exupéry");
      expect(text).toContain('2026-2027');
      expect(text).toContain('44 élèves');
      expect(text).toContain('3 adultes');
      expect(text).toContain("OCCE 61 — Association départementale de l'Orne");
    }
    expect((await mandataire.get(`${draft}/attestation.pdf`).expect(409)).body.code).toBe('MEMBERSHIP_NOT_VALIDATED');
  });

  it('GET …/payment-entry is an entry body as POST …/entries takes it', async () => {
    const entry = (await mandataire.get(`${draft}/payment-entry`).expect(200)).body;
    expect(Object.keys(entry).sort()).toEqual(['actionA', 'actionB', 'chequeNo', 'date', 'label', 'lines', 'pj']);
  });

  it('GET …/memberships and …/memberships.xlsx: the treasurer, the auditor and the admin; one row per coop with the fields API.md names', async () => {
    for (const agent of [treasurer14, auditor, admin]) {
      const rows = (await agent.get('/api/departments/14/years/2026/memberships').expect(200)).body;
      expect(rows.map((r: { coopId: string }) => r.coopId)).toEqual(['C14001', 'C14002']);
      for (const row of rows) {
        expect(row).toEqual(
          expect.objectContaining({
            coopId: expect.any(String),
            name: expect.any(String),
            status: expect.stringMatching(/^(draft|submitted|validated|returned)$/),
            pupils: expect.any(Number),
            adults: expect.any(Number),
            due: {
              cotisation: expect.any(Number),
              insurance: expect.any(Number),
              magazines: expect.any(Number),
              voluntary: expect.any(Number),
              total: expect.any(Number),
            },
            late: expect.any(Boolean),
          }),
        );
      }
      const xlsx = await agent.get('/api/departments/14/years/2026/memberships.xlsx').buffer(true).parse(binaryBody).expect(200);
      expect((xlsx.body as Buffer).subarray(0, 2).toString()).toBe('PK');
    }
    await mandataire.get('/api/departments/14/years/2026/memberships.xlsx').expect(404);
  });
});
