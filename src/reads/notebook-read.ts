import { type OpeningSource } from '../domain/ledger';
import { type RecordedEvent } from '../events/envelope';
import { type CarriedOverItem, type OpenAdvance, type OpeningBalanceDeclared, type SubsidyRow, type YearClosed } from '../events/ledger-events';
import {
  NOTEBOOK_ENTRIES,
  NOTEBOOK_STATEMENTS,
  NOTEBOOKS,
  type NotebookEntry,
  type NotebookEntryRow,
  type NotebookHeader,
  emptyNotebookHeader,
  notebookId,
  notebookProjection,
} from '../projections/ledger/notebook.projection';
import { YEAR_FACTS, type YearEndStatement, type YearFactsDoc, yearFactsProjection } from '../projections/year-facts.projection';
import { type Doc } from '../projections/read-store';
import { type CoopYears, coopYearFacts, yearOpeningOf } from './year-opening';

/**
 * The notebook's view of a coop's year: the notebook's own documents (its entries' rows, its
 * header) with the year's facts read from their one home, year_facts — status, declared opening,
 * closing, statements, subsidies, the previous year's closing — and the opening by the domain's
 * rule (openingOf over the coop's earlier years). Every ledger view (grid, breakdown, CRF/CRA,
 * exports) is a pure function of this and the year's chart.
 */

/**
 * The year's opening by the domain's rule. date: the declared date, or the day the previous year
 * was closed; at: when that was recorded.
 */
export type Opening = { bank: number; cash: number; source: OpeningSource; provisional: boolean; date: string | null; at: string | null };
export const NO_OPENING: Opening = { bank: 0, cash: 0, source: 'none', provisional: false, date: null, at: null };
export type NotebookStatus = 'open' | 'closed' | 'unlocked';
export type Closing = YearClosed & { at: string };
/** An item of the previous year's closing not reconciled then, and whether this year's statements showed it. */
export type CarriedOverRow = CarriedOverItem & { seen: boolean; statementDate: string | null; statementId?: string | null; lineId?: string | null };
/** A statement of the year as the notebook lists it (year_facts'): its lines are in their own document, counted here. */
export type StatementSummary = YearEndStatement;

export type NotebookDoc = NotebookHeader & {
  status: NotebookStatus;
  /** Live entries, in record order. */
  entries: NotebookEntry[];
  opening: Opening;
  declaredOpening: (OpeningBalanceDeclared & { at: string }) | null;
  /** The previous year's closing figures, as its YearClosed / YearLocked stated them. */
  previousClosing: { closedOn: string; bank: number; cash: number; at: string } | null;
  carriedOver: CarriedOverRow[];
  /** The year's bank statements in record order. */
  statements: StatementSummary[];
  /** Advances open at the opening (openingOf). */
  openAdvances: OpenAdvance[];
  subsidies: SubsidyRow[];
  closing: Closing | null;
  unlockedReason: string | null;
};

/** Where a notebook's documents are read from: the read store, or a fold of the past. */
export interface NotebookSource {
  get<T extends Doc>(collection: string, id: string): Promise<T | null>;
  find<T extends Doc>(collection: string, query: { where: Record<string, string> }): Promise<T[]>;
}

/** The year's own last closing, as its YearClosed / YearLocked stated it, from its year facts. */
function closingOf(facts: YearFactsDoc | undefined): Closing | null {
  const last = facts?.closings.at(-1);
  if (!facts?.closing || !last) return null;
  const { openAdvances, unreconciled } = facts.closing;
  const copied = { openAdvances: openAdvances.map((a) => ({ ...a })), unreconciled: unreconciled.map((u) => ({ ...u })) };
  return { closedOn: last.closedOn, bank: last.bank, cash: last.cash, result: last.result, ...copied, at: last.at };
}

/**
 * The notebook's view from its header (null: no event of its own yet), its entries' rows
 * (tombstones left out, record order) and the coop's year-facts documents (any of its years).
 */
