import { Body, Controller, Get, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { commandContext } from '../../commands/command-context';
import { ExecuteLedgerCommand } from '../../commands/ledger.commands';
import { SubmissionDecisionLetters } from '../submission-decision-letters';
import { ProjectedCommandBus } from '../../commands/projected-command-bus';
import { type CoopDoc } from '../../projections/coops.projection';
import { type SubmissionFile, YearEndReads } from '../../reads/year-end-reads';
import { SessionUser } from '../../users/user-directory';
import { CurrentUser, DepartmentScopeGuard } from '../auth/guards';
import { canManageDepartment } from '../auth/scope';
import { notFound } from '../errors.filter';
import { pageAsOf, yearParam } from '../params';
import { parisMoment } from '../../reads/audit-views';
import { type FormBody, text } from '../pages/entry-form';
import { submissionStatusLabel } from '../../reads/status-labels';
import { attempt } from '../pages/year-page';
import { departmentYearBase, DepartmentView, yearChoices } from './department-view';

/** Where the AD opens a file the coop sent (the coop's own routes, which a treasurer of its department may read). */
const fileHref = (coopId: string, year: number, file: SubmissionFile): string => {
  const base = `/coops/${encodeURIComponent(coopId)}/years/${year}`;
  return file.source === 'document'
    ? `${base}/depot/documents/${encodeURIComponent(file.documentId)}`
    : `/api${base}/statements/${encodeURIComponent(file.statementId)}/file`;
};

/** The AD's side of the year's end: every coop's submission, accepted or returned with a reason. */
@Controller('departements/:dept')
@UseGuards(DepartmentScopeGuard)
export class SubmissionsPagesController {
  constructor(
    private readonly page: DepartmentView,
    private readonly yearEnd: YearEndReads,
    private readonly commands: ProjectedCommandBus,
    private readonly letters: SubmissionDecisionLetters,
  ) {}

  @Get('annees/:year/depots')
  async list(
    @Param('dept') department: string,
    @Param('year') yearText: string,
    @Query('asOf') asOf: unknown,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    await this.render(res, department, yearParam(yearText), user, null, 200, pageAsOf(asOf));
  }

  @Post('cooperatives/:coopId/annees/:year/depot')
  async decide(
    @Param('dept') department: string,
    @Param('coopId') coopId: string,
    @Param('year') yearText: string,
    @Body() body: FormBody,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const year = yearParam(yearText);
    const coops = await this.page.coops(department);
    if (!coops.some((c: CoopDoc) => c.coopId === coopId)) throw notFound();
    const decision = text(body.decision);
    const command = decision === 'accept' ? ({ type: 'AcceptSubmission' } as const) : ({ type: 'ReturnSubmission', reason: text(body.reason) } as const);
    const refusal = await attempt(() => this.commands.execute(new ExecuteLedgerCommand(coopId, year, command, commandContext(user))));
    if (refusal) return this.render(res, department, year, user, `${coopId} : ${Object.values(refusal.errors)[0]}`, refusal.status);
    await this.letters.send(
      coops.find((c: CoopDoc) => c.coopId === coopId)!,
      year,
    );
    this.page.done(
      res,
      `${departmentYearBase(department, year)}/depots`,
      decision === 'accept' ? `Le dossier de ${coopId} est accepté.` : `Le dossier de ${coopId} est renvoyé à la coopérative.`,
    );
  }

  private async render(
    res: Response,
    department: string,
    year: number,
    user: SessionUser,
    formError: string | null,
    status: number,
    asOf: string | null = null,
  ) {
    const [coops, dossiers] = await Promise.all([this.page.coops(department), this.yearEnd.dossiers(department, year, asOf)]);
    const manages = canManageDepartment(user, department);
    this.page.render(
      res,
      'department/submissions',
      department,
      'submissions',
      {
        title: `Les dépôts de bilan ${year}-${year + 1}`,
        asOfLabel: asOf ? parisMoment(asOf) : null,
        year,
        yearName: `${year}-${year + 1}`,
        years: yearChoices(coops, this.page.currentYear(), year),
        rows: dossiers.map(({ row: r, documents }) => ({
          ...r,
          documents: documents.map((d) => ({
            label: d.kind === 'statement' ? 'Relevé de fin d’exercice' : `Justificatif de subvention n° ${(d.subsidyIndex ?? 0) + 1}`,
            fileName: d.fileName,
            href: fileHref(r.coopId, year, d),
          })),
          statusLabel: submissionStatusLabel(r.status),
          decideAction:
            manages && r.status === 'submitted'
              ? `/departements/${encodeURIComponent(department)}/cooperatives/${encodeURIComponent(r.coopId)}/annees/${year}/depot`
              : null,
          // The version as the AD received it (its CRF from the stream head it is bound to), not the year as it is now.
          crfHref: r.version ? `/api/coops/${encodeURIComponent(r.coopId)}/years/${year}/submission/versions/${r.version}/crf.pdf` : null,
        })),
        formError,
      },
      { status },
    );
  }
}
