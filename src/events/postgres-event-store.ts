import { Client, type ClientBase, DatabaseError, Pool } from 'pg';
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

const ENGINE = 'postgresql';
const PAGE_SIZE = 500;
/** readAll's pages (a rebuild's, the history's): fewer round trips, each page about 2 MB on a department's log. */
const READ_ALL_PAGE_SIZE = 5000;
const CHANNEL = 'cahier_events';
/**
 * Also polled: an event committed while an older transaction was still in flight becomes
 * readable when that one ends, which sends no notification.
 */
const POLL_INTERVAL_MS = 100;

/**
 * A position is the pair (writing transaction's id, index of the event in it) in one bigint:
 * `txid << 20 | index`. Ordering by it is ordering by the pair, and every position below
 * `oldest transaction in flight << 20` belongs to a finished transaction: readers stop there, so
 * an event committed late by an older transaction is never skipped (what emmett-postgresql and
 * Marten learned the hard way about a plain sequence, whose numbers commit out of order). 2^20
 * events per transaction; transaction ids (epoch included) stay far below 2^43.
 *
 * Every append holds a shared advisory lock (APPENDING) for its transaction: when no append is in
 * flight in this database, the bound is the snapshot's xmax (whatever else runs, e.g. read-model
 * batches, cannot hold events back); when one is, the oldest transaction in flight.
 */
export const EVENTS_PER_TRANSACTION_BITS = 20n;
const MAX_EVENTS_PER_TRANSACTION = 1 << Number(EVENTS_PER_TRANSACTION_BITS);
const APPENDING = 7263010;
/** How long readAll waits for the appends in flight when it starts to end (a rebuild's end must hold them). */
const READ_ALL_WAIT_MS = 5000;

/**
 * The append as one statement (one round trip, as a bare INSERT): a retry of an append already
 * stored answers as then; the shared APPENDING lock, then the stream's revision moved from the
 * expected one (a conflict raises CX409 with the stream's revision: the row lock makes the second
 * of two racing appends wait, then see it moved), then the events at positions from this
 * transaction's id (several appends in one transaction continue its numbering), listeners told
 * at commit. Replaced at every connect, so a database of an older version gets it.
 */
const APPEND_FUNCTION = `
  CREATE OR REPLACE FUNCTION cahier_append(p_stream TEXT, p_expected TEXT, p_ids TEXT[], p_types TEXT[], p_data TEXT[], p_metadata TEXT[])
  RETURNS TABLE (appended_revision BIGINT, appended_position BIGINT) LANGUAGE plpgsql AS $$
  DECLARE
    n INT := cardinality(p_ids);
    stored INT;
    elsewhere TEXT;
    last_revision BIGINT;
    last_position BIGINT;
    txid xid8;
    base BIGINT;
    first_position BIGINT;
  BEGIN
    SELECT count(*), min(e.stream) FILTER (WHERE e.stream <> p_stream), max(e.revision) FILTER (WHERE e.id = p_ids[n]), max(e.position) FILTER (WHERE e.id = p_ids[n])
      INTO stored, elsewhere, last_revision, last_position
      FROM events e WHERE e.id = ANY (ARRAY[p_ids[1], p_ids[n]]);
    IF stored > 0 THEN
      IF elsewhere IS NOT NULL OR last_revision IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'CX422', MESSAGE = 'event ids already stored', DETAIL = coalesce(elsewhere, p_stream);
      END IF;
      RETURN QUERY SELECT last_revision, last_position;
      RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock_shared(${APPENDING});
    IF p_expected = 'no_stream' THEN
      INSERT INTO streams AS s (stream, revision) VALUES (p_stream, n - 1) ON CONFLICT (stream) DO NOTHING RETURNING s.revision INTO last_revision;
    ELSIF p_expected = 'any' THEN
      INSERT INTO streams AS s (stream, revision) VALUES (p_stream, n - 1) ON CONFLICT (stream) DO UPDATE SET revision = s.revision + n
        RETURNING s.revision INTO last_revision;
    ELSE
      UPDATE streams AS s SET revision = s.revision + n WHERE s.stream = p_stream AND s.revision = p_expected::BIGINT RETURNING s.revision INTO last_revision;
    END IF;
    IF last_revision IS NULL THEN
      SELECT s.revision INTO last_revision FROM streams s WHERE s.stream = p_stream;
      RAISE EXCEPTION USING ERRCODE = 'CX409', MESSAGE = 'wrong expected revision', DETAIL = coalesce(last_revision::TEXT, 'no_stream');
    END IF;
    txid := pg_current_xact_id();
    base := txid::TEXT::BIGINT << ${EVENTS_PER_TRANSACTION_BITS};
    SELECT coalesce(max(e.position) + 1, base) INTO first_position FROM events e WHERE e.position >= base AND e.position < base + ${MAX_EVENTS_PER_TRANSACTION};
    INSERT INTO events (position, transaction_id, id, stream, revision, type, data, metadata)
      SELECT first_position + x.o - 1, txid, x.i, p_stream, last_revision - n + x.o, x.t, x.d::JSON, x.m::JSON
      FROM unnest(p_ids, p_types, p_data, p_metadata) WITH ORDINALITY AS x(i, t, d, m, o);
    PERFORM pg_notify('${CHANNEL}', '');
    RETURN QUERY SELECT last_revision, first_position + n - 1;
  END $$;`;

