import { Outbox } from '../../src/messages/outbox';
import { startTestApp, type TestApp } from '../support/app';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp';

/** API.md "People and access": password reset by a link sent by e-mail, one hour, once, no enumeration. */
describe('password reset by e-mail', () => {
  jest.setTimeout(90_000);
  let t: TestApp;
  let smtp: TestSmtpServer;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await startTestApp({ demo: true, env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://cahier.example' } });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  const linkIn = (text: string): string => /https:\/\/cahier\.example\/mot-de-passe\/([A-Za-z0-9_-]+)/.exec(text)![1];

  it('answers 202 whatever the username, and sends a link only to a known one', async () => {
    await t.anonymous().post('/api/password-reset').send({ username: 'personne' }).expect(202);
    await t.anonymous().post('/api/password-reset').send({ username: 'jferry' }).expect(202);
    const [mail] = await smtp.waitFor(1);
    expect(mail.to).toEqual(['claire.martin@ecole-jules-ferry.example']);
    expect(mail.subject).toBe('Cahier Coop — choisir un nouveau mot de passe');
    await t.app.get(Outbox).deliverDue();
    expect(smtp.received).toHaveLength(1);
  });

  it('the link sets a new password once; the old one and its sessions end', async () => {
    const [before] = await t.loginDemo('jferry');
    const token = linkIn(smtp.received[0].text);
    await t.anonymous().post(`/api/password-reset/${token}`).send({ password: 'court' }).expect(400);
    await t.anonymous().post(`/api/password-reset/${token}`).send({ password: 'une toute nouvelle phrase' }).expect(200);
    await t.anonymous().post(`/api/password-reset/${token}`).send({ password: 'encore une autre phrase' }).expect(410);
    await before.get('/api/session').expect(401);
    await t.login('jferry', 'une toute nouvelle phrase');
    await t.anonymous().post('/api/login').send({ username: 'jferry', password: 'demo-jules-ferry' }).expect(401);
  });

  it('a link older than one hour is gone (410)', async () => {
    await t.anonymous().post('/api/password-reset').send({ username: 'jferry' }).expect(202);
    const [, second] = await smtp.waitFor(2);
    t.clock.advance(61 * 60 * 1000);
    await t
      .anonymous()
      .post(`/api/password-reset/${linkIn(second.text)}`)
      .send({ password: 'une toute autre phrase' })
      .expect(410);
    expect((await t.anonymous().get(`/mot-de-passe/${linkIn(second.text)}`)).status).toBe(410);
  });
});
