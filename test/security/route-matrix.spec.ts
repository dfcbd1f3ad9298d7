import type request from 'supertest';
import { UserDirectory } from '../../src/users/user-directory';
import { startTestApp, type TestApp } from '../support/app';
import { CREDENTIAL_IN_URL, DEFAULT_PARAMS, ENDS_SESSION, type Outcome, type Role, ROLES, ROUTE_MATRIX, RULES } from './route-matrix';

interface Caller {
  agent: request.Agent;
  csrf: string;
}

const LOGINS: Record<Exclude<Role, 'anonymous'>, [string, string]> = {
  mandataireOwn: ['jferry', 'demo-jules-ferry'],
  mandataireOther: ['tilleuls', 'demo-les-tilleuls'],
  treasurerOwn: ['tresorier14', 'demo-tresorier14'],
  treasurerOther: ['tresorier61', 'demo-tresorier61'],
  auditorGranted: ['verif14', 'demo-verificateur'],
  auditorNotGranted: ['verif61', 'un vérificateur de l’Orne'],
  admin: ['admin', 'demo-admin-2025'],
};

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The app's routes as Express holds them: "METHOD /path". */
function routesOf(t: TestApp): string[] {
  const express = t.app.getHttpAdapter().getInstance();
  const router = express.router ?? express._router;
  const routes: string[] = [];
  for (const layer of router.stack as Array<{ route?: { path: string; methods: Record<string, boolean> } }>) {
    if (!layer.route) continue;
    for (const method of Object.keys(layer.route.methods)) routes.push(`${method.toUpperCase()} ${layer.route.path}`);
  }
  return routes;
}

function urlOf(path: string, params: Record<string, string> = {}): string {
  return path.replace(/:(\w+)/g, (_, name: string) => {
    const value = params[name] ?? DEFAULT_PARAMS[name];
    if (value === undefined) throw new Error(`no value for :${name} in ${path}: add it to DEFAULT_PARAMS or the route's params`);
    return encodeURIComponent(value);
  });
}

/** What the answer says about access; anything else got past auth and scope. */
function outcomeOf(res: request.Response): Outcome | string {
  if (res.status >= 500) return `${res.status} ${JSON.stringify(res.body)}`;
  if (res.status === 401) return 401;
  if (res.status === 403) return res.body?.code === 'CSRF' ? 'csrf' : 403;
  // The scope's 404 (the same as for a missing coop), not the rules' "this entry does not exist".
  if (res.status === 404 && res.body?.message === 'Ressource introuvable.') return 404;
  return 'ok';
}

describe('access matrix: every route × every role', () => {
  // Every route × 8 roles: minutes when eight people share two cores.
  jest.setTimeout(400_000);
  let t: TestApp;
  let routes: string[];
  const callers = {} as Record<Role, Caller>;

  async function anonymousCaller(): Promise<Caller> {
    const agent = t.anonymous();
    const page = await agent.get('/login').expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
    if (!csrf) throw new Error('no CSRF token in the login page');
    return { agent, csrf };
  }

  async function logEveryoneIn(): Promise<void> {
    callers.anonymous = await anonymousCaller();
    for (const [role, [username, password]] of Object.entries(LOGINS)) {
      const logged = await t.login(username, password);
      callers[role as Role] = { agent: logged.agent, csrf: logged.csrf };
    }
  }

  beforeAll(async () => {
    t = await startTestApp({ demo: true });
    await t.app.get(UserDirectory).create({ username: 'verif61', password: LOGINS.auditorNotGranted[1], role: 'auditor', grants: { departments: ['61'] } });
    routes = routesOf(t);
    await logEveryoneIn();
  });
  afterAll(() => t.close());

  it('finds the routes through Express', () => {
    expect(routes).toContain('GET /api/coops/:coopId/years/:year/grid');
    expect(routes.length).toBeGreaterThan(40);
  });

  it('has an entry for every route (declare a new route in test/security/route-matrix.ts)', () => {
    expect(routes.filter((route) => !ROUTE_MATRIX[route])).toEqual([]);
  });

  it('declares no route the app does not have (a renamed route must be renamed here too)', () => {
    expect(Object.keys(ROUTE_MATRIX).filter((route) => !routes.includes(route))).toEqual([]);
  });

  it('answers each role as the matrix says', async () => {
    const mismatches: string[] = [];
    for (const route of routes) {
      const entry = ROUTE_MATRIX[route];
      if (!entry) continue;
      const [method, path] = route.split(' ');
      const url = urlOf(path, entry.params);
      for (const role of ROLES) {
        const { agent, csrf } = callers[role];
        let req = agent[method.toLowerCase() as 'get'](url).set('Accept', 'application/json');
        if (!SAFE.has(method)) req = req.set('X-CSRF-Token', csrf).send({});
        const got = outcomeOf(await req);
        const expected = RULES[entry.rule][role];
        if (got !== expected) mismatches.push(`${route} as ${role}: expected ${expected}, got ${got}`);
      }
      if (ENDS_SESSION.has(route)) await logEveryoneIn();
    }
    expect(mismatches).toEqual([]);
  });

  it('refuses every state-changing route without the CSRF token (403), even to an admin', async () => {
    const admin = callers.admin.agent;
    const accepted: string[] = [];
    for (const route of routes) {
      const [method, path] = route.split(' ');
      if (
        SAFE.has(method) ||
        route === 'POST /api/login' ||
        route === 'POST /api/login/totp' ||
        route.startsWith('POST /api/password-reset') ||
        CREDENTIAL_IN_URL.has(route)
      )
        continue;
      const url = urlOf(path, ROUTE_MATRIX[route]?.params);
      const res = await admin[method.toLowerCase() as 'post'](url).set('Accept', 'application/json').send({});
      if (res.status !== 403 || res.body.code !== 'CSRF') accepted.push(`${route}: ${res.status}`);
      const forged = await admin[method.toLowerCase() as 'post'](url)
        .set('Accept', 'application/json')
        .set('X-CSRF-Token', callers.mandataireOwn.csrf)
        .send({});
      if (forged.status !== 403 || forged.body.code !== 'CSRF') accepted.push(`${route} with another session's token: ${forged.status}`);
    }
    expect(accepted).toEqual([]);
    await admin.get('/api/session').expect(200);
  });
});
