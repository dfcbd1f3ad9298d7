import { BANK, CASH, type Chart } from '../domain/chart';
import { type ClosingFacts, type YearFacts, type YearOpening, advancesOfTally, closingFactsFrom, openingOf } from '../domain/ledger';
import { net } from '../domain/net-amount';
import { YEAR_FACTS, type YearFactsDoc, emptyYearFacts } from '../projections/year-facts.projection';
import { type Doc } from '../projections/read-store';

/**
 * A coop-year's opening and closing facts, read from the year-facts documents of the coop's years
 * (one per year, the domain's tally of it) by the domain's one opening rule, openingOf: every page
 * and file that shows where a year starts from reads it here.
 */

/** What the year tells the next one's opening (the domain's openingOf), from its year-facts document. */
export const yearFactsOf = (doc: YearFactsDoc): YearFacts => ({
  year: doc.year,
  declaredOpening: doc.tally.declaredOpening,
  status: doc.tally.status,
  closing: doc.closing,
  bank: net(doc.tally.movements[BANK]),
  cash: net(doc.tally.movements[CASH]),
  advances: advancesOfTally(doc.tally),
});

/** Where the year-facts documents come from: the read store, or a fold of the past (DocSource). */
export interface YearFactsSource {
  find<T extends Doc>(collection: string, query: { where: Record<string, string> }): Promise<T[]>;
}

export interface CoopYears {
  coopId: string;
  firstYear: number;
}

/** The coop's years before `year`, first to last; a year without a document is open and empty. */
export function earlierYearsOf(docs: readonly YearFactsDoc[], coop: CoopYears, year: number): YearFacts[] {
  const byYear = new Map(docs.filter((d) => d.coopId === coop.coopId).map((d) => [d.year, d]));
  const years: YearFacts[] = [];
  for (let y = coop.firstYear; y < year; y++) years.push(yearFactsOf(byYear.get(y) ?? emptyYearFacts(coop.coopId, y, null)));
  return years;
}

/** The year's opening, from the year-facts documents of its coop (any of its years, others ignored). */
export function yearOpeningOf(docs: readonly YearFactsDoc[], coop: CoopYears, year: number): YearOpening {
  const own = docs.find((d) => d.coopId === coop.coopId && d.year === year);
  return openingOf(earlierYearsOf(docs, coop, year), own?.tally.declaredOpening ?? null);
}

/** The domain's ClosingFacts of the year (the rules CloseYear decides with), from the coop's year-facts documents and the year's chart. */
export function boardFacts(docs: readonly YearFactsDoc[], coop: CoopYears, year: number, chart: Chart): ClosingFacts {
  const doc = docs.find((d) => d.coopId === coop.coopId && d.year === year) ?? emptyYearFacts(coop.coopId, year, null);
  const earlier = earlierYearsOf(docs, coop, year);
  const previous = earlier.at(-1);
  return closingFactsFrom(year, doc.tally, openingOf(earlier, doc.tally.declaredOpening), previous ? previous.status === 'closed' : null, chart);
}

/** Bank and cash now: the year's opening plus its lines; provisional with the opening. */
export function boardBalances(docs: readonly YearFactsDoc[], coop: CoopYears, year: number): { bank: number; cash: number; provisional: boolean } {
  const opening = yearOpeningOf(docs, coop, year);
  const doc = docs.find((d) => d.coopId === coop.coopId && d.year === year);
  const facts = doc ? yearFactsOf(doc) : { bank: 0, cash: 0 };
  return { bank: opening.bank + facts.bank, cash: opening.cash + facts.cash, provisional: opening.provisional };
}

/** Every year-facts document of one coop (its years). */
export const coopYearFacts = (source: YearFactsSource, coopId: string): Promise<YearFactsDoc[]> => source.find<YearFactsDoc>(YEAR_FACTS, { where: { coopId } });

/** Year-facts documents grouped by coop: what the department's views pass to the functions above, one coop at a time. */
export function yearFactsByCoop(docs: readonly YearFactsDoc[]): Map<string, YearFactsDoc[]> {
  const byCoop = new Map<string, YearFactsDoc[]>();
  for (const doc of docs) {
    const list = byCoop.get(doc.coopId);
    if (list) list.push(doc);
    else byCoop.set(doc.coopId, [doc]);
  }
  return byCoop;
}
