import { RecordedEvent } from '../../events/envelope';
import {
  ActivityReported,
  CarriedOverItem,
  CarriedOverItemSeen,
  CashCounted,
  EntryAmended,
  EntryContent,
  EntryDeleted,
  EntryReconciled,
  EntryRecorded,
  EntryUnreconciled,
  InventoryItemAdded,
  InventoryItemRemoved,
  OpenAdvance,
  OpeningBalanceDeclared,
  SubsidiesDeclared,
  SubsidyRow,
  VoucherAttached,
  YearClosed,
  YearLocked,
  YearUnlocked,
} from '../../events/ledger-events';
import { parseStream } from '../../events/streams';
import { Doc } from '../read-store';
import { DocRef, Projection } from '../projection';

/**
 * The notebook of one coop for one fiscal year: everything the ledger reads need (grid,
 * breakdown, actions, CRF/CRA, exports), as plain JSON, so every view is a pure function of
 * this document and the year's chart. Deleted entries leave it: the auditor reads the history.
 */
export const NOTEBOOKS = 'notebooks';
export const notebookId = (coopId: string, year: number): string => `${coopId}:${year}`;

export type Attachment = Omit<VoucherAttached, 'entryId'> & { attachedAt: string };

export type NotebookEntry = EntryContent & {
  entryId: string;
  /** 1 when recorded, +1 per amendment. */
  revision: number;
  /** Record order in the year: breaks ties between entries of the same date and PJ. */
  seq: number;
  reconciled: boolean;
  statementDate: string | null;
  attachments: Attachment[];
  duplicatedFrom: string | null;
  recordedAt: string;
  recordedBy: string;
  /** Time and author of the last change of content (record or amendment). */
  changedAt: string;
  changedBy: string;
};

export type CarriedOverRow = CarriedOverItem & { seen: boolean; statementDate: string | null };
export type OpeningSource = 'declared' | 'previous-year' | 'none';
/** date: the declared date, or the day the previous year was closed; at: when that was recorded. */
export type Opening = { bank: number; cash: number; source: OpeningSource; date: string | null; at: string | null };
export type CashCountRow = CashCounted & { at: string };
export type InventoryRow = InventoryItemAdded & { removed: boolean; leftOn: string | null };
export type Closing = {
  closedOn: string;
  bank: number;
  cash: number;
  result: number;
  openAdvances: OpenAdvance[];
  unreconciled: CarriedOverItem[];
  at: string;
};
export type NotebookStatus = 'open' | 'closed' | 'unlocked';

export type NotebookDoc = {
  id: string;
  coopId: string;
  year: number;
  status: NotebookStatus;
  /** Live entries, in record order. */
  entries: NotebookEntry[];
  nextSeq: number;
  /** Derived from previousClosing (wins) or declaredOpening. */
  opening: Opening;
  declaredOpening: (OpeningBalanceDeclared & { at: string }) | null;
  /** The previous year's closing figures, as its YearClosed / YearLocked stated them. */
  previousClosing: { closedOn: string; bank: number; cash: number; at: string } | null;
  carriedOver: CarriedOverRow[];
  /**
   * Items seen on this year's statements, kept apart from the list because a later YearLocked of
   * the previous year replaces the list and must not forget what was seen.
   */
  carriedOverSeen: Record<string, { statementDate: string | null }>;
  /** Advances still open when the previous year closed. */
  openAdvances: OpenAdvance[];
  /** Every count, in record order; the last one is the one that matters. */
  cashCounts: CashCountRow[];
  subsidies: SubsidyRow[];
  inventory: InventoryRow[];
  /** CRA free text per activity (an action tag or a free title). */
  activities: ActivityReported[];
  closing: Closing | null;
  unlockedReason: string | null;
  lastEventAt: string | null;
  /** Last applied revision per stream: an event at or below it was already folded in. */
  appliedRevisions: Record<string, number>;
};

