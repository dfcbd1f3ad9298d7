import { type RecordedEvent } from '../../src/events/envelope';
import { type EventStore, WrongExpectedRevision } from '../../src/events/event-store';
import { verifyChain } from '../../src/events/hash-chain';
import { coopStream, ledgerStream } from '../../src/events/streams';
import { collect, ids, reconciledEvents, uniqueCoopId, waitUntil } from './event-fixtures';

/** Live delivery deadline: generous for a loaded CI machine, far below anything a user notices. */
const LIVE_DEADLINE_MS = 5000;

/**
 * The EventStore contract: every adapter passes the very same tests. Streams are unique per
 * test, so the suite runs on a shared server.
 */
export function eventStoreContract(name: string, makeStore: () => Promise<EventStore>, cleanup?: () => Promise<void>): void {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;

    beforeAll(async () => {
      store = await makeStore();
    });

    afterAll(async () => {
      await store?.close();
      await cleanup?.();
    });

    /** Where the log is now: what a test appends comes strictly after. */
    const here = async (): Promise<bigint | null> => store.headPosition();

    it('gives back what was appended: type, data, metadata with its hashes, revision, position', async () => {
      const stream = ledgerStream(uniqueCoopId(), 2025);
      const events = reconciledEvents(3);

      const result = await store.append(stream, events, 'no_stream');
      const read = await store.readStream(stream);

      expect(result.revision).toBe(2);
      expect(typeof result.position).toBe('bigint');
      expect(read.map((e) => ({ id: e.id, type: e.type, data: e.data, metadata: e.metadata }))).toEqual(events);
      expect(read.map((e) => e.stream)).toEqual([stream, stream, stream]);
      expect(read.map((e) => e.revision)).toEqual([0, 1, 2]);
      expect(read[2].position).toBe(result.position);
      expect(read[0].position < read[1].position && read[1].position < read[2].position).toBe(true);
      expect(verifyChain(read)).toBe(true);
      expect(ids(await store.readStream(stream, { fromRevision: 1 }))).toEqual(ids(events.slice(1)));
    });

    it('reads an unknown stream as empty', async () => {
      expect(await store.readStream(ledgerStream(uniqueCoopId(), 2025))).toEqual([]);
    });

    it('reads named streams together in global order, and nothing of the streams not named', async () => {
      const coop = uniqueCoopId();
      const [identity, year, other, next] = [coopStream(coop), ledgerStream(coop, 2025), ledgerStream(uniqueCoopId(), 2025), ledgerStream(coop, 2026)];
      const first = await store.append(year, reconciledEvents(2), 'no_stream');
      await store.append(other, reconciledEvents(2), 'no_stream');
      await store.append(identity, reconciledEvents(1), 'no_stream');
      await store.append(year, reconciledEvents(1, (await store.readStream(year))[1].metadata.hash), 1);

      const read = await store.readStreams([identity, year, next, identity]);

      expect(read.map((e) => [e.stream, e.revision])).toEqual([
        [year, 0],
        [year, 1],
        [identity, 0],
        [year, 2],
      ]);
      expect(read[1].position).toBe(first.position);
      expect(read.every((e, i) => i === 0 || read[i - 1].position < e.position)).toBe(true);
      expect(await store.readStreams([])).toEqual([]);
      expect(await store.readStreams([ledgerStream(uniqueCoopId(), 2025)])).toEqual([]);
    });

    it('appends at the expected revision and after it', async () => {
      const stream = coopStream(uniqueCoopId());
      const [first, second, third] = reconciledEvents(3);

      expect((await store.append(stream, [first], 'no_stream')).revision).toBe(0);
      expect((await store.append(stream, [second], 0)).revision).toBe(1);
      expect((await store.append(stream, [third], 'any')).revision).toBe(2);
      expect(ids(await store.readStream(stream))).toEqual([first.id, second.id, third.id]);
    });

    it("refuses 'no_stream' on an existing stream, naming the actual revision", async () => {
      const stream = ledgerStream(uniqueCoopId(), 2025);
      const [first, second] = reconciledEvents(2);
      await store.append(stream, [first], 'no_stream');

      const error = await store.append(stream, [second], 'no_stream').catch((e: unknown) => e);

      expect(error).toBeInstanceOf(WrongExpectedRevision);
      expect(error).toMatchObject({ stream, expected: 'no_stream', actual: 0 });
      expect(ids(await store.readStream(stream))).toEqual([first.id]);
    });

    it('refuses a revision that is not the last one, naming the actual one', async () => {
      const stream = ledgerStream(uniqueCoopId(), 2025);
      const [first, second, third] = reconciledEvents(3);
      await store.append(stream, [first, second], 'no_stream');

      const error = await store.append(stream, [third], 0).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(WrongExpectedRevision);
      expect(error).toMatchObject({ stream, expected: 0, actual: 1 });
    });

    it("refuses a revision on a stream that does not exist, with actual 'no_stream'", async () => {
      const stream = ledgerStream(uniqueCoopId(), 2025);

      const error = await store.append(stream, reconciledEvents(1), 3).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(WrongExpectedRevision);
      expect(error).toMatchObject({ stream, expected: 3, actual: 'no_stream' });
    });

    it('lets exactly one of two concurrent appends at the same revision win', async () => {
      const stream = ledgerStream(uniqueCoopId(), 2025);
      const [first] = reconciledEvents(1);
      await store.append(stream, [first], 'no_stream');
      const mine = reconciledEvents(1, first.metadata.hash);
      const theirs = reconciledEvents(1, first.metadata.hash);

      const outcomes = await Promise.allSettled([store.append(stream, mine, 0), store.append(stream, theirs, 0)]);

      const won = outcomes.filter((o) => o.status === 'fulfilled');
      const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0].reason).toBeInstanceOf(WrongExpectedRevision);
      expect(lost[0].reason).toMatchObject({ expected: 0, actual: 1 });
      const read = await store.readStream(stream);
      expect(read).toHaveLength(2);
      expect(verifyChain(read)).toBe(true);
    });

    it("lets exactly one of two concurrent 'no_stream' appends create the stream", async () => {
      const stream = coopStream(uniqueCoopId());

      const outcomes = await Promise.allSettled([
        store.append(stream, reconciledEvents(2), 'no_stream'),
        store.append(stream, reconciledEvents(2), 'no_stream'),
      ]);

      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const lost = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(lost?.reason).toBeInstanceOf(WrongExpectedRevision);
      expect(await store.readStream(stream)).toHaveLength(2);
    });

    it('treats a retried append with the same ids as done: same result, one copy', async () => {
      const stream = ledgerStream(uniqueCoopId(), 2025);
      const events = reconciledEvents(2);

      const original = await store.append(stream, events, 'no_stream');
      const retried = await store.append(stream, events, 'no_stream');

      expect(retried).toEqual(original);
      expect(ids(await store.readStream(stream))).toEqual(ids(events));
      const [next] = reconciledEvents(1, events[1].metadata.hash);
      expect((await store.append(stream, [next], original.revision)).revision).toBe(2);
    });

    it('orders every event in one global log: positions strictly increase across streams', async () => {
      const coop = uniqueCoopId();
      const from = await here();
      const streams = [ledgerStream(coop, 2025), coopStream(coop), ledgerStream(coop, 2024), ledgerStream(coop, 2025)];
      const appended: bigint[] = [];
      const revisions = new Map<string, number>();
      for (const stream of streams) {
        const revision = revisions.get(stream);
        const result = await store.append(stream, reconciledEvents(2), revision === undefined ? 'no_stream' : revision);
        revisions.set(stream, result.revision);
        appended.push(result.position);
      }

      const all = await collect(store.readAll({ fromPosition: from ?? undefined, streamPrefixes: [`ledger-${coop}-`, `coop-${coop}`] }));

      expect(all).toHaveLength(8);
      expect(all.map((e) => e.stream)).toEqual(streams.flatMap((s) => [s, s]));
      for (let i = 1; i < all.length; i += 1) expect(all[i].position > all[i - 1].position).toBe(true);
      expect(all.filter((_, i) => i % 2 === 1).map((e) => e.position)).toEqual(appended);
    });

    it('reads all from a position (exclusive), filtered on stream prefixes, up to a count', async () => {
      const coop = uniqueCoopId();
      const from = await here();
      const ledger = reconciledEvents(3);
      const identity = reconciledEvents(2);
      await store.append(ledgerStream(coop, 2025), ledger.slice(0, 2), 'no_stream');
      await store.append(coopStream(coop), identity, 'no_stream');
      const last = await store.append(ledgerStream(coop, 2025), ledger.slice(2), 1);
      const both = [`ledger-${coop}-`, `coop-${coop}`];

      const everything = await collect(store.readAll({ fromPosition: from ?? undefined, streamPrefixes: both }));
      const coopOnly = await collect(store.readAll({ fromPosition: from ?? undefined, streamPrefixes: [`coop-${coop}`] }));
      const afterSecond = await collect(store.readAll({ fromPosition: everything[1].position, streamPrefixes: both }));
      const firstThree = await collect(store.readAll({ fromPosition: from ?? undefined, streamPrefixes: both, maxCount: 3 }));
      const afterLast = await collect(store.readAll({ fromPosition: last.position, streamPrefixes: both }));

      expect(ids(everything)).toEqual([...ids(ledger.slice(0, 2)), ...ids(identity), ledger[2].id]);
      expect(ids(coopOnly)).toEqual(ids(identity));
      expect(ids(afterSecond)).toEqual([...ids(identity), ledger[2].id]);
      expect(ids(firstThree)).toEqual(ids(everything.slice(0, 3)));
      expect(afterLast).toEqual([]);
    });

    it('knows its head position and answers a ping', async () => {
      const result = await store.append(ledgerStream(uniqueCoopId(), 2025), reconciledEvents(1), 'no_stream');

      const head = await store.headPosition();

      expect(head !== null && head >= result.position).toBe(true);
      await expect(store.ping()).resolves.toBeUndefined();
    });

    it('delivers every later event exactly once, in order, catch-up then live, across a restart of the subscriber', async () => {
      const coop = uniqueCoopId();
      const stream = ledgerStream(coop, 2025);
      const prefixes = [`ledger-${coop}-`];
      const before = reconciledEvents(3);
      await store.append(stream, before.slice(0, 1), 'no_stream');
      const start = (await store.readStream(stream))[0].position;
      await store.append(stream, before.slice(1), 0);

      const seen: RecordedEvent[] = [];
      let inFlight = 0;
      let mostInFlight = 0;
      const onEvents = async (batch: RecordedEvent[]): Promise<void> => {
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        seen.push(...batch);
        inFlight -= 1;
      };
      const first = store.subscribeAll(start, onEvents, { streamPrefixes: prefixes });
      await waitUntil(() => seen.length >= 2, LIVE_DEADLINE_MS, 'rattrapage des 2 événements après la position de départ');
      const live = reconciledEvents(4, before[2].metadata.hash);
      await store.append(stream, live.slice(0, 2), 2);
      await store.append(stream, live.slice(2), 4);
      await waitUntil(() => seen.length >= 6, LIVE_DEADLINE_MS, 'livraison en direct');
      await first.stop();
      const lastSeen = seen[seen.length - 1].position;

      const whileStopped = reconciledEvents(2, live[3].metadata.hash);
      await store.append(stream, whileStopped, 6);
      const resumed: RecordedEvent[] = [];
      const second = store.subscribeAll(lastSeen, async (batch) => void resumed.push(...batch), { streamPrefixes: prefixes });
      await waitUntil(() => resumed.length >= 2, LIVE_DEADLINE_MS, 'reprise après redémarrage');
      // A last event proves nothing else was on its way: it arrives after any duplicate would.
      const [sentinel] = reconciledEvents(1, whileStopped[1].metadata.hash);
      await store.append(stream, [sentinel], 8);
      await waitUntil(() => resumed.some((e) => e.id === sentinel.id), LIVE_DEADLINE_MS, 'événement témoin');
      await second.stop();

      expect(ids(seen)).toEqual([...ids(before.slice(1)), ...ids(live)]);
      expect(ids(resumed)).toEqual([...ids(whileStopped), sentinel.id]);
      for (let i = 1; i < seen.length; i += 1) expect(seen[i].position > seen[i - 1].position).toBe(true);
      expect(mostInFlight).toBe(1);
    });

    it('subscribes from the start of the log when given null', async () => {
      const coop = uniqueCoopId();
      const events = reconciledEvents(2);
      await store.append(coopStream(coop), events, 'no_stream');
      const seen: RecordedEvent[] = [];

      const subscription = store.subscribeAll(null, async (batch) => void seen.push(...batch), { streamPrefixes: [`coop-${coop}`] });
      await waitUntil(() => seen.length >= 2, LIVE_DEADLINE_MS, 'rattrapage depuis le début');
      await subscription.stop();

      expect(ids(seen)).toEqual(ids(events));
    });

    it('resolves stop() only after the batch being handled', async () => {
      const coop = uniqueCoopId();
      const from = await here();
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let handling = false;
      let handled = false;
      const subscription = store.subscribeAll(
        from,
        async () => {
          handling = true;
          await gate;
          handled = true;
        },
        { streamPrefixes: [`ledger-${coop}-`] },
      );
      await store.append(ledgerStream(coop, 2025), reconciledEvents(1), 'no_stream');
      await waitUntil(() => handling, LIVE_DEADLINE_MS, 'début du traitement du lot');

      let stopped = false;
      const stopping = subscription.stop().then(() => (stopped = true));
      await new Promise((resolve) => setImmediate(resolve));
      expect(stopped).toBe(false);
      release();
      await stopping;

      expect(handled).toBe(true);
    });
  });
}
