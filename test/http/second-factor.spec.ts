import request from 'supertest';
import { generateSync } from 'otplib';
import { startTestApp, type TestApp } from '../support/app';

/** API.md "People and access": TOTP enrolment, login in two steps, recovery codes, REQUIRE_SECOND_FACTOR. */
describe('second factor (TOTP)', () => {
  jest.setTimeout(120_000);
  let t: TestApp;
  const codeAt = (t: TestApp, secret: string, offsetSeconds = 0): string =>
    generateSync({ secret, epoch: Math.floor(t.clock.now().getTime() / 1000) + offsetSeconds });

  beforeAll(async () => {
    t = await startTestApp({ demo: true, auth: { throttle: { delayAfter: 100, blockAfter: 3, untrustedBlockAfter: 100 } } });
  });
  afterAll(() => t.close());

  let secret = '';
  let recoveryCodes: string[] = [];

  it('a treasurer enrols: a secret to scan, not active until a first code confirms it; then ten recovery codes', async () => {
    const [treasurer] = await t.loginDemo('tresorier14');
    const enrolment = await treasurer.post('/api/account/totp').expect(200);
    expect(enrolment.body.otpauthUrl).toMatch(/^otpauth:\/\/totp\/Cahier%20Coop:tresorier14\?secret=/);
    secret = enrolment.body.secret;
    await t.loginDemo('tresorier14'); // not active yet: the password alone opens a session
    await treasurer.post('/api/account/totp/confirm', { code: '000000' }).expect(400);
    const confirmed = await treasurer.post('/api/account/totp/confirm', { code: codeAt(t, secret) }).expect(200);
    recoveryCodes = confirmed.body.recoveryCodes;
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
  });

  it('then login takes two steps; the first session is good for nothing but the code', async () => {
    const agent = request.agent(t.app.getHttpServer());
    const first = await agent.post('/api/login').send({ username: 'tresorier14', password: 'demo-tresorier14' }).expect(200);
    expect(first.body).toEqual({ secondFactor: 'totp' });
    await agent.get('/api/session').expect(401);
    await agent.get('/api/departments/14/coops').expect(401);
    await agent.post('/api/login/totp').send({ code: '123456' }).expect(401);
    t.clock.advance(60_000); // the code used to confirm is spent: the next one
    const second = await agent
      .post('/api/login/totp')
      .send({ code: codeAt(t, secret) })
      .expect(200);
    expect(second.body.user).toMatchObject({ username: 'tresorier14', role: 'treasurer', department: '14' });
    await agent.get('/api/departments/14/coops').set('X-CSRF-Token', second.body.csrfToken).expect(200);

    // The same code again, in another login: refused (each code serves once).
    const replay = request.agent(t.app.getHttpServer());
    await replay.post('/api/login').send({ username: 'tresorier14', password: 'demo-tresorier14' }).expect(200);
    await replay
      .post('/api/login/totp')
      .send({ code: codeAt(t, secret) })
      .expect(401);
  });

  it('a recovery code opens a session once', async () => {
    for (const expected of [200, 401]) {
      const agent = request.agent(t.app.getHttpServer());
      await agent.post('/api/login').send({ username: 'tresorier14', password: 'demo-tresorier14' }).expect(200);
      await agent.post('/api/login/totp').send({ code: recoveryCodes[0].toUpperCase() }).expect(expected);
    }
  });

  it('wrong codes are throttled like passwords (429 with Retry-After)', async () => {
    t.clock.advance(20 * 60_000); // past the window of the failures above
    const agent = request.agent(t.app.getHttpServer());
    await agent.post('/api/login').send({ username: 'tresorier14', password: 'demo-tresorier14' }).expect(200);
    for (let i = 0; i < 3; i++) await agent.post('/api/login/totp').send({ code: '000000' }).expect(401);
    const blocked = await agent
      .post('/api/login/totp')
      .send({ code: codeAt(t, secret) })
      .expect(429);
    expect(blocked.headers['retry-after']).toBeDefined();
  });
});

describe('REQUIRE_SECOND_FACTOR', () => {
  jest.setTimeout(120_000);
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ demo: true, env: { REQUIRE_SECOND_FACTOR: 'treasurer,admin' } });
  });
  afterAll(() => t.close());

  it('makes those roles enrol before anything else; other roles are not asked', async () => {
    const [treasurer, mandataire] = await t.loginDemo('tresorier14', 'jferry');
    const refused = await treasurer.get('/api/departments/14/coops').expect(403);
    expect(refused.body.code).toBe('SECOND_FACTOR_REQUIRED');
    expect((await treasurer.get('/departements').redirects(0)).headers.location).toBe('/compte/securite');
    await mandataire.get('/api/coops/C14001/years/2026/grid').expect(200);

    const { secret } = (await treasurer.post('/api/account/totp').expect(200)).body;
    const epoch = Math.floor(t.clock.now().getTime() / 1000);
    await treasurer.post('/api/account/totp/confirm', { code: generateSync({ secret, epoch }) }).expect(200);
    await treasurer.get('/api/departments/14/coops').expect(200);
    const page = await treasurer.get('/compte/securite').expect(200);
    expect(page.text).toContain('Codes de secours restants : 10');
  });
});
