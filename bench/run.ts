/**
 * The department-scale benchmark (issue 8): `npm run bench` (full) or `npm run bench -- --quick`;
 * `-- --engine postgresql` runs it with both stores on PostgreSQL (bench/postgresql.ts) and prints
 * its figures beside the embedded run's.
 * Generates a department through the command path, then measures every figure next to its limit
 * in the same run, prints a table and writes bench/results.json (bench/results.quick.json for
 * --quick, so the committed full results stay).
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { CommandBus } from '@nestjs/cqrs';
import Database from 'better-sqlite3';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, copyFileSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppModule } from '../src/app.module';
import { commandContext } from '../src/commands/command-context';
import { ExecuteLedgerCommand } from '../src/commands/ledger.commands';
import { loadConfig } from '../src/config';
import { type RecordedEvent } from '../src/events/envelope';
import { upcast } from '../src/events/upcasters';
import { UserDirectory } from '../src/users/user-directory';
import { SqliteEventStore } from '../src/events/sqlite-event-store';
import { ALL_PROJECTIONS } from '../src/projections';
import { foldInMemory } from '../src/projections/fold';
import { type Projector } from '../src/projections/projector';
import { openStores, type Stores } from '../src/stores';
import { statementImportFigure, worstStatementFigure } from './statements';
import { PROJECTOR } from '../src/tokens';
import { type Figure, markdownTable, resultsJson, table } from './figures';
import { BenchClock, departmentPlan, generateDepartment } from './generate';
import { BenchClient, load, median, percentile } from './http';
import { bareInserts, type BenchDatabase, benchDatabase, emmettPostgresAppend, eventsAfter, sideBySide, storeAppends } from './postgresql';

const quick = process.argv.includes('--quick');
const engineArg = process.argv.indexOf('--engine');
const engine = engineArg >= 0 ? process.argv[engineArg + 1] : 'embedded';
if (engine !== 'embedded' && engine !== 'postgresql') throw new Error(`--engine ${engine}: embedded or postgresql`);
const pg = engine === 'postgresql';
const ROOT = resolve(__dirname, '..');
const WORK = join(ROOT, 'bench', '.work', `${pg ? 'postgresql-' : ''}${quick ? 'quick' : 'full'}`);
/** Set by main with --engine postgresql: the bench's database. */
let database: BenchDatabase | null = null;
/** The stores' configuration: the embedded default, or PostgreSQL for both. */
const engineEnv = (): Record<string, string> => (database ? { EVENT_STORE: 'postgresql', READ_STORE: 'postgresql', DATABASE_URL: database.url } : {});
const DEPARTMENT = '14';
const ADMIN = { username: 'bench-admin', password: 'bench-admin-password-2026' };

/** Sizes: quick keeps the figures' shapes (a 500-entry year, ten years of 500) with fewer coops. */
const SIZE = quick
  ? { coops: 60, minEntries: 20, maxEntries: 120, appendCommands: 1500, concurrentRequests: 3000, readRequests: 300, generators: 16 }
  : { coops: 500, minEntries: 40, maxEntries: 500, appendCommands: 3000, concurrentRequests: 5000, readRequests: 1000, generators: 24 };

/**
 * GETs before each read figure is measured: a server just started reaches its steady state (JIT,
 * heap sizing) after a few thousand requests, as a server up for a while has.
 */
const WARM_UP_READS = 2000;
/** POSTs before the concurrent appends are measured: ten per coop. */
const WARM_UP_WRITES = 1000;

const log = (message: string): void => console.log(`[bench ${(performance.now() / 1000).toFixed(1)}s] ${message}`);

async function openApp(clock?: BenchClock): Promise<{ app: NestExpressApplication; stores: Stores }> {
  const config = loadConfig({ DATA_DIR: join(WORK, 'data'), SESSION_SECRET: 'bench-secret', ...engineEnv() } as NodeJS.ProcessEnv);
  const stores = await openStores(config);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot({ config, stores, ...(clock ? { clock } : {}) }), {
    logger: ['error', 'warn'],
    bodyParser: false,
  });
  await app.init();
  return { app, stores };
}

