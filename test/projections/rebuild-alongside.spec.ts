import Database from 'better-sqlite3';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/events/sqlite-event-store';
import { Projector } from '../../src/projections/projector';
import { type ProjectionBatch, type ProjectionSwitch, type ReadStore } from '../../src/projections/read-store';
import { rebuildAlongside } from '../../src/projections/rebuild-alongside';
import { SqliteReadStore } from '../../src/projections/sqlite-read-store';
import { documents, newEvent, RecordingLogger, streamCounts, TestStores, typeCounts } from './support/counting-projections';

const STREAMS = ['ledger-c0-2024', 'ledger-c1-2024', 'ledger-c2-2024'];
const projections = () => [streamCounts(), typeCounts()];

/**
 * projections:rebuild while the server runs: the server is a started Projector on the read store;
 * the CLI is another connection to the same two files, rebuilding alongside and switching in.
 */
describe('a rebuild alongside the live read models, switched in once caught up', () => {
  let stores: TestStores;
  let logger: RecordingLogger;
  let server: Projector;
  let cli: { events: SqliteEventStore; read: SqliteReadStore };
  const appended = new Map<string, number>();

  const append = async (stream: string): Promise<bigint> => {
    appended.set(stream, (appended.get(stream) ?? 0) + 1);
    return stores.append(stream, newEvent('EntryRecorded'));
  };
  const liveCounts = async (): Promise<Record<string, number>> =>
    Object.fromEntries(Object.entries(await documents(stores.read, 'stream_counts', 'stream')).map(([stream, doc]) => [stream, doc.count as number]));

  beforeEach(async () => {
    stores = new TestStores();
    logger = new RecordingLogger();
    appended.clear();
    for (let i = 0; i < 30; i++) await append(STREAMS[i % 3]);
    server = new Projector(stores.events, stores.read, projections(), { batchSize: 7, logger });
    await server.start();
    await server.waitFor((await stores.events.headPosition())!);
    cli = { events: new SqliteEventStore(join(stores.dir, 'events.sqlite')), read: new SqliteReadStore(join(stores.dir, 'read.sqlite')) };
  });

  afterEach(async () => {
    await server.stop();
    await cli.events.close();
    await cli.read.close();
    await stores.dispose();
  });

  /** The CLI's read store, with `before` run ahead of each of its batches and of the switch. */
  const watched = (before: { batch?: () => Promise<void>; switch?: () => Promise<void> }): ReadStore =>
    Object.create(cli.read, {
      applyBatches: {
        value: async (batches: ProjectionBatch[]) => {
          await before.batch?.();
          return cli.read.applyBatches(batches);
        },
      },
      switchProjections: {
        value: async (switches: ProjectionSwitch[]) => {
          await before.switch?.();
          return cli.read.switchProjections(switches);
        },
      },
    }) as ReadStore;

  it('serves the live documents all along, then the rebuilt ones, and the server follows on from them', async () => {
    const during: Array<Record<string, number>> = [];
    const store = watched({
      batch: async () => {
        during.push(await liveCounts());
        // Written while the rebuild runs: the replay reaches it before it ends.
        if (during.length === 2) await server.waitFor(await append('ledger-c1-2024'));
      },
      // Written after the replay ended, before the switch: the server has it, the rebuilt documents not yet.
      switch: async () => void (await server.waitFor(await append('ledger-c2-2024'))),
    });

    await rebuildAlongside(cli.events, store, projections(), { rebuildBatchSize: 5, logger: new RecordingLogger() });
    await server.waitFor(await append('ledger-c0-2024'));

    // Never dark: every read during the rebuild found every stream's count, never fewer events.
    expect(during.length).toBeGreaterThan(5);
    for (const counts of during) {
      expect(Object.keys(counts).sort()).toEqual(STREAMS);
      for (const stream of STREAMS) expect(counts[stream]).toBeGreaterThanOrEqual(10);
    }
    // The server found its checkpoint moved at its next batch and folded again from the rebuilt one.
    expect(await liveCounts()).toEqual(Object.fromEntries(appended));
    expect((await documents(stores.read, 'totals', 'id')).all.count).toBe(33);
    expect(logger.logs.some((line) => line.includes('rebuilt and switched in'))).toBe(true);
    expect(logger.errors).toEqual([]);
    expect(await stores.read.getCheckpoint('stream-counts')).toBe(await stores.events.headPosition());
  });

  it('leaves no twin behind and keeps one index per declared field across a restart', async () => {
    await rebuildAlongside(cli.events, cli.read, projections(), { logger: new RecordingLogger() });
    await server.stop();
    server = new Projector(stores.events, stores.read, projections(), { batchSize: 7, logger });
    await server.start();
    await rebuildAlongside(cli.events, cli.read, projections(), { logger: new RecordingLogger() });

    const raw = new Database(join(stores.dir, 'read.sqlite'), { readonly: true });
    const tables = (
      raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'doc_%' ORDER BY name").all() as Array<{ name: string }>
    ).map((t) => t.name);
    const indexes = raw.prepare("SELECT count(*) AS n FROM pragma_index_list('doc_stream_counts') WHERE origin = 'c'").get() as { n: number };
    const checkpoints = (raw.prepare('SELECT projection FROM checkpoints ORDER BY projection').all() as Array<{ projection: string }>).map((c) => c.projection);
    raw.close();
    expect(tables).toEqual(['doc_projection_versions', 'doc_stream_counts', 'doc_totals', 'doc_type_counts']);
    expect(indexes.n).toBe(2);
    expect(checkpoints).toEqual(['stream-counts', 'type-counts']);
    expect(await liveCounts()).toEqual(Object.fromEntries(appended));
  });

  it('rebuilds a store no server has opened yet', async () => {
    const fresh = new SqliteReadStore(join(stores.dir, 'fresh.sqlite'));
    try {
      await rebuildAlongside(cli.events, fresh, projections(), { logger: new RecordingLogger() });
      expect(Object.keys(await documents(fresh, 'stream_counts', 'stream')).sort()).toEqual(STREAMS);
      expect(await fresh.getCheckpoint('type-counts')).toBe(await stores.events.headPosition());
    } finally {
      await fresh.close();
    }
  });

  it('interrupted, leaves the live read models as they were; the next run completes', async () => {
    let batches = 0;
    const failing = watched({
      batch: async () => {
        if (++batches === 3) throw new Error('the CLI was stopped');
      },
    });
    const before = await liveCounts();

    await expect(rebuildAlongside(cli.events, failing, projections(), { rebuildBatchSize: 5, logger: new RecordingLogger() })).rejects.toThrow(
      'the CLI was stopped',
    );
    expect(await liveCounts()).toEqual(before);
    await server.waitFor(await append('ledger-c0-2024'));

    await rebuildAlongside(cli.events, cli.read, projections(), { rebuildBatchSize: 5, logger: new RecordingLogger() });
    await server.waitFor(await append('ledger-c1-2024'));
    expect(await liveCounts()).toEqual(Object.fromEntries(appended));
  });
});
