import { type RecordedEvent } from '../../events/envelope';
import {
  type ActivityReported,
  type CashCounted,
  type EntryContent,
  type InventoryItemAdded,
  type StatementLine,
  type VoucherAttached,
  asLedgerEvent,
  noOtherEvent,
} from '../../events/ledger-events';
import { parseStream } from '../../events/streams';
import { type Doc } from '../read-store';
import { type DocRef, type Projection } from '../projection';

/**
 * The notebook of one coop for one fiscal year, what only it keeps: one row per entry
 * (NOTEBOOK_ENTRIES: an event rewrites a few hundred bytes, not the whole year), one document per
 * bank statement with its lines (NOTEBOOK_STATEMENTS), and a small header (NOTEBOOKS: registers,
 * validations, carried-over items seen). The year's own facts are year_facts'. The notebook's
 * view, with its opening, is put together at read time (readNotebook, src/reads/notebook-read.ts).
 */
export const NOTEBOOKS = 'notebooks';
export const NOTEBOOK_ENTRIES = 'notebook_entries';
/** One document per bank statement of the year, with its lines (a 1,000-line file stays out of the header). */
export const NOTEBOOK_STATEMENTS = 'notebook_statements';
export const notebookId = (coopId: string, year: number): string => `${coopId}:${year}`;
export const notebookEntryId = (notebook: string, entryId: string): string => `${notebook}:${entryId}`;
export const notebookStatementId = (notebook: string, statementId: string): string => `${notebook}:${statementId}`;

export type Attachment = Omit<VoucherAttached, 'entryId'> & { attachedAt: string };

export type NotebookEntry = EntryContent & {
  entryId: string;
  /** 1 when recorded, +1 per amendment. */
  revision: number;
  /** Record order in the year (its EntryRecorded's revision): breaks ties of date and PJ. */
  seq: number;
  reconciled: boolean;
  statementDate: string | null;
  /** When a statement showed it (statementDate, else its date when ticked); null while unreconciled. */
  clearedOn: string | null;
  /** The statement line it was matched with (null: ticked by hand or not reconciled). */
  statementId: string | null;
  lineId: string | null;
  attachments: Attachment[];
  duplicatedFrom: string | null;
  recordedAt: string;
  recordedBy: string;
  /** Time and author of the last change of content (record or amendment). */
  changedAt: string;
  changedBy: string;
  /** A correction of a validated entry: the reversal names the entry it cancels, the corrected entry the one it replaces. */
  reverses: string | null;
  replaces: string | null;
  /** Put together from the header's validations and the other rows (assembleNotebook), never stored on the row. */
  validatedOn: string | null;
  reversedBy: string | null;
  replacedBy: string | null;
};

/** Where an item carried over from the previous year was seen on this year's statements. */
export type CarriedOverSeen = { statementDate: string | null; statementId?: string | null; lineId?: string | null };
/**
 * The stored lines of one statement, as its import gave them. The statement itself (date, closing
 * balance, file) is a year fact: year_facts lists it, and readStatement (src/reads) puts both together.
 */
export type StatementLinesDoc = {
  id: string;
  notebook: string;
  statementId: string;
  lines: StatementLine[];
  duplicates: number;
  outsideYear: number;
  appliedRevision: number;
};
export type CashCountRow = CashCounted & { at: string };
export type InventoryRow = InventoryItemAdded & { removed: boolean; leftOn: string | null };
/** One closing's validation (EntriesValidated): the entries it made intangible, on its date. */
export type Validation = { validatedOn: string; at: string; entryIds: string[] };

/**
 * The stored header: what the notebook alone knows of its year beside its rows. The year's facts —
 * status, opening, closing, statements, subsidies, the previous year's closing — have one home,
 * year_facts; the notebook's view (src/reads/notebook-read.ts) reads them there.
 */
