import {
  type AnyBulkWriteOperation,
  BSON,
  type ClientSession,
  type Collection,
  type Db,
  Decimal128,
  MongoClient,
  MongoClientClosedError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';
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

/** What a projected document looks like in MongoDB: `_pos` is the position of the batch that wrote it. */
interface StoredDoc {
  _id: string;
  _pos?: Decimal128;
  [field: string]: unknown;
}

interface CheckpointDoc {
  _id: string;
  position: string;
}

interface CollectionDoc {
  _id: string;
  indexes: string[];
}

const NAMESPACE_NOT_FOUND = 26;

/** Below every real position: documents written by put() (no `_pos`) count as older than any batch. */
const BEFORE_ANY_POSITION = Decimal128.fromString('-1');

/** Positions are unsigned 64-bit on EventStoreDB: Decimal128 holds them exactly and compares numerically. */
const toDecimal = (position: bigint): Decimal128 => Decimal128.fromString(position.toString());

const isConnectionFailure = (error: unknown): boolean =>
  error instanceof MongoNetworkError ||
  error instanceof MongoServerSelectionError ||
  error instanceof MongoNotConnectedError ||
  error instanceof MongoTopologyClosedError ||
  error instanceof MongoClientClosedError;

const unavailable = (error: unknown): unknown => (isConnectionFailure(error) ? new StoreUnavailable('mongodb', error) : error);

function stripped<T extends Doc>(stored: StoredDoc | null): T | null {
  if (!stored) return null;
  const { _id, _pos, ...doc } = stored;
  return doc as T;
}

/**
 * MongoDB read store: one MongoDB collection per collection name, `_id` = id, one index per
 * declared field (with `_id` to break sort ties). Projection batches are upserts guarded by the
 * batch position stored in each document (`_pos`), so re-applying a batch, or an older one, never
 * overwrites newer state; they run in a transaction with the checkpoint when the server is a
 * replica set. On a standalone server (no transactions) the documents are written before the
 * checkpoint: a crash in between re-applies the batch, which the guard makes harmless.
 */
export class MongoReadStore implements ReadStore {
  readonly engine = 'mongodb';
  // 1,000 events' documents stay far below the server's 60 s transaction limit on a busy replica set.
  readonly maxEventsPerTransaction = 1_000;

  private constructor(
    private readonly client: MongoClient,
    private readonly db: Db,
    private readonly transactional: boolean,
    private readonly specs: DeclaredCollections,
  ) {}

  static async connect(url: string, dbName = 'cahier_coop'): Promise<MongoReadStore> {
    // ignoreUndefined: an undefined field is left out, as JSON (the other stores) leaves it, not stored as null.
    const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000, ignoreUndefined: true });
    try {
      await client.connect();
      const db = client.db(dbName);
      const hello = await db.admin().command({ hello: 1 });
      // Transactions need a replica set member or a mongos router.
      const transactional = typeof hello.setName === 'string' || hello.msg === 'isdbgrid';
      const specs = new DeclaredCollections();
      for (const declared of await db.collection<CollectionDoc>('_collections').find().toArray()) {
        specs.set(declared._id, { indexes: declared.indexes });
      }
      return new MongoReadStore(client, db, transactional, specs);
    } catch (error) {
      await client.close().catch(() => undefined);
      throw new StoreUnavailable('mongodb', error);
    }
  }

  async declareCollection(name: string, spec: CollectionSpec): Promise<void> {
    if (!COLLECTION_NAME.test(name)) throw new Error(`Invalid collection name "${name}"`);
    for (const field of spec.indexes) {
      if (!FIELD_NAME.test(field)) throw new Error(`Invalid index field "${field}" for collection "${name}"`);
    }
    await this.guard(async () => {
      await this.createIndexes(name, spec);
      await this.db.collection<CollectionDoc>('_collections').replaceOne({ _id: name }, { indexes: [...spec.indexes] }, { upsert: true });
    });
    this.specs.set(name, { indexes: [...spec.indexes] });
  }

  async get<T extends Doc = Doc>(collection: string, id: string): Promise<T | null> {
    const target = this.collection(collection);
    return this.guard(async () => stripped<T>(await target.findOne({ _id: id })));
  }

  async find<T extends Doc = Doc>(collection: string, query: FindQuery = {}): Promise<T[]> {
    const target = this.collection(collection);
    const filter = this.filter(collection, query.where);
    let sort: [string, 1 | -1][] = [['_id', 1]];
    if (query.sort) {
      this.specs.requireIndexed(collection, query.sort.field);
      const direction = query.sort.direction === 'desc' ? -1 : 1;
      sort = [
        [query.sort.field, direction],
        ['_id', direction],
      ];
    }
    // MongoDB reads limit 0 as "no limit"; the port (and SQLite) mean no document.
    if (query.limit === 0) return [];
    return this.guard(async () => {
      let cursor = target
        .find(filter)
        .sort(sort)
        .skip(query.skip ?? 0);
      if (query.limit !== undefined) cursor = cursor.limit(query.limit);
      return (await cursor.toArray()).map((stored) => stripped<T>(stored) as T);
    });
  }

  async count(collection: string, where?: Record<string, Scalar>): Promise<number> {
    const target = this.collection(collection);
    const filter = this.filter(collection, where);
    return this.guard(() => target.countDocuments(filter));
  }

  async applyBatches(batches: ProjectionBatch[]): Promise<void> {
    // Each projection owns its collections, so each document is guarded by its own projection's position.
    const operations = new Map<string, AnyBulkWriteOperation<StoredDoc>[]>();
    const operationsOf = (collection: string): AnyBulkWriteOperation<StoredDoc>[] => {
      this.collection(collection);
      let list = operations.get(collection);
      if (!list) operations.set(collection, (list = []));
      return list;
    };
    for (const { upserts, deletes, checkpoint } of batches) {
      const position = toDecimal(checkpoint);
      for (const { collection, id, doc } of upserts) {
        const replacement = { ...doc, _id: id, _pos: position };
        // Without a transaction a document that cannot be serialized must fail before any write.
        if (!this.transactional) BSON.calculateObjectSize(replacement);
        operationsOf(collection).push({
          updateOne: {
            filter: { _id: id },
            // A pipeline update: replace only when the stored document is older than this batch.
            // $literal keeps "$…" strings of the document from being read as field paths.
            update: [
              {
                $replaceWith: {
                  $cond: [{ $lt: [{ $ifNull: ['$_pos', BEFORE_ANY_POSITION] }, position] }, { $literal: replacement }, '$$ROOT'],
                },
              },
            ],
            upsert: true,
          },
        });
      }
      for (const { collection, id } of deletes) {
        operationsOf(collection).push({
          deleteOne: { filter: { _id: id, $or: [{ _pos: { $exists: false } }, { _pos: { $lte: position } }] } },
        });
      }
    }
    await this.inTransaction(async (session) => {
      for (const { projection, after } of batches) {
        if (after === undefined) continue;
        const found = await this.db.collection<CheckpointDoc>('_checkpoints').findOne({ _id: projection }, { session });
        const stored = found ? BigInt(found.position) : null;
        if (stored !== after) throw new CheckpointMoved(projection, after, stored);
      }
      for (const [collection, list] of operations) {
        await this.db.collection<StoredDoc>(collection).bulkWrite(list, { ordered: true, session });
      }
      for (const { projection, checkpoint } of batches) {
        await this.db.collection<CheckpointDoc>('_checkpoints').replaceOne({ _id: projection }, { position: checkpoint.toString() }, { upsert: true, session });
      }
    });
  }

  async getCheckpoint(projection: string): Promise<bigint | null> {
    const found = await this.guard(() => this.db.collection<CheckpointDoc>('_checkpoints').findOne({ _id: projection }));
    return found ? BigInt(found.position) : null;
  }

  /**
   * Not one transaction: deleting 500k documents would outlive MongoDB's 60 s transaction limit.
   * The checkpoint goes first, then each collection is dropped and its indexes made again (far
   * quicker than deleting every document). A crash midway leaves no checkpoint; the projector
   * records a reset as done only after this returns, so it resets again at its next start.
   */
  async resetProjection(projection: string, collections: string[]): Promise<void> {
    const specs = collections.map((name) => [name, this.specs.specOf(name)] as const);
    await this.guard(async () => {
      await this.db.collection<CheckpointDoc>('_checkpoints').deleteOne({ _id: projection });
      for (const [name, spec] of specs) {
        await this.db
          .collection(name)
          .drop()
          .catch((error) => {
            // Servers before 7.0 refuse to drop a collection that does not exist yet.
            if (!(error instanceof MongoServerError && error.code === NAMESPACE_NOT_FOUND)) throw error;
          });
        await this.createIndexes(name, spec);
      }
    });
  }

  /**
   * Each twin renamed over its live collection (dropTarget: atomic per collection, its indexes go
   * with it), then the checkpoints. Not one transaction (MongoDB renames outside them): readers
   * may see one projection switched before another for the few milliseconds this takes.
   */
  async switchProjections(switches: ProjectionSwitch[]): Promise<void> {
    for (const { collections } of switches) for (const { live, rebuilt } of collections) [live, rebuilt].forEach((c) => this.specs.specOf(c));
    await this.guard(async () => {
      for (const { projection, rebuilt, collections } of switches) {
        for (const { live, rebuilt: twin } of collections) {
          await this.db.renameCollection(twin, live, { dropTarget: true });
          await this.db.collection<CollectionDoc>('_collections').deleteOne({ _id: twin });
          this.specs.delete(twin);
        }
        const found = await this.db.collection<CheckpointDoc>('_checkpoints').findOne({ _id: rebuilt });
        if (found) await this.db.collection<CheckpointDoc>('_checkpoints').replaceOne({ _id: projection }, { position: found.position }, { upsert: true });
        else await this.db.collection<CheckpointDoc>('_checkpoints').deleteOne({ _id: projection });
        await this.db.collection<CheckpointDoc>('_checkpoints').deleteOne({ _id: rebuilt });
      }
    });
  }

  async put(collection: string, id: string, doc: Doc): Promise<void> {
    const target = this.collection(collection);
    const { _id, _pos, ...plain } = doc;
    await this.guard(() => target.replaceOne({ _id: id }, plain, { upsert: true }));
  }

  async remove(collection: string, id: string): Promise<void> {
    const target = this.collection(collection);
    await this.guard(() => target.deleteOne({ _id: id }));
  }

  async ping(): Promise<void> {
    await this.guard(() => this.db.command({ ping: 1 }));
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  /** Runs `work` in a transaction on a replica set, plainly (session undefined) on a standalone server. */
  private async inTransaction(work: (session: ClientSession | undefined) => Promise<void>): Promise<void> {
    await this.guard(async () => {
      if (!this.transactional) return work(undefined);
      const session = this.client.startSession();
      try {
        await session.withTransaction(() => work(session));
      } finally {
        await session.endSession();
      }
    });
  }

  private async createIndexes(name: string, spec: CollectionSpec): Promise<void> {
    const collection = this.db.collection<StoredDoc>(name);
    for (const field of spec.indexes) await collection.createIndex({ [field]: 1, _id: 1 });
  }

  private async guard<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw unavailable(error);
    }
  }

  private collection(name: string): Collection<StoredDoc> {
    this.specs.specOf(name);
    return this.db.collection<StoredDoc>(name);
  }

  private filter(collection: string, where: Record<string, Scalar> = {}): Record<string, Scalar> {
    for (const field of Object.keys(where)) this.specs.requireIndexed(collection, field);
    return { ...where };
  }
}
