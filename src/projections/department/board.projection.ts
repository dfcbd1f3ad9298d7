import { BANK, CASH, type Chart } from '../../domain/chart';
import {
  type ClosingFacts,
  type ClosingTally,
  ClosingTallyDraft,
  type PreviousYear,
  type YearStatus,
  closingFactsFold,
  closingFactsFrom,
  evolvePreviousYear,
} from '../../domain/ledger';
import { type RecordedEvent } from '../../events/envelope';
import { asLedgerEvent } from '../../events/ledger-events';
import { parseStream } from '../../events/streams';
import { type DocRef, type Projection } from '../projection';
import { type Doc } from '../read-store';

/**
 * One small document per coop and fiscal year with what the department's status board shows:
 * the year's ClosingTally, folded event by event by the domain's own fold (the one the decider's
 * state carries, never the entries), so 500 coops' rows load in one query and the domain's
 * ClosingFacts and `closingChecklist` — the very function CloseYear decides with — give
 * can-close and blockers at read time. The coop's name and first year are joined at read time
 * from the `coops` collection (one find by department), and the accounts the rules read by role
 * from the department's chart, so a chart changed later is read right without a rebuild.
 */
export const BOARD = 'board';
export const boardId = (coopId: string, year: number): string => `${coopId}:${year}`;

export interface BoardDoc {
  [key: string]: unknown;
  id: string;
  coopId: string;
  year: number;
  department: string | null;
  /** The tally's status, at the top for the collection's index. */
  status: YearStatus;
  /** metadata.at of the year's own last event. */
  lastActivityAt: string | null;
  /** The previous year's closing, unlocking or locking again; null when it said nothing yet. */
  previous: PreviousYear | null;
  /** The year's own events folded by the domain's closingFactsFold. */
  tally: ClosingTally;
  /** Last applied revision per stream (the year's own and the previous year's): replays are no-ops. */
  appliedRevisions: Record<string, number>;
}

export function emptyBoardDoc(coopId: string, year: number, department: string | null): BoardDoc {
  return {
    id: boardId(coopId, year),
    coopId,
    year,
    department,
    status: 'open',
    lastActivityAt: null,
    previous: null,
    tally: closingFactsFold.initial(),
    appliedRevisions: {},
  };
}

/** The previous year as the domain's rules read it: none in the coop's first year, not closed while it said nothing. */
const previousOf = (doc: BoardDoc, firstYear: number): PreviousYear | null =>
  doc.year === firstYear ? null : (doc.previous ?? { closed: false, closing: null });

/** The domain's ClosingFacts of the year, from the board document, the coop's first year and the department's chart for the year. */
export const boardFacts = (doc: BoardDoc, firstYear: number, chart: Chart): ClosingFacts =>
  closingFactsFrom(doc.year, doc.tally, previousOf(doc, firstYear), chart);

const netOf = (doc: BoardDoc, account: string): number => (doc.tally.movements[account]?.debit ?? 0) - (doc.tally.movements[account]?.credit ?? 0);

/** Bank and cash now: the opening (declared, or the previous year's closing) plus the year's lines. */
export function boardBalances(doc: BoardDoc, firstYear: number): { bank: number; cash: number } {
  const closing = doc.year === firstYear ? null : (doc.previous?.closing ?? null);
  const opening = doc.tally.declaredOpening ?? closing ?? { bank: 0, cash: 0 };
  return { bank: opening.bank + netOf(doc, BANK), cash: opening.cash + netOf(doc, CASH) };
}

/** Events of a year that also change how the next one opens. */
const REACHES_NEXT_YEAR = new Set(['YearClosed', 'YearUnlocked', 'YearLocked']);

/**
 * Folds a run of events into the board document `ref` names; replays (revision already applied)
 * are skipped. The tally's containers are copied once per run, the folded-from document is never touched.
 */
export function foldBoard(doc: BoardDoc | null, events: RecordedEvent[], ref: DocRef): BoardDoc | null {
  let next: BoardDoc | null = null;
  let tally: ClosingTallyDraft | null = null;
  for (const event of events) {
    const stream = parseStream(event.stream);
    if (stream?.category !== 'ledger') continue;
    const applied = (next ?? doc)?.appliedRevisions[event.stream];
    if (applied !== undefined && event.revision <= applied) continue;
    if (!next) {
      const [coopId, year] = ref.id.split(':');
      const from = doc ?? emptyBoardDoc(coopId, Number(year), event.metadata.department ?? null);
      tally = new ClosingTallyDraft(from.tally);
      next = { ...from, tally: tally.tally, appliedRevisions: { ...from.appliedRevisions } };
    }
    const own = stream.year === next.year;
    if (own) tally!.apply(asLedgerEvent(event));
    else next.previous = evolvePreviousYear(next.previous, asLedgerEvent(event));
    next.status = next.tally.status;
    next.department = event.metadata.department ?? next.department;
    if (own) next.lastActivityAt = event.metadata.at;
    next.appliedRevisions[event.stream] = event.revision;
  }
  return next ?? doc;
}

export const evolveBoard = (doc: BoardDoc | null, event: RecordedEvent, ref: DocRef): BoardDoc | null => foldBoard(doc, [event], ref);

export const boardProjection: Projection = {
  name: 'board',
  // 2: every account's movements and the accounts each entry debits (the chart's roles are read at read time).
  // 3: those debits per account as PJ → date (a third of the size).
  // 4: statements, what they showed by date, bank entries per month (the year-end statement rules).
  // 5: those ingredients are the domain's ClosingTally, under `tally`; `previous` as the domain's PreviousYear.
  version: 5,
  collections: { [BOARD]: { indexes: ['department', 'year', 'coopId', 'status'] } },
  streamPrefixes: ['ledger-'],
  keysOf(event: RecordedEvent): DocRef[] {
    const stream = parseStream(event.stream);
    if (stream?.category !== 'ledger') return [];
    const refs = [{ collection: BOARD, id: boardId(stream.coopId, stream.year) }];
    if (REACHES_NEXT_YEAR.has(event.type)) refs.push({ collection: BOARD, id: boardId(stream.coopId, stream.year + 1) });
    return refs;
  },
  evolve(doc: Doc | null, event: RecordedEvent, ref: DocRef): Doc | null {
    return evolveBoard(doc as BoardDoc | null, event, ref);
  },
  foldMany(doc: Doc | null, events: RecordedEvent[], ref: DocRef): Doc | null {
    return foldBoard(doc as BoardDoc | null, events, ref);
  },
};
