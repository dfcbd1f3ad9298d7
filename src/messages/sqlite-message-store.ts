import Database from 'better-sqlite3';
import { type DeliveryOutcome, type MessageFilter, type MessageStatus, type MessageStore, type NewMessage, type StoredMessage } from './message-store';

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
  next_attempt_at: number | null;
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
  nextAttemptAt: row.next_attempt_at,
  lastError: row.last_error,
});

/**
 * Embedded message store: its own SQLite file beside the event log (WAL, so the server and the
 * CLI share it). A unique cause and a claims table make "once" hold across processes.
 */
export class SqliteMessageStore implements MessageStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('journal_mode = WAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS messages (
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
        next_attempt_at INTEGER,
        last_error TEXT,
        held_by TEXT,
        held_until INTEGER,
        sent_at TEXT
      );
      CREATE INDEX IF NOT EXISTS messages_coop ON messages (coop_id, at);
      CREATE INDEX IF NOT EXISTS messages_department ON messages (department, at);
      CREATE INDEX IF NOT EXISTS messages_due ON messages (status, next_attempt_at);
      CREATE TABLE IF NOT EXISTS claims (key TEXT PRIMARY KEY, holder TEXT NOT NULL, at TEXT NOT NULL);
    `);
    // Files of earlier versions have no sent_at yet.
    const columns = this.db.prepare('PRAGMA table_info(messages)').all() as Array<{ name: string }>;
    if (!columns.some((c) => c.name === 'sent_at')) this.db.exec('ALTER TABLE messages ADD COLUMN sent_at TEXT');
  }

  async record(message: NewMessage & { messageId: string; at: string; nextAttemptAt: number | null }): Promise<StoredMessage | null> {
    const inserted = this.db
      .prepare(
        `INSERT INTO messages (message_id, recipient, subject, kind, body, coop_id, department, cause, at, status, attempts, next_attempt_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'kept', 0, ?) ON CONFLICT DO NOTHING`,
      )
      .run(
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
      );
    return inserted.changes === 1 ? this.get(message.messageId) : null;
  }

  async get(messageId: string): Promise<StoredMessage | null> {
    const row = this.db.prepare('SELECT * FROM messages WHERE message_id = ?').get(messageId) as Row | undefined;
    return row ? toMessage(row) : null;
  }

  async list(filter: MessageFilter, limit: number): Promise<StoredMessage[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.coopId !== undefined) {
      where.push('coop_id = ?');
      params.push(filter.coopId);
    }
    if (filter.department !== undefined) {
      where.push('department = ?');
      params.push(filter.department);
    }
    const sql = `SELECT * FROM messages ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC, rowid DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...params, limit) as Row[]).map(toMessage);
  }

  async hasCause(cause: string): Promise<boolean> {
    return this.db.prepare('SELECT 1 FROM messages WHERE cause = ?').get(cause) !== undefined;
  }

  async byCause(cause: string): Promise<StoredMessage | null> {
    const row = this.db.prepare('SELECT * FROM messages WHERE cause = ?').get(cause) as Row | undefined;
    return row ? toMessage(row) : null;
  }

  async due(now: number, limit: number): Promise<StoredMessage[]> {
    const rows = this.db
      .prepare(
        `SELECT * FROM messages WHERE status = 'kept' AND next_attempt_at IS NOT NULL AND next_attempt_at <= ?
         AND (held_until IS NULL OR held_until <= ?) ORDER BY next_attempt_at, rowid LIMIT ?`,
      )
      .all(now, now, limit) as Row[];
    return rows.map(toMessage);
  }

  async takeForDelivery(messageId: string, holder: string, now: number, until: number): Promise<boolean> {
    const taken = this.db
      .prepare(
        `UPDATE messages SET held_by = ?, held_until = ?
         WHERE message_id = ? AND status = 'kept' AND (held_until IS NULL OR held_until <= ?)`,
      )
      .run(holder, until, messageId, now);
    return taken.changes === 1;
  }

  async settle(messageId: string, outcome: DeliveryOutcome): Promise<void> {
    this.db
      .prepare(
        'UPDATE messages SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ?, sent_at = ?, held_by = NULL, held_until = NULL WHERE message_id = ?',
      )
      .run(outcome.status, outcome.attempts, outcome.nextAttemptAt, outcome.lastError, outcome.sentAt ?? null, messageId);
  }

  async claim(key: string, holder: string, at: string): Promise<boolean> {
    return this.db.prepare('INSERT INTO claims (key, holder, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(key, holder, at).changes === 1;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