export function emptyNotebook(coopId: string, year: number): NotebookDoc {
  return {
    id: notebookId(coopId, year),
    coopId,
    year,
    status: 'open',
    entries: [],
    nextSeq: 1,
    opening: { bank: 0, cash: 0, source: 'none', date: null, at: null },
    declaredOpening: null,
    previousClosing: null,
    carriedOver: [],
    carriedOverSeen: {},
    openAdvances: [],
    cashCounts: [],
    subsidies: [],
    inventory: [],
    activities: [],
    closing: null,
    unlockedReason: null,
    lastEventAt: null,
    appliedRevisions: {},
  };
}

/** The previous year's closing is authoritative; a declaration serves the coop's first year. */
function setOpening(doc: NotebookDoc): void {
  const prev = doc.previousClosing;
  const declared = doc.declaredOpening;
  doc.opening = prev
    ? { bank: prev.bank, cash: prev.cash, source: 'previous-year', date: prev.closedOn, at: prev.at }
    : declared
      ? { bank: declared.bank, cash: declared.cash, source: 'declared', date: declared.date, at: declared.at }
      : { bank: 0, cash: 0, source: 'none', date: null, at: null };
}

const contentOf = (data: EntryContent): EntryContent => ({
  pj: data.pj,
  date: data.date,
  label: data.label,
  chequeNo: data.chequeNo ?? null,
  actionA: data.actionA ?? null,
  actionB: data.actionB ?? null,
  lines: data.lines.map((l) => ({ ...l })),
});

/**
 * A notebook being folded: a shallow copy of the document whose `entries` array and
 * `appliedRevisions` belong to the fold (changed in place), every other field replaced rather
 * than changed, and each entry replaced when it changes, so the folded-from document is never
 * touched. Entry positions are indexed on first use: a run of events costs one copy of the
 * year's entries, not one per event.
 */
interface Draft {
  doc: NotebookDoc;
  positions: Map<string, number> | null;
}

function positionOf(draft: Draft, entryId: string): number | undefined {
  if (!draft.positions) draft.positions = new Map(draft.doc.entries.map((e, i) => [e.entryId, i]));
  return draft.positions.get(entryId);
}

function replaceEntry(draft: Draft, entryId: string, change: (e: NotebookEntry) => NotebookEntry): void {
  const i = positionOf(draft, entryId);
  if (i !== undefined) draft.doc.entries[i] = change(draft.doc.entries[i]);
}

function removeEntry(draft: Draft, entryId: string): void {
  const i = positionOf(draft, entryId);
  if (i === undefined) return;
  draft.doc.entries.splice(i, 1);
  draft.positions = null;
}

