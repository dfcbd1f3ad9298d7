import { createHash } from 'node:crypto';
import { EventMetadata, NewEvent, RecordedEvent } from './envelope';

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

export interface ChainCheck {
  ok: boolean;
  events: number;
  /** The first event whose hash or link does not hold. */
  firstBadEvent?: { stream: string; revision: number; position: string; type: string; reason: string };
}

/** Recomputes one stream's chain, in revision order. */
export function verifyChain(events: RecordedEvent[]): ChainCheck {
  let previous = '';
  for (const event of events) {
    const bad = (reason: string): ChainCheck => ({
      ok: false,
      events: events.length,
      firstBadEvent: { stream: event.stream, revision: event.revision, position: event.position.toString(), type: event.type, reason },
    });
    if (event.metadata.prevHash !== previous) return bad('maillon manquant ou réordonné (prevHash ne correspond pas)');
    if (eventHash(event.type, event.data, event.metadata, previous) !== event.metadata.hash) return bad('contenu modifié (hash recalculé différent)');
    previous = event.metadata.hash;
  }
  return { ok: true, events: events.length };
}
