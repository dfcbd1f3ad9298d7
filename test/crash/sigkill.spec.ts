import Database from 'better-sqlite3';
import { join } from 'node:path';
import { commandContext } from '../../src/commands/command-context';
import { openCommandBus } from '../../src/commands/commands.module';
import { RegisterCoop } from '../../src/commands/coop.commands';
import { ExecuteLedgerCommand } from '../../src/commands/ledger.commands';
import { currentFiscalYear, systemClock } from '../../src/domain/fiscal-year';
import { SqliteEventStore } from '../../src/events/sqlite-event-store';
import { SqliteReadStore } from '../../src/projections/sqlite-read-store';
import { currentCheckpoints, foldedReadModels, storedReadModels } from './read-models';
import {
  call,
  type Exit,
  killAll,
  login,
  removeDataDir,
  runCli,
  type Session,
  spawnCli,
  startServer,
  tempDataDir,
  waitForCaughtUp,
  waitUntil,
} from '../support/spawn';
import { TestClock } from '../support/clock';

/**
 * SIGKILL — no shutdown hook, no flush — then a restart on the same DATA_DIR: what was
 * acknowledged is there once, the read models are the fold of the log, the chains verify.
 */
// Each test takes 5–25 s on an idle 2-core machine; the margin is for a loaded CI runner.
jest.setTimeout(240_000);

const year = currentFiscalYear(systemClock);

