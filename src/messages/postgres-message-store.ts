import { type Pool } from 'pg';
import { StoreUnavailable } from '../events/event-store';
import { newPool, unavailable } from '../events/postgres-event-store';
import { type DeliveryOutcome, type MessageFilter, type MessageStatus, type MessageStore, type NewMessage, type StoredMessage } from './message-store';

/** The schema lock of the message store (the event store's is 7263001, the read store's 7263002, the projector's lease 7263004). */
const SCHEMA_LOCK = 7263005;

interface Row {
  message_id: string;
  recipient: string;
  subject: string;
  kind: StoredMessage['kind'];
  body: string;
  coop_id: string | null;
  department: string | null;
  cause: string | null;
  at: string;
  status: MessageStatus;
  sent_at: string | null;
  attempts: number;
  /** BIGINT: the driver gives it as a string. */
  next_attempt_at: string | null;
  last_error: string | null;
}

const toMessage = (row: Row): StoredMessage => ({
  messageId: row.message_id,
  to: row.recipient,
  subject: row.subject,
  kind: row.kind,
  text: row.body,
  coopId: row.coop_id,
  department: row.department,
  cause: row.cause,
  at: row.at,
  status: row.status,
  sentAt: row.sent_at ?? null,
  attempts: row.attempts,
  nextAttemptAt: row.next_attempt_at === null ? null : Number(row.next_attempt_at),
  lastError: row.last_error,
});

/**
 * The outbox in the shared PostgreSQL database (tables `messages`, `message_claims`): every
 * instance on it records into and delivers from one outbox. A message is taken for an attempt by
 * one conditional UPDATE (the row lock makes a second taker wait, then see it held), a cause is
 * unique, and a claim is one INSERT: "once" holds whichever instance asks.
 */
export class PostgresMessageStore implements MessageStore {
  readonly engine = 'postgresql';
  private closed = false;

  private constructor(private readonly pool: Pool) {}

  static async connect(url: string): Promise<PostgresMessageStore> {
    const pool = newPool(url, 4);
    const client = await pool.connect().catch(async (error: unknown) => {
      await pool.end().catch(() => undefined);
      throw new StoreUnavailable('postgresql', error);
    });
    try {
      // Two instances starting at once: the lock makes the second find the tables made.
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
      await client.query(`
        CREATE TABLE IF NOT EXISTS messages (
          seq BIGINT GENERATED ALWAYS AS IDENTITY,
          message_id TEXT PRIMARY KEY,
          recipient TEXT NOT NULL,
          subject TEXT NOT NULL,
          kind TEXT NOT NULL,
          body TEXT NOT NULL,
          coop_id TEXT,
          department TEXT,
          cause TEXT UNIQUE,
          at TEXT NOT NULL,
          status TEXT NOT NULL,
          attempts INTEGER NOT NULL DEFAULT 0,
          next_attempt_at BIGINT,
          last_error TEXT,
          held_by TEXT,
          held_until BIGINT,
          sent_at TEXT
        );
        CREATE INDEX IF NOT EXISTS messages_coop ON messages (coop_id, at);
        CREATE INDEX IF NOT EXISTS messages_department ON messages (department, at);
        CREATE INDEX IF NOT EXISTS messages_due ON messages (status, next_attempt_at);
        CREATE TABLE IF NOT EXISTS message_claims (key TEXT PRIMARY KEY, holder TEXT NOT NULL, at TEXT NOT NULL);
      `);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release();
      await pool.end().catch(() => undefined);
      throw new StoreUnavailable('postgresql', error);
    }
    client.release();
    return new PostgresMessageStore(pool);
  }

  async record(message: NewMessage & { messageId: string; at: string; nextAttemptAt: number | null }): Promise<StoredMessage | null> {
    const { rows } = await this.query<Row>(
      `INSERT INTO messages (message_id, recipient, subject, kind, body, coop_id, department, cause, at, status, attempts, next_attempt_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'kept', 0, $10) ON CONFLICT DO NOTHING RETURNING *`,
      [
        message.messageId,
        message.to,
        message.subject,
        message.kind,
        message.text,
        message.coopId ?? null,
        message.department ?? null,
        message.cause ?? null,
        message.at,
        message.nextAttemptAt,
      ],
    );
    return rows.length ? toMessage(rows[0]) : null;
  }

  async get(messageId: string): Promise<StoredMessage | null> {
    const { rows } = await this.query<Row>('SELECT * FROM messages WHERE message_id = $1', [messageId]);
    return rows.length ? toMessage(rows[0]) : null;
  }

  async list(filter: MessageFilter, limit: number): Promise<StoredMessage[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.coopId !== undefined) {
      params.push(filter.coopId);
      where.push(`coop_id = $${params.length}`);
    }
    if (filter.department !== undefined) {
      params.push(filter.department);
      where.push(`department = $${params.length}`);
    }
    params.push(limit);
    const sql = `SELECT * FROM messages ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC, seq DESC LIMIT $${params.length}`;
    return (await this.query<Row>(sql, params)).rows.map(toMessage);
  }

  async hasCause(cause: string): Promise<boolean> {
    return (await this.query('SELECT 1 FROM messages WHERE cause = $1', [cause])).rows.length > 0;
  }

  async byCause(cause: string): Promise<StoredMessage | null> {
    const { rows } = await this.query<Row>('SELECT * FROM messages WHERE cause = $1', [cause]);
    return rows.length ? toMessage(rows[0]) : null;
  }

  async due(now: number, limit: number): Promise<StoredMessage[]> {
    const { rows } = await this.query<Row>(
      `SELECT * FROM messages WHERE status = 'kept' AND next_attempt_at IS NOT NULL AND next_attempt_at <= $1
       AND (held_until IS NULL OR held_until <= $1) ORDER BY next_attempt_at, seq LIMIT $2`,
      [now, limit],
    );
    return rows.map(toMessage);
  }

  async takeForDelivery(messageId: string, holder: string, now: number, until: number): Promise<boolean> {
    // READ COMMITTED re-checks the WHERE on the row a concurrent taker just updated: one wins.
    const { rowCount } = await this.query(
      `UPDATE messages SET held_by = $1, held_until = $2
       WHERE message_id = $3 AND status = 'kept' AND (held_until IS NULL OR held_until <= $4)`,
      [holder, until, messageId, now],
    );
    return rowCount === 1;
  }

  async settle(messageId: string, outcome: DeliveryOutcome): Promise<void> {
    await this.query(
      'UPDATE messages SET status = $1, attempts = $2, next_attempt_at = $3, last_error = $4, sent_at = $5, held_by = NULL, held_until = NULL WHERE message_id = $6',
      [outcome.status, outcome.attempts, outcome.nextAttemptAt, outcome.lastError, outcome.sentAt ?? null, messageId],
    );
  }

  async claim(key: string, holder: string, at: string): Promise<boolean> {
    const { rowCount } = await this.query('INSERT INTO message_claims (key, holder, at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [key, holder, at]);
    return rowCount === 1;
  }

  /** Closed once, whoever closes first (the stores and the messages module both may). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private async query<R = Record<string, unknown>>(sql: string, params: unknown[]): Promise<{ rows: R[]; rowCount: number | null }> {
    try {
      return (await this.pool.query(sql, params)) as unknown as { rows: R[]; rowCount: number | null };
    } catch (error) {
      throw unavailable(error);
    }
  }
}
