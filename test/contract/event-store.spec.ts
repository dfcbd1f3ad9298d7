import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { type RecordedEvent } from '../../src/events/envelope';
import { WrongExpectedRevision } from '../../src/events/event-store';
import { EventStoreDbEventStore } from '../../src/events/eventstoredb-event-store';
import { SqliteEventStore } from '../../src/events/sqlite-event-store';
import { coopStream, ledgerStream } from '../../src/events/streams';
import { eventStoreContract } from './event-store.contract';
import { collect, ids, reconciledEvents, uniqueCoopId, waitUntil } from './event-fixtures';

/** The promise of the design: another process's append is seen live within 200 ms. */
const OTHER_PROCESS_DEADLINE_MS = 200;

const tempDirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cahier-events-'));
  tempDirs.push(dir);
  return join(dir, 'events.db');
}
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

eventStoreContract('SqliteEventStore', async () => new SqliteEventStore(tempFile()));

if (process.env.EVENTSTORE_URL) {
  const url = process.env.EVENTSTORE_URL;
  eventStoreContract('EventStoreDbEventStore', () => EventStoreDbEventStore.connect(url));
} else {
  console.log('EventStoreDB contract: skipped (EVENTSTORE_URL not set)');
}

describe('SqliteEventStore, beyond the contract', () => {
  let file: string;
  let store: SqliteEventStore;

  beforeEach(() => {
    file = tempFile();
    store = new SqliteEventStore(file);
  });

  afterEach(async () => {
    await store.close();
  });

  it('keeps the log in WAL mode, and keeps it across a reopening', async () => {
    const stream = ledgerStream(uniqueCoopId(), 2025);
    const first = await store.append(stream, reconciledEvents(2), 'no_stream');
    await store.close();
    store = new SqliteEventStore(file);

    const second = await store.append(coopStream(uniqueCoopId()), reconciledEvents(1), 'no_stream');

    expect(await store.readStream(stream)).toHaveLength(2);
    expect(second.position).toBe(first.position + 1n);
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  it('commits 50 concurrent appends on distinct streams together; a conflicting one in the group fails alone', async () => {
    const taken = coopStream(uniqueCoopId());
    await store.append(taken, reconciledEvents(1), 'no_stream');
    const contested = coopStream(uniqueCoopId());
    const appends = Array.from({ length: 50 }, () => ({ stream: ledgerStream(uniqueCoopId(), 2025), events: reconciledEvents(2) }));

    const outcomes = await Promise.allSettled([
      ...appends.map((a) => store.append(a.stream, a.events, 'no_stream')),
      store.append(taken, reconciledEvents(1), 'no_stream'),
      store.append(contested, reconciledEvents(1), 'no_stream'),
      store.append(contested, reconciledEvents(1), 'no_stream'),
    ]);

    expect(outcomes.slice(0, 50).every((o) => o.status === 'fulfilled')).toBe(true);
    expect(outcomes[50]).toMatchObject({ status: 'rejected', reason: expect.any(WrongExpectedRevision) });
    expect(outcomes[51].status).toBe('fulfilled');
    expect(outcomes[52]).toMatchObject({ status: 'rejected', reason: { stream: contested, actual: 0 } });
    for (const { stream, events } of appends) expect(ids(await store.readStream(stream))).toEqual(ids(events));
    expect(await store.readStream(taken)).toHaveLength(1);
    expect(await store.readStream(contested)).toHaveLength(1);
  });

  it('answers a retry queued in the same group as the original with the same result, one copy', async () => {
    const stream = ledgerStream(uniqueCoopId(), 2025);
    const events = reconciledEvents(2);

    const [original, retried] = await Promise.all([store.append(stream, events, 'no_stream'), store.append(stream, events, 'no_stream')]);

    expect(retried).toEqual(original);
    expect(await store.readStream(stream)).toHaveLength(2);
  });

  it('refuses an event id already recorded in another stream', async () => {
    const events = reconciledEvents(1);
    await store.append(ledgerStream(uniqueCoopId(), 2025), events, 'no_stream');

    const error = await store.append(ledgerStream(uniqueCoopId(), 2025), events, 'no_stream').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(WrongExpectedRevision);
  });

  it('delivers batches of at most 500 events, all of them, in order', async () => {
    const stream = ledgerStream(uniqueCoopId(), 2025);
    const events = reconciledEvents(1200);
    await store.append(stream, events, 'no_stream');
    const sizes: number[] = [];
    const seen: RecordedEvent[] = [];

    const subscription = store.subscribeAll(null, async (batch) => {
      sizes.push(batch.length);
      seen.push(...batch);
    });
    await waitUntil(() => seen.length >= 1200, 5000, '1200 événements');
    await subscription.stop();

    expect(Math.max(...sizes)).toBeLessThanOrEqual(500);
    expect(ids(seen)).toEqual(ids(events));
    expect(ids(await collect(store.readAll({ fromPosition: seen[499].position, maxCount: 501 })))).toEqual(ids(events.slice(500, 1001)));
  });

  it('sees live, within 200 ms, what another connection to the same file appends', async () => {
    const other = new SqliteEventStore(file);
    const coop = uniqueCoopId();
    const seen: RecordedEvent[] = [];
    const subscription = store.subscribeAll(await store.headPosition(), async (batch) => void seen.push(...batch), {
      streamPrefixes: [`coop-${coop}`],
    });
    const events = reconciledEvents(2);

    await other.append(coopStream(coop), events, 'no_stream');
    await waitUntil(() => seen.length >= 2, OTHER_PROCESS_DEADLINE_MS, "événements ajoutés par l'autre connexion");

    await subscription.stop();
    await other.close();
    expect(ids(seen)).toEqual(ids(events));
  });

  it('sees live, within 200 ms, what another process (plain better-sqlite3) inserts', async () => {
    const coop = uniqueCoopId();
    const stream = coopStream(coop);
    const [event] = reconciledEvents(1);
    const seen: RecordedEvent[] = [];
    const subscription = store.subscribeAll(await store.headPosition(), async (batch) => void seen.push(...batch), {
      streamPrefixes: [`coop-${coop}`],
    });
    const insert = `
      const Database = require('better-sqlite3');
      const db = new Database(process.argv[1]);
      db.pragma('busy_timeout = 5000');
      db.prepare('INSERT INTO events (id, stream, revision, type, data, metadata) VALUES (?, ?, 0, ?, ?, ?)')
        .run(process.argv[2], process.argv[3], process.argv[4], process.argv[5], process.argv[6]);
      db.close();`;

    await promisify(execFile)(
      process.execPath,
      ['-e', insert, file, event.id, stream, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata)],
      { cwd: resolve(__dirname, '../..') },
    );
    await waitUntil(() => seen.length >= 1, OTHER_PROCESS_DEADLINE_MS, "événement inséré par l'autre processus");

    await subscription.stop();
    expect(seen.map((e) => ({ id: e.id, stream: e.stream, revision: e.revision, metadata: e.metadata }))).toEqual([
      { id: event.id, stream, revision: 0, metadata: event.metadata },
    ]);
  });

  it('stops its subscriptions and refuses work once closed', async () => {
    const seen: RecordedEvent[] = [];
    const errors: Error[] = [];
    store.subscribeAll(null, async (batch) => void seen.push(...batch), { onError: (e) => errors.push(e) });
    await store.append(coopStream(uniqueCoopId()), reconciledEvents(1), 'no_stream');
    await waitUntil(() => seen.length === 1, 5000, 'premier événement');

    await store.close();

    await expect(store.append(coopStream(uniqueCoopId()), reconciledEvents(1), 'no_stream')).rejects.toThrow(/injoignable/);
    await expect(store.ping()).rejects.toThrow(/injoignable/);
    expect(errors).toEqual([]);
  });
});
