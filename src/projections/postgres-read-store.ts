import { type Pool, type PoolClient } from 'pg';
import { newPool, unavailable } from '../events/postgres-event-store';
import { StoreUnavailable } from '../events/event-store';
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

const COLLECTION_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ENGINE = 'postgresql';

const quote = (identifier: string): string => `"${identifier.replace(/"/g, '""')}"`;
const columnOf = (field: string): string => quote(`f_${field}`);

/**
 * An index column's value: the document's top-level field as JSONB (so strings, numbers and
 * booleans keep their types, and compare as such), SQL NULL when missing or null — which `where
 * { field: null }` matches, as on the other engines. Objects are compared as their JSON text.
 */
function indexValue(doc: Doc, field: string): string | null {
  let value = Object.prototype.hasOwnProperty.call(doc, field) ? doc[field] : undefined;
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON(key: string): unknown }).toJSON(field);
  }
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : null;
    case 'object':
      return value === null ? null : JSON.stringify(JSON.stringify(value));
    default:
      return null;
  }
}

export interface PostgresReadStoreOptions {
  /** Table names start with it: the read models `rm_`, the account store `account_`. */
  prefix?: string;
  /** A pool to share (the event store's database): closed by its owner, not here. */
  pool?: Pool;
}

/**
 * PostgreSQL read store: one table per collection (`id`, the document as `json`, one JSONB column
 * per declared index field, written with the document, and a btree index on (field, id)), the
 * checkpoints in a table of their own written in the batch's transaction. `json`, not `jsonb`:
 * it keeps the document as written (key order, which pages may show) and takes any string a user
 * typed (jsonb refuses \u0000). A rebuilt twin is switched in by renaming tables, in one
 * transaction: readers see the old documents or the new ones, never a mix.
 */
export class PostgresReadStore implements ReadStore {
  readonly engine = ENGINE;
  private readonly specs = new DeclaredCollections();
  private readonly prefix: string;
  private readonly ownsPool: boolean;
  private closed = false;

  private constructor(
    private readonly pool: Pool,
    options: PostgresReadStoreOptions,
  ) {
    this.prefix = options.prefix ?? 'rm_';
    this.ownsPool = !options.pool;
  }

  static async connect(url: string, options: PostgresReadStoreOptions = {}): Promise<PostgresReadStore> {
    const pool = options.pool ?? newPool(url);
    const store = new PostgresReadStore(pool, options);
    try {
      await store.transaction(async (client) => {
        await client.query('SELECT pg_advisory_xact_lock(7263002)');
        await client.query(`CREATE TABLE IF NOT EXISTS ${store.registry} (name TEXT PRIMARY KEY, spec JSON NOT NULL)`);
        await client.query(`CREATE TABLE IF NOT EXISTS ${store.checkpoints} (projection TEXT PRIMARY KEY, position NUMERIC(20) NOT NULL)`);
      });
      await store.loadSpecs();
    } catch (error) {
      if (!options.pool) await pool.end().catch(() => undefined);
      throw new StoreUnavailable(ENGINE, error);
    }
    return store;
  }

  private get registry(): string {
    return quote(`${this.prefix}collections`);
  }
  private get checkpoints(): string {
    return quote(`${this.prefix}checkpoints`);
  }
  private tableOf(collection: string): string {
    return quote(`${this.prefix}${collection}`);
  }
  private indexName(collection: string, field: string): string {
    return quote(`${this.prefix}${collection}_${field}_ix`);
  }
  private keyName(collection: string): string {
    return quote(`${this.prefix}${collection}_pk`);
  }

