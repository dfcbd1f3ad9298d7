import { type NewEvent, type RecordedEvent } from './envelope';

export type ExpectedRevision = number | 'no_stream' | 'any';

export interface AppendResult {
  /** Revision of the last event of the stream after the append. */
  revision: number;
  /** Global position of the last appended event. */
  position: bigint;
}

/** The one error a concurrency conflict raises, whatever the engine. */
export class WrongExpectedRevision extends Error {
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | 'no_stream',
  ) {
    super(`Conflit de révision sur ${stream} : attendu ${String(expected)}, actuel ${String(actual)}`);
    this.name = 'WrongExpectedRevision';
  }
}

/** The store cannot be reached (wrong URL, server down): maps to a French 503. */
export class StoreUnavailable extends Error {
  constructor(
    readonly engine: string,
    cause?: unknown,
  ) {
    super(`Le stockage ${engine} est injoignable${cause instanceof Error ? ` : ${cause.message}` : ''}`);
    this.name = 'StoreUnavailable';
  }
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. Omitted: from the beginning. */
  fromPosition?: bigint;
  /** Only streams whose name starts with one of these prefixes (e.g. 'ledger-', 'coop-C1'). */
  streamPrefixes?: string[];
  /** Stop after this many events. */
  maxCount?: number;
}

export interface Subscription {
  stop(): Promise<void>;
}

export interface SubscribeOptions {
  streamPrefixes?: string[];
  /** Called when the subscription fails for good (after its own retries). */
  onError?: (error: Error) => void;
}

/**
 * The event store port. Events of one stream are totally ordered by revision; all events are
 * totally ordered by position. An append is atomic: all its events or none.
 */
export interface EventStore {
  readonly engine: string;
  append(stream: string, events: NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult>;
  /** [] when the stream does not exist. */
  readStream(stream: string, options?: { fromRevision?: number }): Promise<RecordedEvent[]>;
  /**
   * Every event of the named streams, in global order ([] for names with no stream): a coop's
   * history read by its streams' names costs what the coop holds, not what the log holds.
   */
  readStreams(streams: string[]): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;
  /**
   * Catch-up then live: delivers every event after `fromPosition` (exclusive; null = from the
   * start) in global order, in batches, exactly once per subscription, waiting for each batch's
   * promise before the next. Sees events appended by other processes.
   */
  subscribeAll(fromPosition: bigint | null, onEvents: (events: RecordedEvent[]) => Promise<void>, options?: SubscribeOptions): Subscription;
  /** Position of the last event of the global log (null when empty). */
  headPosition(): Promise<bigint | null>;
  /** A cheap round trip, for /health. Throws StoreUnavailable. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
