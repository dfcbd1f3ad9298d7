import { Body, Controller, Get, Param, Post, Res, UseGuards } from '@nestjs/common';
import { ProjectedCommandBus } from '../../commands/projected-command-bus';
import type { Response } from 'express';
import { DomainError } from '../../domain/errors';
import { actionReport, actionsView, craView } from '../../reads/ledger-views';
import { YearEndReads } from '../../reads/year-end-reads';
import { CoopScopeGuard, CurrentUser } from '../auth/guards';
import { SessionUser } from '../../users/user-directory';
import { FormBody, text } from './entry-form';
import { blankForm, field, FormState } from '../../reads/notebook-models';
import { attempt, requireWrite, YearContext, YearPages, yearCommand } from './year-page';

/** Reports of a year: per action, the Compte-Rendu Financier and the Compte-Rendu d'Activités. */
@Controller('coops/:coopId/years/:year')
@UseGuards(CoopScopeGuard)
export class ReportsPagesController {
  constructor(
    private readonly pages: YearPages,
    private readonly commands: ProjectedCommandBus,
    private readonly yearEnd: YearEndReads,
  ) {}

  @Get('actions')
  async actions(@Param('coopId') coopId: string, @Param('year') year: string, @CurrentUser() user: SessionUser, @Res() res: Response) {
    const ctx = await this.pages.load(coopId, year, user);
    const actions = actionsView(ctx.reads.notebook, ctx.reads.chart).map((a) => ({ ...a, href: `${ctx.base}/actions/${encodeURIComponent(a.name)}` }));
    this.pages.render(res, ctx, 'actions', { title: 'Les actions et projets', nav: 'actions', actions });
  }

  @Get('actions/:name')
  async action(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Param('name') name: string,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const ctx = await this.pages.load(coopId, year, user);
    const report = actionReport(ctx.reads.notebook, ctx.reads.chart, name);
    if (!report) throw new DomainError('NOT_FOUND', `Aucune écriture n'est rattachée à l'action « ${name} ».`, undefined, 'not_found');
    const files = `/api${ctx.base}/actions/${encodeURIComponent(name)}`;
    this.pages.render(res, ctx, 'action', {
      title: `Action « ${name} »`,
      nav: 'actions',
      report,
      files: { pdf: `${files}/print.pdf`, csv: `${files}/export.csv`, xlsx: `${files}/export.xlsx` },
    });
  }

  @Get('crf')
  async crf(@Param('coopId') coopId: string, @Param('year') year: string, @CurrentUser() user: SessionUser, @Res() res: Response) {
    const ctx = await this.pages.load(coopId, year, user);
    const crf = await this.yearEnd.crf(ctx.reads);
    this.pages.render(res, ctx, 'crf', { title: 'Compte-Rendu Financier', nav: 'crf', crf, pdf: `/api${ctx.base}/crf.pdf` });
  }

  @Get('cra')
  async cra(@Param('coopId') coopId: string, @Param('year') year: string, @CurrentUser() user: SessionUser, @Res() res: Response) {
    const ctx = await this.pages.load(coopId, year, user);
    this.renderCra(res, ctx, blankForm(), 200);
  }

  @Post('cra')
  async reportActivity(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Body() body: FormBody,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const ctx = await this.pages.load(coopId, year, user);
    requireWrite(ctx);
    const values = { activity: text(body.activity).trim(), text: text(body.text).trim() };
    const refusal = await attempt(() => this.commands.execute(yearCommand(ctx, { type: 'ReportActivity', ...values })));
    if (refusal) return this.renderCra(res, ctx, { values, errors: refusal.errors }, refusal.status);
    this.pages.done(res, `${ctx.base}/cra`, `Le texte de l'activité « ${values.activity} » est enregistré.`);
  }

  private renderCra(res: Response, ctx: YearContext, form: FormState, status: number) {
    const cra = craView(ctx.reads.notebook, ctx.reads.chart);
    const activities = cra.activities.map((a, i) => ({ ...a, id: `cra-${i}`, typed: form.values.activity === a.name ? form.values.text : (a.text ?? '') }));
    this.pages.render(
      res,
      ctx,
      'cra',
      {
        title: "Compte-Rendu d'Activités",
        nav: 'cra',
        activities,
        activity: field(form, 'activity'),
        text: field(form, 'text'),
        formError: form.errors._form ?? null,
      },
      { status },
    );
  }
}