  async declareCollection(name: string, spec: CollectionSpec): Promise<void> {
    if (!COLLECTION_NAME.test(name)) throw new Error(`Invalid collection name "${name}"`);
    for (const field of spec.indexes) {
      if (!FIELD_NAME.test(field)) throw new Error(`Invalid index field "${field}" for collection "${name}"`);
    }
    const table = this.tableOf(name);
    await this.transaction(async (client) => {
      // Two instances declaring at once: one creates, the other finds it done.
      await client.query('SELECT pg_advisory_xact_lock(7263002)');
      await client.query(`CREATE TABLE IF NOT EXISTS ${table} (id TEXT NOT NULL, body JSON NOT NULL, CONSTRAINT ${this.keyName(name)} PRIMARY KEY (id))`);
      for (const field of spec.indexes) {
        const added = await client.query(
          `SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND column_name = $2`,
          [`${this.prefix}${name}`, `f_${field}`],
        );
        if (added.rowCount === 0) {
          await client.query(`ALTER TABLE ${table} ADD COLUMN ${columnOf(field)} JSONB`);
          // Documents already there get their value, as a write would have given them.
          await client.query(
            `UPDATE ${table} SET ${columnOf(field)} = CASE json_typeof(body -> '${field}') WHEN 'null' THEN NULL WHEN 'object' THEN to_jsonb((body -> '${field}')::text) WHEN 'array' THEN to_jsonb((body -> '${field}')::text) ELSE (body -> '${field}')::jsonb END`,
          );
        }
        await client.query(`CREATE INDEX IF NOT EXISTS ${this.indexName(name, field)} ON ${table} (${columnOf(field)}, id)`);
      }
      await client.query(`INSERT INTO ${this.registry} (name, spec) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET spec = excluded.spec`, [
        name,
        JSON.stringify({ indexes: [...spec.indexes] }),
      ]);
    });
    this.specs.set(name, { indexes: [...spec.indexes] });
  }

  async get<T extends Doc = Doc>(collection: string, id: string): Promise<T | null> {
    await this.known(collection);
    const { rows } = await this.query<{ body: T }>(`SELECT body FROM ${this.tableOf(collection)} WHERE id = $1`, [id]);
    return rows[0]?.body ?? null;
  }

  async find<T extends Doc = Doc>(collection: string, query: FindQuery = {}): Promise<T[]> {
    await this.known(collection);
    const { clause, params } = this.whereClause(collection, query.where);
    let order = 'id ASC';
    if (query.sort) {
      this.specs.requireIndexed(collection, query.sort.field);
      const direction = query.sort.direction === 'desc' ? 'DESC' : 'ASC';
      // NULLs sort first ascending, as SQLite and MongoDB do.
      order = `${columnOf(query.sort.field)} ${direction} NULLS ${direction === 'ASC' ? 'FIRST' : 'LAST'}, id ${direction}`;
    }
    params.push(query.limit ?? null, query.skip ?? 0);
    const sql = `SELECT body FROM ${this.tableOf(collection)}${clause} ORDER BY ${order} LIMIT $${params.length - 1} OFFSET $${params.length}`;
    const { rows } = await this.query<{ body: T }>(sql, params);
    return rows.map((row) => row.body);
  }

  async count(collection: string, where?: Record<string, Scalar>): Promise<number> {
    await this.known(collection);
    const { clause, params } = this.whereClause(collection, where);
    const { rows } = await this.query<{ n: string }>(`SELECT count(*) AS n FROM ${this.tableOf(collection)}${clause}`, params);
    return Number(rows[0].n);
  }

  async applyBatches(batches: ProjectionBatch[]): Promise<void> {
    for (const batch of batches) {
      for (const write of [...batch.upserts, ...batch.deletes]) await this.known(write.collection);
    }
    // Serialized before the transaction: a document that cannot be (a cycle) fails with nothing written.
    const prepared = batches.map((batch) => ({ ...batch, rows: this.upsertRows(batch) }));
    // Read models are derived: a server crash may lose the last batches' commits, with their
    // checkpoints (the WAL keeps them in order), and the projector folds them again. Not
    // waiting for the disk halves the commits a command costs the server.
    await this.transaction(async (client) => {
      const guarded = batches.filter((b) => b.after !== undefined).map((b) => b.projection);
      if (guarded.length > 0) {
        const { rows } = await client.query<{ projection: string; position: string }>(
          `SELECT projection, position::text FROM ${this.checkpoints} WHERE projection = ANY($1::text[]) FOR UPDATE`,
          [guarded],
        );
        const stored = new Map(rows.map((r) => [r.projection, BigInt(r.position)]));
        for (const { projection, after } of batches) {
          if (after === undefined) continue;
          const current = stored.get(projection) ?? null;
          if (current !== after) throw new CheckpointMoved(projection, after, current);
        }
      }
      for (const { rows, deletes } of prepared) {
        for (const [collection, upserts] of rows) await this.upsertAll(client, collection, upserts);
        const byCollection = new Map<string, string[]>();
        for (const del of deletes) byCollection.set(del.collection, [...(byCollection.get(del.collection) ?? []), del.id]);
        for (const [collection, ids] of byCollection) await client.query(`DELETE FROM ${this.tableOf(collection)} WHERE id = ANY($1::text[])`, [ids]);
      }
      // Every checkpoint in one statement (a projection's last batch wins, as one after the other would).
      const checkpoints = new Map(prepared.map((b) => [b.projection, b.checkpoint.toString()]));
      if (checkpoints.size > 0) {
        await client.query(
          `INSERT INTO ${this.checkpoints} (projection, position) SELECT * FROM unnest($1::text[], $2::numeric[]) ON CONFLICT (projection) DO UPDATE SET position = excluded.position`,
          [[...checkpoints.keys()], [...checkpoints.values()]],
        );
      }
    }, 'SET LOCAL synchronous_commit = off');
  }

