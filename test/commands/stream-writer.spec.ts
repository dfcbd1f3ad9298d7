import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandContext } from '../../src/commands/command-context';
import { eventIdFor, type Fold, StreamWriter } from '../../src/commands/stream-writer';
import { type NewEvent } from '../../src/events/envelope';
import { type EventStore, type ExpectedRevision, WrongExpectedRevision } from '../../src/events/event-store';
import { SqliteEventStore } from '../../src/events/sqlite-event-store';
import { TestClock } from '../support/clock';

/**
 * The StreamWriter: load → decide → append with the expected revision → on a conflict decide
 * again. A small counter stream stands for any aggregate: `Added` events, a state that sums them.
 */
type Added = { type: 'Added'; data: { amount: number } };
const counter: Fold<{ total: number }, Added> = { initial: () => ({ total: 0 }), evolve: (s, e) => ({ total: s.total + e.data.amount }) };
const add = (amount: number) => (): Added[] => [{ type: 'Added', data: { amount } }];
const clock = new TestClock('2025-03-03T09:00:00Z');
const actor = { username: 'jferry', role: 'mandataire' as const };

/** The store under test, with its appends' expected revisions noted and a hook before each. */
class WatchedStore {
  readonly expected: ExpectedRevision[] = [];
  beforeAppend: () => Promise<void> = async () => undefined;
  constructor(readonly inner: EventStore) {}
  async append(stream: string, events: NewEvent[], expected: ExpectedRevision) {
    this.expected.push(expected);
    const hook = this.beforeAppend;
    this.beforeAppend = async () => undefined;
    await hook();
    return this.inner.append(stream, events, expected);
  }
  readStream(stream: string, options?: { fromRevision?: number }) {
    return this.inner.readStream(stream, options);
  }
  asStore(): EventStore {
    return this as unknown as EventStore;
  }
}

