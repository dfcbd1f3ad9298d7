import { Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, UseGuards, UseInterceptors } from '@nestjs/common';
import { ProjectedCommandBus } from '../commands/projected-command-bus';
import { commandContext } from '../commands/command-context';
import { ChangeChart } from '../commands/coop.commands';
import { AccountKind, AccountRole } from '../events/coop-events';
import { chartFor } from '../projections/charts.projection';
import { ReadStore } from '../projections/read-store';
import { READ_STORE } from '../tokens';
import { CurrentUser, DepartmentScopeGuard } from './auth/guards';
import { SessionUser } from '../users/user-directory';
import { yearParam } from './params';
import { JsonBody } from './json-body';
import { IdempotentRequests } from './idempotency';

/** A department's chart of accounts for one fiscal year: read it, add, rename or retire accounts. */
@Controller('api/departments/:dept/years/:year/chart')
@UseInterceptors(IdempotentRequests)
@UseGuards(DepartmentScopeGuard)
export class ChartApiController {
  constructor(
    private readonly commands: ProjectedCommandBus,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
  ) {}

  @Get()
  chart(@Param('dept') dept: string, @Param('year') year: string) {
    return chartFor(this.readStore, dept, yearParam(year));
  }

  @Post('accounts')
  async add(@Param('dept') dept: string, @Param('year') year: string, @JsonBody() body: Record<string, unknown>, @CurrentUser() user: SessionUser) {
    // An unknown role, of any JSON type, reaches the decider, which refuses it (ROLE_INVALID).
    const role = body.role === undefined || body.role === null ? undefined : (body.role as AccountRole);
    const command = { type: 'AddAccount' as const, account: String(body.account ?? ''), label: String(body.label ?? ''), kind: body.kind as AccountKind, role };
    await this.commands.execute(new ChangeChart(dept, yearParam(year), command, commandContext(user)));
    return chartFor(this.readStore, dept, yearParam(year));
  }

  @Put('accounts/:account')
  async rename(
    @Param('dept') dept: string,
    @Param('year') year: string,
    @Param('account') account: string,
    @JsonBody() body: Record<string, unknown>,
    @CurrentUser() user: SessionUser,
  ) {
    await this.commands.execute(
      new ChangeChart(dept, yearParam(year), { type: 'RenameAccount', account, label: String(body.label ?? '') }, commandContext(user)),
    );
    return chartFor(this.readStore, dept, yearParam(year));
  }

  @Delete('accounts/:account')
  @HttpCode(204)
  async retire(@Param('dept') dept: string, @Param('year') year: string, @Param('account') account: string, @CurrentUser() user: SessionUser) {
    await this.commands.execute(new ChangeChart(dept, yearParam(year), { type: 'RetireAccount', account }, commandContext(user)));
  }
}
