import { evolve, foldLedger, initialLedgerState, LedgerState } from '../domain/ledger';
import { RecordedEvent } from '../events/envelope';
import { LedgerEvent } from '../events/ledger-events';
import { parseStream } from '../events/streams';
import { Projection } from './projection';
import { Doc } from './read-store';

/**
 * The decider's own state of each coop's fiscal year, folded by the decider's own `evolve`: the
 * closing checklist reads it through the same `closingChecklist` the CloseYear decision uses, so
 * the page can never promise what the command would refuse.
 */
export interface YearDoc {
  [key: string]: unknown;
  coopId: string;
  year: number;
  department: string | null;
  revision: number;
  lastEventAt: string;
  state: LedgerState;
}

export const yearsProjection: Projection = {
  name: 'years',
  version: 1,
  collections: { years: { indexes: ['coopId', 'year', 'department'] } },
  streamPrefixes: ['ledger-'],
  keysOf: (event) => {
    const parsed = parseStream(event.stream);
    return parsed?.category === 'ledger' ? [{ collection: 'years', id: yearDocId(parsed.coopId, parsed.year) }] : [];
  },
  evolve: (doc, recorded) => {
    const parsed = parseStream(recorded.stream);
    if (parsed?.category !== 'ledger') return doc;
    const current = doc as YearDoc | null;
    if (current && current.revision >= recorded.revision) return doc;
    const state = evolve(current?.state ?? initialLedgerState(parsed.coopId, parsed.year), { type: recorded.type, data: recorded.data } as LedgerEvent);
    return {
      coopId: parsed.coopId,
      year: parsed.year,
      department: recorded.metadata.department ?? current?.department ?? null,
      revision: recorded.revision,
      lastEventAt: recorded.metadata.at,
      state,
    } satisfies YearDoc as Doc;
  },
  // evolve copies the year's entries per event; foldLedger copies them once per run.
  foldMany: (doc, events) => foldYear(doc as YearDoc | null, events) as Doc | null,
};

/** yearsProjection.evolve over a run of one stream's events, in linear time. */
function foldYear(doc: YearDoc | null, events: RecordedEvent[]): YearDoc | null {
  let current = doc;
  let last: RecordedEvent | null = null;
  let department = doc?.department ?? null;
  const fresh: LedgerEvent[] = [];
  for (const recorded of events) {
    const parsed = parseStream(recorded.stream);
    if (parsed?.category !== 'ledger' || (last ? last.revision : (current?.revision ?? -1)) >= recorded.revision) continue;
    if (!current) current = { coopId: parsed.coopId, year: parsed.year, department: null, revision: -1, lastEventAt: '', state: initialLedgerState(parsed.coopId, parsed.year) };
    fresh.push({ type: recorded.type, data: recorded.data } as LedgerEvent);
    department = recorded.metadata.department ?? department;
    last = recorded;
  }
  if (!current || !last) return doc;
  return { ...current, department, revision: last.revision, lastEventAt: last.metadata.at, state: foldLedger(current.state, fresh) };
}

export const yearDocId = (coopId: string, year: number): string => `${coopId}:${year}`;
