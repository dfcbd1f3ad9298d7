import { type IsoDate, fiscalYearOf, parisDayOf } from '../domain/fiscal-year';
import { type ReminderFacts } from '../domain/reminders';
import { type CoopDoc } from '../projections/coops.projection';
import { type ReadStore } from '../projections/read-store';
import { YEAR_FACTS, type YearFactsDoc } from '../projections/year-facts.projection';
import { submissionState } from './year-end-state';

/** A coop as its reminders are addressed: the coop's name and department beside its facts. */
export interface CoopReminderFacts extends ReminderFacts {
  name: string;
  department: string;
}

/**
 * What the reminders are decided from, for every coop: its year-facts documents of the year
 * ended last and of today's year (three queries, whatever the number of coops) — the submission
 * of the year ended, the bank entries not reconciled in the years not closed, the last statement.
 */
export async function reminderFacts(store: Pick<ReadStore, 'find'>, today: IsoDate): Promise<CoopReminderFacts[]> {
  const current = fiscalYearOf(today);
  const [coops, ended, present] = await Promise.all([
    store.find<CoopDoc>('coops'),
    store.find<YearFactsDoc>(YEAR_FACTS, { where: { year: current - 1 } }),
    store.find<YearFactsDoc>(YEAR_FACTS, { where: { year: current } }),
  ]);
  const docsOf = new Map<string, YearFactsDoc[]>();
  for (const doc of [...ended, ...present]) docsOf.set(doc.coopId, [...(docsOf.get(doc.coopId) ?? []), doc]);
  return coops.map((coop) => {
    const docs = docsOf.get(coop.coopId) ?? [];
    const endedDoc = docs.find((d) => d.year === current - 1);
    const statementDays = docs.flatMap((d) => d.statements.map((s) => parisDayOf(s.at))).sort();
    return {
      coopId: coop.coopId,
      name: coop.name,
      department: coop.department,
      firstYear: coop.firstYear,
      endedYearSubmitted: endedDoc !== undefined && ['submitted', 'accepted'].includes(submissionState(endedDoc).status),
      unreconciledOn: docs.filter((d) => d.status !== 'closed').flatMap((d) => Object.values(d.tally.unreconciled).map((u) => u.date)),
      lastStatementOn: statementDays.at(-1) ?? null,
    };
  });
}
