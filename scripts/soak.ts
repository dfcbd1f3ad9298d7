/**
 * A bounded chaos run on loopback: `npm run soak -- --seconds N` (default 60).
 *
 * Starts the real server (ts-node, a temporary DATA_DIR, a free port), lets several clients do
 * random valid and invalid operations through the JSON API while the server is SIGKILLed and
 * restarted at random moments, then checks what the ledger promises: every acknowledged entry is
 * there exactly once with its last acknowledged content, nothing answered 500, the projections
 * caught up and equal a fold of the log from zero, the hash chains verify. Ends with
 * `N passed, N failed`; exit code 1 if any check failed. Among the invalid operations: amounts
 * above the cap of a line, form-encoded logins; after the run, a burst of 50 concurrent logins.
 *
 * A request cut by a kill is retried with the same Idempotency-Key until it gets an answer, so
 * every command ends acknowledged or refused, never unknown.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '../src/config';
import { type RecordedEvent } from '../src/events/envelope';
import { verifyHistory } from '../src/events/history';
import { upcast } from '../src/events/upcasters';
import { foldInMemory } from '../src/projections/fold';
import { ALL_PROJECTIONS } from '../src/projections';
import { NOTEBOOKS } from '../src/projections/ledger/notebook.projection';
import { openStores } from '../src/stores';

const ROOT = resolve(__dirname, '..');
const START_DEADLINE_MS = 60_000;

// ---- options ----------------------------------------------------------------------------------

function secondsOption(argv: string[]): number {
  const i = argv.indexOf('--seconds');
  if (i === -1) return 60;
  const n = Number(argv[i + 1]);
  if (!Number.isFinite(n) || n <= 0) throw new Error('--seconds attend un nombre positif de secondes');
  return n;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)];
const chance = (p: number) => Math.random() < p;

// ---- the server -------------------------------------------------------------------------------

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => ok(port));
    });
  });
}

class Server {
  private child: ChildProcess | null = null;
  private log = '';
  starts = 0;
  kills = 0;

  constructor(
    readonly port: number,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.starts++;
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
      cwd: ROOT,
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const keep = (chunk: Buffer) => (this.log = (this.log + chunk.toString()).slice(-20_000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const deadline = Date.now() + START_DEADLINE_MS;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`le serveur s'est arrêté au démarrage :\n${this.log}`);
      try {
        const res = await fetch(`${this.baseUrl}/health`);
        if (res.status === 200) return;
      } catch {
        // Not listening yet.
      }
      await sleep(100);
    }
    throw new Error(`le serveur ne répond pas sur /health après ${START_DEADLINE_MS / 1000} s :\n${this.log}`);
  }

  /** Ends the process with the signal and waits for it to be gone. */
  async stop(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
    if (signal === 'SIGKILL') this.kills++;
    child.kill(signal);
    await exited;
  }

  tail(): string {
    return this.log.slice(-2000);
  }
}

// ---- HTTP with retries --------------------------------------------------------------------------

interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the soak client reads any JSON answer
  body: any;
}

interface Stats {
  requests: number;
  retries: number;
  byStatus: Map<number, number>;
  serverErrors: string[];
}

const stats: Stats = { requests: 0, retries: 0, byStatus: new Map(), serverErrors: [] };

class Client {
  private cookie = '';
  private csrf = '';

  constructor(
    private readonly server: Server,
    readonly username: string,
    private readonly password: string,
    private readonly until: () => boolean,
  ) {}

  async login(): Promise<void> {
    const res = await this.send('POST', '/api/login', {
      body: JSON.stringify({ username: this.username, password: this.password }),
      contentType: 'application/json',
    });
    if (res.status !== 200) throw new Error(`connexion de ${this.username} refusée : ${res.status} ${JSON.stringify(res.body)}`);
    this.csrf = res.body.csrfToken;
  }

  json(method: string, path: string, body?: unknown, key?: string): Promise<Answer> {
    return this.send(method, path, { body: body === undefined ? undefined : JSON.stringify(body), contentType: 'application/json', key });
  }

  raw(method: string, path: string, body: string, contentType: string): Promise<Answer> {
    return this.send(method, path, { body, contentType });
  }

