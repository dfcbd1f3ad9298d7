import crypto from 'node:crypto';
import request from 'supertest';
import { HashingBusy, HashingPool } from '../../src/users/password-hashing';
import { UserDirectory } from '../../src/users/user-directory';
import { startTestApp, type TestApp } from '../support/app';
import { isFrench } from './support';

/** Waits (on the event loop, never on a clock) until the condition holds. */
async function until(condition: () => boolean): Promise<void> {
  for (let turns = 0; !condition(); turns++) {
    if (turns > 20_000) throw new Error('the condition never held');
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** Issue 12, finding 6: a flood of logins must not starve the server, nor tell who exists. */
describe('password hashing under a login flood', () => {
  it('hashes a few at a time, queues a few more, refuses the rest at once', async () => {
    const pool = new HashingPool({ concurrent: 2, queued: 3 });
    const releases: Array<() => void> = [];
    let running = 0;
    let most = 0;
    const hash = () =>
      new Promise<string>((resolve) => {
        running++;
        most = Math.max(most, running);
        releases.push(() => {
          running--;
          resolve('ok');
        });
      });
    const attempts = Array.from({ length: 10 }, () =>
      pool.run(hash).then(
        (v) => v,
        (e: unknown) => e,
      ),
    );
    // Five accepted (two hashing, three waiting), five refused without waiting.
    const refused = (await Promise.all(attempts.slice(5))) as unknown[];
    expect(refused.every((e) => e instanceof HashingBusy)).toBe(true);
    while (releases.length) {
      releases.shift()!();
      await new Promise((r) => setImmediate(r));
    }
    expect(await Promise.all(attempts.slice(0, 5))).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(most).toBe(2);
  });

  describe('on the real app', () => {
    jest.setTimeout(60_000);
    let t: TestApp;
    let server: ReturnType<TestApp['app']['getHttpServer']>;
    beforeAll(async () => {
      t = await startTestApp({ demo: true, auth: { throttle: { delayStepMs: 2, maxDelayMs: 10 }, hashing: { concurrent: 2, queued: 3 } } });
      // Listening once: supertest would otherwise open a listener per request of the burst.
      await t.app.listen(0, '127.0.0.1');
      server = t.app.getHttpServer();
    });
    afterAll(() => t.close());
    afterEach(() => jest.restoreAllMocks());

    it('spends one scrypt on an unknown username as on a known one, the first time too', async () => {
      const scrypt = jest.spyOn(crypto, 'scrypt');
      const users = t.app.get(UserDirectory);
      await users.verify('personne-de-connu', 'un mot de passe quelconque');
      const unknown = scrypt.mock.calls.length;
      await users.verify('jferry', 'un mot de passe quelconque');
      const known = scrypt.mock.calls.length - unknown;
      await users.verify('personne-non-plus', 'un mot de passe quelconque');
      expect([unknown, known, scrypt.mock.calls.length - unknown - known]).toEqual([1, 1, 1]);
    });

    it('answers a burst of 50 logins for unknown names with 401 or a French 503 with Retry-After, hashing 5 at most', async () => {
      // scrypt held until released: the burst is all in before any hash ends, however fast the machine.
      const real = crypto.scrypt;
      const held: Array<() => void> = [];
      const scrypt = jest.spyOn(crypto, 'scrypt').mockImplementation(((...args: Parameters<typeof real>) => {
        held.push(() => (real as (...a: unknown[]) => void)(...args));
      }) as typeof real);
      const answers: request.Response[] = [];
      const burst = Array.from({ length: 50 }, (_, i) =>
        request(server)
          .post('/api/login')
          .send({ username: `inconnu${i}`, password: 'un essai au hasard' })
          .then((res) => answers.push(res)),
      );
      // Two hashing, three waiting: the 45 others are answered at once.
      await until(() => answers.length === 45 && held.length === 2);
      expect(answers.map((r) => r.status)).toEqual(Array(45).fill(503));
      for (const res of answers) {
        expect(res.body.code).toBe('LOGIN_BUSY');
        expect(isFrench(res.body.message)).toBe(true);
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      }
      while (answers.length < 50) {
        await until(() => held.length > 0 || answers.length === 50);
        held.shift()?.();
      }
      await Promise.all(burst);
      expect(answers.slice(45).map((r) => r.status)).toEqual([401, 401, 401, 401, 401]);
      expect(scrypt).toHaveBeenCalledTimes(5);
      scrypt.mockRestore();
      // Once the burst is over, the real user is in.
      await request(server).post('/api/login').send({ username: 'jferry', password: 'demo-jules-ferry' }).expect(200);
    });

    it('shows the busy message on the login page, keeping the username', async () => {
      const pool = t.app.get(HashingPool);
      jest.spyOn(pool, 'run').mockRejectedValueOnce(new HashingBusy());
      const browser = request.agent(server);
      const page = await browser.get('/login').expect(200);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
      const res = await browser
        .post('/login')
        .set('Accept', 'text/html')
        .type('form')
        .send(new URLSearchParams({ _csrf: csrf, username: 'jferry', password: 'demo-jules-ferry' }).toString());
      expect(res.status).toBe(503);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(res.text).toContain('value="jferry"');
      expect(res.text).toMatch(/Trop de connexions en même temps/);
    });
  });
});