export function notebookView(
  header: NotebookHeader | null,
  rows: readonly NotebookEntryRow[],
  years: readonly YearFactsDoc[],
  coop: CoopYears,
  year: number,
): NotebookDoc {
  const own = header ?? emptyNotebookHeader(coop.coopId, year);
  const facts = years.find((d) => d.coopId === coop.coopId && d.year === year);
  const previous = years.find((d) => d.coopId === coop.coopId && d.year === year - 1);
  const rule = yearOpeningOf(years, coop, year);
  const declared = facts?.tally.declaredOpening && facts.openingDeclared ? { ...facts.tally.declaredOpening, ...facts.openingDeclared } : null;
  const previousClosing = closingOf(previous);
  const from = rule.source === 'declared' ? declared : rule.source === 'previous-year' ? previousClosing : null;
  const date = from ? ('closedOn' in from ? from.closedOn : from.date) : null;
  const opening = { bank: rule.bank, cash: rule.cash, source: rule.source, provisional: rule.provisional, date, at: from?.at ?? null };
  const status = facts?.status ?? 'open';
  return {
    ...own,
    status,
    entries: entriesOf(own, rows),
    opening,
    declaredOpening: declared,
    previousClosing: previousClosing && { closedOn: previousClosing.closedOn, bank: previousClosing.bank, cash: previousClosing.cash, at: previousClosing.at },
    carriedOver: rule.carriedOver.map((item) => {
      const seen = Object.hasOwn(own.carriedOverSeen, item.entryId) ? own.carriedOverSeen[item.entryId] : undefined;
      const row = { ...item, seen: seen !== undefined, statementDate: seen?.statementDate ?? null };
      return seen?.lineId ? { ...row, statementId: seen.statementId ?? null, lineId: seen.lineId } : row;
    }),
    statements: (facts?.statements ?? []).map((s) => ({ ...s })),
    openAdvances: rule.openAdvances,
    subsidies: facts?.subsidies ?? [],
    closing: closingOf(facts),
    unlockedReason: status === 'unlocked' ? (facts?.unlockReason ?? null) : null,
  };
}

/** The live entries from their rows, in record order, with what other rows and the header's validations say of them. */
function entriesOf(header: NotebookHeader, rows: readonly NotebookEntryRow[]): NotebookEntry[] {
  const validatedOn = new Map<string, string>();
  for (const validation of header.validations ?? []) for (const entryId of validation.entryIds) validatedOn.set(entryId, validation.validatedOn);
  const reversedBy = new Map<string, string>();
  const replacedBy = new Map<string, string>();
  for (const row of rows) {
    if (row.deleted) continue;
    if (row.reverses) reversedBy.set(row.reverses, row.entryId);
    if (row.replaces) replacedBy.set(row.replaces, row.entryId);
  }
  return rows
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
}

/** The notebook of a coop's year; null when the year has no event yet. */
export async function readNotebook(source: NotebookSource, coop: CoopYears, year: number): Promise<NotebookDoc | null> {
  const id = notebookId(coop.coopId, year);
  // The header first: rows read after it are at least as recent, never older than its version.
  const header = await source.get<NotebookHeader & Doc>(NOTEBOOKS, id);
  if (!header) return null;
  const [rows, years] = await Promise.all([
    source.find<NotebookEntryRow & Doc>(NOTEBOOK_ENTRIES, { where: { notebook: id } }),
    coopYearFacts(source, coop.coopId),
  ]);
  return notebookView(header, rows, years, coop, year);
}

/** The notebook of a coop's year, an empty one (opened all the same) when it has no event yet. */
export async function notebookOf(source: NotebookSource, coop: CoopYears, year: number): Promise<NotebookDoc> {
  return (await readNotebook(source, coop, year)) ?? notebookView(null, [], await coopYearFacts(source, coop.coopId), coop, year);
}

/**
 * Folds events (in log order) into notebooks, in memory, with the projections' own reducers (the
 * notebook's and the year facts'): what a read would give.
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
      return [id, notebookView(header, rows.get(id) ?? [], years, coop, header.year)];
    }),
  );
}
