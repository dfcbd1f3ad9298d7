import { Body, Controller, Get, Param, Post, Query, Res, UseGuards, Inject } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import { ProjectedCommandBus } from '../../commands/projected-command-bus';
import { Clock, isInYear, parseFrenchDate, today, yearEnd, yearStart } from '../../domain/fiscal-year';
import { formatEuros, formatFieldAmount } from '../../domain/money';
import { FAMILY_ACCOUNT } from '../../domain/payments/decide';
import { type PaymentInput } from '../../domain/payments/commands';
import { type PaymentMode } from '../../events/payment-events';
import { accountGroups, blankForm, field, type FormState } from '../../reads/notebook-models';
import {
  actionPayments,
  depositChoice,
  filterPayments,
  paymentChoices,
  type PaymentFilters,
  PaymentReads,
  type PaymentRow,
  paymentListRows,
} from '../../reads/payments';
import { plural } from '../../reads/words';
import { CLOCK } from '../../tokens';
import { SessionUser } from '../../users/user-directory';
import { CoopScopeGuard, CurrentUser } from '../auth/guards';
import { amountOf, type FieldErrors, type FormBody, text } from './entry-form';
import { attempt, requireWrite, type YearContext, YearPages, yearCommand } from './year-page';

/** The payment form's fields, in the order a teacher types them at the classroom door. */
const PAYMENT_FIELDS = ['payer', 'pupil', 'amount', 'mode', 'chequeNo', 'bank', 'class', 'action', 'date', 'account'] as const;
/** What the next payment keeps of the one just recorded: the outing, the class, the day, the mode. */
const KEPT_FIELDS = ['class', 'action', 'date', 'account', 'mode'] as const;
const MODES: Array<{ value: PaymentMode; label: string }> = [
  { value: 'cheque', label: 'Chèque' },
  { value: 'cash', label: 'Espèces' },
];
const modeOf = (value: unknown): PaymentMode | null => (value === 'cheque' || value === 'cash' ? value : null);
const isoOf = (typed: string): string => parseFrenchDate(typed) ?? typed;
const queryText = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, 100) : null);

/**
 * "Encaissements": the families' payments of a year (a fast form for many in a row, the list and
 * its filters, the receipts), the deposit slips ("Préparer une remise") and, per action, who paid.
 * Every change goes through the ledger's commands, as the API's.
 */
