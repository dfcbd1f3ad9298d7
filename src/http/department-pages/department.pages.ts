import { accountsInUseOf } from '../../reads/accounts-in-use';
import { chartYearClosed } from '../../domain/chart-changes';
import { plural } from '../../reads/words';
import { Body, Controller, Get, Inject, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ProjectedCommandBus } from '../../commands/projected-command-bus';
import type { Response } from 'express';
import { commandContext } from '../../commands/command-context';
import { ChangeChart } from '../../commands/coop.commands';
import { formatFrenchDate, today } from '../../domain/fiscal-year';
import { ChartCommand } from '../../domain/chart-changes';
import { AccountKind, AccountRole } from '../../events/coop-events';
import { chartFor } from '../../projections/charts.projection';
import { DepartmentReads } from '../../reads/department-reads';
import { YearEndReads } from '../../reads/year-end-reads';
import { BOARD_FILTERS, boardPage } from '../../reads/department-views';
import { MembershipReads, membershipBoardCell } from '../../reads/membership';
import { ReadStore } from '../../projections/read-store';
import { CLOCK, READ_STORE } from '../../tokens';
import { Clock } from '../../domain/fiscal-year';
import { Access, Authenticated, CurrentUser, DepartmentScopeGuard } from '../auth/guards';
import { canReadDepartment } from '../auth/scope';
import { SessionUser } from '../../users/user-directory';
import { boardQuery } from '../department-api.controller';
import { notFound } from '../errors.filter';
import { yearParam } from '../params';
import { attempt } from '../pages/year-page';
import { Views } from '../views';
import { parisMoment } from '../../reads/audit-views';
import { PrintService } from '../print.service';
import { DepartmentAccounts } from '../../reads/department-accounts';
import { yearStatusLabel } from '../../reads/status-labels';
import { aggregatedResult, type ResultAccount, type TrialBalanceView } from '../../reads/trial-balance';
import { scopeParam } from '../department-accounts-api.controller';
import { auditBase, departmentBase, departmentYearBase, DepartmentView, explainBlocker, yearChoices } from './department-view';

type Form = Record<string, unknown>;

const FILTER_LABELS: Record<string, string> = {
  blocked: 'Bloquées (hors date de clôture)',
  notClosed: 'Non clôturées',
  cashMismatch: 'Écart de caisse',
};
const SORT_LABELS: Record<string, string> = {
  name: 'Nom',
  coopId: 'Identifiant',
  status: 'Statut',
  bank: 'Solde banque',
  cash: 'Solde caisse',
  unreconciled: 'Écritures non pointées',
  lastActivityAt: 'Dernière activité',
  blockers: 'Nombre de blocages',
};
const KIND_LABELS: Record<AccountKind, string> = { treasury: 'Trésorerie', advance: "Régie d'avance", charge: 'Charge', product: 'Produit' };
/** The accounts the notebook's checks read (DOMAIN.md's subsidies, membership and insurance, inventory). */
const ROLE_LABELS: Record<AccountRole, string> = {
  subsidies: 'Subventions des collectivités (741)',
  membership: 'Cotisation OCCE',
  insurance: 'Assurance',
  durableGoods: 'Biens durables',
};
const PAGE_SIZE = 50;

/**
 * The treasurer's pages of a department (an auditor of the department reads the board and the
 * accounts): status board, aggregated accounts with drill-down, CSV and PDF, the chart of accounts.
 */
@Controller('departements')
export class DepartmentPagesController {
  private readonly reads: DepartmentReads;

  constructor(
    private readonly page: DepartmentView,
    private readonly views: Views,
    private readonly print: PrintService,
    private readonly commands: ProjectedCommandBus,
    private readonly balances: DepartmentAccounts,
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly yearEnd: YearEndReads,
    private readonly membership: MembershipReads,
  ) {
    this.reads = new DepartmentReads(store);
  }

  /** Each one to their department; an admin picks one. */
  @Get()
  @Authenticated()
  async index(@CurrentUser() user: SessionUser, @Res() res: Response) {
    const year = this.page.currentYear();
    const own = user.department ?? user.grants?.departments[0];
    if (user.role !== 'admin' && own && canReadDepartment(user, own)) return res.redirect(303, `${departmentYearBase(own, year)}/tableau`);
    if (user.role !== 'admin') throw notFound();
    const coops = await this.store.find<{ department: string }>('coops');
    const departments = [...new Set(coops.map((c) => c.department))].sort().map((d) => ({ department: d, href: `${departmentYearBase(d, year)}/tableau` }));
    this.views.render(res, 'department/index', { title: 'Départements', departments });
  }

