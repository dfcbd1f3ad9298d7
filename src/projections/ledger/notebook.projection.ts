import { type RecordedEvent } from '../../events/envelope';
import {
  type ActivityReported,
  type CarriedOverItem,
  type CashCounted,
  type EntryContent,
  type InventoryItemAdded,
  type OpenAdvance,
  type OpeningBalanceDeclared,
  type StatementFile,
  type StatementLine,
  type SubsidyRow,
  type VoucherAttached,
  type YearClosed,
  type YearLocked,
  asLedgerEvent,
  noOtherEvent,
} from '../../events/ledger-events';
import { parseStream } from '../../events/streams';
import { type Doc } from '../read-store';
import { type DocRef, type Projection } from '../projection';
import { type OpeningSource } from '../../domain/ledger';

/**
 * The notebook of one coop for one fiscal year: everything the ledger reads need (grid,
 * breakdown, actions, CRF/CRA, exports), as plain JSON, so every view is a pure function of
 * this document and the year's chart. Deleted entries leave it: the auditor reads the history.
 *
 * Stored as a header (NOTEBOOKS: opening, closing, registers…) and one row per entry
 * (NOTEBOOK_ENTRIES): an event then rewrites a few hundred bytes, not the whole year (a 500-entry
 * year is ~250 KB of JSON). `readNotebook` puts them back together.
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

export type CarriedOverRow = CarriedOverItem & { seen: boolean; statementDate: string | null; statementId?: string | null; lineId?: string | null };
/** A statement of the year as the header lists it: its lines are in its own document. */
export type StatementSummary = { statementId: string; date: string; closingBalance: number; lines: number; file: StatementFile | null; at: string };
/** The stored document of one statement. */
export type StatementDoc = StatementSummary & {
  id: string;
  notebook: string;
  lines: StatementLine[];
  duplicates: number;
  outsideYear: number;
  appliedRevision: number;
};
/**
 * The year's opening by the domain's rule (openingOf, over the coop's earlier years), set when the
 * notebook is read (src/reads/notebook-read.ts), never stored. date: the declared date, or the day
 * the previous year was closed; at: when that was recorded.
 */
export type Opening = { bank: number; cash: number; source: OpeningSource; provisional: boolean; date: string | null; at: string | null };
export const NO_OPENING: Opening = { bank: 0, cash: 0, source: 'none', provisional: false, date: null, at: null };
export type CashCountRow = CashCounted & { at: string };
export type InventoryRow = InventoryItemAdded & { removed: boolean; leftOn: string | null };
export type Closing = YearClosed & { at: string };
export type NotebookStatus = 'open' | 'closed' | 'unlocked';
/** One closing's validation (EntriesValidated): the entries it made intangible, on its date. */
export type Validation = { validatedOn: string; at: string; entryIds: string[] };

export type NotebookDoc = {
  id: string;
  coopId: string;
  year: number;
  status: NotebookStatus;
  /** Live entries, in record order. */
  entries: NotebookEntry[];
  /** Set at read time (see Opening). */
  opening: Opening;
  declaredOpening: (OpeningBalanceDeclared & { at: string }) | null;
  /** The previous year's closing figures, as its YearClosed / YearLocked stated them. */
  previousClosing: { closedOn: string; bank: number; cash: number; at: string } | null;
  carriedOver: CarriedOverRow[];
  /**
   * Items seen on this year's statements, kept apart from the list because a later YearLocked of
   * the previous year replaces the list and must not forget what was seen.
   */
  carriedOverSeen: Record<string, { statementDate: string | null; statementId?: string | null; lineId?: string | null }>;
  /** The year's bank statements in record order (their lines: NOTEBOOK_STATEMENTS). */
  statements: StatementSummary[];
  /** Advances open at the opening: the previous year's closing as stored, the rule's (openingOf) once read. */
  openAdvances: OpenAdvance[];
  /** Every count, in record order; the last one is the one that matters. */
  cashCounts: CashCountRow[];
  subsidies: SubsidyRow[];
  inventory: InventoryRow[];
  /** CRA free text per activity (an action tag or a free title). */
  activities: ActivityReported[];
  closing: Closing | null;
  /** Every validation of the year, in order: the first closing's, then each re-closing's corrections. */
  validations: Validation[];
  unlockedReason: string | null;
  lastEventAt: string | null;
  /** Last applied revision per stream: an event at or below it was already folded in. */
  appliedRevisions: Record<string, number>;
  /** Global position of the last event folded in: the notebook's version (null: none yet). */
  lastPosition: string | null;
  /** Hash of the year's own last event (the stream head a CRF is made from); '' before any. */
  headHash: string;
};

/** The stored header: the notebook without its entries nor its opening (read time). */
export type NotebookHeader = Omit<NotebookDoc, 'entries' | 'opening'>;

/**
 * The stored row of one entry. A deleted entry stays as a tombstone, so a replayed event at or
 * below `appliedRevision` (its stream's revision) is recognised and skipped, as the header does.
 */