  /**
   * Sends until an answer comes: a connection cut by a kill is retried (same Idempotency-Key), a
   * lost session logs in again. Gives up with status 0 only when the run is over.
   */
  private async send(method: string, path: string, options: { body?: string; contentType?: string; key?: string }): Promise<Answer> {
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) stats.retries++;
      let res: Response;
      try {
        const headers: Record<string, string> = { Accept: 'application/json' };
        if (this.cookie) headers.Cookie = this.cookie;
        if (method !== 'GET') headers['X-CSRF-Token'] = this.csrf;
        if (options.contentType && options.body !== undefined) headers['Content-Type'] = options.contentType;
        if (options.key) headers['Idempotency-Key'] = options.key;
        res = await fetch(`${this.server.baseUrl}${path}`, { method, headers, body: options.body, signal: AbortSignal.timeout(15_000) });
      } catch {
        if (this.until() && attempt > 50) return { status: 0, body: null };
        await sleep(100 + Math.random() * 200);
        continue;
      }
      stats.requests++;
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith('cahier.sid='));
      if (cookie) this.cookie = cookie.split(';')[0];
      const text = await res.text().catch(() => '');
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as Answer.body
      let body: any = text;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        // Not JSON (CSV, PDF): kept as text.
      }
      stats.byStatus.set(res.status, (stats.byStatus.get(res.status) ?? 0) + 1);
      if (res.status >= 500) {
        // A 503 while the stores reopen is an outage answer, not a crash; anything else is a bug.
        if (res.status !== 503) stats.serverErrors.push(`${method} ${path} → ${res.status} ${text.slice(0, 300)}`);
        await sleep(200);
        continue;
      }
      if (res.status === 401 && path !== '/api/login') {
        await this.login();
        continue;
      }
      return { status: res.status, body };
    }
  }
}

// ---- the model: what was acknowledged ----------------------------------------------------------

interface Line {
  account: string;
  debit?: number;
  credit?: number;
}

interface EntryBody {
  pj: string;
  date: string;
  label: string;
  chequeNo: string | null;
  actionA: string | null;
  actionB: string | null;
  lines: Line[];
}

interface Acknowledged {
  coopId: string;
  entryId: string;
  revision: number;
  content: EntryBody;
  deleted: boolean;
}

const acknowledged = new Map<string, Acknowledged>();
const unexpected: string[] = [];

