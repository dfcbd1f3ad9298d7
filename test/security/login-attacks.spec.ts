import request from 'supertest';
import { DEVICE_COOKIE } from '../../src/http/auth/device-cookie';
import { startTestApp, type TestApp } from '../support/app';
import { isFrench } from './support';

/** The real thresholds and window; only the waits between attempts are shortened. */
const FAST_DELAYS = { throttle: { delayStepMs: 2, maxDelayMs: 10 } };
const WINDOW_MS = 15 * 60 * 1000;

const deviceCookie = (res: request.Response): string | undefined =>
  ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${DEVICE_COOKIE}=`));

/** Issue 12, findings 1 and 2: lockouts an outsider could cause, behind a proxy or not. */
describe('login throttling behind a proxy that TRUST_PROXY does not name (every client is 127.0.0.1)', () => {
  let t: TestApp;
  let server: ReturnType<TestApp['app']['getHttpServer']>;
  beforeAll(async () => {
    t = await startTestApp({ demo: true, auth: FAST_DELAYS });
    server = t.app.getHttpServer();
  });
  afterAll(() => t.close());
  afterEach(() => t.clock.advance(WINDOW_MS + 1000));

  const attempt = (username: string, password: string, forwardedFor?: string) => {
    const req = request(server).post('/api/login');
    return (forwardedFor ? req.set('X-Forwarded-For', forwardedFor) : req).send({ username, password });
  };

  it('ten wrong passwords for each of x1…x10 lock neither jferry nor admin out', async () => {
    for (let i = 1; i <= 10; i++) {
      for (let n = 0; n < 10; n++) await attempt(`x${i}`, `mauvais ${n}`).expect(401);
    }
    expect((await attempt('x1', 'mauvais encore')).status).toBe(429);
    await attempt('jferry', 'demo-jules-ferry').expect(200);
    await attempt('admin', 'demo-admin-2025').expect(200);
  });

  it('does not believe X-Forwarded-For: a guesser cannot pose as ten addresses', async () => {
    for (let i = 0; i < 10; i++) await attempt('tilleuls', `essai ${i}`, `203.0.113.${i}`).expect(401);
    const blocked = await attempt('tilleuls', 'demo-les-tilleuls', '198.51.100.7');
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe('LOGIN_THROTTLED');
    expect(isFrench(blocked.body.message)).toBe(true);
  });

  it('gives a browser that logged in a signed device cookie, which failures made elsewhere never hold back', async () => {
    const owner = request.agent(server);
    const first = await owner.post('/api/login').send({ username: 'tilleuls', password: 'demo-les-tilleuls' }).expect(200);
    const cookie = deviceCookie(first)!;
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).toMatch(/; Path=\//);
    // From the same address (the proxy), someone else locks the untrusted clients of tilleuls out.
    for (let i = 0; i < 10; i++) await attempt('tilleuls', `essai ${i}`).expect(401);
    expect((await attempt('tilleuls', 'demo-les-tilleuls')).status).toBe(429);
    await owner.post('/api/login').send({ username: 'tilleuls', password: 'demo-les-tilleuls' }).expect(200);
  });
});

describe('login throttling with TRUST_PROXY=1 (X-Forwarded-For names the client)', () => {
  let t: TestApp;
  let server: ReturnType<TestApp['app']['getHttpServer']>;
  beforeAll(async () => {
    t = await startTestApp({ demo: true, env: { TRUST_PROXY: '1' }, auth: FAST_DELAYS });
    server = t.app.getHttpServer();
  });
  afterAll(() => t.close());
  afterEach(() => t.clock.advance(WINDOW_MS + 1000));

  const attempt = (username: string, password: string, ip: string, agent: request.Agent | typeof request = request) =>
    (agent === request ? request(server) : (agent as request.Agent)).post('/api/login').set('X-Forwarded-For', ip).send({ username, password });

  it('ten addresses failing one username do not leave the browser of its owner free, wherever it logs in from', async () => {
    const owner = request.agent(server);
    await attempt('jferry', 'demo-jules-ferry', '192.0.2.10', owner).expect(200);
    for (let ip = 1; ip <= 10; ip++) {
      for (let n = 0; n < 3; n++) await attempt('jferry', `devine ${n}`, `203.0.113.${ip}`);
    }
    // The guessers: each address held back, and every untrusted client of jferry after 20 failures.
    expect((await attempt('jferry', 'demo-jules-ferry', '203.0.113.1')).status).toBe(429);
    expect((await attempt('jferry', 'demo-jules-ferry', '198.51.100.99')).status).toBe(429);
    // The owner's browser, from anywhere.
    await attempt('jferry', 'demo-jules-ferry', '192.0.2.10', owner).expect(200);
    await attempt('jferry', 'demo-jules-ferry', '203.0.113.1', owner).expect(200);
  });

  it('ten addresses failing once each leave even an untrusted owner free', async () => {
    for (let ip = 1; ip <= 10; ip++) await attempt('admin', 'pas le bon', `203.0.113.${ip}`).expect(401);
    await attempt('admin', 'demo-admin-2025', '192.0.2.20').expect(200);
  });

  it('holds an address back for itself only', async () => {
    for (let n = 0; n < 10; n++) await attempt('tilleuls', `devine ${n}`, '203.0.113.50').expect(401);
    expect((await attempt('tilleuls', 'demo-les-tilleuls', '203.0.113.50')).status).toBe(429);
    await attempt('tilleuls', 'demo-les-tilleuls', '203.0.113.51').expect(200);
  });

  it('trusts only a genuine device cookie issued to the username tried', async () => {
    const elsewhere = request.agent(server);
    const own = await attempt('tilleuls', 'demo-les-tilleuls', '192.0.2.30', elsewhere).expect(200);
    const tilleulsDevice = deviceCookie(own)!.split(';')[0];
    for (let ip = 1; ip <= 10; ip++) {
      for (let n = 0; n < 2; n++) await attempt('jferry', `devine ${n}`, `203.0.113.${ip}`);
    }
    const [name, value] = tilleulsDevice.split('=');
    const forged = `${name}=${value.slice(0, -2)}xx`;
    for (const cookie of [tilleulsDevice, forged]) {
      const res = await request(server)
        .post('/api/login')
        .set('X-Forwarded-For', '198.51.100.1')
        .set('Cookie', cookie)
        .send({ username: 'jferry', password: 'demo-jules-ferry' });
      expect(res.status).toBe(429);
    }
  });
});

/** Issue 12, finding 5: login CSRF, and changes from another site. */
describe('changes from another site', () => {
  let t: TestApp;
  let server: ReturnType<TestApp['app']['getHttpServer']>;
  const HOST = 'cahier.example.fr';
  beforeAll(async () => {
    t = await startTestApp({ demo: true, auth: FAST_DELAYS });
    server = t.app.getHttpServer();
  });
  afterAll(() => t.close());

  const credentials = { username: 'jferry', password: 'demo-jules-ferry' };

  it('takes the API login as JSON only (415 for a form, as a cross-site form would send it)', async () => {
    const form = await request(server).post('/api/login').type('form').send(credentials);
    expect(form.status).toBe(415);
    expect(isFrench(form.body.message)).toBe(true);
    await request(server).post('/api/login').set('Content-Type', 'text/plain').send(JSON.stringify(credentials)).expect(415);
    await request(server).post('/api/login').send(credentials).expect(200);
  });

  it('refuses a login another site sends, by Origin or Sec-Fetch-Site', async () => {
    for (const [header, value] of [
      ['Origin', 'https://evil.example'],
      ['Origin', 'null'],
      ['Sec-Fetch-Site', 'cross-site'],
    ]) {
      const res = await request(server).post('/api/login').set('Host', HOST).set(header, value).send(credentials);
      expect([header, value, res.status, res.body.code]).toEqual([header, value, 403, 'CROSS_SITE']);
      expect(isFrench(res.body.message)).toBe(true);
    }
    await request(server)
      .post('/api/login')
      .set('Host', HOST)
      .set('Origin', `https://${HOST}`)
      .set('Sec-Fetch-Site', 'same-origin')
      .send(credentials)
      .expect(200);
    // Origin: null says nothing: Sec-Fetch-Site decides.
    const login = () => request(server).post('/api/login').set('Host', HOST).set('Origin', 'null');
    await login().set('Sec-Fetch-Site', 'same-site').send(credentials).expect(403);
    await login().set('Sec-Fetch-Site', 'same-origin').send(credentials).expect(200);
  });

  it('refuses a change from another site whatever its token; without either header the token alone decides', async () => {
    const agent = request.agent(server);
    const login = await agent.post('/api/login').set('Host', HOST).send(credentials).expect(200);
    const token = login.body.csrfToken as string;
    const entry = (pj: string) => ({
      pj,
      date: '2026-11-20',
      label: 'Vente de gâteaux',
      lines: [
        { account: '512', debit: 1500 },
        { account: '7070', credit: 1500 },
      ],
    });
    const post = () => agent.post('/api/coops/C14001/years/2026/entries').set('Host', HOST).set('X-CSRF-Token', token);
    const evil = await post().set('Origin', 'https://evil.example').send(entry('XS1'));
    expect([evil.status, evil.body.code]).toEqual([403, 'CROSS_SITE']);
    await post().set('Sec-Fetch-Site', 'cross-site').send(entry('XS2')).expect(403);
    await post().set('Origin', `http://${HOST}`).set('Sec-Fetch-Site', 'same-origin').send(entry('XS3')).expect(201);
    await post().send(entry('XS4')).expect(201);
    await agent.post('/api/coops/C14001/years/2026/entries').set('Host', HOST).send(entry('XS5')).expect(403);
  });

  it('the page login form of this site still logs in; the same form from another site does not', async () => {
    const browser = request.agent(server);
    const page = await browser.get('/login').set('Host', HOST).expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    const form = new URLSearchParams({ _csrf: csrf, ...credentials }).toString();
    const foreign = await browser.post('/login').set('Host', HOST).set('Origin', 'https://evil.example').set('Accept', 'text/html').type('form').send(form);
    expect(foreign.status).toBe(403);
    const own = await browser.post('/login').set('Host', HOST).set('Origin', `http://${HOST}`).set('Sec-Fetch-Site', 'same-origin').type('form').send(form);
    expect([own.status, own.headers.location]).toEqual([303, '/']);
  });
});