/** `npm run build`: the server measured is the one `npm start` runs. */
function build(): void {
  log('build (tsc -p tsconfig.build.json)');
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
}

async function main(): Promise<void> {
  const figures: Figure[] = [];
  const extra: Record<string, unknown> = {};
  const add = (figure: Figure): void => {
    figures.push(figure);
    log(`${figure.key} = ${figure.value === null ? '—' : figure.value.toFixed(2)} ${figure.unit}${figure.note ? ` (${figure.note})` : ''}`);
  };
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  build();
  if (pg) {
    database = await benchDatabase(log);
    extra.engine = database.server;
    log(database.server);
  }
  try {
    await measure(figures, extra, add);
  } finally {
    await database?.close();
  }
  console.log(`\n${table(figures)}\n`);
  const name = `results${pg ? '.postgresql' : ''}${quick ? '.quick' : ''}.json`;
  const file = join(ROOT, 'bench', name);
  writeFileSync(file, `${JSON.stringify(resultsJson(quick ? 'quick' : 'full', figures, extra), null, 2)}\n`);
  writeFileSync(join(WORK, 'table.md'), `${markdownTable(figures)}\n`);
  if (pg) {
    const beside = sideBySide(figures, join(ROOT, 'bench', quick ? 'results.quick.json' : 'results.json'));
    writeFileSync(join(WORK, 'side-by-side.md'), `${beside}\n`);
    console.log(`${beside}\n`);
  }
  log(`written ${file}`);
}

