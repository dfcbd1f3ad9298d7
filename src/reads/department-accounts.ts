import { Inject, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { once } from 'node:events';
import { type FileHandle, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chartFor } from '../projections/charts.projection';
import { type CoopDoc } from '../projections/coops.projection';
import { YEAR_FACTS, type YearFactsDoc } from '../projections/year-facts.projection';
import { type DepartmentDoc, departmentIdentity } from '../projections/departments.projection';
import { notebookOf } from './notebook-read';
import { type ReadStore } from '../projections/read-store';
import { READ_STORE } from '../tokens';
import { type DocSource, LedgerReads } from './ledger-reads';
import { type CompletenessRow, completenessRows } from './completeness';
import { departmentFecEntries, encodeFec, FEC_HEADER, fecFileName, fecNotice, type FecRun, mergeByDate, newFecCursor, numbered } from './fec';
import { KeptAnswers, keptAnswer } from './frozen';
import { coopBalances, trialBalance, type TrialBalanceScope, type TrialBalanceView } from './trial-balance';

/** Answers kept: a few departments' balances (two scopes) and completeness boards. */
const ANSWERS_KEPT = 16;

/**
 * The department's accounts over the read store, as its statutory auditor needs them: the
 * association's identity, the consolidated trial balance, the completeness of the year's end, the
 * department's FEC. A balance is three queries whatever the number of coops (coops, the chart, the
 * year-facts documents of the department: every year's, as a year opens from all the earlier ones),
 * computed once per version of those documents and shared, frozen, until a projection writing them moves on.
 */
@Injectable()
export class DepartmentAccounts {
  private readonly answers = new KeptAnswers<string, unknown>(ANSWERS_KEPT);

  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    private readonly ledger: LedgerReads,
  ) {}

  /** Where the documents come from: the read models, or with `asOf` the department's events up to then (API.md). */
  private async source(department: string, year: number, asOf: string | null | undefined): Promise<DocSource> {
    return asOf ? this.ledger.departmentSource(department, asOf, year) : this.store;
  }

  async trialBalance(department: string, year: number, scope: TrialBalanceScope, asOf?: string | null): Promise<TrialBalanceView> {
    const compute = async (source: DocSource) => {
      const [coops, docs, chart] = await Promise.all([
        this.coops(department, source),
        // Every year's: a year opens from all the earlier ones (openingOf).
        source.find<YearFactsDoc>(YEAR_FACTS, { where: { department } }),
        chartFor(source, department, year),
      ]);
      return trialBalance(department, year, scope, chart, coopBalances(coops, docs, year), coopBalances(coops, docs, year - 1));
    };
    if (asOf) return compute(await this.source(department, year, asOf));
    return this.kept(`balance:${department}:${year}:${scope}`, ['coops', YEAR_FACTS, 'charts'], () => compute(this.store));
  }

  completeness(department: string, year: number, today: string): Promise<readonly CompletenessRow[]> {
    return this.kept(`completeness:${department}:${year}:${today}`, ['coops', YEAR_FACTS], async () => {
      const [coops, docs] = await Promise.all([this.coops(department, this.store), this.store.find<YearFactsDoc>(YEAR_FACTS, { where: { department, year } })]);
      return completenessRows(coops, docs, year, today);
    });
  }

  /** The association's identity; null while its treasurer has not given it. */
  association(department: string, source: DocSource = this.store): Promise<DepartmentDoc | null> {
    return departmentIdentity(source, department);
  }

  private coops(department: string, source: DocSource): Promise<CoopDoc[]> {
    return source.find<CoopDoc>('coops', { where: { department } });
  }

  /** The department's coops of the year, in id order; the file is provisional while one of their years is not closed. */
  private async fecPlan(department: string, year: number, source: DocSource) {
    const [coops, boards, identity] = await Promise.all([
      this.coops(department, source),
      source.find<YearFactsDoc>(YEAR_FACTS, { where: { department, year } }),
      this.association(department, source),
    ]);
    const closed = new Set(boards.filter((d) => d.status === 'closed').map((d) => d.coopId));
    const members = coops.filter((c) => c.firstYear <= year).sort((a, b) => (a.coopId < b.coopId ? -1 : a.coopId > b.coopId ? 1 : 0));
    const closedMembers = members.filter((c) => closed.has(c.coopId)).length;
    const provisional = members.length === 0 || closedMembers < members.length;
    const fileName = fecFileName(year, identity?.siren ?? null, provisional, `OCCE${department}`);
    return { members, provisional, identity, fileName, closed: closedMembers };
  }

  /**
   * Streams the department's FEC: the header, then every coop's entries in one numbering in date
   * order (then coop, then the coop's own order). Memory holds one coop's year at a time: each
   * coop's records go to a scratch file as they are made, with their dates; a merge in date order
   * then reads them back coop by coop through a small window and numbers them.
   */
  async sendDepartmentFec(res: Response, department: string, year: number, noticeHref: string, asOf?: string | null): Promise<void> {
    const source = await this.source(department, year, asOf);
    const [plan, chart] = await Promise.all([this.fecPlan(department, year, source), chartFor(source, department, year)]);
    const scratch = await mkdtemp(join(tmpdir(), 'fec-'));
    const path = join(scratch, 'records');
    const file = await open(path, 'w+');
    try {
      const coops: ScratchCoop[] = [];
      let offset = 0;
      const cursor = newFecCursor();
      for (const coop of plan.members) {
        const notebook = await notebookOf(source, coop, year);
        const entries = departmentFecEntries(notebook, chart, cursor, { coopId: coop.coopId, name: coop.name }, plan.provisional);
        if (entries.length === 0) continue;
        const chunks = entries.map((e) => encodeFec(e.text));
        const bytes = Buffer.concat(chunks);
        await file.write(bytes, 0, bytes.length, offset);
        coops.push({
          coopId: coop.coopId,
          dates: entries.map((e) => e.date),
          sizes: Int32Array.from(chunks, (c) => c.length),
          at: offset,
          next: 0,
          window: Buffer.alloc(0),
          windowAt: offset,
        });
        offset += bytes.length;
      }
      res.setHeader('Content-Type', 'text/plain; charset=iso-8859-15');
      res.setHeader('Content-Disposition', `attachment; filename="${plan.fileName}"`);
      res.setHeader('Link', `<${noticeHref}>; rel="describedby"`);
      res.write(encodeFec(FEC_HEADER));
      let number = 0;
      let out: Buffer[] = [];
      let pending = 0;
      for (const coop of mergeByDate(coops)) {
        const bytes = await takeEntry(file, coop);
        out.push(Buffer.from(numbered(bytes.toString('latin1'), ++number), 'latin1'));
        pending += bytes.length;
        if (pending >= 64 * 1024) {
          if (!res.write(Buffer.concat(out))) await once(res, 'drain');
          out = [];
          pending = 0;
        }
      }
      if (out.length) res.write(Buffer.concat(out));
      res.end();
    } finally {
      await file.close();
      await rm(scratch, { recursive: true, force: true });
    }
  }

  async departmentFecNotice(department: string, year: number, today: string, asOf?: string | null): Promise<{ fileName: string; text: string }> {
    const plan = await this.fecPlan(department, year, await this.source(department, year, asOf));
    const text = fecNotice({
      fileName: plan.fileName,
      year,
      contents: `${coopsOf(plan.members.length, department)} (${closedYears(plan.closed)})`,
      association: plan.identity,
      provisional: plan.provisional,
      generatedOn: today,
    });
    return { fileName: plan.fileName.replace(/\.txt$/, '-notice.txt'), text };
  }

  private kept<T>(key: string, projections: string[], compute: () => Promise<T>): Promise<T> {
    return keptAnswer(this.answers, this.store, key, projections, compute);
  }
}

