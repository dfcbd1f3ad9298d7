import { Controller, Get, Inject, Param, Put, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { commandContext } from '../commands/command-context';
import { ChangeDepartmentIdentity } from '../commands/department.commands';
import { ProjectedCommandBus } from '../commands/projected-command-bus';
import { DomainError } from '../domain/errors';
import { Clock, today } from '../domain/fiscal-year';
import { DepartmentAccounts } from '../reads/department-accounts';
import { departmentIdentity } from '../projections/departments.projection';
import { ReadStore } from '../projections/read-store';
import { CLOCK, READ_STORE } from '../tokens';
import { SessionUser } from '../users/user-directory';
import { CurrentUser, DepartmentScopeGuard } from './auth/guards';
import { JsonBody } from './json-body';
import { yearParam } from './params';

/**
 * The department's accounts as its statutory auditor needs them (API.md, "Department accounts"):
 * the association's identity, the department's FEC and its notice. Scope: DepartmentScopeGuard (404 outside, 403 for a reader's change).
 */
@Controller('api/departments/:dept')
@UseGuards(DepartmentScopeGuard)
export class DepartmentAccountsApiController {
  constructor(
    private readonly commands: ProjectedCommandBus,
    private readonly accounts: DepartmentAccounts,
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('identity')
  async identity(@Param('dept') department: string) {
    const doc = await departmentIdentity(this.store, department);
    if (!doc) throw new DomainError('NOT_FOUND', "L'identité de l'association n'est pas encore renseignée.", undefined, 'not_found');
    const { name, siren, siret, address, changedAt } = doc;
    return { department, name, siren, siret, address, changedAt };
  }

  @Put('identity')
  async changeIdentity(@Param('dept') department: string, @JsonBody() body: Record<string, unknown>, @CurrentUser() user: SessionUser, @Req() req: Request) {
    const context = commandContext(user, req.header('idempotency-key'), req.header('x-correlation-id') ?? undefined);
    const identity = { name: body.name, siren: body.siren, siret: body.siret, address: body.address };
    const outcome = await this.commands.execute(new ChangeDepartmentIdentity(department, { type: 'ChangeDepartmentIdentity', identity }, context));
    return { department, ...outcome.state.identity };
  }

  /** Every coop's entries of the year in one file, streamed; its notice beside it (Link: rel=describedby). */
  @Get('years/:year/fec.txt')
  async fecFile(@Param('dept') department: string, @Param('year') year: string, @Res() res: Response) {
    const y = yearParam(year);
    await this.accounts.sendDepartmentFec(res, department, y, `/api/departments/${encodeURIComponent(department)}/years/${y}/fec-notice.txt`);
  }

  @Get('years/:year/fec-notice.txt')
  async fecNoticeFile(@Param('dept') department: string, @Param('year') year: string, @Res() res: Response) {
    const notice = await this.accounts.departmentFecNotice(department, yearParam(year), today(this.clock));
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.setHeader('Content-Disposition', `inline; filename="${notice.fileName}"`);
    res.send(notice.text);
  }
}
