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

function moved(accounts: Record<string, AccountTotal>, coopId: string, content: EntryContent, sign: 1 | -1): Record<string, AccountTotal> {
  const next = { ...accounts };
  for (const line of content.lines) {
    if (NOT_AGGREGATED.has(line.account)) continue;
    const amount = sign * ((line.debit ?? 0) - (line.credit ?? 0));
    if (amount === 0) continue;
    const current = next[line.account] ?? { net: 0, byCoop: {} };
    const byCoop = { ...current.byCoop };
    const coopAmount = (byCoop[coopId] ?? 0) + amount;
    if (coopAmount === 0) delete byCoop[coopId];
    else byCoop[coopId] = coopAmount;
    const net = current.net + amount;
    if (net === 0 && Object.keys(byCoop).length === 0) delete next[line.account];
    else next[line.account] = { net, byCoop };
  }
  return next;
}

export function evolveDepartmentTotals(doc: DepartmentTotalsDoc | null, event: RecordedEvent, ref: DocRef): DepartmentTotalsDoc | null {
  const stream = parseStream(event.stream);
  if (stream?.category !== 'ledger' || !ENTRY_EVENTS.has(event.type)) return doc;
  const applied = doc?.appliedRevisions[event.stream];
  if (applied !== undefined && event.revision <= applied) return doc;
  const [department, year] = ref.id.split(':');
  const base = doc ?? emptyDepartmentTotals(department, Number(year));
  let accounts = base.accounts;
  if (event.type === 'EntryRecorded') accounts = moved(accounts, stream.coopId, event.data as EntryRecorded, 1);
  if (event.type === 'EntryAmended') {
    const d = event.data as EntryAmended;
    accounts = moved(moved(accounts, stream.coopId, d.previous, -1), stream.coopId, d, 1);
  }
  if (event.type === 'EntryDeleted') accounts = moved(accounts, stream.coopId, (event.data as EntryDeleted).previous, -1);
  const coops = base.coops.includes(stream.coopId) ? base.coops : [...base.coops, stream.coopId].sort();
  return { ...base, accounts, coops, appliedRevisions: { ...base.appliedRevisions, [event.stream]: event.revision } };
}

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
};
