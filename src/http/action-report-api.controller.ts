import { Controller, Get, Param, Query, Res, UseGuards, UseInterceptors } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError } from '../domain/errors';
import { actionReport, type ActionReport } from '../reads/ledger-views';
import { actionWorkbook } from '../reads/action-report-xlsx';
import { actionCsv } from '../reads/exports';
import { LedgerReads, type YearReads } from '../reads/ledger-reads';
import { CoopScopeGuard } from './auth/guards';
import { IdempotentRequests } from './idempotency';
import { yearParam } from './params';
import { PrintService } from './print.service';

/** A file name's part from a tag typed by a teacher ("Photos scolaires" → "Photos_scolaires"). */
const fileSafe = (name: string): string =>
  name
    .normalize('NFD')
    .replace(/[^\w-]+/g, '_')
    .slice(0, 40) || 'action';

/**
 * One action's report as the guide offers it under its table: "Version imprimable" (PDF, the
 * print service's) and "Exportation" (CSV and .xlsx). The same view model as the page and
 * `GET …/actions/:name`.
 */
@Controller('api/coops/:coopId/years/:year/actions/:name')
@UseGuards(CoopScopeGuard)
@UseInterceptors(IdempotentRequests)
export class ActionReportApiController {
  constructor(
    private readonly reads: LedgerReads,
    private readonly print: PrintService,
  ) {}

  @Get('print.pdf')
  async pdf(@Param('coopId') coopId: string, @Param('year') year: string, @Param('name') name: string, @Res() res: Response, @Query('asOf') asOf?: string) {
    const { reads, report } = await this.report(coopId, year, name, asOf);
    const doc = this.print.actionDocument(reads, report);
    await this.print.send(res, { ...doc, fileName: `action-${fileSafe(name)}-${coopId}-${reads.year}.pdf` });
  }

  @Get('export.csv')
  async csv(@Param('coopId') coopId: string, @Param('year') year: string, @Param('name') name: string, @Res() res: Response, @Query('asOf') asOf?: string) {
    const { reads, report } = await this.report(coopId, year, name, asOf);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="action-${fileSafe(name)}-${coopId}-${reads.year}.csv"`);
    res.send(actionCsv(report, reads.coop.name, `${reads.year}-${reads.year + 1}`));
  }

  @Get('export.xlsx')
  async xlsx(@Param('coopId') coopId: string, @Param('year') year: string, @Param('name') name: string, @Res() res: Response, @Query('asOf') asOf?: string) {
    const { reads, report } = await this.report(coopId, year, name, asOf);
    res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    res.setHeader('Content-Disposition', `attachment; filename="action-${fileSafe(name)}-${coopId}-${reads.year}.xlsx"`);
    res.send(await actionWorkbook(report, reads.coop.name, `${reads.year}-${reads.year + 1}`));
  }

  private async report(coopId: string, year: string, name: string, asOf?: string): Promise<{ reads: YearReads; report: ActionReport }> {
    const reads = await this.reads.year(coopId, yearParam(year), asOf);
    const report = actionReport(reads.notebook, reads.chart, name);
    if (!report) throw new DomainError('NOT_FOUND', `Aucune écriture n'est rattachée à l'action « ${name} ».`, undefined, 'not_found');
    return { reads, report };
  }
}
