import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { commandContext } from '../../commands/command-context';
import { ExecuteLedgerCommand } from '../../commands/ledger.commands';
import { DomainError } from '../../domain/errors';
import { Clock, currentFiscalYear } from '../../domain/fiscal-year';
import { ClosingChecklist, Issue, type LedgerCommand } from '../../domain/ledger';
import { WrongExpectedRevision } from '../../events/event-store';
import { CLOCK } from '../../tokens';
import { canWriteCoop } from '../auth/scope';
import { ApiError } from '../errors.filter';
import { SessionUser } from '../../users/user-directory';
import { yearParam } from '../params';
import { DocSource, LedgerReads, YearReads, YearSummary } from '../../reads/ledger-reads';
import { entriesWithoutInventory } from '../../reads/inventory';
import { RenderOptions, Views } from '../views';
import { FieldErrors, fieldErrorsOf } from './entry-form';

declare module 'express-session' {
  interface SessionData {
    /** One message for the next page after a form was saved (post → redirect → get). */
    flash?: string;
  }
}

export const coopBase = (coopId: string): string => `/coops/${encodeURIComponent(coopId)}`;
export const yearBase = (coopId: string, year: number): string => `${coopBase(coopId)}/years/${year}`;

/** One fiscal year of one coop as a page sees it. */
export interface YearContext {
  reads: YearReads & { source: DocSource };
  user: SessionUser;
  base: string;
  /** The user may change this year: their coop, and the year not closed. */
  canWrite: boolean;
  closed: boolean;
  /** The coop's years, first to current (and this one when later): the header's year switcher. */
  years: YearSummary[];
}

/**
 * Where a mandataire lands: the oldest year still open before the current one (it needs its
 * opening or its closing), else the current year.
 */
export function landingYear(years: YearSummary[], current: number): number {
  const waiting = years.filter((y) => y.year < current && y.status !== 'closed').sort((a, b) => a.year - b.year);
  return waiting[0]?.year ?? current;
}

/** A page path of the year that makes sense in another year too ('/cahier', not '/ecritures/<id>'). */
const samePageIn = (path: string, base: string): string => {
  const rest = path.startsWith(base) ? path.slice(base.length) : '';
  return /^\/[a-z-]+$/.test(rest) && rest !== '/ecritures' ? rest : '';
};

/** Where each checklist item is fixed (Issue.fix). */
const FIX_PATHS: Record<string, { path: string; label: string }> = {
  pointage: { path: 'cahier', label: 'Pointer les écritures' },
  saisie: { path: 'cahier', label: 'Corriger dans le cahier' },
  caisse: { path: 'caisse', label: "Faire l'arrêté de caisse" },
  subventions: { path: 'subventions', label: 'Compléter le tableau des subventions' },
  regies: { path: 'regies', label: "Voir les régies d'avance" },
  inventaire: { path: 'inventaire', label: "Compléter le cahier d'inventaire" },
  cloture: { path: 'cloture', label: 'Voir la clôture' },
  releves: { path: 'releves', label: 'Importer ou saisir le relevé' },
  ouverture: { path: 'ouverture', label: "Saisir l'existence au début de l'exercice" },
  quitus: { path: 'quitus', label: 'Inviter les vérificateurs' },
  depot: { path: 'depot', label: 'Compléter le dossier' },
};

export const issueLinks = (issues: Issue[], base: string) =>
  issues.map((i) => {
    const fix = i.fix ? FIX_PATHS[i.fix] : undefined;
    return { ...i, href: fix ? `${base}/${fix.path}` : null, linkLabel: fix?.label ?? null };
  });

/**
 * A year the AD reopened for a correction: the mandataire corrects, the AD locks it again (the
 * decider refuses CloseYear while unlocked). Each reads only their own part.
 */
