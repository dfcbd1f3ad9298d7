import { ADVANCES, BANK, CASH } from '../../domain/chart';
import { RecordedEvent } from '../../events/envelope';
import { EntryAmended, EntryContent, EntryDeleted, EntryRecorded } from '../../events/ledger-events';
import { parseStream } from '../../events/streams';
import { DocRef, Projection } from '../projection';
import { Doc } from '../read-store';

/**
 * The department's accounts for a fiscal year ("comptes agrégés"): per account, debit − credit
 * summed over the department's coops, with each coop's part for the drill-down. The kind of an
 * account (charge: total = net debit; product: total = − net debit) comes from the year's chart
 * at read time, as in a coop's own breakdown. Amendments and deletions move amounts with the
 * `previous` content the events carry: no entry is read back.
 */
export const DEPARTMENT_TOTALS = 'department_totals';
export const departmentTotalsId = (department: string, year: number): string => `${department}:${year}`;

/** Treasury and advances are no charge nor product: left out to keep the document small. */
const NOT_AGGREGATED = new Set([BANK, CASH, ADVANCES]);

export interface AccountTotal {
  /** Σ debit − Σ credit over the department's live entries. */
  net: number;
  /** Coop id → its own debit − credit; coops at zero are left out. */
  byCoop: Record<string, number>;
}

export interface DepartmentTotalsDoc {
  [key: string]: unknown;
  id: string;
  department: string;
  year: number;
  accounts: Record<string, AccountTotal>;
  /** Coops with at least one entry recorded in the year (sorted). */
  coops: string[];
  /** Last applied revision per ledger stream of the department: replays are no-ops. */
  appliedRevisions: Record<string, number>;
}

export const emptyDepartmentTotals = (department: string, year: number): DepartmentTotalsDoc => ({
  id: departmentTotalsId(department, year),
  department,
  year,
  accounts: {},
  coops: [],
  appliedRevisions: {},
});

const ENTRY_EVENTS = new Set(['EntryRecorded', 'EntryAmended', 'EntryDeleted']);

/**
 * Folds a run of events into a private copy of `doc`, made at the first event that changes it:
 * the department's per-coop amounts and revisions are copied once per run, and only the accounts
 * the run touches, rather than once per event (the document grows with the department's coops).
 */
export function foldDepartmentTotals(doc: DepartmentTotalsDoc | null, events: RecordedEvent[], ref: DocRef): DepartmentTotalsDoc | null {
  let next: DepartmentTotalsDoc | null = null;
  let coops: Set<string> | null = null;
  /** Accounts whose total this run already copied: they may be changed in place. */
  const owned = new Set<string>();
  const move = (totals: DepartmentTotalsDoc, coopId: string, content: EntryContent, sign: 1 | -1): void => {
    for (const line of content.lines) {
      if (NOT_AGGREGATED.has(line.account)) continue;
      const amount = sign * ((line.debit ?? 0) - (line.credit ?? 0));
      if (amount === 0) continue;
      let total = totals.accounts[line.account];
      if (!total || !owned.has(line.account)) {
        total = total ? { net: total.net, byCoop: { ...total.byCoop } } : { net: 0, byCoop: {} };
        totals.accounts[line.account] = total;
        owned.add(line.account);
      }
      const coopAmount = (total.byCoop[coopId] ?? 0) + amount;
      if (coopAmount === 0) delete total.byCoop[coopId];
      else total.byCoop[coopId] = coopAmount;
      total.net += amount;
      if (total.net === 0 && Object.keys(total.byCoop).length === 0) {
        delete totals.accounts[line.account];
        owned.delete(line.account);
      }
    }
  };
  for (const event of events) {
    const stream = parseStream(event.stream);
    if (stream?.category !== 'ledger' || !ENTRY_EVENTS.has(event.type)) continue;
    const applied = (next ?? doc)?.appliedRevisions[event.stream];
    if (applied !== undefined && event.revision <= applied) continue;
    if (!next) {
      const [department, year] = ref.id.split(':');
      const base = doc ?? emptyDepartmentTotals(department, Number(year));
      next = { ...base, accounts: { ...base.accounts }, appliedRevisions: { ...base.appliedRevisions } };
      coops = new Set(base.coops);
    }
    if (event.type === 'EntryRecorded') move(next, stream.coopId, event.data as EntryRecorded, 1);
    if (event.type === 'EntryAmended') {
      const d = event.data as EntryAmended;
      move(next, stream.coopId, d.previous, -1);
      move(next, stream.coopId, d, 1);
    }
    if (event.type === 'EntryDeleted') move(next, stream.coopId, (event.data as EntryDeleted).previous, -1);
    coops!.add(stream.coopId);
    next.appliedRevisions[event.stream] = event.revision;
  }
  if (!next) return doc;
  if (coops!.size !== next.coops.length) next.coops = [...coops!].sort();
  return next;
}

export const evolveDepartmentTotals = (doc: DepartmentTotalsDoc | null, event: RecordedEvent, ref: DocRef): DepartmentTotalsDoc | null =>
  foldDepartmentTotals(doc, [event], ref);

export const departmentTotalsProjection: Projection = {
  name: 'department_totals',
  version: 1,
  collections: { [DEPARTMENT_TOTALS]: { indexes: ['department', 'year'] } },
  streamPrefixes: ['ledger-'],
  keysOf(event: RecordedEvent): DocRef[] {
    const stream = parseStream(event.stream);
    // The command side stamps every ledger event with its coop's department: no lookup here.
    const department = event.metadata.department;
    if (stream?.category !== 'ledger' || !department || !ENTRY_EVENTS.has(event.type)) return [];
    return [{ collection: DEPARTMENT_TOTALS, id: departmentTotalsId(department, stream.year) }];
  },
  evolve(doc: Doc | null, event: RecordedEvent, ref: DocRef): Doc | null {
    return evolveDepartmentTotals(doc as DepartmentTotalsDoc | null, event, ref);
  },
  foldMany(doc: Doc | null, events: RecordedEvent[], ref: DocRef): Doc | null {
    return foldDepartmentTotals(doc as DepartmentTotalsDoc | null, events, ref);
  },
};
