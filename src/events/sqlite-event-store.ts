import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
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

const ENGINE = 'SQLite';
/** Events per page of readAll and per subscription batch. */
const PAGE_SIZE = 500;
const DEFAULT_POLL_INTERVAL_MS = 50;
const BUSY_TIMEOUT_MS = 5000;

export interface SqliteEventStoreOptions {
  /** How often live subscriptions look for events appended by another process (the CLI). */
  pollIntervalMs?: number;
}

/** Where an event id already stands (a retried append). */
interface StoredAt {
  position: bigint;
  stream: string;
  revision: bigint;
}

/** A row of the event columns as an array, in this order (statements in raw mode). */
type EventColumns = [position: bigint, id: string, stream: string, revision: bigint, type: string, data: string, metadata: string];

interface PendingAppend {
  stream: string;
  events: NewEvent[];
  expected: ExpectedRevision;
  resolve: (result: AppendResult) => void;
  reject: (error: Error) => void;
}

type Outcome = { ok: true; result: AppendResult } | { ok: false; error: Error };

interface LiveSubscription {
  stop(): Promise<void>;
}

/**
 * The embedded event store: one SQLite file, WAL, `synchronous=FULL` so an acknowledged append
 * survives a power loss. Appends issued in the same tick share one transaction (one fsync);
 * each is checked on its own inside a savepoint, so a conflict fails that append alone.
 */
export class SqliteEventStore implements EventStore {
  readonly engine = 'sqlite';
  private readonly db: Database.Database;
  private readonly pollIntervalMs: number;
  private queue: PendingAppend[] = [];
  private flushScheduled = false;
  private closed = false;
  private readonly subscriptions = new Set<LiveSubscription>();
  /** Bumped on every commit seen (local or by polling): a subscriber compares it to skip a wait. */
  private generation = 0;
  private readonly waiters = new Set<() => void>();
  private poller: NodeJS.Timeout | null = null;
  private lastSeenHead: bigint | null = null;
  private readonly pageQueries = new Map<string, Database.Statement>();

  private readonly selectById: Database.Statement<[string], StoredAt>;
  private readonly selectLastRevision: Database.Statement<[string], { revision: bigint | null }>;
  private readonly insertEvent: Database.Statement<[string, string, number, string, string, string]>;
  private readonly selectStream: Database.Statement<[string, number], EventColumns>;
  private readonly selectStreams: Database.Statement<[string], EventColumns>;
  private readonly selectHead: Database.Statement<[], { head: bigint | null }>;
  private readonly writeGroup: Database.Transaction<(group: PendingAppend[]) => Outcome[]>;
  private readonly writeOne: Database.Transaction<(pending: PendingAppend) => AppendResult>;

  constructor(filePath: string, options: SqliteEventStoreOptions = {}) {
    this.pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    mkdirSync(dirname(filePath), { recursive: true });
    try {
      this.db = new Database(filePath);
      // busy_timeout first: the CLI may hold the file while we switch it to WAL.
      this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      this.db.defaultSafeIntegers(true);
      this.db.exec(`
        CREATE TABLE IF NOT EXISTS events (
          position INTEGER PRIMARY KEY AUTOINCREMENT,
          id TEXT NOT NULL UNIQUE,
          stream TEXT NOT NULL,
          revision INTEGER NOT NULL,
          type TEXT NOT NULL,
          data TEXT NOT NULL,
          metadata TEXT NOT NULL,
          UNIQUE (stream, revision)
        )`);
    } catch (error) {
      throw new StoreUnavailable(ENGINE, error);
    }
    // UNIQUE (stream, revision) is the index of readStream and of narrow stream-prefix reads.
    const columns = 'position, id, stream, revision, type, data, metadata';
    this.selectById = this.db.prepare('SELECT position, stream, revision FROM events WHERE id = ?');
    this.selectLastRevision = this.db.prepare('SELECT max(revision) AS revision FROM events WHERE stream = ?');
    this.insertEvent = this.db.prepare('INSERT INTO events (id, stream, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)');
    // Rows as arrays: a replay reads the whole log, and an object per row was only copied into the event.
    this.selectStream = this.db
      .prepare<[string, number], EventColumns>(`SELECT ${columns} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision`)
      .raw(true);
    // The names as one JSON array: one statement whatever their number, each looked up in the stream index.
    this.selectStreams = this.db
      .prepare<[string], EventColumns>(`SELECT ${columns} FROM events WHERE stream IN (SELECT value FROM json_each(?)) ORDER BY position`)
      .raw(true);
    this.selectHead = this.db.prepare('SELECT max(position) AS head FROM events');
    this.writeOne = this.db.transaction((pending: PendingAppend) => this.write(pending));
    this.writeGroup = this.db.transaction((group: PendingAppend[]) =>
      group.map((pending): Outcome => {
        try {
          // A nested better-sqlite3 transaction is a savepoint: a failed append is rolled back alone.
          return { ok: true, result: this.writeOne(pending) };
        } catch (error) {
          return { ok: false, error: error instanceof Error ? error : new Error(String(error)) };
        }
      }),
    );
  }

