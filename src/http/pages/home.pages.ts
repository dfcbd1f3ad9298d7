import { Body, Controller, Get, Param, Post, Res, UseGuards } from '@nestjs/common';
import { ProjectedCommandBus } from '../../commands/projected-command-bus';
import type { Response } from 'express';
import { DomainError } from '../../domain/errors';
import { formatFrenchDate } from '../../domain/fiscal-year';
import { calendarYearView, currentBalances, gridView } from '../../reads/ledger-views';
import { Authenticated, CoopScopeGuard, CurrentUser } from '../auth/guards';
import { canWriteCoop } from '../auth/scope';
import { SessionUser } from '../../users/user-directory';
import { LedgerReads } from '../../reads/ledger-reads';
import { YearEndReads } from '../../reads/year-end-reads';
import { MembershipReads, membershipNotice } from '../../reads/membership';
import { submissionStatusLabel, yearStatusLabel } from '../../reads/status-labels';
import { Views } from '../views';
import { monthlySeries, yearPicture } from '../../reads/year-picture';
import { attempt, coopBase, issueLinks, requireWrite, yearBase, YearContext, YearPages, yearCommand } from './year-page';

/** The mandataire's home (the guide's first screen), the archives and the closing of the year. */
@Controller()
export class HomePagesController {
  constructor(
    private readonly pages: YearPages,
    private readonly reads: LedgerReads,
    private readonly views: Views,
    private readonly commands: ProjectedCommandBus,
    private readonly yearEnd: YearEndReads,
    private readonly membership: MembershipReads,
  ) {}

  /** Each role lands on its own space: a mandataire on the current year of their coop. */
  @Get()
  @Authenticated()
  async start(@CurrentUser() user: SessionUser, @Res() res: Response) {
    if (user.coopId) {
      const firstYear = await this.firstYearOf(user.coopId);
      if (firstYear !== null) return res.redirect(303, yearBase(user.coopId, await this.pages.landing(user.coopId, firstYear)));
    }
    if (user.role === 'treasurer' || user.role === 'admin') return res.redirect(303, '/departements');
    if (user.role === 'auditor') return res.redirect(303, '/audit');
    this.views.render(res, 'pages/start', { title: 'Accueil' });
  }

  @Get('coops/:coopId')
  @UseGuards(CoopScopeGuard)
  async coopHome(@Param('coopId') coopId: string, @Res() res: Response) {
    const firstYear = await this.firstYearOf(coopId);
    if (firstYear === null) throw new DomainError('NOT_FOUND', 'Coopérative introuvable.', undefined, 'not_found');
    res.redirect(303, yearBase(coopId, await this.pages.landing(coopId, firstYear)));
  }

  @Get('coops/:coopId/years/:year')
  @UseGuards(CoopScopeGuard)
  async home(@Param('coopId') coopId: string, @Param('year') year: string, @CurrentUser() user: SessionUser, @Res() res: Response) {
    const ctx = await this.pages.load(coopId, year, user);
    const { notebook, chart, coop } = ctx.reads;
    const [checklist, alerts] = await Promise.all([this.pages.checklist(ctx), this.pages.alerts(ctx)]);
    const grid = gridView(notebook, chart);
    const months = monthlySeries(
      ctx.reads.year,
      grid.rows.map((r) => ({ date: r.date, bankIn: r.columns.bankIn, bankOut: r.columns.bankOut, cashIn: r.columns.cashIn, cashOut: r.columns.cashOut })),
      notebook.opening,
      this.yearEnd.today(),
    );
    this.pages.render(res, ctx, 'home', {
      title: 'Tableau de bord',
      nav: 'year',
      warnings: alerts,
      earlierOpen: await this.earlierOpenYears(ctx),
      canClose: checklist.canClose,
      balances: currentBalances(notebook),
      entries: notebook.entries.length,
      unreconciled: notebook.entries.filter((e) => !e.reconciled && e.lines.some((l) => l.account === '512')).length,
      picture: yearPicture(months),
      needsOpening: ctx.reads.year === coop.firstYear && notebook.declaredOpening === null,
      archives: `${coopBase(coopId)}/archives`,
      pdf: `/api${ctx.base}/print.pdf`,
      crfPdf: `/api${ctx.base}/crf.pdf`,
      yearEnd: await this.yearEndModel(ctx),
      membership: await this.membershipModel(ctx),
      pendingYears: (await this.yearEnd.pending(coop, ctx.years, ctx.reads.year)).map((p) => ({
        name: `${p.year}-${p.year + 1}`,
        items: p.items.map((i) => ({ ...i, href: `${yearBase(coop.coopId, p.year)}/${i.fix}` })),
      })),
    });
  }

