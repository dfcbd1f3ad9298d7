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
function withOpening(doc: NotebookDoc): NotebookDoc {
  const prev = doc.previousClosing;
  const declared = doc.declaredOpening;
  const opening: Opening = prev
    ? { bank: prev.bank, cash: prev.cash, source: 'previous-year', date: prev.closedOn, at: prev.at }
    : declared
      ? { bank: declared.bank, cash: declared.cash, source: 'declared', date: declared.date, at: declared.at }
      : { bank: 0, cash: 0, source: 'none', date: null, at: null };
  return { ...doc, opening };
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

const mapEntry = (doc: NotebookDoc, entryId: string, change: (e: NotebookEntry) => NotebookEntry): NotebookDoc => ({
  ...doc,
  entries: doc.entries.map((e) => (e.entryId === entryId ? change(e) : e)),
});

/** Events of the notebook's own stream. */
function applyOwn(doc: NotebookDoc, event: RecordedEvent): NotebookDoc {
  const { at, actor } = event.metadata;
  switch (event.type) {
    case 'OpeningBalanceDeclared': {
      const d = event.data as OpeningBalanceDeclared;
      return withOpening({ ...doc, declaredOpening: { bank: d.bank, cash: d.cash, date: d.date, at } });
    }
    case 'EntryRecorded': {
      const d = event.data as EntryRecorded;
      const entry: NotebookEntry = {
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
      };
      return {
        ...doc,
        entries: [...doc.entries.filter((e) => e.entryId !== d.entryId), entry],
        nextSeq: doc.nextSeq + 1,
      };
    }
    case 'EntryAmended': {
      const d = event.data as EntryAmended;
      return mapEntry(doc, d.entryId, (e) => ({
        ...e,
        ...contentOf(d),
        revision: e.revision + 1,
        changedAt: at,
        changedBy: actor,
      }));
    }
    case 'EntryDeleted': {
      const d = event.data as EntryDeleted;
      return { ...doc, entries: doc.entries.filter((e) => e.entryId !== d.entryId) };
    }
    case 'EntryReconciled': {
      const d = event.data as EntryReconciled;
      return mapEntry(doc, d.entryId, (e) => ({ ...e, reconciled: true, statementDate: d.statementDate ?? null }));
    }
    case 'EntryUnreconciled': {
      const d = event.data as EntryUnreconciled;
      return mapEntry(doc, d.entryId, (e) => ({ ...e, reconciled: false, statementDate: null }));
    }
    case 'CarriedOverItemSeen': {
      const d = event.data as CarriedOverItemSeen;
      const statementDate = d.statementDate ?? null;
      return {
        ...doc,
        carriedOverSeen: { ...doc.carriedOverSeen, [d.entryId]: { statementDate } },
        carriedOver: doc.carriedOver.map((c) => (c.entryId === d.entryId ? { ...c, seen: true, statementDate } : c)),
      };
    }
    case 'CashCounted': {
      const d = event.data as CashCounted;
      return { ...doc, cashCounts: [...doc.cashCounts, { ...d, counts: { ...d.counts }, at }] };
    }
    case 'SubsidiesDeclared': {
      const d = event.data as SubsidiesDeclared;
      return { ...doc, subsidies: d.rows.map((r) => ({ ...r })) };
    }
    case 'InventoryItemAdded': {
      const d = event.data as InventoryItemAdded;
      const item: InventoryRow = { ...d, pj: d.pj ?? null, removed: false, leftOn: null };
      return { ...doc, inventory: [...doc.inventory.filter((i) => i.itemId !== d.itemId), item] };
    }
    case 'InventoryItemRemoved': {
      const d = event.data as InventoryItemRemoved;
      return {
        ...doc,
        inventory: doc.inventory.map((i) => (i.itemId === d.itemId ? { ...i, removed: true, leftOn: d.leftOn ?? null } : i)),
      };
    }
    case 'VoucherAttached': {
      const { entryId, ...attachment } = event.data as VoucherAttached;
      return mapEntry(doc, entryId, (e) => ({ ...e, attachments: [...e.attachments, { ...attachment, attachedAt: at }] }));
    }
    case 'ActivityReported': {
      const d = event.data as ActivityReported;
      const others = doc.activities.filter((a) => a.activity !== d.activity);
      // An empty text withdraws the activity's free text.
      return { ...doc, activities: d.text.trim() === '' ? others : [...others, { activity: d.activity, text: d.text }] };
    }
    case 'YearClosed': {
      const d = event.data as YearClosed;
      return { ...doc, status: 'closed', unlockedReason: null, closing: closingOf(d, d.closedOn, at) };
    }
    case 'YearUnlocked': {
      const d = event.data as YearUnlocked;
      return { ...doc, status: 'unlocked', unlockedReason: d.reason };
    }
    case 'YearLocked': {
      const d = event.data as YearLocked;
      return { ...doc, status: 'closed', unlockedReason: null, closing: closingOf(d, doc.closing?.closedOn ?? at.slice(0, 10), at) };
    }
    default:
      return doc;
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
function applyPrevious(doc: NotebookDoc, event: RecordedEvent): NotebookDoc {
  if (event.type !== 'YearClosed' && event.type !== 'YearLocked') return doc;
  const d = event.data as YearLocked;
  const closedOn = event.type === 'YearClosed' ? (event.data as YearClosed).closedOn : (doc.previousClosing?.closedOn ?? event.metadata.at.slice(0, 10));
  const carriedOver: CarriedOverRow[] = d.unreconciled.map((u) => {
    const seen = doc.carriedOverSeen[u.entryId];
    return { ...u, seen: seen !== undefined, statementDate: seen?.statementDate ?? null };
  });
  return withOpening({
    ...doc,
    previousClosing: { closedOn, bank: d.bank, cash: d.cash, at: event.metadata.at },
    carriedOver,
    openAdvances: d.openAdvances.map((a) => ({ ...a })),
  });
}

function parseNotebookId(id: string): { coopId: string; year: number } {
  const [coopId, year] = id.split(':');
  return { coopId, year: Number(year) };
}

export function evolveNotebook(doc: NotebookDoc | null, event: RecordedEvent, ref: DocRef): NotebookDoc | null {
  const stream = parseStream(event.stream);
  if (!stream || stream.category !== 'ledger') return doc;
  const applied = doc?.appliedRevisions[event.stream];
  if (doc && applied !== undefined && event.revision <= applied) return doc;
  const { coopId, year } = parseNotebookId(ref.id);
  const base = doc ?? emptyNotebook(coopId, year);
  const next = stream.year === year ? applyOwn(base, event) : applyPrevious(base, event);
  const at = event.metadata.at;
  return {
    ...next,
    lastEventAt: next.lastEventAt === null || at > next.lastEventAt ? at : next.lastEventAt,
    appliedRevisions: { ...next.appliedRevisions, [event.stream]: event.revision },
  };
}

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
