import { Controller, Get, Inject, Param, Query, UseGuards } from '@nestjs/common';
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
  ) {}

  @Get('years')
  years(@Param('coopId') coopId: string, @Query('asOf') asOf?: string) {
    return this.reads.years(coopId, currentFiscalYear(this.clock), asOf);
  }

  @Get('calendar-years/:calendarYear')
  calendarYear(@Param('coopId') coopId: string, @Param('calendarYear') calendarYear: string, @Query('asOf') asOf?: string) {
    return this.reads.calendarYear(coopId, yearParam(calendarYear, 'Année civile introuvable.'), asOf);
  }
}
