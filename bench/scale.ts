/**
 * The scale benchmark (issue 17): `npm run bench -- --departments N`.
 *
 * Departments of the realistic mix are generated through the command path, each by a process of
 * its own (as many at a time as the machine has cores, `--jobs` to change it), into its own log
 * under bench/.work/scale/ — resumable: a department is kept once finished, an unfinished one is
 * generated again. A run for N departments concatenates the first N logs (the hash chains are per
 * stream and do not depend on positions), rebuilds every projection from zero with the CLI's
 * `projections:rebuild`, starts the built server and measures the growth figures next to their
 * limits, then writes the run into bench/results.scale.json (one run per N, the latest kept).
 * `--generate-only` builds the departments and stops; `--measure-only` uses what is built;
 * `--interleave 1,10` takes the per-request figures of measured N side by side (see interleaved);
 * `--rebuild-side-by-side 1,10` their rebuild rates over the same minutes.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import Database from 'better-sqlite3';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { AppModule } from '../src/app.module';
import { loadConfig } from '../src/config';
import { SqliteEventStore } from '../src/events/sqlite-event-store';
import { openStores } from '../src/stores';
import { UserDirectory } from '../src/users/user-directory';
import { machine } from './figures';
import { BenchClock, departmentPlan, generateDepartment } from './generate';
import { BenchClient, load, median, percentile } from './http';

const ROOT = resolve(__dirname, '..');
/** BENCH_SCALE_COOPS: smaller departments for a smoke test (own work folder, results not written). */
const COOPS = Number(process.env.BENCH_SCALE_COOPS ?? 500);
const SMOKE = COOPS !== 500;
/** BENCH_SCALE_WORK: the work folder elsewhere (a generation running from a snapshot of the code). */
const WORK = process.env.BENCH_SCALE_WORK ?? join(ROOT, 'bench', '.work', SMOKE ? `scale-${COOPS}` : 'scale');
const RESULTS = join(ROOT, 'bench', SMOKE ? '.work/results.scale-smoke.json' : 'results.scale.json');
const ADMIN = { username: 'bench-admin', password: 'bench-admin-password-2026' };
/** The same department mix as `npm run bench`: 500 coops, a busy one, a ten-year one. */
const SIZE = { coops: COOPS, minEntries: 40, maxEntries: 500, generators: 24 };
/** Department codes, in the order departments are added (Normandy first, as the bench's 14). */
const CODES = ['14', '27', '50', '61', '76', '35', '22', '29', '56', '44', '49', '53', '72', '85', '79', '86', '37', '41', '45', '28'];
const READS = { warmUp: 1000, requests: 600, connections: 10 };
const HISTORY_READS = { warmUp: 100, requests: 200, connections: 4 };

const codeOf = (index: number): string => CODES[index] ?? String(100 + index);
const departmentDir = (code: string): string => join(WORK, `department-${code}`);
const log = (message: string): void => console.log(`[scale ${(performance.now() / 1000).toFixed(1)}s] ${message}`);

interface Schedule {
  today: string;
  currentYear: number;
}

interface DepartmentDone {
  department: string;
  coops: number;
  commands: number;
  entries: number;
  events: number;
  generation_s: number;
}

/** One row of the growth table, in the issue's shape. */
export interface ScaleRun {
  departments: number;
  coops: number;
  events: number;
  disk_bytes_per_event: number;
  generation_s: number;
  rebuild_events_per_s: number;
  startup_ms: number;
  rss_peak_mb: number | null;
  rss_steady_mb: number | null;
  grid_p95_ms: number | null;
  board_p95_ms: number | null;
  aggregate_p95_ms: number | null;
  history_p95_ms: number | null;
  verify_ms: number | null;
  timetravel_ms: number | null;
}

