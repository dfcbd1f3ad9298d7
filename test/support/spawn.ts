import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The CLI and the server as real processes (ts-node, as `npm run cli` runs them), on a temporary
 * DATA_DIR: what an operator runs, including what a SIGKILL does to it. Deadlines are generous:
 * a process takes 2–3 s to start on an idle 2-core machine, several times that on a busy CI.
 */
const ROOT = resolve(__dirname, '..', '..');
const TS_NODE = ['-r', 'ts-node/register/transpile-only'];

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunningProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Settles when the process has exited (never rejects). */
  readonly exited: Promise<Exit>;
  /** Sends the signal and waits for the exit (at once if already gone). */
  kill(signal?: NodeJS.Signals): Promise<Exit>;
}

export interface CliResult extends Exit {
  stdout: string;
  stderr: string;
}

export interface ServerProcess extends RunningProcess {
  port: number;
  baseUrl: string;
}

/** Every process started here, so a failing test leaves none behind (see killAll). */
const running = new Set<RunningProcess>();

export function tempDataDir(prefix = 'cahier-proc-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDataDir(dataDir: string): void {
  rmSync(dataDir, { recursive: true, force: true });
}

/** A port nobody listens on right now (the kernel picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

function start(script: string, args: string[], env: Record<string, string>): RunningProcess {
  const child = spawn(process.execPath, [...TS_NODE, script, ...args], {
    cwd: ROOT,
    // The embedded stores whatever the CI environment says: the tests read DATA_DIR's files.
    env: { ...process.env, EVENT_STORE: 'embedded', READ_STORE: 'embedded', ...env, FORCE_COLOR: '0', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<Exit>((done) => {
    child.once('error', (error) => {
      err += String(error);
      done({ code: null, signal: null });
    });
    // 'close' rather than 'exit': the output pipes are drained too.
    child.once('close', (code, signal) => done({ code, signal }));
  });
  const handle: RunningProcess = {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  running.add(handle);
  void exited.then(() => running.delete(handle));
  return handle;
}

/** Starts `npm run cli -- <args>` without waiting for it (e.g. to kill it half-way). */
export function spawnCli(dataDir: string, args: string[]): RunningProcess {
  return start('src/cli/main.ts', args, { DATA_DIR: dataDir });
}

/** Runs the CLI to its end; a run longer than timeoutMs is killed and reported as such. */
export async function runCli(dataDir: string, args: string[], timeoutMs = 120_000): Promise<CliResult> {
  const cli = spawnCli(dataDir, args);
  const timer = setTimeout(() => void cli.kill('SIGKILL'), timeoutMs);
  const exit = await cli.exited.finally(() => clearTimeout(timer));
  if (exit.signal === 'SIGKILL') throw new Error(`cli ${args.join(' ')}: still running after ${timeoutMs} ms\n${cli.stdout()}\n${cli.stderr()}`);
  return { ...exit, stdout: cli.stdout(), stderr: cli.stderr() };
}

/**
 * Starts the server on DATA_DIR and a free port, and resolves once GET /health answers (any
 * status: a failed projection answers 503 and the server is still up). An empty DATA_DIR seeds
 * the demo first, which the server does before it listens. `env` adds to the embedded default
 * (e.g. EVENT_STORE, READ_STORE and DATABASE_URL for PostgreSQL).
 */
export async function startServer(dataDir: string, timeoutMs = 120_000, env: Record<string, string> = {}): Promise<ServerProcess> {
  const port = await freePort();
  const server = start('src/main.ts', [], { DATA_DIR: dataDir, PORT: String(port), SESSION_SECRET: 'crash-tests', ...env });
  const baseUrl = `http://127.0.0.1:${port}`;
  let gone: Exit | null = null;
  void server.exited.then((exit) => (gone = exit));
  try {
    await waitUntil(`the server on port ${port} to answer /health`, timeoutMs, async () => {
      if (gone) throw new Error(`the server exited (${JSON.stringify(gone)}) before answering:\n${server.stdout()}\n${server.stderr()}`);
      try {
        await fetch(`${baseUrl}/health`);
        return true;
      } catch {
        return undefined;
      }
    });
  } catch (error) {
    await server.kill('SIGKILL');
    throw error;
  }
  return { ...server, port, baseUrl };
}

/**
 * Polls `probe` until it returns something other than undefined, at most every intervalMs, and
 * fails with `what` once the deadline has passed. A probe that throws fails at once.
 */
export async function waitUntil<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((wake) => setTimeout(wake, intervalMs));
  }
}

/** SIGKILLs whatever a test started and left running (call from afterEach/afterAll). */
export async function killAll(): Promise<void> {
  await Promise.all([...running].map((process) => process.kill('SIGKILL')));
}

export interface Session {
  cookie: string;
  csrf: string;
}

/** POST /api/login on a real server: the session cookie and the CSRF token (API.md). */
export async function login(baseUrl: string, username: string, password: string): Promise<Session> {
  const res = await fetch(`${baseUrl}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const body = (await res.json()) as { csrfToken?: string };
  if (res.status !== 200 || !body.csrfToken) throw new Error(`login ${username}: ${res.status} ${JSON.stringify(body)}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { cookie, csrf: body.csrfToken };
}

/** A JSON request with the session's cookie and, for changes, its CSRF token. */
export function call(baseUrl: string, session: Session, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      cookie: session.cookie,
      ...(method === 'GET' ? {} : { 'X-CSRF-Token': session.csrf }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

export interface Health {
  status: string;
  projector?: { active: boolean };
  projections: Array<{ name: string; status: string; position: string | null; lag: number; failedAt?: unknown }>;
}

/** Waits until /health says ok and every projection is running with no lag. */
export function waitForCaughtUp(baseUrl: string, timeoutMs = 60_000): Promise<Health> {
  return waitUntil('every projection to catch up (/health ok, lag 0)', timeoutMs, async () => {
    const health = (await (await fetch(`${baseUrl}/health`)).json()) as Health;
    const caughtUp = health.status === 'ok' && health.projections.length > 0 && health.projections.every((p) => p.status === 'running' && p.lag === 0);
    return caughtUp ? health : undefined;
  });
}
