import { ADVANCES, BANK, CASH } from '../../domain/chart';
import { type RecordedEvent } from '../../events/envelope';
import { type EntryContent, asLedgerEvent } from '../../events/ledger-events';
import { parseStream } from '../../events/streams';
import { type DocRef, type Projection } from '../projection';
import { type Doc } from '../read-store';

/**
 * The department's accounts for a fiscal year ("comptes agrégés") stand on one small document per
 * coop and year: per account, the coop's debit − credit. An entry rewrites its own coop's document
 * only (a department-wide document was rewritten whole by every entry of every coop); the
 * department's totals are summed at read time over one indexed find (`departmentTotals`). The kind
 * of an account (charge: total = net debit; product: total = − net debit) comes from the year's
 * chart at read time, as in a coop's own breakdown. Amendments and deletions move amounts with the
 * `previous` content the events carry: no entry is read back.
 */
export const DEPARTMENT_TOTALS = 'department_totals';
export const coopTotalsId = (coopId: string, year: number): string => `${coopId}:${year}`;

/** Treasury and advances are no charge nor product: left out to keep the documents small. */
const NOT_AGGREGATED = new Set([BANK, CASH, ADVANCES]);

export interface CoopTotalsDoc {
  [key: string]: unknown;
  id: string;
  department: string;
  year: number;
  coopId: string;
  /** Account → Σ debit − Σ credit over the coop's live entries; accounts at zero are left out. */
  accounts: Record<string, number>;
  /** Last applied revision of the year's ledger stream: replays are no-ops. */
  revision: number;
}

/** One account of the department, summed over its coops' documents. */
export interface AccountTotal {
  /** Σ debit − Σ credit over the department's live entries. */
  net: number;
  /** Coop id → its own debit − credit; coops at zero are left out. */
  byCoop: Record<string, number>;
}

export interface DepartmentTotals {
  department: string;
  year: number;
  accounts: Record<string, AccountTotal>;
}

/** The department's accounts: its coops' documents of the year, summed (integer cents, exact). */
export function departmentTotals(department: string, year: number, docs: readonly CoopTotalsDoc[]): DepartmentTotals {
  const accounts: Record<string, AccountTotal> = {};
  for (const doc of docs) {
    for (const [account, net] of Object.entries(doc.accounts)) {
      const total = (accounts[account] ??= { net: 0, byCoop: {} });
      total.net += net;
      total.byCoop[doc.coopId] = net;
    }
  }
  return { department, year, accounts };
}

const ENTRY_EVENTS = new Set(['EntryRecorded', 'EntryAmended', 'EntryDeleted']);

/** Folds a run of the year's entry events into a copy of `doc`, made at the first event that changes it. */
export function foldCoopTotals(doc: CoopTotalsDoc | null, events: RecordedEvent[], ref: DocRef): CoopTotalsDoc | null {
  let next: CoopTotalsDoc | null = null;
  const move = (totals: CoopTotalsDoc, content: EntryContent, sign: 1 | -1): void => {
    for (const line of content.lines) {
      if (NOT_AGGREGATED.has(line.account)) continue;
      const amount = sign * ((line.debit ?? 0) - (line.credit ?? 0));
      if (amount === 0) continue;
      const net = (totals.accounts[line.account] ?? 0) + amount;
      if (net === 0) delete totals.accounts[line.account];
      else totals.accounts[line.account] = net;
    }
  };
  for (const recorded of events) {
    const event = asLedgerEvent(recorded);
    const stream = parseStream(event.stream);
    if (stream?.category !== 'ledger' || !ENTRY_EVENTS.has(event.type)) continue;
    if (event.revision <= ((next ?? doc)?.revision ?? -1)) continue;
    if (!next) {
      const [coopId, year] = ref.id.split(':');
      next = doc ? { ...doc, accounts: { ...doc.accounts } } : { id: ref.id, department: '', year: Number(year), coopId, accounts: {}, revision: -1 };
    }
    if (event.type === 'EntryRecorded') move(next, event.data, 1);
    if (event.type === 'EntryAmended') {
      const d = event.data;
      move(next, d.previous, -1);
      move(next, d, 1);
    }
    if (event.type === 'EntryDeleted') move(next, event.data.previous, -1);
    next.department = event.metadata.department ?? next.department;
    next.revision = event.revision;
  }
  return next ?? doc;
}

export const evolveCoopTotals = (doc: CoopTotalsDoc | null, event: RecordedEvent, ref: DocRef): CoopTotalsDoc | null => foldCoopTotals(doc, [event], ref);

export const departmentTotalsProjection: Projection = {
  name: 'department_totals',
  // 2: one document per coop and year (1 was one per department and year).
  version: 2,
  collections: { [DEPARTMENT_TOTALS]: { indexes: ['department', 'year'] } },
  streamPrefixes: ['ledger-'],
  keysOf(event: RecordedEvent): DocRef[] {
    const stream = parseStream(event.stream);
    // The command side stamps every ledger event with its coop's department: no lookup here.
    if (stream?.category !== 'ledger' || !event.metadata.department || !ENTRY_EVENTS.has(event.type)) return [];
    return [{ collection: DEPARTMENT_TOTALS, id: coopTotalsId(stream.coopId, stream.year) }];
  },
  evolve(doc: Doc | null, event: RecordedEvent, ref: DocRef): Doc | null {
    return evolveCoopTotals(doc as CoopTotalsDoc | null, event, ref);
  },
  foldMany(doc: Doc | null, events: RecordedEvent[], ref: DocRef): Doc | null {
    return foldCoopTotals(doc as CoopTotalsDoc | null, events, ref);
  },
};
