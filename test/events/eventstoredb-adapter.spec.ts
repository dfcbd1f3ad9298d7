import { BACKWARDS, END, FORWARDS, type KurrentDBClient, type ReadAllOptions } from '@kurrent/kurrentdb-client';
import { currentScheme, EventStoreDbEventStore } from '../../src/events/eventstoredb-event-store';
import { STREAM_PREFIXES } from '../../src/events/streams';

/** What a KurrentDB server sends for one event of $all. */
const resolved = (streamId: string, commit: bigint, type = 'EntryRecorded') => ({
  event: {
    id: `id-${commit}`,
    streamId,
    revision: 0n,
    position: { commit, prepare: commit },
    type,
    isJson: true,
    data: {},
    metadata: { actor: 'jferry' },
  },
});

/** A client that answers readAll from a list and keeps every call's options (no server here). */
function fakeClient(events: Array<ReturnType<typeof resolved>>) {
  const calls: ReadAllOptions[] = [];
  const client = {
    readAll(options: ReadAllOptions = {}) {
      calls.push(options);
      const prefixes = (options.filter as { prefixes?: string[] } | undefined)?.prefixes ?? [];
      const matching = events.filter((e) => prefixes.length === 0 || prefixes.some((p) => e.event.streamId.startsWith(p)));
      const ordered = options.direction === BACKWARDS ? [...matching].reverse() : matching;
      const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
      return (async function* () {
        yield* ordered.slice(0, max);
      })();
    },
    dispose: async () => undefined,
  };
  return { client: client as unknown as KurrentDBClient, calls };
}

describe('EventStoreDB adapter on the KurrentDB client', () => {
  it('takes esdb:// URLs as kurrentdb:// ones (the client warns on the old name)', async () => {
    expect(currentScheme('esdb://localhost:2113?tls=false')).toBe('kurrentdb://localhost:2113?tls=false');
    expect(currentScheme('esdb+discover://a,b,c?tls=false')).toBe('kurrentdb+discover://a,b,c?tls=false');
    expect(currentScheme('kurrentdb://localhost:2113?tls=false')).toBe('kurrentdb://localhost:2113?tls=false');
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      // No server needed: the connection opens on first use.
      const store = await EventStoreDbEventStore.connect('esdb://localhost:2113?tls=false');
      expect(warn).not.toHaveBeenCalled();
      await store.close();
    } finally {
      warn.mockRestore();
    }
  });

  it('a rebuild reads $all filtered on the server by our stream prefixes, not every event', async () => {
    const { client, calls } = fakeClient([
      resolved('$stats-127.0.0.1:2113', 1n, '$statsCollected'),
      resolved('ledger-C14001-2026', 2n),
      resolved('other-app-1', 3n, 'Whatever'),
      resolved('coop-C14001', 4n, 'CoopRegistered'),
    ]);
    const store = new EventStoreDbEventStore(client);
    const read: string[] = [];
    for await (const event of store.readAll({ streamPrefixes: ['ledger-'] })) read.push(event.stream);
    expect(read).toEqual(['ledger-C14001-2026']);
    expect(calls[0]).toMatchObject({ direction: FORWARDS, filter: { prefixes: ['ledger-'] } });

    const everything: string[] = [];
    for await (const event of store.readAll()) everything.push(event.stream);
    expect(everything).toEqual(['ledger-C14001-2026', 'coop-C14001']);
    expect(calls[1]).toMatchObject({ filter: { prefixes: STREAM_PREFIXES } });
  });

  it('/health reads one event backwards from the end, never pages through $all', async () => {
    const { client, calls } = fakeClient([resolved('ledger-C14001-2026', 10n), resolved('coop-C14002', 20n), resolved('$stats-x', 30n, '$statsCollected')]);
    const store = new EventStoreDbEventStore(client);
    expect(await store.headPosition()).toBe(20n);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ fromPosition: END, direction: BACKWARDS, maxCount: 1, filter: { prefixes: STREAM_PREFIXES } });

    const empty = fakeClient([resolved('$stats-x', 30n, '$statsCollected')]);
    expect(await new EventStoreDbEventStore(empty.client).headPosition()).toBeNull();
    expect(empty.calls).toHaveLength(1);
  });
});