  /** The year's membership until it is sent (late past the AD's deadline), with the link to its page. */
  private async membershipModel(ctx: YearContext) {
    const notice = membershipNotice(await this.membership.view(ctx.reads.coop.coopId, ctx.reads.year));
    return notice ? { ...notice, href: `${ctx.base}/adhesion` } : null;
  }

  /** The year's end on the home page: a provisional or changed opening, the submission's status and reason. */
  private async yearEndModel(ctx: YearContext) {
    const notices = await this.yearEnd.notices(ctx.reads.coop, ctx.reads.year, ctx.reads.notebook);
    return {
      ...notices,
      submission: notices.submission ? { ...notices.submission, statusLabel: submissionStatusLabel(notices.submission.status) } : null,
      closed: ctx.closed,
      quitusHref: `${ctx.base}/quitus`,
      submissionHref: `${ctx.base}/depot`,
      openingSeenAction: canWriteCoop(ctx.user, ctx.reads.coop) ? `${ctx.base}/ouverture/vue` : null,
    };
  }

  @Get('coops/:coopId/archives')
  @UseGuards(CoopScopeGuard)
  async archives(@Param('coopId') coopId: string, @CurrentUser() user: SessionUser, @Res() res: Response) {
    const firstYear = await this.firstYearOf(coopId);
    if (firstYear === null) throw new DomainError('NOT_FOUND', 'Coopérative introuvable.', undefined, 'not_found');
    const current = this.pages.currentYear(firstYear);
    const ctx = await this.pages.load(coopId, String(current), user);
    const years = [];
    for (let y = current; y >= firstYear; y--) {
      const { notebook } = await this.reads.year(coopId, y);
      years.push({
        year: y,
        name: `${y}-${y + 1}`,
        href: yearBase(coopId, y),
        closed: notebook.status === 'closed',
        statusLabel: yearStatusLabel(notebook.status),
        entries: notebook.entries.length,
        closedOn: notebook.closing?.closedOn ?? null,
        current: y === current,
      });
    }
    const calendarYears = [];
    for (let c = current + 1; c >= firstYear; c--) calendarYears.push({ year: c, href: `${coopBase(coopId)}/annees-civiles/${c}` });
    this.pages.render(res, ctx, 'archives', { title: 'Les archives de la coopérative', nav: 'archives', years, calendarYears });
  }

  @Get('coops/:coopId/annees-civiles/:calendarYear')
  @UseGuards(CoopScopeGuard)
  async calendarYear(@Param('coopId') coopId: string, @Param('calendarYear') calendarYear: string, @CurrentUser() user: SessionUser, @Res() res: Response) {
    const firstYear = await this.firstYearOf(coopId);
    const c = /^\d{4}$/.test(calendarYear) ? Number(calendarYear) : NaN;
    if (firstYear === null || !(c >= firstYear && c <= this.pages.currentYear(firstYear) + 1)) {
      throw new DomainError('NOT_FOUND', 'Année civile introuvable.', undefined, 'not_found');
    }
    const earlier = await this.reads.year(coopId, c - 1).catch(() => null);
    const later = await this.reads.year(coopId, c).catch(() => null);
    const either = (later ?? earlier)!;
    const view = calendarYearView([earlier?.notebook ?? null, later?.notebook ?? null], [earlier?.chart ?? either.chart, later?.chart ?? either.chart], c);
    const ctx = await this.pages.load(coopId, String(either.year), user);
    this.pages.render(res, ctx, 'calendar-year', {
      title: `Comptes de l'année civile ${c}`,
      nav: 'archives',
      view,
      calendarYear: c,
      from: formatFrenchDate(view.from),
      to: formatFrenchDate(view.to),
      pdf: `/api${coopBase(coopId)}/calendar-years/${c}/report.pdf`,
    });
  }

