import { Inject, Injectable } from '@nestjs/common';
import { Chart, defaultChart } from '../domain/chart';
import { DomainError } from '../domain/errors';
import { Clock, currentFiscalYear, isIsoDate, today } from '../domain/fiscal-year';
import { closingChecklist, ClosingChecklist, ClosingFacts, Issue, warningsOf, type YearStatus } from '../domain/ledger';
import { RecordedEvent } from '../events/envelope';
import { EventStore } from '../events/event-store';
import { byPosition, coopStreams } from '../events/history';
import { chartStream, coopStream, departmentStream, ledgerStream } from '../events/streams';
import { upcast } from '../events/upcasters';
import { ALL_PROJECTIONS } from '../projections';
import { chartFor } from '../projections/charts.projection';
import { CoopDoc } from '../projections/coops.projection';
import { foldCollection, foldDocument } from '../projections/fold';
import { boardFacts, coopYearFacts } from './year-opening';
import { deepFreeze, KeptAnswers } from './frozen';
import { NotebookEntryRow, NotebookHeader, NOTEBOOK_ENTRIES, NOTEBOOKS, notebookId } from '../projections/ledger/notebook.projection';
import { notebookOf, notebookView, readNotebook, type NotebookDoc } from './notebook-read';
import { YEAR_FACTS, type YearFactsDoc, yearFactsId } from '../projections/year-facts.projection';

import { calendarYearView } from './ledger-views';
import { Doc, ReadStore } from '../projections/read-store';
import { CLOCK, EVENT_STORE, READ_STORE } from '../tokens';

/** Where documents come from: the read store, or an in-memory fold of the past (time-travel). */
export interface DocSource {
  get<T extends Doc>(collection: string, id: string): Promise<T | null>;
  /** Documents whose fields equal `where` (declared index fields on the read store). */
  find<T extends Doc>(collection: string, query: { where: Record<string, string | number> }): Promise<T[]>;
}

export interface YearReads {
  coop: CoopDoc;
  year: number;
  notebook: NotebookDoc;
  chart: Chart;
  asOf: string | null;
}

/** A fiscal year of a coop as the archives and the year switcher list it. */
export interface YearSummary {
  year: number;
  status: YearStatus;
}

/**
 * Every read of a coop's year goes through here: documents of the read models, or — with `asOf` —
 * the same reducers folded in memory over the events recorded up to that moment.
 */
