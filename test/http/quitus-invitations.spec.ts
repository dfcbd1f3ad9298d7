import { Outbox } from '../../src/messages/outbox';
import { type Agent, startTestApp, type TestApp } from '../support/app';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp';

/**
 * DOMAIN.md "Quitus evidence the AD can rely on": the code goes to the vérificateur's address and
 * only there; the mandataire sees that it left and when; a paper letter stays possible and the AD
 * sees which invitations went on paper. On the demo (C14001's 2025-2026 is closed), against a real
 * SMTP server.
 */
describe('quitus invitations by e-mail', () => {
  jest.setTimeout(90_000);
  let t: TestApp;
  let smtp: TestSmtpServer;
  let mandataire: Agent;
  let treasurer: Agent;
  const year = '/api/coops/C14001/years/2025';

  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await startTestApp({ demo: true, env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://cahier.example' } });
    [mandataire, treasurer] = await t.loginDemo('jferry', 'tresorier14');
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  const form = (agent: Agent, body: Record<string, string>) =>
    agent.agent
      .post('/coops/C14001/years/2025/quitus')
      .set('Accept', 'text/html')
      .type('form')
      .send({ _csrf: agent.csrf, ...body });
  const codeIn = (text: string): string => /https:\/\/cahier\.example\/quitus\/([A-Za-z0-9_-]+)/.exec(text)![1];

  it('sends the code to the vérificateur alone; the mandataire sees it left and when, never the code; quitus given with the code received', async () => {
    const answer = (
      await mandataire.post(`${year}/quitus/invitations`, { name: 'Élodie Durand', quality: 'parent', email: 'Elodie.Durand@exemple.fr' }).expect(201)
    ).body;
    expect(answer).toEqual({ invitationId: expect.any(String), delivery: 'email', sentTo: 'elodie.durand@exemple.fr' });

    const [mail] = await smtp.waitFor(1);
    expect(mail.to).toEqual(['elodie.durand@exemple.fr']);
    expect(mail.subject).toMatch(/^Cahier Coop — vérification des comptes 2025-2026 de /);
    expect(mail.text).toContain('Bonjour Élodie Durand,');
    const code = codeIn(mail.text);
    expect(code).toMatch(/^[A-Za-z0-9_-]{32}$/);
    await t.app.get(Outbox).deliverDue();

    const quitus = (await mandataire.get(`${year}/quitus`).expect(200)).body;
    const mine = quitus.invitations.find((i: { invitationId: string }) => i.invitationId === answer.invitationId);
    expect(mine).toMatchObject({ delivery: 'email', sentTo: 'elodie.durand@exemple.fr', messageStatus: 'sent', sentAt: expect.any(String) });
    const page = await mandataire.get('/coops/C14001/years/2025/quitus').expect(200);
    expect(page.text).toContain('par courriel à elodie.durand@exemple.fr (message parti le');
    for (const seen of [JSON.stringify(quitus), page.text, JSON.stringify((await treasurer.get('/api/coops/C14001/history').expect(200)).body)]) {
      expect(seen).not.toContain(code);
    }

    const anonymous = t.anonymous();
    await anonymous.get(`/api/quitus/${code}`).expect(200);
    await anonymous.post(`/api/quitus/${code}`).send({ decision: 'quitus' }).expect(200);
    const after = (await mandataire.get(`${year}/quitus`).expect(200)).body;
    expect(after.decisions).toContainEqual(expect.objectContaining({ name: 'Élodie Durand', quality: 'parent', decision: 'quitus', valid: true }));
  });

  it('the page invites by e-mail too, and shows no link; a wrong address is refused next to the field, the name kept', async () => {
    const sent = await form(mandataire, { name: 'Marc Petit', quality: 'enseignant', email: 'marc.petit@exemple.fr' }).expect(201);
    expect(sent.text).toContain('Le lien part par courriel à marc.petit@exemple.fr');
    const [, mail] = await smtp.waitFor(2);
    expect(mail.to).toEqual(['marc.petit@exemple.fr']);
    expect(sent.text).not.toContain(codeIn(mail.text));

    const wrong = await form(mandataire, { name: 'Paul Henry', quality: 'autre', email: 'paul.henry' }).expect(400);
    expect(wrong.text).toMatch(/<p class="field__error" id="f-email-error">L&#x27;adresse électronique du vérificateur n&#x27;est pas valide/);
    expect(wrong.text).toContain('value="Paul Henry"');
  });

  it('without an address, a paper letter carries the code; the AD sees which invitations went on paper', async () => {
    const paper = (await mandataire.post(`${year}/quitus/invitations`, { name: 'Jeanne Roux', quality: 'parent' }).expect(201)).body;
    expect(paper).toMatchObject({ delivery: 'paper', code: expect.any(String), letterUrl: `/quitus/${paper.code}/lettre` });
    const letter = await t.anonymous().get(paper.letterUrl).expect(200);
    expect(letter.text).toContain("Invitation à vérifier les comptes de l'exercice 2025-2026");
    expect(letter.text).toContain(`/quitus/${paper.code}`);

    const rows = (await treasurer.get('/api/departments/14/years/2025/submissions').expect(200)).body;
    const row = rows.find((r: { coopId: string }) => r.coopId === 'C14001');
    expect(row.invitations).toEqual(
      expect.arrayContaining([
        { name: 'Élodie Durand', quality: 'parent', delivery: 'email', used: true },
        { name: 'Jeanne Roux', quality: 'parent', delivery: 'paper', used: false },
      ]),
    );
    const page = await treasurer.get('/departements/14/annees/2025/depots').set('Accept', 'text/html').expect(200);
    expect(page.text).toContain('Jeanne Roux : lettre remise sur papier');
    expect(page.text).toContain('Élodie Durand : invité par courriel');
    const messages = (await treasurer.get('/api/messages?coopId=C14001').expect(200)).body;
    expect(messages.filter((m: { kind: string }) => m.kind === 'quitus-invitation')).toHaveLength(2);
  });
});