@Controller('coops/:coopId/years/:year')
@UseGuards(CoopScopeGuard)
export class PaymentsPagesController {
  constructor(
    private readonly pages: YearPages,
    private readonly commands: ProjectedCommandBus,
    private readonly payments: PaymentReads,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('encaissements')
  async page(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Query() query: Record<string, unknown>,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const ctx = await this.pages.load(coopId, year, user);
    const rows = await this.payments.payments(ctx.reads.coop.coopId, ctx.reads.year);
    // After a payment is saved the form starts again from it: same class, action, day, mode.
    const previous = rows.find((p) => p.paymentId === queryText(query.suite));
    const values: Record<string, string> = previous
      ? Object.fromEntries(KEPT_FIELDS.map((f) => [f, previous[f] ?? '']))
      : { date: this.defaultDate(ctx), mode: 'cheque', account: FAMILY_ACCOUNT };
    await this.render(res, ctx, rows, query, blankForm(values), 200, previous ? 'payer' : null);
  }

  @Post('encaissements')
  async record(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Query() query: Record<string, unknown>,
    @Body() body: FormBody,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const ctx = await this.pages.load(coopId, year, user);
    requireWrite(ctx);
    const { values, input, errors } = readPaymentForm(body);
    const paymentId = `p_${randomUUID()}`;
    let receiptNo = 0;
    const refusal = await attempt(async () => {
      const outcome = await this.commands.execute(yearCommand(ctx, { type: 'RecordPayment', paymentId, payment: input }));
      receiptNo = outcome.answer.receiptNo ?? 0;
    });
    if (refusal || Object.keys(errors).length > 0) {
      const rows = await this.payments.payments(ctx.reads.coop.coopId, ctx.reads.year);
      const all = { ...(refusal?.errors ?? {}), ...errors };
      return this.render(res, ctx, rows, query, { values, errors: all }, refusal?.status ?? 400, firstError(all));
    }
    this.pages.done(
      res,
      `${ctx.base}/encaissements?suite=${encodeURIComponent(paymentId)}`,
      `Reçu n° ${receiptNo} enregistré : ${values.payer}, ${formatEuros(input.amount as number)}.`,
    );
  }

  @Get('encaissements/:paymentId/modifier')
  async amendPage(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Param('paymentId') paymentId: string,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const ctx = await this.pages.load(coopId, year, user);
    const payment = await this.payments.payment(ctx.reads.coop.coopId, ctx.reads.year, paymentId);
    const values = Object.fromEntries(PAYMENT_FIELDS.map((f) => [f, f === 'amount' ? formatFieldAmount(payment.amount) : (payment[f] ?? '')]));
    this.renderAmend(res, ctx, payment, blankForm(values), 200);
  }

  @Post('encaissements/:paymentId/modifier')
  async amend(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Param('paymentId') paymentId: string,
    @Body() body: FormBody,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const ctx = await this.pages.load(coopId, year, user);
    requireWrite(ctx);
    const payment = await this.payments.payment(ctx.reads.coop.coopId, ctx.reads.year, paymentId);
    const { values, input, errors } = readPaymentForm(body);
    const refusal = await attempt(() => this.commands.execute(yearCommand(ctx, { type: 'AmendPayment', paymentId, payment: input })));
    if (refusal || Object.keys(errors).length > 0) {
      return this.renderAmend(res, ctx, payment, { values, errors: { ...(refusal?.errors ?? {}), ...errors } }, refusal?.status ?? 400);
    }
    this.pages.done(res, `${ctx.base}/encaissements#paiements`, `Le reçu n° ${payment.receiptNo} est modifié.`);
  }

  @Post('encaissements/:paymentId/supprimer')
  async remove(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Param('paymentId') paymentId: string,
    @Body() body: FormBody,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const ctx = await this.pages.load(coopId, year, user);
    requireWrite(ctx);
    const payment = await this.payments.payment(ctx.reads.coop.coopId, ctx.reads.year, paymentId);
    await this.pages.oneClick(
      res,
      ctx,
      body,
      `${ctx.base}/encaissements#paiements`,
      () => this.commands.execute(yearCommand(ctx, { type: 'DeletePayment', paymentId })),
      `Le paiement du reçu n° ${payment.receiptNo} est supprimé (ce numéro ne sera pas redonné).`,
    );
  }

  @Get('encaissements/remise')
  async depositPage(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Query('mode') mode: unknown,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const ctx = await this.pages.load(coopId, year, user);
    const chosen = modeOf(mode) ?? 'cheque';
    const rows = await this.payments.payments(ctx.reads.coop.coopId, ctx.reads.year);
    const waiting = depositChoice(rows, chosen);
    this.renderDeposit(res, ctx, chosen, rows, { date: this.defaultDate(ctx), ids: new Set(waiting.map((p) => p.paymentId)) }, {}, 200);
  }

  @Post('encaissements/remise')
  async deposit(@Param('coopId') coopId: string, @Param('year') year: string, @Body() body: FormBody, @CurrentUser() user: SessionUser, @Res() res: Response) {
    const ctx = await this.pages.load(coopId, year, user);
    requireWrite(ctx);
    const mode = modeOf(body.mode) ?? 'cheque';
    const typedDate = text(body.date).trim().slice(0, 40);
    const raw = Array.isArray(body.paymentIds) ? body.paymentIds : body.paymentIds === undefined ? [] : [body.paymentIds];
    const ids = raw.filter((id): id is string => typeof id === 'string').slice(0, 1000);
    const fromCashBox = mode === 'cash' && body.fromCashBox !== undefined;
    const depositId = `d_${randomUUID()}`;
    let total = 0;
    const refusal = await attempt(async () => {
      const outcome = await this.commands.execute(
        yearCommand(ctx, { type: 'DepositPayments', depositId, entryId: `${depositId}_entry`, date: isoOf(typedDate), mode, paymentIds: ids, fromCashBox }),
      );
      total = outcome.answer.deposit?.total ?? 0;
    });
    if (refusal) {
      const rows = await this.payments.payments(ctx.reads.coop.coopId, ctx.reads.year);
      return this.renderDeposit(res, ctx, mode, rows, { date: typedDate, ids: new Set(ids), fromCashBox }, refusal.errors, refusal.status);
    }
    const count = plural(ids.length, mode === 'cheque' ? 'chèque' : 'paiement en espèces', mode === 'cheque' ? 'chèques' : 'paiements en espèces');
    this.pages.done(
      res,
      `${ctx.base}/encaissements?remise=${encodeURIComponent(depositId)}#remises`,
      `La remise est enregistrée : ${count}, ${formatEuros(total)}, en une écriture au cahier. Imprimez le bordereau et joignez-le à la remise.`,
    );
  }

  @Get('encaissements/actions')
  async perAction(@Param('coopId') coopId: string, @Param('year') year: string, @CurrentUser() user: SessionUser, @Res() res: Response) {
    const ctx = await this.pages.load(coopId, year, user);
    const rows = await this.payments.payments(ctx.reads.coop.coopId, ctx.reads.year);
    this.pages.render(res, ctx, 'payments-actions', {
      title: 'Encaissements par action',
      nav: 'encaissements',
      actions: actionPayments(rows, ctx.reads.notebook, ctx.reads.chart).map((a) => ({
        ...a,
        count: plural(a.payments.length, 'paiement', 'paiements'),
        agrees: a.difference === 0,
        receiptsHref: `${this.apiBase(ctx)}/receipts.pdf?action=${encodeURIComponent(a.name)}`,
      })),
    });
  }

  private defaultDate(ctx: YearContext): string {
    const day = today(this.clock);
    const y = ctx.reads.year;
    return isInYear(day, y) ? day : day < yearStart(y) ? yearStart(y) : yearEnd(y);
  }

  private apiBase(ctx: YearContext): string {
    return `/api/coops/${encodeURIComponent(ctx.reads.coop.coopId)}/years/${ctx.reads.year}`;
  }

  private paymentFields(ctx: YearContext, form: FormState, focus: string | null) {
    const f = (name: (typeof PAYMENT_FIELDS)[number]) => ({ ...field(form, name, `pay-${name}`), autofocus: focus === name });
    const mode = form.values.mode ?? 'cheque';
    return {
      ...Object.fromEntries(PAYMENT_FIELDS.map((name) => [name, f(name)])),
      modes: MODES.map((m) => ({ ...m, id: `pay-mode-${m.value}`, checked: m.value === mode, autofocus: focus === 'mode' && m.value === mode })),
      accountGroups: accountGroups(ctx.reads.chart, form.values.account ?? FAMILY_ACCOUNT, ['product']),
    };
  }

  private async render(
    res: Response,
    ctx: YearContext,
    rows: PaymentRow[],
    query: Record<string, unknown>,
    form: FormState,
    status: number,
    focus: string | null,
  ) {
    const filters: PaymentFilters = {
      action: queryText(query.action),
      class: queryText(query.class),
      mode: modeOf(query.mode),
      deposited: query.deposited === 'oui' || query.deposited === 'non' ? query.deposited : null,
    };
    const shown = filterPayments(rows, filters);
    const params = new URLSearchParams(Object.entries(filters).filter((e): e is [string, string] => typeof e[1] === 'string'));
    const deposits = await this.payments.deposits(ctx.reads.coop.coopId, ctx.reads.year);
    const choices = paymentChoices(rows);
    const highlighted = queryText(query.remise);
    const apiBase = this.apiBase(ctx);
    this.pages.render(
      res,
      ctx,
      'payments',
      {
        title: 'Encaissements',
        nav: 'encaissements',
        scripts: ['pages.js'],
        form: this.paymentFields(ctx, form, focus),
        formError: form.errors._form ?? null,
        errorCount: Object.keys(form.errors).length,
        choices,
        filters: {
          ...filters,
          actions: choices.actions.map((a) => ({ value: a, selected: a === filters.action })),
          classes: choices.classes.map((c) => ({ value: c, selected: c === filters.class })),
          modes: MODES.map((m) => ({ ...m, selected: m.value === filters.mode })),
          deposited: [
            { value: 'non', label: 'Pas encore remis', selected: filters.deposited === 'non' },
            { value: 'oui', label: 'Remis en banque', selected: filters.deposited === 'oui' },
          ],
          active: params.size > 0,
        },
        rows: paymentListRows(shown, deposits).map((p) => ({
          ...p,
          receiptHref: `${apiBase}/payments/${encodeURIComponent(p.paymentId)}/receipt.pdf`,
          amendHref: `${ctx.base}/encaissements/${encodeURIComponent(p.paymentId)}/modifier`,
          deleteAction: `${ctx.base}/encaissements/${encodeURIComponent(p.paymentId)}/supprimer`,
        })),
        shownTotal: shown.reduce((s, p) => s + p.amount, 0),
        shownCount: plural(shown.length, 'paiement', 'paiements'),
        receiptsHref: `${apiBase}/receipts.pdf${params.size ? `?${params}` : ''}`,
        waiting: MODES.map((m) => {
          const list = depositChoice(rows, m.value);
          return { ...m, count: list.length, total: list.reduce((s, p) => s + p.amount, 0), href: `${ctx.base}/encaissements/remise?mode=${m.value}` };
        }).filter((w) => w.count > 0),
        deposits: [...deposits].reverse().map((d) => ({
          ...d,
          count: plural(d.paymentIds.length, 'paiement', 'paiements'),
          modeWords: d.mode === 'cheque' ? 'Chèques' : 'Espèces',
          slipHref: `${apiBase}/deposits/${encodeURIComponent(d.depositId)}/slip.pdf`,
          entryHref: `${ctx.base}/ecritures/${encodeURIComponent(d.entryId)}`,
          pj: ctx.reads.notebook.entries.find((e) => e.entryId === d.entryId)?.pj ?? null,
          highlighted: d.depositId === highlighted,
        })),
      },
      { status },
    );
  }

  private renderAmend(res: Response, ctx: YearContext, payment: PaymentRow, form: FormState, status: number) {
    this.pages.render(
      res,
      ctx,
      'payment-amend',
      {
        title: `Modifier le reçu n° ${payment.receiptNo}`,
        nav: 'encaissements',
        payment,
        deposited: payment.depositId !== null,
        form: this.paymentFields(ctx, form, status === 200 ? null : firstError(form.errors)),
        formError: form.errors._form ?? null,
        choices: paymentChoices([]),
      },
      { status },
    );
  }

  private renderDeposit(
    res: Response,
    ctx: YearContext,
    mode: PaymentMode,
    rows: PaymentRow[],
    typed: { date: string; ids: Set<string>; fromCashBox?: boolean },
    errors: FieldErrors,
    status: number,
  ) {
    const waiting = depositChoice(rows, mode);
    this.pages.render(
      res,
      ctx,
      'payments-deposit',
      {
        title: 'Préparer une remise en banque',
        nav: 'encaissements',
        mode,
        cheque: mode === 'cheque',
        modes: MODES.map((m) => ({ ...m, current: m.value === mode, href: `${ctx.base}/encaissements/remise?mode=${m.value}` })),
        date: field({ values: { date: typed.date }, errors }, 'date', 'deposit-date'),
        fromCashBox: typed.fromCashBox === true,
        paymentsError: errors.paymentIds ?? null,
        formError: errors._form ?? errors.mode ?? errors.fromCashBox ?? null,
        payments: waiting.map((p) => ({ ...p, checked: typed.ids.has(p.paymentId), checkboxId: `deposit-${p.paymentId}` })),
        total: waiting.filter((p) => typed.ids.has(p.paymentId)).reduce((s, p) => s + p.amount, 0),
      },
      { status },
    );
  }
}

/**
 * The payment form as typed: its values kept as they are (shown again on a refusal), the
 * command's input (the amount in cents, a French date made ISO), and the page's own errors (an
 * amount it cannot read; the decider's message speaks of cents, for the API).
 */
function readPaymentForm(body: FormBody): { values: Record<string, string>; input: PaymentInput; errors: FieldErrors } {
  const values = Object.fromEntries(PAYMENT_FIELDS.map((f) => [f, text(body[f]).trim().slice(0, 300)]));
  const errors: FieldErrors = {};
  const amount = amountOf(values.amount, 'amount', errors);
  if (amount === undefined && !errors.amount) errors.amount = 'Indiquez le montant payé en euros, par exemple 12,50.';
  const blank = (v: string) => (v === '' ? null : v);
  return {
    values,
    errors,
    input: {
      date: isoOf(values.date),
      payer: values.payer,
      pupil: blank(values.pupil),
      class: blank(values.class),
      amount: amount ?? null,
      mode: values.mode,
      chequeNo: blank(values.chequeNo),
      bank: blank(values.bank),
      account: blank(values.account),
      action: blank(values.action),
    },
  };
}

/** The field the cursor goes back to after a refusal: the first one in typing order. */
const firstError = (errors: FieldErrors): string | null => PAYMENT_FIELDS.find((f) => errors[f] !== undefined) ?? null;
