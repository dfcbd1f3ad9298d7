import { type RecordedEvent } from '../events/envelope';
import { type CollectionSpec, type Doc } from './read-store';

/** A document a given event touches. */
export interface DocRef {
  collection: string;
  id: string;
}

/**
 * A projection is pure: `keysOf` names the documents an event touches, `evolve` folds the event
 * into each of them (null = the document does not exist yet / must be deleted). The runtime
 * (projector.ts) loads, folds and stores; time-travel folds the very same functions in memory.
 */
export interface Projection {
  name: string;
  /** Bump to force a rebuild when the reducers change meaning. */
  version: number;
  collections: Record<string, CollectionSpec>;
  /** Stream prefixes the projection reads (e.g. ['ledger-', 'coop-']). */
  streamPrefixes: string[];
  keysOf(event: RecordedEvent): DocRef[];
  evolve(doc: Doc | null, event: RecordedEvent, ref: DocRef): Doc | null;
  /**
   * Optional: the same as folding `events` (in order, all touching `ref`) with evolve one by one,
   * in one pass — for reducers whose per-event copy makes a long stream quadratic. Must not
   * mutate `doc`. Used by rebuilds, batches and time-travel; evolve stays the reference.
   */
  foldMany?(doc: Doc | null, events: RecordedEvent[], ref: DocRef): Doc | null;
}

/**
 * The documents an event touches, by the projection's keysOf, each in one of the projection's own
 * collections: a projection that named another's document would make two writers of it (and two
 * homes of its facts). Every fold — the projector's, rebuilds', time-travel's — goes through here.
 */
export function ownDocuments(projection: Projection, event: RecordedEvent): DocRef[] {
  const refs = projection.keysOf(event);
  for (const ref of refs) {
    if (!Object.hasOwn(projection.collections, ref.collection)) {
      throw new Error(`Projection ${projection.name} names a document of ${ref.collection}, which is not one of its collections`);
    }
  }
  return refs;
}
