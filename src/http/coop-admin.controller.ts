import { Controller, Get, HttpCode, Param, Post, Put, Req, UseGuards, UseInterceptors } from '@nestjs/common';
import type { Request } from 'express';
import { Access, CoopScopeGuard, CurrentUser, DepartmentScopeGuard } from './auth/guards';
import { SessionUser } from '../users/user-directory';
import { CoopAdministration } from './department-pages/coop-administration';
import { JsonBody } from './json-body';
import { IdempotentRequests } from './idempotency';
import { notFound } from './errors.filter';
import { yearParam } from './params';
import { requestContext } from './request-context';

type Json = Record<string, unknown>;

/**
 * The department's management of its coops, as JSON (additive to API.md): identity, a
 * mandataire's password, the lock of a closed year, auditors' grants. Treasurer of the coop's
 * department or admin; a mandataire or an auditor who may read the coop gets 403, anyone else 404.
 */
@Controller('api')
@UseInterceptors(IdempotentRequests)
export class CoopAdminController {
  constructor(private readonly admin: CoopAdministration) {}

  @Put('coops/:coopId/identity')
  @UseGuards(CoopScopeGuard)
  @Access('identity')
  async changeIdentity(@Param('coopId') coopId: string, @JsonBody() body: Json, @CurrentUser() user: SessionUser, @Req() req: Request) {
    await this.admin.changeIdentity(coopId, { name: body.name, school: body.school, uai: body.uai, mandataires: body.mandataires }, requestContext(user, req));
    const coop = await this.admin.coop(coopId);
    if (!coop) throw notFound();
    return { coopId, department: coop.department, name: coop.name, school: coop.school, uai: coop.uai, mandataires: coop.mandataires };
  }

  /** API.md "People and access": the coop's mandataires, present and past. */
  @Get('coops/:coopId/mandataires')
  @UseGuards(CoopScopeGuard)
  @Access('read')
  mandataires(@Param('coopId') coopId: string) {
    return this.admin.mandataires(coopId);
  }

  @Post('coops/:coopId/mandataires')
  @HttpCode(201)
  @UseGuards(CoopScopeGuard)
  @Access('identity')
  appoint(@Param('coopId') coopId: string, @JsonBody() body: Json, @CurrentUser() user: SessionUser, @Req() req: Request) {
    return this.admin.appointMandataire(coopId, body, requestContext(user, req));
  }

  /** `{"date"?}`: from that day the login has no access to the coop. */
  @Post('coops/:coopId/mandataires/:username/end')
  @HttpCode(200)
  @UseGuards(CoopScopeGuard)
  @Access('identity')
  end(@Param('coopId') coopId: string, @Param('username') username: string, @JsonBody() body: Json, @CurrentUser() user: SessionUser, @Req() req: Request) {
    return this.admin.endMandate(coopId, username, body.date, requestContext(user, req));
  }

  /** Sets a mandataire's new password; the sessions they had open end. */
  @Post('coops/:coopId/password')
  @HttpCode(200)
  @UseGuards(CoopScopeGuard)
  @Access('identity')
  async resetPassword(@Param('coopId') coopId: string, @JsonBody() body: Json) {
    await this.admin.resetPassword(coopId, body.username, body.password);
    return { username: body.username, sessionsEnded: true };
  }

  @Post('coops/:coopId/years/:year/unlock')
  @HttpCode(200)
  @UseGuards(CoopScopeGuard)
  @Access('lock')
  async unlock(@Param('coopId') coopId: string, @Param('year') year: string, @JsonBody() body: Json, @CurrentUser() user: SessionUser, @Req() req: Request) {
    await this.admin.unlockYear(coopId, yearParam(year), body.reason, requestContext(user, req));
    return { status: 'unlocked' };
  }

  @Post('coops/:coopId/years/:year/lock')
  @HttpCode(200)
  @UseGuards(CoopScopeGuard)
  @Access('lock')
  async lock(@Param('coopId') coopId: string, @Param('year') year: string, @CurrentUser() user: SessionUser, @Req() req: Request) {
    await this.admin.lockYear(coopId, yearParam(year), requestContext(user, req));
    return { status: 'closed' };
  }

  /** `{"coops"?: [...], "departments"?: [...]}` added to the auditor's grants. */
  @Post('departments/:dept/auditors/:username/grants')
  @HttpCode(200)
  @UseGuards(DepartmentScopeGuard)
  grant(@Param('dept') department: string, @Param('username') username: string, @JsonBody() body: Json, @CurrentUser() user: SessionUser) {
    return this.admin.grant(department, username, { coops: body.coops, departments: body.departments }, user);
  }
}
