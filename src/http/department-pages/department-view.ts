import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Clock, currentFiscalYear } from '../../domain/fiscal-year';
import { blockerSentence } from '../../reads/department-views';
import { CoopDoc } from '../../projections/coops.projection';
import { ReadStore } from '../../projections/read-store';
import { CLOCK, READ_STORE } from '../../tokens';
import { canManageDepartment } from '../auth/scope';
import { SessionUser } from '../../users/user-directory';
import { notFound } from '../errors.filter';
import { RenderOptions, Views } from '../views';
import '../pages/year-page';

export const departmentBase = (department: string): string => `/departements/${encodeURIComponent(department)}`;
export const departmentYearBase = (department: string, year: number): string => `${departmentBase(department)}/annees/${year}`;
export const auditBase = (coopId: string): string => `/audit/coops/${encodeURIComponent(coopId)}`;

/** A blocker's code with the board's French sentence for it (see blockerSentence). */
export const explainBlocker = (code: string, year?: number): { code: string; explanation: string } => ({
  code,
  explanation: blockerSentence(code, year),
});

/** The years a department page offers: from its oldest coop's first year to the current one. */
export function yearChoices(coops: readonly CoopDoc[], current: number, selected: number): Array<{ year: number; name: string; selected: boolean }> {
  const first = Math.min(current, selected, ...coops.map((c) => c.firstYear));
  const years = [];
  for (let y = Math.max(current, selected); y >= first; y--) years.push({ year: y, name: `${y}-${y + 1}`, selected: y === selected });
  return years;
}

/**
 * The layout's model for the department's pages: navigation by role (a reader sees the board and
 * the accounts; the treasurer also coops, chart and auditors), the flash message of a saved form.
 */
@Injectable()
export class DepartmentView {
  constructor(
    private readonly views: Views,
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  currentYear(): number {
    return currentFiscalYear(this.clock);
  }

  coops(department: string): Promise<CoopDoc[]> {
    return this.store.find<CoopDoc>('coops', { where: { department } });
  }

  /** The coop when it belongs to the department; otherwise, as for anything out of scope, 404. */
  async coopOf(department: string, coopId: string): Promise<CoopDoc> {
    const coop = await this.store.get<CoopDoc>('coops', coopId);
    if (!coop || coop.department !== department) throw notFound();
    return coop;
  }

  render(res: Response, template: string, department: string, nav: string, model: Record<string, unknown>, options: RenderOptions = {}): void {
    const req = res.req as Request;
    const user = req.user as SessionUser;
    const base = departmentBase(department);
    const year = typeof model.year === 'number' ? model.year : this.currentYear();
    const links = [
      { key: 'board', href: `${departmentYearBase(department, year)}/tableau`, label: 'Tableau de bord' },
      { key: 'completeness', href: `${departmentYearBase(department, year)}/completude`, label: 'Bilans' },
      // Where the treasurer accepts or returns what the coops sent.
      { key: 'submissions', href: `${departmentYearBase(department, year)}/depots`, label: 'Dépôts' },
      { key: 'memberships', href: `${departmentYearBase(department, year)}/adhesions`, label: 'Adhésions' },
      { key: 'balance', href: `${departmentYearBase(department, year)}/balance`, label: 'Balance consolidée' },
      { key: 'accounts', href: `${departmentYearBase(department, year)}/comptes`, label: 'Comptes agrégés' },
    ];
    const manages = canManageDepartment(user, department);
    if (manages) {
      links.push(
        { key: 'coops', href: `${base}/cooperatives`, label: 'Coopératives' },
        { key: 'chart', href: `${departmentYearBase(department, year)}/plan-comptable`, label: 'Plan comptable' },
        { key: 'auditors', href: `${base}/verificateurs`, label: 'Vérificateurs' },
        { key: 'association', href: `${base}/association`, label: 'Association' },
        { key: 'messages', href: `${base}/messages`, label: 'Messages' },
      );
    }
    this.views.render(
      res,
      template,
      {
        department,
        departmentBase: base,
        manages,
        navLinks: links.map((l) => ({ ...l, current: l.key === nav })),
        ...model,
      },
      options,
    );
  }

  /** After a saved form: a message for the next page, and the redirect (post → redirect → get). */
  done(res: Response, location: string, message: string): void {
    this.views.redirectWithMessage(res, location, message);
  }
}
