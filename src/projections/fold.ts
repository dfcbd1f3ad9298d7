import { type RecordedEvent } from '../events/envelope';
import { type DocRef, type Projection, ownDocuments } from './projection';
import { type Doc } from './read-store';

/** Where a projection stopped: the event its reducer could not fold. */
export interface FailedAt {
  position: string;
  stream: string;
  revision: number;
  type: string;
}

/** A reducer (or key function) threw: the projection cannot go past this event. */
export class ProjectionFailed extends Error {
  constructor(
    readonly projection: string,
    readonly failedAt: FailedAt,
    override readonly cause: unknown,
  ) {
    super(
      `Projection ${projection} failed at ${failedAt.type} (${failedAt.stream}#${failedAt.revision}, position ${failedAt.position}): ${
        cause instanceof Error ? cause.message : String(cause)
      }`,
    );
    this.name = 'ProjectionFailed';
  }
}

export const failedAtOf = (event: RecordedEvent): FailedAt => ({
  position: event.position.toString(),
  stream: event.stream,
  revision: event.revision,
  type: event.type,
});

export const refKey = (ref: DocRef): string => `${ref.collection}\u0000${ref.id}`;

/** Whether the projection reads this stream; no prefixes means every stream. */
export const follows = (projection: Projection, stream: string): boolean =>
  projection.streamPrefixes.length === 0 || projection.streamPrefixes.some((prefix) => stream.startsWith(prefix));

/**
 * Folds one event into the documents it touches and returns their new versions (null = deleted),
 * keyed by refKey, without touching `read`'s documents: if a reducer throws, nothing of this
 * event is kept. A ref named twice folds twice, the second time over the first result.
 */
export function foldEvent(
  projection: Projection,
  event: RecordedEvent,
  refs: DocRef[],
  read: (ref: DocRef) => Doc | null,
): Map<string, { ref: DocRef; doc: Doc | null }> {
  const staged = new Map<string, { ref: DocRef; doc: Doc | null }>();
  for (const ref of refs) {
    const key = refKey(ref);
    const current = staged.has(key) ? staged.get(key)!.doc : read(ref);
    staged.set(key, { ref, doc: projection.evolve(current, event, ref) });
  }
  return staged;
}

/**
 * Folds a run of events into the documents they touch, document by document (a document's next
 * state depends only on itself and the events naming it, so this equals folding in global
 * order): through `foldMany` where the projection has it, else evolve one event at a time.
 * Returns the new documents keyed by refKey, without touching `read`'s; throws whatever a
 * reducer throws, without saying which event (callers fold event by event to find it).
 */
export function foldRun(
  projection: Projection,
  plan: ReadonlyArray<{ event: RecordedEvent; refs: DocRef[] }>,
  read: (ref: DocRef) => Doc | null,
): Map<string, { ref: DocRef; doc: Doc | null }> {
  const runs = new Map<string, { ref: DocRef; events: RecordedEvent[] }>();
  for (const { event, refs } of plan) {
    for (const ref of refs) {
      const key = refKey(ref);
      let run = runs.get(key);
      if (!run) runs.set(key, (run = { ref, events: [] }));
      run.events.push(event);
    }
  }
  const folded = new Map<string, { ref: DocRef; doc: Doc | null }>();
  for (const [key, { ref, events }] of runs) {
    let doc = read(ref);
    if (projection.foldMany) doc = projection.foldMany(doc, events, ref);
    else for (const event of events) doc = projection.evolve(doc, event, ref);
    folded.set(key, { ref, doc });
  }
  return folded;
}

/**
 * The projections' documents after `events` (in global order, already filtered by the caller,
 * e.g. up to a date for the auditor's time-travel), computed in memory with the very reducers the
 * projector runs. Every collection of every projection is in the result, possibly empty. Throws
 * ProjectionFailed at the first event a reducer cannot fold.
 */
