import Database from 'better-sqlite3';
import { CollectionSpec, Doc, FindQuery, ProjectionBatch, ReadStore, Scalar, DeclaredCollections } from './read-store';

/** Collection and index-field names become SQL identifiers and JSON paths: keep them plain. */
const COLLECTION_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const ANALYZE_EVERY_WRITES = 10_000;

const quote = (identifier: string): string => `"${identifier.replace(/"/g, '""')}"`;
const tableOf = (collection: string): string => quote(`doc_${collection}`);
const columnOf = (field: string): string => quote(`f_${field}`);

/** better-sqlite3 binds no booleans; json_extract yields 1/0 for JSON true/false, so match that. */
const bindable = (value: Scalar): string | number | null =>
  typeof value === 'boolean' ? (value ? 1 : 0) : value;

/**
 * Embedded read store: one table per collection holding each document as JSON text, plus one
 * virtual generated column per declared index field (json_extract of the body) with an index on
 * (field, id). Equality filters and the sort therefore run on indexes and the id breaks ties, so
 * paging is stable. Checkpoints live in the same file, written in the same transaction as the
 * documents.
 */
export class SqliteReadStore implements ReadStore {
  readonly engine = 'embedded';
  private readonly db: Database.Database;
  private readonly specs = new DeclaredCollections();
  private readonly statements = new Map<string, Database.Statement>();
  private writesSinceAnalyze = 0;