function expectStatus(what: string, res: Answer, allowed: number[]): boolean {
  if (res.status === 0 || allowed.includes(res.status)) return allowed.includes(res.status);
  unexpected.push(`${what}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  return false;
}

const EXPENSES = ['6181', '6070', '6168', '6586'];
const PRODUCTS = ['7070', '7560', '7410'];

function randomEntry(pj: string, dates: string[]): EntryBody {
  const amount = 100 + Math.floor(Math.random() * 50_000);
  const money = chance(0.8) ? '512' : '530';
  const expense = chance(0.6);
  const other = expense ? pick(EXPENSES) : pick(PRODUCTS);
  return {
    pj,
    date: pick(dates),
    label: `${expense ? 'Facture' : 'Recette'} soak ${pj} – ${pick(['albums', 'sortie', 'photos', 'kermesse', 'goûter'])}`,
    chequeNo: money === '512' && expense && chance(0.5) ? String(1_570_000 + Math.floor(Math.random() * 9999)) : null,
    actionA: chance(0.3) ? pick(['Photos', 'Kermesse', 'Sortie']) : null,
    actionB: null,
    lines: expense
      ? [
          { account: other, debit: amount },
          { account: money, credit: amount },
        ]
      : [
          { account: money, debit: amount },
          { account: other, credit: amount },
        ],
  };
}

/** The entry with each of its lines above the cap. */
const oversized = (entry: EntryBody): EntryBody => ({
  ...entry,
  lines: entry.lines.map((l) => (l.debit ? { ...l, debit: 100_000_001 } : { ...l, credit: 100_000_001 })),
});

/** One client's random walk over its coop's current year. */
async function runClient(client: Client, coopId: string, year: number, dates: string[], tag: string, isOver: () => boolean): Promise<void> {
  const base = `/api/coops/${coopId}/years/${year}`;
  const mine: Acknowledged[] = [];
  /** Entries acknowledged under a key, with the request and its answer: their keys are reused below. */
  const keyed: Array<{ key: string; content: EntryBody; answer: unknown }> = [];
  let n = 0;
  const live = () => mine.filter((e) => !e.deleted);
  while (!isOver()) {
    const roll = Math.random();
    const key = `soak-${randomUUID()}`;
    if (roll < 0.35 || live().length === 0) {
      const content = randomEntry(`S${tag}-${++n}`, dates);
      const res = await client.json('POST', `${base}/entries`, content, key);
      if (expectStatus('enregistrement', res, [201])) {
        const entry = { coopId, entryId: res.body.entryId, revision: res.body.revision, content, deleted: false };
        acknowledged.set(entry.entryId, entry);
        mine.push(entry);
        keyed.push({ key, content, answer: res.body });
      }
    } else if (roll < 0.5) {
      const entry = pick(live());
      const content = { ...randomEntry(entry.content.pj, dates), pj: entry.content.pj };
      const res = await client.json('PUT', `${base}/entries/${entry.entryId}`, { ...content, expectedRevision: entry.revision }, key);
      if (expectStatus('modification', res, [200])) {
        entry.content = content;
        entry.revision = res.body.revision;
      }
    } else if (roll < 0.57) {
      const entry = pick(live());
      const res = await client.json('DELETE', `${base}/entries/${entry.entryId}?expectedRevision=${entry.revision}`, undefined, key);
      // A reconciled entry is not deleted (409 ENTRY_RECONCILED): it stays live.
      if (expectStatus('suppression', res, [204, 409]) && res.status === 204) entry.deleted = true;
      if (res.status === 409 && res.body.code !== 'ENTRY_RECONCILED') unexpected.push(`suppression : code ${res.body.code}`);
    } else if (roll < 0.65) {
      // A stale amendment: 409, nothing changes.
      const entry = live().find((e) => e.revision >= 2);
      if (!entry) continue;
      const res = await client.json(
        'PUT',
        `${base}/entries/${entry.entryId}`,
        { ...randomEntry(entry.content.pj, dates), expectedRevision: entry.revision - 1 },
        key,
      );
      expectStatus('modification périmée', res, [409]);
    } else if (roll < 0.72) {
      // A PJ already used (one of ours: no other client deletes it meanwhile): 400 PJ_DUPLICATE.
      const taken = pick(live());
      if (!taken) continue;
      const res = await client.json('POST', `${base}/entries`, randomEntry(taken.content.pj, dates), key);
      if (expectStatus('PJ en double', res, [400]) && res.body.code !== 'PJ_DUPLICATE') unexpected.push(`PJ en double : code ${res.body.code}`);
    } else if (roll < 0.8) {
      const entry = pick(live());
      const res = await client.json('POST', `${base}/entries/${entry.entryId}/reconciliation`, { statementDate: pick(dates) }, key);
      expectStatus('pointage', res, [200, 400, 409]);
    } else if (roll < 0.86) {
      const res = await client.json(
        'POST',
        `${base}/cash-counts`,
        { date: pick(dates), counts: { '2000': Math.floor(Math.random() * 5), '100': Math.floor(Math.random() * 20) } },
        key,
      );
      expectStatus('comptage de caisse', res, [201]);
    } else if (roll < 0.93) {
      const bad = pick<[string, string, string, string?]>([
        ['POST', `${base}/entries`, '{"pj":'],
        ['POST', `${base}/entries`, JSON.stringify({ pj: `X${n}`, date: '31/02/2026', label: 'x', lines: [{ account: '512', debit: 'beaucoup' }] })],
        ['PUT', `${base}/entries/absente`, JSON.stringify(randomEntry('Z', dates))],
        ['POST', `${base}/cash-counts`, JSON.stringify({ date: dates[0], counts: { '3': 1 } })],
        // Above the cap of a line (1 000 000,00 €): AMOUNT_INVALID, so no sum of the year overflows.
        ['POST', `${base}/entries`, JSON.stringify(oversized(randomEntry(`X${n}`, dates)))],
        // A login as a cross-site form would send it: 415, JSON only.
        ['POST', '/api/login', `username=${client.username}&password=x`, 'application/x-www-form-urlencoded'],
      ]);
      const res = await client.raw(bad[0], bad[1], bad[2], bad[3] ?? 'application/json');
      expectStatus('requête invalide', res, bad[3] ? [415] : [400, 404]);
    } else if (roll < 0.96 && keyed.length > 0) {
      // A reused Idempotency-Key: another entry or a deletion under it is refused (422) and changes
      // nothing; the same request again answers as the first did.
      const first = pick(keyed);
      const other = await client.json('POST', `${base}/entries`, randomEntry(`S${tag}-${++n}`, dates), first.key);
      expectStatus('clé réutilisée pour une autre écriture', other, [422]);
      const victim = live().length ? pick(live()) : null;
      if (victim) {
        const res = await client.json('DELETE', `${base}/entries/${victim.entryId}?expectedRevision=${victim.revision}`, undefined, first.key);
        expectStatus('clé réutilisée pour une suppression', res, [422]);
      }
      const again = await client.json('POST', `${base}/entries`, first.content, first.key);
      if (expectStatus('même requête sous la même clé', again, [201]) && canonical(again.body) !== canonical(first.answer)) {
        unexpected.push(`même requête sous la même clé : ${JSON.stringify(again.body)} au lieu de ${JSON.stringify(first.answer)}`);
      }
    } else {
      const res = await client.json('GET', `${base}/grid`);
      expectStatus('lecture du cahier', res, [200]);
    }
  }
}

// ---- checks -------------------------------------------------------------------------------------

interface Check {
  name: string;
  ok: boolean;
  detail?: string;
}

/** JSON with object keys sorted: two documents compare whatever order their fields were set in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

async function checkLedgers(admin: Client, years: Map<string, number>): Promise<Check[]> {
  const checks: Check[] = [];
  const problems: string[] = [];
  for (const [coopId, year] of years) {
    const grid = await admin.json('GET', `/api/coops/${coopId}/years/${year}/grid`);
    if (grid.status !== 200) {
      problems.push(`${coopId} : lecture du cahier ${grid.status}`);
      continue;
    }
    const rows = grid.body.rows as Array<EntryBody & { entryId: string }>;
    const count = new Map<string, number>();
    for (const row of rows) count.set(row.entryId, (count.get(row.entryId) ?? 0) + 1);
    for (const entry of [...acknowledged.values()].filter((e) => e.coopId === coopId)) {
      const seen = count.get(entry.entryId) ?? 0;
      if (entry.deleted) {
        if (seen !== 0) problems.push(`${entry.entryId} supprimée mais encore présente`);
        continue;
      }
      if (seen !== 1) {
        problems.push(`${entry.entryId} (PJ ${entry.content.pj}) présente ${seen} fois`);
        continue;
      }
      const row = rows.find((r) => r.entryId === entry.entryId)!;
      const got = { pj: row.pj, date: row.date, label: row.label, chequeNo: row.chequeNo, actionA: row.actionA, actionB: row.actionB, lines: row.lines };
      if (canonical(got) !== canonical(entry.content)) problems.push(`${entry.entryId} : contenu ${canonical(got)} au lieu de ${canonical(entry.content)}`);
    }
    const unknown = rows.filter((r) => r.pj.startsWith('S') && !acknowledged.has(r.entryId));
    for (const row of unknown) problems.push(`${row.entryId} (PJ ${row.pj}) présente sans avoir été acquittée`);
    const pjs = rows.map((r) => r.pj);
    if (new Set(pjs).size !== pjs.length) problems.push(`${coopId} : un n° de PJ apparaît deux fois`);
  }
  checks.push({
    name: `chaque écriture acquittée est présente une fois, dans son dernier état (${acknowledged.size} écritures)`,
    ok: problems.length === 0,
    detail: problems.slice(0, 10).join('\n'),
  });
  return checks;
}

/**
 * 50 logins at once, as a flood would send them (half for an unknown name): each answers 200,
 * 401, 429 (the throttle counts attempts in flight) or 503 with Retry-After (hashing at
 * capacity), never a 500 nor a hang; and the next login goes through.
 */
async function checkLoginBurst(server: Server): Promise<Check> {
  const name = 'une rafale de 50 connexions simultanées reçoit 200, 401, 429 ou 503 avec Retry-After, puis la connexion passe';
  const login = (username: string, password: string) =>
    fetch(`${server.baseUrl}/api/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ username, password }),
      signal: AbortSignal.timeout(60_000),
    });
  const problems: string[] = [];
  const statuses = new Map<number, number>();
  const answers = await Promise.allSettled(
    Array.from({ length: 50 }, (_, i) => (i % 2 ? login(`inconnu-${i}`, 'une rafale de connexions') : login('jferry', 'demo-jules-ferry'))),
  );
  for (const answer of answers) {
    if (answer.status === 'rejected') {
      problems.push(`pas de réponse : ${String(answer.reason)}`);
      continue;
    }
    const { status, headers } = answer.value;
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    if (![200, 401, 429, 503].includes(status)) problems.push(`réponse ${status}`);
    if ((status === 503 || status === 429) && !(Number(headers.get('retry-after')) > 0)) problems.push(`${status} sans Retry-After`);
  }
  let after = 0;
  for (let tries = 0; tries < 20 && after !== 200; tries++) {
    const res = await login('tilleuls', 'demo-les-tilleuls');
    after = res.status;
    if (after !== 200) await sleep(1000 * Math.min(5, Number(res.headers.get('retry-after')) || 1));
  }
  if (after !== 200) problems.push(`la connexion suivante répond ${after}`);
  const detail = `${[...statuses].map(([s, n]) => `${s}×${n}`).join(' ')}${problems.length ? '\n' + problems.slice(0, 10).join('\n') : ''}`;
  return { name, ok: problems.length === 0, detail };
}

