import { Body, Controller, Get, Inject, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import { Clock, formatFrenchDate, today } from '../../domain/fiscal-year';
import { departmentIdentity } from '../../projections/departments.projection';
import { ReadStore } from '../../projections/read-store';
import { submissionDueOn } from '../../domain/ledger';
import { COMPLETENESS_FILTERS, completenessCounts, filterCompleteness, submittedOn } from '../../reads/completeness';
import { DepartmentAccounts } from '../../reads/department-accounts';
import { SUBMISSION_FOR_DEPARTMENT } from '../../reads/status-labels';
import { accountLabel } from '../../reads/trial-balance';
import { chartFor } from '../../projections/charts.projection';
import { CLOCK, READ_STORE } from '../../tokens';
import { CurrentUser, DepartmentScopeGuard } from '../auth/guards';
import { canManageDepartment } from '../auth/scope';
import { DEPARTMENT_MESSAGE_MAX, DepartmentMessages } from '../department-messages';
import { type FormBody, text } from '../pages/entry-form';
import { SessionUser } from '../../users/user-directory';
import { plural } from '../../reads/words';
import { filtersParam, scopeParam } from '../department-accounts-api.controller';
import { notFound } from '../errors.filter';
import { pageAsOf, yearParam } from '../params';
import { parisMoment } from '../../reads/audit-views';
import { PrintService } from '../print.service';
import { aggregatedResult } from '../../reads/trial-balance';
import { DepartmentView, departmentYearBase, yearChoices } from './department-view';

/** The message form's one-time id (a UUID, made when the page is shown). */
const SEND_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const FILTER_LABELS: Record<string, string> = {
  final: 'Définitives',
  provisional: 'Provisoires',
  missing: 'Bilan non envoyé',
  submitted: 'À examiner',
  accepted: 'Acceptés',
  returned: 'Renvoyés',
  documentsMissing: 'Pièces manquantes',
  late: 'En retard',
};

/**
 * The department's accounts for its statutory auditor: the consolidated trial balance with its
 * drill-down to each coop and its entries, its PDF, and the completeness of the coops' year's end.
 * The treasurer and the department's auditor read them.
 */
@Controller('departements/:dept/annees/:year')
@UseGuards(DepartmentScopeGuard)
export class AccountsPagesController {
  constructor(
    private readonly page: DepartmentView,
    private readonly accounts: DepartmentAccounts,
    private readonly print: PrintService,
    private readonly messages: DepartmentMessages,
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('balance')
  async balance(
    @Param('dept') department: string,
    @Param('year') yearText: string,
    @Query('scope') scopeText: string | undefined,
    @Query('asOf') asOfText: unknown,
    @Res() res: Response,
  ) {
    const year = yearParam(yearText);
    const scope = scopeParam(scopeText);
    const asOf = pageAsOf(asOfText);
    const [coops, view, association] = await Promise.all([
      this.page.coops(department),
      this.accounts.trialBalance(department, year, scope, asOf),
      departmentIdentity(this.store, department),
    ]);
    const base = departmentYearBase(department, year);
    const api = `/api/departments/${encodeURIComponent(department)}/years/${year}`;
    const suffix = query({ scope: scope === 'final' ? 'final' : null, asOf });
    const asOfSuffix = query({ asOf });
    this.page.render(res, 'department/trial-balance', department, 'balance', {
      title: `Balance consolidée ${year}-${year + 1}${asOf ? ` au ${parisMoment(asOf)}` : ''}`,
      asOfLabel: asOf ? parisMoment(asOf) : null,
      year,
      yearName: `${year}-${year + 1}`,
      previousYearName: `${year - 1}-${year}`,
      years: yearChoices(coops, this.page.currentYear(), year).map((y) => ({ ...y, href: `${departmentYearBase(department, y.year)}/balance${suffix}` })),
      association,
      view,
      finalScope: scope === 'final',
      accounts: view.accounts.map((a) => ({ ...a, href: `${base}/balance/comptes/${encodeURIComponent(a.account)}${suffix}` })),
      balanced: view.totals.debit === view.totals.credit && view.totals.closing.debit === view.totals.closing.credit,
      allHref: `${base}/balance${asOfSuffix}`,
      finalHref: `${base}/balance${query({ scope: 'final', asOf })}`,
      xlsxHref: `${api}/trial-balance.xlsx${suffix}`,
      pdfHref: `${base}/balance.pdf${suffix}`,
      fecHref: `${api}/fec.txt${asOfSuffix}`,
      noticeHref: `${api}/fec-notice.txt${asOfSuffix}`,
      accountsHref: `${base}/comptes${suffix}`,
    });
  }

  @Get('balance.pdf')
  async balancePdf(
    @Param('dept') department: string,
    @Param('year') yearText: string,
    @Query('scope') scopeText: string | undefined,
    @Query('asOf') asOfText: unknown,
    @Res() res: Response,
  ) {
    const year = yearParam(yearText);
    const scope = scopeParam(scopeText);
    const asOf = pageAsOf(asOfText);
    const [view, association] = await Promise.all([this.accounts.trialBalance(department, year, scope, asOf), departmentIdentity(this.store, department)]);
    const result = aggregatedResult(view);
    const yearName = `${year}-${year + 1}`;
    await this.print.send(res, {
      template: 'trial-balance',
      // Six columns, five of them amounts: landscape, so that the accounts' names are not cut into lines.
      landscape: true,
      layout: true,
      model: {
        coop: { name: association?.name ?? `Département ${department}`, school: association ? `SIREN ${association.siren}` : null },
        yearName,
        previousYearName: `${year - 1}-${year}`,
        association,
        view,
        result,
        chargesWithout: result.totalCharges - result.internalCharges,
        productsWithout: result.totalProducts - result.internalProducts,
        finalScope: scope === 'final',
        printedOn: formatFrenchDate(today(this.clock)),
      },
      title: `Balance générale consolidée ${yearName}${asOf ? ` au ${parisMoment(asOf)}` : ''}`,
      footer: `Département ${department} — exercice ${yearName}`,
      fileName: `balance-consolidee-${department}-${year}.pdf`,
    });
  }

  @Get('balance/comptes/:account')
  async balanceAccount(
    @Param('dept') department: string,
    @Param('year') yearText: string,
    @Param('account') account: string,
    @Query('scope') scopeText: string | undefined,
    @Query('asOf') asOfText: unknown,
    @Res() res: Response,
  ) {
    const year = yearParam(yearText);
    const scope = scopeParam(scopeText);
    const asOf = pageAsOf(asOfText);
    const view = await this.accounts.trialBalance(department, year, scope, asOf);
    const line = view.accounts.find((a) => a.account === account);
    if (!line) throw notFound();
    const base = departmentYearBase(department, year);
    const suffix = query({ scope: scope === 'final' ? 'final' : null, asOf });
    this.page.render(res, 'department/trial-balance-account', department, 'balance', {
      title: `Compte ${line.account} — balance consolidée`,
      year,
      yearName: `${year}-${year + 1}`,
      line,
      finalScope: scope === 'final',
      coops: view.byCoop
        .filter((c) => c.accounts[account])
        .map((c) => ({
          coopId: c.coopId,
          name: c.name,
          final: c.final,
          reserves: c.reserves,
          ...c.accounts[account],
          href: `${base}/balance/cooperatives/${encodeURIComponent(c.coopId)}${query({ asOf })}`,
        })),
      backHref: `${base}/balance${suffix}`,
    });
  }

  @Get('balance/cooperatives/:coopId')
  async balanceCoop(
    @Param('dept') department: string,
    @Param('year') yearText: string,
    @Param('coopId') coopId: string,
    @Query('asOf') asOfText: unknown,
    @Res() res: Response,
  ) {
    const year = yearParam(yearText);
    const asOf = pageAsOf(asOfText);
    const coop = await this.page.coopOf(department, coopId);
    const [view, chart] = await Promise.all([this.accounts.trialBalance(department, year, 'all', asOf), chartFor(this.store, department, year)]);
    const balance = view.byCoop.find((c) => c.coopId === coopId);
    if (!balance) throw notFound();
    this.page.render(res, 'department/trial-balance-coop', department, 'balance', {
      title: `${coop.name} — balance ${year}-${year + 1}`,
      year,
      yearName: `${year}-${year + 1}`,
      coop,
      final: balance.final,
      reserves: balance.reserves,
      accounts: Object.keys(balance.accounts)
        .sort()
        .map((account) => ({ account, label: accountLabel(chart, account), ...balance.accounts[account] })),
      entriesHref: `/coops/${encodeURIComponent(coopId)}/years/${year}/cahier`,
      backHref: `${departmentYearBase(department, year)}/balance${query({ asOf })}`,
    });
  }

  @Get('completude')
  async completeness(
    @Param('dept') department: string,
    @Param('year') yearText: string,
    @Query('filter') filter: unknown,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    await this.renderCompleteness(res, department, yearParam(yearText), filtersParam(filter), user, null);
  }

  /** The AD's message to every coop whose submission is missing: one letter per mandataire in office, through the outbox. */
  @Post('completude/message')
  async messageMissing(
    @Param('dept') department: string,
    @Param('year') yearText: string,
    @Body() body: FormBody,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const year = yearParam(yearText);
    const typed = text(body.text).trim();
    const sendId = text(body.sendId);
    const error = !typed
      ? 'Écrivez le message à envoyer.'
      : typed.length > DEPARTMENT_MESSAGE_MAX
        ? `Le message dépasse ${DEPARTMENT_MESSAGE_MAX.toLocaleString('fr-FR')} caractères : raccourcissez-le.`
        : null;
    // A form without its id (an old page) gets a new one: sent from this page once.
    const id = SEND_ID.test(sendId) ? sendId : randomUUID();
    if (error)
      return this.renderCompleteness(res, department, year, [], user, { text: text(body.text).slice(0, DEPARTMENT_MESSAGE_MAX * 2), sendId: id, error }, 400);
    const sent = await this.messages.send(department, year, typed, id);
    const written =
      sent.coops === 0
        ? "Aucune coopérative sans bilan n'a de mandataire avec une adresse électronique : aucun message n'est parti."
        : `Message écrit aux mandataires de ${plural(sent.coops, 'coopérative')} sans bilan (${plural(sent.letters, 'message')} dans la file d'envoi).`;
    const unreachable = sent.unreachable.length ? ` Sans adresse, à joindre autrement : ${sent.unreachable.join(', ')}.` : '';
    this.page.done(res, `${departmentYearBase(department, year)}/completude`, written + unreachable);
  }

  private async renderCompleteness(
    res: Response,
    department: string,
    year: number,
    filters: ReturnType<typeof filtersParam>,
    user: SessionUser,
    message: { text: string; sendId: string; error: string | null } | null,
    status = 200,
  ) {
    const [coops, all] = await Promise.all([this.page.coops(department), this.accounts.completeness(department, year, today(this.clock))]);
    const counts = completenessCounts(all);
    const base = departmentYearBase(department, year);
    const query = new URLSearchParams(filters.map((f): [string, string] => ['filter', f])).toString();
    const dueOn = formatFrenchDate(submissionDueOn(year));
    this.page.render(
      res,
      'department/completeness',
      department,
      'completeness',
      {
        title: `Bilans des coopératives ${year}-${year + 1}`,
        year,
        yearName: `${year}-${year + 1}`,
        years: yearChoices(coops, this.page.currentYear(), year).map((y) => ({ ...y, href: `${departmentYearBase(department, y.year)}/completude` })),
        counts,
        dueOn,
        filters: COMPLETENESS_FILTERS.map((f) => ({ value: f, label: FILTER_LABELS[f], checked: filters.includes(f), count: counts[f] })),
        rows: filterCompleteness(all, filters).map((r) => ({ ...r, submissionLabel: SUBMISSION_FOR_DEPARTMENT[r.submission], submittedOn: submittedOn(r) })),
        action: `${base}/completude`,
        csvHref: `/api/departments/${encodeURIComponent(department)}/years/${year}/completeness.csv${query ? `?${query}` : ''}`,
        balanceHref: `${base}/balance?scope=final`,
        submissionsHref: `${base}/depots`,
        // The AD writes to the coops still missing their submission (the treasurer and the admin, not the auditor).
        message:
          canManageDepartment(user, department) && counts.missing > 0
            ? {
                action: `${base}/completude/message`,
                sendId: message?.sendId ?? randomUUID(),
                text:
                  message?.text ??
                  `Le bilan ${year}-${year + 1} de votre coopérative (compte rendu financier, quitus des vérificateurs, relevé de fin d'exercice) n'est pas encore parvenu à l'association départementale. L'échéance est le ${dueOn}. Merci de l'envoyer depuis Cahier Coop au plus vite, ou de nous dire ce qui vous en empêche.`,
                error: message?.error ?? null,
              }
            : null,
      },
      { status },
    );
  }
}

/** A page's query string of the parameters given (none: ''). */
function query(params: Record<string, string | null>): string {
  const given = Object.entries(params).filter((p): p is [string, string] => p[1] !== null);
  return given.length ? `?${new URLSearchParams(given).toString()}` : '';
}
