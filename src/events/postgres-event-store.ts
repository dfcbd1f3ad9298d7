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
  );`;

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
    const client = await this.client();
    try {
      const retried = await alreadyAppended(client, stream, events);
      if (retried) return retried;
      await client.query('BEGIN');
      try {
        const result = await appendIn(client, stream, events, expectedRevision);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        // The same append racing itself (a retry while the first was in flight): answer as the first did.
        if (error instanceof DatabaseError && error.code === UNIQUE_VIOLATION && error.constraint === 'events_id_key') {
          const retried = await alreadyAppended(client, stream, events);
          if (retried) return retried;
          throw new Error(`L'identifiant d'événement ${events[0].id} est déjà utilisé`, { cause: error });
        }
        throw error;
      }
    } catch (error) {
      throw unavailable(error);
    } finally {
      client.release();
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
    while (remaining > 0) {
      const limit = Math.min(PAGE_SIZE, remaining);
      const page = await this.page(cursor, bound, options.streamPrefixes, limit);
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
    const { rows } = await this.query<{ xmin: string; xmax: string }>(
      'SELECT pg_snapshot_xmin(s)::text AS xmin, pg_snapshot_xmax(s)::text AS xmax FROM pg_current_snapshot() AS s',
    );
    const { rows: appending } = await this.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND classid = 0 AND objid = $1 AND objsubid = 1
       AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [APPENDING],
    );
    return BigInt(Number(appending[0].n) > 0 ? rows[0].xmin : rows[0].xmax) << EVENTS_PER_TRANSACTION_BITS;
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

  private async client(): Promise<ClientBase & { release(): void }> {
    try {
      return await this.pool.connect();
    } catch (error) {
      throw new StoreUnavailable(ENGINE, error);
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

/**
 * The append inside the caller's transaction: the stream's revision moves from the expected one
 * (a conflict when another moved it first: the row lock makes the second wait, then see it), the
 * events take positions from this transaction's id, and listeners are told at commit.
 */
export async function appendIn(client: ClientBase, stream: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
  if (events.length >= MAX_EVENTS_PER_TRANSACTION) throw new Error(`Plus de ${MAX_EVENTS_PER_TRANSACTION} événements dans un ajout`);
  const count = events.length;
  await startAppending(client);
  let moved: { revision: string; txid: string } | undefined;
  if (expected === 'no_stream') {
    moved = (
      await client.query<{ revision: string; txid: string }>(
        'INSERT INTO streams (stream, revision) VALUES ($1, $2) ON CONFLICT (stream) DO NOTHING RETURNING revision::text, pg_current_xact_id()::text AS txid',
        [stream, count - 1],
      )
    ).rows[0];
  } else if (expected === 'any') {
    moved = (
      await client.query<{ revision: string; txid: string }>(
        `INSERT INTO streams (stream, revision) VALUES ($1, $2) ON CONFLICT (stream) DO UPDATE SET revision = streams.revision + $3
         RETURNING revision::text, pg_current_xact_id()::text AS txid`,
        [stream, count - 1, count],
      )
    ).rows[0];
  } else {
    moved = (
      await client.query<{ revision: string; txid: string }>(
        'UPDATE streams SET revision = revision + $3 WHERE stream = $1 AND revision = $2 RETURNING revision::text, pg_current_xact_id()::text AS txid',
        [stream, expected, count],
      )
    ).rows[0];
  }
  if (!moved) {
    const { rows } = await client.query<{ revision: string }>('SELECT revision::text FROM streams WHERE stream = $1', [stream]);
    throw new WrongExpectedRevision(stream, expected, rows.length ? Number(rows[0].revision) : 'no_stream');
  }
  const last = Number(moved.revision);
  const txid = BigInt(moved.txid);
  // Several appends in one transaction continue its numbering.
  const { rows: taken } = await client.query<{ next: string }>(
    'SELECT (coalesce(max(position) + 1, $1::bigint))::text AS next FROM events WHERE position >= $1::bigint AND position < $2::bigint',
    [(txid << EVENTS_PER_TRANSACTION_BITS).toString(), ((txid + 1n) << EVENTS_PER_TRANSACTION_BITS).toString()],
  );
  const first = BigInt(taken[0].next);
  const positions = events.map((_, i) => (first + BigInt(i)).toString());
  await client.query(
    `INSERT INTO events (position, transaction_id, id, stream, revision, type, data, metadata)
     SELECT p, pg_current_xact_id(), i, $1, r, t, d::json, m::json
     FROM unnest($2::bigint[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[]) AS e(p, i, r, t, d, m)`,
    [
      stream,
      positions,
      events.map((e) => e.id),
      events.map((_, i) => last - count + 1 + i),
      events.map((e) => e.type),
      events.map((e) => JSON.stringify(e.data)),
      events.map((e) => JSON.stringify(e.metadata)),
    ],
  );
  await client.query(`SELECT pg_notify('${CHANNEL}', '')`);
  return { revision: last, position: BigInt(positions[positions.length - 1]) };
}

/** Marks the caller's transaction as appending events until it ends (readers then stop below it). */
export async function startAppending(client: ClientBase): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock_shared($1)', [APPENDING]);
}

/** A retry of an append that committed: its first and last ids stand in this stream. Answer as then. */
async function alreadyAppended(client: ClientBase, stream: string, events: NewEvent[]): Promise<AppendResult | null> {
  const ids = [events[0].id, events[events.length - 1].id];
  const { rows } = await client.query<{ id: string; stream: string; revision: string; position: string }>(
    'SELECT id, stream, revision::text, position::text FROM events WHERE id = ANY($1::text[])',
    [ids],
  );
  if (rows.length === 0) return null;
  const last = rows.find((r) => r.id === ids[1]);
  if (rows.some((r) => r.stream !== stream) || !last) {
    throw new Error(`L'événement ${events[0].id} est déjà enregistré dans le flux ${rows[0].stream} avec un autre contenu`);
  }
  return { revision: Number(last.revision), position: BigInt(last.position) };
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