async function measure(figures: Figure[], extra: Record<string, unknown>, add: (figure: Figure) => void): Promise<void> {
  // ---- 1. the department, through the command path ---------------------------------------------
  const now = new Date();
  const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Paris' }).format(now);
  const currentYear = Number(today.slice(5, 7)) >= 9 ? Number(today.slice(0, 4)) : Number(today.slice(0, 4)) - 1;
  const department = departmentPlan(DEPARTMENT, today, currentYear, SIZE);
  const clock = new BenchClock(now);
  {
    const { app } = await openApp(clock);
    await app.get(UserDirectory).create({ username: ADMIN.username, password: ADMIN.password, role: 'admin', skipPolicy: true });
    log(`generating ${department.coops.length} coops (${quick ? 'quick' : 'full'})`);
    let last = 0;
    const generated = await generateDepartment(app, clock, department, SIZE.generators, (done, total) => {
      if (performance.now() - last > 5000) {
        last = performance.now();
        log(`  ${done}/${total} coops`);
      }
    });
    await app.close();
    extra.department = {
      coops: department.coops.length,
      commands: generated.commands,
      entries: generated.entries,
      generation_s: Math.round(generated.ms / 100) / 10,
    };
    log(`generated ${generated.commands} commands, ${generated.entries} entries in ${(generated.ms / 1000).toFixed(1)} s`);
  }

  // ---- 2. rebuild from zero, and the same reducers folded in memory ----------------------------
  {
    const { app, stores } = await openApp();
    const projector = app.get<Projector>(PROJECTOR);
    const events: RecordedEvent[] = [];
    for await (const event of stores.eventStore.readAll()) events.push(upcast(event));
    // Counted, not the head position: PostgreSQL's positions are (transaction, index) pairs.
    const head = events.length;
    (extra.department as Record<string, unknown>).events = head;
    let started = performance.now();
    foldInMemory(ALL_PROJECTIONS, events);
    const foldSeconds = (performance.now() - started) / 1000;
    events.length = 0;
    started = performance.now();
    await projector.rebuild();
    const rebuildSeconds = (performance.now() - started) / 1000;
    await app.close();
    add({
      key: 'rebuild.events_per_s',
      value: head / rebuildSeconds,
      unit: '/s',
      // The issue's target on PostgreSQL (#25): 20,000/s.
      target: { kind: 'min', value: pg ? 20_000 : 50_000 },
      note: `${head} events in ${rebuildSeconds.toFixed(1)} s, ${ALL_PROJECTIONS.length} projections`,
    });
    add({ key: 'rebuild.fold_limit_per_s', value: head / foldSeconds, unit: '/s', note: 'the same reducers, in memory, no storage' });
    add({ key: 'rebuild.ratio', value: foldSeconds / rebuildSeconds, unit: '', target: { kind: 'min', value: 0.25 } });
  }

  // ---- 3. one writer: our command path, bare SQLite, and the Emmett peer -----------------------
  {
    const { app, stores } = await openApp();
    await app.get<Projector>(PROJECTOR).start();
    const bus = app.get(CommandBus);
    const before = (await stores.eventStore.headPosition()) ?? 0n;
    const coops = department.coops.slice(2, 102).map((c) => c.coopId);
    const actor = { username: 'bench', role: 'admin' as const };
    const command = (i: number, prefix: string) =>
      new ExecuteLedgerCommand(
        coops[i % coops.length],
        currentYear,
        {
          type: 'RecordEntry',
          entryId: `${prefix}_${i}`,
          entry: {
            pj: `${prefix}${i}`,
            date: today,
            label: 'Librairie du Port – Facture',
            chequeNo: String(2_000_000 + i),
            actionA: 'Bibliothèque',
            actionB: null,
            lines: [
              { account: '6181', debit: 1250 + i },
              { account: '6270', debit: 100 },
              { account: '512', credit: 1350 + i },
            ],
          },
        },
        commandContext(actor, `bench:append:${prefix}:${i}`),
      );
    // Warm-up: every coop's streams folded once, as on a server that has been up for a while.
    for (let i = 0; i < coops.length; i++) await bus.execute(command(i, 'W'));
    const from = (await stores.eventStore.headPosition()) ?? 0n;
    if (!pg) {
      // The log as it stands before the measured commands: the bare inserts below start from it.
      const snapshot = new Database(join(WORK, 'data', 'events.sqlite'), { readonly: true });
      await snapshot.backup(join(WORK, 'before-append.sqlite'));
      snapshot.close();
    }
    let started = performance.now();
    for (let i = 0; i < SIZE.appendCommands; i++) await bus.execute(command(i, 'A'));
    const oursSeconds = (performance.now() - started) / 1000;
    // The projections fold in the same process, between the commands; how far behind they are.
    const last = (await stores.eventStore.headPosition()) ?? 0n;
    started = performance.now();
    await app.get<Projector>(PROJECTOR).waitFor(last, 60_000);
    const catchUpMs = performance.now() - started;
    await app.close();
    void before;
    const ours = SIZE.appendCommands / oursSeconds;
    const oursFigure: Figure = {
      key: 'append.ours_per_s',
      value: ours,
      unit: '/s',
      note: `${SIZE.appendCommands} RecordEntry through the CommandBus (load, decide, hash chain, append); the projections fold in the same process meanwhile and were ${Math.round(catchUpMs)} ms behind at the end`,
    };
    if (pg) {
      const rows = await eventsAfter(database!.url, from);
      const store = await storeAppends(await database!.scratch('cahier_bench_store'), rows);
      const bare = await bareInserts(database!.url, rows, from);
      const emmett = await emmettPostgresAppend(await database!.scratch('cahier_bench_emmett'), rows);
      add(oursFigure);
      add({ key: 'append.store_per_s', value: store.perSecond, unit: '/s', note: store.note });
      add({ key: 'append.postgresql_limit_per_s', value: bare.perSecond, unit: '/s', note: bare.note });
      add({ key: 'append.ratio', value: ours / bare.perSecond, unit: '', target: { kind: 'min', value: 0.5 } });
      add({ key: 'append.emmett_postgresql_per_s', value: emmett.perSecond, unit: '/s', note: emmett.note });
      add({ key: 'append.vs_emmett', value: emmett.perSecond ? ours / emmett.perSecond : null, unit: '×', target: { kind: 'min', value: 1 } });
    } else {
      const source = new Database(join(WORK, 'data', 'events.sqlite'), { readonly: true });
      source.defaultSafeIntegers(true);
      const rows = source.prepare('SELECT id, stream, revision, type, data, metadata FROM events WHERE position > ? ORDER BY position').all(from) as Array<{
        id: string;
        stream: string;
        revision: bigint;
        type: string;
        data: string;
        metadata: string;
      }>;
      source.close();

      // Bare better-sqlite3: the same rows into the same table as it stood before the measured
      // commands (a copy of the department's log, WAL + synchronous=FULL), one transaction each.
      const bareFile = join(WORK, 'bare.sqlite');
      copyFileSync(join(WORK, 'before-append.sqlite'), bareFile);
      const bare = new Database(bareFile);
      bare.pragma('journal_mode = WAL');
      bare.pragma('synchronous = FULL');
      const insert = bare.prepare('INSERT INTO events (id, stream, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)');
      const one = bare.transaction((r: (typeof rows)[number]) => insert.run(r.id, r.stream, r.revision, r.type, r.data, r.metadata));
      started = performance.now();
      for (const row of rows) one(row);
      const bareSeconds = (performance.now() - started) / 1000;
      bare.close();

      // Our event store alone: the same events through SqliteEventStore.append, one by one.
      const storeFile = join(WORK, 'store-only.sqlite');
      copyFileSync(join(WORK, 'before-append.sqlite'), storeFile);
      const store = new SqliteEventStore(storeFile);
      started = performance.now();
      for (const row of rows) {
        await store.append(
          row.stream,
          [{ id: row.id, type: row.type, data: JSON.parse(row.data), metadata: JSON.parse(row.metadata) }],
          Number(row.revision) - 1 < 0 ? 'no_stream' : Number(row.revision) - 1,
        );
      }
      const storeSeconds = (performance.now() - started) / 1000;
      await store.close();

      const limit = rows.length / bareSeconds;
      add(oursFigure);
      add({
        key: 'append.store_per_s',
        value: rows.length / storeSeconds,
        unit: '/s',
        note: 'the same events through our SqliteEventStore.append alone, into the same log',
      });
      add({
        key: 'append.sqlite_limit_per_s',
        value: limit,
        unit: '/s',
        note: `${rows.length} rows, one transaction each, into the same log (${from} events), WAL + synchronous=FULL`,
      });
      add({ key: 'append.ratio', value: ours / limit, unit: '', target: { kind: 'min', value: 0.5 } });

      const emmett = await emmettAppend(rows);
      add({ key: 'append.emmett_sqlite_per_s', value: emmett.perSecond, unit: '/s', note: emmett.note });
      add({ key: 'append.vs_emmett', value: emmett.perSecond ? ours / emmett.perSecond : null, unit: '×', target: { kind: 'min', value: 2 } });
    }
  }

  // ---- 4. the server: start-up, reads, time-travel, PDF, concurrent appends, memory ------------
  const port = 38000 + Math.floor(Math.random() * 2000);
  const serverLog = openSync(join(WORK, 'server.log'), 'w');
  const spawnedAt = performance.now();
  const server = spawn(process.execPath, [join(ROOT, 'dist', 'main.js')], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: join(WORK, 'data'), PORT: String(port), SESSION_SECRET: 'bench-secret', ...engineEnv() },
    stdio: ['ignore', serverLog, serverLog],
  });
  try {
    const client = new BenchClient(port, 16);
    await waitServing(client, server);
    add({
      key: 'startup_ms',
      value: performance.now() - spawnedAt,
      unit: 'ms',
      target: { kind: 'max', value: 2000 },
      note: `process start → first 200 on /health, ${(extra.department as { events: number }).events} events on disk`,
    });
    await client.login(ADMIN.username, ADMIN.password);
    // The peak so far after each phase: where the memory goes.
    const peaks: string[] = [];
    const phase = (name: string): void => {
      peaks.push(`${name} ${Math.round(memoryOf(server, 'VmHWM') ?? 0)}`);
    };
    phase('start-up');

    // The client lives in this process, which generated the department: its garbage is collected
    // before each measured load, so the client's own pauses do not land in the server's figures.
    const collectGarbage = (): void => (globalThis as { gc?: () => void }).gc?.();

    const readFigure = async (key: string, path: string, target: number): Promise<void> => {
      const probe = await client.send('GET', path);
      if (probe.status !== 200) {
        add({ key, value: null, unit: 'ms', target: { kind: 'max', value: target }, note: `GET ${path} answered ${probe.status}` });
        return;
      }
      // Warm-up (as autocannon users do): the JIT and the answer's first serialisation are not the steady state.
      await load(10, WARM_UP_READS, () => client.send('GET', path));
      collectGarbage();
      const result = await load(10, SIZE.readRequests, () => client.send('GET', path));
      add({
        key,
        value: percentile(result.latencies, 95),
        unit: 'ms',
        target: { kind: 'max', value: target },
        note: `${result.requests} GET after ${WARM_UP_READS} to warm up, 10 connections, ${Math.round(result.perSecond)}/s, median ${median(result.latencies).toFixed(1)} ms, ${(Buffer.byteLength(probe.body) / 1024).toFixed(0)} KiB of JSON${probe.headers['content-encoding'] === 'gzip' ? `, ${(probe.size / 1024).toFixed(0)} KiB gzipped (the client accepts gzip, as browsers do)` : ''}${result.errors ? `, ${result.errors} errors` : ''}`,
      });
    };
    await readFigure('http.grid_p95_ms', `/api/coops/C14BUSY/years/${currentYear}/grid`, 15);
    await readFigure('http.board_p95_ms', `/api/departments/${DEPARTMENT}/coops?year=${currentYear}`, 30);
    await readFigure('http.aggregate_p95_ms', `/api/departments/${DEPARTMENT}/years/${currentYear}/totals`, 30);
    await readFigure('http.trial_balance_p95_ms', `/api/departments/${DEPARTMENT}/years/${currentYear}/trial-balance`, 30);
    phase('reads');

    // The department's FEC of the last closed year, streamed coop by coop: its time, and how far the
    // server's resident memory rose above where it stood (constant memory: one coop's year at a time).
    {
      const fecPath = `/api/departments/${DEPARTMENT}/years/${currentYear - 1}/fec.txt`;
      collectGarbage();
      const before = memoryOf(server, 'VmRSS') ?? 0;
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, memoryOf(server, 'VmRSS') ?? 0)), 10);
      const reply = await client.send('GET', fecPath);
      clearInterval(sampler);
      const ok = reply.status === 200;
      add({
        key: 'http.department_fec_s',
        value: ok ? reply.ms / 1000 : null,
        unit: 's',
        target: { kind: 'max', value: 5 },
        note: ok
          ? `${department.coops.length} coops' year ${currentYear - 1}, ${(reply.size / 1048576).toFixed(1)} MiB ISO-8859-15, streamed`
          : `GET ${fecPath} answered ${reply.status}`,
      });
      add({
        key: 'http.department_fec_rss_growth_mb',
        value: ok ? peak - before : null,
        unit: 'MB',
        target: { kind: 'max', value: 64 },
        note: `server VmRSS ${Math.round(before)} MB before, ${Math.round(peak)} MB at most while streaming (the file is ${(reply.size / 1048576).toFixed(1)} MiB)`,
      });
      phase('department FEC');
    }

    // Time-travel: the grid of the tenth year as it stood mid-year, folded from the coop's events.
    const asOf = `${currentYear}-03-01T00:00:00Z`;
    const travels: number[] = [];
    let travelNote = '';
    for (let i = 0; i < 5; i++) {
      const reply = await client.send('GET', `/api/coops/C14TEN/years/${currentYear - 1}/grid?asOf=${encodeURIComponent(asOf)}`);
      if (reply.status !== 200) travelNote = `answered ${reply.status}`;
      travels.push(reply.ms);
    }
    phase('time-travel');
    add({
      key: 'timetravel_ms',
      value: travelNote ? null : median(travels),
      unit: 'ms',
      target: { kind: 'max', value: 150 },
      note: travelNote || `median of 5, asOf ${asOf}, ten years of 500 entries`,
    });

    // Reading bank files happens in process, whatever the engine: measured by the embedded run only.
    if (!pg) {
      // Statements: a 1,000-line file imported and matched against a 500-entry year (in process).
      const statements = statementImportFigure();
      add({
        key: 'statements.import_match_ms',
        value: statements.importMatchMs,
        unit: 'ms',
        target: { kind: 'max', value: 500 },
        note: `1,000-line CSV against a 500-entry year, ${statements.matched} lines matched, median of 5; reading the file alone ${statements.parseMs.toFixed(1)} ms`,
      });
      // The largest file of each format the importer accepts (read in a worker thread by the server).
      for (const format of ['csv', 'ofx1', 'ofx2', 'camt053'] as const) {
        const worst = worstStatementFigure(format);
        add({
          key: `statements.worst_${format}_ms`,
          value: worst.ms,
          unit: 'ms',
          target: { kind: 'max', value: 10000 },
          note: `${worst.operations.toLocaleString('en-US')} operations, ${(worst.bytes / 2 ** 20).toFixed(1)} MiB, read once in process`,
        });
      }
    }
    phase('statements');

    const pdfPath = `/api/coops/C14BUSY/years/${currentYear}/print.pdf`;
    const warm = await client.send('GET', pdfPath);
    const isPdf = warm.status === 200 && String(warm.headers['content-type']).startsWith('application/pdf');
    const pdfs: number[] = [];
    if (isPdf) for (let i = 0; i < 3; i++) pdfs.push((await client.send('GET', pdfPath)).ms);
    add({
      key: 'pdf_ms',
      value: isPdf ? median(pdfs) : null,
      unit: 'ms',
      target: { kind: 'max', value: 3000 },
      note: isPdf
        ? `median of 3 after a warm-up render (first: ${Math.round(warm.ms)} ms), 500 entries`
        : `no PDF (${warm.status} ${String(warm.headers['content-type'])})`,
    });

    phase('PDF');
    // 16 connections over 100 coops, each request a new entry of the current year. A new client:
    // the first one's sockets sat idle through the PDF renders, past the server's keep-alive.
    client.close();
    const writer = new BenchClient(port, 16);
    await writer.login(ADMIN.username, ADMIN.password);
    const coops = department.coops.slice(2, 102).map((c) => c.coopId);
    const post = (prefix: string) => (i: number) =>
      writer.send('POST', `/api/coops/${coops[i % coops.length]}/years/${currentYear}/entries`, {
        pj: `${prefix}${i}`,
        date: today,
        label: 'Familles – Participation',
        chequeNo: null,
        actionA: 'Kermesse',
        actionB: null,
        lines: [
          { account: '512', debit: 1500 + i },
          { account: '7560', credit: 1500 + i },
        ],
      });
    // Warm-up: each coop's year loaded on the command side (as for one writer), then steady state.
    const cold = await load(16, WARM_UP_WRITES, post('G'));
    collectGarbage();
    const concurrent = await load(16, SIZE.concurrentRequests, post('H'));
    add({
      key: 'append.concurrent_per_s',
      value: concurrent.perSecond,
      unit: '/s',
      target: { kind: 'min', value: 1000 },
      note: `${concurrent.requests} POST entries after ${cold.requests} to warm up (${Math.round(cold.perSecond)}/s), 16 connections, 100 coops, p95 ${percentile(concurrent.latencies, 95).toFixed(1)} ms${concurrent.errors ? `, ${concurrent.errors} errors: ${concurrent.firstError}` : ''}`,
    });

    phase('writes');
    add({
      key: 'rss_mb',
      value: peakRss(server),
      unit: 'MB',
      target: { kind: 'max', value: 300 },
      note: `server VmHWM over the whole run; peak after each phase (MB): ${peaks.join(', ')}; now ${Math.round(memoryOf(server, 'VmRSS') ?? 0)}`,
    });
    writer.close();
  } finally {
    server.kill('SIGTERM');
    await new Promise((done) => server.once('exit', done));
    closeSync(serverLog);
  }
}