type Row = { position: string; id: string; stream: string; revision: string; type: string; data: unknown; metadata: EventMetadata };

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS streams (
    stream TEXT COLLATE "C" PRIMARY KEY,
    revision BIGINT NOT NULL
  );
  CREATE SEQUENCE IF NOT EXISTS events_sequence;
  CREATE TABLE IF NOT EXISTS events (
    position BIGINT PRIMARY KEY,
    transaction_id xid8 NOT NULL,
    sequence BIGINT NOT NULL DEFAULT nextval('events_sequence'),
    id TEXT NOT NULL UNIQUE,
    stream TEXT COLLATE "C" NOT NULL,
    revision BIGINT NOT NULL,
    type TEXT NOT NULL,
    data JSON NOT NULL,
    metadata JSON NOT NULL,
    UNIQUE (stream, revision)
  );
  ${APPEND_FUNCTION}`;

const COLUMNS = 'position, id, stream, revision, type, data, metadata';

/**
 * The PostgreSQL event store: `streams` (name → revision, the optimistic lock) and `events` (JSON
 * kept as written: the hash chain hashes the very text). One transaction per append. Live
 * subscriptions wake on NOTIFY and poll for the readable bound to move.
 */
export class PostgresEventStore implements EventStore {
  readonly engine = ENGINE;
  private closed = false;
  private listener: Client | null = null;
  private listening: Promise<void> | null = null;
  private readonly waiters = new Set<() => void>();
  private readonly subscriptions = new Set<{ stop(): Promise<void> }>();
  private poller: NodeJS.Timeout | null = null;
  /** Bumped by every notification and poll tick: a subscriber compares it to skip a wait. */
  private generation = 0;

  private constructor(
    private readonly pool: Pool,
    private readonly url: string,
  ) {}

  static async connect(url: string): Promise<PostgresEventStore> {
    const pool = newPool(url);
    try {
      const client = await pool.connect();
      try {
        // Two instances starting at once both create: the lock makes the second wait, then find it done.
        await client.query('SELECT pg_advisory_lock(7263001)');
        await client.query(SCHEMA);
        await client.query('SELECT pg_advisory_unlock(7263001)');
      } finally {
        client.release();
      }
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw new StoreUnavailable(ENGINE, error);
    }
    return new PostgresEventStore(pool, url);
  }

  async append(stream: string, events: NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    if (this.closed) throw new StoreUnavailable(ENGINE, new Error('journal fermé'));
    if (events.length === 0) throw new Error(`Ajout sans événement au flux ${stream}`);
    try {
      return await appendWith((sql, params) => this.pool.query(sql, params), stream, events, expectedRevision);
    } catch (error) {
      // The same append racing itself (a retry while the first was in flight): answer as the first did.
      if (error instanceof DatabaseError && error.code === UNIQUE_VIOLATION && error.constraint === 'events_id_key') {
        try {
          return await appendWith((sql, params) => this.pool.query(sql, params), stream, events, expectedRevision);
        } catch (again) {
          throw unavailable(again);
        }
      }
      throw unavailable(error);
    }
  }

  async readStream(stream: string, options: { fromRevision?: number } = {}): Promise<RecordedEvent[]> {
    const { rows } = await this.query<Row>(`SELECT ${COLUMNS} FROM events WHERE stream = $1 AND revision >= $2 ORDER BY revision`, [
      stream,
      options.fromRevision ?? 0,
    ]);
    return rows.map(toRecorded);
  }

  async readStreams(streams: string[]): Promise<RecordedEvent[]> {
    if (streams.length === 0) return [];
    const { rows } = await this.query<Row>(`SELECT ${COLUMNS} FROM events WHERE stream = ANY($1::text[]) ORDER BY position`, [[...new Set(streams)]]);
    return rows.map(toRecorded);
  }

  /** Up to the readable bound: a rebuild that reads all, then subscribes from its last position, skips nothing. */
  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    let cursor = options.fromPosition ?? -1n;
    let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
    const bound = await this.boundPast(await this.headPosition());
    // The next page is asked for before this one is handed out: the server reads while the caller folds.
    let limit = Math.min(READ_ALL_PAGE_SIZE, remaining);
    let next: Promise<RecordedEvent[]> | null = this.page(cursor, bound, options.streamPrefixes, limit);
    while (next) {
      const page = await next;
      next = null;
      const full = page.length === limit;
      remaining -= page.length;
      if (full && remaining > 0) {
        cursor = page[page.length - 1].position;
        limit = Math.min(READ_ALL_PAGE_SIZE, remaining);
        next = this.page(cursor, bound, options.streamPrefixes, limit);
        // Handled when awaited; a caller stopping early must not leave it unhandled.
        next.catch(() => undefined);
      }
      yield* page;
    }
  }

  subscribeAll(fromPosition: bigint | null, onEvents: (events: RecordedEvent[]) => Promise<void>, options: SubscribeOptions = {}): Subscription {
    if (this.closed) throw new StoreUnavailable(ENGINE, new Error('journal fermé'));
    const state: { stopped: boolean; wake: (() => void) | null } = { stopped: false, wake: null };
    const fail = (error: unknown): void => {
      state.stopped = true;
      const failure = error instanceof Error ? error : new Error(String(error));
      if (options.onError) options.onError(failure);
      else console.error('Abonnement au journal PostgreSQL arrêté :', failure);
    };
    const loop = async (): Promise<void> => {
      let cursor = fromPosition ?? -1n;
      while (!state.stopped) {
        const generation = this.generation;
        let batch: RecordedEvent[];
        try {
          const bound = await this.readableBound();
          batch = await this.page(cursor, bound, options.streamPrefixes, PAGE_SIZE);
          // A short page read everything readable: what is filtered out need not be scanned again.
          if (batch.length === PAGE_SIZE) cursor = batch[batch.length - 1].position;
          else if (bound - 1n > cursor) cursor = bound - 1n;
        } catch (error) {
          fail(unavailable(error));
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
    const subscription = {
      stop: async () => {
        state.stopped = true;
        state.wake?.();
        await done;
      },
    };
    this.subscriptions.add(subscription);
    this.startListening();
    const done = loop().finally(() => {
      this.subscriptions.delete(subscription);
      this.updatePoller();
    });
    this.updatePoller();
    return subscription;
  }

  async headPosition(): Promise<bigint | null> {
    const { rows } = await this.query<{ head: string | null }>('SELECT max(position)::text AS head FROM events');
    return rows[0].head === null ? null : BigInt(rows[0].head);
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    this.closed = true;
    this.updatePoller();
    await this.listening?.catch(() => undefined);
    await this.listener?.end().catch(() => undefined);
    await this.pool.end();
  }

  /**
   * Positions below this belong to finished transactions only: what a reader may take as final.
   * The snapshot first, then the locks: an append that takes its lock after the look gets its
   * transaction id after the snapshot's xmax.
   */
  private async readableBound(): Promise<bigint> {
    // One statement: its snapshot is taken before pg_locks is read.
    const { rows } = await this.query<{ bound: string }>(
      `SELECT (CASE WHEN EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = 0 AND objid = $1 AND objsubid = 1
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))
       THEN pg_snapshot_xmin(s) ELSE pg_snapshot_xmax(s) END)::text AS bound FROM pg_current_snapshot() AS s`,
      [APPENDING],
    );
    return BigInt(rows[0].bound) << EVENTS_PER_TRANSACTION_BITS;
  }

  /** The readable bound once it passes `head` (the appends in flight ended), or as it is after a while. */
  private async boundPast(head: bigint | null): Promise<bigint> {
    const deadline = Date.now() + READ_ALL_WAIT_MS;
    for (;;) {
      const bound = await this.readableBound();
      if (head === null || bound > head || Date.now() > deadline) return bound;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  private async page(after: bigint, bound: bigint, prefixes: string[] | undefined, limit: number): Promise<RecordedEvent[]> {
    const ranges = prefixes === undefined || prefixes.includes('') ? [] : prefixes;
    const params: unknown[] = [after.toString(), bound.toString(), limit];
    const clauses = ranges.map((prefix) => {
      params.push(prefix, prefixUpperBound(prefix));
      return `(stream >= $${params.length - 1} AND stream < $${params.length})`;
    });
    const filter = clauses.length ? ` AND (${clauses.join(' OR ')})` : '';
    const { rows } = await this.query<Row>(`SELECT ${COLUMNS} FROM events WHERE position > $1 AND position < $2${filter} ORDER BY position LIMIT $3`, params);
    return rows.map(toRecorded);
  }

  private async query<T extends object>(sql: string, params: unknown[] = []): Promise<{ rows: T[] }> {
    if (this.closed) throw new StoreUnavailable(ENGINE, new Error('journal fermé'));
    try {
      return await this.pool.query<T & Record<string, unknown>>(sql, params);
    } catch (error) {
      throw unavailable(error);
    }
  }

  /** One connection LISTENs for every subscription of this store; lost, polling still delivers. */
  private startListening(): void {
    if (this.listening || this.closed) return;
    const listener = new Client({ connectionString: this.url });
    this.listener = listener;
    listener.on('notification', () => this.signal());
    listener.on('error', () => {
      // The poller keeps delivering; the next subscription listens again.
      this.listening = null;
      this.listener = null;
    });
    this.listening = listener.connect().then(() => listener.query(`LISTEN ${CHANNEL}`).then(() => undefined));
    this.listening.catch(() => {
      this.listening = null;
    });
  }

  private updatePoller(): void {
    const wanted = this.subscriptions.size > 0 && !this.closed;
    if (wanted && !this.poller) {
      this.poller = setInterval(() => this.signal(), POLL_INTERVAL_MS);
      this.poller.unref();
    } else if (!wanted && this.poller) {
      clearInterval(this.poller);
      this.poller = null;
    }
  }

  private signal(): void {
    this.generation += 1;
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
  }
}

const UNIQUE_VIOLATION = '23505';

export function newPool(url: string, max = 10): Pool {
  const pool = new Pool({ connectionString: url, max, connectionTimeoutMillis: 5000 });
  // An idle client losing its server is reported here; the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}

type Query = (sql: string, params: unknown[]) => Promise<{ rows: Array<Record<string, unknown>> }>;

/** The append inside the caller's transaction (its own when autocommitted): one statement. */
export async function appendIn(client: ClientBase, stream: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
  return appendWith((sql, params) => client.query(sql, params), stream, events, expected);
}

async function appendWith(query: Query, stream: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
  if (events.length >= MAX_EVENTS_PER_TRANSACTION) throw new Error(`Plus de ${MAX_EVENTS_PER_TRANSACTION} événements dans un ajout`);
  try {
    const { rows } = await query('SELECT appended_revision::text AS revision, appended_position::text AS position FROM cahier_append($1, $2, $3, $4, $5, $6)', [
      stream,
      String(expected),
      events.map((e) => e.id),
      events.map((e) => e.type),
      events.map((e) => JSON.stringify(e.data)),
      events.map((e) => JSON.stringify(e.metadata)),
    ]);
    return { revision: Number(rows[0].revision), position: BigInt(rows[0].position as string) };
  } catch (error) {
    if (error instanceof DatabaseError && error.code === 'CX409') {
      throw new WrongExpectedRevision(stream, expected, error.detail === 'no_stream' || error.detail === undefined ? 'no_stream' : Number(error.detail));
    }
    if (error instanceof DatabaseError && error.code === 'CX422') {
      throw new Error(`L'événement ${events[0].id} est déjà enregistré dans le flux ${error.detail ?? stream} avec un autre contenu`, { cause: error });
    }
    throw error;
  }
}

