import { type CollectionSpec, type Doc, type FindQuery, type Scalar } from '../projections/read-store';

/**
 * The account store port: users, their grants, sessions, Idempotency-Key answers — what no event
 * holds, so nothing can rebuild it. It lives apart from the read models (which a rebuild, or
 * deleting read.sqlite, may drop at any time): its own SQLite file embedded, its own tables or
 * database on a server engine, shared by every instance. Collections of JSON documents keyed by
 * id, with equality and sort on declared fields, as the read store's.
 */
export interface AccountStore {
  readonly engine: string;
  /** Idempotent: creates the collection and its indexes if missing. */
  declareCollection(name: string, spec: CollectionSpec): Promise<void>;
  get<T extends Doc = Doc>(collection: string, id: string): Promise<T | null>;
  find<T extends Doc = Doc>(collection: string, query?: FindQuery): Promise<T[]>;
  count(collection: string, where?: Record<string, Scalar>): Promise<number>;
  put(collection: string, id: string, doc: Doc): Promise<void>;
  remove(collection: string, id: string): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The collections earlier versions kept in the read store: carried over once into the account store. */
export const CARRIED_COLLECTIONS = ['sessions', 'idempotent_requests', 'users'] as const;
