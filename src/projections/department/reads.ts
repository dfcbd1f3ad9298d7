import { chartFor } from '../charts.projection';
import { CoopDoc } from '../coops.projection';
import { ReadStore } from '../read-store';
import { BOARD, BoardDoc } from './board.projection';
import { DEPARTMENT_TOTALS, DepartmentTotalsDoc, departmentTotalsId } from './totals.projection';
import { AccountDrillDown, accountDrillDown, aggregatedAccounts, AggregatedAccounts, BoardRow, boardRows } from './views';

/**
 * The department's reads over the read store: three queries at most (coops by department, board
 * documents by department and year, the totals document), whatever the number of coops.
 */
export class DepartmentReads {
  constructor(private readonly store: ReadStore) {}

  coops(department: string): Promise<CoopDoc[]> {
    return this.store.find<CoopDoc>('coops', { where: { department } });
  }

  async board(department: string, year: number, today: string): Promise<BoardRow[]> {
    const [coops, docs] = await Promise.all([this.coops(department), this.store.find<BoardDoc>(BOARD, { where: { department, year } })]);
    return boardRows(coops, docs, year, today);
  }

  async totals(department: string, year: number, today: string): Promise<AggregatedAccounts> {
    const [rows, doc, chart] = await Promise.all([
      this.board(department, year, today),
      this.store.get<DepartmentTotalsDoc>(DEPARTMENT_TOTALS, departmentTotalsId(department, year)),
      chartFor(this.store, department, year),
    ]);
    return aggregatedAccounts(doc, chart, { coops: rows.length, closed: rows.filter((r) => r.status === 'closed').length });
  }

  /** null when the account is no charge nor product of the year's chart. */
  async drillDown(department: string, year: number, account: string): Promise<AccountDrillDown | null> {
    const [coops, doc, chart] = await Promise.all([
      this.coops(department),
      this.store.get<DepartmentTotalsDoc>(DEPARTMENT_TOTALS, departmentTotalsId(department, year)),
      chartFor(this.store, department, year),
    ]);
    return accountDrillDown(doc, chart, account, new Map(coops.map((c) => [c.coopId, c.name])));
  }
}
