import { type CoopDoc } from '../../src/projections/coops.projection';
import { type FindQuery } from '../../src/projections/read-store';
import { type YearFactsDoc, type YearEndSubmission, emptyYearFacts } from '../../src/projections/year-facts.projection';
import { reminderFacts } from '../../src/reads/reminder-facts';

const coop = (coopId: string, firstYear = 2024): CoopDoc => ({
  coopId,
  department: '14',
  firstYear,
  name: `Coopérative ${coopId}`,
  school: null,
  uai: null,
  mandataires: [],
  registeredAt: '2024-09-01T08:00:00Z',
  revision: 0,
});

const sent = (over: Partial<YearEndSubmission>): YearEndSubmission => ({
  version: 1,
  chainHead: 'h',
  sentOn: '2026-09-20',
  late: false,
  documentIds: [],
  at: '2026-09-20T08:00:00Z',
  status: 'submitted',
  reason: null,
  decidedAt: null,
  current: true,
  ...over,
});

const year = (coopId: string, y: number, over: Partial<YearFactsDoc> = {}): YearFactsDoc => ({ ...emptyYearFacts(coopId, y, '14'), ...over });
const unreconciled = (...dates: string[]) => ({
  ...emptyYearFacts('x', 0, null).tally,
  unreconciled: Object.fromEntries(dates.map((date, i) => [`e${i}`, { amount: -1000, date }])),
});

/** A read store holding these coops and year-facts documents (equality on the query's fields, as the stores do). */
const storeOf = (coops: CoopDoc[], docs: YearFactsDoc[]) => ({
  find: async <T>(collection: string, query?: FindQuery): Promise<T[]> => {
    const all: Array<Record<string, unknown>> = collection === 'coops' ? coops : docs;
    return all.filter((d) => Object.entries(query?.where ?? {}).every(([k, v]) => d[k] === v)) as T[];
  },
});

/** On 27 November 2026 the year ended is 2025-2026, the year running 2026-2027. */
describe('the facts reminders are decided from, read from the year-facts documents', () => {
  const today = '2026-11-27';

  it('the year ended counts as submitted while its submission stands: sent or accepted, not returned nor voided by an unlock', async () => {
    const facts = await reminderFacts(
      storeOf(
        ['C1', 'C2', 'C3', 'C4', 'C5'].map((c) => coop(c)),
        [
          year('C1', 2025, { submissions: [sent({})] }),
          year('C2', 2025, { submissions: [sent({ status: 'accepted' })] }),
          year('C3', 2025, { submissions: [sent({ status: 'returned', reason: 'Relevé manquant' })] }),
          year('C4', 2025, { submissions: [sent({ status: 'accepted', current: false })] }),
          // An older year's submission is not the year ended's.
          year('C5', 2024, { submissions: [sent({ status: 'accepted' })] }),
        ],
      ),
      today,
    );
    expect(facts.map((f) => [f.coopId, f.endedYearSubmitted])).toEqual([
      ['C1', true],
      ['C2', true],
      ['C3', false],
      ['C4', false],
      ['C5', false],
    ]);
  });

  it('bank entries not reconciled count in the years not closed only (a closed year keeps its outstanding items)', async () => {
    const [facts] = await reminderFacts(
      storeOf(
        [coop('C1')],
        [
          year('C1', 2025, { status: 'closed', tally: unreconciled('2026-08-20') }),
          year('C1', 2026, { status: 'open', tally: unreconciled('2026-09-15', '2026-11-02') }),
        ],
      ),
      today,
    );
    expect([...facts.unreconciledOn].sort()).toEqual(['2026-09-15', '2026-11-02']);
    const [unlocked] = await reminderFacts(storeOf([coop('C1')], [year('C1', 2025, { status: 'unlocked', tally: unreconciled('2026-08-20') })]), today);
    expect(unlocked.unreconciledOn).toEqual(['2026-08-20']);
  });

  it('the last statement is the latest recorded in either year, on its day in France', async () => {
    const statement = (statementId: string, at: string) => ({ statementId, date: '2026-08-31', closingBalance: 0, file: null, at, lines: 0 });
    const [facts] = await reminderFacts(
      storeOf(
        [coop('C1')],
        [
          year('C1', 2025, { statements: [statement('s1', '2026-07-02T08:00:00Z'), statement('s2', '2026-08-31T22:30:00Z')] }),
          year('C1', 2026, { statements: [] }),
        ],
      ),
      today,
    );
    // 22:30 UTC on 31 August is 1 September in Paris.
    expect(facts.lastStatementOn).toBe('2026-09-01');
  });

  it('a coop with no document yet: nothing submitted, nothing to reconcile, no statement', async () => {
    expect(await reminderFacts(storeOf([coop('C9', 2026)], []), today)).toEqual([
      { coopId: 'C9', name: 'Coopérative C9', department: '14', firstYear: 2026, endedYearSubmitted: false, unreconciledOn: [], lastStatementOn: null },
    ]);
  });
});
