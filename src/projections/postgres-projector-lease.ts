import { Client } from 'pg';
import { type ProjectorLease } from './projector-lease';

/** The session-level advisory lock of the projector (the event store's schema lock is 7263001, the read store's 7263002). */
export const PROJECTOR_LOCK = 7263004;
/** How often the holder checks its session is alive, and how long it waits for the answer. */
const HEARTBEAT_MS = 1000;
const HEARTBEAT_TIMEOUT_MS = 3000;

/**
 * The projector's lease on PostgreSQL: an advisory lock held by a session of its own (not a pool
 * connection, which could be handed back). The server releases it when that session ends — the
 * process killed, its connection cut — and the next instance trying takes it. The holder checks
 * its session every second: a session that stopped answering is given up, so the holder stops
 * projecting about when the server lets another one start.
 */
export class PostgresProjectorLease implements ProjectorLease {
  private client: Client | null = null;
  private held = false;
  private heartbeat?: NodeJS.Timeout;
  private readonly listeners: Array<(error: Error) => void> = [];

  constructor(
    private readonly url: string,
    private readonly key = PROJECTOR_LOCK,
  ) {}

  async tryAcquire(): Promise<boolean> {
    if (this.held) return true;
    try {
      const client = await this.session();
      const { rows } = await client.query<{ taken: boolean }>('SELECT pg_try_advisory_lock($1) AS taken', [this.key]);
      if (!rows[0].taken || this.client !== client) return false;
      this.held = true;
      this.heartbeat = setInterval(() => void this.check(client), HEARTBEAT_MS);
      this.heartbeat.unref();
      return true;
    } catch {
      // The server unreachable: not taken; the next try opens a new session.
      await this.dropSession();
      return false;
    }
  }

  onLost(listener: (error: Error) => void): void {
    this.listeners.push(listener);
  }

  async release(): Promise<void> {
    this.held = false;
    // Ending the session releases the lock with it.
    await this.dropSession();
  }

  private async session(): Promise<Client> {
    if (this.client) return this.client;
    const client = new Client({ connectionString: this.url, connectionTimeoutMillis: 5000, query_timeout: HEARTBEAT_TIMEOUT_MS, keepAlive: true });
    client.on('error', (error) => this.lose(client, error));
    client.on('end', () => this.lose(client, new Error('session du verrou du projecteur fermée')));
    await client.connect();
    this.client = client;
    return client;
  }

  private async check(client: Client): Promise<void> {
    try {
      await client.query('SELECT 1');
    } catch (error) {
      this.lose(client, error instanceof Error ? error : new Error(String(error)));
    }
  }

  private lose(client: Client, error: Error): void {
    if (client !== this.client) return;
    const wasHeld = this.held;
    this.held = false;
    void this.dropSession();
    if (wasHeld) for (const listener of this.listeners) listener(error);
  }

  private async dropSession(): Promise<void> {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }
}