  constructor(filePath: string) {
    this.db = new Database(filePath);
    this.db.pragma('journal_mode = WAL');
    // Read models are rebuilt from the event log, whose own file is synchronous=FULL: losing the
    // last transactions here on power loss only rewinds a checkpoint, and the projector re-applies
    // the missing events. NORMAL spares an fsync per batch.
    this.db.pragma('synchronous = NORMAL');
    // The CLI may write (rebuild, user:create) while the server holds the file.
    this.db.pragma('busy_timeout = 5000');
    // Without statistics the planner may pick the wrong one of two equality indexes (60 ms instead
    // of 1 ms on 500k documents); a bounded ANALYZE keeps them current cheaply.
    this.db.pragma('analysis_limit = 1000');
    this.db.pragma('optimize = 0x10002');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS checkpoints (projection TEXT PRIMARY KEY, position TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS read_collections (name TEXT PRIMARY KEY, spec TEXT NOT NULL);
    `);
    // Collections declared by another process (e.g. the server, before a CLI run) are known too.
    for (const row of this.statement('SELECT name, spec FROM read_collections').all() as Array<{ name: string; spec: string }>) {
      this.specs.set(row.name, JSON.parse(row.spec) as CollectionSpec);
    }
  }

  async declareCollection(name: string, spec: CollectionSpec): Promise<void> {
    if (!COLLECTION_NAME.test(name)) throw new Error(`Invalid collection name "${name}"`);
    for (const field of spec.indexes) {
      if (!FIELD_NAME.test(field)) throw new Error(`Invalid index field "${field}" for collection "${name}"`);
    }
    const table = tableOf(name);
    this.db.transaction(() => {
      this.db.exec(`CREATE TABLE IF NOT EXISTS ${table} (id TEXT PRIMARY KEY, body TEXT NOT NULL)`);
      const columns = new Set(
        (this.statement(`SELECT name FROM pragma_table_xinfo(?)`).all(`doc_${name}`) as Array<{ name: string }>).map(c => c.name),
      );
      for (const field of spec.indexes) {
        if (!columns.has(`f_${field}`)) {
          this.db.exec(
            `ALTER TABLE ${table} ADD COLUMN ${columnOf(field)} GENERATED ALWAYS AS (json_extract(body, '$.${field}')) VIRTUAL`,
          );
        }
        this.db.exec(`CREATE INDEX IF NOT EXISTS ${quote(`ix_${name}_${field}`)} ON ${table} (${columnOf(field)}, id)`);
      }
      this
        .statement('INSERT INTO read_collections (name, spec) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET spec = excluded.spec')
        .run(name, JSON.stringify({ indexes: [...spec.indexes] }));
    })();
    this.specs.set(name, { indexes: [...spec.indexes] });
  }

  async get<T extends Doc = Doc>(collection: string, id: string): Promise<T | null> {
    this.specs.specOf(collection);
    const row = this.statement(`SELECT body FROM ${tableOf(collection)} WHERE id = ?`).get(id) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as T) : null;
  }

  async find<T extends Doc = Doc>(collection: string, query: FindQuery = {}): Promise<T[]> {
    const { clause, params } = this.whereClause(collection, query.where);
    let order = 'id ASC';
    if (query.sort) {
      this.specs.requireIndexed(collection, query.sort.field);
      const direction = query.sort.direction === 'desc' ? 'DESC' : 'ASC';
      order = `${columnOf(query.sort.field)} ${direction}, id ${direction}`;
    }
    const sql = `SELECT body FROM ${tableOf(collection)}${clause} ORDER BY ${order} LIMIT ? OFFSET ?`;
    const rows = this.statement(sql).all(...params, query.limit ?? -1, query.skip ?? 0) as Array<{ body: string }>;
    return rows.map(row => JSON.parse(row.body) as T);
  }

  async count(collection: string, where?: Record<string, Scalar>): Promise<number> {
    const { clause, params } = this.whereClause(collection, where);
    const row = this.statement(`SELECT COUNT(*) AS n FROM ${tableOf(collection)}${clause}`).get(...params) as { n: number };
    return row.n;
  }

  async applyBatches(batches: ProjectionBatch[]): Promise<void> {
    let writes = 0;
    this.db.transaction(() => {
      for (const { projection, upserts, deletes, checkpoint } of batches) {
        for (const write of upserts) this.upsert(write.collection, write.id, write.doc);
        for (const del of deletes) this.delete(del.collection, del.id);
        this
          .statement('INSERT INTO checkpoints (projection, position) VALUES (?, ?) ON CONFLICT(projection) DO UPDATE SET position = excluded.position')
          .run(projection, checkpoint.toString());
        writes += upserts.length + deletes.length;
      }
    })();
    this.writesSinceAnalyze += writes;
    if (this.writesSinceAnalyze >= ANALYZE_EVERY_WRITES) {
      this.writesSinceAnalyze = 0;
      // Only re-analyzes tables whose size changed a lot; a no-op costs well under a millisecond.
      this.db.pragma('optimize = 0x10002');
    }
  }

  async getCheckpoint(projection: string): Promise<bigint | null> {
    const row = this.statement('SELECT position FROM checkpoints WHERE projection = ?').get(projection) as { position: string } | undefined;
    return row ? BigInt(row.position) : null;
  }

  async resetProjection(projection: string, collections: string[]): Promise<void> {
    for (const collection of collections) this.specs.specOf(collection);
    this.db.transaction(() => {
      for (const collection of collections) this.db.exec(`DELETE FROM ${tableOf(collection)}`);
      this.statement('DELETE FROM checkpoints WHERE projection = ?').run(projection);
    })();
  }

  async put(collection: string, id: string, doc: Doc): Promise<void> {
    this.upsert(collection, id, doc);
  }

  async remove(collection: string, id: string): Promise<void> {
    this.delete(collection, id);
  }

  async ping(): Promise<void> {
    this.statement('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private upsert(collection: string, id: string, doc: Doc): void {
    this.specs.specOf(collection);
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
      throw new Error(`Document ${collection}/${id} is not a JSON object`);
    }
    // Throws on cycles and bigints, inside the caller's transaction.
    const body = JSON.stringify(doc);
    this
      .statement(`INSERT INTO ${tableOf(collection)} (id, body) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET body = excluded.body`)
      .run(id, body);
  }

  private delete(collection: string, id: string): void {
    this.specs.specOf(collection);
    this.statement(`DELETE FROM ${tableOf(collection)} WHERE id = ?`).run(id);
  }

  private whereClause(collection: string, where: Record<string, Scalar> = {}): { clause: string; params: Array<string | number | null> } {
    this.specs.specOf(collection);
    const conditions: string[] = [];
    const params: Array<string | number | null> = [];
    for (const [field, value] of Object.entries(where)) {
      this.specs.requireIndexed(collection, field);
      // A missing field and an explicit null both match null, as in MongoDB.
      if (value === null) {
        conditions.push(`${columnOf(field)} IS NULL`);
      } else {
        conditions.push(`${columnOf(field)} = ?`);
        params.push(bindable(value));
      }
    }
    return { clause: conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '', params };
  }

  /** Statements are compiled once per SQL text: batches run the same few statements many times. */
  private statement(sql: string): Database.Statement {
    let compiled = this.statements.get(sql);
    if (!compiled) {
      compiled = this.db.prepare(sql);
      this.statements.set(sql, compiled);
    }
    return compiled;
  }

}