  @Get(':dept')
  @UseGuards(DepartmentScopeGuard)
  home(@Param('dept') department: string, @Res() res: Response) {
    res.redirect(303, `${departmentYearBase(department, this.page.currentYear())}/tableau`);
  }

  @Get(':dept/annees/:year/tableau')
  @UseGuards(DepartmentScopeGuard)
  async board(@Param('dept') department: string, @Param('year') yearText: string, @Query() query: Form, @Res() res: Response) {
    const year = yearParam(yearText);
    const q = boardQuery(query);
    const pageSize = q.pageSize ?? PAGE_SIZE;
    const [coops, rows, yearEndFlags, memberships] = await Promise.all([
      this.page.coops(department),
      this.reads.board(department, year, today(this.clock)),
      this.yearEnd.boardFlags(department, year),
      this.membership.list(department, year),
    ]);
    const membershipOf = new Map(memberships.rows.map((m) => [m.coopId, m]));
    const result = boardPage(rows, { ...q, pageSize });
    const base = departmentYearBase(department, year);
    const filters = q.filters ?? [];
    const params = (page?: number) => {
      const p = new URLSearchParams();
      for (const f of filters) p.append('filter', f);
      if (q.sort) p.set('sort', q.sort);
      if (q.direction) p.set('direction', q.direction);
      if (q.pageSize) p.set('pageSize', String(q.pageSize));
      if (page) p.set('page', String(page));
      return p.toString();
    };
    const pages = Math.max(1, Math.ceil(result.total / result.pageSize));
    const user = (res.req as { user?: SessionUser }).user!;
    this.page.render(res, 'department/board', department, 'board', {
      title: `Tableau de bord du département ${department}`,
      year,
      yearName: `${year}-${year + 1}`,
      years: yearChoices(coops, this.page.currentYear(), year),
      rows: result.rows.map((r) => ({
        ...r,
        statusLabel: yearStatusLabel(r.unlocked ? 'unlocked' : r.status),
        yearEnd: yearEndFlags.get(r.coopId) ?? null,
        membership: membershipBoardCell(membershipOf.get(r.coopId), memberships.settings),
        blockers: r.blockers.map((code) => explainBlocker(code, year)),
        lastActivity: r.lastActivityAt ? parisMoment(r.lastActivityAt) : null,
        // The état de rapprochement of the last statement does not agree: in red.
        bankDiffers: r.bankDifference !== null && r.bankDifference !== 0,
        notebookHref: `/coops/${encodeURIComponent(r.coopId)}/years/${year}`,
        manageHref: user.role === 'auditor' ? null : `${departmentBase(department)}/cooperatives/${encodeURIComponent(r.coopId)}`,
        auditHref: auditBase(r.coopId),
      })),
      total: result.total,
      filters: BOARD_FILTERS.map((f) => ({ value: f, label: FILTER_LABELS[f], checked: filters.includes(f) })),
      sorts: Object.entries(SORT_LABELS).map(([value, label]) => ({ value, label, selected: value === (q.sort ?? 'name') })),
      descending: q.direction === 'desc',
      page: result.page,
      pages,
      previousHref: result.page > 1 ? `${base}/tableau?${params(result.page - 1)}` : null,
      nextHref: result.page < pages ? `${base}/tableau?${params(result.page + 1)}` : null,
      csvHref: `/api/departments/${encodeURIComponent(department)}/years/${year}/board.csv?${params()}`,
      accountsHref: `${base}/comptes`,
      submissionsHref: `${base}/depots`,
    });
  }

  /** The aggregated accounts: the consolidated balance's classes 6 and 7, internal flows in their own column. */
  @Get(':dept/annees/:year/comptes')
  @UseGuards(DepartmentScopeGuard)
  async accounts(@Param('dept') department: string, @Param('year') yearText: string, @Query('scope') scopeText: unknown, @Res() res: Response) {
    const year = yearParam(yearText);
    const scope = scopeParam(scopeText);
    const [coops, view] = await Promise.all([this.page.coops(department), this.balances.trialBalance(department, year, scope)]);
    const base = departmentYearBase(department, year);
    const api = `/api/departments/${encodeURIComponent(department)}/years/${year}`;
    const suffix = scope === 'final' ? '?scope=final' : '';
    // The coops behind a figure: all of them on the aggregated accounts' own drill-down, the final ones on the balance's.
    const href = (account: string) =>
      scope === 'final' ? `${base}/balance/comptes/${encodeURIComponent(account)}${suffix}` : `${base}/comptes/${encodeURIComponent(account)}`;
    this.page.render(res, 'department/accounts', department, 'accounts', {
      title: `Comptes agrégés du département ${department}`,
      year,
      yearName: `${year}-${year + 1}`,
      years: yearChoices(coops, this.page.currentYear(), year),
      suffix,
      view,
      finalScope: scope === 'final',
      ...aggregatedSides(view, href),
      allHref: `${base}/comptes`,
      finalHref: `${base}/comptes?scope=final`,
      balanceHref: `${base}/balance${suffix}`,
      csvHref: `${api}/totals.csv`,
      pdfHref: `${base}/comptes.pdf${suffix}`,
      fecHref: `${api}/fec.txt`,
      fecNoticeHref: `${api}/fec-notice.txt`,
    });
  }