async function checkHealth(admin: Client): Promise<Check> {
  const deadline = Date.now() + 30_000;
  let last: Answer = { status: 0, body: null };
  while (Date.now() < deadline) {
    last = await admin.json('GET', '/health');
    const projections = (last.body?.projections ?? []) as Array<{ status: string; lag: number }>;
    if (last.status === 200 && projections.length > 0 && projections.every((p) => p.status === 'running' && p.lag === 0))
      return { name: 'les projections ont rattrapé le journal (/health)', ok: true };
    await sleep(250);
  }
  return { name: 'les projections ont rattrapé le journal (/health)', ok: false, detail: JSON.stringify(last.body) };
}

/** With the server stopped: the read models equal a fold from zero, and the hash chains verify. */
async function checkStores(env: NodeJS.ProcessEnv): Promise<Check[]> {
  const stores = await openStores(loadConfig(env));
  try {
    const events: RecordedEvent[] = [];
    for await (const event of stores.eventStore.readAll()) events.push(event);
    const folded = foldInMemory(ALL_PROJECTIONS, events, { upcast }).get(NOTEBOOKS) ?? new Map();
    const stored = await stores.readStore.find(NOTEBOOKS);
    const storedById = new Map(
      stored.map((doc) => [String((doc as { coopId: string; year: number }).coopId) + ':' + String((doc as { year: number }).year), doc]),
    );
    const differences: string[] = [];
    for (const [id, doc] of folded) {
      const other = storedById.get(id);
      if (!other) differences.push(`${id} absent des projections`);
      else if (canonical(other) !== canonical(doc)) differences.push(`${id} diffère du repli des événements`);
    }
    if (stored.length !== folded.size) differences.push(`${stored.length} cahiers projetés pour ${folded.size} repliés`);
    const history = await verifyHistory(stores.eventStore);
    return [
      {
        name: `les cahiers projetés égalent le repli en mémoire des ${events.length} événements`,
        ok: differences.length === 0,
        detail: differences.slice(0, 10).join('\n'),
      },
      {
        name: `les chaînes de hachage sont intactes (${history.streams} flux)`,
        ok: history.ok,
        detail: history.firstBadEvent ? JSON.stringify(history.firstBadEvent) : undefined,
      },
    ];
  } finally {
    await Promise.allSettled([stores.eventStore.close(), stores.readStore.close()]);
  }
}

