import { type EventStore } from '../events/event-store';
import { type Projection } from './projection';
import { Projector, type ProjectorOptions, VERSIONS } from './projector';
import { type CollectionSpec, type Doc, type FindQuery, type ProjectionBatch, type ReadStore, type Scalar } from './read-store';

/** What the rebuilt twin of a projection or collection is called until it is switched in. */
const TWIN = '__rebuilt';
const twinOf = (name: string): string => `${name}${TWIN}`;

/**
 * Rebuilds every projection from zero into new collections while the live ones go on serving
 * (and a running server's projector goes on writing them), then switches them in at once when
 * the rebuild has caught up with the log. A department never goes dark: pages read the old
 * documents until the switch, the rebuilt ones after it. A server projector still writing the
 * old documents finds its checkpoint moved at its next batch and follows on from the rebuilt one.
 * Interrupted, it leaves the live read models as they were (the twins are reset by the next run).
 */
export async function rebuildAlongside(
  eventStore: EventStore,
  readStore: ReadStore,
  projections: Projection[],
  options: ProjectorOptions = {},
  onProgress?: (done: number, total: number) => void,
): Promise<void> {
  // The live collections too, on a store no server has opened yet: the switch replaces them.
  for (const projection of projections) for (const [name, spec] of Object.entries(projection.collections)) await readStore.declareCollection(name, spec);
  const twin = new Projector(eventStore, twinStore(readStore, projections), projections, options);
  // Replays the log, including what was appended while it ran: it ends caught up.
  await twin.rebuild(onProgress);
  await readStore.switchProjections(
    projections.map((projection) => ({
      projection: projection.name,
      rebuilt: twinOf(projection.name),
      collections: Object.keys(projection.collections).map((live) => ({ live, rebuilt: twinOf(live) })),
    })),
  );
  // The version of the reducers that built them goes with the documents.
  for (const projection of projections) {
    await readStore.put(VERSIONS, projection.name, { version: projection.version });
    await readStore.remove(VERSIONS, twinOf(projection.name));
  }
}

/**
 * The read store as the twin projector sees it: the projections' collections, checkpoints and
 * version records under their twins' names; anything else as it is.
 */
function twinStore(store: ReadStore, projections: Projection[]): ReadStore {
  const projected = new Set(projections.flatMap((p) => Object.keys(p.collections)));
  const names = new Set(projections.map((p) => p.name));
  const collection = (name: string): string => (projected.has(name) ? twinOf(name) : name);
  const projection = (name: string): string => (names.has(name) ? twinOf(name) : name);
  const id = (name: string, docId: string): string => (name === VERSIONS ? projection(docId) : docId);
  const batch = (b: ProjectionBatch): ProjectionBatch => ({
    ...b,
    projection: projection(b.projection),
    upserts: b.upserts.map((w) => ({ ...w, collection: collection(w.collection) })),
    deletes: b.deletes.map((d) => ({ ...d, collection: collection(d.collection) })),
  });
  return {
    engine: store.engine,
    declareCollection: (name: string, spec: CollectionSpec) => store.declareCollection(collection(name), spec),
    get: <T extends Doc = Doc>(name: string, docId: string) => store.get<T>(collection(name), id(name, docId)),
    find: <T extends Doc = Doc>(name: string, query?: FindQuery) => store.find<T>(collection(name), query),
    count: (name: string, where?: Record<string, Scalar>) => store.count(collection(name), where),
    applyBatches: (batches: ProjectionBatch[]) => store.applyBatches(batches.map(batch)),
    getCheckpoint: (name: string) => store.getCheckpoint(projection(name)),
    resetProjection: (name: string, collections: string[]) => store.resetProjection(projection(name), collections.map(collection)),
    switchProjections: () => Promise.reject(new Error('A rebuilt twin is not switched in again')),
    put: (name: string, docId: string, doc: Doc) => store.put(collection(name), id(name, docId), doc),
    remove: (name: string, docId: string) => store.remove(collection(name), id(name, docId)),
    ping: () => store.ping(),
    // The live store stays open: its owner closes it.
    close: async () => undefined,
  };
}