  append(stream: string, events: NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new StoreUnavailable(ENGINE, new Error('journal fermé')));
    if (events.length === 0) return Promise.reject(new Error(`Ajout sans événement au flux ${stream}`));
    return new Promise((resolve, reject) => {
      this.queue.push({ stream, events, expected: expectedRevision, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  async readStream(stream: string, options: { fromRevision?: number } = {}): Promise<RecordedEvent[]> {
    return this.guard(() => this.selectStream.all(stream, options.fromRevision ?? 0).map(toRecorded));
  }

  async readStreams(streams: string[]): Promise<RecordedEvent[]> {
    if (streams.length === 0) return [];
    return this.guard(() => this.selectStreams.all(JSON.stringify(streams)).map(toRecorded));
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    let cursor = options.fromPosition ?? 0n;
    let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
    while (remaining > 0) {
      const limit = Math.min(PAGE_SIZE, remaining);
      const page = this.guard(() => this.readPage(cursor, null, options.streamPrefixes, limit));
      for (const event of page) {
        yield event;
        remaining -= 1;
      }
      if (page.length < limit) return;
      cursor = page[page.length - 1].position;
    }
  }

  subscribeAll(fromPosition: bigint | null, onEvents: (events: RecordedEvent[]) => Promise<void>, options: SubscribeOptions = {}): Subscription {
    if (this.closed) throw new StoreUnavailable(ENGINE, new Error('journal fermé'));
    const state: { stopped: boolean; wake: (() => void) | null } = { stopped: false, wake: null };
    const fail = (error: unknown): void => {
      state.stopped = true;
      const failure = error instanceof Error ? error : new Error(String(error));
      if (options.onError) options.onError(failure);
      else console.error('Abonnement au journal SQLite arrêté :', failure);
    };
    const loop = async (): Promise<void> => {
      // Everything up to `cursor` has been looked at: filtered-out events are not scanned again.
      let cursor = fromPosition ?? 0n;
      while (!state.stopped) {
        const generation = this.generation;
        let batch: RecordedEvent[];
        try {
          // Head before the page: rows at or below it are all committed (SQLite has one writer
          // and positions grow in commit order), so after a short page the cursor may jump to it.
          const head = this.selectHead.get()?.head ?? 0n;
          batch = this.readPage(cursor, head, options.streamPrefixes, PAGE_SIZE);
          if (batch.length === PAGE_SIZE) cursor = batch[batch.length - 1].position;
          else if (head > cursor) cursor = head;
        } catch (error) {
          fail(new StoreUnavailable(ENGINE, error));
          return;
        }
        if (batch.length > 0) {
          try {
            await onEvents(batch);
          } catch (error) {
            fail(error);
            return;
          }
        }
        // A commit since the read (generation moved) means: read again rather than wait.
        if (batch.length < PAGE_SIZE && !state.stopped && generation === this.generation) {
          await new Promise<void>((resolve) => {
            state.wake = resolve;
            this.waiters.add(resolve);
          });
          if (state.wake) this.waiters.delete(state.wake);
          state.wake = null;
        }
      }
    };
    const done = loop().finally(() => {
      this.subscriptions.delete(subscription);
      this.updatePoller();
    });
    const subscription: LiveSubscription = {
      stop: async () => {
        state.stopped = true;
        state.wake?.();
        await done;
      },
    };
    this.subscriptions.add(subscription);
    this.updatePoller();
    return subscription;
  }

  async headPosition(): Promise<bigint | null> {
    return this.guard(() => this.selectHead.get()?.head ?? null);
  }

  async ping(): Promise<void> {
    this.guard(() => this.db.prepare('SELECT 1').get());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    // Appends already accepted are written, not dropped.
    this.flush();
    this.closed = true;
    this.updatePoller();
    this.db.close();
  }

  private flush(): void {
    this.flushScheduled = false;
    const group = this.queue;
    this.queue = [];
    if (group.length === 0) return;
    let outcomes: Outcome[];
    try {
      // IMMEDIATE: take the write lock up front rather than fail to upgrade when the CLI writes.
      outcomes = this.writeGroup.immediate(group);
    } catch (error) {
      // The commit itself failed: nothing of the group is durable.
      const failure = new StoreUnavailable(ENGINE, error);
      for (const pending of group) pending.reject(failure);
      return;
    }
    let head: bigint | null = null;
    outcomes.forEach((outcome, i) => {
      if (outcome.ok) {
        if (head === null || outcome.result.position > head) head = outcome.result.position;
        group[i].resolve(outcome.result);
      } else {
        group[i].reject(outcome.error);
      }
    });
    if (head !== null) {
      if (this.lastSeenHead === null || head > this.lastSeenHead) this.lastSeenHead = head;
      this.signal();
    }
  }

  /** One append, inside the group's transaction. */
  private write({ stream, events, expected }: PendingAppend): AppendResult {
    const first = this.selectById.get(events[0].id);
    if (first) {
      // The same ids again: a retry of an append that already committed. Answer as then.
      const last = this.selectById.get(events[events.length - 1].id);
      if (first.stream !== stream || !last || last.stream !== stream) {
        throw new Error(`L'événement ${events[0].id} est déjà enregistré dans le flux ${first.stream} avec un autre contenu`);
      }
      return { revision: Number(last.revision), position: last.position };
    }
    const current = this.selectLastRevision.get(stream)?.revision ?? null;
    const actual = current === null ? 'no_stream' : Number(current);
    if (expected !== 'any' && expected !== actual) throw new WrongExpectedRevision(stream, expected, actual);
    let revision = current === null ? -1 : Number(current);
    let position = 0n;
    for (const event of events) {
      revision += 1;
      try {
        const info = this.insertEvent.run(event.id, stream, revision, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata));
        position = BigInt(info.lastInsertRowid);
      } catch (error) {
        if (isConstraintError(error)) throw new Error(`L'identifiant d'événement ${event.id} est déjà utilisé`, { cause: error });
        throw error;
      }
    }
    return { revision, position };
  }

  /** Events after `after` (exclusive), up to `upTo` (inclusive) when given, by position. */
  private readPage(after: bigint, upTo: bigint | null, prefixes: string[] | undefined, limit: number): RecordedEvent[] {
    // An empty prefix matches every stream: no filter at all.
    const ranges = prefixes === undefined || prefixes.includes('') ? [] : prefixes;
    const params: Array<string | bigint | number> = [after, upTo ?? 0n, upTo === null ? 1 : 0];
    for (const prefix of ranges) params.push(prefix, prefixUpperBound(prefix));
    params.push(limit);
    // A whole category ('ledger-') matches most of the log: walk it in position order. A narrower
    // prefix ('chart-13-') goes through the stream index and sorts its few events.
    const narrow = ranges.length > 0 && ranges.every((p) => !STREAM_PREFIXES.some((category) => category.startsWith(p)));
    return this.pageQuery(ranges.length, narrow)
      .all(...params)
      .map(toRecorded);
  }

  private pageQuery(prefixCount: number, throughStreamIndex: boolean): Database.Statement<unknown[], EventColumns> {
    const key = `${prefixCount}:${throughStreamIndex}`;
    let statement = this.pageQueries.get(key);
    if (!statement) {
      // Unary `+` keeps SQLite off the stream index.
      const column = throughStreamIndex ? 'stream' : '+stream';
      const range = `(${column} >= ? AND ${column} < ?)`;
      const prefixClause = prefixCount === 0 ? '' : ` AND (${Array.from({ length: prefixCount }, () => range).join(' OR ')})`;
      statement = this.db.prepare(
        'SELECT position, id, stream, revision, type, data, metadata FROM events ' +
          `WHERE position > ? AND (position <= ? OR ?)${prefixClause} ORDER BY position LIMIT ?`,
      );
      statement.raw(true);
      this.pageQueries.set(key, statement);
    }
    return statement as Database.Statement<unknown[], EventColumns>;
  }

  private signal(): void {
    this.generation += 1;
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
  }

  /** Polls only while someone listens: another process's commits show up as a new max(position). */
  private updatePoller(): void {
    const wanted = this.subscriptions.size > 0 && !this.closed;
    if (wanted && !this.poller) {
      this.poller = setInterval(() => this.poll(), this.pollIntervalMs);
      this.poller.unref();
    } else if (!wanted && this.poller) {
      clearInterval(this.poller);
      this.poller = null;
    }
  }

  private poll(): void {
    let head: bigint | null;
    try {
      head = this.selectHead.get()?.head ?? null;
    } catch {
      // A busy or closing file: the next tick tries again.
      return;
    }
    if (head !== this.lastSeenHead) {
      this.lastSeenHead = head;
      this.signal();
    }
  }

  private guard<T>(read: () => T): T {
    if (this.closed) throw new StoreUnavailable(ENGINE, new Error('journal fermé'));
    try {
      return read();
    } catch (error) {
      throw new StoreUnavailable(ENGINE, error);
    }
  }
}

function toRecorded([position, id, stream, revision, type, data, metadata]: EventColumns): RecordedEvent {
  return {
    id,
    stream,
    revision: Number(revision),
    position,
    type,
    data: JSON.parse(data) as unknown,
    metadata: JSON.parse(metadata) as EventMetadata,
  };
}

/** The smallest string greater than every string starting with `prefix` (stream names are ASCII). */
function prefixUpperBound(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

function isConstraintError(error: unknown): boolean {
  return typeof (error as { code?: unknown })?.code === 'string' && (error as { code: string }).code.startsWith('SQLITE_CONSTRAINT');
}