export type NotebookHeader = {
  id: string;
  coopId: string;
  year: number;
  /**
   * Items of the previous year's closing seen on this year's statements, kept apart from that
   * list because a later YearLocked of the previous year replaces it and must not forget what was seen.
   */
  carriedOverSeen: Record<string, CarriedOverSeen>;
  /** Every count, in record order; the last one is the one that matters. */
  cashCounts: CashCountRow[];
  inventory: InventoryRow[];
  /** CRA free text per activity (an action tag or a free title). */
  activities: ActivityReported[];
  /** Every validation of the year, in order: the first closing's, then each re-closing's corrections. */
  validations: Validation[];
  lastEventAt: string | null;
  /** Last applied revision per stream: an event at or below it was already folded in. */
  appliedRevisions: Record<string, number>;
  /** Global position of the last event folded in: the header's version (null: none yet). */
  lastPosition: string | null;
  /** Hash of the year's own last event (the stream head a CRF is made from); '' before any. */
  headHash: string;
};

/**
 * The stored row of one entry. A deleted entry stays as a tombstone, so a replayed event at or
 * below `appliedRevision` (its stream's revision) is recognised and skipped, as the header does.
 */
export type NotebookEntryRow = NotebookEntry & { id: string; notebook: string; deleted: boolean; appliedRevision: number };

