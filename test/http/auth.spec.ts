import request from 'supertest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoginThrottle } from '../../src/http/auth/login-throttle';
import { AccountLoginFailures } from '../../src/http/auth/login-failures';
import { SqliteAccountStore } from '../../src/users/sqlite-account-store';
import { hashPassword, OWASP_SCRYPT, passwordPolicyError, verifyPassword } from '../../src/users/passwords';
import { canReadCoop, canReadDepartment, canWriteCoop } from '../../src/http/auth/scope';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from '../../src/http/auth/session-store';
import { agentFor, type AuthApp, login, PASSWORD, startAuthApp } from '../support/auth-app';

const sessionCookie = (res: request.Response): string | undefined =>
  ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('cahier.sid='));
const cookieValue = (cookie: string | undefined): string | undefined => cookie?.split(';')[0];

describe('passwords', () => {
  it('hashes with scrypt at the OWASP parameters and verifies in constant time', async () => {
    const encoded = await hashPassword('une phrase de passe solide');
    const [scheme, n, r, p, salt, key] = encoded.split('$');
    expect({ scheme, n: Number(n), r: Number(r), p: Number(p) }).toEqual({ scheme: 'scrypt', ...{ n: OWASP_SCRYPT.N, r: 8, p: 1 } });
    expect(OWASP_SCRYPT.N).toBe(2 ** 17);
    expect(Buffer.from(salt, 'base64')).toHaveLength(16);
    expect(Buffer.from(key, 'base64')).toHaveLength(32);
    expect(await verifyPassword('une phrase de passe solide', encoded)).toBe(true);
    expect(await verifyPassword('une phrase de passe solidE', encoded)).toBe(false);
    expect(await verifyPassword('x', 'scrypt$garbage')).toBe(false);
  });

  it('refuses short and common passwords with French messages', () => {
    expect(passwordPolicyError('court')).toBe('Le mot de passe doit contenir au moins 12 caractères.');
    expect(passwordPolicyError('motdepasse123')).toMatch(/trop courant/);
    expect(passwordPolicyError('AzertyUIOP12')).toMatch(/trop courant/);
    expect(passwordPolicyError('aaaaaaaaaaaaaaaa')).toMatch(/trop courant/);
    expect(passwordPolicyError('la cigale ayant chanté')).toBeNull();
  });
});

describe('scope', () => {
  const c1 = { coopId: 'C1', department: '14' };
  it('lets each role read and write what it should', () => {
    expect(canReadCoop({ role: 'mandataire', coopId: 'C1' }, c1)).toBe(true);
    expect(canReadCoop({ role: 'mandataire', coopId: 'C2' }, c1)).toBe(false);
    expect(canWriteCoop({ role: 'mandataire', coopId: 'C1' }, c1)).toBe(true);
    expect(canWriteCoop({ role: 'mandataire', coopId: 'C1' }, c1, 'identity')).toBe(false);
    expect(canReadCoop({ role: 'treasurer', department: '14' }, c1)).toBe(true);
    expect(canWriteCoop({ role: 'treasurer', department: '14' }, c1)).toBe(false);
    expect(canWriteCoop({ role: 'treasurer', department: '14' }, c1, 'identity')).toBe(true);
    expect(canReadCoop({ role: 'treasurer', department: '61' }, c1)).toBe(false);
    expect(canReadCoop({ role: 'auditor', grants: { departments: [], coops: ['C1'] } }, c1)).toBe(true);
    expect(canWriteCoop({ role: 'auditor', grants: { departments: ['14'], coops: [] } }, c1)).toBe(false);
    expect(canReadDepartment({ role: 'auditor', grants: { departments: [], coops: ['C1'] } }, '14')).toBe(false);
    expect(canReadDepartment({ role: 'mandataire', coopId: 'C1', department: '14' }, '14')).toBe(false);
    expect(canWriteCoop({ role: 'admin' }, c1)).toBe(true);
  });
});

