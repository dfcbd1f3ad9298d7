import { type Chart, defaultChart } from '../../../src/domain/chart';
import {
  closingFactsOf,
  type ClosingEnv,
  type ClosingFacts,
  decide,
  evolve,
  initialLedgerState,
  type LedgerCommand,
  type LedgerState,
  yearFactsOf,
} from '../../../src/domain/ledger';
import { type CoopEvent } from '../../../src/events/coop-events';
import { type NewEvent, type RecordedEvent } from '../../../src/events/envelope';
import { type EventStore } from '../../../src/events/event-store';
import { chainEvents } from '../../../src/events/hash-chain';
import { type EntryLine } from '../../../src/events/ledger-events';
import { coopStream, ledgerStream } from '../../../src/events/streams';
import { type CoopDoc } from '../../../src/projections/coops.projection';
import { YEAR_FACTS, type YearFactsDoc, yearFactsId, yearFactsProjection } from '../../../src/projections/year-facts.projection';
import { type DepartmentTotals, departmentTotals } from '../../../src/reads/department-totals';
import { foldInMemory } from '../../../src/projections/fold';
import { coopsProjection } from '../../../src/projections/coops.projection';
import {
  notebookProjection,
  type NotebookEntryRow,
  type NotebookHeader,
  NOTEBOOK_ENTRIES,
  NOTEBOOKS,
  notebookId,
} from '../../../src/projections/ledger/notebook.projection';
import { type Doc } from '../../../src/projections/read-store';
import { notebookView, type NotebookDoc } from '../../../src/reads/notebook-read';

export const PROJECTIONS = [coopsProjection, notebookProjection, yearFactsProjection];

/**
 * Departments of coops driven through the real decider, as the command handlers would (the
 * environment of each decision built from the coop's other years), recording chained events
 * with the department in metadata, one minute apart.
 */
export class DepartmentLog {
  readonly events: RecordedEvent[] = [];
  /** The day decisions are taken on. */
  today = '2025-03-01';
  private position = 0n;
  private clock = Date.parse('2024-09-02T08:00:00.000Z');
  private readonly heads = new Map<string, { revision: number; hash: string }>();
  private readonly coops = new Map<string, { department: string; firstYear: number; years: Map<number, LedgerState> }>();
  /** Departments' charts, when not the default one (the same for every year here). */
  private readonly charts = new Map<string, Chart>();

  useChart(department: string, chart: Chart): void {
    this.charts.set(department, chart);
  }

  chart(department: string, year: number): Chart {
    return this.charts.get(department) ?? defaultChart(department, year);
  }

  register(coopId: string, department: string, name: string, firstYear = 2024): void {
    this.coops.set(coopId, { department, firstYear, years: new Map() });
    const event: CoopEvent = { type: 'CoopRegistered', data: { coopId, department, firstYear, name, school: null, uai: null, mandataires: [] } };
    this.append(coopStream(coopId), [event], department);
  }

  state(coopId: string, year: number): LedgerState {
    return this.coops.get(coopId)!.years.get(year) ?? initialLedgerState(coopId, year);
  }

  env(coopId: string, year: number): ClosingEnv {
    const coop = this.coops.get(coopId)!;
    const chart = this.chart(coop.department, year);
    const earlierYears = [];
    for (let earlier = coop.firstYear; earlier < year; earlier++) earlierYears.push(yearFactsOf(this.state(coopId, earlier)));
    return { firstYear: coop.firstYear, earlierYears, chart };
  }

  /** The domain's own facts for the year (from the tally its state folded): what the board must reproduce. */
  facts(coopId: string, year: number): ClosingFacts {
    return closingFactsOf(this.state(coopId, year), this.env(coopId, year));
  }

  run(coopId: string, year: number, command: LedgerCommand): RecordedEvent[] {
    const coop = this.coops.get(coopId)!;
    const env = { ...this.env(coopId, year), coopId, year, department: coop.department, today: this.today };
    const decided = decide(command, this.state(coopId, year), env);
    coop.years.set(year, decided.reduce(evolve, this.state(coopId, year)));
    return this.append(ledgerStream(coopId, year), decided, coop.department);
  }

