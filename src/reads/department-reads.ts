import { chartFor } from '../projections/charts.projection';
import { type CoopDoc } from '../projections/coops.projection';
import { KeptAnswers, keptAnswer } from './frozen';
import { type ReadStore } from '../projections/read-store';
import { YEAR_FACTS, type YearFactsDoc } from '../projections/year-facts.projection';
import { type DepartmentTotals, departmentTotals } from './department-totals';
import { type AccountDrillDown, accountDrillDown, aggregatedAccounts, type AggregatedAccounts, type BoardRow, boardRows } from './department-views';

/** Bytes of answers kept (per department, year and day): a 500-coop board is about 120 KB. */
const ANSWERS_KEPT_BYTES = 8 * 2 ** 20;

/**
 * The department's reads over the read store: three queries at most (coops by department, the
 * year-facts documents of the department, its chart), whatever the number of coops.
 *
 * The board and the aggregated accounts are computed once per version of the documents they read
 * (the checkpoints of the projections writing them, read before the documents, so a version never
 * labels older documents) and shared, frozen, until one of those projections moves on: a read
 * after a command, which waits for the projections, sees a new version.
 */
export class DepartmentReads {
  private readonly answers = new KeptAnswers<string, unknown>(ANSWERS_KEPT_BYTES);

  constructor(private readonly store: ReadStore) {}

  coops(department: string): Promise<CoopDoc[]> {
    return this.store.find<CoopDoc>('coops', { where: { department } });
  }

  board(department: string, year: number, today: string): Promise<readonly BoardRow[]> {
    return this.kept(`board:${department}:${year}:${today}`, ['coops', YEAR_FACTS, 'charts'], async () => {
      const [coops, docs, chart] = await Promise.all([
        this.coops(department),
        // Every year's documents: a year opens from the earlier ones (openingOf, chained over open years).
        this.store.find<YearFactsDoc>(YEAR_FACTS, { where: { department } }),
        chartFor(this.store, department, year),
      ]);
      return boardRows(coops, docs, year, today, chart);
    });
  }

  totals(department: string, year: number, today: string): Promise<AggregatedAccounts> {
    return this.kept(`totals:${department}:${year}:${today}`, ['coops', YEAR_FACTS, 'charts'], async () => {
      const [rows, totals, chart] = await Promise.all([
        this.board(department, year, today),
        this.sums(department, year),
        chartFor(this.store, department, year),
      ]);
      return aggregatedAccounts(totals, chart, { coops: rows.length, closed: rows.filter((r) => r.status === 'closed').length });
    });
  }

  /** null when the account is no charge nor product of the year's chart. */
  async drillDown(department: string, year: number, account: string): Promise<AccountDrillDown | null> {
    const [coops, totals, chart] = await Promise.all([this.coops(department), this.sums(department, year), chartFor(this.store, department, year)]);
    return accountDrillDown(totals, chart, account, new Map(coops.map((c) => [c.coopId, c.name])));
  }

  /** The coops' year-facts documents of the department's year, summed once per version and shared by the totals and their drill-downs. */
  private sums(department: string, year: number): Promise<DepartmentTotals> {
    return this.kept(`sums:${department}:${year}`, [YEAR_FACTS], async () =>
      departmentTotals(department, year, await this.store.find<YearFactsDoc>(YEAR_FACTS, { where: { department, year } })),
    );
  }

  private kept<T>(key: string, projections: string[], compute: () => Promise<T>): Promise<T> {
    return keptAnswer(this.answers, this.store, key, projections, compute);
  }
}
