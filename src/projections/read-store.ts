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
}

export interface ReadStore {
  readonly engine: string;
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
  /** Direct writes for non-projected data (users, sessions). */
  put(collection: string, id: string, doc: Doc): Promise<void>;
  remove(collection: string, id: string): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
