import { createHash } from 'node:crypto';
import { type EventMetadata, type NewEvent, type RecordedEvent } from './envelope';

/**
 * Canonical JSON: keys sorted at every depth, so the hash does not depend on the engine's
 * key order when it gives the event back.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** hash = SHA-256(type + data + metadata-without-hash + prevHash). */
export function eventHash(type: string, data: unknown, metadata: Omit<EventMetadata, 'hash'>, prevHash: string): string {
  const { hash: _ignored, ...rest } = metadata as EventMetadata;
  return createHash('sha256')
    .update(type)
    .update('\n')
    .update(canonicalJson(data))
    .update('\n')
    .update(canonicalJson({ ...rest, prevHash }))
    .update('\n')
    .update(prevHash)
    .digest('hex');
}

/** Links new events onto the stream's last hash ('' for a new stream). */
export function chainEvents<E extends NewEvent>(prevHash: string, events: E[]): E[] {
  let previous = prevHash;
  return events.map((event) => {
    const metadata = { ...event.metadata, prevHash: previous };
    const hash = eventHash(event.type, event.data, metadata, previous);
    previous = hash;
    return { ...event, metadata: { ...metadata, hash } };
  });
}

/** The head of a stream's chain so far (undefined before its first event). */
export interface ChainHead {
  revision: number;
  hash: string;
}

/**
 * Why `event` does not continue the chain ending at `previous`, or null when it does: an edited
 * event changes its hash; a removed or reordered one breaks the revisions or the next link.
 */
export function linkBreak(event: RecordedEvent, previous: ChainHead | undefined): string | null {
  const expectedRevision = previous ? previous.revision + 1 : 0;
  if (event.revision !== expectedRevision) return `révision ${event.revision} au lieu de ${expectedRevision} : un événement manque`;
  if (event.metadata.prevHash !== (previous?.hash ?? '')) return 'maillon rompu : prevHash ne correspond pas au hash précédent';
  if (eventHash(event.type, event.data, event.metadata, event.metadata.prevHash) !== event.metadata.hash) return 'contenu modifié : le hash recalculé diffère';
  return null;
}

/** One stream's events, in revision order, form an unbroken chain. */
export function verifyChain(events: RecordedEvent[]): boolean {
  let previous: ChainHead | undefined;
  for (const event of events) {
    if (linkBreak(event, previous)) return false;
    previous = { revision: event.revision, hash: event.metadata.hash };
  }
  return true;
}