// ---- the run ------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const seconds = secondsOption(process.argv.slice(2));
  const dataDir = mkdtempSync(join(tmpdir(), 'cahier-soak-'));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(port),
    SESSION_SECRET: 'soak-secret',
    EVENT_STORE: 'embedded',
    READ_STORE: 'embedded',
  };
  const server = new Server(port, env);
  const checks: Check[] = [];
  try {
    await server.start();
    let over = false;
    const isOver = () => over;
    const admin = new Client(server, 'admin', 'demo-admin-2025', isOver);
    await admin.login();
    const years = new Map<string, number>();
    for (const coopId of ['C14001', 'C14002']) {
      const res = await admin.json('GET', `/api/coops/${coopId}/years`);
      const list = (Array.isArray(res.body) ? res.body : res.body.years) as Array<{ year: number } | number>;
      years.set(coopId, Math.max(...list.map((y) => (typeof y === 'number' ? y : y.year))));
    }
    const today = new Date().toISOString().slice(0, 10);
    const datesOf = (year: number) => {
      const dates: string[] = [];
      for (
        let d = new Date(`${year}-09-01T00:00:00Z`);
        d.toISOString().slice(0, 10) <= today && d.getUTCFullYear() <= year + 1;
        d.setUTCDate(d.getUTCDate() + 3)
      )
        dates.push(d.toISOString().slice(0, 10));
      return dates.length ? dates : [`${year}-09-01`];
    };
    const team: Array<[string, string, string]> = [
      ['jferry', 'demo-jules-ferry', 'C14001'],
      ['jferry', 'demo-jules-ferry', 'C14001'],
      ['admin', 'demo-admin-2025', 'C14001'],
      ['tilleuls', 'demo-les-tilleuls', 'C14002'],
      ['tilleuls', 'demo-les-tilleuls', 'C14002'],
      ['admin', 'demo-admin-2025', 'C14002'],
    ];
    const started = Date.now();
    const deadline = started + seconds * 1000;
    const clients = team.map(async ([username, password, coopId], i) => {
      const client = new Client(server, username, password, isOver);
      await client.login();
      await runClient(client, coopId, years.get(coopId)!, datesOf(years.get(coopId)!), `${i}`, () => Date.now() >= deadline);
    });
    // The chaos: SIGKILL at a random moment, restart at once, until a second before the end.
    const chaos = (async () => {
      for (;;) {
        await sleep(1000 + Math.random() * 4000);
        if (Date.now() >= deadline - 1000) return;
        await server.stop('SIGKILL');
        await server.start();
      }
    })();
    await Promise.all([...clients, chaos]);
    over = true;
    checks.push({ name: 'aucune réponse 500', ok: stats.serverErrors.length === 0, detail: stats.serverErrors.slice(0, 5).join('\n') });
    checks.push({
      name: 'chaque opération a reçu la réponse attendue (201/200/204/400/404/409/422)',
      ok: unexpected.length === 0,
      detail: unexpected.slice(0, 10).join('\n'),
    });
    checks.push(...(await checkLedgers(admin, years)));
    checks.push(await checkLoginBurst(server));
    checks.push(await checkHealth(admin));
    await server.stop('SIGTERM');
    checks.push(...(await checkStores(env)));
    const byStatus = [...stats.byStatus.entries()]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s}×${n}`)
      .join(' ');
    console.log(
      `${seconds} s, ${server.kills} arrêt(s) brutal(aux), ${stats.requests} requêtes (${byStatus}), ${stats.retries} reprises, ${acknowledged.size} écritures acquittées`,
    );
  } catch (error) {
    checks.push({ name: 'la campagne est allée à son terme', ok: false, detail: `${error instanceof Error ? error.stack : String(error)}\n${server.tail()}` });
  } finally {
    await server.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
  for (const check of checks) {
    console.log(`${check.ok ? 'ok  ' : 'ÉCHEC'} ${check.name}`);
    if (!check.ok && check.detail) console.log(check.detail.replace(/^/gm, '      '));
  }
  const failed = checks.filter((c) => !c.ok).length;
  console.log(`${checks.length - failed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
