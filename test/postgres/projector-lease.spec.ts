import { Client } from 'pg';
import { PostgresEventStore } from '../../src/events/postgres-event-store';
import { PostgresProjectorLease, PROJECTOR_LOCK } from '../../src/projections/postgres-projector-lease';
import { PostgresReadStore } from '../../src/projections/postgres-read-store';
import { Projector } from '../../src/projections/projector';
import { documents, newEvent, RecordingLogger, streamCounts } from '../projections/support/counting-projections';
import { waitUntil } from '../support/spawn';
import { describePostgres, freshDatabase } from '../support/postgres';

jest.setTimeout(60_000);

/** DESIGN.md "Beyond one machine": one projector at a time, the others wait for its checkpoints. */
describePostgres('the projector lease on PostgreSQL (several instances on one database)', () => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let events: PostgresEventStore;
  const opened: Array<{ close(): Promise<void> }> = [];
  const projectors: Projector[] = [];

  /** An instance: its own read-store pool and lease session, as a separate process has. */
  const instance = async (): Promise<{ projector: Projector; lease: PostgresProjectorLease; logger: RecordingLogger }> => {
    const read = await PostgresReadStore.connect(database.url);
    opened.push(read);
    const lease = new PostgresProjectorLease(database.url);
    const logger = new RecordingLogger();
    const projector = new Projector(events, read, [streamCounts()], { lease, logger, leasePollMs: 100 });
    projectors.push(projector);
    await projector.start();
    return { projector, lease, logger };
  };

  beforeEach(async () => {
    database = await freshDatabase();
    events = await PostgresEventStore.connect(database.url);
  });

  afterEach(async () => {
    for (const projector of projectors.splice(0)) await projector.stop();
    for (const store of opened.splice(0)) await store.close();
    await events.close();
    await database.drop();
  });

  it('one instance projects; another waits for its checkpoints and reads its own write', async () => {
    const a = await instance();
    const b = await instance();
    expect([a.projector.active, b.projector.active]).toEqual([true, false]);

    const position = (await events.append('ledger-c1-2024', [newEvent('EntryRecorded'), newEvent('EntryRecorded')], 'no_stream')).position;
    await b.projector.waitFor(position);
    const read = await PostgresReadStore.connect(database.url);
    opened.push(read);
    expect(await documents(read, 'stream_counts', 'stream')).toMatchObject({ 'ledger-c1-2024': { count: 2 } });
    // The follower's status is the holder's checkpoints.
    expect(await b.projector.status()).toEqual([{ name: 'stream-counts', status: 'running', position: String(position), lag: 0 }]);
  });

  it('when the holding session dies, another instance takes over and folds what was written meanwhile', async () => {
    const a = await instance();
    const b = await instance();
    const first = (await events.append('ledger-c1-2024', [newEvent('EntryRecorded')], 'no_stream')).position;
    await b.projector.waitFor(first);

    // The holder's session ends as a killed process's would: the server frees the lock.
    await terminateLeaseSession(database.url);
    await waitUntil('the other instance to project', 20_000, async () => (b.projector.active ? true : undefined));
    await waitUntil('the first to know it lost the lease', 20_000, async () => (a.projector.active ? undefined : true));
    expect(a.logger.errors.join('\n')).toContain('lease was lost');

    const second = (await events.append('ledger-c1-2024', [newEvent('EntryRecorded')], 0)).position;
    await a.projector.waitFor(second);
    const read = await PostgresReadStore.connect(database.url);
    opened.push(read);
    expect((await documents(read, 'stream_counts', 'stream'))['ledger-c1-2024'].count).toBe(2);
  });

  it('a stopped holder hands over; a write waited for on the follower times out as ProjectionsBehind when nobody projects', async () => {
    const a = await instance();
    const b = await instance();
    await a.projector.stop();
    await waitUntil('the other instance to project', 20_000, async () => (b.projector.active ? true : undefined));
    await b.projector.stop();
    const c = await instance();
    expect(c.projector.active).toBe(true);
    // A follower with no holder: its wait ends in ProjectionsBehind (the 503 'enregistré, affichage en retard').
    const blocker = new Client({ connectionString: database.url });
    await blocker.connect();
    try {
      await c.projector.stop();
      await blocker.query('SELECT pg_advisory_lock($1)', [PROJECTOR_LOCK]);
      const d = await instance();
      expect(d.projector.active).toBe(false);
      const position = (await events.append('ledger-c2-2024', [newEvent('EntryRecorded')], 'no_stream')).position;
      await expect(d.projector.waitFor(position, 300)).rejects.toMatchObject({ name: 'ProjectionsBehind' });
    } finally {
      await blocker.end();
    }
  });
});

/** Ends, from outside, the session holding the projector's advisory lock. */
async function terminateLeaseSession(url: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT pg_terminate_backend(pid) AS ended FROM pg_locks
       WHERE locktype = 'advisory' AND objid = $1 AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [PROJECTOR_LOCK],
    );
    expect(rows).toEqual([{ ended: true }]);
  } finally {
    await client.end();
  }
}
