import { currentFiscalYear, systemClock } from '../../src/domain/fiscal-year';
import {
  call,
  type Exit,
  type Health,
  killAll,
  login,
  removeDataDir,
  type ServerProcess,
  type Session,
  startServer,
  tempDataDir,
  waitForCaughtUp,
  waitUntil,
} from '../support/spawn';
import { describePostgres, freshDatabase } from '../support/postgres';

/**
 * DESIGN.md "Beyond one machine", as an operator runs it: two server processes on one PostgreSQL
 * database (each its own DATA_DIR), one projecting, the other serving and waiting for its
 * checkpoints; the projecting one SIGKILLed in the middle of writes.
 */
// Each server takes several seconds to start (the first seeds the demo); the margin is for a loaded CI runner.
jest.setTimeout(300_000);

const year = currentFiscalYear(systemClock);
const entries = `/api/coops/C14001/years/${year}/entries`;

describePostgres('two instances on one PostgreSQL database', () => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  const dirs: string[] = [];

  beforeAll(async () => {
    database = await freshDatabase();
  });

  afterAll(async () => {
    await killAll();
    for (const dir of dirs) removeDataDir(dir);
    await database?.drop();
  });

  const instance = (): Promise<ServerProcess> => {
    const dataDir = tempDataDir('cahier-instance-');
    dirs.push(dataDir);
    return startServer(dataDir, 180_000, { EVENT_STORE: 'postgresql', READ_STORE: 'postgresql', DATABASE_URL: database.url });
  };

  it('B serves while A projects, reads its own writes, and takes over when A is killed mid-writes; nothing acknowledged is lost', async () => {
    const a = await instance();
    expect((await healthOf(a)).projector).toEqual({ active: true });
    const b = await instance();
    const healthB = await healthOf(b);
    expect(healthB.projector).toEqual({ active: false });
    expect(healthB.status).toBe('ok');

    // A session opened on A is good on B (sessions are in the shared store).
    const session = await login(a.baseUrl, 'jferry', 'demo-jules-ferry');
    const onB = await call(b.baseUrl, session, 'POST', entries, sale('B01', 1234));
    expect(onB.status).toBe(201);
    const { entryId } = (await onB.json()) as { entryId: string };
    // Read-your-writes across instances: B answered once A's checkpoints passed the write.
    expect((await readGrid(b, session)).rows.filter((row) => row.entryId === entryId)).toEqual([expect.objectContaining({ pj: 'B01' })]);

    // A burst on both; A is killed once it has acknowledged some.
    const TOTAL = 60;
    const KILL_AFTER = 12;
    const acknowledged = new Map<string, string>();
    const unanswered: string[] = [];
    const refused: Array<{ pj: string; status: number; body: string }> = [];
    let ackedByA = 0;
    let killed: Promise<Exit> | null = null;
    let sent = 0;
    const client = (server: ServerProcess) => async (): Promise<void> => {
      while (sent < TOTAL) {
        const pj = `M${String(++sent).padStart(2, '0')}`;
        let res: Response;
        try {
          res = await call(server.baseUrl, session, 'POST', entries, sale(pj, 1000 + sent));
        } catch {
          // No answer: stored or not, nobody was told it was.
          unanswered.push(pj);
          continue;
        }
        const body = await res.text();
        if (res.status !== 201) {
          refused.push({ pj, status: res.status, body });
          continue;
        }
        acknowledged.set(pj, (JSON.parse(body) as { entryId: string }).entryId);
        if (server === a && ++ackedByA === KILL_AFTER) killed = a.kill('SIGKILL');
      }
    };
    await Promise.all([client(a)(), client(a)(), client(a)(), client(b)(), client(b)()]);
    expect(await killed).toEqual({ code: null, signal: 'SIGKILL' });
    // B's writes while nobody projected wait for the takeover, within their bounded wait.
    expect(refused).toEqual([]);
    expect(unanswered.length).toBeGreaterThan(0);
    expect(acknowledged.size + unanswered.length).toBe(TOTAL);

    await waitUntil('B to take over projecting', 60_000, async () => ((await healthOf(b)).projector?.active ? true : undefined));
    await waitForCaughtUp(b.baseUrl);

    const grid = await readGrid(b, session);
    for (const [pj, id] of acknowledged) expect(grid.rows.filter((row) => row.entryId === id)).toEqual([expect.objectContaining({ pj })]);
    const pjs = grid.rows.map((row) => row.pj);
    expect(new Set(pjs).size).toBe(pjs.length);
    // Anything else of the burst is one of the unanswered requests, stored before the kill.
    const others = grid.rows.filter((row) => row.pj.startsWith('M') && !acknowledged.has(row.pj)).map((row) => row.pj);
    expect(others.filter((pj) => !unanswered.includes(pj))).toEqual([]);

    // B projects now: its own write is read at once.
    const after = await call(b.baseUrl, session, 'POST', entries, sale('B02', 4321));
    expect(after.status).toBe(201);
    expect((await readGrid(b, session)).rows.map((row) => row.pj)).toContain('B02');
  });
});

interface Grid {
  rows: Array<{ entryId: string; pj: string }>;
}

async function healthOf(server: ServerProcess): Promise<Health> {
  return (await (await fetch(`${server.baseUrl}/health`)).json()) as Health;
}

async function readGrid(server: ServerProcess, session: Session): Promise<Grid> {
  const res = await call(server.baseUrl, session, 'GET', `/api/coops/C14001/years/${year}/grid`);
  expect(res.status).toBe(200);
  return (await res.json()) as Grid;
}

function sale(pj: string, amount: number) {
  return {
    pj,
    date: `${year}-10-02`,
    label: `Vente de gâteaux ${pj}`,
    chequeNo: null,
    actionA: 'Kermesse',
    actionB: null,
    lines: [
      { account: '512', debit: amount },
      { account: '7070', credit: amount },
    ],
  };
}