/** The day every department is generated for: fixed in the work folder, so resumed work agrees. */
function schedule(): Schedule {
  const file = join(WORK, 'schedule.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Schedule;
  const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Paris' }).format(new Date());
  const currentYear = Number(today.slice(5, 7)) >= 9 ? Number(today.slice(0, 4)) : Number(today.slice(0, 4)) - 1;
  mkdirSync(WORK, { recursive: true });
  writeFileSync(file, JSON.stringify({ today, currentYear }));
  return { today, currentYear };
}

const doneOf = (code: string): DepartmentDone | null => {
  const file = join(departmentDir(code), 'done.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as DepartmentDone) : null;
};

/** Child mode: one department through the command path, progress as JSON lines on stdout. */
async function generateOne(code: string): Promise<void> {
  const { today, currentYear } = schedule();
  const dir = departmentDir(code);
  rmSync(dir, { recursive: true, force: true });
  const config = loadConfig({ DATA_DIR: join(dir, 'data'), SESSION_SECRET: 'bench-secret' } as NodeJS.ProcessEnv);
  const stores = await openStores(config);
  const clock = new BenchClock(new Date(`${today}T12:00:00Z`));
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot({ config, stores, clock }), { logger: ['error', 'warn'], bodyParser: false });
  await app.init();
  const plan = departmentPlan(code, today, currentYear, SIZE);
  const generated = await generateDepartment(app, clock, plan, SIZE.generators, (done, total) => console.log(JSON.stringify({ done, total })));
  const events = Number((await stores.eventStore.headPosition()) ?? 0n);
  await app.close();
  const done: DepartmentDone = {
    department: code,
    coops: plan.coops.length,
    commands: generated.commands,
    entries: generated.entries,
    events,
    generation_s: Math.round(generated.ms / 100) / 10,
  };
  // Written last: a department without it is generated again.
  writeFileSync(join(dir, 'done.json'), JSON.stringify(done));
}

/** Generates the first `count` departments not yet built, `jobs` processes at a time, with a progress bar. */
async function generate(count: number, jobs: number): Promise<void> {
  schedule();
  const codes = Array.from({ length: count }, (_, i) => codeOf(i)).filter((code) => !doneOf(code));
  if (codes.length === 0) return;
  log(`generating ${codes.length} department(s) (${codes.join(', ')}), ${jobs} at a time; work folder ${WORK}`);
  const progress = new Map<string, number>(codes.map((code) => [code, 0]));
  const started = performance.now();
  let lastLine = 0;
  const draw = (final = false): void => {
    const coops = [...progress.values()].reduce((a, b) => a + b, 0);
    const total = codes.length * SIZE.coops;
    const elapsed = (performance.now() - started) / 1000;
    const eta = coops > 0 ? Math.round((elapsed * (total - coops)) / coops) : null;
    const width = 30;
    const filled = Math.round((coops / total) * width);
    const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${coops}/${total} coops, ${Math.round(elapsed)} s${eta === null ? '' : `, ~${eta} s left`}, load ${loadavg()[0].toFixed(1)}`;
    if (process.stdout.isTTY) process.stdout.write(`\r${line}${final ? '\n' : ''}`);
    else if (final || performance.now() - lastLine > 15_000) {
      lastLine = performance.now();
      console.log(line);
    }
  };
  const queue = [...codes];
  const worker = async (): Promise<void> => {
    for (let code = queue.shift(); code; code = queue.shift()) {
      const current = code;
      const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(__dirname, 'scale.ts'), '--generate-department', current], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      createInterface({ input: child.stdout! }).on('line', (line) => {
        try {
          progress.set(current, (JSON.parse(line) as { done: number }).done);
          draw();
        } catch {
          console.log(line);
        }
      });
      const status = await new Promise<number | null>((done) => child.once('exit', done));
      if (status !== 0 || !doneOf(current)) throw new Error(`department ${current}: the generating process exited with ${status}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, codes.length) }, worker));
  draw(true);
}