  async getCheckpoint(projection: string): Promise<bigint | null> {
    const { rows } = await this.query<{ position: string }>(`SELECT position::text FROM ${this.checkpoints} WHERE projection = $1`, [projection]);
    return rows.length ? BigInt(rows[0].position) : null;
  }

  async resetProjection(projection: string, collections: string[]): Promise<void> {
    for (const collection of collections) await this.known(collection);
    await this.transaction(async (client) => {
      for (const collection of collections) await client.query(`DELETE FROM ${this.tableOf(collection)}`);
      await client.query(`DELETE FROM ${this.checkpoints} WHERE projection = $1`, [projection]);
    });
  }

  /** Renames: each live table dropped and its twin renamed in its place, with its indexes, in one transaction. */
  async switchProjections(switches: ProjectionSwitch[]): Promise<void> {
    for (const { collections } of switches) for (const { live, rebuilt } of collections) for (const c of [live, rebuilt]) await this.known(c);
    await this.transaction(async (client) => {
      for (const { projection, rebuilt, collections } of switches) {
        for (const { live, rebuilt: twin } of collections) {
          await client.query(`DROP TABLE ${this.tableOf(live)}`);
          await client.query(`ALTER TABLE ${this.tableOf(twin)} RENAME TO ${this.tableOf(live)}`);
          await client.query(`ALTER INDEX ${this.keyName(twin)} RENAME TO ${this.keyName(live)}`);
          for (const field of this.specs.specOf(twin).indexes) {
            await client.query(`ALTER INDEX IF EXISTS ${this.indexName(twin, field)} RENAME TO ${this.indexName(live, field)}`);
          }
          await client.query(`UPDATE ${this.registry} SET spec = (SELECT spec FROM ${this.registry} WHERE name = $2) WHERE name = $1`, [live, twin]);
          await client.query(`DELETE FROM ${this.registry} WHERE name = $1`, [twin]);
        }
        await client.query(`DELETE FROM ${this.checkpoints} WHERE projection = $1`, [projection]);
        await client.query(`UPDATE ${this.checkpoints} SET projection = $1 WHERE projection = $2`, [projection, rebuilt]);
      }
    });
    for (const { collections } of switches) {
      for (const { live, rebuilt } of collections) {
        this.specs.set(live, this.specs.specOf(rebuilt));
        this.specs.delete(rebuilt);
      }
    }
  }

  async put(collection: string, id: string, doc: Doc): Promise<void> {
    await this.known(collection);
    const rows = this.upsertRows({ projection: '', upserts: [{ collection, id, doc }], deletes: [], checkpoint: 0n });
    const client = await this.connection();
    try {
      for (const [name, upserts] of rows) await this.upsertAll(client, name, upserts);
    } catch (error) {
      throw unavailable(error);
    } finally {
      client.release();
    }
  }

