import { type Pool } from 'pg';
import { StoreUnavailable } from '../events/event-store';
import { newPool, unavailable } from '../events/postgres-event-store';
import { type BlobStore, SHA256 } from './blob-store';

/**
 * Blobs in PostgreSQL (`blobs`: the hash, the bytes as bytea), in the database of the read store:
 * every instance on it serves every voucher, and a backup of the database holds them.
 */
export class PostgresBlobStore implements BlobStore {
  readonly engine = 'postgresql';

  private constructor(private readonly pool: Pool) {}

  static async connect(url: string): Promise<PostgresBlobStore> {
    const pool = newPool(url, 4);
    try {
      await pool.query('CREATE TABLE IF NOT EXISTS blobs (sha256 TEXT PRIMARY KEY, bytes BYTEA NOT NULL)');
    } catch (error) {
      // Two instances starting at once: one creates, the other finds it (or its type) there.
      if (
        !(await pool.query("SELECT to_regclass('blobs') AS t").then(
          (r) => r.rows[0].t !== null,
          () => false,
        ))
      ) {
        await pool.end().catch(() => undefined);
        throw new StoreUnavailable('postgresql', error);
      }
    }
    return new PostgresBlobStore(pool);
  }

  async has(sha256: string): Promise<boolean> {
    if (!SHA256.test(sha256)) return false;
    const { rows } = await this.query('SELECT 1 FROM blobs WHERE sha256 = $1', [sha256]);
    return rows.length > 0;
  }

  async put(sha256: string, bytes: Buffer): Promise<void> {
    if (!SHA256.test(sha256)) throw new Error(`not a SHA-256: ${sha256}`);
    await this.query('INSERT INTO blobs (sha256, bytes) VALUES ($1, $2) ON CONFLICT (sha256) DO NOTHING', [sha256, bytes]);
  }

  async get(sha256: string): Promise<Buffer | null> {
    if (!SHA256.test(sha256)) return null;
    const { rows } = await this.query('SELECT bytes FROM blobs WHERE sha256 = $1', [sha256]);
    return rows.length ? (rows[0].bytes as Buffer) : null;
  }

  async remove(sha256: string): Promise<void> {
    if (SHA256.test(sha256)) await this.query('DELETE FROM blobs WHERE sha256 = $1', [sha256]);
  }

  /** A write the server must accept (a full disk or a read-only server refuses it), undone at once. */
  async probeWrite(): Promise<void> {
    const client = await this.pool.connect().catch((error: unknown) => {
      throw unavailable(error);
    });
    try {
      await client.query('BEGIN');
      await client.query("INSERT INTO blobs (sha256, bytes) VALUES ('health', '\\x00') ON CONFLICT (sha256) DO NOTHING");
    } catch (error) {
      throw unavailable(error);
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async query(sql: string, params: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }> {
    try {
      return await this.pool.query(sql, params);
    } catch (error) {
      throw unavailable(error);
    }
  }
}