/** The first `count` departments' logs in one file (kept: measured many times). */
async function merged(count: number): Promise<{ dir: string; events: number }> {
  const dir = join(WORK, `merged-${count}`);
  const marker = join(dir, 'merged.json');
  if (existsSync(marker)) return { dir, ...(JSON.parse(readFileSync(marker, 'utf8')) as { events: number }) };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'data'), { recursive: true });
  const file = join(dir, 'data', 'events.sqlite');
  const partial = `${file}.partial`;
  // The schema as the event store makes it, then each department's rows in its own order.
  await new SqliteEventStore(partial).close();
  const db = new Database(partial);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  for (let i = 0; i < count; i++) {
    const source = join(departmentDir(codeOf(i)), 'data', 'events.sqlite');
    log(`  merging department ${codeOf(i)}`);
    db.prepare('ATTACH ? AS department').run(source);
    db.exec(
      'INSERT INTO events (id, stream, revision, type, data, metadata) SELECT id, stream, revision, type, data, metadata FROM department.events ORDER BY position',
    );
    db.exec('DETACH department');
  }
  const events = Number((db.prepare('SELECT max(position) AS head FROM events').get() as { head: number }).head);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  renameSync(partial, file);
  rmSync(`${partial}-wal`, { force: true });
  rmSync(`${partial}-shm`, { force: true });
  writeFileSync(marker, JSON.stringify({ events }));
  return { dir, events };
}