const coopsOf = (count: number, department: string): string =>
  count === 0
    ? `d'aucune coopérative du département ${department}`
    : count === 1
      ? `de la seule coopérative du département ${department}`
      : `des ${count} coopératives du département ${department}`;
const closedYears = (count: number): string => (count === 0 ? 'aucun exercice clôturé' : count === 1 ? '1 exercice clôturé' : `${count} exercices clôturés`);

/** One coop's records in the scratch file: their dates and sizes in its date order, where the merge stands, a read-ahead window. */
interface ScratchCoop extends FecRun {
  sizes: Int32Array;
  /** Where its next entry's bytes begin in the scratch file. */
  at: number;
  next: number;
  window: Buffer;
  windowAt: number;
}

const WINDOW = 16 * 1024;

/** The bytes of the coop's next entry (the merge's), read through its window. */
async function takeEntry(file: FileHandle, coop: ScratchCoop): Promise<Buffer> {
  const size = coop.sizes[coop.next];
  const at = coop.at;
  coop.at += size;
  if (at < coop.windowAt || at + size > coop.windowAt + coop.window.length) {
    const window = Buffer.alloc(Math.max(WINDOW, size));
    const { bytesRead } = await file.read(window, 0, window.length, at);
    coop.window = window.subarray(0, bytesRead);
    coop.windowAt = at;
  }
  return coop.window.subarray(at - coop.windowAt, at - coop.windowAt + size);
}
