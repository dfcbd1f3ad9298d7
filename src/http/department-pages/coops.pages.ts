import { Body, Controller, Get, Param, Post, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { commandContext } from '../../commands/command-context';
import { DomainError, ValidationFailed } from '../../domain/errors';
import { formatFrenchDate, parseFrenchDate } from '../../domain/fiscal-year';
import { CoopDoc } from '../../projections/coops.projection';
import { Access, CurrentUser, DepartmentScopeGuard } from '../auth/guards';
import { SessionUser } from '../../users/user-directory';
import { LedgerReads } from '../../reads/ledger-reads';
import { YearEndReads } from '../../reads/year-end-reads';
import { yearParam } from '../params';
import { attempt } from '../pages/year-page';
import { MembershipDecisions } from '../membership-decisions';
import { MembershipReads } from '../../reads/membership';
import { membershipStatusLabel, SUBMISSION_FOR_DEPARTMENT, yearStatusLabel } from '../../reads/status-labels';
import { CoopAdministration } from './coop-administration';
import { decideMembershipForm } from './memberships.pages';
import { auditBase, departmentBase, departmentYearBase, DepartmentView, explainBlocker } from './department-view';

type Form = Record<string, unknown>;
type Errors = Record<string, string>;

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** A form shows a conflict that names its field (an identifier already used) next to that field. */
const nextToItsField = (error: unknown): never => {
  throw error instanceof DomainError && error.kind === 'conflict' && error.field ? new ValidationFailed([error]) : error;
};

/**
 * The treasurer's management of the department's coops: list, registration with the mandataire's
 * login, identity, password reset, unlock / lock of a closed year, auditors' grants. Every page
 * here is a form: an auditor of the department gets 403, anyone outside it 404.
 */
@Controller('departements/:dept')
@UseGuards(DepartmentScopeGuard)
@Access('identity')
export class CoopsPagesController {
  constructor(
    private readonly page: DepartmentView,
    private readonly admin: CoopAdministration,
    private readonly reads: LedgerReads,
    private readonly membership: MembershipReads,
    private readonly decisions: MembershipDecisions,
    private readonly yearEnd: YearEndReads,
  ) {}

  @Get('cooperatives')
  async list(@Param('dept') department: string, @Res() res: Response) {
    const coops = (await this.page.coops(department)).sort((a, b) => a.name.localeCompare(b.name, 'fr'));
    const rows = await Promise.all(coops.map(async (c) => ({ ...c, logins: await this.admin.logins(c.coopId), href: this.coopHref(department, c.coopId) })));
    this.page.render(res, 'department/coops', department, 'coops', {
      title: `Coopératives du département ${department}`,
      coops: rows,
      newHref: `${departmentBase(department)}/cooperatives/nouvelle`,
    });
  }

  @Get('cooperatives/nouvelle')
  newCoop(@Param('dept') department: string, @Res() res: Response) {
    this.renderNew(res, department, {}, {}, 200);
  }

  @Post('cooperatives')
  async register(@Param('dept') department: string, @Body() body: Form, @CurrentUser() user: SessionUser, @Res() res: Response) {
    const outcome: { created?: { coopId: string; username: string } } = {};
    const refusal = await attempt(async () => {
      outcome.created = await this.admin
        .registerCoop(
          department,
          {
            coopId: body.coopId,
            name: body.name,
            school: body.school,
            uai: body.uai,
            mandataires: body.mandataires,
            username: body.username,
            password: body.password,
            firstYear: text(body.firstYear) || undefined,
          },
          commandContext(user),
        )
        .catch(nextToItsField);
    });
    if (refusal || !outcome.created) return this.renderNew(res, department, refusal?.errors ?? {}, body, refusal?.status ?? 400);
    const { coopId, username } = outcome.created;
    this.page.done(
      res,
      this.coopHref(department, coopId),
      `La coopérative ${coopId} est enregistrée ; son mandataire se connecte avec l'identifiant ${username}.`,
    );
  }

  @Get('cooperatives/:coopId')
  async coop(@Param('dept') department: string, @Param('coopId') coopId: string, @Res() res: Response) {
    await this.renderCoop(res, department, await this.page.coopOf(department, coopId), {}, {}, 200);
  }

  @Post('cooperatives/:coopId/identite')
  async changeIdentity(
    @Param('dept') department: string,
    @Param('coopId') coopId: string,
    @Body() body: Form,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const coop = await this.page.coopOf(department, coopId);
    const refusal = await attempt(() =>
      this.admin.changeIdentity(coopId, { name: body.name, school: body.school, uai: body.uai, mandataires: body.mandataires }, commandContext(user)),
    );
    if (refusal) return this.renderCoop(res, department, coop, refusal.errors, body, refusal.status);
    this.page.done(res, this.coopHref(department, coopId), "L'identité de la coopérative est enregistrée.");
  }

  @Post('cooperatives/:coopId/mot-de-passe')
  async resetPassword(@Param('dept') department: string, @Param('coopId') coopId: string, @Body() body: Form, @Res() res: Response) {
    const coop = await this.page.coopOf(department, coopId);
    const refusal = await attempt(
      () => this.admin.resetPassword(coopId, body.username, body.password),
      (field) => (field === 'password' ? 'newPassword' : (field ?? '_password')),
    );
    if (refusal) return this.renderCoop(res, department, coop, refusal.errors, {}, refusal.status);
    this.page.done(res, this.coopHref(department, coopId), `Le mot de passe de ${text(body.username)} est changé ; ses sessions ouvertes sont fermées.`);
  }

  /** A personal login for a new mandataire (name, e-mail, identifiant, password). */
  @Post('cooperatives/:coopId/mandataires')
  async appoint(
    @Param('dept') department: string,
    @Param('coopId') coopId: string,
    @Body() body: Form,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const coop = await this.page.coopOf(department, coopId);
    const input = { username: body.username, name: body.name, email: body.email, password: body.password };
    const refusal = await attempt(
      () => this.admin.appointMandataire(coopId, input, commandContext(user)),
      (field) => `mandataire_${field ?? 'form'}`,
    );
    if (refusal) {
      const errors = refusal.errors._form ? { mandataire_form: refusal.errors._form, ...refusal.errors } : refusal.errors;
      delete errors._form;
      return this.renderCoop(res, department, coop, errors, {}, refusal.status, input);
    }
    this.page.done(
      res,
      `${this.coopHref(department, coopId)}#mandataires`,
      `${text(body.name)} est mandataire de la coopérative (identifiant ${text(body.username)}).`,
    );
  }

  /** The handover: from the date given (default today) the login no longer opens the coop. */
  @Post('cooperatives/:coopId/mandataires/:username/fin')
  async endMandate(
    @Param('dept') department: string,
    @Param('coopId') coopId: string,
    @Param('username') username: string,
    @Body() body: Form,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const coop = await this.page.coopOf(department, coopId);
    let ended: { until: string } | null = null;
    const refusal = await attempt(async () => {
      ended = await this.admin.endMandate(coopId, username, parseFrenchDate(text(body.date)) ?? body.date, commandContext(user));
    });
    if (refusal) return this.renderCoop(res, department, coop, { mandataire_form: Object.values(refusal.errors)[0] }, {}, refusal.status);
    this.page.done(
      res,
      `${this.coopHref(department, coopId)}#mandataires`,
      `Le mandat de ${username} prend fin le ${formatFrenchDate(ended!.until)} : à partir de ce jour, cet identifiant n'ouvre plus la coopérative.`,
    );
  }

  @Get('cooperatives/:coopId/annees/:year/reouverture')
  async unlockConfirmation(@Param('dept') department: string, @Param('coopId') coopId: string, @Param('year') year: string, @Res() res: Response) {
    const coop = await this.page.coopOf(department, coopId);
    await this.renderLockPage(res, department, coop, yearParam(year), 'unlock', {}, {}, 200);
  }

  @Post('cooperatives/:coopId/annees/:year/reouverture')
  async unlock(
    @Param('dept') department: string,
    @Param('coopId') coopId: string,
    @Param('year') yearText: string,
    @Body() body: Form,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const coop = await this.page.coopOf(department, coopId);
    const year = yearParam(yearText);
    const refusal = await attempt(() => this.admin.unlockYear(coopId, year, body.reason, commandContext(user)));
    if (refusal) return this.renderLockPage(res, department, coop, year, 'unlock', refusal.errors, body, refusal.status);
    this.page.done(
      res,
      this.coopHref(department, coopId),
      `L'exercice ${year}-${year + 1} est rouvert : le mandataire peut y corriger ses écritures. Verrouillez-le ensuite de nouveau.`,
    );
  }

  @Get('cooperatives/:coopId/annees/:year/verrouillage')
  async lockConfirmation(@Param('dept') department: string, @Param('coopId') coopId: string, @Param('year') year: string, @Res() res: Response) {
    const coop = await this.page.coopOf(department, coopId);
    await this.renderLockPage(res, department, coop, yearParam(year), 'lock', {}, {}, 200);
  }

  @Post('cooperatives/:coopId/annees/:year/verrouillage')
  async lock(
    @Param('dept') department: string,
    @Param('coopId') coopId: string,
    @Param('year') yearText: string,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const coop = await this.page.coopOf(department, coopId);
    const year = yearParam(yearText);
    const refusal = await attempt(() => this.admin.lockYear(coopId, year, commandContext(user)));
    if (refusal) return this.renderLockPage(res, department, coop, year, 'lock', refusal.errors, {}, refusal.status);
    this.page.done(
      res,
      this.coopHref(department, coopId),
      `L'exercice ${year}-${year + 1} est de nouveau verrouillé avec ses chiffres corrigés ; l'exercice suivant en reprend les soldes.`,
    );
  }

  /** The AD validates or returns the coop's membership from the coop's own page, as from the list. */
  @Post('cooperatives/:coopId/annees/:year/adhesion/decision')
  async decideMembership(
    @Param('dept') department: string,
    @Param('coopId') coopId: string,
    @Param('year') yearText: string,
    @Body() body: Form,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const coop = await this.page.coopOf(department, coopId);
    const year = yearParam(yearText);
    const outcome = await decideMembershipForm(this.decisions, coopId, year, body, user);
    if (outcome.refusal) {
      const { reason, ...others } = outcome.refusal.errors;
      const errors = { ...(reason ? { membership_reason: reason } : {}), ...(Object.keys(others).length ? { membership_form: Object.values(others)[0] } : {}) };
      return this.renderCoop(res, department, coop, errors, {}, outcome.refusal.status, {}, { year, reason: text(body.reason) });
    }
    this.page.done(res, `${this.coopHref(department, coopId)}#adhesion`, outcome.message);
  }

  // ---- vérificateurs -------------------------------------------------------------------------

  @Get('verificateurs')
  async auditors(@Param('dept') department: string, @Res() res: Response) {
    await this.renderAuditors(res, department, {}, {}, 200);
  }

  @Post('verificateurs')
  async grant(@Param('dept') department: string, @Body() body: Form, @CurrentUser() user: SessionUser, @Res() res: Response) {
    const listed = (value: unknown): string[] => (Array.isArray(value) ? value.map(text) : typeof value === 'string' && value ? [value] : []);
    const username = text(body.username).trim();
    const grants = { coops: listed(body.coops), departments: body.department === 'oui' ? [department] : [] };
    const refusal = await attempt(() => this.admin.grant(department, username, grants, user));
    if (refusal) return this.renderAuditors(res, department, refusal.errors, body, refusal.status);
    this.page.done(res, `${departmentBase(department)}/verificateurs`, `Les droits de lecture de ${username} sont enregistrés.`);
  }

  // ---- rendering -----------------------------------------------------------------------------

  private coopHref(department: string, coopId: string): string {
    return `${departmentBase(department)}/cooperatives/${encodeURIComponent(coopId)}`;
  }

  private renderNew(res: Response, department: string, errors: Errors, input: Form, status: number): void {
    this.page.render(
      res,
      'department/coop-new',
      department,
      'coops',
      {
        title: 'Enregistrer une coopérative',
        errors,
        formError: errors._form,
        input: {
          coopId: text(input.coopId),
          name: text(input.name),
          school: text(input.school),
          uai: text(input.uai),
          mandataires: text(input.mandataires),
          username: text(input.username),
          // Typed by the treasurer for a login not yet created, sent back only to them over the
          // same session: retyping it after a refusal would only invite a mismatch.
          password: text(input.password),
          firstYear: text(input.firstYear),
        },
        currentYear: this.page.currentYear(),
        action: `${departmentBase(department)}/cooperatives`,
        backHref: `${departmentBase(department)}/cooperatives`,
      },
      { status },
    );
  }

  private async renderCoop(
    res: Response,
    department: string,
    coop: CoopDoc,
    errors: Errors,
    input: Form,
    status: number,
    appointment: Form = {},
    decision: { year?: number; reason?: string } = {},
  ): Promise<void> {
    const current = Math.max(coop.firstYear, this.page.currentYear());
    const membershipYear = decision.year ?? this.page.currentYear();
    const [years, logins, mandataires, membership] = await Promise.all([
      this.reads.years(coop.coopId, current),
      this.admin.logins(coop.coopId),
      this.admin.mandataires(coop.coopId),
      this.membership.view(coop.coopId, membershipYear),
    ]);
    const submissions = await this.yearEnd.coopSubmissions(
      coop,
      years.map((y) => y.year),
    );
    const href = this.coopHref(department, coop.coopId);
    const identity = Object.keys(input).length
      ? { name: text(input.name), school: text(input.school), uai: text(input.uai), mandataires: text(input.mandataires) }
      : { name: coop.name, school: coop.school ?? '', uai: coop.uai ?? '', mandataires: coop.mandataires.join(', ') };
    this.page.render(
      res,
      'department/coop',
      department,
      'coops',
      {
        title: coop.name,
        coopInfo: coop,
        identity,
        logins,
        mandataires: mandataires.map((m) => ({
          ...m,
          active: m.until === null,
          endAction: `${href}/mandataires/${encodeURIComponent(m.username)}/fin`,
          fieldId: `fin-${m.username.replace(/[^A-Za-z0-9_-]/g, '_')}`,
        })),
        appointment: {
          username: text(appointment.username),
          name: text(appointment.name),
          email: text(appointment.email),
          password: text(appointment.password),
        },
        appointAction: `${href}/mandataires`,
        errors,
        formError: errors._form ?? errors._password,
        years: years.map((y) => ({
          ...y,
          name: `${y.year}-${y.year + 1}`,
          statusLabel: yearStatusLabel(y.status),
          href: `/coops/${encodeURIComponent(coop.coopId)}/years/${y.year}`,
          submissionHref: `${departmentYearBase(department, y.year)}/depots#depot-${coop.coopId}`,
          submission: submissions.get(y.year),
          submissionLabel: SUBMISSION_FOR_DEPARTMENT[submissions.get(y.year)?.status ?? 'missing'],
          unlockHref: y.status === 'closed' ? `${href}/annees/${y.year}/reouverture` : null,
          lockHref: y.status === 'unlocked' ? `${href}/annees/${y.year}/verrouillage` : null,
        })),
        membership: {
          ...membership,
          yearName: `${membershipYear}-${membershipYear + 1}`,
          statusLabel: membershipStatusLabel(membership.status),
          decideAction: membership.status === 'submitted' ? `${href}/annees/${membershipYear}/adhesion/decision` : null,
          reasonInput: decision.reason ?? '',
          pageHref: `/coops/${encodeURIComponent(coop.coopId)}/years/${membershipYear}/adhesion`,
          listHref: `${departmentYearBase(department, membershipYear)}/adhesions`,
        },
        identityAction: `${href}/identite`,
        passwordAction: `${href}/mot-de-passe`,
        auditHref: auditBase(coop.coopId),
        backHref: `${departmentBase(department)}/cooperatives`,
      },
      { status },
    );
  }

  private async renderLockPage(
    res: Response,
    department: string,
    coop: CoopDoc,
    year: number,
    what: 'unlock' | 'lock',
    errors: Errors,
    input: Form,
    status: number,
  ): Promise<void> {
    const reads = await this.reads.year(coop.coopId, year);
    const checklist = await this.reads.checklist(coop, year, reads.source);
    const href = this.coopHref(department, coop.coopId);
    const closing = reads.notebook.closing;
    this.page.render(
      res,
      what === 'unlock' ? 'department/unlock' : 'department/lock',
      department,
      'coops',
      {
        title: what === 'unlock' ? `Rouvrir l'exercice ${year}-${year + 1}` : `Verrouiller l'exercice ${year}-${year + 1}`,
        coopInfo: coop,
        yearName: `${year}-${year + 1}`,
        nextYearName: `${year + 1}-${year + 2}`,
        status: reads.notebook.status,
        closedOn: closing?.closedOn ? formatFrenchDate(closing.closedOn) : null,
        closing,
        // Locking follows the closing rules; the date and the year's own status do not concern a relock.
        blockers: checklist.blockers.filter((b) => b.code !== 'YEAR_CLOSED').map((b) => ({ ...b, ...explainBlocker(b.code) })),
        reason: text(input.reason),
        errors,
        formError: errors._form,
        action: `${href}/annees/${year}/${what === 'unlock' ? 'reouverture' : 'verrouillage'}`,
        notebookHref: `/coops/${encodeURIComponent(coop.coopId)}/years/${year}`,
        backHref: href,
      },
      { status },
    );
  }

  private async renderAuditors(res: Response, department: string, errors: Errors, input: Form, status: number): Promise<void> {
    const [auditors, coops] = await Promise.all([this.admin.auditorsOf(department), this.page.coops(department)]);
    const chosen = new Set(Array.isArray(input.coops) ? input.coops : typeof input.coops === 'string' ? [input.coops] : []);
    const names = new Map(coops.map((c) => [c.coopId, c.name]));
    this.page.render(
      res,
      'department/auditors',
      department,
      'auditors',
      {
        title: 'Vérificateurs et droits de lecture',
        auditors: auditors.map((a) => ({
          ...a,
          wholeDepartment: a.department === department || a.grants.departments.includes(department),
          coops: a.grants.coops.map((c) => ({ coopId: c, name: names.get(c) ?? c })),
        })),
        coops: coops.sort((a, b) => a.name.localeCompare(b.name, 'fr')).map((c) => ({ coopId: c.coopId, name: c.name, checked: chosen.has(c.coopId) })),
        username: text(input.username),
        wholeDepartment: input.department === 'oui',
        errors,
        formError: errors._form,
        action: `${departmentBase(department)}/verificateurs`,
      },
      { status },
    );
  }
}