function reopenedRoles(ctx: YearContext, reason: string | null) {
  const coop = ctx.reads.coop;
  const locks = canWriteCoop(ctx.user, { coopId: coop.coopId, department: coop.department }, 'lock');
  return {
    reason,
    corrects: ctx.canWrite,
    lockHref:
      locks && coop.department
        ? `/departements/${encodeURIComponent(coop.department)}/cooperatives/${encodeURIComponent(coop.coopId)}/annees/${ctx.reads.year}/verrouillage`
        : null,
  };
}

const NAV: Array<{ key: string; path: string; label: string }> = [
  { key: 'year', path: '', label: 'Tableau de bord' },
  { key: 'cahier', path: '/cahier', label: 'Cahier' },
  { key: 'saisie', path: '/ecritures/nouvelle', label: 'Nouvelle écriture' },
  { key: 'encaissements', path: '/encaissements', label: 'Encaissements' },
  { key: 'caisse', path: '/caisse', label: 'Caisse' },
  { key: 'releves', path: '/releves', label: 'Relevés' },
  { key: 'cloture', path: '/cloture', label: 'Clôture' },
  { key: 'adhesion', path: '/adhesion', label: 'Adhésion' },
];

/**
 * What every page of a year needs: the reads, the user's rights, the layout's model (coop, year,
 * navigation, flash message, pages.js), and the handling of a refused form.
 */
