import { Controller, Get, Inject, Param, UseGuards } from '@nestjs/common';
import { EventStore } from '../events/event-store';
import { coopHistory } from '../events/history';
import { ALL_PROJECTIONS } from '../projections';
import { type ReadStore } from '../projections/read-store';
import { verifyCoop } from '../projections/read-model-check';
import { historyItem, HistoryItem } from '../reads/history';
import { CLOCK, EVENT_STORE, READ_STORE } from '../tokens';
import { Clock, currentFiscalYear } from '../domain/fiscal-year';
import { CoopScopeGuard, CurrentUser, auditOnly } from './auth/guards';
import { SessionUser } from '../users/user-directory';

/**
 * The auditor's JSON API (API.md's audit rows): a coop's full history in log order and the proof
 * of its hash chains and of its read models (a replay of its events). Read-only. CoopScopeGuard answers 404 outside scope; inside it, these
 * department-level views are for auditors, treasurers and admins, not the coop's mandataire.
 */
@Controller('api/coops/:coopId')
@UseGuards(CoopScopeGuard)
export class AuditApiController {
  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('history')
  async history(@Param('coopId') coopId: string, @CurrentUser() user: SessionUser): Promise<{ events: HistoryItem[] }> {
    auditOnly(user);
    const events: HistoryItem[] = [];
    for await (const event of coopHistory(this.eventStore, { coopId, currentYear: currentFiscalYear(this.clock) })) events.push(historyItem(event));
    return { events };
  }

  @Get('verify')
  async verify(@Param('coopId') coopId: string, @CurrentUser() user: SessionUser) {
    auditOnly(user);
    return verifyCoop(this.eventStore, this.readStore, { coopId, currentYear: currentFiscalYear(this.clock) }, ALL_PROJECTIONS);
  }
}
