import { Body, Controller, Get, Param, Post, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { commandContext } from '../../commands/command-context';
import { ExecuteMembershipCommand } from '../../commands/membership.commands';
import { ProjectedCommandBus } from '../../commands/projected-command-bus';
import { MANDATAIRE_DUTIES, type MembershipCommand, type MembershipNumbersInput } from '../../domain/membership';
import { parseEuros, formatFieldAmount } from '../../domain/money';
import { MembershipReads, type MembershipView } from '../../reads/membership';
import { membershipStatusLabel } from '../../reads/status-labels';
import { blankForm, field, type FormState } from '../../reads/notebook-models';
import { SessionUser } from '../../users/user-directory';
import { CoopScopeGuard, CurrentUser } from '../auth/guards';
import { canWriteCoop } from '../auth/scope';
import { ApiError } from '../errors.filter';
import { type FieldErrors, type FormBody, text } from './entry-form';
import { attempt, YearContext, YearPages } from './year-page';

const CLASS_FIELDS = ['name', 'level', 'pupils', 'teachers'] as const;
const CLASS_LABELS: Record<(typeof CLASS_FIELDS)[number], string> = { name: 'Classe', level: 'Niveau', pupils: 'Élèves', teachers: 'Enseignants' };
/** Blank rows offered under the classes already entered. */
const BLANK_ROWS = 2;

/** A `classes[i][field]` table: qs gives an array up to 20 rows, an object beyond. */
function tableRows(value: unknown): Record<string, unknown>[] {
  const list = Array.isArray(value) ? value : value && typeof value === 'object' ? Object.values(value as Record<string, unknown>) : [];
  return list.map((r) => (r && typeof r === 'object' ? (r as Record<string, unknown>) : {}));
}

const shownEuros = (cents: number): string => (cents ? formatFieldAmount(cents) : '');

/** The page's field name of a decider's field: classes.0.pupils → classes[0][pupils]. */
const pageField =
  (rowOf: number[]) =>
  (f: string | undefined): string => {
    const m = /^classes\.(\d+)\.(\w+)$/.exec(f ?? '');
    return m ? `classes[${rowOf[Number(m[1])] ?? m[1]}][${m[2]}]` : (f ?? '_form');
  };

/**
 * The mandataire's "Adhésion" page of a year: the classes (a row each, rows added and removed),
 * other adults, magazines, the voluntary contribution, the amounts (updated as numbers are typed
 * by public/membership.js; the form works without it), the engagement, the submission; the AD's
 * return reason on top; once validated, the attestation and the payment entry.
 */
@Controller('coops/:coopId/years/:year')
@UseGuards(CoopScopeGuard)
export class MembershipPagesController {
  constructor(
    private readonly pages: YearPages,
    private readonly commands: ProjectedCommandBus,
    private readonly membership: MembershipReads,
  ) {}

  @Get('adhesion')
  async page(@Param('coopId') coopId: string, @Param('year') year: string, @CurrentUser() user: SessionUser, @Res() res: Response) {
    const ctx = await this.pages.load(coopId, year, user);
    const view = await this.membership.view(coopId, ctx.reads.year);
    const values: Record<string, string> = {
      otherAdults: String(view.otherAdults || ''),
      magazines: String(view.magazines || ''),
      voluntary: shownEuros(view.voluntary),
      name: view.engagement?.name ?? '',
    };
    view.classes.forEach((c, i) => {
      values[`classes[${i}][name]`] = c.name;
      values[`classes[${i}][level]`] = c.level;
      values[`classes[${i}][pupils]`] = String(c.pupils);
      values[`classes[${i}][teachers]`] = String(c.teachers);
    });
    this.render(res, ctx, view, blankForm(values), view.classes.length + BLANK_ROWS, 200);
  }

  @Post('adhesion')
  async save(@Param('coopId') coopId: string, @Param('year') year: string, @Body() body: FormBody, @CurrentUser() user: SessionUser, @Res() res: Response) {
    const ctx = await this.pages.load(coopId, year, user);
    const coop = ctx.reads.coop;
    if (!canWriteCoop(user, { coopId: coop.coopId, department: coop.department })) {
      throw new ApiError(403, { error: 'forbidden', code: 'READ_ONLY', message: 'Votre rôle permet de consulter cette adhésion, pas de la modifier.' });
    }
    const view = await this.membership.view(coopId, ctx.reads.year);
    const values: Record<string, string> = {};
    const errors: FieldErrors = {};
    const classes: Record<string, unknown>[] = [];
    const rowOf: number[] = [];
    let shown = 0;
    for (const raw of tableRows(body.classes)) {
      const typed = Object.fromEntries(CLASS_FIELDS.map((f) => [f, text(raw[f]).trim()]));
      // A removed or blank row leaves the table; the others keep their order, renumbered.
      if (raw.remove !== undefined || CLASS_FIELDS.every((f) => typed[f] === '')) continue;
      const i = shown++;
      for (const f of CLASS_FIELDS) values[`classes[${i}][${f}]`] = typed[f];
      classes.push(typed);
      rowOf.push(i);
    }
    for (const f of ['otherAdults', 'magazines', 'voluntary', 'name'] as const) values[f] = text(body[f]).trim();
    if (body.engaged !== undefined) values.engaged = '1';
    const voluntary = values.voluntary === '' ? 0 : parseEuros(values.voluntary);
    if (voluntary === null || voluntary < 0) errors.voluntary = 'La contribution volontaire : un montant en euros, par exemple « 50 » ou « 12,50 ».';
    const more = body._more !== undefined;
    if (Object.keys(errors).length > 0 || more) return this.render(res, ctx, view, { values, errors }, shown + BLANK_ROWS, more ? 200 : 400);

    const numbers: MembershipNumbersInput = { classes, otherAdults: values.otherAdults, magazines: values.magazines, voluntary };
    const run = (command: MembershipCommand) => this.commands.execute(new ExecuteMembershipCommand(coop.coopId, ctx.reads.year, command, commandContext(user)));
    const sent = body.action === 'submit';
    const refusal = await attempt(async () => {
      if (view.status !== 'submitted' && view.status !== 'validated') await run({ type: 'EnterMembershipNumbers', numbers });
      if (values.engaged === '1' && (!view.engagement || view.engagement.name !== values.name))
        await run({ type: 'GiveMembershipEngagement', name: values.name });
      // Without the engagement the submission is refused with what is missing (ENGAGEMENT_MISSING).
      if (sent) await run({ type: 'SubmitMembership' });
    }, pageField(rowOf));
    if (refusal) {
      const fresh = await this.membership.view(coopId, ctx.reads.year);
      return this.render(res, ctx, fresh, { values, errors: refusal.errors }, shown + BLANK_ROWS, refusal.status);
    }
    this.pages.done(
      res,
      `${ctx.base}/adhesion`,
      sent ? "L'adhésion est envoyée à l'association départementale." : "L'adhésion est enregistrée. Elle n'est pas encore envoyée.",
    );
  }

  private render(res: Response, ctx: YearContext, view: MembershipView & { association: string }, form: FormState, count: number, status: number) {
    const coop = ctx.reads.coop;
    const editable = canWriteCoop(ctx.user, { coopId: coop.coopId, department: coop.department }) && (view.status === 'draft' || view.status === 'returned');
    // Blank rows to type in only where the numbers can still change.
    const rows = Array.from({ length: editable ? Math.max(count, 1) : view.classes.length }, (_, i) => {
      const cell = (f: (typeof CLASS_FIELDS)[number]) => ({
        ...field(form, `classes[${i}][${f}]`, `class-${i}-${f}`),
        label: `${CLASS_LABELS[f]}, ligne ${i + 1}`,
      });
      return { index: i, number: i + 1, name: cell('name'), level: cell('level'), pupils: cell('pupils'), teachers: cell('teachers') };
    });
    const apiBase = `/api/coops/${encodeURIComponent(coop.coopId)}/years/${ctx.reads.year}/membership`;
    const mandataire = canWriteCoop(ctx.user, { coopId: coop.coopId, department: coop.department });
    this.pages.render(
      res,
      ctx,
      'membership',
      {
        title: `Adhésion ${ctx.reads.year}-${ctx.reads.year + 1}`,
        nav: 'adhesion',
        scripts: ['pages.js', 'membership.js'],
        view,
        statusLabel: membershipStatusLabel(view.status),
        editable,
        rows,
        otherAdults: field(form, 'otherAdults'),
        magazines: field(form, 'magazines'),
        voluntary: field(form, 'voluntary'),
        name: field(form, 'name'),
        engaged: form.values.engaged === '1' || (!!view.engagement && form.values.engaged === undefined && Object.keys(form.errors).length === 0),
        engagedError: form.errors.engaged ?? null,
        formError: form.errors._form ?? form.errors.classes ?? null,
        duties: MANDATAIRE_DUTIES,
        rates: view.rates,
        attestationHref: view.status === 'validated' ? `${apiBase}/attestation.pdf` : null,
        paymentHref: view.status === 'validated' && mandataire && ctx.canWrite ? `${ctx.base}/ecritures/nouvelle?adhesion=1` : null,
      },
      { status },
    );
  }
}
