import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { AppModule } from '../../src/app.module';
import { DEMO_LOGINS, seedDemoIfEmpty } from '../../src/cli/demo-seed';
import { loadConfig } from '../../src/config';
import { type AuthOptions } from '../../src/http/auth/auth.module';
import { configureHttp } from '../../src/http/http-setup';
import { type Projector } from '../../src/projections/projector';
import { openStores, type Stores } from '../../src/stores';
import { PROJECTOR } from '../../src/tokens';
import { TestClock } from './clock';

export interface TestApp {
  app: NestExpressApplication;
  stores: Stores;
  clock: TestClock;
  dataDir: string;
  /** Logs in and returns an agent that sends the session cookie and the CSRF token. */
  login(username: string, password: string): Promise<Agent>;
  /** Logs in as demo users (src/cli/demo-seed.ts DEMO_LOGINS), by username. */
  loginDemo(...usernames: string[]): Promise<Agent[]>;
  anonymous(): request.Agent;
  close(): Promise<void>;
}

/** The body of a binary answer as a Buffer (supertest buffers only text by default): `.buffer(true).parse(binaryBody)`. */
export function binaryBody(res: request.Response, done: (error: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}

export interface Agent {
  agent: request.Agent;
  csrf: string;
  get(url: string): request.Test;
  post(url: string, body?: object): request.Test;
  put(url: string, body?: object): request.Test;
  delete(url: string): request.Test;
}

const CHEAP_SCRYPT = { N: 1024, r: 8, p: 1 };
/** Cheap scrypt and a lenient throttle: the real parameters are tested in the auth suites. */
const TEST_AUTH: AuthOptions = { scrypt: CHEAP_SCRYPT, throttle: { delayAfter: 1000, blockAfter: 1000 } };

export interface TestAppOptions {
  /** The clock's instant (default 2026-11-27T10:00:00Z). */
  now?: string;
  /** Seed the demo department through the command path (logins of src/cli/demo-seed.ts). */
  demo?: boolean;
  /** An existing DATA_DIR, kept at close (default: a temp one, removed). */
  dataDir?: string;
  /** More environment for loadConfig: SECURE_COOKIES, TRUST_PROXY… */
  env?: Record<string, string>;
  /** Given, the real login throttle with these changes (and cheap scrypt) instead of the lenient one. */
  auth?: AuthOptions;
}

/** The real application (embedded stores in a DATA_DIR, the projector running), in process. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'cahier-test-'));
  const config = loadConfig({ DATA_DIR: dataDir, SESSION_SECRET: 'test-secret', ...options.env } as NodeJS.ProcessEnv);
  const stores = await openStores(config);
  const clock = new TestClock(options.now);
  const auth: AuthOptions = options.auth ? { scrypt: CHEAP_SCRYPT, ...options.auth } : TEST_AUTH;
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot({ config, stores, clock, auth }), {
    logger: false,
    bodyParser: false,
  });
  configureHttp(app);
  await app.init();
  await app.get<Projector>(PROJECTOR).start();
  if (options.demo) {
    await seedDemoIfEmpty(app);
  }
  const server = app.getHttpServer();
  const agentFor = (agent: request.Agent, csrf: string): Agent => ({
    agent,
    csrf,
    get: (url) => agent.get(url),
    post: (url, body) =>
      agent
        .post(url)
        .set('X-CSRF-Token', csrf)
        .send(body ?? {}),
    put: (url, body) =>
      agent
        .put(url)
        .set('X-CSRF-Token', csrf)
        .send(body ?? {}),
    delete: (url) => agent.delete(url).set('X-CSRF-Token', csrf),
  });
  const login = async (username: string, password: string): Promise<Agent> => {
    const agent = request.agent(server);
    const res = await agent.post('/api/login').send({ username, password });
    if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${JSON.stringify(res.body)}`);
    return agentFor(agent, res.body.csrfToken);
  };
  return {
    app,
    stores,
    clock,
    dataDir,
    anonymous: () => request.agent(server),
    login,
    loginDemo: (...usernames) =>
      Promise.all(
        usernames.map((username) => {
          const demo = DEMO_LOGINS.find((l) => l.username === username);
          if (!demo) throw new Error(`no demo login ${username}`);
          return login(username, demo.password);
        }),
      ),
    async close() {
      await app.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