/** Marks the caller's transaction as appending events until it ends (readers then stop below it). */
export async function startAppending(client: ClientBase): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock_shared($1)', [APPENDING]);
}

function toRecorded(row: Row): RecordedEvent {
  return {
    id: row.id,
    stream: row.stream,
    revision: Number(row.revision),
    position: BigInt(row.position),
    type: row.type,
    data: row.data,
    metadata: row.metadata,
  };
}

/** The smallest string greater than every string starting with `prefix` (stream names are ASCII, compared in "C"). */
function prefixUpperBound(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

/** Errors of the connection (not of the statement) become StoreUnavailable: a French 503. */
export function unavailable(error: unknown): unknown {
  if (error instanceof StoreUnavailable || error instanceof WrongExpectedRevision) return error;
  if (error instanceof DatabaseError) {
    // Class 08: connection exception; 57P: operator intervention (shutdown); 53: insufficient resources.
    return /^(08|57P|53)/.test(error.code ?? '') ? new StoreUnavailable(ENGINE, error) : error;
  }
  if (
    error instanceof Error &&
    /ECONNREFUSED|ECONNRESET|ENOTFOUND|ETIMEDOUT|Connection terminated|timeout exceeded|Client has encountered a connection error|Cannot use a pool after calling end/.test(
      error.message,
    )
  ) {
    return new StoreUnavailable(ENGINE, error);
  }
  return error;
}