  async remove(collection: string, id: string): Promise<void> {
    await this.known(collection);
    await this.query(`DELETE FROM ${this.tableOf(collection)} WHERE id = $1`, [id]);
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsPool) await this.pool.end();
  }

  /** Per collection, the last write of each id (a batch may write a document twice), serialized. */
  private upsertRows(batch: ProjectionBatch): Map<string, Map<string, { body: string; fields: Array<string | null> }>> {
    const byCollection = new Map<string, Map<string, { body: string; fields: Array<string | null> }>>();
    for (const { collection, id, doc } of batch.upserts) {
      if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`Document ${collection}/${id} is not a JSON object`);
      const body = JSON.stringify(doc);
      const fields = this.specs.specOf(collection).indexes.map((field) => indexValue(doc, field));
      let rows = byCollection.get(collection);
      if (!rows) byCollection.set(collection, (rows = new Map()));
      rows.set(id, { body, fields });
    }
    return byCollection;
  }

  /**
   * One statement whatever the count: the rows as one JSON array of [id, body, index values…],
   * built from the texts already serialized. (Arrays as parameters cost the driver a quoted copy
   * of every body, several times the serialization itself; `->` hands a json column the very
   * text of its element, key order kept.)
   */
  private async upsertAll(client: PoolClient, collection: string, rows: Map<string, { body: string; fields: Array<string | null> }>): Promise<void> {
    const indexes = this.specs.specOf(collection).indexes;
    const columns = ['id', 'body', ...indexes.map(columnOf)];
    const values = ['r ->> 0', 'r -> 1', ...indexes.map((_, i) => `nullif((r -> ${i + 2})::jsonb, 'null')`)];
    const parts: string[] = [];
    for (const [id, { body, fields }] of rows) parts.push(`[${JSON.stringify(id)},${body}${fields.map((f) => `,${f ?? 'null'}`).join('')}]`);
    const updates = columns
      .slice(1)
      .map((c) => `${c} = excluded.${c}`)
      .join(', ');
    await client.query(
      `INSERT INTO ${this.tableOf(collection)} (${columns.join(', ')}) SELECT ${values.join(', ')} FROM json_array_elements($1::json) AS r ` +
        `ON CONFLICT (id) DO UPDATE SET ${updates}`,
      [`[${parts.join(',')}]`],
    );
  }

  private whereClause(collection: string, where: Record<string, Scalar> = {}): { clause: string; params: unknown[] } {
    this.specs.specOf(collection);
    const conditions: string[] = [];
    const params: unknown[] = [];
    for (const [field, value] of Object.entries(where)) {
      this.specs.requireIndexed(collection, field);
      if (value === null) {
        conditions.push(`${columnOf(field)} IS NULL`);
      } else {
        params.push(JSON.stringify(value));
        conditions.push(`${columnOf(field)} = $${params.length}::jsonb`);
      }
    }
    return { clause: conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '', params };
  }

  /** A collection another instance (or the CLI) declared since this one started is known too. */
  private async known(collection: string): Promise<void> {
    if (this.specs.has(collection)) return;
    await this.loadSpecs();
    this.specs.specOf(collection);
  }

  private async loadSpecs(): Promise<void> {
    const { rows } = await this.query<{ name: string; spec: CollectionSpec }>(`SELECT name, spec FROM ${this.registry}`);
    for (const row of rows) this.specs.set(row.name, row.spec);
  }

  private async query<T extends object>(sql: string, params: unknown[] = []): Promise<{ rows: T[] }> {
    if (this.closed) throw new StoreUnavailable(ENGINE, new Error('stockage fermé'));
    try {
      return await this.pool.query<T & Record<string, unknown>>(sql, params);
    } catch (error) {
      throw unavailable(error);
    }
  }

  private async connection(): Promise<PoolClient> {
    if (this.closed) throw new StoreUnavailable(ENGINE, new Error('stockage fermé'));
    try {
      return await this.pool.connect();
    } catch (error) {
      throw new StoreUnavailable(ENGINE, error);
    }
  }

  /** `settings`: SET LOCAL statements sent with BEGIN, in its round trip. */
  private async transaction(work: (client: PoolClient) => Promise<void>, settings?: string): Promise<void> {
    const client = await this.connection();
    try {
      await client.query(settings ? `BEGIN; ${settings}` : 'BEGIN');
      await work(client);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw unavailable(error);
    } finally {
      client.release();
    }
  }
}
