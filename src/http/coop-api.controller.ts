import { Controller, Get, Inject, Param, Put, Query, Req, Res, UseGuards, UseInterceptors } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ChangeCoopContact } from '../commands/coop.commands';
import { ProjectedCommandBus } from '../commands/projected-command-bus';
import { SessionUser } from '../users/user-directory';
import { IdempotentRequests } from './idempotency';
import { JsonBody } from './json-body';
import { requestContext } from './request-context';
import { DomainError } from '../domain/errors';
import { type CoopDoc } from '../projections/coops.projection';
import { PrintService } from './print.service';
import { Clock, currentFiscalYear } from '../domain/fiscal-year';
import { CLOCK } from '../tokens';
import { CoopScopeGuard, CurrentUser } from './auth/guards';
import { LedgerReads } from '../reads/ledger-reads';
import { yearParam } from './params';

/**
 * A coop's archives: its fiscal years, and reports by calendar year (January → December); and the
 * contact its mandataire keeps (the identity page's fields, additive to API.md).
 */
@Controller('api/coops/:coopId')
@UseGuards(CoopScopeGuard)
@UseInterceptors(IdempotentRequests)
export class CoopApiController {
  constructor(
    private readonly reads: LedgerReads,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly print: PrintService,
    private readonly commands: ProjectedCommandBus,
  ) {}

  /** `{"address","phone","email","mandataires":[…]}`: the mandataire's (or an admin's); name, school and UAI stay the department's. */
  @Put('contact')
  async changeContact(@Param('coopId') coopId: string, @JsonBody() body: Record<string, unknown>, @CurrentUser() user: SessionUser, @Req() req: Request) {
    const contact = { address: body.address, phone: body.phone, email: body.email, mandataires: body.mandataires };
    await this.commands.execute(new ChangeCoopContact(coopId, { type: 'ChangeCoopContact', contact }, requestContext(user, req)));
    const coop = await (await this.reads.source(coopId)).get<CoopDoc>('coops', coopId);
    if (!coop) throw new DomainError('NOT_FOUND', 'Coopérative introuvable.', undefined, 'not_found');
    return { coopId, address: coop.address ?? null, phone: coop.phone ?? null, email: coop.email ?? null, mandataires: coop.mandataires };
  }

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
