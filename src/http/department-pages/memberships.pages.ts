import { Body, Controller, Get, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { commandContext } from '../../commands/command-context';
import { SetMembershipSettings } from '../../commands/department.commands';
import { ProjectedCommandBus } from '../../commands/projected-command-bus';
import { parseEuros, formatFieldAmount } from '../../domain/money';
import { formatFrenchDate } from '../../domain/fiscal-year';
import { filterMemberships, isMembershipFilter, MembershipReads } from '../../reads/membership';
import { membershipStatusLabel } from '../../reads/status-labels';
import { blankForm, field, type FormState } from '../../reads/notebook-models';
import { SessionUser } from '../../users/user-directory';
import { CurrentUser, DepartmentScopeGuard } from '../auth/guards';
import { canManageDepartment } from '../auth/scope';
import { MembershipDecisions } from '../membership-decisions';
import { yearParam } from '../params';
import { type FieldErrors, type FormBody, text } from '../pages/entry-form';
import { attempt, type Refusal } from '../pages/year-page';
import { departmentYearBase, DepartmentView, yearChoices } from './department-view';

const RATE_FIELDS = ['pupil', 'adult', 'insurance', 'magazine'] as const;
const RATE_LABELS: Record<(typeof RATE_FIELDS)[number], string> = {
  pupil: 'Cotisation par élève (€)',
  adult: 'Cotisation par adulte (€)',
  insurance: 'Assurance par personne (€)',
  magazine: 'Abonnement à la revue (€)',
};
const FILTER_LABELS = {
  draft: 'À envoyer',
  submitted: 'Envoyées',
  validated: 'Validées',
  returned: 'Renvoyées',
  late: 'En retard',
  missing: 'Manquantes',
} as const;

/**
 * The AD's decision on a coop's membership as a form sends it (from the list or the coop's page):
 * the refusal (the reason's error under `reason`), or the sentence to show once done.
 */
export async function decideMembershipForm(
  decisions: MembershipDecisions,
  coopId: string,
  year: number,
  body: FormBody,
  user: SessionUser,
): Promise<{ refusal: Refusal; message?: never } | { refusal: null; message: string }> {
  const decision = text(body.decision);
  const refusal = await attempt(() => decisions.decide(coopId, year, decision, text(body.reason), commandContext(user)));
  if (refusal) return { refusal };
  return {
    refusal: null,
    message: decision === 'validate' ? `L'adhésion de ${coopId} est validée.` : `L'adhésion de ${coopId} est renvoyée à la coopérative.`,
  };
}

/** The AD's memberships of a year: its rates and deadline, every coop's status and amounts with totals, exports, validate or return. */
@Controller('departements/:dept')
@UseGuards(DepartmentScopeGuard)
export class MembershipsPagesController {
  constructor(
    private readonly page: DepartmentView,
    private readonly membership: MembershipReads,
    private readonly commands: ProjectedCommandBus,
    private readonly decisions: MembershipDecisions,
  ) {}

  @Get('annees/:year/adhesions')
  async list(
    @Param('dept') department: string,
    @Param('year') yearText: string,
    @Query('filtre') filter: unknown,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const year = yearParam(yearText);
    const settings = await this.membership.settings(department, year);
    const values: Record<string, string> = settings
      ? { ...Object.fromEntries(RATE_FIELDS.map((f) => [f, formatFieldAmount(settings.rates[f])])), deadline: formatFrenchDate(settings.deadline) }
      : {};
    await this.render(res, department, year, user, isMembershipFilter(filter) ? filter : null, blankForm(values), null, 200);
  }

  @Post('annees/:year/adhesions/tarifs')
  async setRates(
    @Param('dept') department: string,
    @Param('year') yearText: string,
    @Body() body: FormBody,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const year = yearParam(yearText);
    const values: Record<string, string> = Object.fromEntries([...RATE_FIELDS, 'deadline'].map((f) => [f, text(body[f]).trim()]));
    const errors: FieldErrors = {};
    const rates: Record<string, number | string> = {};
    for (const f of RATE_FIELDS) {
      const cents = parseEuros(values[f]);
      if (cents === null || cents < 0) errors[`rates.${f}`] = `${RATE_LABELS[f].replace(' (€)', '')} : un montant en euros, par exemple « 1,50 ».`;
      rates[f] = cents ?? values[f];
    }
    const fieldOf = (f: string | undefined) => f ?? '_form';
    const refusal = Object.keys(errors).length
      ? { status: 400, errors }
      : await attempt(
          () =>
            this.commands.execute(
              new SetMembershipSettings(department, { type: 'SetMembershipSettings', year, rates, deadline: values.deadline }, commandContext(user)),
            ),
          fieldOf,
        );
    if (refusal) return this.render(res, department, year, user, null, { values, errors: refusal.errors }, null, refusal.status);
    this.page.done(res, `${departmentYearBase(department, year)}/adhesions`, `Les tarifs et la date limite de ${year}-${year + 1} sont enregistrés.`);
  }

  @Post('cooperatives/:coopId/annees/:year/adhesion')
  async decide(
    @Param('dept') department: string,
    @Param('coopId') coopId: string,
    @Param('year') yearText: string,
    @Body() body: FormBody,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const year = yearParam(yearText);
    await this.page.coopOf(department, coopId);
    const outcome = await decideMembershipForm(this.decisions, coopId, year, body, user);
    if (outcome.refusal) {
      const why = Object.values(outcome.refusal.errors)[0];
      return this.render(res, department, year, user, null, blankForm(), `${coopId} : ${why}`, outcome.refusal.status);
    }
    this.page.done(res, `${departmentYearBase(department, year)}/adhesions`, outcome.message);
  }

  private async render(
    res: Response,
    department: string,
    year: number,
    user: SessionUser,
    filter: string | null,
    form: FormState,
    formError: string | null,
    status: number,
  ) {
    const [coops, list] = await Promise.all([this.page.coops(department), this.membership.list(department, year)]);
    const manages = canManageDepartment(user, department);
    const base = departmentYearBase(department, year);
    const api = `/api/departments/${encodeURIComponent(department)}/years/${year}`;
    const rateError = (f: string) => form.errors[`rates.${f}`] ?? null;
    this.page.render(
      res,
      'department/memberships',
      department,
      'memberships',
      {
        title: `Les adhésions ${year}-${year + 1}`,
        year,
        yearName: `${year}-${year + 1}`,
        years: yearChoices(coops, this.page.currentYear(), year),
        settings: list.settings,
        totals: list.totals,
        filters: [{ key: '', label: 'Toutes' }, ...Object.entries(FILTER_LABELS).map(([key, label]) => ({ key, label }))].map((f) => ({
          ...f,
          href: f.key ? `${base}/adhesions?filtre=${f.key}` : `${base}/adhesions`,
          current: (filter ?? '') === f.key,
        })),
        rows: filterMemberships(list.rows, isMembershipFilter(filter) ? filter : null).map((r) => ({
          ...r,
          statusLabel: membershipStatusLabel(r.status, r.started),
          decideAction:
            manages && r.status === 'submitted'
              ? `/departements/${encodeURIComponent(department)}/cooperatives/${encodeURIComponent(r.coopId)}/annees/${year}/adhesion`
              : null,
          pageHref: `/coops/${encodeURIComponent(r.coopId)}/years/${year}/adhesion`,
        })),
        rateFields: RATE_FIELDS.map((f) => ({ ...field(form, f, `rate-${f}`), name: f, label: RATE_LABELS[f], error: rateError(f) })),
        deadline: field(form, 'deadline', 'rate-deadline'),
        ratesAction: manages ? `${base}/adhesions/tarifs` : null,
        csvHref: `${api}/memberships.csv`,
        xlsxHref: `${api}/memberships.xlsx`,
        formError: formError ?? form.errors._form ?? null,
      },
      { status },
    );
  }
}