describe('login throttle', () => {
  const t0 = 1_000_000;
  const from = (username: string, ip: string, device: string | null = null) => ({ username, ip, device });
  const fail = (throttle: LoginThrottle, source: ReturnType<typeof from>, times: number, at = t0) => {
    for (let i = 0; i < times; i++) {
      const admission = throttle.admit(source, at + i);
      if (admission.blocked) throw new Error(`blocked at failure ${i}`);
      admission.attempt.failed(at + i);
    }
  };

  it('delays a (username, address) pair after 5 failures, blocks it after 10, and forgets after the window', () => {
    const throttle = new LoginThrottle();
    fail(throttle, from('jferry', '1.2.3.4'), 5);
    expect(throttle.check(from('jferry', '1.2.3.4'), t0 + 10)).toEqual({ blocked: false, delayMs: 1000 });
    expect(throttle.check(from('other', '5.6.7.8'), t0 + 10)).toEqual({ blocked: false, delayMs: 0 });
    fail(throttle, from('jferry', '1.2.3.4'), 5, t0 + 5);
    expect(throttle.check(from('JFERRY', '1.2.3.4'), t0 + 10)).toEqual({ blocked: true, retryAfterSeconds: 15 * 60 });
    expect(throttle.check(from('jferry', '1.2.3.4'), t0 + 15 * 60 * 1000 + 1).blocked).toBe(false);
  });

  it('holds an address back only for the usernames it failed: x1…x10 leave jferry and admin alone', () => {
    const throttle = new LoginThrottle();
    for (let i = 1; i <= 10; i++) fail(throttle, from(`x${i}`, '127.0.0.1'), 10);
    expect(throttle.check(from('x1', '127.0.0.1'), t0 + 20).blocked).toBe(true);
    expect(throttle.check(from('jferry', '127.0.0.1'), t0 + 20)).toEqual({ blocked: false, delayMs: 0 });
    expect(throttle.check(from('admin', '127.0.0.1'), t0 + 20)).toEqual({ blocked: false, delayMs: 0 });
  });

  it('blocks untrusted clients of a username guessed from many addresses, never its trusted device', () => {
    const throttle = new LoginThrottle();
    for (let ip = 0; ip < 10; ip++) fail(throttle, from('jferry', `10.0.0.${ip}`), 2);
    expect(throttle.check(from('jferry', '10.9.9.9'), t0 + 20).blocked).toBe(true);
    expect(throttle.check(from('jferry', '10.0.0.1', 'device-1'), t0 + 20)).toEqual({ blocked: false, delayMs: 0 });
  });

  it('a device failing 10 times is held back itself, the pair and the username untouched', () => {
    const throttle = new LoginThrottle();
    fail(throttle, from('jferry', '1.2.3.4', 'stolen'), 10);
    expect(throttle.check(from('jferry', '1.2.3.4', 'stolen'), t0 + 20).blocked).toBe(true);
    expect(throttle.check(from('jferry', '1.2.3.4', 'own-laptop'), t0 + 20)).toEqual({ blocked: false, delayMs: 0 });
    expect(throttle.check(from('jferry', '1.2.3.4'), t0 + 20)).toEqual({ blocked: false, delayMs: 0 });
  });

  it('counts attempts in flight: a burst cannot all pass before the first fails', () => {
    const throttle = new LoginThrottle();
    const admitted = Array.from({ length: 50 }, () => throttle.admit(from('jferry', '6.6.6.6'), t0));
    expect(admitted.filter((a) => !a.blocked)).toHaveLength(10);
    expect(admitted[10]).toEqual({ blocked: true, retryAfterSeconds: 1 });
    for (const a of admitted) if (!a.blocked) a.attempt.abandoned();
    expect(throttle.check(from('jferry', '6.6.6.6'), t0)).toEqual({ blocked: false, delayMs: 0 });
  });

  it('a success wipes the pair and the device, not the untrusted count of the username', () => {
    const throttle = new LoginThrottle({ untrustedBlockAfter: 12 });
    fail(throttle, from('jferry', '1.1.1.1'), 9);
    fail(throttle, from('jferry', '2.2.2.2'), 2);
    const ok = throttle.admit(from('jferry', '1.1.1.1'), t0 + 20);
    if (ok.blocked) throw new Error('blocked');
    ok.attempt.succeeded();
    expect(throttle.check(from('jferry', '1.1.1.1'), t0 + 30)).toEqual({ blocked: false, delayMs: 0 });
    fail(throttle, from('jferry', '3.3.3.3'), 1, t0 + 30);
    expect(throttle.check(from('jferry', '4.4.4.4'), t0 + 40).blocked).toBe(true);
  });

  it('two instances on one account store count the same failures: 10 through one, blocked on the other; a success on it wipes the pair for both', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cahier-throttle-'));
    const store = await SqliteAccountStore.open(join(dir, 'accounts.sqlite'));
    try {
      const window = 15 * 60 * 1000;
      const [one, other] = [new LoginThrottle({}, new AccountLoginFailures(store, window)), new LoginThrottle({}, new AccountLoginFailures(store, window))];
      const source = from('jferry', '1.2.3.4');
      for (let i = 0; i < 9; i++) {
        const admission = await one.admitShared(source, t0 + i);
        if (admission.blocked) throw new Error(`blocked at failure ${i}`);
        admission.attempt.failed(t0 + i);
      }
      const last = await other.admitShared(source, t0 + 9);
      if (last.blocked) throw new Error('blocked before ten failures');
      last.attempt.failed(t0 + 9);
      expect(await one.admitShared(source, t0 + 10)).toEqual({ blocked: true, retryAfterSeconds: 15 * 60 });

      const fresh = from('jferry', '5.6.7.8');
      for (let i = 0; i < 5; i++) {
        const admission = await one.admitShared(fresh, t0 + i);
        if (!admission.blocked) admission.attempt.failed(t0 + i);
      }
      const ok = await other.admitShared(fresh, t0 + 20);
      expect(ok).toMatchObject({ blocked: false, delayMs: 1000 });
      if (!ok.blocked) ok.attempt.succeeded();
      await other.settled();
      expect(await one.admitShared(fresh, t0 + 30)).toMatchObject({ blocked: false, delayMs: 0 });
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('HTTP auth', () => {
  let t: AuthApp;
  beforeAll(async () => {
    t = await startAuthApp();
  });
  afterAll(() => t.close());

  it('logs in through the API and answers the contract shape', async () => {
    const res = await request(t.server).post('/api/login').send({ username: 'jferry', password: PASSWORD }).expect(200);
    expect(res.body).toEqual({
      user: { username: 'jferry', role: 'mandataire', coopId: 'C1', department: '14' },
      csrfToken: expect.any(String),
    });
    expect(res.body.csrfToken.length).toBeGreaterThanOrEqual(32);
  });

  it('refuses wrong credentials with 401 and a French message, the same for an unknown user', async () => {
    const wrong = await request(t.server).post('/api/login').send({ username: 'jferry', password: 'pas le bon mot de passe' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ error: 'unauthorized', code: 'BAD_CREDENTIALS', message: 'Identifiant ou mot de passe incorrect.' });
    const unknown = await request(t.server).post('/api/login').send({ username: 'personne', password: PASSWORD });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    const missing = await request(t.server)
      .post('/api/login')
      .send({ username: ['x'] });
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe('CREDENTIALS_REQUIRED');
  });

  it('answers /api/session for a live session, 401 otherwise', async () => {
    await request(t.server).get('/api/session').expect(401);
    const agent = agentFor(t);
    const token = await login(agent, 'tresorier14');
    const res = await agent.get('/api/session').expect(200);
    expect(res.body).toEqual({ user: { username: 'tresorier14', role: 'treasurer', department: '14' }, csrfToken: token });
  });

  it('regenerates the session id at login and sets a HttpOnly, SameSite=Lax cookie', async () => {
    const agent = agentFor(t);
    const page = await agent.get('/login').expect(200);
    const anonymous = sessionCookie(page);
    expect(anonymous).toBeDefined();
    const res = await agent.post('/api/login').send({ username: 'jferry', password: PASSWORD }).expect(200);
    const logged = sessionCookie(res);
    expect(logged).toBeDefined();
    expect(cookieValue(logged)).not.toEqual(cookieValue(anonymous));
    expect(logged).toMatch(/; HttpOnly/);
    expect(logged).toMatch(/; SameSite=Lax/);
    expect(logged).not.toMatch(/; Secure/);
    // The anonymous session id no longer opens anything.
    await request(t.server).get('/api/session').set('Cookie', cookieValue(anonymous)!).expect(401);
  });

  it('ends the session server-side at logout: the old cookie is refused', async () => {
    const agent = agentFor(t);
    const res = await agent.post('/api/login').send({ username: 'jferry', password: PASSWORD }).expect(200);
    const cookie = cookieValue(sessionCookie(res))!;
    await agent.post('/api/logout').set('X-CSRF-Token', res.body.csrfToken).expect(204);
    await request(t.server).get('/api/session').set('Cookie', cookie).expect(401);
    await agent.get('/api/session').expect(401);
  });

  it('keeps sessions in the read store, not in memory', async () => {
    const agent = agentFor(t);
    await login(agent, 'admin');
    expect(await t.accountStore.count('sessions', { username: 'admin' })).toBeGreaterThanOrEqual(1);
  });

  it('refuses a change without the CSRF token, accepts it with the header', async () => {
    const agent = agentFor(t);
    const token = await login(agent, 'jferry');
    const refused = await agent.post('/api/coops/C1/years/2024/entries').send({ label: 'Photos' });
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({
      error: 'forbidden',
      code: 'CSRF',
      message: 'Jeton de sécurité manquant ou invalide. Rechargez la page.',
    });
    await agent.post('/api/coops/C1/years/2024/entries').set('X-CSRF-Token', 'forged').send({ label: 'Photos' }).expect(403);
    const ok = await agent.post('/api/coops/C1/years/2024/entries').set('X-CSRF-Token', token).send({ label: 'Photos' });
    expect(ok.status).toBe(201);
    expect(ok.body.actor).toBe('jferry');
  });

  it('answers 404 outside scope, exactly as for a missing coop, and 403 to read-only roles', async () => {
    const mandataire = agentFor(t);
    const token = await login(mandataire, 'jferry');
    await mandataire.get('/api/coops/C1/years/2024/grid').expect(200);
    const other = await mandataire.get('/api/coops/C2/years/2024/grid');
    const missing = await mandataire.get('/api/coops/C999/years/2024/grid');
    expect(other.status).toBe(404);
    expect(other.body).toEqual({ error: 'not_found', code: 'NOT_FOUND', message: 'Ressource introuvable.' });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual(other.body);
    await mandataire.post('/api/coops/C2/years/2024/entries').set('X-CSRF-Token', token).send({ label: 'x' }).expect(404);
    await mandataire.get('/api/departments/14/coops').expect(404);

    const auditor = agentFor(t);
    const auditorToken = await login(auditor, 'verif14');
    await auditor.get('/api/coops/C2/years/2024/grid').expect(200);
    await auditor.get('/api/coops/C3/years/2024/grid').expect(404);
    const write = await auditor.post('/api/coops/C1/years/2024/entries').set('X-CSRF-Token', auditorToken).send({ label: 'x' });
    expect(write.status).toBe(403);
    expect(write.body.code).toBe('READ_ONLY');
    await auditor.get('/api/departments/14/coops').expect(200);
    await auditor.post('/api/departments/14/coops').set('X-CSRF-Token', auditorToken).send({}).expect(403);

    const treasurer = agentFor(t);
    const treasurerToken = await login(treasurer, 'tresorier14');
    await treasurer.get('/api/coops/C2/years/2024/grid').expect(200);
    await treasurer.post('/api/coops/C2/years/2024/entries').set('X-CSRF-Token', treasurerToken).send({ label: 'x' }).expect(403);
    await treasurer.put('/api/coops/C2/years/2024/identity').set('X-CSRF-Token', treasurerToken).send({}).expect(200);
    await treasurer.get('/api/coops/C3/years/2024/grid').expect(404);
    await treasurer.post('/api/departments/14/coops').set('X-CSRF-Token', treasurerToken).send({}).expect(201);
    await treasurer.get('/api/departments/61/coops').expect(404);

    await request(t.server).get('/api/coops/C1/years/2024/grid').expect(401);
  });

  it('ends the other sessions of a user who changes their password', async () => {
    await t.users.create({ username: 'ecole_b', role: 'mandataire', coopId: 'C2', password: PASSWORD });
    const laptop = agentFor(t);
    const tablet = agentFor(t);
    const laptopToken = await login(laptop, 'ecole_b');
    await login(tablet, 'ecole_b');
    const weak = await laptop.post('/api/password').set('X-CSRF-Token', laptopToken).send({ currentPassword: PASSWORD, newPassword: 'azertyuiop12' });
    expect(weak.status).toBe(400);
    expect(weak.body.fields.newPassword).toMatch(/trop courant/);
    const changed = await laptop
      .post('/api/password')
      .set('X-CSRF-Token', laptopToken)
      .send({ currentPassword: PASSWORD, newPassword: 'un autre mot de passe long' })
      .expect(200);
    await tablet.get('/api/session').expect(401);
    const still = await laptop.get('/api/session').expect(200);
    expect(still.body.csrfToken).toBe(changed.body.csrfToken);
    expect(await t.accountStore.count('sessions', { username: 'ecole_b' })).toBe(1);
    await request(t.server).post('/api/login').send({ username: 'ecole_b', password: PASSWORD }).expect(401);
    await request(t.server).post('/api/login').send({ username: 'ecole_b', password: 'un autre mot de passe long' }).expect(200);
  });

  it('expires a session after 2 hours idle, and after 12 hours however active', async () => {
    const idle = agentFor(t);
    await login(idle, 'jferry');
    t.clock.advance(SESSION_IDLE_MS - 60_000);
    await idle.get('/api/session').expect(200);
    t.clock.advance(SESSION_IDLE_MS + 1000);
    await idle.get('/api/session').expect(401);

    const busy = agentFor(t);
    await login(busy, 'jferry');
    for (let elapsed = 0; elapsed < SESSION_ABSOLUTE_MS - 3_600_000; elapsed += 3_600_000) {
      t.clock.advance(3_600_000);
      await busy.get('/api/session').expect(200);
    }
    t.clock.advance(3_600_000 + 1000);
    await busy.get('/api/session').expect(401);
  });

  it('serves a login page with the expected fields and keeps the username after a failure', async () => {
    const agent = agentFor(t);
    const page = await agent.get('/login').set('Accept', 'text/html').expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('lang="fr"');
    expect(page.text).toMatch(/<label class="field__label" for="username">/);
    expect(page.text).toMatch(/name="username"/);
    expect(page.text).toMatch(/name="password"/);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
    expect(csrf).toBeDefined();

    const failed = await agent
      .post('/login')
      .set('Accept', 'text/html')
      .type('form')
      .send({ _csrf: csrf, username: 'jferry', password: 'mauvais mot de passe' });
    expect(failed.status).toBe(401);
    expect(failed.text).toContain('value="jferry"');
    expect(failed.text).toContain('aria-describedby="login-error"');
    expect(failed.text).toContain('Identifiant ou mot de passe incorrect.');

    const ok = await agent.post('/login').set('Accept', 'text/html').type('form').send({ _csrf: csrf, username: 'jferry', password: PASSWORD });
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe('/');
    await agent.get('/').set('Accept', 'text/html').expect(200);
  });

  it('refuses the login form without its token with a French page, and sends pages to /login when logged out', async () => {
    const res = await request(t.server).post('/login').set('Accept', 'text/html').type('form').send({ username: 'jferry', password: PASSWORD });
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('Jeton de sécurité manquant ou invalide. Rechargez la page.');
    const home = await request(t.server).get('/').set('Accept', 'text/html');
    expect(home.status).toBe(303);
    expect(home.headers.location).toBe('/login');
  });

  it('logs out from the page form', async () => {
    const agent = agentFor(t);
    const token = await login(agent, 'jferry');
    const res = await agent.post('/logout').set('Accept', 'text/html').type('form').send({ _csrf: token });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login');
    await agent.get('/api/session').expect(401);
  });

  it('answers malformed JSON with 400 and a too large body with 413, in French', async () => {
    const malformed = await request(t.server).post('/api/login').set('Content-Type', 'application/json').send('{"username": "jferry",');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual({ error: 'invalid', code: 'MALFORMED_JSON', message: "Le contenu envoyé n'est pas un JSON valide." });
    const huge = await request(t.server)
      .post('/api/login')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ username: 'x'.repeat(1_100_000), password: 'y' }));
    expect(huge.status).toBe(413);
    expect(huge.body.code).toBe('PAYLOAD_TOO_LARGE');
    expect(huge.body.message).toMatch(/taille autorisée/);
  });

  it('maps domain refusals, outages and bugs to the error shape without leaking details', async () => {
    const agent = agentFor(t);
    const token = await login(agent, 'jferry');
    const invalid = await agent.post('/api/coops/C1/years/2024/entries').set('X-CSRF-Token', token).send({});
    expect(invalid.status).toBe(400);
    expect(invalid.body).toEqual({
      error: 'invalid',
      code: 'PJ_REQUIRED',
      message: 'Le numéro de pièce est obligatoire.',
      fields: { pj: 'Le numéro de pièce est obligatoire.', label: 'Le libellé est obligatoire.' },
    });
    const crash = await request(t.server).get('/api/probe/crash');
    expect(crash.status).toBe(500);
    expect(crash.body.code).toBe('INTERNAL');
    expect(JSON.stringify(crash.body)).not.toContain('secret internal detail');
    const outage = await request(t.server).get('/api/probe/outage');
    expect(outage.status).toBe(503);
    expect(outage.body.message).toBe('Le service est momentanément indisponible, réessayez dans un instant.');
    const page = await request(t.server).get('/api/nowhere');
    expect(page.status).toBe(404);
    expect(page.body.code).toBe('NOT_FOUND');
    const missingPage = await request(t.server).get('/nulle-part').set('Accept', 'text/html');
    expect(missingPage.status).toBe(404);
    expect(missingPage.text).toContain('Page introuvable');
    // A crawler's stray request leaves no session behind.
    expect(sessionCookie(missingPage)).toBeUndefined();
  });

  it('sends a strict Content-Security-Policy and serves our own stylesheet', async () => {
    const res = await request(t.server).get('/login');
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const css = await request(t.server).get('/assets/app.css').expect(200);
    expect(css.headers['content-type']).toMatch(/text\/css/);
  });
});

describe('HTTP auth: throttling', () => {
  let t: AuthApp;
  beforeAll(async () => {
    t = await startAuthApp({ throttle: { delayStepMs: 5, maxDelayMs: 20 } });
  });
  afterAll(() => t.close());

  it('answers 429 with Retry-After after 10 failures, then lets the real user in once the window passes', async () => {
    for (let i = 0; i < 10; i++) {
      await request(t.server)
        .post('/api/login')
        .send({ username: 'tilleuls', password: `essai numéro ${i}` })
        .expect(401);
    }
    const blocked = await request(t.server).post('/api/login').send({ username: 'tilleuls', password: PASSWORD });
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe('LOGIN_THROTTLED');
    expect(blocked.body.message).toMatch(/^Trop de tentatives de connexion\. Réessayez dans 15 minutes\.$/);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    t.clock.advance(15 * 60 * 1000);
    await request(t.server).post('/api/login').send({ username: 'tilleuls', password: PASSWORD }).expect(200);
  });
});

describe('HTTP auth behind TLS', () => {
  let t: AuthApp;
  beforeAll(async () => {
    t = await startAuthApp({ secureCookies: true, seedUsers: false });
    await t.users.create({ username: 'admin', role: 'admin', password: PASSWORD });
  });
  afterAll(() => t.close());

  it('marks the session cookie Secure', async () => {
    const res = await request(t.server).post('/api/login').set('X-Forwarded-Proto', 'https').send({ username: 'admin', password: PASSWORD }).expect(200);
    expect(sessionCookie(res)).toMatch(/; Secure/);
  });
});
