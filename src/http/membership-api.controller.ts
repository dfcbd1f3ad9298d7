import { Controller, Get, HttpCode, Param, Post, Put, Req, Res, UseGuards, UseInterceptors } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SetMembershipSettings } from '../commands/department.commands';
import { ExecuteMembershipCommand } from '../commands/membership.commands';
import { ProjectedCommandBus } from '../commands/projected-command-bus';
import { DomainError } from '../domain/errors';
import { type MembershipCommand } from '../domain/membership';
import { LedgerReads } from '../reads/ledger-reads';
import { MembershipDecisions } from './membership-decisions';
import { MembershipReads, membershipsCsv, membershipsWorkbook } from '../reads/membership';
import { SessionUser } from '../users/user-directory';
import { AuthenticatedGuard, CoopScopeGuard, CurrentUser, DepartmentScopeGuard } from './auth/guards';
import { canReadDepartment } from './auth/scope';
import { notFound } from './errors.filter';
import { IdempotentRequests } from './idempotency';
import { JsonBody } from './json-body';
import { yearParam } from './params';
import { PrintService } from './print.service';
import { requestContext } from './request-context';

type Json = Record<string, unknown>;

/** Membership (API.md, "Membership"): the AD's rates and deadline, a coop's numbers, engagement and submission, the AD's decision and list. */
@Controller('api')
@UseInterceptors(IdempotentRequests)
export class MembershipApiController {
  constructor(
    private readonly commands: ProjectedCommandBus,
    private readonly membership: MembershipReads,
    private readonly ledger: LedgerReads,
    private readonly print: PrintService,
    private readonly decisions: MembershipDecisions,
  ) {}

  @Put('departments/:dept/years/:year/membership-settings')
  @UseGuards(DepartmentScopeGuard)
  async setSettings(
    @Param('dept') department: string,
    @Param('year') year: string,
    @JsonBody() body: Json,
    @CurrentUser() user: SessionUser,
    @Req() req: Request,
  ) {
    const y = yearParam(year);
    await this.commands.execute(
      new SetMembershipSettings(department, { type: 'SetMembershipSettings', year: y, rates: body.rates, deadline: body.deadline }, requestContext(user, req)),
    );
    return this.settingsAnswer(department, y);
  }

  /** Every user of the department reads its rates: its treasurer and auditors, and its coops' mandataires. */
  @Get('departments/:dept/years/:year/membership-settings')
  @UseGuards(AuthenticatedGuard)
  async settings(@Param('dept') department: string, @Param('year') year: string, @CurrentUser() user: SessionUser) {
    const ofDepartment =
      canReadDepartment(user, department) ||
      (user.role === 'mandataire' && !!user.coopId && (await this.membership.coop(user.coopId).catch(() => null))?.department === department);
    if (!ofDepartment) throw notFound();
    return this.settingsAnswer(department, yearParam(year));
  }

  @Get('coops/:coopId/years/:year/membership')
  @UseGuards(CoopScopeGuard)
  async view(@Param('coopId') coopId: string, @Param('year') year: string) {
    return answer(await this.membership.view(coopId, yearParam(year)));
  }

  @Put('coops/:coopId/years/:year/membership')
  @UseGuards(CoopScopeGuard)
  async enter(@Param('coopId') coopId: string, @Param('year') year: string, @JsonBody() body: Json, @CurrentUser() user: SessionUser, @Req() req: Request) {
    const numbers = { classes: body.classes, otherAdults: body.otherAdults, magazines: body.magazines, voluntary: body.voluntary };
    await this.run(coopId, year, { type: 'EnterMembershipNumbers', numbers }, user, req);
    return answer(await this.membership.view(coopId, yearParam(year)));
  }

  @Post('coops/:coopId/years/:year/membership/engagement')
  @HttpCode(200)
  @UseGuards(CoopScopeGuard)
  async engage(@Param('coopId') coopId: string, @Param('year') year: string, @JsonBody() body: Json, @CurrentUser() user: SessionUser, @Req() req: Request) {
    await this.run(coopId, year, { type: 'GiveMembershipEngagement', name: body.name }, user, req);
    return answer(await this.membership.view(coopId, yearParam(year)));
  }

