import Database from 'better-sqlite3';
import {
  CheckpointMoved,
  type CollectionSpec,
  type Doc,
  type FindQuery,
  type ProjectionBatch,
  type ProjectionSwitch,
  type ReadStore,
  type Scalar,
  DeclaredCollections,
} from './read-store';

/** Collection and index-field names become SQL identifiers and JSON paths: keep them plain. */
const COLLECTION_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const ANALYZE_EVERY_WRITES = 10_000;

const quote = (identifier: string): string => `"${identifier.replace(/"/g, '""')}"`;
const tableOf = (collection: string): string => quote(`doc_${collection}`);
const columnOf = (field: string): string => quote(`f_${field}`);

/** better-sqlite3 binds no booleans; json_extract yields 1/0 for JSON true/false, so match that. */
const bindable = (value: Scalar): string | number | null => (typeof value === 'boolean' ? (value ? 1 : 0) : value);

/**
 * What json_extract(body, '$.field') gives for a top-level field of the stored JSON: index columns
 * are written from the document itself, and must hold what files of the generated-column shape
 * computed (those are migrated with json_extract).
 */
function indexValue(doc: Doc, field: string): string | number | null {
  let value = Object.prototype.hasOwnProperty.call(doc, field) ? doc[field] : undefined;
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON(key: string): unknown }).toJSON(field);
  }
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'boolean':
      return value ? 1 : 0;
    case 'object':
      return value === null ? null : JSON.stringify(value);
    default:
      return null;
  }
}

/** A collection's table as this connection writes it. */
interface CollectionTable {
  /** Index fields stored as plain columns, written with each document. */
  fields: string[];
  upsert: Database.Statement;
  delete: Database.Statement;
}

/**
 * Embedded read store: one table per collection holding each document as JSON text, plus one
 * column per declared index field (the document's top-level field, written with it) with an index
 * on (field, id). Equality filters and the sort therefore run on indexes and the id breaks ties,
 * so paging is stable. Checkpoints live in the same file, written in the same transaction as the
 * documents.
 *
 * Index columns are plain rather than generated (json_extract of the body): a generated column
 * made SQLite parse the body again per index field for the new row and for the replaced one, a
 * third of an upsert's cost. Files of that older shape are migrated by declareCollection.
 */
export class SqliteReadStore implements ReadStore {
  readonly engine = 'embedded';
  private readonly db: Database.Database;
  private readonly specs = new DeclaredCollections();
  private readonly statements = new Map<string, Database.Statement>();
  private readonly tables = new Map<string, CollectionTable>();
  private writesSinceAnalyze = 0;