describe('StreamWriter', () => {
  let dir: string;
  let store: SqliteEventStore;
  let watched: WatchedStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cahier-writer-'));
    store = new SqliteEventStore(join(dir, 'events.sqlite'));
    watched = new WatchedStore(store);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const totalOf = async (stream: string) => (await store.readStream(stream)).reduce((sum, e) => sum + (e.data as { amount: number }).amount, 0);

  it('creates a stream with no_stream, then appends at the revision it folded', async () => {
    const writer = new StreamWriter(watched.asStore(), clock);
    const first = await writer.execute('counter-1', counter, add(5), commandContext(actor));
    const second = await writer.execute('counter-1', counter, add(7), commandContext(actor));
    expect(watched.expected).toEqual(['no_stream', 0]);
    expect([first.revision, second.revision]).toEqual([0, 1]);
    expect(await totalOf('counter-1')).toBe(12);
  });

  it('decides again on the new state when another writer appended meanwhile', async () => {
    const writer = new StreamWriter(watched.asStore(), clock);
    const other = new StreamWriter(store, clock);
    await writer.execute('counter-2', counter, add(1), commandContext(actor));
    // Another process appends between this writer's load and its append.
    watched.beforeAppend = async () => void (await other.execute('counter-2', counter, add(10), commandContext(actor)));
    const seen: number[] = [];
    const outcome = await writer.execute(
      'counter-2',
      counter,
      (state) => {
        seen.push(state.total);
        // A decision that holds only while the total stays under 20.
        return state.total < 20 ? [{ type: 'Added', data: { amount: 2 } }] : [];
      },
      commandContext(actor),
    );
    expect(seen).toEqual([1, 11]);
    expect(watched.expected).toEqual(['no_stream', 0, 1]);
    expect(outcome.revision).toBe(2);
    expect(await totalOf('counter-2')).toBe(13);
  });

  it('runs one process’s commands on a stream one after the other: twenty at once meet no conflict', async () => {
    const pauses: number[] = [];
    const writer = new StreamWriter(watched.asStore(), clock, { pause: async (ms) => void pauses.push(ms) });
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => writer.execute('counter-q', counter, add(i + 1), commandContext(actor))));
    expect(pauses).toEqual([]);
    expect(watched.expected).toEqual(['no_stream', ...Array.from({ length: 19 }, (_, i) => i)]);
    expect(outcomes.map((o) => o.revision)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(await totalOf('counter-q')).toBe(210);
  });

  it('keeps a stream’s queue going after a command that failed', async () => {
    const writer = new StreamWriter(watched.asStore(), clock);
    const failing = writer.execute(
      'counter-f',
      counter,
      () => {
        throw new Error('refused');
      },
      commandContext(actor),
    );
    const next = writer.execute('counter-f', counter, add(3), commandContext(actor));
    await expect(failing).rejects.toThrow('refused');
    expect((await next).revision).toBe(0);
  });

  it('a second writer creating the same stream meets no_stream, then decides on the first one’s event', async () => {
    const writer = new StreamWriter(watched.asStore(), clock);
    const other = new StreamWriter(store, clock);
    watched.beforeAppend = async () => void (await other.execute('counter-3', counter, add(4), commandContext(actor)));
    const seen: number[] = [];
    await writer.execute(
      'counter-3',
      counter,
      (state) => {
        seen.push(state.total);
        return add(3)();
      },
      commandContext(actor),
    );
    expect(seen).toEqual([0, 4]);
    expect(watched.expected).toEqual(['no_stream', 0]);
    expect(await totalOf('counter-3')).toBe(7);
  });

  it('has one effect for a command id sent again after its stream left the hot cache', async () => {
    const writer = new StreamWriter(store, clock, { hotStreams: 1 });
    const context = commandContext(actor, 'retry-after-eviction-1');
    const first = await writer.execute('counter-4', counter, add(6), context);
    await writer.execute('counter-5', counter, add(1), commandContext(actor)); // evicts counter-4
    const again = await writer.execute('counter-4', counter, add(6), context);
    expect(again).toMatchObject({ appended: 0, revision: first.revision, position: first.position });
    expect(await totalOf('counter-4')).toBe(6);
  });

  it('has one effect for a command id sent again to a new writer (a restart)', async () => {
    const context = commandContext(actor, 'retry-after-restart-1');
    const first = await new StreamWriter(store, clock).execute('counter-6', counter, add(8), context);
    const again = await new StreamWriter(store, clock).execute('counter-6', counter, add(8), context);
    expect(again).toMatchObject({ appended: 0, revision: first.revision, position: first.position });
    expect(await totalOf('counter-6')).toBe(8);
  });

  it('derives event ids from the command id, the stream and the index', async () => {
    const writer = new StreamWriter(store, clock);
    await writer.execute('counter-7', counter, () => [...add(1)(), ...add(2)()], commandContext(actor, 'deterministic-ids-1'));
    const ids = (await store.readStream('counter-7')).map((e) => e.id);
    expect(ids).toEqual([eventIdFor('deterministic-ids-1', 'counter-7', 0), eventIdFor('deterministic-ids-1', 'counter-7', 1)]);
    expect(eventIdFor('deterministic-ids-1', 'counter-7', 0)).toBe(eventIdFor('deterministic-ids-1', 'counter-7', 0));
    expect(eventIdFor('deterministic-ids-1', 'counter-8', 0)).not.toBe(ids[0]);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('gives up after a bounded number of conflicts, backing off longer each time', async () => {
    const pauses: number[] = [];
    const always = {
      readStream: async () => [],
      append: async (stream: string) => {
        throw new WrongExpectedRevision(stream, 'no_stream', 0);
      },
    } as unknown as EventStore;
    const writer = new StreamWriter(always, clock, { pause: async (ms) => void pauses.push(ms) });
    let decisions = 0;
    await expect(
      writer.execute(
        'counter-9',
        counter,
        () => {
          decisions++;
          return add(1)();
        },
        commandContext(actor),
      ),
    ).rejects.toBeInstanceOf(WrongExpectedRevision);
    expect(decisions).toBe(10);
    expect(pauses).toHaveLength(9);
    for (let i = 1; i < pauses.length; i++) expect(pauses[i]).toBeGreaterThanOrEqual(pauses[i - 1]);
    expect(pauses[pauses.length - 1]).toBeGreaterThan(pauses[0]);
  });
});