/** Events of the notebook's own stream. */
function applyOwn(draft: Draft, event: RecordedEvent): void {
  const { at, actor } = event.metadata;
  const doc = draft.doc;
  switch (event.type) {
    case 'OpeningBalanceDeclared': {
      const d = event.data as OpeningBalanceDeclared;
      doc.declaredOpening = { bank: d.bank, cash: d.cash, date: d.date, at };
      setOpening(doc);
      return;
    }
    case 'EntryRecorded': {
      const d = event.data as EntryRecorded;
      removeEntry(draft, d.entryId);
      draft.positions?.set(d.entryId, doc.entries.length);
      doc.entries.push({
        entryId: d.entryId,
        ...contentOf(d),
        revision: 1,
        seq: doc.nextSeq,
        reconciled: false,
        statementDate: null,
        attachments: [],
        duplicatedFrom: d.duplicatedFrom ?? null,
        recordedAt: at,
        recordedBy: actor,
        changedAt: at,
        changedBy: actor,
      });
      doc.nextSeq += 1;
      return;
    }
    case 'EntryAmended': {
      const d = event.data as EntryAmended;
      replaceEntry(draft, d.entryId, (e) => ({ ...e, ...contentOf(d), revision: e.revision + 1, changedAt: at, changedBy: actor }));
      return;
    }
    case 'EntryDeleted':
      removeEntry(draft, (event.data as EntryDeleted).entryId);
      return;
    case 'EntryReconciled': {
      const d = event.data as EntryReconciled;
      replaceEntry(draft, d.entryId, (e) => ({ ...e, reconciled: true, statementDate: d.statementDate ?? null }));
      return;
    }
    case 'EntryUnreconciled':
      replaceEntry(draft, (event.data as EntryUnreconciled).entryId, (e) => ({ ...e, reconciled: false, statementDate: null }));
      return;
    case 'CarriedOverItemSeen': {
      const d = event.data as CarriedOverItemSeen;
      const statementDate = d.statementDate ?? null;
      doc.carriedOverSeen = { ...doc.carriedOverSeen, [d.entryId]: { statementDate } };
      doc.carriedOver = doc.carriedOver.map((c) => (c.entryId === d.entryId ? { ...c, seen: true, statementDate } : c));
      return;
    }
    case 'CashCounted': {
      const d = event.data as CashCounted;
      doc.cashCounts = [...doc.cashCounts, { ...d, counts: { ...d.counts }, at }];
      return;
    }
    case 'SubsidiesDeclared':
      doc.subsidies = (event.data as SubsidiesDeclared).rows.map((r) => ({ ...r }));
      return;
    case 'InventoryItemAdded': {
      const d = event.data as InventoryItemAdded;
      doc.inventory = [...doc.inventory.filter((i) => i.itemId !== d.itemId), { ...d, pj: d.pj ?? null, removed: false, leftOn: null }];
      return;
    }
    case 'InventoryItemRemoved': {
      const d = event.data as InventoryItemRemoved;
      doc.inventory = doc.inventory.map((i) => (i.itemId === d.itemId ? { ...i, removed: true, leftOn: d.leftOn ?? null } : i));
      return;
    }
    case 'VoucherAttached': {
      const { entryId, ...attachment } = event.data as VoucherAttached;
      replaceEntry(draft, entryId, (e) => ({ ...e, attachments: [...e.attachments, { ...attachment, attachedAt: at }] }));
      return;
    }
    case 'ActivityReported': {
      const d = event.data as ActivityReported;
      const others = doc.activities.filter((a) => a.activity !== d.activity);
      // An empty text withdraws the activity's free text.
      doc.activities = d.text.trim() === '' ? others : [...others, { activity: d.activity, text: d.text }];
      return;
    }
    case 'YearClosed': {
      const d = event.data as YearClosed;
      Object.assign(doc, { status: 'closed', unlockedReason: null, closing: closingOf(d, d.closedOn, at) });
      return;
    }
    case 'YearUnlocked':
      Object.assign(doc, { status: 'unlocked', unlockedReason: (event.data as YearUnlocked).reason });
      return;
    case 'YearLocked': {
      const d = event.data as YearLocked;
      Object.assign(doc, { status: 'closed', unlockedReason: null, closing: closingOf(d, doc.closing?.closedOn ?? at.slice(0, 10), at) });
      return;
    }
    default:
      return;
  }
}

function closingOf(d: YearLocked, closedOn: string, at: string): Closing {
  return {
    closedOn,
    bank: d.bank,
    cash: d.cash,
    result: d.result,
    openAdvances: d.openAdvances.map((a) => ({ ...a })),
    unreconciled: d.unreconciled.map((u) => ({ ...u })),
    at,
  };
}