async function waitServing(client: BenchClient, server: ChildProcess): Promise<void> {
  const deadline = performance.now() + 60_000;
  while (performance.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the server exited (${server.exitCode}): see ${join(WORK, 'server.log')}`);
    try {
      if ((await client.send('GET', '/health')).status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('the server did not answer /health within 60 s');
}

/** Peak resident set of the server process (Linux: VmHWM). */
function peakRss(server: ChildProcess): number | null {
  return memoryOf(server, 'VmHWM');
}

/** A line of /proc/<pid>/status in MB (Linux): VmHWM the peak resident set, VmRSS the current one. */
function memoryOf(server: ChildProcess, field: 'VmHWM' | 'VmRSS'): number | null {
  try {
    const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
    const kb = new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1];
    return kb ? Number(kb) / 1024 : null;
  } catch {
    return null;
  }
}

/**
 * The same events appended by @event-driven-io/emmett-sqlite, one writer, expected versions
 * checked. Through its exported appendToStream on one kept-open connection: its
 * getSQLiteEventStore opens and closes the file around every call (slower, and it failed with
 * SQLITE_BUSY on a file here), which would not be a fair peer.
 */
async function emmettAppend(
  rows: Array<{ stream: string; type: string; data: string; metadata: string }>,
): Promise<{ perSecond: number | null; note: string }> {
  interface Connection {
    close(): void;
  }
  let emmett: {
    sqliteConnection(options: { fileName: string }): Connection;
    createEventStoreSchema(connection: Connection): Promise<void>;
    appendToStream(
      connection: Connection,
      stream: string,
      streamType: string,
      events: unknown[],
      options?: { expectedStreamVersion?: bigint },
    ): Promise<{ success: boolean; nextStreamPosition?: bigint }>;
  };
  try {
    emmett = require('@event-driven-io/emmett-sqlite');
  } catch (error) {
    return { perSecond: null, note: `@event-driven-io/emmett-sqlite not loadable (devDependency of the bench): ${String(error).split('\n')[0]}` };
  }
  const connection = emmett.sqliteConnection({ fileName: join(WORK, 'emmett.sqlite') });
  try {
    await emmett.createEventStoreSchema(connection);
    const versions = new Map<string, bigint>();
    const started = performance.now();
    for (const row of rows) {
      const expected = versions.get(row.stream);
      const result = await emmett.appendToStream(
        connection,
        row.stream,
        row.stream.split('-')[0],
        [{ type: row.type, data: JSON.parse(row.data), metadata: JSON.parse(row.metadata) }],
        expected === undefined ? undefined : { expectedStreamVersion: expected },
      );
      if (!result.success) throw new Error(`emmett refused an append to ${row.stream}`);
      versions.set(row.stream, (expected ?? 0n) + 1n);
    }
    const seconds = (performance.now() - started) / 1000;
    return {
      perSecond: rows.length / seconds,
      note: `${rows.length} events, appendToStream one by one on one connection, WAL, SQLite's default synchronous=FULL`,
    };
  } catch (error) {
    return { perSecond: null, note: `the peer failed: ${String(error).split('\n')[0]}` };
  } finally {
    connection.close();
  }
}

// `--departments N`: the scale bench (bench/scale.ts); otherwise the department bench.
(process.argv.includes('--departments') || process.argv.includes('--generate-department')
  ? import('./scale').then(({ scaleBench }) => scaleBench(process.argv.slice(2)))
  : main()
).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