@Injectable()
export class LedgerReads {
  /** Current (not asOf) years recently read, by `coopId:year`, least recently used first. */
  private readonly current = new KeptAnswers<{ marks: string; version: string }, Omit<YearReads, 'asOf'>>(CURRENT_YEARS_KEPT_BYTES);

  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * With `asOf`, the documents folded from the events recorded up to that moment. `years` narrows
   * the read to the streams those years' documents stand on (each year's stream and the one before,
   * whose closing opens it), read by stream name rather than by scanning the coop's history.
   */
  async source(coopId: string, asOf?: string | null, years?: number[]): Promise<DocSource> {
    if (!asOf) return this.readStore;
    const moment = parseAsOf(asOf);
    return this.sourceOf(coopId, (event) => event.metadata.at <= moment, years);
  }

  /** The documents folded from the coop's events that `keep` keeps (see source). */
  private async sourceOf(coopId: string, keep: (event: RecordedEvent) => boolean, years?: number[]): Promise<DocSource> {
    const coop = await this.readStore.get<CoopDoc>('coops', coopId);
    let read: RecordedEvent[];
    if (coop && years) {
      // Every year up to the last asked: a year opens from all the earlier ones (openingOf).
      const last = Math.max(...years);
      const wanted = Array.from({ length: Math.max(0, last - coop.firstYear + 1) }, (_, i) => coop.firstYear + i);
      read = await this.eventStore.readStreams([
        coopStream(coopId),
        ...wanted.map((y) => ledgerStream(coopId, y)),
        ...wanted.map((y) => chartStream(coop.department, y)),
      ]);
    } else {
      // Every year (the archives): still by the coop's streams' names, never a scan of the log.
      const { identity, ledgers, charts } = await coopStreams(this.eventStore, { coopId, currentYear: currentFiscalYear(this.clock) });
      read = byPosition([identity, await this.eventStore.readStreams([...ledgers, ...charts])]);
    }
    return foldedSource(read.filter(keep).map(upcast));
  }

  /**
   * A department's documents as they stood at `asOf` (API.md: department reads take ?asOf= like a
   * coop's): folded from its coops' streams (identity, every year up to `lastYear`: a year opens
   * from all the earlier ones), its charts and its own stream, each event kept if recorded by then.
   * The coops are those of the department now; one registered after `asOf` folds to nothing.
   */
  async departmentSource(department: string, asOf: string, lastYear: number): Promise<DocSource> {
    const moment = parseAsOf(asOf);
    const coops = await this.readStore.find<CoopDoc>('coops', { where: { department } });
    const firstYear = Math.min(lastYear, ...coops.map((c) => c.firstYear));
    const years = (from: number) => Array.from({ length: Math.max(0, lastYear - from + 1) }, (_, i) => from + i);
    const read = await this.eventStore.readStreams([
      departmentStream(department),
      ...years(firstYear).map((y) => chartStream(department, y)),
      ...coops.flatMap((c) => [coopStream(c.coopId), ...years(c.firstYear).map((y) => ledgerStream(c.coopId, y))]),
    ]);
    return foldedSource(read.filter((event) => event.metadata.at <= moment).map(upcast));
  }

  async year(coopId: string, year: number, asOf?: string | null): Promise<YearReads & { source: DocSource }> {
    if (!asOf) {
      const read = await this.currentYear(coopId, year);
      if (!read) throw new DomainError('NOT_FOUND', 'Exercice introuvable.', undefined, 'not_found');
      return { ...read, asOf: null, source: this.readStore };
    }
    return this.yearFrom(coopId, year, await this.source(coopId, asOf, [year]), asOf);
  }

  /**
   * The year as its stream stood at the event whose hash is `chainHead` (a version sent to the
   * AD), every stream cut at that event's position: what was sent reads as sent, whatever came after.
   */
  async yearAtHead(coopId: string, year: number, chainHead: string): Promise<YearReads & { source: DocSource }> {
    const head = (await this.eventStore.readStream(ledgerStream(coopId, year))).find((event) => event.metadata.hash === chainHead);
    if (!head) throw new DomainError('NOT_FOUND', 'Version introuvable.', undefined, 'not_found');
    return this.yearFrom(coopId, year, await this.sourceOf(coopId, (event) => event.position <= head.position, [year]), head.metadata.at);
  }

  private async yearFrom(coopId: string, year: number, source: DocSource, asOf: string): Promise<YearReads & { source: DocSource }> {
    const coop = await source.get<CoopDoc>('coops', coopId);
    if (!coop || !Number.isInteger(year) || year < coop.firstYear || year > coop.firstYear + 200) {
      throw new DomainError('NOT_FOUND', 'Exercice introuvable.', undefined, 'not_found');
    }
    const notebook = await notebookOf(source, coop, year);
    // No chart document then: the department had not changed the default chart yet.
    const chart = (await source.get<Chart & Doc>('charts', `${coop.department}:${year}`)) ?? defaultChart(coop.department, year);
    return { coop, year, notebook, chart, asOf, source };
  }

  /**
   * The year as the read models hold it now, put together once per version of its documents.
   * While nothing was projected (the checkpoints of the three projections it reads have not
   * moved) the kept version is current. Otherwise the version is the notebook header's last
   * position (read before its rows, so it never labels rows older than itself), the revisions of
   * the coop's year-facts documents (the year's facts and its opening) and the coop's and the
   * chart's documents as they are: writes to other coops keep it. The documents are
   * frozen: every reader shares them, and views may keep what they compute from them (the grid).
   */
  private async currentYear(coopId: string, year: number): Promise<Omit<YearReads, 'asOf'> | null> {
    const key = `${coopId}:${year}`;
    const marks = (await Promise.all(CURRENT_YEAR_PROJECTIONS.map((p) => this.readStore.getCheckpoint(p)))).join(':');
    const hit = this.current.get(key);
    if (hit?.version.marks === marks) return hit.answer;
    const coop = await this.readStore.get<CoopDoc>('coops', coopId);
    if (!coop || !Number.isInteger(year) || year < coop.firstYear || year > coop.firstYear + 200) return null;
    const chart = await chartFor(this.readStore, coop.department, year);
    const header = await this.readStore.get<NotebookHeader & Doc>(NOTEBOOKS, notebookId(coopId, year));
    // The year's facts and the opening move with the coop's year-facts documents, not with this year's header.
    const years = await coopYearFacts(this.readStore, coopId);
    const facts = years.map((d) => `${d.year}@${JSON.stringify(d.appliedRevisions)}`).join(',');
    const version = `${header?.lastPosition ?? ''}\u0000${JSON.stringify(coop)}\u0000${JSON.stringify(chart)}\u0000${facts}`;
    if (hit?.version.version === version) return this.current.keep(key, { marks, version }, hit.answer);
    const read = (async () => {
      const rows = header ? await this.readStore.find<NotebookEntryRow & Doc>(NOTEBOOK_ENTRIES, { where: { notebook: header.id } }) : [];
      const notebook = notebookView(header, rows, years, coop, year);
      return deepFreeze({ coop, year, notebook, chart });
    })();
    return this.current.keep(key, { marks, version }, read);
  }

  /** The coop's fiscal years, first to current, with their status: the archives. */
  async years(coopId: string, currentYear: number, asOf?: string | null): Promise<YearSummary[]> {
    const source = await this.source(coopId, asOf);
    const coop = await source.get<CoopDoc>('coops', coopId);
    if (!coop) throw new DomainError('NOT_FOUND', 'Coopérative introuvable.', undefined, 'not_found');
    const years = [];
    for (let year = Math.max(currentYear, coop.firstYear); year >= coop.firstYear; year--) {
      const facts = await source.get<YearFactsDoc & Doc>(YEAR_FACTS, yearFactsId(coopId, year));
      years.push({ year, status: facts?.status ?? 'open' });
    }
    return years;
  }

  /** January → December of a calendar year: the end of one fiscal year and the start of the next. */
  async calendarYear(coopId: string, calendarYear: number, asOf?: string | null) {
    const source = await this.source(coopId, asOf, [calendarYear - 1, calendarYear]);
    const coop = await source.get<CoopDoc>('coops', coopId);
    if (!coop) throw new DomainError('NOT_FOUND', 'Coopérative introuvable.', undefined, 'not_found');
    const [earlier, later] = [calendarYear - 1, calendarYear];
    const docs = [await readNotebook(source, coop, earlier), await readNotebook(source, coop, later)] as const;
    const charts = [await chartFor(this.readStore, coop.department, earlier), await chartFor(this.readStore, coop.department, later)] as const;
    return calendarYearView(docs, charts, calendarYear);
  }

  /**
   * The closing checklist, by the rule CloseYear decides with, over the year's ClosingFacts from
   * the tally its board document keeps (the domain's closingFactsFold, the one the decider's state
   * carries). No board document: the year has no event yet.
   */
  async checklist(coop: CoopDoc, year: number, source: DocSource): Promise<ClosingChecklist> {
    return closingChecklist(await this.closingFacts(coop, year, source), today(this.clock), year);
  }

  /**
   * The alerts of a notebook while it is kept: every warning, those that will also block the
   * closing included (the checklist keeps those among its blockers only).
   */
  async alerts(coop: CoopDoc, year: number, source: DocSource): Promise<Issue[]> {
    return warningsOf(await this.closingFacts(coop, year, source));
  }

  private async closingFacts(coop: CoopDoc, year: number, source: DocSource): Promise<ClosingFacts> {
    // The chart from the same source, so a checklist asOf a moment reads the chart of that moment.
    const chart = (await source.get<Chart & Doc>('charts', `${coop.department}:${year}`)) ?? defaultChart(coop.department, year);
    return boardFacts(await coopYearFacts(source, coop.coopId), coop, year, chart);
  }
}

