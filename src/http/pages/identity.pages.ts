import { Body, Controller, Get, Param, Post, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { commandContext } from '../../commands/command-context';
import { ChangeCoopContact } from '../../commands/coop.commands';
import { ProjectedCommandBus } from '../../commands/projected-command-bus';
import { DomainError } from '../../domain/errors';
import { blankForm, field, FormState } from '../../reads/notebook-models';
import { LedgerReads } from '../../reads/ledger-reads';
import { SessionUser } from '../../users/user-directory';
import { canWriteCoop } from '../auth/scope';
import { CoopScopeGuard, CurrentUser } from '../auth/guards';
import { FormBody, text } from './entry-form';
import { attempt, coopBase, YearContext, YearPages } from './year-page';

const CONTACT_FIELDS = ['address', 'phone', 'email', 'mandataires'] as const;

/**
 * "Identité de la coop." (the guide, section 9): what the departmental association keeps (name,
 * school, UAI…) shown read-only, and the fields it leaves to the mandataire — the school's
 * address, phone and e-mail, the mandataires' names — changed by ChangeCoopContact.
 */
@Controller('coops/:coopId/identite')
@UseGuards(CoopScopeGuard)
export class IdentityPagesController {
  constructor(
    private readonly pages: YearPages,
    private readonly reads: LedgerReads,
    private readonly commands: ProjectedCommandBus,
  ) {}

  @Get()
  async identity(@Param('coopId') coopId: string, @CurrentUser() user: SessionUser, @Res() res: Response) {
    const ctx = await this.context(coopId, user);
    const { coop } = ctx.reads;
    this.render(
      res,
      ctx,
      blankForm({ address: coop.address ?? '', phone: coop.phone ?? '', email: coop.email ?? '', mandataires: coop.mandataires.join('\n') }),
      200,
    );
  }

  @Post()
  async change(@Param('coopId') coopId: string, @Body() body: FormBody, @CurrentUser() user: SessionUser, @Res() res: Response) {
    // CoopScopeGuard lets through only who may change the coop (its mandataire, an admin): others get 403.
    const ctx = await this.context(coopId, user);
    const values = Object.fromEntries(CONTACT_FIELDS.map((f) => [f, text(body[f]).trim()]));
    const refusal = await attempt(() =>
      this.commands.execute(new ChangeCoopContact(coopId, { type: 'ChangeCoopContact', contact: values }, commandContext(user))),
    );
    if (refusal) return this.render(res, ctx, { values, errors: refusal.errors }, refusal.status);
    this.pages.done(res, `${coopBase(coopId)}/identite`, "L'identité de la coopérative est enregistrée.");
  }

  /** The page sits in the coop's current year (its header, its menu), as the archives do. */
  private async context(coopId: string, user: SessionUser): Promise<YearContext> {
    const source = await this.reads.source(coopId);
    const coop = await source.get<{ firstYear: number } & Record<string, unknown>>('coops', coopId);
    if (!coop) throw new DomainError('NOT_FOUND', 'Coopérative introuvable.', undefined, 'not_found');
    return this.pages.load(coopId, String(this.pages.currentYear(coop.firstYear)), user);
  }

  /** The coop's mandataire (or an admin); the treasurer keeps the AD's fields on the department's pages. */
  private mayChange(ctx: YearContext): boolean {
    return canWriteCoop(ctx.user, { coopId: ctx.reads.coop.coopId, department: ctx.reads.coop.department });
  }

  private render(res: Response, ctx: YearContext, form: FormState, status: number): void {
    const { coop } = ctx.reads;
    this.pages.render(
      res,
      ctx,
      'identity',
      {
        title: 'Identité de la coopérative',
        nav: 'identite',
        kept: [
          { label: 'N° de la coopérative', value: coop.coopId },
          { label: 'Nom', value: coop.name },
          { label: 'École', value: coop.school },
          { label: 'Code UAI', value: coop.uai },
          { label: 'Association départementale', value: `OCCE ${coop.department}` },
          { label: 'Premier exercice dans Cahier Coop', value: `${coop.firstYear}-${coop.firstYear + 1}` },
        ],
        mayChange: this.mayChange(ctx),
        fields: Object.fromEntries(CONTACT_FIELDS.map((f) => [f, field(form, f)])),
        formError: form.errors._form ?? null,
      },
      { status },
    );
  }
}
