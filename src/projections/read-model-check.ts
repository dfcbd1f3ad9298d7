import { type RecordedEvent } from '../events/envelope';
import { type EventStore } from '../events/event-store';
import { byPosition, coopStreams, type CoopScope, type HistoryCheck, verifyHistory } from '../events/history';
import { upcast } from '../events/upcasters';
import { follows, foldRun, refKey } from './fold';
import { type DocRef, type Projection, ownDocuments } from './projection';
import { type Doc, type ReadStore } from './read-store';

/** The first stored document that is not what the coop's events give. */
export interface BadDocument {
  collection: string;
  id: string;
  /** Dotted path of the first field that differs ('' when the whole document is missing or extra). */
  field: string;
  reason: 'différent' | 'absent' | 'en trop';
}

export interface ReadModelCheck {
  ok: boolean;
  /** Documents compared. */
  documents: number;
  firstBadDocument?: BadDocument;
}

/** Documents compared between two pauses: a big coop never holds the event loop for long. */
const DOCUMENTS_PER_TURN = 200;
/** A projector that moves on while we compare: read its checkpoint again and start over, a few times. */
const ATTEMPTS = 3;

/** Index fields that tie a document to a parent one of the same coop (an entry row to its notebook). */
const PARENT_FIELDS = ['notebook', 'book'] as const;

/**
 * Compares one coop's read models with a replay of its own streams (identity, fiscal years,
 * memberships) through the very reducers the projector runs, folded in memory: each document the
 * replay gives must be stored as it is, and no other document may hang off the coop's notebooks.
 * Department-wide documents (charts, the department's settings) are fed by other streams: not
 * compared here. Each projection is replayed up to its own checkpoint, so a projector behind the
 * log is not a difference; one that moves during the comparison makes it start over.
 */
export async function verifyReadModels(eventStore: EventStore, readStore: ReadStore, coop: CoopScope, projections: Projection[]): Promise<ReadModelCheck> {
  for (const projection of projections) {
    for (const [name, spec] of Object.entries(projection.collections)) await readStore.declareCollection(name, spec);
  }
  const { identity, ledgers, memberships } = await coopStreams(eventStore, coop);
  const events = byPosition([identity, await eventStore.readStreams(ledgers), await eventStore.readStreams(memberships)]);
  let check: ReadModelCheck = { ok: true, documents: 0 };
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    check = { ok: true, documents: 0 };
    let moved = false;
    for (const projection of projections) {
      const checkpoint = await readStore.getCheckpoint(projection.name);
      const result = await compareProjection(readStore, projection, events, checkpoint);
      check.documents += result.documents;
      if (result.bad) {
        moved = (await readStore.getCheckpoint(projection.name)) !== checkpoint;
        check = { ok: false, documents: check.documents, firstBadDocument: result.bad };
        break;
      }
    }
    if (!moved) return check;
  }
  return check;
}

async function compareProjection(
  readStore: ReadStore,
  projection: Projection,
  events: RecordedEvent[],
  checkpoint: bigint | null,
): Promise<{ documents: number; bad?: BadDocument }> {
  const plan: Array<{ event: RecordedEvent; refs: DocRef[] }> = [];
  for (const recorded of events) {
    if (checkpoint === null || recorded.position > checkpoint) break;
    if (!follows(projection, recorded.stream)) continue;
    const event = upcast(recorded);
    plan.push({ event, refs: ownDocuments(projection, event) });
  }
  // A reducer that throws stopped the projector at that event: /health and the banner say so.
  const replayed = [...foldRun(projection, plan, () => null).values()].sort((a, b) => compareText(refKey(a.ref), refKey(b.ref)));
  await nextTurn();
  let documents = 0;
  const parents = new Map<string, Set<string>>();
  for (const { ref, doc } of replayed) {
    if (++documents % DOCUMENTS_PER_TURN === 0) await nextTurn();
    const stored = await readStore.get(ref.collection, ref.id);
    // Through JSON, as the read store keeps them (undefined fields vanish).
    const expected = doc === null ? null : (JSON.parse(JSON.stringify(doc)) as Doc);
    if (expected === null && stored === null) continue;
    if (expected === null) return { documents, bad: { collection: ref.collection, id: ref.id, field: '', reason: 'en trop' } };
    if (stored === null) return { documents, bad: { collection: ref.collection, id: ref.id, field: '', reason: 'absent' } };
    const field = firstDifference(expected, stored);
    if (field !== null) return { documents, bad: { collection: ref.collection, id: ref.id, field, reason: 'différent' } };
    let ids = parents.get(ref.collection);
    if (!ids) parents.set(ref.collection, (ids = new Set()));
    ids.add(ref.id);
  }
  // Stored documents the replay does not give, under one of the coop's notebooks.
  const coopParents = new Set(replayed.flatMap(({ doc }) => PARENT_FIELDS.map((f) => doc?.[f]).filter((v): v is string => typeof v === 'string')));
  for (const [collection, spec] of Object.entries(projection.collections)) {
    const field = PARENT_FIELDS.find((f) => spec.indexes.includes(f));
    if (!field) continue;
    const known = parents.get(collection) ?? new Set<string>();
    for (const parent of [...coopParents].sort(compareText)) {
      for (const stored of await readStore.find(collection, { where: { [field]: parent } })) {
        const id = String(stored.id);
        if (!known.has(id)) return { documents, bad: { collection, id, field: '', reason: 'en trop' } };
      }
      await nextTurn();
    }
  }
  return { documents };
}

/** The dotted path of the first field where `stored` differs from `expected`, or null when equal. */
export function firstDifference(expected: unknown, stored: unknown, path = ''): string | null {
  if (Object.is(expected, stored)) return null;
  if (typeof expected !== 'object' || typeof stored !== 'object' || expected === null || stored === null) return path;
  if (Array.isArray(expected) !== Array.isArray(stored)) return path;
  const keys = Array.isArray(expected)
    ? [...Array(Math.max(expected.length, (stored as unknown[]).length)).keys()].map(String)
    : [...new Set([...Object.keys(expected), ...Object.keys(stored)])];
  for (const key of keys) {
    const inner = firstDifference((expected as Record<string, unknown>)[key], (stored as Record<string, unknown>)[key], path ? `${path}.${key}` : key);
    if (inner !== null) return inner;
  }
  return null;
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A coop's whole check: its hash chains, then its read models against a replay of its events. */
export type CoopCheck = HistoryCheck & { documents: number; firstBadDocument?: BadDocument };

export async function verifyCoop(eventStore: EventStore, readStore: ReadStore, coop: CoopScope, projections: Projection[]): Promise<CoopCheck> {
  const history = await verifyHistory(eventStore, coop);
  const readModels = await verifyReadModels(eventStore, readStore, coop, projections);
  return {
    ...history,
    ok: history.ok && readModels.ok,
    documents: readModels.documents,
    ...(readModels.firstBadDocument ? { firstBadDocument: readModels.firstBadDocument } : {}),
  };
}

/** The French sentence naming a document that differs, for the CLI and the auditor's page. */
export function badDocumentSentence(bad: BadDocument): string {
  const what = `« ${bad.collection} » n° ${bad.id}`;
  if (bad.reason === 'absent') return `le document ${what} manque alors que les événements le donnent`;
  if (bad.reason === 'en trop') return `le document ${what} est stocké alors qu'aucun événement ne le donne`;
  return `le document ${what} diffère de la relecture des événements (champ « ${bad.field} »)`;
}
