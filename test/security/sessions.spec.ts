import { createHash } from 'node:crypto';
import request from 'supertest';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS, SESSION_TOUCH_EVERY_MS, SESSIONS } from '../../src/http/auth/session-store';
import { startTestApp, type TestApp } from '../support/app';
import { cookiePair, isFrench, sessionCookie } from './support';

/** Sessions, login throttling, password policy and headers, on the real application. */
describe('sessions on the real app', () => {
  let t: TestApp;
  let server: ReturnType<TestApp['app']['getHttpServer']>;
  beforeAll(async () => {
    t = await startTestApp({ demo: true });
    server = t.app.getHttpServer();
  });
  afterAll(() => t.close());

  const login = (username: string, password: string, agent: request.Agent = request.agent(server)) => agent.post('/api/login').send({ username, password });
  const sessionWith = (cookie: string) => request(server).get('/api/session').set('Cookie', cookie);

  it('gives a new session id at login: a cookie planted before does not become a logged-in session', async () => {
    const agent = request.agent(server);
    const before = sessionCookie(await agent.get('/login').expect(200));
    const res = await login('jferry', 'demo-jules-ferry', agent).expect(200);
    const after = sessionCookie(res);
    expect(cookiePair(after)).not.toBe(cookiePair(before));
    await sessionWith(cookiePair(before)).expect(401);
    await sessionWith(cookiePair(after)).expect(200);
    // A second login from the same browser also changes the id.
    const again = sessionCookie(await login('jferry', 'demo-jules-ferry', agent).expect(200));
    expect(cookiePair(again)).not.toBe(cookiePair(after));
    await sessionWith(cookiePair(after)).expect(401);
  });

  it('sets the cookie HttpOnly, SameSite=Lax, on the whole site, expiring after the idle time-out', async () => {
    const cookie = sessionCookie(await login('jferry', 'demo-jules-ferry').expect(200))!;
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/; Secure/);
    const expires = /; Expires=([^;]+)/.exec(cookie)?.[1];
    expect(expires).toBeDefined();
    const lifetime = new Date(expires!).getTime() - Date.now();
    expect(lifetime).toBeGreaterThan(SESSION_IDLE_MS - 60_000);
    expect(lifetime).toBeLessThanOrEqual(SESSION_IDLE_MS + 1000);
  });

  it('ends a session idle for more than 2 hours, server-side', async () => {
    const cookie = cookiePair(sessionCookie(await login('tilleuls', 'demo-les-tilleuls').expect(200)));
    t.clock.advance(SESSION_IDLE_MS - 60_000);
    await sessionWith(cookie).expect(200);
    t.clock.advance(SESSION_IDLE_MS + 1000);
    // The browser would have dropped the cookie; sending it anyway opens nothing.
    await sessionWith(cookie).expect(401);
    await request(server).get('/api/coops/C14002/years/2026/grid').set('Cookie', cookie).expect(401);
  });

  it('writes the stored expiry at most once a minute, and a session active within 1 h 59 stays open', async () => {
    const cookie = cookiePair(sessionCookie(await login('tilleuls', 'demo-les-tilleuls').expect(200)));
    // The store's document id: SHA-256 of the session id ("s:<id>.<signature>" in the cookie).
    const sid = /^s:([^.]+)\./.exec(decodeURIComponent(cookie.split('=')[1]))![1];
    const storedExpiry = async () =>
      (await t.stores.accountStore.get<{ expiresAt: number } & { id: string }>(SESSIONS, createHash('sha256').update(sid).digest('hex')))?.expiresAt;
    // express-session counts the cookie's maxAge on the system clock: a few ms may have passed.
    const renewedNow = (expiry: number | undefined) => expect(t.clock.now().getTime() + SESSION_IDLE_MS - expiry!).toBeLessThan(1000);
    const loggedIn = await storedExpiry();
    renewedNow(loggedIn);

    t.clock.advance(SESSION_TOUCH_EVERY_MS - 5_000);
    for (let i = 0; i < 3; i++) await sessionWith(cookie).expect(200);
    expect(await storedExpiry()).toBe(loggedIn);

    t.clock.advance(10_000);
    await sessionWith(cookie).expect(200);
    const touched = await storedExpiry();
    renewedNow(touched);

    // Active 50 s after that write (not written), then idle for 1 h 59: still open.
    t.clock.advance(50_000);
    await sessionWith(cookie).expect(200);
    expect(await storedExpiry()).toBe(touched);
    t.clock.advance(SESSION_IDLE_MS - SESSION_TOUCH_EVERY_MS);
    await sessionWith(cookie).expect(200);
  });

  it('ends a session 12 hours after login however active it was', async () => {
    const cookie = cookiePair(sessionCookie(await login('tilleuls', 'demo-les-tilleuls').expect(200)));
    const hour = 3_600_000;
    for (let elapsed = hour; elapsed < SESSION_ABSOLUTE_MS; elapsed += hour) {
      t.clock.advance(hour);
      await request(server).get('/api/coops/C14002/years/2026/grid').set('Cookie', cookie).expect(200);
    }
    t.clock.advance(hour + 1000);
    await request(server).get('/api/coops/C14002/years/2026/grid').set('Cookie', cookie).expect(401);
  });

  it('ends the session server-side at logout: the old cookie is worthless', async () => {
    const res = await login('jferry', 'demo-jules-ferry').expect(200);
    const cookie = cookiePair(sessionCookie(res));
    const logout = await request(server).post('/api/logout').set('Cookie', cookie).set('X-CSRF-Token', res.body.csrfToken).expect(204);
    expect(sessionCookie(logout)).toMatch(/cahier\.sid=;.*Expires=Thu, 01 Jan 1970/);
    await sessionWith(cookie).expect(401);
    const write = await request(server).post('/api/coops/C14001/years/2026/entries').set('Cookie', cookie).set('X-CSRF-Token', res.body.csrfToken).send({});
    expect(write.status).toBe(403);
    expect(write.body.code).toBe('CSRF');
  });

  it('ends the other sessions of a user who changes their password, and keeps this one', async () => {
    const laptop = await login('tilleuls', 'demo-les-tilleuls').expect(200);
    const tablet = await login('tilleuls', 'demo-les-tilleuls').expect(200);
    const otherUser = await login('jferry', 'demo-jules-ferry').expect(200);
    const laptopCookie = cookiePair(sessionCookie(laptop));
    const changed = await request(server)
      .post('/api/password')
      .set('Cookie', laptopCookie)
      .set('X-CSRF-Token', laptop.body.csrfToken)
      .send({ currentPassword: 'demo-les-tilleuls', newPassword: 'les tilleuls en fleur au printemps' })
      .expect(200);
    await sessionWith(cookiePair(sessionCookie(tablet))).expect(401);
    await sessionWith(cookiePair(sessionCookie(otherUser))).expect(200);
    // This session goes on, under a new id.
    const current = cookiePair(sessionCookie(changed));
    expect(current).not.toBe(laptopCookie);
    await sessionWith(laptopCookie).expect(401);
    await sessionWith(current).expect(200);
    await login('tilleuls', 'demo-les-tilleuls').expect(401);
    await login('tilleuls', 'les tilleuls en fleur au printemps').expect(200);
  });

  it('refuses short and common passwords wherever a password is set, in French', async () => {
    const admin = await t.login('admin', 'demo-admin-2025');
    const treasurer = await t.login('tresorier14', 'demo-tresorier14');
    const mandataire = await t.login('jferry', 'demo-jules-ferry');
    const weak = ['court', 'azertyuiop12', 'motdepasse123', 'aaaaaaaaaaaaaaaa', 'Cooperative2025'];
    for (const password of weak) {
      const coop = await treasurer.post('/api/departments/14/coops', { coopId: 'C14099', name: 'École test', username: 'ecole99', password });
      expect(coop.status).toBe(400);
      expect(coop.body.code).toBe('PASSWORD_WEAK');
      expect(isFrench(coop.body.message)).toBe(true);
      const reset = await admin.post('/api/coops/C14001/password', { username: 'jferry', password });
      expect(reset.status).toBe(400);
      expect(reset.body.code).toBe('PASSWORD_WEAK');
      const own = await mandataire.post('/api/password', { currentPassword: 'demo-jules-ferry', newPassword: password });
      expect(own.status).toBe(400);
      expect(own.body.code).toBe('PASSWORD_WEAK');
      expect(own.body.fields.newPassword).toMatch(/12 caractères|trop courant/);
    }
    // Nothing was created with a weak password.
    await login('ecole99', 'court').expect(401);
    await treasurer
      .post('/api/departments/14/coops', { coopId: 'C14099', name: 'École test', username: 'ecole99', password: 'une phrase assez longue' })
      .expect(201);
    await login('ecole99', 'une phrase assez longue').expect(200);
  });

  it('sends the security headers: a strict CSP, nosniff, no framing, no X-Powered-By', async () => {
    for (const url of ['/login', '/api/session', '/health']) {
      const res = await request(server).get(url);
      const csp = res.headers['content-security-policy'] as string;
      const directives = Object.fromEntries(
        csp
          .split(';')
          .map((d) => d.trim().split(/\s+/))
          .map(([name, ...values]) => [name, values]),
      );
      expect(directives['script-src']).toEqual(["'self'"]);
      expect(directives['script-src-attr']).toEqual(["'none'"]);
      expect(directives['default-src']).toEqual(["'self'"]);
      expect(directives['object-src']).toEqual(["'none'"]);
      expect(directives['frame-ancestors']).toEqual(["'none'"]);
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBeDefined();
      expect(res.headers['referrer-policy']).toBe('same-origin');
      expect(res.headers['x-powered-by']).toBeUndefined();
      // No HSTS on plain http (it is set behind TLS: below).
      expect(res.headers['strict-transport-security']).toBeUndefined();
    }
  });
});

