import { type YearOpening } from '../domain/ledger';
import { type RecordedEvent } from '../events/envelope';
import {
  NOTEBOOK_ENTRIES,
  NOTEBOOK_STATEMENTS,
  NOTEBOOKS,
  type NotebookDoc,
  type NotebookEntryRow,
  type NotebookHeader,
  type Opening,
  assembleNotebook,
  emptyNotebook,
  notebookId,
  notebookProjection,
} from '../projections/ledger/notebook.projection';
import { YEAR_FACTS, type YearFactsDoc, yearFactsProjection } from '../projections/year-facts.projection';
import { type Doc } from '../projections/read-store';
import { type CoopYears, coopYearFacts, yearOpeningOf } from './year-opening';

/** Where a notebook's documents are read from: the read store, or a fold of the past. */
export interface NotebookSource {
  get<T extends Doc>(collection: string, id: string): Promise<T | null>;
  find<T extends Doc>(collection: string, query: { where: Record<string, string> }): Promise<T[]>;
}

/** The notebook's opening: the domain's rule, with the date and time of the declaration or closing it stands on. */
export function notebookOpening(header: Pick<NotebookHeader, 'declaredOpening' | 'previousClosing'> | null, opening: YearOpening): Opening {
  const { bank, cash, source, provisional } = opening;
  const from = source === 'declared' ? header?.declaredOpening : source === 'previous-year' ? header?.previousClosing : null;
  const date = from ? ('closedOn' in from ? from.closedOn : from.date) : null;
  return { bank, cash, source, provisional, date, at: from?.at ?? null };
}

/** The notebook of a coop's year with its opening (openingOf over the coop's earlier years); null when the year has no event yet. */
export async function readNotebook(source: NotebookSource, coop: CoopYears, year: number): Promise<NotebookDoc | null> {
  const id = notebookId(coop.coopId, year);
  // The header first: rows read after it are at least as recent, never older than its version.
  const header = await source.get<NotebookHeader & Doc>(NOTEBOOKS, id);
  if (!header) return null;
  const [rows, years] = await Promise.all([
    source.find<NotebookEntryRow & Doc>(NOTEBOOK_ENTRIES, { where: { notebook: id } }),
    coopYearFacts(source, coop.coopId),
  ]);
  return openedNotebook(header, rows, yearOpeningOf(years, coop, year));
}

/** The notebook of a coop's year, an empty one (opened all the same) when it has no event yet. */
export async function notebookOf(source: NotebookSource, coop: CoopYears, year: number): Promise<NotebookDoc> {
  return (await readNotebook(source, coop, year)) ?? emptyOpenedNotebook(coop, year, yearOpeningOf(await coopYearFacts(source, coop.coopId), coop, year));
}

/** A notebook put together with the year's opening: its advances are the opening's too. */
export function openedNotebook(header: NotebookHeader, rows: NotebookEntryRow[], opening: YearOpening): NotebookDoc {
  return { ...assembleNotebook(header, rows, notebookOpening(header, opening)), openAdvances: opening.openAdvances };
}

export function emptyOpenedNotebook(coop: CoopYears, year: number, opening: YearOpening): NotebookDoc {
  return { ...emptyNotebook(coop.coopId, year), opening: notebookOpening(null, opening), openAdvances: opening.openAdvances };
}

/**
 * Folds events (in log order) into notebooks, in memory, with the projections' own reducers (the
 * notebook's and the year facts', which the opening is read from): what a read would give.
 */
export function foldNotebooks(events: Iterable<RecordedEvent>, firstYears: ReadonlyMap<string, number> = new Map()): Map<string, NotebookDoc> {
  const docs = new Map<string, Doc>();
  for (const event of events) {
    for (const projection of [notebookProjection, yearFactsProjection]) {
      for (const ref of projection.keysOf(event)) {
        const key = `${ref.collection}\u0000${ref.id}`;
        const next = projection.evolve(docs.get(key) ?? null, event, ref);
        if (next) docs.set(key, next);
      }
    }
  }
  const headers = new Map<string, NotebookHeader>();
  const rows = new Map<string, NotebookEntryRow[]>();
  const years: YearFactsDoc[] = [];
  for (const [key, doc] of docs) {
    const collection = key.slice(0, key.indexOf('\u0000'));
    if (collection === NOTEBOOK_STATEMENTS) continue;
    if (collection === NOTEBOOK_ENTRIES) {
      const row = doc as unknown as NotebookEntryRow;
      rows.set(row.notebook, [...(rows.get(row.notebook) ?? []), row]);
    } else if (collection === NOTEBOOKS) headers.set((doc as NotebookHeader).id, doc as NotebookHeader);
    else if (collection === YEAR_FACTS) years.push(doc as YearFactsDoc);
  }
  return new Map(
    [...headers].map(([id, header]) => {
      const coop = {
        coopId: header.coopId,
        firstYear: firstYears.get(header.coopId) ?? Math.min(...years.filter((y) => y.coopId === header.coopId).map((y) => y.year)),
      };
      return [id, openedNotebook(header, rows.get(id) ?? [], yearOpeningOf(years, coop, header.year))];
    }),
  );
}