describe('SIGKILL and restart', () => {
  const dirs: string[] = [];

  afterEach(async () => {
    await killAll();
  });

  afterAll(() => {
    for (const dir of dirs) removeDataDir(dir);
  });

  it('loses no acknowledged entry when the server is killed in the middle of a burst of writes', async () => {
    const dataDir = tempDataDir('cahier-sigkill-');
    dirs.push(dataDir);
    const server = await startServer(dataDir);
    const session = await login(server.baseUrl, 'jferry', 'demo-jules-ferry');

    const TOTAL = 60;
    const CONCURRENCY = 8;
    const KILL_AFTER = 20;
    const acknowledged = new Map<string, string>();
    const unanswered: string[] = [];
    const answered: Array<{ pj: string; status: number; body: string }> = [];
    let killed: Promise<Exit> | null = null;
    let sent = 0;
    const client = async (): Promise<void> => {
      while (sent < TOTAL) {
        const pj = `K${String(++sent).padStart(2, '0')}`;
        let status: number;
        let body: string;
        try {
          const res = await call(server.baseUrl, session, 'POST', `/api/coops/C14001/years/${year}/entries`, sale(pj, 1000 + sent));
          status = res.status;
          body = await res.text();
        } catch {
          // No answer: the write may or may not have been stored, but nobody was told it was.
          unanswered.push(pj);
          continue;
        }
        if (status !== 201) {
          answered.push({ pj, status, body });
          continue;
        }
        acknowledged.set(pj, (JSON.parse(body) as { entryId: string }).entryId);
        if (acknowledged.size === KILL_AFTER) killed = server.kill('SIGKILL');
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, client));
    expect(await killed).toEqual({ code: null, signal: 'SIGKILL' });
    expect(answered).toEqual([]);
    expect(acknowledged.size).toBeGreaterThanOrEqual(KILL_AFTER);
    // The kill did land inside the burst.
    expect(unanswered.length).toBeGreaterThan(0);
    expect(acknowledged.size + unanswered.length).toBe(TOTAL);

    const restarted = await startServer(dataDir);
    const health = await waitForCaughtUp(restarted.baseUrl);
    expect(health.projections.map((p) => p.status)).toEqual(health.projections.map(() => 'running'));

    // The session lives in the read store: it outlives the crash too.
    const grid = await readGrid(restarted.baseUrl, session);
    const burst = grid.rows.filter((row) => row.pj.startsWith('K'));
    for (const [pj, entryId] of acknowledged) {
      expect(grid.rows.filter((row) => row.entryId === entryId)).toEqual([expect.objectContaining({ pj })]);
    }
    const pjs = grid.rows.map((row) => row.pj);
    expect(new Set(pjs).size).toBe(pjs.length);
    // Anything else of the burst is one of the unanswered requests, stored before the kill.
    expect(
      burst
        .filter((row) => !acknowledged.has(row.pj))
        .map((row) => row.pj)
        .every((pj) => unanswered.includes(pj)),
    ).toBe(true);

    const recorded = recordedPjs(dataDir).filter((pj) => pj.startsWith('K'));
    expect(new Set(recorded).size).toBe(recorded.length);
    expect(recorded.sort()).toEqual(burst.map((row) => row.pj).sort());

    const folded = await foldedReadModels(dataDir);
    const stored = storedReadModels(dataDir);
    expect(stored.documents).toEqual(folded.documents);
    expect(Object.values(stored.checkpoints)).toEqual(Object.values(stored.checkpoints).map(() => folded.head));

    const verify = await runCli(dataDir, ['history:verify']);
    expect(verify.stdout).toContain('Historique intègre');
    expect(verify.code).toBe(0);
  });

  it('recovers when projections:rebuild is killed half-way: the live read models are untouched, the server completes them', async () => {
    const dataDir = tempDataDir('cahier-sigkill-rebuild-');
    dirs.push(dataDir);
    // More events than one rebuild chunk (10,000): the rebuild writes every projection's first
    // chunk in one transaction and is killed as soon as it has, while the next chunk is folding.
    await recordManyEntries(dataDir, 20, 700);
    const head = await headOf(dataDir);

    const livePositions = (): string[] => Object.values(currentCheckpoints(dataDir) ?? {}).filter((position) => position !== null);
    const before = livePositions();
    const rebuild = spawnCli(dataDir, ['projections:rebuild']);
    await waitUntil(
      'the rebuild to write its first checkpoint (of the twins it rebuilds alongside)',
      120_000,
      async () => {
        if (rebuild.child.exitCode !== null) throw new Error(`the rebuild ended before it could be killed:\n${rebuild.stdout()}`);
        return rebuiltCheckpoints(dataDir) > 0 || undefined;
      },
      5,
    );
    expect(await rebuild.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    // Not switched in: the live checkpoints are those from before the rebuild.
    expect(livePositions()).toEqual(before);

    const server = await startServer(dataDir);
    const health = await waitForCaughtUp(server.baseUrl);
    expect(health.projections.every((p) => p.position === head)).toBe(true);
    const folded = await foldedReadModels(dataDir);
    const stored = storedReadModels(dataDir);
    expect(Object.keys(stored.documents.notebooks)).toHaveLength(20);
    expect(stored.documents).toEqual(folded.documents);
  });
});

interface Grid {
  rows: Array<{ entryId: string; pj: string }>;
}

async function readGrid(baseUrl: string, session: Session): Promise<Grid> {
  const res = await call(baseUrl, session, 'GET', `/api/coops/C14001/years/${year}/grid`);
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

async function headOf(dataDir: string): Promise<string> {
  const store = new SqliteEventStore(join(dataDir, 'events.sqlite'));
  try {
    return String(await store.headPosition());
  } finally {
    await store.close();
  }
}

/** The PJ of every EntryRecorded of C14001's current year, straight from the log. */
function recordedPjs(dataDir: string): string[] {
  const db = new Database(join(dataDir, 'events.sqlite'), { readonly: true });
  try {
    const rows = db
      .prepare(`SELECT json_extract(data, '$.pj') AS pj FROM events WHERE type = 'EntryRecorded' AND stream = ?`)
      .all(`ledger-C14001-${year}`) as Array<{ pj: string }>;
    return rows.map((row) => row.pj);
  } finally {
    db.close();
  }
}

/**
 * Registers `coops` coops and records `perCoop` entries in each through the command path (no
 * projector running), the coops in parallel so their appends share transactions.
 */
async function recordManyEntries(dataDir: string, coops: number, perCoop: number): Promise<void> {
  const store = new SqliteEventStore(join(dataDir, 'events.sqlite'));
  const clock = new TestClock('2025-06-02T09:00:00Z');
  // No retirement of accounts here: the rule's read models may stay empty.
  const readStore = new SqliteReadStore(':memory:');
  const { bus, close } = await openCommandBus({ eventStore: store, readStore, clock });
  const actor = { username: 'generator', role: 'admin' as const };
  const ids = Array.from({ length: coops }, (_, i) => `C99${String(i).padStart(3, '0')}`);
  try {
    await Promise.all(
      ids.map(async (coopId) => {
        await bus.execute(
          new RegisterCoop(
            { type: 'RegisterCoop', coopId, department: '99', firstYear: 2024, identity: { name: `Coopérative ${coopId}`, mandataires: [] } },
            commandContext(actor),
          ),
        );
        for (let n = 1; n <= perCoop; n++) {
          const amount = 100 * n;
          await bus.execute(
            new ExecuteLedgerCommand(
              coopId,
              2024,
              {
                type: 'RecordEntry',
                entryId: `${coopId}_e${n}`,
                entry: {
                  pj: String(n),
                  date: '2024-10-01',
                  label: `Vente n°${n}`,
                  chequeNo: null,
                  actionA: n % 3 === 0 ? 'Photos' : null,
                  actionB: null,
                  lines: [
                    { account: '512', debit: amount },
                    { account: '7070', credit: amount },
                  ],
                },
              },
              commandContext(actor),
            ),
          );
        }
      }),
    );
  } finally {
    await close();
    await Promise.all([store.close(), readStore.close()]);
  }
}

/** Checkpoints of twins a rebuild writes alongside the live read models (read-only). */
function rebuiltCheckpoints(dataDir: string): number {
  try {
    const db = new Database(join(dataDir, 'read.sqlite'), { readonly: true, fileMustExist: true });
    try {
      return (db.prepare("SELECT count(*) AS n FROM checkpoints WHERE projection LIKE '%__rebuilt'").get() as { n: number }).n;
    } finally {
      db.close();
    }
  } catch {
    return 0;
  }
}
