import { type RecordedEvent } from '../events/envelope';
import { asLedgerEvent, type EntryContent } from '../events/ledger-events';
import { canonicalJson } from '../events/hash-chain';
import { parseStream } from '../events/streams';

/**
 * The auditor's history of a coop: every event as recorded (who, when, its hash link), and for
 * an amendment the fields it changed, before → after, from the `previous` content it carries.
 * Deleted entries stay visible through their EntryDeleted (with the content deleted).
 */
export interface EntryChange {
  field: keyof EntryContent;
  before: unknown;
  after: unknown;
}

export interface HistoryItem {
  stream: string;
  revision: number;
  /** Global position, as a string (64-bit). */
  position: string;
  type: string;
  /** The school year of a ledger or membership event, null for the coop's identity. */
  year: number | null;
  data: unknown;
  metadata: { actor: string; role: string; at: string; hash: string; prevHash: string };
  changes?: EntryChange[];
}

const FIELDS: Array<keyof EntryContent> = ['pj', 'date', 'label', 'chequeNo', 'actionA', 'actionB', 'lines'];

/** What an amendment changed, field by field (lines compare as a whole). */
export function entryChanges(before: EntryContent, after: EntryContent): EntryChange[] {
  return FIELDS.filter((field) => canonicalJson(before[field] ?? null) !== canonicalJson(after[field] ?? null)).map((field) => ({
    field,
    before: before[field] ?? null,
    after: after[field] ?? null,
  }));
}

export function historyItem(event: RecordedEvent): HistoryItem {
  const stream = parseStream(event.stream);
  const { actor, role, at, hash, prevHash } = event.metadata;
  const item: HistoryItem = {
    stream: event.stream,
    revision: event.revision,
    position: event.position.toString(),
    type: event.type,
    year: stream?.category === 'ledger' || stream?.category === 'membership' ? stream.year : null,
    data: event.data,
    metadata: { actor, role, at, hash, prevHash },
  };
  const ledgerEvent = stream?.category === 'ledger' ? asLedgerEvent(event) : null;
  if (ledgerEvent?.type === 'EntryAmended' && ledgerEvent.data.previous) item.changes = entryChanges(ledgerEvent.data.previous, ledgerEvent.data);
  return item;
}
