import { Controller, Get, Inject, Param, Put, Query, Req, Res, UseGuards, UseInterceptors } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ChangeDepartmentIdentity } from '../commands/department.commands';
import { ProjectedCommandBus } from '../commands/projected-command-bus';
import { DomainError } from '../domain/errors';
import { Clock, today } from '../domain/fiscal-year';
import { completenessCounts, completenessCsv, COMPLETENESS_FILTERS, type CompletenessFilter, filterCompleteness } from '../reads/completeness';
import { DepartmentAccounts } from '../reads/department-accounts';
import { TRIAL_BALANCE_SCOPES, type TrialBalanceScope, type TrialBalanceView } from '../reads/trial-balance';
import { trialBalanceWorkbook } from '../reads/trial-balance-xlsx';
import { departmentIdentity } from '../projections/departments.projection';
import { ReadStore } from '../projections/read-store';
import { CLOCK, READ_STORE } from '../tokens';
import { SessionUser } from '../users/user-directory';
import { CurrentUser, DepartmentScopeGuard } from './auth/guards';
import { JsonBody } from './json-body';
import { sendJson } from './json-answer';
import { asOfParam, yearParam } from './params';
import { IdempotentRequests } from './idempotency';
import { requestContext } from './request-context';

/**
 * The department's accounts as its statutory auditor needs them (API.md, "Department accounts"):
 * the association's identity, the consolidated trial balance (JSON, xlsx), the completeness of
 * the coops' year's end (JSON, CSV), the department's FEC and its notice. Scope: DepartmentScopeGuard (404 outside, 403 for a reader's change).
 */
@Controller('api/departments/:dept')
@UseGuards(DepartmentScopeGuard)
@UseInterceptors(IdempotentRequests)
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
    const context = requestContext(user, req);
    const identity = { name: body.name, siren: body.siren, siret: body.siret, address: body.address };
    const outcome = await this.commands.execute(new ChangeDepartmentIdentity(department, { type: 'ChangeDepartmentIdentity', identity }, context));
    return { department, ...outcome.answer };
  }

  /** Every coop's entries of the year in one file, streamed; its notice beside it (Link: rel=describedby). */
  @Get('years/:year/fec.txt')
  async fecFile(@Param('dept') department: string, @Param('year') year: string, @Res() res: Response, @Query('asOf') asOf?: unknown) {
    const moment = asOfParam(asOf);
    const y = yearParam(year);
    const notice = `/api/departments/${encodeURIComponent(department)}/years/${y}/fec-notice.txt${moment ? `?asOf=${encodeURIComponent(moment)}` : ''}`;
    await this.accounts.sendDepartmentFec(res, department, y, notice, moment);
  }

  @Get('years/:year/fec-notice.txt')
  async fecNoticeFile(@Param('dept') department: string, @Param('year') year: string, @Res() res: Response, @Query('asOf') asOf?: unknown) {
    const notice = await this.accounts.departmentFecNotice(department, yearParam(year), today(this.clock), asOfParam(asOf));
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.setHeader('Content-Disposition', `inline; filename="${notice.fileName}"`);
    res.send(notice.text);
  }

  /** API.md's balance: the coops' figures summed per account; ?scope=final keeps the final coops only. */
  @Get('years/:year/trial-balance')
  async trialBalance(
    @Param('dept') department: string,
    @Param('year') year: string,
    @Query('scope') scope: unknown,
    @Res() res: Response,
    @Query('asOf') asOf?: unknown,
  ) {
    const view = await this.accounts.trialBalance(department, yearParam(year), scopeParam(scope), asOfParam(asOf));
    sendJson(res, view, () => trialBalanceAnswer(view));
  }

  @Get('years/:year/trial-balance.xlsx')
  async trialBalanceFile(
    @Param('dept') department: string,
    @Param('year') year: string,
    @Query('scope') scope: unknown,
    @Res() res: Response,
    @Query('asOf') asOf?: unknown,
  ) {
    const moment = asOfParam(asOf);
    const y = yearParam(year);
    const [view, association] = await Promise.all([
      this.accounts.trialBalance(department, y, scopeParam(scope), moment),
      this.accounts.association(department),
    ]);
    res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    res.setHeader('Content-Disposition', `attachment; filename="balance-consolidee-${department}-${y}${view.scope === 'final' ? '-definitives' : ''}.xlsx"`);
    res.send(await trialBalanceWorkbook(view, association));
  }

  /** Per coop: closed, submitted, accepted or returned, quitus, statement, subsidy proofs, late, final; ?filter= as the page. */
  @Get('years/:year/completeness')
  async completeness(@Param('dept') department: string, @Param('year') year: string, @Query('filter') filter: unknown) {
    const rows = await this.accounts.completeness(department, yearParam(year), today(this.clock));
    return { counts: completenessCounts(rows), rows: filterCompleteness(rows, filtersParam(filter)) };
  }

  @Get('years/:year/completeness.csv')
  async completenessFile(@Param('dept') department: string, @Param('year') year: string, @Query('filter') filter: unknown, @Res() res: Response) {
    const y = yearParam(year);
    const rows = filterCompleteness(await this.accounts.completeness(department, y, today(this.clock)), filtersParam(filter));
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="completude-${department}-${y}.csv"`);
    res.send(completenessCsv(rows, department, y));
  }
}

/** The JSON of API.md: the view without its per-coop figures (the workbook and the pages' drill-down have them). */
function trialBalanceAnswer(view: TrialBalanceView) {
  const { byCoop: _byCoop, ...answer } = view;
  return answer;
}

export function scopeParam(scope: unknown): TrialBalanceScope {
  if (scope === undefined || scope === '') return 'all';
  if (typeof scope === 'string' && (TRIAL_BALANCE_SCOPES as readonly string[]).includes(scope)) return scope as TrialBalanceScope;
  throw new DomainError('QUERY_INVALID', 'Le paramètre scope vaut all (toutes les coopératives) ou final (les coopératives définitives).', 'scope');
}

export function filtersParam(value: unknown): CompletenessFilter[] {
  const filters = (Array.isArray(value) ? value : [value])
    .filter((v): v is string => typeof v === 'string')
    .flatMap((v) => v.split(','))
    .filter((v) => v !== '');
  const unknown = filters.filter((f) => !(COMPLETENESS_FILTERS as readonly string[]).includes(f));
  if (unknown.length)
    throw new DomainError('QUERY_INVALID', `Filtre inconnu : ${unknown.join(', ')} (possibles : ${COMPLETENESS_FILTERS.join(', ')}).`, 'filter');
  return filters as CompletenessFilter[];
}
