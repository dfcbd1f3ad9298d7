import { PasswordResetController } from '../../src/http/auth/password-reset.controller';
import { AccountLoginFailures } from '../../src/http/auth/login-failures';
import { LoginThrottle } from '../../src/http/auth/login-throttle';
import { RESET_REQUEST_THROTTLE, RESET_REQUESTS, resetRequestCounters } from '../../src/http/auth/reset-request-throttle';
import { PostgresReadStore } from '../../src/projections/postgres-read-store';
import { type MessageStore } from '../../src/messages/message-store';
import { Outbox } from '../../src/messages/outbox';
import { MESSAGE_STORE } from '../../src/tokens';
import { startTestApp, type TestApp } from '../support/app';
import { describePostgres, freshDatabase } from '../support/postgres';
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

/** Password-reset requests are throttled as logins are: per username, per address; 202 always, nothing sent past the limit. */
describe('password-reset requests, throttled', () => {
  jest.setTimeout(90_000);
  let t: TestApp;

  beforeAll(async () => {
    // Behind a proxy of our own (loopback): X-Forwarded-For names the client's address.
    t = await startTestApp({ demo: true, env: { TRUST_PROXY: 'loopback' } });
  });
  afterAll(() => t.close());

  const request = (username: string, from: string) => t.anonymous().post('/api/password-reset').set('X-Forwarded-For', from).send({ username }).expect(202);
  const resetsTo = async (email: string): Promise<number> => {
    await t.app.get(PasswordResetController).idle();
    const messages = await t.app.get<MessageStore>(MESSAGE_STORE).list({}, 1000);
    return messages.filter((m) => m.kind === 'password-reset' && m.to === email).length;
  };
  const { blockAfter, untrustedBlockAfter, windowMs } = RESET_REQUEST_THROTTLE as Required<typeof RESET_REQUEST_THROTTLE>;

  it(`given ${blockAfter} requests for one username within the hour, from any addresses, the next is answered 202 and sends nothing; an hour later, it sends again`, async () => {
    for (let i = 0; i < blockAfter; i++) await request('jferry', `198.51.100.${i + 1}`);
    expect(await resetsTo('claire.martin@ecole-jules-ferry.example')).toBe(blockAfter);
    await request('jferry', '198.51.100.99');
    await request('JFerry', '198.51.100.98');
    expect(await resetsTo('claire.martin@ecole-jules-ferry.example')).toBe(blockAfter);
    // Another username is not held back by jferry's requests.
    await request('mdurand', '198.51.100.99');
    expect(await resetsTo('marc.durand@ecole-jules-ferry.example')).toBe(1);
    t.clock.advance(windowMs + 1000);
    await request('jferry', '198.51.100.99');
    expect(await resetsTo('claire.martin@ecole-jules-ferry.example')).toBe(blockAfter + 1);
  });

  it(`given ${untrustedBlockAfter} requests from one address, whatever the usernames (known or not), its next request sends nothing; another address's does`, async () => {
    t.clock.advance(windowMs + 1000);
    const before = await resetsTo('marc.durand@ecole-jules-ferry.example');
    for (let i = 0; i < untrustedBlockAfter; i++) await request(`personne${i}`, '203.0.113.7');
    await request('mdurand', '203.0.113.7');
    expect(await resetsTo('marc.durand@ecole-jules-ferry.example')).toBe(before);
    await request('mdurand', '203.0.113.8');
    expect(await resetsTo('marc.durand@ecole-jules-ferry.example')).toBe(before + 1);
  });
});

describePostgres('password-reset requests counted by every instance (the account store on PostgreSQL)', () => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(() => database?.drop());

  it(`${RESET_REQUEST_THROTTLE.blockAfter} requests through one instance hold the username back on the other`, async () => {
    const [storeA, storeB] = [
      await PostgresReadStore.connect(database.url, { prefix: 'account_' }),
      await PostgresReadStore.connect(database.url, { prefix: 'account_' }),
    ];
    try {
      const policy = RESET_REQUEST_THROTTLE as Required<typeof RESET_REQUEST_THROTTLE>;
      const throttleOf = (store: PostgresReadStore) =>
        new LoginThrottle(policy, new AccountLoginFailures(store, policy.windowMs, RESET_REQUESTS), resetRequestCounters);
      const [a, b] = [throttleOf(storeA), throttleOf(storeB)];
      const t0 = Date.parse('2026-11-27T10:00:00Z');
      for (let i = 0; i < policy.blockAfter; i++) {
        const admission = await a.admitShared({ username: 'jferry', ip: `198.51.100.${i}`, device: null }, t0 + i);
        if (admission.blocked) throw new Error(`held back at request ${i + 1}`);
        admission.attempt.failed(t0 + i);
      }
      await a.settled();
      expect(await b.admitShared({ username: 'jferry', ip: '192.0.2.1', device: null }, t0 + 10)).toMatchObject({ blocked: true });
      expect(await b.admitShared({ username: 'mdurand', ip: '192.0.2.1', device: null }, t0 + 10)).toMatchObject({ blocked: false });
    } finally {
      await Promise.all([storeA.close(), storeB.close()]);
    }
  });
});
