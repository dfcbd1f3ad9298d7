import { type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { commandContext } from '../../src/commands/command-context';
import { CommandBus } from '@nestjs/cqrs';
import { CommandsModule } from '../../src/commands/commands.module';
import { RegisterCoop } from '../../src/commands/coop.commands';
import { ExecuteLedgerCommand } from '../../src/commands/ledger.commands';
import { type RecordedEvent } from '../../src/events/envelope';
import { SqliteEventStore } from '../../src/events/sqlite-event-store';
import { upcast } from '../../src/events/upcasters';
import { HealthController } from '../../src/http/health.controller';
import { VoucherStore } from '../../src/http/voucher-store';
import { DiskBlobStore } from '../../src/blobs/disk-blob-store';
import { WriteFailures } from '../../src/http/write-failures';
import { ALL_PROJECTIONS } from '../../src/projections';
import { readNotebook } from '../../src/reads/notebook-read';
import { type Projection } from '../../src/projections/projection';
import { type ProjectionStatus, Projector } from '../../src/projections/projector';
import { SqliteReadStore } from '../../src/projections/sqlite-read-store';
import { ACCOUNT_STORE, BLOB_STORE, CONFIG, EVENT_STORE, PROJECTOR, READ_STORE } from '../../src/tokens';
import { waitUntil } from '../support/spawn';
import { TestClock } from '../support/clock';

/**
 * A reducer bug on one real event: its projection stops AT that event (never past it) and says
 * so on /health while the others keep projecting; a restart with the bug retries the same event,
 * a restart with the fix resumes there and catches up.
 */
type Reducer = 'buggy' | 'fixed';

interface Folded {
  position: string;
  pj: string;
  by: Reducer;
}
interface JournalDoc extends Record<string, unknown> {
  stream: string;
  folded: Folded[];
}

/** One document per ledger stream listing the entries folded, and by which reducer. */
const entryJournal = (reducer: Reducer): Projection => ({
  name: 'entry-journal',
  // The fix keeps the version: a version bump would rebuild from zero instead of resuming.
  version: 1,
  collections: { entry_journal: { indexes: [] } },
  streamPrefixes: ['ledger-'],
  keysOf: (event) => (event.type === 'EntryRecorded' ? [{ collection: 'entry_journal', id: event.stream }] : []),
  evolve: (doc, event) => {
    const { pj, label } = event.data as { pj: string; label: string };
    if (reducer === 'buggy' && label.includes('€')) throw new Error('symbole monétaire inattendu dans le libellé');
    const previous = (doc as JournalDoc | null)?.folded ?? [];
    return { stream: event.stream, folded: [...previous, { position: event.position.toString(), pj, by: reducer }] } satisfies JournalDoc;
  },
});

const clock = new TestClock('2025-03-03T09:00:00Z');
const admin = { username: 'admin', role: 'admin' as const };
const STREAM = 'ledger-C14001-2024';

/** The server's moving parts over one DATA_DIR: stores, projector, command path and GET /health. */
class Instance {
  readonly events: SqliteEventStore;
  readonly read: SqliteReadStore;
  readonly projector: Projector;
  commands?: CommandBus;
  readonly errors: string[] = [];
  private app?: INestApplication;

  constructor(
    private readonly dataDir: string,
    reducer: Reducer,
  ) {
    this.events = new SqliteEventStore(join(dataDir, 'events.sqlite'), { pollIntervalMs: 20 });
    this.read = new SqliteReadStore(join(dataDir, 'read.sqlite'));
    this.projector = new Projector(this.events, this.read, [...ALL_PROJECTIONS, entryJournal(reducer)], {
      upcast,
      logger: { log: () => undefined, error: (message) => this.errors.push(message) },
    });
  }

  async start(): Promise<this> {
    await this.projector.start();
    const module = await Test.createTestingModule({
      imports: [CommandsModule.forRoot({ eventStore: this.events, readStore: this.read, clock })],
      controllers: [HealthController],
      providers: [
        { provide: EVENT_STORE, useValue: this.events },
        { provide: READ_STORE, useValue: this.read },
        // The health check pings the account store too: here the read store's file stands in for it.
        { provide: ACCOUNT_STORE, useValue: this.read },
        { provide: PROJECTOR, useValue: this.projector },
        { provide: CONFIG, useValue: { dataDir: this.dataDir } },
        { provide: BLOB_STORE, useValue: new DiskBlobStore(this.dataDir) },
        VoucherStore,
        WriteFailures,
      ],
    }).compile();
    this.app = module.createNestApplication({ logger: false });
    await this.app.init();
    this.commands = this.app.get(CommandBus);
    return this;
  }

  health(): request.Test {
    return request(this.app!.getHttpServer()).get('/health');
  }

  async record(pj: string, label: string, amount: number): Promise<RecordedEvent> {
    const entryId = `C14001_2024_${pj}`;
    const outcome = await this.commands!.execute(
      new ExecuteLedgerCommand(
        'C14001',
        2024,
        {
          type: 'RecordEntry',
          entryId,
          entry: {
            pj,
            date: '2025-02-10',
            label,
            chequeNo: null,
            actionA: null,
            actionB: null,
            lines: [
              { account: '512', debit: amount },
              { account: '7070', credit: amount },
            ],
          },
        },
        commandContext(admin),
      ),
    );
    // As the pages do: the answer waits until the running projections hold the entry.
    await this.projector.waitFor(outcome.position!);
    const recorded = (await this.events.readStream(STREAM)).find((e) => (e.data as { entryId?: string }).entryId === entryId);
    return recorded!;
  }

  async statusOf(name: string): Promise<ProjectionStatus> {
    return (await this.projector.status()).find((s) => s.name === name)!;
  }

  async close(): Promise<void> {
    await this.app?.close();
    await this.projector.stop();
    await this.events.close();
    await this.read.close();
  }
}

describe('a projection whose reducer throws on one event', () => {
  let dataDir: string;
  const instances: Instance[] = [];
  const open = async (reducer: Reducer): Promise<Instance> => {
    const instance = new Instance(dataDir, reducer);
    instances.push(instance);
    return instance.start();
  };

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'cahier-projection-failure-'));
  });

  afterEach(async () => {
    for (const instance of instances.splice(0)) await instance.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stops at that event, shows it on /health, lets the others go on, and resumes there once fixed', async () => {
    const first = await open('buggy');
    await first.commands!.execute(
      new RegisterCoop(
        { type: 'RegisterCoop', coopId: 'C14001', department: '14', firstYear: 2024, identity: { name: 'Coopérative Jules Ferry' } },
        commandContext(admin),
      ),
    );
    const before = [await first.record('01', 'Ventes de photos', 32000), await first.record('02', 'Kermesse', 12000)];
    const poison = await first.record('03', 'Tombola – lots à 2 €', 4500);
    // The command still succeeds: the event is stored, the other read models have it.
    const after = [await first.record('04', 'Vente de gâteaux', 8000), await first.record('05', 'Photos de classe', 15000)];
    const head = after[after.length - 1].position;

    const failedAt = { position: String(poison.position), stream: STREAM, revision: poison.revision, type: 'EntryRecorded' };
    const failed = await first.statusOf('entry-journal');
    expect(failed).toEqual({
      name: 'entry-journal',
      status: 'failed',
      position: String(poison.position - 1n),
      lag: Number(head - poison.position + 1n),
      failedAt,
      error: 'symbole monétaire inattendu dans le libellé',
    });
    expect(await first.read.getCheckpoint('entry-journal')).toBe(poison.position - 1n);
    expect(journal(await first.read.get<JournalDoc>('entry_journal', STREAM))).toEqual(before.map((e) => [String(e.position), 'buggy']));
    expect(first.errors.join('\n')).toContain(`PROJECTION entry-journal STOPPED at EntryRecorded (${STREAM}#${poison.revision}, position ${poison.position})`);

    for (const projection of ALL_PROJECTIONS) {
      expect(await first.statusOf(projection.name)).toEqual({ name: projection.name, status: 'running', position: String(head), lag: 0 });
    }
    const notebook = await readNotebook(first.read, { coopId: 'C14001', firstYear: 2024 }, 2024);
    expect(notebook!.entries.map((e) => e.pj)).toEqual(['01', '02', '03', '04', '05']);

    const health = await first.health();
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: 'degraded', eventStore: { ok: true }, readStore: { ok: true } });
    expect(health.body.projections).toEqual(JSON.parse(JSON.stringify(await first.projector.status())));
    expect(health.body.projections.find((p: ProjectionStatus) => p.name === 'entry-journal')).toMatchObject({ status: 'failed', failedAt });
    await first.close();

    // Restarted with the bug still there: it retries the very same event, and stops there again.
    const stillBuggy = await open('buggy');
    // It fails asynchronously, once its subscription delivers the event.
    const again = await waitUntil('entry-journal to fail again', 5000, async () => {
      const status = await stillBuggy.statusOf('entry-journal');
      return status.status === 'failed' ? status : undefined;
    });
    expect(again).toMatchObject({ status: 'failed', failedAt, position: String(poison.position - 1n) });
    expect(journal(await stillBuggy.read.get<JournalDoc>('entry_journal', STREAM))).toEqual(before.map((e) => [String(e.position), 'buggy']));
    await stillBuggy.close();

    // Restarted with the fix: it resumes at the failed event and catches up, each entry once.
    const fixed = await open('fixed');
    await fixed.projector.waitFor(head);
    expect(await fixed.statusOf('entry-journal')).toEqual({ name: 'entry-journal', status: 'running', position: String(head), lag: 0 });
    expect(journal(await fixed.read.get<JournalDoc>('entry_journal', STREAM))).toEqual([
      ...before.map((e) => [String(e.position), 'buggy']),
      ...[poison, ...after].map((e) => [String(e.position), 'fixed']),
    ]);
    const healthy = await fixed.health();
    expect(healthy.status).toBe(200);
    expect(healthy.body.status).toBe('ok');
    expect(healthy.body.projections.every((p: ProjectionStatus) => p.status === 'running' && p.lag === 0)).toBe(true);
  });
});

const journal = (doc: JournalDoc | null): Array<[string, Reducer]> => (doc?.folded ?? []).map((f) => [f.position, f.by]);
