import { BANK, CASH } from '../../domain/chart';
import { net } from '../../domain/net-amount';
import { type ClosingTally, ClosingTallyDraft, type YearFacts, type YearStatus, advancesOfTally, closingFactsFold } from '../../domain/ledger';
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
  /** The year's own last closing (YearClosed, or YearLocked after a correction), kept while unlocked: the next year opens from it. */
  closing: YearFacts['closing'];
  /** The year's own events folded by the domain's closingFactsFold. */
  tally: ClosingTally;
  /** Last applied revision of the year's stream: replays are no-ops. */
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
    closing: null,
    tally: closingFactsFold.initial(),
    appliedRevisions: {},
  };
}

/** What the year tells the next one's opening (the domain's openingOf), from its board document. */
export const yearFactsOfBoard = (doc: BoardDoc): YearFacts => ({
  year: doc.year,
  declaredOpening: doc.tally.declaredOpening,
  status: doc.tally.status,
  closing: doc.closing,
  bank: net(doc.tally.movements[BANK]),
  cash: net(doc.tally.movements[CASH]),
  advances: advancesOfTally(doc.tally),
});

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
    const ledgerEvent = asLedgerEvent(event);
    tally!.apply(ledgerEvent);
    if (ledgerEvent.type === 'YearClosed' || ledgerEvent.type === 'YearLocked') {
      const { bank, cash, openAdvances, unreconciled } = ledgerEvent.data;
      next.closing = { bank, cash, openAdvances, unreconciled };
    }
    next.status = next.tally.status;
    next.department = event.metadata.department ?? next.department;
    next.lastActivityAt = event.metadata.at;
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
  // 6: the year's own closing instead of the previous year's: the opening chains over every earlier year at read time (openingOf).
  // 7: each statement's id in the tally (a statement can be deleted).
  version: 7,
  collections: { [BOARD]: { indexes: ['department', 'year', 'coopId', 'status'] } },
  streamPrefixes: ['ledger-'],
  keysOf(event: RecordedEvent): DocRef[] {
    const stream = parseStream(event.stream);
    if (stream?.category !== 'ledger') return [];
    return [{ collection: BOARD, id: boardId(stream.coopId, stream.year) }];
  },
  evolve(doc: Doc | null, event: RecordedEvent, ref: DocRef): Doc | null {
    return evolveBoard(doc as BoardDoc | null, event, ref);
  },
  foldMany(doc: Doc | null, events: RecordedEvent[], ref: DocRef): Doc | null {
    return foldBoard(doc as BoardDoc | null, events, ref);
  },
};