  @Get(':dept/annees/:year/comptes.pdf')
  @UseGuards(DepartmentScopeGuard)
  async accountsPdf(@Param('dept') department: string, @Param('year') yearText: string, @Query('scope') scopeText: unknown, @Res() res: Response) {
    const year = yearParam(yearText);
    const scope = scopeParam(scopeText);
    const view = await this.balances.trialBalance(department, year, scope);
    const yearName = `${year}-${year + 1}`;
    await this.print.send(res, {
      template: 'aggregated',
      landscape: false,
      layout: true,
      model: {
        coop: { name: `Comptes agrégés — département ${department}`, school: `${plural(view.coops, 'coopérative')} dont ${plural(view.final, 'définitive')}` },
        department,
        yearName,
        view,
        finalScope: scope === 'final',
        ...aggregatedSides(view, () => ''),
        printedOn: formatFrenchDate(today(this.clock)),
      },
      title: `Comptes agrégés ${yearName}`,
      footer: `Département ${department} — exercice ${yearName}`,
      fileName: `comptes-agreges-${department}-${year}.pdf`,
    });
  }

  @Get(':dept/annees/:year/comptes/:account')
  @UseGuards(DepartmentScopeGuard)
  async drillDown(@Param('dept') department: string, @Param('year') yearText: string, @Param('account') account: string, @Res() res: Response) {
    const year = yearParam(yearText);
    const view = await this.reads.drillDown(department, year, account);
    if (!view) throw notFound();
    this.page.render(res, 'department/account', department, 'accounts', {
      title: `Compte ${view.account} — ${view.label}`,
      year,
      yearName: `${year}-${year + 1}`,
      view,
      kindLabel: view.kind === 'charge' ? 'charge' : 'produit',
      coops: view.coops.map((c) => ({ ...c, href: `/coops/${encodeURIComponent(c.coopId)}/years/${year}/ventilation` })),
      accountsHref: `${departmentYearBase(department, year)}/comptes`,
    });
  }

  // ---- plan comptable ------------------------------------------------------------------------

  @Get(':dept/annees/:year/plan-comptable')
  @UseGuards(DepartmentScopeGuard)
  @Access('identity')
  async chart(@Param('dept') department: string, @Param('year') year: string, @Res() res: Response) {
    await this.renderChart(res, department, yearParam(year), {}, {}, 200);
  }

  @Post(':dept/annees/:year/plan-comptable')
  @UseGuards(DepartmentScopeGuard)
  async addAccount(
    @Param('dept') department: string,
    @Param('year') yearText: string,
    @Body() body: Form,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const year = yearParam(yearText);
    // "Aucun" sends an empty role.
    const role = typeof body.role === 'string' && body.role !== '' ? (body.role as AccountRole) : undefined;
    const command: ChartCommand = {
      type: 'AddAccount',
      account: String(body.account ?? ''),
      label: String(body.label ?? ''),
      kind: body.kind as AccountKind,
      role,
    };
    const refusal = await attempt(() => this.commands.execute(new ChangeChart(department, year, command, commandContext(user))));
    if (refusal) return this.renderChart(res, department, year, refusal.errors, body, refusal.status);
    this.page.done(
      res,
      `${departmentYearBase(department, year)}/plan-comptable`,
      `Le compte ${command.account.trim()} est ajouté au plan comptable ${year}-${year + 1}.`,
    );
  }

  @Post(':dept/annees/:year/plan-comptable/:account/libelle')
  @UseGuards(DepartmentScopeGuard)
  async renameAccount(
    @Param('dept') department: string,
    @Param('year') yearText: string,
    @Param('account') account: string,
    @Body() body: Form,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const year = yearParam(yearText);
    const refusal = await attempt(() =>
      this.commands.execute(new ChangeChart(department, year, { type: 'RenameAccount', account, label: String(body.label ?? '') }, commandContext(user))),
    );
    if (refusal) return this.renderChart(res, department, year, { [`rename-${account}`]: Object.values(refusal.errors)[0] }, {}, refusal.status);
    this.page.done(res, `${departmentYearBase(department, year)}/plan-comptable`, `Le compte ${account} est renommé.`);
  }