export function foldInMemory(
  projections: Projection[],
  events: RecordedEvent[],
  options: { upcast?: (event: RecordedEvent) => RecordedEvent } = {},
): Map<string, Map<string, Doc>> {
  const collections = new Map<string, Map<string, Doc>>();
  for (const projection of projections) {
    for (const name of Object.keys(projection.collections)) collections.set(name, new Map());
  }
  const read = (ref: DocRef): Doc | null => collections.get(ref.collection)?.get(ref.id) ?? null;
  try {
    // One pass per document; on a reducer failure, the event-by-event fold below names the event.
    const fast = new Map<string, Map<string, Doc>>([...collections].map(([name]) => [name, new Map<string, Doc>()]));
    for (const projection of projections) {
      const plan = [];
      for (const recorded of events) {
        if (!follows(projection, recorded.stream)) continue;
        const event = options.upcast ? options.upcast(recorded) : recorded;
        plan.push({ event, refs: ownDocuments(projection, event) });
      }
      for (const { ref, doc } of foldRun(projection, plan, () => null).values()) {
        let documents = fast.get(ref.collection);
        if (!documents) fast.set(ref.collection, (documents = new Map()));
        if (doc !== null) documents.set(ref.id, doc);
      }
    }
    return fast;
  } catch {
    // Fall through: fold event by event to stop at the failing event.
  }
  for (const recorded of events) {
    for (const projection of projections) {
      if (!follows(projection, recorded.stream)) continue;
      let staged: Map<string, { ref: DocRef; doc: Doc | null }>;
      try {
        const event = options.upcast ? options.upcast(recorded) : recorded;
        staged = foldEvent(projection, event, ownDocuments(projection, event), read);
      } catch (error) {
        throw new ProjectionFailed(projection.name, failedAtOf(recorded), error);
      }
      for (const { ref, doc } of staged.values()) {
        let documents = collections.get(ref.collection);
        if (!documents) collections.set(ref.collection, (documents = new Map()));
        if (doc === null) documents.delete(ref.id);
        else documents.set(ref.id, doc);
      }
    }
  }
  return collections;
}

/**
 * The documents `keep` selects, after `events`, folded alone: only their projection, only the
 * events whose keysOf name them (the same result as foldInMemory's, since documents are
 * independent). What time-travel asks for a page, without folding the rest. Keyed by refKey;
 * throws ProjectionFailed at the first event a reducer cannot fold.
 */
function foldSelected(
  projection: Projection,
  events: RecordedEvent[],
  keep: (ref: DocRef) => boolean,
  upcast: (event: RecordedEvent) => RecordedEvent,
): Map<string, Doc | null> {
  const plan: Array<{ event: RecordedEvent; refs: DocRef[] }> = [];
  for (const recorded of events) {
    if (!follows(projection, recorded.stream)) continue;
    let event: RecordedEvent;
    let refs: DocRef[];
    try {
      event = upcast(recorded);
      refs = ownDocuments(projection, event).filter(keep);
    } catch (error) {
      throw new ProjectionFailed(projection.name, failedAtOf(recorded), error);
    }
    if (refs.length > 0) plan.push({ event, refs });
  }
  try {
    return new Map([...foldRun(projection, plan, () => null)].map(([key, { doc }]) => [key, doc]));
  } catch {
    // Event by event, to name the event the reducer cannot fold.
    const docs = new Map<string, Doc | null>();
    for (const { event, refs } of plan) {
      try {
        for (const [key, { doc }] of foldEvent(projection, event, refs, (r) => docs.get(refKey(r)) ?? null)) docs.set(key, doc);
      } catch (error) {
        throw new ProjectionFailed(projection.name, failedAtOf(event), error);
      }
    }
    return docs;
  }
}

/** Every document of one collection after `events` (a notebook's entry rows, for time-travel). */
export function foldCollection(projections: Projection[], events: RecordedEvent[], collection: string): Doc[] {
  const projection = projections.find((p) => collection in p.collections);
  if (!projection) return [];
  const docs = foldSelected(
    projection,
    events,
    (ref) => ref.collection === collection,
    (event) => event,
  );
  return [...docs.values()].flatMap((doc) => (doc ? [doc] : []));
}

/** One document after `events`: a notebook header, a coop, a chart. */
export function foldDocument(
  projections: Projection[],
  events: RecordedEvent[],
  ref: DocRef,
  options: { upcast?: (event: RecordedEvent) => RecordedEvent } = {},
): Doc | null {
  const projection = projections.find((p) => ref.collection in p.collections);
  if (!projection) return null;
  const key = refKey(ref);
  return foldSelected(projection, events, (r) => refKey(r) === key, options.upcast ?? ((event) => event)).get(key) ?? null;
}