  @Get('coops/:coopId/years/:year/aide')
  @UseGuards(CoopScopeGuard)
  async help(@Param('coopId') coopId: string, @Param('year') year: string, @CurrentUser() user: SessionUser, @Res() res: Response) {
    const ctx = await this.pages.load(coopId, year, user);
    this.pages.render(res, ctx, 'help', { title: 'Aide', nav: 'aide' });
  }

  // ---- clôture -------------------------------------------------------------------------------

  @Get('coops/:coopId/years/:year/cloture')
  @UseGuards(CoopScopeGuard)
  async closing(@Param('coopId') coopId: string, @Param('year') year: string, @CurrentUser() user: SessionUser, @Res() res: Response) {
    const ctx = await this.pages.load(coopId, year, user);
    await this.renderClosing(res, ctx, 'closing', null, 200);
  }

  @Get('coops/:coopId/years/:year/cloture/confirmation')
  @UseGuards(CoopScopeGuard)
  async closingConfirmation(@Param('coopId') coopId: string, @Param('year') year: string, @CurrentUser() user: SessionUser, @Res() res: Response) {
    const ctx = await this.pages.load(coopId, year, user);
    requireWrite(ctx);
    const checklist = await this.pages.checklist(ctx);
    if (!checklist.canClose || ctx.reads.notebook.status === 'unlocked') return res.redirect(303, `${ctx.base}/cloture`);
    await this.renderClosing(res, ctx, 'closing-confirm', null, 200);
  }

  @Post('coops/:coopId/years/:year/cloture')
  @UseGuards(CoopScopeGuard)
  async close(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Body() body: Record<string, unknown>,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const ctx = await this.pages.load(coopId, year, user);
    requireWrite(ctx);
    if (body.confirm !== 'oui') return res.redirect(303, `${ctx.base}/cloture/confirmation`);
    const refusal = await attempt(() => this.commands.execute(yearCommand(ctx, { type: 'CloseYear' })));
    if (refusal) return this.renderClosing(res, ctx, 'closing', refusal.errors._form ?? Object.values(refusal.errors)[0], refusal.status);
    this.pages.done(
      res,
      `${ctx.base}/cloture`,
      `L'exercice ${ctx.reads.year}-${ctx.reads.year + 1} est clôturé. Le cahier reste consultable dans les archives.`,
    );
  }

  private async renderClosing(res: Response, ctx: YearContext, template: string, formError: string | null, status: number) {
    const checklist = await this.pages.checklist(ctx);
    const { notebook } = ctx.reads;
    this.pages.render(
      res,
      ctx,
      template,
      {
        title: 'Clôture des comptes de l’exercice',
        nav: 'cloture',
        checklist: { ...checklist, blockers: issueLinks(checklist.blockers, ctx.base), warnings: issueLinks(checklist.warnings, ctx.base) },
        // A reopened year is locked again by the AD, never closed by the coop (the layout says who does what).
        mayClose: checklist.canClose && ctx.canWrite && notebook.status !== 'unlocked',
        reopenedYear: notebook.status === 'unlocked',
        closing: notebook.closing,
        balances: currentBalances(notebook),
        formError,
        pdf: `/api${ctx.base}/print.pdf`,
        crfPdf: `/api${ctx.base}/crf.pdf`,
      },
      { status },
    );
  }

  /** Years before this one still open: said loudly on its home (the first one may lack its opening). */
  private async earlierOpenYears(ctx: YearContext) {
    const { coop } = ctx.reads;
    const open = ctx.years.filter((y) => y.year < ctx.reads.year && y.status !== 'closed');
    const firstYear = open.some((y) => y.year === coop.firstYear) ? (await this.reads.year(coop.coopId, coop.firstYear)).notebook : null;
    return open
      .sort((a, b) => a.year - b.year)
      .map((y) => ({
        name: `${y.year}-${y.year + 1}`,
        href: yearBase(coop.coopId, y.year),
        needsOpening: y.year === coop.firstYear && firstYear?.declaredOpening === null,
      }));
  }

  private async firstYearOf(coopId: string): Promise<number | null> {
    const source = await this.reads.source(coopId);
    const coop = await source.get<{ firstYear: number } & Record<string, unknown>>('coops', coopId);
    return coop ? coop.firstYear : null;
  }
}