export type NotebookEntryRow = NotebookEntry & { id: string; notebook: string; deleted: boolean; appliedRevision: number };

export function emptyNotebook(coopId: string, year: number): NotebookDoc {
  return {
    id: notebookId(coopId, year),
    coopId,
    year,
    status: 'open',
    entries: [],
    opening: NO_OPENING,
    declaredOpening: null,
    previousClosing: null,
    carriedOver: [],
    carriedOverSeen: {},
    statements: [],
    openAdvances: [],
    cashCounts: [],
    subsidies: [],
    inventory: [],
    activities: [],
    closing: null,
    validations: [],
    unlockedReason: null,
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

/** Events of the notebook's own stream, into its header (entries have their rows). */
function applyOwn(doc: NotebookHeader, recorded: RecordedEvent): void {
  const event = asLedgerEvent(recorded);
  const { at } = event.metadata;
  switch (event.type) {
    case 'OpeningBalanceDeclared': {
      const d = event.data;
      doc.declaredOpening = { bank: d.bank, cash: d.cash, date: d.date, at };
      return;
    }
    case 'CarriedOverItemSeen': {
      const d = event.data;
      const statementDate = d.statementDate ?? null;
      const match = { statementId: d.statementId ?? null, lineId: d.lineId ?? null };
      doc.carriedOverSeen = { ...doc.carriedOverSeen, [d.entryId]: { statementDate, ...match } };
      doc.carriedOver = doc.carriedOver.map((c) => (c.entryId === d.entryId ? { ...c, seen: true, statementDate, ...match } : c));
      return;
    }
    case 'CarriedOverItemUnseen': {
      const { entryId } = event.data;
      const { [entryId]: _unseen, ...rest } = doc.carriedOverSeen;
      doc.carriedOverSeen = rest;
      doc.carriedOver = doc.carriedOver.map((c) => (c.entryId === entryId ? { ...c, seen: false, statementDate: null, statementId: null, lineId: null } : c));
      return;
    }
    case 'StatementDeclared':
    case 'StatementImported': {
      const d = event.data;
      const imported = 'lines' in d ? d : null;
      const summary = {
        statementId: d.statementId,
        date: d.date,
        closingBalance: d.closingBalance,
        lines: imported?.lines.length ?? 0,
        file: imported?.file ?? null,
        at,
      };
      doc.statements = [...(doc.statements ?? []), summary];
      return;
    }
    case 'StatementDeleted':
      doc.statements = (doc.statements ?? []).filter((s) => s.statementId !== event.data.statementId);
      return;
    case 'CashCounted': {
      const d = event.data;
      doc.cashCounts = [...doc.cashCounts, { ...d, counts: { ...d.counts }, at }];
      return;
    }
    case 'SubsidiesDeclared':
      doc.subsidies = event.data.rows.map((r) => ({ ...r }));
      return;
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
    case 'YearClosed': {
      const d = event.data;
      Object.assign(doc, { status: 'closed', unlockedReason: null, closing: closingOf(d, d.closedOn, at) });
      return;
    }
    case 'EntriesValidated':
      doc.validations = [...doc.validations, { validatedOn: event.data.validatedOn, at, entryIds: [...event.data.entryIds] }];
      return;
    case 'YearUnlocked':
      Object.assign(doc, { status: 'unlocked', unlockedReason: event.data.reason });
      return;
    case 'YearLocked': {
      const d = event.data;
      Object.assign(doc, { status: 'closed', unlockedReason: null, closing: closingOf(d, doc.closing?.closedOn ?? at.slice(0, 10), at) });
      return;
    }
    case 'EntryRecorded':
    case 'EntryAmended':
    case 'EntryDeleted':
    case 'EntryReconciled':
    case 'EntryUnreconciled':
    case 'VoucherAttached':
      // An entry's own row folds these (foldNotebookEntry).
      return;
    case 'QuitusInvited':
    case 'QuitusGiven':
    case 'SubmissionDocumentAttached':
    case 'SubmissionSent':
    case 'SubmissionAccepted':
    case 'SubmissionReturned':
    case 'OpeningChangeSeen':
      // The year's end is a year fact (year_facts).
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
function applyPrevious(doc: NotebookHeader, recorded: RecordedEvent): void {
  const event = asLedgerEvent(recorded);
  if (event.type !== 'YearClosed' && event.type !== 'YearLocked') return;
  const d = event.data;
  const closedOn = event.type === 'YearClosed' ? event.data.closedOn : (doc.previousClosing?.closedOn ?? event.metadata.at.slice(0, 10));
  doc.carriedOver = d.unreconciled.map((u) => {
    const seen = doc.carriedOverSeen[u.entryId];
    const row = { ...u, seen: seen !== undefined, statementDate: seen?.statementDate ?? null };
    return seen?.lineId ? { ...row, statementId: seen.statementId ?? null, lineId: seen.lineId } : row;
  });
  doc.previousClosing = { closedOn, bank: d.bank, cash: d.cash, at: event.metadata.at };
  doc.openAdvances = d.openAdvances.map((a) => ({ ...a }));
}

function parseNotebookId(id: string): { coopId: string; year: number } {
  const [coopId, year] = id.split(':');
  return { coopId, year: Number(year) };
}

/**
 * Folds a run of events (in log order) into the header `ref` names, without touching `header`;
 * an event at or below the revision already applied for its stream is skipped (replays).
 */
export function foldNotebookHeader(header: NotebookHeader | null, events: RecordedEvent[], ref: DocRef): NotebookHeader | null {
  let draft: NotebookHeader | null = null;
  for (const event of events) {
    const stream = parseStream(event.stream);
    if (!stream || stream.category !== 'ledger') continue;
    const applied = (draft ?? header)?.appliedRevisions[event.stream];
    if (applied !== undefined && event.revision <= applied) continue;
    if (!draft) {
      const { coopId, year } = parseNotebookId(ref.id);
      const { entries: _none, opening: _readTime, ...empty } = emptyNotebook(coopId, year);
      const base = header ?? empty;
      draft = { ...base, appliedRevisions: { ...base.appliedRevisions } };
    }
    if (stream.year === draft.year) {
      applyOwn(draft, event);
      draft.headHash = event.metadata.hash;
    } else applyPrevious(draft, event);
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

/** A statement's own document: its lines, as its event gave them. */
export function foldNotebookStatement(doc: StatementDoc | null, events: RecordedEvent[], ref: DocRef): StatementDoc | null {
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
    const d = event.data;
    const imported = event.type === 'StatementImported' ? event.data : null;
    const lines = (imported?.lines ?? []).map((l) => ({ ...l }));
    current = {
      id: ref.id,
      notebook: ref.id.slice(0, ref.id.length - d.statementId.length - 1),
      statementId: d.statementId,
      date: d.date,
      closingBalance: d.closingBalance,
      lines,
      file: imported?.file ?? null,
      duplicates: imported?.duplicates ?? 0,
      outsideYear: imported?.outsideYear ?? 0,
      at: event.metadata.at,
      appliedRevision: event.revision,
    } as StatementDoc;
  }
  return current;
}

/** Events that end a year also open the next one. */
const OPENS_NEXT_YEAR = new Set(['YearClosed', 'YearLocked']);

export const notebookProjection: Projection = {
  name: 'notebooks',
  // 3: the header keeps the stream head's hash.
  // 4: bank statements (header list, a document per statement), entries' clearedOn and statement line.
  // 5: validations (EntriesValidated) in the header, corrections (reverses / replaces) on the rows.
  version: 5,
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
    if (OPENS_NEXT_YEAR.has(event.type)) refs.push({ collection: NOTEBOOKS, id: notebookId(stream.coopId, stream.year + 1) });
    return refs;
  },
  evolve(doc: Doc | null, event: RecordedEvent, ref: DocRef): Doc | null {
    return notebookProjection.foldMany!(doc, [event], ref);
  },
  foldMany(doc: Doc | null, events: RecordedEvent[], ref: DocRef): Doc | null {
    if (ref.collection === NOTEBOOK_ENTRIES) return foldNotebookEntry(doc as unknown as NotebookEntryRow | null, events, ref) as unknown as Doc | null;
    if (ref.collection === NOTEBOOK_STATEMENTS) return foldNotebookStatement(doc as unknown as StatementDoc | null, events, ref) as unknown as Doc | null;
    return foldNotebookHeader(doc as NotebookHeader | null, events, ref);
  },
};

/** The notebook from its header, its entries' rows (tombstones left out, record order) and its opening. */
export function assembleNotebook(header: NotebookHeader, rows: NotebookEntryRow[], opening: Opening): NotebookDoc {
  const validatedOn = new Map<string, string>();
  for (const validation of header.validations ?? []) for (const entryId of validation.entryIds) validatedOn.set(entryId, validation.validatedOn);
  const reversedBy = new Map<string, string>();
  const replacedBy = new Map<string, string>();
  for (const row of rows) {
    if (row.deleted) continue;
    if (row.reverses) reversedBy.set(row.reverses, row.entryId);
    if (row.replaces) replacedBy.set(row.replaces, row.entryId);
  }
  const entries = rows
    .filter((row) => !row.deleted)
    .sort((a, b) => a.seq - b.seq)
    .map(({ id: _id, notebook: _notebook, deleted: _deleted, appliedRevision: _applied, ...entry }) => ({
      ...entry,
      reverses: entry.reverses ?? null,
      replaces: entry.replaces ?? null,
      validatedOn: validatedOn.get(entry.entryId) ?? null,
      reversedBy: reversedBy.get(entry.entryId) ?? null,
      replacedBy: replacedBy.get(entry.entryId) ?? null,
    }));
  return { ...header, validations: header.validations ?? [], entries, opening };
}