  @Post('coops/:coopId/years/:year/membership/submission')
  @HttpCode(200)
  @UseGuards(CoopScopeGuard)
  async submit(@Param('coopId') coopId: string, @Param('year') year: string, @CurrentUser() user: SessionUser, @Req() req: Request) {
    await this.run(coopId, year, { type: 'SubmitMembership' }, user, req);
    return answer(await this.membership.view(coopId, yearParam(year)));
  }

  @Post('departments/:dept/coops/:coopId/years/:year/membership/decision')
  @HttpCode(200)
  @UseGuards(DepartmentScopeGuard)
  async decide(
    @Param('dept') department: string,
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @JsonBody() body: Json,
    @CurrentUser() user: SessionUser,
    @Req() req: Request,
  ) {
    const coop = await this.membership.coop(coopId).catch(() => null);
    if (!coop || coop.department !== department) throw notFound();
    await this.decisions.decide(coopId, yearParam(year), body.decision, body.reason, requestContext(user, req));
    return answer(await this.membership.view(coopId, yearParam(year)));
  }

  @Get('coops/:coopId/years/:year/membership/attestation.pdf')
  @UseGuards(CoopScopeGuard)
  async attestation(@Param('coopId') coopId: string, @Param('year') year: string, @Res() res: Response) {
    const view = await this.membership.view(coopId, yearParam(year));
    if (view.status !== 'validated') {
      throw new DomainError(
        'MEMBERSHIP_NOT_VALIDATED',
        "L'attestation est disponible une fois l'adhésion validée par l'association départementale.",
        undefined,
        'conflict',
      );
    }
    await this.print.send(res, this.print.membershipAttestationDocument(view));
  }

  @Get('coops/:coopId/years/:year/membership/payment-entry')
  @UseGuards(CoopScopeGuard)
  async paymentEntry(@Param('coopId') coopId: string, @Param('year') year: string) {
    const y = yearParam(year);
    const { notebook, chart } = await this.ledger.year(coopId, y);
    return this.membership.paymentEntry(coopId, y, notebook, chart);
  }

  @Get('departments/:dept/years/:year/memberships')
  @UseGuards(DepartmentScopeGuard)
  async list(@Param('dept') department: string, @Param('year') year: string) {
    return (await this.membership.list(department, yearParam(year))).rows.map(
      ({ coopId, name, status, pupils, adults, due, late, started, submittedOn, validatedOn, reason }) => ({
        coopId,
        name,
        status,
        pupils,
        adults,
        due,
        late,
        started,
        submittedOn,
        validatedOn,
        reason,
      }),
    );
  }

  @Get('departments/:dept/years/:year/memberships.xlsx')
  @UseGuards(DepartmentScopeGuard)
  async listXlsx(@Param('dept') department: string, @Param('year') year: string, @Res() res: Response) {
    const y = yearParam(year);
    const file = await membershipsWorkbook(await this.membership.list(department, y));
    res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    res.setHeader('Content-Disposition', `attachment; filename="adhesions-${department}-${y}.xlsx"`);
    res.send(file);
  }

  @Get('departments/:dept/years/:year/memberships.csv')
  @UseGuards(DepartmentScopeGuard)
  async listCsv(@Param('dept') department: string, @Param('year') year: string, @Res() res: Response) {
    const y = yearParam(year);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="adhesions-${department}-${y}.csv"`);
    res.send(membershipsCsv(await this.membership.list(department, y)));
  }

  private async settingsAnswer(department: string, year: number) {
    // Not set yet: the same shape, empty, so a page or a script reads it without a special case.
    return (await this.membership.settings(department, year)) ?? { rates: null, deadline: null };
  }

  private run(coopId: string, year: string, command: MembershipCommand, user: SessionUser, req: Request) {
    return this.commands.execute(new ExecuteMembershipCommand(coopId, yearParam(year), command, requestContext(user, req)));
  }
}

/** GET …/membership as API.md writes it (the page's extras stay out). */
function answer(view: Awaited<ReturnType<MembershipReads['view']>>) {
  const { coop: _coop, association: _association, coopId: _id, year: _year, ...rest } = view;
  return rest;
}
