import { type RecordedEvent } from './envelope';
import { type EventStore } from './event-store';
import { type ChainHead, linkBreak } from './hash-chain';
import { type CoopRegistered } from './coop-events';
import { chartStream, coopStream, ledgerStream, membershipStream, STREAM_PREFIXES } from './streams';

export interface HistoryCheck {
  ok: boolean;
  events: number;
  streams: number;
  /** The chain head (last hash) of every stream checked: what an attestation certifies. */
  heads: Array<{ stream: string; revision: number; hash: string }>;
  firstBadEvent?: { stream: string; revision: number; position: string; type: string; reason: string };
}

/** One coop, and the fiscal year the calendar is in (its years' streams are read up to the next one). */
export interface CoopScope {
  coopId: string;
  currentYear: number;
}

/**
 * The streams a coop stands on, by name: its identity `coop-<id>` (which gives its department
 * and first year), `ledger-<id>-<year>` for every year from its first to the one after the
 * current year (then on while a later year has events), its membership of the association
 * `membership-<id>-<year>` and its department's charts `chart-<department>-<year>` for the same
 * years. Nothing else of the log is read.
 */
export async function coopStreams(
  store: EventStore,
  { coopId, currentYear }: CoopScope,
): Promise<{ identity: RecordedEvent[]; ledgers: string[]; memberships: string[]; charts: string[] }> {
  const identity = await store.readStream(coopStream(coopId));
  const registered = identity.find((event) => event.type === 'CoopRegistered')?.data as CoopRegistered | undefined;
  if (!registered) return { identity, ledgers: [], memberships: [], charts: [] };
  const years: number[] = [];
  for (let year = registered.firstYear; year <= currentYear + 1; year++) years.push(year);
  // A year opened ahead of the calendar: on while the next one has events.
  for (let year = Math.max(registered.firstYear, currentYear + 2); (await store.readStream(ledgerStream(coopId, year))).length > 0; year++) years.push(year);
  return {
    identity,
    ledgers: years.map((year) => ledgerStream(coopId, year)),
    memberships: years.map((year) => membershipStream(coopId, year)),
    charts: years.map((year) => chartStream(registered.department, year)),
  };
}

/** Every event of a coop (its identity, every fiscal year and membership) in global order, or of the whole log. */
export async function* coopHistory(store: EventStore, coop?: CoopScope): AsyncIterable<RecordedEvent> {
  if (!coop) {
    yield* store.readAll({ streamPrefixes: STREAM_PREFIXES });
    return;
  }
  const { identity, ledgers, memberships } = await coopStreams(store, coop);
  yield* byPosition([identity, await store.readStreams([...ledgers, ...memberships])]);
}

/** Events of several reads merged in global order. */
export function byPosition(reads: RecordedEvent[][]): RecordedEvent[] {
  return reads.flat().sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
}

/**
 * Recomputes every stream's hash chain in one pass over the log: an edited event changes its
 * hash; a removed or reordered one breaks the next event's link (revisions must also follow).
 */
export async function verifyHistory(store: EventStore, coop?: CoopScope): Promise<HistoryCheck> {
  const last = new Map<string, ChainHead>();
  let events = 0;
  for await (const event of coopHistory(store, coop)) {
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
