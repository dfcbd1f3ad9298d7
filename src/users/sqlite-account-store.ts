import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { type CollectionSpec, type Doc, type FindQuery, type Scalar } from '../projections/read-store';
import { SqliteReadStore } from '../projections/sqlite-read-store';
import { type AccountStore, CARRIED_COLLECTIONS } from './account-store';

/**
 * The embedded account store: its own SQLite file (`accounts.sqlite`, synchronous=FULL: nothing
 * rebuilds it), holding collections the way the read store does. Deleting read.sqlite to rebuild
 * the read models leaves every login, grant and session in place.
 */
export class SqliteAccountStore implements AccountStore {
  readonly engine = 'embedded';

  private constructor(private readonly documents: SqliteReadStore) {}

  /**
   * Opens (or creates) the file. `carryFrom`: a read.sqlite of an earlier version, which held the
   * accounts; on the first start they are copied here, then dropped from it.
   */
  static async open(filePath: string, options: { carryFrom?: string } = {}): Promise<SqliteAccountStore> {
    const documents = new SqliteReadStore(filePath, { durable: true });
    try {
      if (options.carryFrom && !documents.hasCollection('users') && existsSync(options.carryFrom)) {
        await carryOver(options.carryFrom, documents);
      }
    } catch (error) {
      await documents.close();
      throw error;
    }
    return new SqliteAccountStore(documents);
  }

  declareCollection(name: string, spec: CollectionSpec): Promise<void> {
    return this.documents.declareCollection(name, spec);
  }
  get<T extends Doc = Doc>(collection: string, id: string): Promise<T | null> {
    return this.documents.get<T>(collection, id);
  }
  find<T extends Doc = Doc>(collection: string, query?: FindQuery): Promise<T[]> {
    return this.documents.find<T>(collection, query);
  }
  count(collection: string, where?: Record<string, Scalar>): Promise<number> {
    return this.documents.count(collection, where);
  }
  put(collection: string, id: string, doc: Doc): Promise<void> {
    return this.documents.put(collection, id, doc);
  }
  remove(collection: string, id: string): Promise<void> {
    return this.documents.remove(collection, id);
  }
  ping(): Promise<void> {
    return this.documents.ping();
  }
  close(): Promise<void> {
    return this.documents.close();
  }
}

/**
 * Copies each carried collection (users last: their presence marks the carry-over done, so a
 * crash midway copies again), then drops them from the read store's file, where a stale copy of
 * the password hashes has no business.
 */
async function carryOver(readFile: string, accounts: SqliteReadStore): Promise<void> {
  const old = new Database(readFile);
  try {
    old.pragma('busy_timeout = 5000');
    const specOf = old.prepare('SELECT spec FROM read_collections WHERE name = ?');
    const hasTable = (name: string) => old.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(`doc_${name}`) !== undefined;
    const carried: string[] = [];
    for (const name of CARRIED_COLLECTIONS) {
      const row = specOf.get(name) as { spec: string } | undefined;
      if (!row || !hasTable(name)) continue;
      await accounts.declareCollection(name, JSON.parse(row.spec) as CollectionSpec);
      const rows = old.prepare(`SELECT id, body FROM "doc_${name}"`).all() as Array<{ id: string; body: string }>;
      // Idempotency answers name their key since they are pruned: those kept before get it from their id.
      const docOf = (id: string, body: string): Doc => (name === 'idempotent_requests' ? { key: id, ...(JSON.parse(body) as Doc) } : (JSON.parse(body) as Doc));
      await accounts.putMany(
        name,
        rows.map((r) => ({ id: r.id, doc: docOf(r.id, r.body) })),
      );
      carried.push(name);
    }
    old
      .transaction(() => {
        for (const name of carried) {
          old.exec(`DROP TABLE "doc_${name}"`);
          old.prepare('DELETE FROM read_collections WHERE name = ?').run(name);
        }
      })
      .immediate();
  } finally {
    old.close();
  }
}