/** Measures one N: rebuild, start-up, reads, memory. */
async function measure(count: number): Promise<ScaleRun> {
  const { currentYear } = schedule();
  const done = Array.from({ length: count }, (_, i) => doneOf(codeOf(i))!);
  log(`N = ${count}: merging ${count} department log(s)`);
  const { dir, events } = await merged(count);
  const dataDir = join(dir, 'data');
  const env = { ...process.env, DATA_DIR: dataDir, SESSION_SECRET: 'bench-secret' };
  const diskBytes = statSync(join(dataDir, 'events.sqlite')).size;

  // Rebuild from zero, as an operator runs it (its own process: its memory is its own).
  for (const name of ['read.sqlite', 'read.sqlite-wal', 'read.sqlite-shm']) rmSync(join(dataDir, name), { force: true });
  log(`N = ${count}: projections:rebuild of ${events} events`);
  const rebuildStarted = performance.now();
  const rebuild = spawn(process.execPath, [join(ROOT, 'dist', 'cli', 'main.js'), 'projections:rebuild'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let rebuildPeak: number | null = null;
  const sampler = setInterval(() => (rebuildPeak = memoryOf(rebuild, 'VmHWM') ?? rebuildPeak), 500);
  const rebuildStatus = await new Promise<number | null>((exit) => rebuild.once('exit', exit));
  clearInterval(sampler);
  if (rebuildStatus !== 0) throw new Error(`projections:rebuild exited with ${rebuildStatus}`);
  const rebuildSeconds = (performance.now() - rebuildStarted) / 1000;
  log(`  rebuilt in ${rebuildSeconds.toFixed(1)} s (${Math.round(events / rebuildSeconds)} events/s), peak RSS ${Math.round(rebuildPeak ?? 0)} MB`);
  await createAdmin(dataDir);

  const port = 40000 + Math.floor(Math.random() * 2000);
  const serverLog = openSync(join(dir, 'server.log'), 'w');
  const spawnedAt = performance.now();
  const server = spawn(process.execPath, [join(ROOT, 'dist', 'main.js')], {
    cwd: ROOT,
    env: { ...env, PORT: String(port) },
    stdio: ['ignore', serverLog, serverLog],
  });
  try {
    const client = new BenchClient(port, READS.connections);
    await waitServing(client, server, dir);
    const startupMs = performance.now() - spawnedAt;
    await client.login(ADMIN.username, ADMIN.password);
    const collectGarbage = (): void => (globalThis as { gc?: () => void }).gc?.();
    const first = codeOf(0);
    const p95 = async (path: string, shape = READS): Promise<number | null> => {
      const probe = await client.send('GET', path);
      if (probe.status !== 200) {
        log(`  GET ${path} answered ${probe.status}`);
        return null;
      }
      await load(shape.connections, shape.warmUp, () => client.send('GET', path));
      collectGarbage();
      const result = await load(shape.connections, shape.requests, () => client.send('GET', path));
      const value = percentile(result.latencies, 95);
      log(
        `  ${path}: p95 ${value.toFixed(1)} ms, median ${median(result.latencies).toFixed(1)} ms, ${Math.round(result.perSecond)}/s, load ${loadavg()[0].toFixed(1)}`,
      );
      return value;
    };
    const grid = await p95(`/api/coops/C${first}BUSY/years/${currentYear}/grid`);
    const board = await p95(`/api/departments/${first}/coops?year=${currentYear}`);
    const aggregate = await p95(`/api/departments/${first}/years/${currentYear}/totals`);
    // A typical coop (two years of the mix) for the auditor's history: its events, not the log's.
    const history = await p95(`/api/coops/C${first}0002/history`, HISTORY_READS);
    const medianOf = async (path: string, times: number): Promise<number | null> => {
      const ms: number[] = [];
      for (let i = 0; i < times; i++) {
        const reply = await client.send('GET', path);
        if (reply.status !== 200) return null;
        ms.push(reply.ms);
      }
      return median(ms);
    };
    // The ten-year coop: the largest chain to verify and the deepest past to travel to.
    const verify = await medianOf(`/api/coops/C${first}TEN/verify`, 5);
    const asOf = `${currentYear}-03-01T00:00:00Z`;
    const timetravel = await medianOf(`/api/coops/C${first}TEN/years/${currentYear - 1}/grid?asOf=${encodeURIComponent(asOf)}`, 5);
    client.close();
    const run: ScaleRun = {
      departments: count,
      coops: done.reduce((n, d) => n + d.coops, 0),
      events,
      disk_bytes_per_event: Math.round(diskBytes / events),
      generation_s: Math.round(done.reduce((s, d) => s + d.generation_s, 0) * 10) / 10,
      rebuild_events_per_s: Math.round(events / rebuildSeconds),
      startup_ms: Math.round(startupMs),
      rss_peak_mb: round(memoryOf(server, 'VmHWM')),
      rss_steady_mb: round(memoryOf(server, 'VmRSS')),
      grid_p95_ms: round(grid),
      board_p95_ms: round(board),
      aggregate_p95_ms: round(aggregate),
      history_p95_ms: round(history),
      verify_ms: round(verify),
      timetravel_ms: round(timetravel),
    };
    log(`N = ${count}: ${JSON.stringify(run)}; rebuild peak RSS ${Math.round(rebuildPeak ?? 0)} MB`);
    return run;
  } finally {
    server.kill('SIGTERM');
    await new Promise((exit) => server.once('exit', exit));
    closeSync(serverLog);
  }
}

const round = (value: number | null): number | null => (value === null ? null : Math.round(value * 10) / 10);

async function createAdmin(dataDir: string): Promise<void> {
  const config = loadConfig({ DATA_DIR: dataDir, SESSION_SECRET: 'bench-secret' } as NodeJS.ProcessEnv);
  const stores = await openStores(config);
  try {
    const users = new UserDirectory(stores.readStore);
    if (!(await users.get(ADMIN.username))) await users.create({ ...ADMIN, role: 'admin', skipPolicy: true });
  } finally {
    await Promise.allSettled([stores.eventStore.close(), stores.readStore.close()]);
  }
}

async function waitServing(client: BenchClient, server: ChildProcess, dir: string): Promise<void> {
  const deadline = performance.now() + 120_000;
  while (performance.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the server exited (${server.exitCode}): see ${join(dir, 'server.log')}`);
    try {
      if ((await client.send('GET', '/health')).status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('the server did not answer /health within 120 s');
}

/** A line of /proc/<pid>/status in MB (Linux): VmHWM the peak resident set, VmRSS the current one. */
function memoryOf(child: ChildProcess, field: 'VmHWM' | 'VmRSS'): number | null {
  try {
    const kb = new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : null;
  } catch {
    return null;
  }
}

/**
 * The per-request figures of several N with the machine's noise shared: one server per N (its
 * read models built by a measured run), every figure taken in rounds alternating between them
 * (the order reversed every other round), so load from other work falls on every N alike.
 */
async function interleaved(counts: number[]): Promise<void> {
  const { currentYear } = schedule();
  const first = codeOf(0);
  const servers: Array<{ count: number; server: ChildProcess; client: BenchClient; log: number }> = [];
  try {
    for (const count of counts) {
      const dir = join(WORK, `merged-${count}`);
      if (!existsSync(join(dir, 'data', 'read.sqlite'))) throw new Error(`N = ${count} has no read models yet: measure it first`);
      const port = 42000 + Math.floor(Math.random() * 2000);
      const log = openSync(join(dir, 'server-interleaved.log'), 'w');
      const server = spawn(process.execPath, [join(ROOT, 'dist', 'main.js')], {
        cwd: ROOT,
        env: { ...process.env, DATA_DIR: join(dir, 'data'), SESSION_SECRET: 'bench-secret', PORT: String(port) },
        stdio: ['ignore', log, log],
      });
      const client = new BenchClient(port, READS.connections);
      servers.push({ count, server, client, log });
      await waitServing(client, server, dir);
      await client.login(ADMIN.username, ADMIN.password);
    }
    const rounds = 6;
    const figures: Array<[string, string, typeof READS]> = [
      ['grid_p95_ms', `/api/coops/C${first}BUSY/years/${currentYear}/grid`, READS],
      ['board_p95_ms', `/api/departments/${first}/coops?year=${currentYear}`, READS],
      ['aggregate_p95_ms', `/api/departments/${first}/years/${currentYear}/totals`, READS],
      ['history_p95_ms', `/api/coops/C${first}0002/history`, HISTORY_READS],
    ];
    const rows: Array<Record<string, number | string>> = [];
    for (const [key, path, shape] of figures) {
      for (const { client } of servers) await load(shape.connections, shape.warmUp, () => client.send('GET', path));
      const latencies = servers.map((): number[] => []);
      for (let round = 0; round < rounds; round++) {
        const order = round % 2 === 0 ? servers.map((_, i) => i) : servers.map((_, i) => servers.length - 1 - i);
        for (const i of order) {
          (globalThis as { gc?: () => void }).gc?.();
          const result = await load(shape.connections, Math.ceil(shape.requests / rounds), () => servers[i].client.send('GET', path));
          latencies[i].push(...result.latencies);
        }
      }
      const row: Record<string, number | string> = { figure: key };
      servers.forEach(({ count }, i) => {
        row[`N=${count} p95`] = round(percentile(latencies[i], 95))!;
        row[`N=${count} median`] = round(median(latencies[i]))!;
      });
      rows.push(row);
      log(`  ${key}: ${JSON.stringify(row)}, load ${loadavg()[0].toFixed(1)}`);
    }
    const memory = servers.map(({ count, server }) => ({ count, peak: round(memoryOf(server, 'VmHWM')), now: round(memoryOf(server, 'VmRSS')) }));
    writeFileSync(join(WORK, 'interleaved.json'), `${JSON.stringify({ measuredAt: new Date().toISOString(), rounds, rows, memory }, null, 2)}\n`);
    console.table(rows);
    console.table(memory);
  } finally {
    for (const { server, client, log } of servers) {
      client.close();
      server.kill('SIGTERM');
      await new Promise((exit) => server.once('exit', exit));
      closeSync(log);
    }
  }
}

/**
 * Rebuild rates with the noise shared: the largest N rebuilt once while the smallest is rebuilt
 * again and again beside it (each `projections:rebuild` in its own process, the two competing
 * for the same cores), so both rates are taken over the same minutes of a shared machine.
 */
async function rebuildsSideBySide(small: number, large: number): Promise<void> {
  const rebuild = (count: number): { done: Promise<number> } => {
    const dataDir = join(WORK, `merged-${count}`, 'data');
    const started = performance.now();
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'cli', 'main.js'), 'projections:rebuild'], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dataDir, SESSION_SECRET: 'bench-secret' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    return {
      done: new Promise((resolve, reject) =>
        child.once('exit', (code) => (code === 0 ? resolve((performance.now() - started) / 1000) : reject(new Error(`rebuild of N = ${count}: ${code}`)))),
      ),
    };
  };
  const events = async (count: number) => (await merged(count)).events;
  const [smallEvents, largeEvents] = [await events(small), await events(large)];
  let largeDone = false;
  const largeRun = rebuild(large).done.finally(() => (largeDone = true));
  const smallRates: number[] = [];
  while (!largeDone) {
    const seconds = await rebuild(small).done;
    if (!largeDone) smallRates.push(smallEvents / seconds);
    log(`  N = ${small}: ${Math.round(smallEvents / seconds)} events/s, load ${loadavg()[0].toFixed(1)}`);
  }
  const largeRate = largeEvents / (await largeRun);
  const result = { measuredAt: new Date().toISOString(), [`N=${large}`]: Math.round(largeRate), [`N=${small}`]: smallRates.map(Math.round) };
  log(
    `N = ${large}: ${Math.round(largeRate)} events/s beside N = ${small}: ${smallRates.map(Math.round).join(', ')} (median ${Math.round(median(smallRates))})`,
  );
  writeFileSync(join(WORK, 'rebuilds-side-by-side.json'), `${JSON.stringify(result, null, 2)}\n`);
}

/** Keeps the latest run of each N, sorted, with the machine it ran on. */
function writeResults(runs: ScaleRun[], note: string): void {
  const previous = existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as { runs: ScaleRun[] }).runs : [];
  const byCount = new Map(previous.map((run) => [run.departments, run]));
  for (const run of runs) byCount.set(run.departments, run);
  const all = [...byCount.values()].sort((a, b) => a.departments - b.departments);
  writeFileSync(RESULTS, `${JSON.stringify({ machine: { ...machine(), note }, runs: all }, null, 2)}\n`);
  log(`written ${RESULTS}`);
}

export async function scaleBench(argv: string[]): Promise<void> {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const child = value('--generate-department');
  if (child) return generateOne(child);
  const counts = (value('--departments') ?? '1')
    .split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
  const compared = value('--interleave');
  const sideBySide = value('--rebuild-side-by-side');
  const largest = Math.max(...counts);
  const jobs = Number(value('--jobs') ?? cpus().length);
  if (!argv.includes('--measure-only') && !compared && !sideBySide) await generate(largest, jobs);
  if (argv.includes('--generate-only')) return;
  log('build (tsc -p tsconfig.build.json)');
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  if (compared) return interleaved(compared.split(',').map(Number));
  if (sideBySide) return rebuildsSideBySide(...(sideBySide.split(',').map(Number) as [number, number]));
  const loads: number[] = [];
  const sampler = setInterval(() => loads.push(loadavg()[0]), 5000);
  const runs: ScaleRun[] = [];
  // Measured in turn, N after N in the same run: the machine's noise falls on every N alike.
  for (const count of counts) runs.push(await measure(count));
  clearInterval(sampler);
  const note = `measured ${new Date().toISOString()}, N = ${counts.join(', ')} in one run; 1-minute load average during the measures ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} on ${cpus().length} cores (shared with other work)`;
  writeResults(runs, note);
  console.table(runs);
}

if (require.main === module) {
  scaleBench(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