describe('sessions behind TLS (SECURE_COOKIES=true, trust proxy)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ demo: true, env: { SECURE_COOKIES: 'true' } });
  });
  afterAll(() => t.close());

  it('marks the cookie Secure when the proxy says https, sends HSTS, and never sets it over plain http', async () => {
    const server = t.app.getHttpServer();
    const tls = await request(server)
      .post('/api/login')
      .set('X-Forwarded-Proto', 'https')
      .send({ username: 'jferry', password: 'demo-jules-ferry' })
      .expect(200);
    const cookie = sessionCookie(tls);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(tls.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(tls.headers['content-security-policy']).toContain('upgrade-insecure-requests');
    // The session works over TLS.
    await request(server).get('/api/session').set('X-Forwarded-Proto', 'https').set('Cookie', cookiePair(cookie)).expect(200);
    const plain = await request(server).post('/api/login').send({ username: 'jferry', password: 'demo-jules-ferry' }).expect(200);
    expect(sessionCookie(plain)).toBeUndefined();
  });
});

describe('login throttling with the real policy', () => {
  let t: TestApp;
  let server: ReturnType<TestApp['app']['getHttpServer']>;
  beforeAll(async () => {
    // The real thresholds and window; only the delays between attempts are shortened.
    t = await startTestApp({ demo: true, auth: { throttle: { delayStepMs: 2, maxDelayMs: 10 } } });
    server = t.app.getHttpServer();
  });
  afterAll(() => t.close());

  const attempt = (username: string, password: string, ip?: string) => {
    const req = request(server).post('/api/login');
    return (ip ? req.set('X-Forwarded-For', ip) : req).send({ username, password });
  };

  it('answers 429 with Retry-After after 10 failures for one username, then lets the real user in once the window passes', async () => {
    for (let i = 0; i < 10; i++) await attempt('tilleuls', `essai ${i} au hasard`).expect(401);
    const blocked = await attempt('tilleuls', 'demo-les-tilleuls');
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe('LOGIN_THROTTLED');
    expect(blocked.body.message).toBe('Trop de tentatives de connexion. Réessayez dans 15 minutes.');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
    // Still blocked a little later, free once the failures have left the 15-minute window.
    t.clock.advance(5 * 60 * 1000);
    expect((await attempt('tilleuls', 'demo-les-tilleuls')).status).toBe(429);
    t.clock.advance(10 * 60 * 1000 + 1000);
    await attempt('tilleuls', 'demo-les-tilleuls').expect(200);
  });

  it('holds an address spraying many usernames back for those usernames only', async () => {
    for (let i = 0; i < 10; i++) await attempt('inconnu1', `un mot de passe faux ${i}`).expect(401);
    const blocked = await attempt('inconnu1', 'un mot de passe faux');
    expect(blocked.status).toBe(429);
    expect(isFrench(blocked.body.message)).toBe(true);
    await attempt('jferry', 'demo-jules-ferry').expect(200);
    t.clock.advance(15 * 60 * 1000 + 1000);
  });

  it('throttles the password change too, so it cannot be used to guess the current password', async () => {
    const agent = request.agent(server);
    const res = await agent.post('/api/login').send({ username: 'jferry', password: 'demo-jules-ferry' }).expect(200);
    for (let i = 0; i < 10; i++) {
      await agent
        .post('/api/password')
        .set('X-CSRF-Token', res.body.csrfToken)
        .send({ currentPassword: `devine ${i}`, newPassword: 'une nouvelle phrase solide' })
        .expect(400);
    }
    const blocked = await agent
      .post('/api/password')
      .set('X-CSRF-Token', res.body.csrfToken)
      .send({ currentPassword: 'demo-jules-ferry', newPassword: 'une nouvelle phrase solide' });
    expect(blocked.status).toBe(429);
    t.clock.advance(15 * 60 * 1000 + 1000);
  });
});
