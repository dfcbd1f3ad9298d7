import {
  type AllStreamRecordedEvent,
  type AllStreamSubscription,
  type AppendStreamState,
  ANY,
  BACKWARDS,
  DeadlineExceededError,
  type Direction,
  END,
  type Filter,
  FORWARDS,
  type JSONType,
  jsonEvent,
  KurrentDBClient,
  NO_STREAM,
  type Position,
  type RecordedEvent as EsdbRecordedEvent,
  type ReadPosition,
  START,
  StreamNotFoundError,
  streamNameFilter,
  TimeoutError,
  UnavailableError,
  WrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import { type EventMetadata, type NewEvent, type RecordedEvent } from './envelope';
import {
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type ReadAllOptions,
  StoreUnavailable,
  type SubscribeOptions,
  type Subscription,
  WrongExpectedRevision,
} from './event-store';
import { STREAM_PREFIXES } from './streams';

const ENGINE = 'EventStoreDB';
const PAGE_SIZE = 500;
const MIN_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5000;
/** gRPC status UNAVAILABLE, for errors the client does not wrap. */
const GRPC_UNAVAILABLE = 14;

/**
 * EventStoreDB (KurrentDB) adapter, through `@kurrent/kurrentdb-client` (the maintained successor
 * of `@eventstore/db-client`, same API). Our position is the event's commit position in `$all`:
 * every event the gRPC API writes is committed by its own prepare record (commit = prepare), so
 * one bigint is enough to resume from — {commit: p, prepare: p}. Reads of `$all` are filtered on
 * the server by our stream prefixes: system events and other applications' streams never cross
 * the wire.
 */
export class EventStoreDbEventStore implements EventStore {
  readonly engine = 'eventstoredb';
  private readonly subscriptions = new Set<Subscription>();

  /** A client made here from a connection string (connect), or given (tests). */
  constructor(private readonly client: KurrentDBClient) {}

  /**
   * e.g. `kurrentdb://localhost:2113?tls=false`; `esdb://` (the older name, still in many
   * configurations) is read as `kurrentdb://`. The connection itself opens on first use.
   */
  static async connect(connectionString: string): Promise<EventStoreDbEventStore> {
    return new EventStoreDbEventStore(KurrentDBClient.connectionString(currentScheme(connectionString)));
  }

  async append(stream: string, events: NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) throw new Error(`Ajout sans événement au flux ${stream}`);
    try {
      const result = await this.client.appendToStream(
        stream,
        events.map((e) => jsonEvent({ id: e.id, type: e.type, data: e.data as JSONType, metadata: e.metadata })),
        { streamState: toEsdbExpected(expectedRevision) },
      );
      const revision = Number(result.nextExpectedRevision);
      // An idempotent retry may come back without a position: read it from the event itself.
      const position = result.position?.commit ?? (await this.positionOf(stream, revision));
      return { revision, position };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        const actual = typeof error.actualState === 'bigint' ? Number(error.actualState) : 'no_stream';
        throw new WrongExpectedRevision(stream, expectedRevision, actual);
      }
      throw toStoreError(error);
    }
  }

  async readStream(stream: string, options: { fromRevision?: number } = {}): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    try {
      const read = this.client.readStream(stream, {
        fromRevision: options.fromRevision === undefined ? START : BigInt(options.fromRevision),
      });
      for await (const resolved of read) {
        if (resolved.event) events.push(toRecorded(resolved.event));
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw toStoreError(error);
    }
    return events;
  }

  /** Each stream read by name, side by side, then merged by position: never a page of $all. */
  async readStreams(streams: string[]): Promise<RecordedEvent[]> {
    const read = await Promise.all([...new Set(streams)].map((stream) => this.readStream(stream)));
    return read.flat().sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    const prefixes = options.streamPrefixes?.length ? options.streamPrefixes : STREAM_PREFIXES;
    const accepts = acceptor(prefixes);
    let after = options.fromPosition ?? -1n;
    let from: ReadPosition = options.fromPosition === undefined ? START : esdbPosition(options.fromPosition);
    let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
    while (remaining > 0) {
      // Filtered on the server (a rebuild reads our categories, not every event of $all); checked here too.
      const page = await this.readAllPage(from, FORWARDS, prefixes);
      for (const event of page.events) {
        // Reading from a position includes the event at it: the port's fromPosition is exclusive.
        if (event.position.commit <= after) continue;
        after = event.position.commit;
        if (!accepts(event)) continue;
        yield toRecorded(event);
        remaining -= 1;
        if (remaining <= 0) return;
      }
      if (!page.full) return;
      from = page.events[page.events.length - 1].position;
    }
  }

  subscribeAll(fromPosition: bigint | null, onEvents: (events: RecordedEvent[]) => Promise<void>, options: SubscribeOptions = {}): Subscription {
    // Filtered on the server to our categories by default: $all also carries system events and,
    // on a shared server, other applications' streams.
    const prefixes = options.streamPrefixes?.length ? options.streamPrefixes : STREAM_PREFIXES;
    const accepts = acceptor(prefixes);
    const filter: Filter = streamNameFilter({ prefixes });
    const state: { stopped: boolean; current: AllStreamSubscription | null; wake: (() => void) | null } = {
      stopped: false,
      current: null,
      wake: null,
    };
    let delivered: Position | null = fromPosition === null ? null : esdbPosition(fromPosition);
    const fail = (error: unknown): void => {
      state.stopped = true;
      const failure = error instanceof Error ? error : new Error(String(error));
      if (options.onError) options.onError(failure);
      else console.error('Abonnement à EventStoreDB arrêté :', failure);
    };

    const run = async (): Promise<void> => {
      let backoff = MIN_BACKOFF_MS;
      while (!state.stopped) {
        const live = this.client.subscribeToAll({ fromPosition: delivered ?? START, filter });
        state.current = live;
        let batch: RecordedEvent[] = [];
        let batchEnd: Position | null = null;
        try {
          for await (const resolved of live) {
            const event = resolved.event;
            // Never twice: after a resubscription the server starts strictly after `delivered`.
            if (event && accepts(event) && (delivered === null || event.position.commit > delivered.commit)) {
              batch.push(toRecorded(event));
              batchEnd = event.position;
            }
            if (batch.length > 0 && (batch.length >= PAGE_SIZE || live.readableLength === 0)) {
              try {
                await onEvents(batch);
              } catch (error) {
                fail(error);
                return;
              }
              delivered = batchEnd;
              batch = [];
              backoff = MIN_BACKOFF_MS;
            }
            if (state.stopped) return;
          }
        } catch (error) {
          if (state.stopped) return;
          if (!isTransient(error)) {
            fail(toStoreError(error));
            return;
          }
        } finally {
          state.current = null;
          await live.unsubscribe().catch(() => undefined);
          live.destroy();
        }
        if (state.stopped) return;
        // The server went away or ended the call: come back from the last delivered position.
        await new Promise<void>((resolve) => {
          state.wake = resolve;
          setTimeout(resolve, backoff).unref();
        });
        state.wake = null;
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    };

    const done = run().finally(() => this.subscriptions.delete(subscription));
    const subscription: Subscription = {
      stop: async () => {
        state.stopped = true;
        state.wake?.();
        const live = state.current;
        if (live) {
          await live.unsubscribe().catch(() => undefined);
          // A cancelled call does not end the stream it pipes into: end the loop ourselves.
          live.destroy();
        }
        await done;
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  /**
   * Position of the last of our events (system events excluded), null when there is none: one
   * event read backwards from the end, filtered on the server by our categories (/health asks
   * often; it never pages through $all).
   */
  async headPosition(): Promise<bigint | null> {
    const accepts = acceptor(STREAM_PREFIXES);
    const { events } = await this.readAllPage(END, BACKWARDS, STREAM_PREFIXES, 1);
    const last = events.find(accepts);
    return last ? last.position.commit : null;
  }

  async ping(): Promise<void> {
    try {
      for await (const _ of this.client.readStream('cahier-ping', { maxCount: 1 })) break;
    } catch (error) {
      // A missing stream still proves a round trip to the server.
      if (error instanceof StreamNotFoundError) return;
      throw toStoreError(error);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    await this.client.dispose();
  }

  /** One page of $all's events in streams of these prefixes; `full` tells whether more may follow. */
  private async readAllPage(
    from: ReadPosition,
    direction: Direction,
    prefixes: string[],
    size = PAGE_SIZE,
  ): Promise<{ events: AllStreamRecordedEvent[]; full: boolean }> {
    const events: AllStreamRecordedEvent[] = [];
    let seen = 0;
    try {
      const filter = streamNameFilter({ prefixes });
      for await (const resolved of this.client.readAll({ fromPosition: from, maxCount: size, direction, filter })) {
        seen += 1;
        if (resolved.event) events.push(resolved.event);
      }
    } catch (error) {
      throw toStoreError(error);
    }
    return { events, full: seen === size && events.length > 0 };
  }

  private async positionOf(stream: string, revision: number): Promise<bigint> {
    for await (const resolved of this.client.readStream(stream, { fromRevision: BigInt(revision), maxCount: 1 })) {
      if (resolved.event) return toRecorded(resolved.event).position;
    }
    throw new Error(`Événement ${stream}@${revision} introuvable après l'ajout`);
  }
}

/** `esdb://` and `esdb+discover://` as their current names (the client warns on the old ones). */
export const currentScheme = (connectionString: string): string => connectionString.replace(/^esdb(\+discover)?:\/\//i, 'kurrentdb$1://');

function toEsdbExpected(expected: ExpectedRevision): AppendStreamState {
  if (expected === 'no_stream') return NO_STREAM;
  if (expected === 'any') return ANY;
  return BigInt(expected);
}

function esdbPosition(position: bigint): Position {
  return { commit: position, prepare: position };
}

/** Our JSON events in the wanted streams; never system streams, links or binary events. */
function acceptor(prefixes: string[] | undefined): (event: EsdbRecordedEvent) => boolean {
  const wanted = prefixes?.length ? prefixes : null;
  return (event) =>
    event.isJson && !event.streamId.startsWith('$') && !event.type.startsWith('$') && (wanted === null || wanted.some((p) => event.streamId.startsWith(p)));
}

/** "No position" comes back as the largest 64-bit value from servers that do not send it. */
const NO_POSITION = 2n ** 64n - 1n;

function toRecorded(event: EsdbRecordedEvent): RecordedEvent {
  const position = event.position?.commit;
  if (position === undefined || position === NO_POSITION) {
    throw new Error('EventStoreDB 22.6 ou plus récent requis : la position des événements lus est absente');
  }
  return {
    id: event.id,
    stream: event.streamId,
    revision: Number(event.revision),
    position,
    type: event.type,
    data: event.data as unknown,
    metadata: event.metadata as unknown as EventMetadata,
  };
}

function isTransient(error: unknown): boolean {
  return (
    error instanceof UnavailableError ||
    error instanceof DeadlineExceededError ||
    error instanceof TimeoutError ||
    (error as { code?: unknown })?.code === GRPC_UNAVAILABLE ||
    (error as { code?: unknown })?.code === 'ERR_STREAM_PREMATURE_CLOSE'
  );
}

function toStoreError(error: unknown): Error {
  if (isTransient(error)) return new StoreUnavailable(ENGINE, error);
  return error instanceof Error ? error : new Error(String(error));
}