/**
 * Documents folded from `events` on demand (time-travel): each document asked for is folded alone,
 * once — a grid of ten years' coop folds one notebook, not every projection over every year.
 */
function foldedSource(events: RecordedEvent[]): DocSource {
  const docs = new Map<string, Doc | null>();
  const collections = new Map<string, Doc[]>();
  return {
    get: async <T extends Doc>(collection: string, id: string) => {
      const key = `${collection}\u0000${id}`;
      if (!docs.has(key)) docs.set(key, foldDocument(ALL_PROJECTIONS, events, { collection, id }));
      return (docs.get(key) as T | null | undefined) ?? null;
    },
    find: async <T extends Doc>(collection: string, { where }: { where: Record<string, string | number> }) => {
      if (!collections.has(collection)) collections.set(collection, foldCollection(ALL_PROJECTIONS, events, collection));
      return collections.get(collection)!.filter((doc) => Object.entries(where).every(([field, value]) => doc[field] === value)) as T[];
    },
  };
}

/** The projections whose documents make a current year: coops, charts, notebooks, year facts (the opening). */
const CURRENT_YEAR_PROJECTIONS = ['coops', 'charts', 'notebooks', 'year_facts'];
/** Bytes of current years kept parsed (their JSON): a 500-entry notebook is about 300 KB. */
const CURRENT_YEARS_KEPT_BYTES = 16 * 2 ** 20;

const ISO_MOMENT = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):?(\d{2}))?)?$/i;

/**
 * An ISO 8601 date (the whole day) or date-time (without an offset: UTC), strictly: `Date`'s own
 * parser takes "1" or "2025" for a moment, which then answered 404 for a year not yet begun.
 * Anything else, a repeated parameter included, is AS_OF_INVALID.
 */
export function parseAsOf(asOf: unknown): string {
  const m = typeof asOf === 'string' ? ISO_MOMENT.exec(asOf) : null;
  const [, day, hours, minutes, seconds, zone, zoneHours, zoneMinutes] = m ?? [];
  const inRange = (value: string | undefined, max: number) => value === undefined || Number(value) <= max;
  if (!m || !isIsoDate(day) || !inRange(hours, 23) || !inRange(minutes, 59) || !inRange(seconds, 59) || !inRange(zoneHours, 23) || !inRange(zoneMinutes, 59)) {
    throw new DomainError('AS_OF_INVALID', 'Le paramètre asOf doit être une date-heure ISO 8601 (ex. 2025-04-25T12:00:00Z).', 'asOf');
  }
  const text = asOf as string;
  return new Date(hours === undefined ? `${day}T23:59:59.999Z` : zone ? text : `${text}Z`).toISOString();
}