  /**
   * `durable`: synchronous=FULL, for documents nothing can rebuild (the account store's file).
   * Read models are rebuilt from the event log, whose own file is synchronous=FULL: losing the
   * last transactions here on power loss only rewinds a checkpoint, and the projector re-applies
   * the missing events. NORMAL spares an fsync per batch.
   */
  constructor(filePath: string, options: { durable?: boolean } = {}) {
    this.db = new Database(filePath);
    // First: the CLI may write (rebuild, user:create) while the server holds the file, and two
    // processes opening it at once wait for each other from the very first pragma.
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(options.durable ? 'synchronous = FULL' : 'synchronous = NORMAL');
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
      this.loadTable(row.name);
    }
  }

  async declareCollection(name: string, spec: CollectionSpec): Promise<void> {
    if (!COLLECTION_NAME.test(name)) throw new Error(`Invalid collection name "${name}"`);
    for (const field of spec.indexes) {
      if (!FIELD_NAME.test(field)) throw new Error(`Invalid index field "${field}" for collection "${name}"`);
    }
    const table = tableOf(name);
    // IMMEDIATE: a transaction that reads before it writes meets SQLITE_BUSY_SNAPSHOT, which no
    // busy timeout retries, when another process (a second CLI, the server) committed meanwhile.
    this.db
      .transaction(() => {
        this.db.exec(`CREATE TABLE IF NOT EXISTS ${table} (id TEXT PRIMARY KEY, body TEXT NOT NULL)`);
        const columns = this.indexColumns(name);
        if (columns.some((c) => c.generated))
          this.migrateToPlainColumns(
            name,
            columns.map((c) => c.field),
          );
        const present = new Set(columns.map((c) => c.field));
        for (const field of spec.indexes) {
          if (!present.has(field)) {
            this.db.exec(`ALTER TABLE ${table} ADD COLUMN ${columnOf(field)}`);
            // Documents already there get their value, as a generated column would have given them.
            this.db.exec(`UPDATE ${table} SET ${columnOf(field)} = json_extract(body, '$.${field}')`);
          }
          this.ensureIndex(name, field);
        }
        this.statement('INSERT INTO read_collections (name, spec) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET spec = excluded.spec').run(
          name,
          JSON.stringify({ indexes: [...spec.indexes] }),
        );
      })
      .immediate();
    this.specs.set(name, { indexes: [...spec.indexes] });
    this.loadTable(name);
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
    return rows.map((row) => JSON.parse(row.body) as T);
  }

  async count(collection: string, where?: Record<string, Scalar>): Promise<number> {
    const { clause, params } = this.whereClause(collection, where);
    const row = this.statement(`SELECT COUNT(*) AS n FROM ${tableOf(collection)}${clause}`).get(...params) as { n: number };
    return row.n;
  }

  async applyBatches(batches: ProjectionBatch[]): Promise<void> {
    let writes = 0;
    // IMMEDIATE: the checkpoints compared are still the stored ones when the batch is written.
    this.db
      .transaction(() => {
        for (const { projection, after } of batches) {
          if (after === undefined) continue;
          const stored = this.checkpointOf(projection);
          if (stored !== after) throw new CheckpointMoved(projection, after, stored);
        }
        for (const { projection, upserts, deletes, checkpoint } of batches) {
          for (const write of upserts) this.upsert(write.collection, write.id, write.doc);
          for (const del of deletes) this.delete(del.collection, del.id);
          this.statement('INSERT INTO checkpoints (projection, position) VALUES (?, ?) ON CONFLICT(projection) DO UPDATE SET position = excluded.position').run(
            projection,
            checkpoint.toString(),
          );
          writes += upserts.length + deletes.length;
        }
      })
      .immediate();
    this.writesSinceAnalyze += writes;
    if (this.writesSinceAnalyze >= ANALYZE_EVERY_WRITES) {
      this.writesSinceAnalyze = 0;
      // Only re-analyzes tables whose size changed a lot; a no-op costs well under a millisecond.
      this.db.pragma('optimize = 0x10002');
    }
  }

  async getCheckpoint(projection: string): Promise<bigint | null> {
    return this.checkpointOf(projection);
  }

  /**
   * Renames rather than copies: each live table is dropped and its twin renamed in its place (its
   * indexes go with it), whatever the number of documents, in one transaction.
   */
  async switchProjections(switches: ProjectionSwitch[]): Promise<void> {
    for (const { collections } of switches) for (const { live, rebuilt } of collections) [live, rebuilt].forEach((c) => this.specs.specOf(c));
    this.db
      .transaction(() => {
        for (const { projection, rebuilt, collections } of switches) {
          for (const { live, rebuilt: twin } of collections) {
            this.db.exec(`DROP TABLE ${tableOf(live)}`);
            this.db.exec(`ALTER TABLE ${tableOf(twin)} RENAME TO ${tableOf(live)}`);
            this.statement('DELETE FROM read_collections WHERE name = ?').run(twin);
          }
          const position = this.checkpointOf(rebuilt);
          this.statement('DELETE FROM checkpoints WHERE projection IN (?, ?)').run(projection, rebuilt);
          if (position !== null) this.statement('INSERT INTO checkpoints (projection, position) VALUES (?, ?)').run(projection, position.toString());
        }
      })
      .immediate();
    for (const { collections } of switches) {
      for (const { live, rebuilt } of collections) {
        this.specs.delete(rebuilt);
        this.tables.delete(rebuilt);
        this.loadTable(live);
      }
    }
  }

  private checkpointOf(projection: string): bigint | null {
    const row = this.statement('SELECT position FROM checkpoints WHERE projection = ?').get(projection) as { position: string } | undefined;
    return row ? BigInt(row.position) : null;
  }

  /**
   * An index on (field, id) unless the table has one: a table switched in from a rebuild keeps
   * the indexes it was built with, under its twin's names (a free name is taken when needed).
   */
  private ensureIndex(collection: string, field: string): void {
    const table = `doc_${collection}`;
    const indexes = this.statement('SELECT name FROM pragma_index_list(?)').all(table) as Array<{ name: string }>;
    const wanted = `${`f_${field}`},id`;
    const columns = (index: string) =>
      (this.db.prepare('SELECT name FROM pragma_index_info(?) ORDER BY seqno').all(index) as Array<{ name: string }>).map((c) => c.name).join(',');
    if (indexes.some((index) => columns(index.name) === wanted)) return;
    const taken = (name: string) => this.statement("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?").get(name) !== undefined;
    let name = `ix_${collection}_${field}`;
    for (let n = 2; taken(name); n++) name = `ix_${collection}_${field}_${n}`;
    this.db.exec(`CREATE INDEX ${quote(name)} ON ${quote(table)} (${columnOf(field)}, id)`);
  }

  async resetProjection(projection: string, collections: string[]): Promise<void> {
    for (const collection of collections) this.specs.specOf(collection);
    this.db
      .transaction(() => {
        for (const collection of collections) this.db.exec(`DELETE FROM ${tableOf(collection)}`);
        this.statement('DELETE FROM checkpoints WHERE projection = ?').run(projection);
      })
      .immediate();
  }

  async put(collection: string, id: string, doc: Doc): Promise<void> {
    this.upsert(collection, id, doc);
  }

  async remove(collection: string, id: string): Promise<void> {
    this.delete(collection, id);
  }

  /** Many documents in one transaction (one fsync): a carry-over from another file. */
  async putMany(collection: string, writes: Array<{ id: string; doc: Doc }>): Promise<void> {
    this.db
      .transaction(() => {
        for (const { id, doc } of writes) this.upsert(collection, id, doc);
      })
      .immediate();
  }

  hasCollection(name: string): boolean {
    return this.specs.has(name);
  }

  async ping(): Promise<void> {
    this.statement('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private upsert(collection: string, id: string, doc: Doc): void {
    const table = this.tableFor(collection);
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
      throw new Error(`Document ${collection}/${id} is not a JSON object`);
    }
    // Throws on cycles and bigints, inside the caller's transaction.
    const body = JSON.stringify(doc);
    const { fields } = table;
    if (fields.length === 0) table.upsert.run(id, body);
    else if (fields.length === 1) table.upsert.run(id, body, indexValue(doc, fields[0]));
    else table.upsert.run(id, body, ...fields.map((field) => indexValue(doc, field)));
  }

  private delete(collection: string, id: string): void {
    this.tableFor(collection).delete.run(id);
  }

  private tableFor(collection: string): CollectionTable {
    const table = this.tables.get(collection);
    if (table) return table;
    // Not declared: specOf says so.
    this.specs.specOf(collection);
    throw new Error(`Collection "${collection}" has no table`);
  }

  /**
   * Compiles the collection's writes for its present columns: plain index columns are written with
   * the document; generated ones (a file not migrated yet) are left to SQLite.
   */
  private loadTable(collection: string): void {
    const columns = this.indexColumns(collection);
    if (columns.length === 0 && !this.tableExists(collection)) {
      this.tables.delete(collection);
      return;
    }
    const table = tableOf(collection);
    const fields = columns.filter((c) => !c.generated).map((c) => c.field);
    const names = ['id', 'body', ...fields.map(columnOf)];
    const updates = names
      .slice(1)
      .map((c) => `${c} = excluded.${c}`)
      .join(', ');
    this.tables.set(collection, {
      fields,
      upsert: this.db.prepare(
        `INSERT INTO ${table} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')}) ON CONFLICT(id) DO UPDATE SET ${updates}`,
      ),
      delete: this.db.prepare(`DELETE FROM ${table} WHERE id = ?`),
    });
  }

  /** The table's index columns (f_<field>), in table order, and whether SQLite generates them. */
  private indexColumns(collection: string): Array<{ field: string; generated: boolean }> {
    const rows = this.statement('SELECT name, hidden FROM pragma_table_xinfo(?)').all(`doc_${collection}`) as Array<{ name: string; hidden: number }>;
    // hidden: 2 = virtual generated, 3 = stored generated.
    return rows.filter((c) => c.name.startsWith('f_')).map((c) => ({ field: c.name.slice(2), generated: c.hidden === 2 || c.hidden === 3 }));
  }

  private tableExists(collection: string): boolean {
    return this.statement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(`doc_${collection}`) !== undefined;
  }

  /**
   * Rebuilds a table of the generated-column shape with plain columns (inside the caller's
   * transaction): every index column it had, filled with the very json_extract it computed. Its
   * indexes go with the old table; declareCollection creates those of the spec again.
   */
  private migrateToPlainColumns(collection: string, fields: string[]): void {
    const table = tableOf(collection);
    const staging = quote(`doc_${collection}__plain`);
    const columns = fields.map(columnOf);
    this.db.exec(`DROP TABLE IF EXISTS ${staging}`);
    this.db.exec(`CREATE TABLE ${staging} (id TEXT PRIMARY KEY, body TEXT NOT NULL${columns.map((c) => `, ${c}`).join('')})`);
    this.db.exec(
      `INSERT INTO ${staging} (id, body${columns.map((c) => `, ${c}`).join('')}) ` +
        `SELECT id, body${fields.map((f) => `, json_extract(body, '$.${f}')`).join('')} FROM ${table}`,
    );
    this.db.exec(`DROP TABLE ${table}`);
    this.db.exec(`ALTER TABLE ${staging} RENAME TO ${table}`);
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
