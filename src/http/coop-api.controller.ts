import { Controller, Get, Inject, Param, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError } from '../domain/errors';
import { type CoopDoc } from '../projections/coops.projection';
import { PrintService } from './print.service';
import { Clock, currentFiscalYear } from '../domain/fiscal-year';
import { CLOCK } from '../tokens';
import { CoopScopeGuard } from './auth/guards';
import { LedgerReads } from '../reads/ledger-reads';
import { yearParam } from './params';

/** A coop's archives: its fiscal years, and reports by calendar year (January → December). */
@Controller('api/coops/:coopId')
@UseGuards(CoopScopeGuard)
export class CoopApiController {
  constructor(
    private readonly reads: LedgerReads,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly print: PrintService,
  ) {}

  @Get('years')
  years(@Param('coopId') coopId: string, @Query('asOf') asOf?: string) {
    return this.reads.years(coopId, currentFiscalYear(this.clock), asOf);
  }

  @Get('calendar-years/:calendarYear/report.pdf')
  async calendarYearPdf(@Param('coopId') coopId: string, @Param('calendarYear') calendarYear: string, @Res() res: Response, @Query('asOf') asOf?: string) {
    const view = await this.reads.calendarYear(coopId, yearParam(calendarYear, 'Année civile introuvable.'), asOf);
    const coop = await (await this.reads.source(coopId, asOf)).get<CoopDoc>('coops', coopId);
    if (!coop) throw new DomainError('NOT_FOUND', 'Coopérative introuvable.', undefined, 'not_found');
    await this.print.send(res, this.print.calendarYearDocument(coop, view));
  }

  @Get('calendar-years/:calendarYear')
  calendarYear(@Param('coopId') coopId: string, @Param('calendarYear') calendarYear: string, @Query('asOf') asOf?: string) {
    return this.reads.calendarYear(coopId, yearParam(calendarYear, 'Année civile introuvable.'), asOf);
  }
}