/** The previous year's YearClosed / YearLocked: this year's opening, carried-over items and advances. */
function applyPrevious(doc: NotebookDoc, event: RecordedEvent): void {
  if (event.type !== 'YearClosed' && event.type !== 'YearLocked') return;
  const d = event.data as YearLocked;
  const closedOn = event.type === 'YearClosed' ? (event.data as YearClosed).closedOn : (doc.previousClosing?.closedOn ?? event.metadata.at.slice(0, 10));
  doc.carriedOver = d.unreconciled.map((u) => {
    const seen = doc.carriedOverSeen[u.entryId];
    return { ...u, seen: seen !== undefined, statementDate: seen?.statementDate ?? null };
  });
  doc.previousClosing = { closedOn, bank: d.bank, cash: d.cash, at: event.metadata.at };
  doc.openAdvances = d.openAdvances.map((a) => ({ ...a }));
  setOpening(doc);
}

function parseNotebookId(id: string): { coopId: string; year: number } {
  const [coopId, year] = id.split(':');
  return { coopId, year: Number(year) };
}

/**
 * Folds a run of events (in log order) into the notebook `ref` names, without touching `doc`;
 * an event at or below the revision already applied for its stream is skipped (replays).
 */
export function foldNotebook(doc: NotebookDoc | null, events: RecordedEvent[], ref: DocRef): NotebookDoc | null {
  let draft: Draft | null = null;
  for (const event of events) {
    const stream = parseStream(event.stream);
    if (!stream || stream.category !== 'ledger') continue;
    const applied = (draft?.doc ?? doc)?.appliedRevisions[event.stream];
    if (applied !== undefined && event.revision <= applied) continue;
    if (!draft) {
      const { coopId, year } = parseNotebookId(ref.id);
      const base = doc ?? emptyNotebook(coopId, year);
      draft = { doc: { ...base, entries: [...base.entries], appliedRevisions: { ...base.appliedRevisions } }, positions: null };
    }
    if (stream.year === draft.doc.year) applyOwn(draft, event);
    else applyPrevious(draft.doc, event);
    const at = event.metadata.at;
    if (draft.doc.lastEventAt === null || at > draft.doc.lastEventAt) draft.doc.lastEventAt = at;
    draft.doc.appliedRevisions[event.stream] = event.revision;
  }
  return draft ? draft.doc : doc;
}

export const evolveNotebook = (doc: NotebookDoc | null, event: RecordedEvent, ref: DocRef): NotebookDoc | null => foldNotebook(doc, [event], ref);

/** Events that end a year also open the next one. */
const OPENS_NEXT_YEAR = new Set(['YearClosed', 'YearLocked']);

export const notebookProjection: Projection = {
  name: 'notebooks',
  version: 1,
  collections: { [NOTEBOOKS]: { indexes: ['coopId', 'year'] } },
  streamPrefixes: ['ledger-'],
  keysOf(event: RecordedEvent): DocRef[] {
    const stream = parseStream(event.stream);
    if (!stream || stream.category !== 'ledger') return [];
    const refs = [{ collection: NOTEBOOKS, id: notebookId(stream.coopId, stream.year) }];
    if (OPENS_NEXT_YEAR.has(event.type)) refs.push({ collection: NOTEBOOKS, id: notebookId(stream.coopId, stream.year + 1) });
    return refs;
  },
  evolve(doc: Doc | null, event: RecordedEvent, ref: DocRef): Doc | null {
    return evolveNotebook(doc as NotebookDoc | null, event, ref);
  },
  foldMany(doc: Doc | null, events: RecordedEvent[], ref: DocRef): Doc | null {
    return foldNotebook(doc as NotebookDoc | null, events, ref);
  },
};

/**
 * Folds events (in log order) into notebooks, in memory: a rebuild from zero, and the auditor's
 * time-travel (fold the events recorded up to a moment).
 */
export function foldNotebooks(events: Iterable<RecordedEvent>): Map<string, NotebookDoc> {
  const docs = new Map<string, NotebookDoc>();
  for (const event of events) {
    for (const ref of notebookProjection.keysOf(event)) {
      const next = evolveNotebook(docs.get(ref.id) ?? null, event, ref);
      if (next) docs.set(ref.id, next);
    }
  }
  return docs;
}