export function emptyNotebookHeader(coopId: string, year: number): NotebookHeader {
  return {
    id: notebookId(coopId, year),
    coopId,
    year,
    carriedOverSeen: {},
    cashCounts: [],
    inventory: [],
    activities: [],
    validations: [],
    lastEventAt: null,
    appliedRevisions: {},
    lastPosition: null,
    headHash: '',
  };
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

/** Events of the notebook's own stream, into its header (entries have their rows, the year's facts year_facts). */
function applyOwn(doc: NotebookHeader, recorded: RecordedEvent): void {
  const event = asLedgerEvent(recorded);
  const { at } = event.metadata;
  switch (event.type) {
    case 'CarriedOverItemSeen': {
      const d = event.data;
      const seen = { statementDate: d.statementDate ?? null, statementId: d.statementId ?? null, lineId: d.lineId ?? null };
      doc.carriedOverSeen = { ...doc.carriedOverSeen, [d.entryId]: seen };
      return;
    }
    case 'CarriedOverItemUnseen': {
      const { [event.data.entryId]: _unseen, ...rest } = doc.carriedOverSeen;
      doc.carriedOverSeen = rest;
      return;
    }
    case 'CashCounted': {
      const d = event.data;
      doc.cashCounts = [...doc.cashCounts, { ...d, counts: { ...d.counts }, at }];
      return;
    }
    case 'InventoryItemAdded': {
      const d = event.data;
      doc.inventory = [...doc.inventory.filter((i) => i.itemId !== d.itemId), { ...d, pj: d.pj ?? null, removed: false, leftOn: null }];
      return;
    }
    case 'InventoryItemRemoved': {
      const d = event.data;
      if (d.carried) {
        // A good of an earlier year's register leaving this year: its line joins this year's register, left.
        doc.inventory = [...doc.inventory, { itemId: d.itemId, ...d.carried, pj: d.carried.pj ?? null, removed: true, leftOn: d.leftOn ?? null }];
        return;
      }
      doc.inventory = doc.inventory.map((i) => (i.itemId === d.itemId ? { ...i, removed: true, leftOn: d.leftOn ?? null } : i));
      return;
    }
    case 'ActivityReported': {
      const d = event.data;
      const others = doc.activities.filter((a) => a.activity !== d.activity);
      // An empty text withdraws the activity's free text.
      doc.activities = d.text.trim() === '' ? others : [...others, { activity: d.activity, text: d.text }];
      return;
    }
    case 'EntriesValidated':
      doc.validations = [...doc.validations, { validatedOn: event.data.validatedOn, at, entryIds: [...event.data.entryIds] }];
      return;
    case 'EntryRecorded':
    case 'EntryAmended':
    case 'EntryDeleted':
    case 'EntryReconciled':
    case 'EntryUnreconciled':
    case 'VoucherAttached':
      // An entry's own row folds these (foldNotebookEntry).
      return;
    case 'StatementDeclared':
    case 'StatementImported':
    case 'StatementDeleted':
      // A statement's lines have their own document (foldNotebookStatement); the statement is a year fact.
      return;
    case 'OpeningBalanceDeclared':
    case 'SubsidiesDeclared':
    case 'YearClosed':
    case 'YearUnlocked':
    case 'YearLocked':
    case 'QuitusInvited':
    case 'QuitusGiven':
    case 'SubmissionDocumentAttached':
    case 'SubmissionSent':
    case 'SubmissionAccepted':
    case 'SubmissionReturned':
    case 'OpeningChangeSeen':
      // The year's facts (year_facts).
      return;
    case 'PaymentRecorded':
    case 'PaymentAmended':
    case 'PaymentDeleted':
    case 'PaymentsDeposited':
    case 'DepositCancelled':
      // Family payments have their own read model (payments); a deposit's entry is an EntryRecorded.
      return;
    default:
      return noOtherEvent(event);
  }
}

function parseNotebookId(id: string): { coopId: string; year: number } {
  const [coopId, year] = id.split(':');
  return { coopId, year: Number(year) };
}

/**
 * Folds a run of the year's own events (in log order) into the header `ref` names, without
 * touching `header`; an event at or below the revision already applied is skipped (replays).
 */
export function foldNotebookHeader(header: NotebookHeader | null, events: RecordedEvent[], ref: DocRef): NotebookHeader | null {
  const { coopId, year } = parseNotebookId(ref.id);
  let draft: NotebookHeader | null = null;
  for (const event of events) {
    const stream = parseStream(event.stream);
    if (stream?.category !== 'ledger' || stream.coopId !== coopId || stream.year !== year) continue;
    const applied = (draft ?? header)?.appliedRevisions[event.stream];
    if (applied !== undefined && event.revision <= applied) continue;
    if (!draft) {
      const base = header ?? emptyNotebookHeader(coopId, year);
      draft = { ...base, appliedRevisions: { ...base.appliedRevisions } };
    }
    applyOwn(draft, event);
    draft.headHash = event.metadata.hash;
    const at = event.metadata.at;
    if (draft.lastEventAt === null || at > draft.lastEventAt) draft.lastEventAt = at;
    draft.appliedRevisions[event.stream] = event.revision;
    draft.lastPosition = event.position.toString();
  }
  return draft ?? header;
}

/** Folds a run of one entry's events into its row, without touching `row`; replays are skipped. */
export function foldNotebookEntry(row: NotebookEntryRow | null, events: RecordedEvent[], ref: DocRef): NotebookEntryRow | null {
  let current = row;
  for (const recorded of events) {
    const event = asLedgerEvent(recorded);
    if (current && event.revision <= current.appliedRevision) continue;
    const { at, actor } = event.metadata;
    const live = current && !current.deleted ? current : null;
    let next: NotebookEntryRow | null = current;
    switch (event.type) {
      case 'EntryRecorded': {
        const d = event.data;
        next = {
          id: ref.id,
          notebook: ref.id.slice(0, ref.id.length - d.entryId.length - 1),
          entryId: d.entryId,
          ...contentOf(d),
          revision: 1,
          seq: event.revision,
          reconciled: false,
          statementDate: null,
          clearedOn: null,
          statementId: null,
          lineId: null,
          attachments: [],
          duplicatedFrom: d.duplicatedFrom ?? null,
          recordedAt: at,
          recordedBy: actor,
          changedAt: at,
          changedBy: actor,
          reverses: d.reverses ?? null,
          replaces: d.replaces ?? null,
          validatedOn: null,
          reversedBy: null,
          replacedBy: null,
          deleted: false,
          appliedRevision: event.revision,
        };
        break;
      }
      case 'EntryAmended':
        if (live) next = { ...live, ...contentOf(event.data), revision: live.revision + 1, changedAt: at, changedBy: actor };
        break;
      case 'EntryDeleted':
        if (live) next = { ...live, deleted: true };
        break;
      case 'EntryReconciled': {
        const d = event.data;
        const statementDate = d.statementDate ?? null;
        if (live) {
          const clearedOn = d.clearedOn ?? statementDate ?? live.date;
          next = { ...live, reconciled: true, statementDate, clearedOn, statementId: d.statementId ?? null, lineId: d.lineId ?? null };
        }
        break;
      }
      case 'EntryUnreconciled':
        if (live) next = { ...live, reconciled: false, statementDate: null, clearedOn: null, statementId: null, lineId: null };
        break;
      case 'VoucherAttached': {
        const { entryId: _entry, ...attachment } = event.data;
        if (live) next = { ...live, attachments: [...live.attachments, { ...attachment, attachedAt: at }] };
        break;
      }
      default:
        // Only an entry's own events reach its row (keysOf).
        break;
    }
    current = next && next !== row ? { ...next, appliedRevision: event.revision } : next;
  }
  return current;
}

/** A statement's lines document, as its event gave them. */
export function foldNotebookStatement(doc: StatementLinesDoc | null, events: RecordedEvent[], ref: DocRef): StatementLinesDoc | null {
  let current = doc;
  for (const recorded of events) {
    const event = asLedgerEvent(recorded);
    if (current && event.revision <= current.appliedRevision) continue;
    // A deleted statement's document goes (its id is never used again).
    if (event.type === 'StatementDeleted') {
      current = null;
      continue;
    }
    if (event.type !== 'StatementDeclared' && event.type !== 'StatementImported') continue;
    const imported = event.type === 'StatementImported' ? event.data : null;
    current = {
      id: ref.id,
      notebook: ref.id.slice(0, ref.id.length - event.data.statementId.length - 1),
      statementId: event.data.statementId,
      lines: (imported?.lines ?? []).map((l) => ({ ...l })),
      duplicates: imported?.duplicates ?? 0,
      outsideYear: imported?.outsideYear ?? 0,
      appliedRevision: event.revision,
    };
  }
  return current;
}

export const notebookProjection: Projection = {
  name: 'notebooks',
  // 3: the header keeps the stream head's hash.
  // 4: bank statements (header list, a document per statement), entries' clearedOn and statement line.
  // 5: validations (EntriesValidated) in the header, corrections (reverses / replaces) on the rows.
  // 6: the header keeps what only the notebook knows, a statement's document its lines; the year's facts (status, opening, closing,
  //    statements, subsidies, the previous year's closing) are read from year_facts, and the
  //    previous year's closing no longer writes this year's header.
  version: 6,
  collections: {
    [NOTEBOOKS]: { indexes: ['coopId', 'year'] },
    [NOTEBOOK_ENTRIES]: { indexes: ['notebook'] },
    [NOTEBOOK_STATEMENTS]: { indexes: ['notebook'] },
  },
  streamPrefixes: ['ledger-'],
  keysOf(event: RecordedEvent): DocRef[] {
    const stream = parseStream(event.stream);
    if (!stream || stream.category !== 'ledger') return [];
    const notebook = notebookId(stream.coopId, stream.year);
    const refs = [{ collection: NOTEBOOKS, id: notebook }];
    const ledgerEvent = asLedgerEvent(event);
    switch (ledgerEvent.type) {
      case 'EntryRecorded':
      case 'EntryAmended':
      case 'EntryDeleted':
      case 'EntryReconciled':
      case 'EntryUnreconciled':
      case 'VoucherAttached':
        // Events about one entry: they also touch its row.
        refs.push({ collection: NOTEBOOK_ENTRIES, id: notebookEntryId(notebook, ledgerEvent.data.entryId) });
        break;
      case 'StatementDeclared':
      case 'StatementImported':
      case 'StatementDeleted':
        refs.push({ collection: NOTEBOOK_STATEMENTS, id: notebookStatementId(notebook, ledgerEvent.data.statementId) });
        break;
      default:
        break;
    }
    return refs;
  },
  evolve(doc: Doc | null, event: RecordedEvent, ref: DocRef): Doc | null {
    return notebookProjection.foldMany!(doc, [event], ref);
  },
  foldMany(doc: Doc | null, events: RecordedEvent[], ref: DocRef): Doc | null {
    if (ref.collection === NOTEBOOK_ENTRIES) return foldNotebookEntry(doc as unknown as NotebookEntryRow | null, events, ref) as unknown as Doc | null;
    if (ref.collection === NOTEBOOK_STATEMENTS) return foldNotebookStatement(doc as unknown as StatementLinesDoc | null, events, ref) as unknown as Doc | null;
    return foldNotebookHeader(doc as NotebookHeader | null, events, ref);
  },
};
