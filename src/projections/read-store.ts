/**
 * The read-model port: named collections of JSON documents keyed by id. Projections write only
 * through applyBatches, atomically with their checkpoints; users and sessions (not projections)
 * write with put/remove.
 */
export type Doc = Record<string, unknown>;
export type Scalar = string | number | boolean | null;

export interface CollectionSpec {
  /** Fields `find` may filter or sort on (top-level fields of the document). */
  indexes: string[];
}

/** The collections an adapter has declared, and the checks every adapter makes against them. */
export class DeclaredCollections extends Map<string, CollectionSpec> {
  specOf(collection: string): CollectionSpec {
    const spec = this.get(collection);
    if (!spec) throw new Error(`Collection "${collection}" is not declared (call declareCollection first)`);
    return spec;
  }

  requireIndexed(collection: string, field: string): void {
    if (!this.specOf(collection).indexes.includes(field)) {
      throw new Error(`Field "${field}" is not a declared index of collection "${collection}"`);
    }
  }
}

export interface FindQuery {
  /** Equality on declared index fields. */
  where?: Record<string, Scalar>;
  sort?: { field: string; direction: 'asc' | 'desc' };
  limit?: number;
  skip?: number;
}

export interface DocWrite {
  collection: string;
  id: string;
  doc: Doc;
}
export interface DocDelete {
  collection: string;
  id: string;
}
/** One projection's writes and the checkpoint they bring it to. */
export interface ProjectionBatch {
  projection: string;
  upserts: DocWrite[];
  deletes: DocDelete[];
  checkpoint: bigint;
  /**
   * The checkpoint this batch continues from (null: none yet). When given and the stored one is
   * another — a rebuild was switched in meanwhile — nothing is written: CheckpointMoved.
   */
  after?: bigint | null;
}

/** A projection rebuilt alongside its live collections, to switch in. */
export interface ProjectionSwitch {
  projection: string;
  /** The name its twin's checkpoint is kept under. */
  rebuilt: string;
  collections: Array<{ live: string; rebuilt: string }>;
}

/** A batch's projection checkpoint is not the one it continues from: its writer must reload. */
export class CheckpointMoved extends Error {
  constructor(
    readonly projection: string,
    readonly expected: bigint | null,
    readonly stored: bigint | null,
  ) {
    super(`The checkpoint of ${projection} moved (expected ${String(expected)}, stored ${String(stored)}): its read models were switched`);
    this.name = 'CheckpointMoved';
  }
}

export interface ReadStore {
  readonly engine: string;
  /**
   * Most events a rebuild may fold into one applyBatches, for an engine whose transactions have a
   * time limit (MongoDB aborts one after 60 s): the rebuild's chunks never exceed it.
   */
  readonly maxEventsPerTransaction?: number;
  /** Idempotent: creates the collection and its indexes if missing. */
  declareCollection(name: string, spec: CollectionSpec): Promise<void>;
  get<T extends Doc = Doc>(collection: string, id: string): Promise<T | null>;
  find<T extends Doc = Doc>(collection: string, query?: FindQuery): Promise<T[]>;
  count(collection: string, where?: Record<string, Scalar>): Promise<number>;
  /**
   * Writes every upsert and delete and each projection's checkpoint in one transaction: after a
   * failure, the previous documents and checkpoints stand. Applying a batch again is harmless.
   */
  applyBatches(batches: ProjectionBatch[]): Promise<void>;
  getCheckpoint(projection: string): Promise<bigint | null>;
  /** Drops the projection's collections' documents and its checkpoint (a rebuild from zero). */
  resetProjection(projection: string, collections: string[]): Promise<void>;
  /**
   * Each live collection takes its rebuilt twin's documents (the twin disappears) and each
   * projection its twin's checkpoint: in one transaction on SQLite, so readers see the old read
   * models or the new ones, never a mix.
   */
  switchProjections(switches: ProjectionSwitch[]): Promise<void>;
  /** Direct writes for non-projected data (users, sessions). */
  put(collection: string, id: string, doc: Doc): Promise<void>;
  remove(collection: string, id: string): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