  @Get(':dept/annees/:year/plan-comptable/:account/retrait')
  @UseGuards(DepartmentScopeGuard)
  @Access('identity')
  async retireConfirmation(@Param('dept') department: string, @Param('year') yearText: string, @Param('account') account: string, @Res() res: Response) {
    return this.renderRetire(res, department, yearParam(yearText), account, null, 200);
  }

  /** The one-line confirmation, and a refusal (an account the year's entries use) next to its button. */
  private async renderRetire(res: Response, department: string, year: number, account: string, error: string | null, status: number) {
    const found = (await chartFor(this.store, department, year)).accounts.find((a) => a.code === account && !a.retired);
    if (!found) throw notFound();
    this.page.render(
      res,
      'department/chart-retire',
      department,
      'chart',
      {
        title: `Retirer le compte ${found.code}`,
        year,
        yearName: `${year}-${year + 1}`,
        account: found,
        error,
        action: `${departmentYearBase(department, year)}/plan-comptable/${encodeURIComponent(found.code)}/retrait`,
        backHref: `${departmentYearBase(department, year)}/plan-comptable`,
      },
      { status },
    );
  }

  @Post(':dept/annees/:year/plan-comptable/:account/retrait')
  @UseGuards(DepartmentScopeGuard)
  async retireAccount(
    @Param('dept') department: string,
    @Param('year') yearText: string,
    @Param('account') account: string,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const year = yearParam(yearText);
    const refusal = await attempt(() => this.commands.execute(new ChangeChart(department, year, { type: 'RetireAccount', account }, commandContext(user))));
    if (refusal) {
      const error = Object.values(refusal.errors)[0];
      // A conflict (an account the year uses, or one the notebook needs) shows by the button; an unknown account on the chart.
      if (refusal.status === 409) return this.renderRetire(res, department, year, account, error, refusal.status);
      return this.renderChart(res, department, year, { _form: error }, {}, refusal.status);
    }
    this.page.done(res, `${departmentYearBase(department, year)}/plan-comptable`, `Le compte ${account} est retiré du plan comptable ${year}-${year + 1}.`);
  }

  private async renderChart(res: Response, department: string, year: number, errors: Record<string, string>, input: Form, status: number) {
    const [chart, coops, use] = await Promise.all([
      chartFor(this.store, department, year),
      this.page.coops(department),
      accountsInUseOf(this.store)(department, year),
    ]);
    const base = `${departmentYearBase(department, year)}/plan-comptable`;
    // Frozen once a coop closed the year: the page says why and offers only what stays possible.
    const closedBy = use.closedBy ?? [];
    this.page.render(
      res,
      'department/chart',
      department,
      'chart',
      {
        title: `Plan comptable ${year}-${year + 1}`,
        year,
        yearName: `${year}-${year + 1}`,
        years: yearChoices(coops, this.page.currentYear(), year),
        frozen: closedBy.length > 0 ? chartYearClosed(chart, closedBy).message : null,
        accounts: chart.accounts.map((a) => ({
          ...a,
          kindLabel: KIND_LABELS[a.kind],
          roleLabel: a.role ? ROLE_LABELS[a.role] : '',
          renameAction: `${base}/${encodeURIComponent(a.code)}/libelle`,
          renameError: errors[`rename-${a.code}`],
          retireHref: `${base}/${encodeURIComponent(a.code)}/retrait`,
        })),
        kinds: Object.entries(KIND_LABELS).map(([value, label]) => ({ value, label, selected: input.kind === value })),
        roles: Object.entries(ROLE_LABELS).map(([value, label]) => ({ value, label, selected: input.role === value })),
        input: { account: typeof input.account === 'string' ? input.account : '', label: typeof input.label === 'string' ? input.label : '' },
        errors,
        formError: errors._form,
        action: base,
      },
      { status },
    );
  }
}

/** Charges and products of the aggregated accounts, each with its total, its internal part and the rest. */
function aggregatedSides(view: TrialBalanceView, href: (account: string) => string) {
  const result = aggregatedResult(view);
  const side = (caption: string, totalLabel: string, accounts: ResultAccount[], total: number, internal: number) => ({
    caption,
    totalLabel,
    accounts: accounts.map((a) => ({ ...a, href: href(a.account) })),
    total,
    internal,
    external: total - internal,
  });
  return {
    result,
    sides: [
      side('Charges', 'Total des charges', result.charges, result.totalCharges, result.internalCharges),
      side('Produits', 'Total des produits', result.products, result.totalProducts, result.internalProducts),
    ],
  };
}
