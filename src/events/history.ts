import { type RecordedEvent } from './envelope';
import { type EventStore } from './event-store';
import { type ChainHead, linkBreak } from './hash-chain';
import { coopStream, ledgerStream, STREAM_PREFIXES } from './streams';

export interface HistoryCheck {
  ok: boolean;
  events: number;
  streams: number;
  /** The chain head (last hash) of every stream checked: what an attestation certifies. */
  heads: Array<{ stream: string; revision: number; hash: string }>;
  firstBadEvent?: { stream: string; revision: number; position: string; type: string; reason: string };
}

/** The streams of one coop (its identity and every fiscal year), or every stream of ours. */
export function historyFilter(coopId?: string): { prefixes: string[]; accept: (stream: string) => boolean } {
  if (!coopId) return { prefixes: STREAM_PREFIXES, accept: () => true };
  const ledgerPrefix = ledgerStream(coopId, 0).replace(/0$/, '');
  const identity = coopStream(coopId);
  return { prefixes: [ledgerPrefix, identity], accept: (stream) => stream === identity || stream.startsWith(ledgerPrefix) };
}

/** Every event of a coop (or of everything), in global order. */
export async function* coopHistory(store: EventStore, coopId?: string): AsyncIterable<RecordedEvent> {
  const { prefixes, accept } = historyFilter(coopId);
  for await (const event of store.readAll({ streamPrefixes: prefixes })) if (accept(event.stream)) yield event;
}

/**
 * Recomputes every stream's hash chain in one pass over the log: an edited event changes its
 * hash; a removed or reordered one breaks the next event's link (revisions must also follow).
 */
export async function verifyHistory(store: EventStore, coopId?: string): Promise<HistoryCheck> {
  const last = new Map<string, ChainHead>();
  let events = 0;
  for await (const event of coopHistory(store, coopId)) {
    events++;
    const previous = last.get(event.stream);
    const bad = (reason: string): HistoryCheck => ({
      ok: false,
      events,
      streams: last.size + (previous ? 0 : 1),
      heads: heads(last),
      firstBadEvent: { stream: event.stream, revision: event.revision, position: event.position.toString(), type: event.type, reason },
    });
    const broken = linkBreak(event, previous);
    if (broken) return bad(broken);
    last.set(event.stream, { revision: event.revision, hash: event.metadata.hash });
  }
  return { ok: true, events, streams: last.size, heads: heads(last) };
}

const heads = (last: Map<string, ChainHead>) =>
  [...last.entries()].map(([stream, head]) => ({ stream, ...head })).sort((a, b) => a.stream.localeCompare(b.stream));
