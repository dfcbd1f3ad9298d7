import { Controller, Get, Inject, Param, Query, UseGuards } from '@nestjs/common';
import { Clock, currentFiscalYear } from '../domain/fiscal-year';
import { DomainError } from '../domain/errors';
import { CLOCK } from '../tokens';
import { CoopScopeGuard } from './auth/guards';
import { LedgerReads } from './ledger-reads';

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
    if (!/^\d{4}$/.test(calendarYear)) throw new DomainError('NOT_FOUND', 'Année civile introuvable.', undefined, 'not_found');
    return this.reads.calendarYear(coopId, Number(calendarYear), asOf);
  }
}