  /** Every event again, in order: what a redelivery or a replay from an old checkpoint looks like. */
  fold(events: RecordedEvent[] = this.events): Map<string, Map<string, Doc>> {
    return foldInMemory(PROJECTIONS, events);
  }

  /** Copies the log into a store, stream by stream in log order, hashes and all. */
  async copyInto(store: EventStore): Promise<void> {
    for (const e of this.events) {
      const { stream, revision, position: _position, ...event } = e;
      await store.append(stream, [event], revision === 0 ? 'no_stream' : revision - 1);
    }
  }

  private append(stream: string, decided: Array<{ type: string; data: unknown }>, department: string): RecordedEvent[] {
    const head = this.heads.get(stream) ?? { revision: -1, hash: '' };
    const fresh: NewEvent[] = decided.map((event) => {
      this.clock += 60_000;
      this.position += 1n;
      return {
        id: `evt-${this.position}`,
        type: event.type,
        data: event.data,
        metadata: {
          actor: 'mandataire1',
          role: 'mandataire',
          at: new Date(this.clock).toISOString(),
          $correlationId: `cmd-${this.position}`,
          $causationId: `cmd-${this.position}`,
          schemaVersion: 1,
          department,
          prevHash: '',
          hash: '',
        },
      };
    });
    const chained = chainEvents(head.hash, fresh);
    const firstPosition = this.position - BigInt(chained.length) + 1n;
    const recorded = chained.map((event, i) => ({ ...event, stream, revision: head.revision + 1 + i, position: firstPosition + BigInt(i) }));
    if (recorded.length > 0) this.heads.set(stream, { revision: head.revision + recorded.length, hash: recorded[recorded.length - 1].metadata.hash });
    this.events.push(...recorded);
    return recorded;
  }
}

export const yearFacts = (docs: Map<string, Map<string, Doc>>, coopId: string, year: number): YearFactsDoc =>
  docs.get(YEAR_FACTS)!.get(yearFactsId(coopId, year)) as YearFactsDoc;
/** Every year-facts document folded. */
export const allYearFacts = (docs: Map<string, Map<string, Doc>>): YearFactsDoc[] => [...(docs.get(YEAR_FACTS)?.values() ?? [])] as YearFactsDoc[];
/** The coops' year-facts documents of a department's year, as the read side finds them (by department and year). */
export const coopTotals = (docs: Map<string, Map<string, Doc>>, department: string, year: number): YearFactsDoc[] =>
  allYearFacts(docs).filter((d) => d.department === department && d.year === year);
/** The department's accounts, summed at read time as DepartmentReads does. */
export const totals = (docs: Map<string, Map<string, Doc>>, department: string, year: number): DepartmentTotals =>
  departmentTotals(department, year, coopTotals(docs, department, year));
export function notebook(docs: Map<string, Map<string, Doc>>, coopId: string, year: number): NotebookDoc | null {
  const header = docs.get(NOTEBOOKS)!.get(notebookId(coopId, year)) as NotebookHeader | undefined;
  const rows = [...docs.get(NOTEBOOK_ENTRIES)!.values()] as unknown as NotebookEntryRow[];
  const coop = docs.get('coops')!.get(coopId) as CoopDoc;
  const years = allYearFacts(docs);
  return header
    ? notebookView(
        header,
        rows.filter((row) => row.notebook === header.id),
        years,
        coop,
        year,
      )
    : null;
}
export const coopDocs = (docs: Map<string, Map<string, Doc>>, department: string): CoopDoc[] =>
  [...docs.get('coops')!.values()].filter((c) => c.department === department) as CoopDoc[];

export const debit = (account: string, cents: number, regie?: string): EntryLine => (regie ? { account, debit: cents, regie } : { account, debit: cents });
export const credit = (account: string, cents: number, regie?: string): EntryLine => (regie ? { account, credit: cents, regie } : { account, credit: cents });

export const entry = (pj: string, date: string, label: string, lines: EntryLine[]) => ({ pj, date, label, lines });