@Injectable()
export class YearPages {
  constructor(
    private readonly reads: LedgerReads,
    private readonly views: Views,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async load(coopId: string, year: string, user: SessionUser): Promise<YearContext> {
    const reads = await this.reads.year(coopId, yearParam(year));
    const closed = reads.notebook.status === 'closed';
    const mayWrite = canWriteCoop(user, { coopId, department: reads.coop.department });
    const years = await this.reads.years(coopId, Math.max(reads.year, this.currentYear(reads.coop.firstYear)));
    return { reads, user, base: yearBase(coopId, reads.year), canWrite: mayWrite && !closed, closed, years };
  }

  /** The alerts of the year while its books are kept (warnings, including those that will block the closing). */
  async alerts(ctx: YearContext) {
    const alerts = issueLinks(await this.reads.alerts(ctx.reads.coop, ctx.reads.year, ctx.reads.source), ctx.base);
    // "Inscrire ce bien": the inventory form filled from each purchase the warning names.
    const register = (code: string) =>
      code === 'INVENTORY_MISSING' && ctx.canWrite
        ? entriesWithoutInventory(ctx.reads.notebook, ctx.reads.chart).map((e) => ({
            href: `${ctx.base}/inventaire?ecriture=${encodeURIComponent(e.entryId)}#inscrire`,
            label: `Inscrire ce bien (PJ ${e.pj})`,
          }))
        : [];
    return alerts.map((a) => ({ ...a, actions: register(a.code) }));
  }

  /** The year a mandataire lands on for their coop. */
  async landing(coopId: string, firstYear: number): Promise<number> {
    const current = this.currentYear(firstYear);
    return landingYear(await this.reads.years(coopId, current), current);
  }

  checklist(ctx: YearContext): Promise<ClosingChecklist> {
    return this.reads.checklist(ctx.reads.coop, ctx.reads.year, ctx.reads.source);
  }

  currentYear(firstYear: number): number {
    return Math.max(firstYear, currentFiscalYear(this.clock));
  }

  render(res: Response, ctx: YearContext, template: string, model: Record<string, unknown>, options: RenderOptions = {}): void {
    const nav = typeof model.nav === 'string' ? model.nav : '';
    const path = samePageIn((res.req as Request).path, ctx.base);
    const { notebook } = ctx.reads;
    this.views.render(
      res,
      `pages/${template}`,
      {
        coop: ctx.reads.coop,
        year: ctx.reads.year,
        yearName: `${ctx.reads.year}-${ctx.reads.year + 1}`,
        base: ctx.base,
        canWrite: ctx.canWrite,
        closed: ctx.closed,
        scripts: ['pages.js', 'pointage.js'],
        reopened: notebook.status === 'unlocked' ? reopenedRoles(ctx, notebook.unlockedReason) : null,
        navLinks: NAV.filter((n) => ctx.canWrite || n.key !== 'saisie').map((n) => ({ href: `${ctx.base}${n.path}`, label: n.label, current: n.key === nav })),
        yearLinks: [...ctx.years].reverse().map((y) => ({
          name: `${y.year}-${y.year + 1}`,
          href: `${yearBase(ctx.reads.coop.coopId, y.year)}${path}`,
          current: y.year === ctx.reads.year,
          closed: y.status === 'closed',
        })),
        ...model,
      },
      options,
    );
  }

  /** After a saved form: a message for the next page, and the redirect. */
  done(res: Response, location: string, message: string): void {
    this.views.redirectWithMessage(res, location, message);
  }

  /**
   * A button that changes one thing and goes back where it was pressed (the form's `return`, else
   * `fallback`); a refusal is a message there. A page's script asking for JSON (public/pointage.js)
   * gets `{ ok, message }` and what `answer` adds instead, and its page stays as it is.
   */
  async oneClick(
    res: Response,
    ctx: YearContext,
    body: Record<string, unknown>,
    fallback: string,
    run: () => Promise<unknown>,
    success: string,
    answer?: () => Promise<Record<string, unknown>>,
  ): Promise<void> {
    const refusal = await attempt(run);
    const message = refusal ? Object.values(refusal.errors)[0] : success;
    if ((res.req as Request).accepts(['html', 'json']) === 'json') {
      res.status(refusal ? refusal.status : 200).json({ ok: !refusal, message, ...(!refusal && answer ? await answer() : {}) });
      return;
    }
    this.done(res, returnTo(body, ctx.base, fallback), message);
  }
}

export interface Refusal {
  status: number;
  errors: FieldErrors;
  /** The stale-edit case: someone changed the entry since the form was shown. */
  stale: boolean;
}

/**
 * Runs a command for a form. A refusal the user can act on (bad input, a conflict) comes back as
 * field errors for the form; anything else (not found, forbidden, outage) goes to the error page.
 */
export async function attempt(run: () => Promise<unknown>, fieldOf?: (field: string | undefined) => string): Promise<Refusal | null> {
  try {
    await run();
    return null;
  } catch (error) {
    if (error instanceof WrongExpectedRevision) {
      return { status: 409, stale: true, errors: { _form: "Quelqu'un a modifié ces données entre-temps. Rechargez la page et recommencez." } };
    }
    if (!(error instanceof DomainError) || (error.kind !== 'invalid' && error.kind !== 'conflict')) throw error;
    const errors = error.kind === 'conflict' ? { _form: error.message } : fieldErrorsOf(error, fieldOf);
    return { status: error.kind === 'conflict' ? 409 : 400, stale: error.code === 'STALE_REVISION', errors };
  }
}

/** A `return` field naming a page of the same year, or the fallback. */
export function returnTo(body: Record<string, unknown> | undefined, base: string, fallback: string): string {
  const wanted = typeof body?.return === 'string' ? body.return : '';
  return wanted.startsWith(`${base}/`) || wanted === base ? wanted.replace(/[^\w\-./?=&%#]/g, '') : fallback;
}

/** Forms are for those who may write; others get the same answer as the JSON API (403), a closed year 409. */
/** A command on the page's year, on behalf of the user who sent the form. */
export const yearCommand = (ctx: YearContext, command: LedgerCommand): ExecuteLedgerCommand =>
  new ExecuteLedgerCommand(ctx.reads.coop.coopId, ctx.reads.year, command, commandContext(ctx.user));

export function requireWrite(ctx: YearContext): void {
  if (ctx.canWrite) return;
  if (ctx.closed)
    throw new DomainError(
      'YEAR_CLOSED',
      `L'exercice ${ctx.reads.year}-${ctx.reads.year + 1} est clôturé : il ne peut plus être modifié.`,
      undefined,
      'conflict',
    );
  throw new ApiError(403, { error: 'forbidden', code: 'READ_ONLY', message: 'Votre rôle permet de consulter ces comptes, pas de les modifier.' });
}
