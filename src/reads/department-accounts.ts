import { Inject, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { once } from 'node:events';
import { chartFor } from '../projections/charts.projection';
import { type CoopDoc } from '../projections/coops.projection';
import { BOARD, type BoardDoc } from '../projections/department/board.projection';
import { TRIAL_BALANCE, type TrialBalanceDoc } from '../projections/department/trial-balance.projection';
import { type DepartmentDoc, departmentIdentity } from '../projections/departments.projection';
import { emptyNotebook, readNotebook } from '../projections/ledger/notebook.projection';
import { type ReadStore } from '../projections/read-store';
import { READ_STORE } from '../tokens';
import { type CompletenessRow, completenessRows } from './completeness';
import { encodeFec, FEC_HEADER, fecFileName, fecNotice, fecRecords, newFecCursor } from './fec';
import { KeptAnswers, keptAnswer } from './frozen';
import { coopBalances, trialBalance, type TrialBalanceScope, type TrialBalanceView } from './trial-balance';

/** Answers kept: a few departments' balances (two scopes) and completeness boards. */
const ANSWERS_KEPT = 16;

/**
 * The department's accounts over the read store, as its statutory auditor needs them: the
 * association's identity, the consolidated trial balance, the completeness of the year's end, the
 * department's FEC. A balance is five queries whatever the number of coops (coops, the chart, the
 * trial-balance documents of the year and the two before), computed once per version of those
 * documents and shared, frozen, until a projection writing them moves on.
 */
@Injectable()
export class DepartmentAccounts {
  private readonly answers = new KeptAnswers<string, unknown>(ANSWERS_KEPT);

  constructor(@Inject(READ_STORE) private readonly store: ReadStore) {}

  trialBalance(department: string, year: number, scope: TrialBalanceScope): Promise<TrialBalanceView> {
    return this.kept(`balance:${department}:${year}:${scope}`, ['coops', TRIAL_BALANCE, 'charts'], async () => {
      const [coops, docs, previousDocs, olderDocs, chart] = await Promise.all([
        this.coops(department),
        this.balances(department, year),
        this.balances(department, year - 1),
        this.balances(department, year - 2),
        chartFor(this.store, department, year),
      ]);
      const current = coopBalances(coops, docs, previousDocs, year);
      return trialBalance(department, year, scope, chart, current, coopBalances(coops, previousDocs, olderDocs, year - 1));
    });
  }

  completeness(department: string, year: number, today: string): Promise<readonly CompletenessRow[]> {
    return this.kept(`completeness:${department}:${year}:${today}`, ['coops', TRIAL_BALANCE], async () => {
      const [coops, docs] = await Promise.all([this.coops(department), this.balances(department, year)]);
      return completenessRows(coops, docs, year, today);
    });
  }

  private balances(department: string, year: number): Promise<TrialBalanceDoc[]> {
    return this.store.find<TrialBalanceDoc>(TRIAL_BALANCE, { where: { department, year } });
  }

  /** The association's identity; null while its treasurer has not given it. */
  association(department: string): Promise<DepartmentDoc | null> {
    return departmentIdentity(this.store, department);
  }

  private coops(department: string): Promise<CoopDoc[]> {
    return this.store.find<CoopDoc>('coops', { where: { department } });
  }

  /** The department's coops of the year, in id order; the file is provisional while one of their years is not closed. */
  private async fecPlan(department: string, year: number) {
    const [coops, boards, identity] = await Promise.all([
      this.coops(department),
      this.store.find<BoardDoc>(BOARD, { where: { department, year } }),
      this.association(department),
    ]);
    const closed = new Set(boards.filter((d) => d.status === 'closed').map((d) => d.coopId));
    const members = coops.filter((c) => c.firstYear <= year).sort((a, b) => (a.coopId < b.coopId ? -1 : a.coopId > b.coopId ? 1 : 0));
    const closedMembers = members.filter((c) => closed.has(c.coopId)).length;
    const provisional = members.length === 0 || closedMembers < members.length;
    const fileName = fecFileName(year, identity?.siren ?? null, provisional, `OCCE${department}`);
    return { members, provisional, identity, fileName, closed: closedMembers };
  }

  /**
   * Streams the department's FEC: the header, then coop after coop (its notebook read, written,
   * let go), numbered and lettered on from one to the next, so memory holds one coop's year at a
   * time whatever the number of coops.
   */
  async sendDepartmentFec(res: Response, department: string, year: number, noticeHref: string): Promise<void> {
    const [plan, chart] = await Promise.all([this.fecPlan(department, year), chartFor(this.store, department, year)]);
    res.setHeader('Content-Type', 'text/plain; charset=iso-8859-15');
    res.setHeader('Content-Disposition', `attachment; filename="${plan.fileName}"`);
    res.setHeader('Link', `<${noticeHref}>; rel="describedby"`);
    res.write(encodeFec(FEC_HEADER));
    const cursor = newFecCursor();
    for (const coop of plan.members) {
      const notebook = (await readNotebook(this.store, coop.coopId, year)) ?? emptyNotebook(coop.coopId, year);
      const chunk = fecRecords(notebook, chart, cursor, { coopId: coop.coopId, name: coop.name });
      if (chunk && !res.write(encodeFec(chunk))) await once(res, 'drain');
    }
    res.end();
  }

  async departmentFecNotice(department: string, year: number, today: string): Promise<{ fileName: string; text: string }> {
    const plan = await this.fecPlan(department, year);
    const text = fecNotice({
      fileName: plan.fileName,
      year,
      scope: `les ${plan.members.length} coopératives du département ${department} (${plan.closed} exercices clôturés)`,
      association: plan.identity,
      provisional: plan.provisional,
      department: true,
      generatedOn: today,
    });
    return { fileName: plan.fileName.replace(/\.txt$/, '-notice.txt'), text };
  }

  private kept<T>(key: string, projections: string[], compute: () => Promise<T>): Promise<T> {
    return keptAnswer(this.answers, this.store, key, projections, compute);
  }
}
