import { Body, Controller, Get, Inject, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ProjectedCommandBus } from '../../commands/projected-command-bus';
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import { BILLS, cashTotal, COINS, DENOMINATIONS, latestCount } from '../../domain/cash-box';
import { accountWithRole } from '../../domain/chart';
import { Clock, formatFrenchDate, isInYear, parseFrenchDate, today, yearEnd, yearStart } from '../../domain/fiscal-year';
import { formatAmount, formatEuros, formatFieldAmount } from '../../domain/money';
import { advancesView, crfView, currentBalances } from '../../reads/ledger-views';
import { advanceAdvice, inventoryItemErrors } from '../../domain/ledger';

const inventorySummary = (errors: FieldErrors): string | null => {
  const messages = Object.values(errors);
  return messages.length ? `Le bien n'est pas inscrit : ${messages.join(' ')}` : null;
};
import { CLOCK } from '../../tokens';
import { CashCountRow } from '../../projections/ledger/notebook.projection';
import { earlierNotebooks, entriesWithoutInventory, inventoryValuesOf, registerOf } from '../../reads/inventory';
import { CoopScopeGuard, CurrentUser } from '../auth/guards';
import { SessionUser } from '../../users/user-directory';
import { amountOf, FieldErrors, FormBody, text } from './entry-form';
import { blankForm, datePickerValue, field, FormState } from '../../reads/notebook-models';
import { attempt, requireWrite, returnTo, YearContext, YearPages, yearCommand } from './year-page';

const denominationLabel = (cents: number): string => `${formatAmount(cents).replace(/,00$/, '')} €`;
const countField = (cents: number): string => `n_${cents}`;
const isoOf = (typed: string): string => parseFrenchDate(typed) ?? typed;

/** A `rows[i][field]` table: qs gives an array up to 20 rows, an object beyond. */
function tableRows(value: unknown): Record<string, unknown>[] {
  const list = Array.isArray(value) ? value : value && typeof value === 'object' ? Object.values(value as Record<string, unknown>) : [];
  return list.map((r) => (r && typeof r === 'object' ? (r as Record<string, unknown>) : {}));
}

const SUBSIDY_FIELDS = ['origin', 'amount', 'date', 'designation', 'attachedToExpenses'] as const;
const SUBSIDY_LABELS: Record<(typeof SUBSIDY_FIELDS)[number], string> = {
  origin: 'Origine',
  amount: 'Montant en euros',
  date: 'Date de rattachement (jj/mm/aaaa)',
  designation: 'Désignation',
  attachedToExpenses: 'Rattaché aux dépenses au 31 août, en euros',
};

/** The registers beside the notebook: cash count, subsidies, inventory, advances, opening balance. */
@Controller('coops/:coopId/years/:year')
@UseGuards(CoopScopeGuard)
export class RegistersPagesController {
  constructor(
    private readonly pages: YearPages,
    private readonly commands: ProjectedCommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  // ---- arrêté de caisse ----------------------------------------------------------------------

  @Get('caisse')
  async cash(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Query('depuis') from: string | undefined,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const ctx = await this.pages.load(coopId, year, user);
    // "Corriger par un nouvel arrêté": the new count starts as the old one, its date and pieces.
    const old = from ? ctx.reads.notebook.cashCounts.find((c) => c.countId === from) : undefined;
    if (old) {
      const values: Record<string, string> = { date: old.date };
      for (const d of DENOMINATIONS) if (old.counts[String(d)]) values[countField(d)] = String(old.counts[String(d)]);
      return this.renderCash(res, ctx, blankForm(values), 200, old);
    }
    // Today, or the year's last day when counting a past year's box (the count must lie in the year).
    const day = today(this.clock);
    await this.renderCash(
      res,
      ctx,
      blankForm({ date: isInYear(day, ctx.reads.year) ? day : day < yearStart(ctx.reads.year) ? yearStart(ctx.reads.year) : yearEnd(ctx.reads.year) }),
      200,
    );
  }

  @Post('caisse')
  async countCash(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Body() body: FormBody,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const ctx = await this.pages.load(coopId, year, user);
    requireWrite(ctx);
    const values: Record<string, string> = { date: text(body.date).trim() };
    const errors: FieldErrors = {};
    const counts: Record<string, number> = {};
    for (const d of DENOMINATIONS) {
      const name = countField(d);
      values[name] = text(body[name]).trim();
      if (values[name] === '') continue;
      if (!/^\d{1,9}$/.test(values[name])) errors[name] = `Indiquez un nombre entier de ${d < 500 ? 'pièces' : 'billets'} de ${denominationLabel(d)}.`;
      else counts[String(d)] = Number(values[name]);
    }
    if (Object.keys(errors).length > 0) return this.renderCash(res, ctx, { values, errors }, 400);
    const date = isoOf(values.date);
    const refusal = await attempt(
      () => this.commands.execute(yearCommand(ctx, { type: 'CountCash', countId: randomUUID(), date, counts })),
      (f) => (f?.startsWith('counts.') ? countField(Number(f.slice(7))) : (f ?? '_form')),
    );
    if (refusal) return this.renderCash(res, ctx, { values, errors: refusal.errors }, refusal.status);
    // Whether it matches the books is said once, by the page's status (the last count by date).
    this.pages.done(res, `${ctx.base}/caisse`, `L'arrêté de caisse du ${formatFrenchDate(date)} est enregistré : ${formatEuros(cashTotal(counts))} comptés.`);
  }

  private async renderCash(res: Response, ctx: YearContext, form: FormState, status: number, correcting?: CashCountRow) {
    const { notebook } = ctx.reads;
    const balance = currentBalances(notebook).cash;
    const last = latestCount(notebook.cashCounts);
    // The same sentence as the year's alerts (the closing rule's), so the page never says otherwise.
    const mismatch = (await this.pages.alerts(ctx)).find((a) => a.code === 'CASH_COUNT_MISMATCH');
    const piece = (d: number) => ({
      ...field(form, countField(d), `count-${d}`),
      cents: d,
      fieldLabel: `${d < 500 ? 'Pièces' : 'Billets'} de ${denominationLabel(d)}`,
    });
    this.pages.render(
      res,
      ctx,
      'cash',
      {
        title: "L'arrêté de caisse",
        nav: 'caisse',
        date: field(form, 'date'),
        formError: form.errors._form ?? null,
        coins: COINS.map(piece),
        bills: BILLS.map(piece),
        balance,
        status: mismatch
          ? { kind: 'warning', title: 'Le dernier arrêté ne correspond pas', message: mismatch.message }
          : last && last.total === balance
            ? {
                kind: 'success',
                title: false,
                message: `Le dernier arrêté (du ${formatFrenchDate(last.date)}, ${formatEuros(last.total)}) correspond au solde du compte 530.`,
              }
            : null,
        correcting: correcting ? { date: correcting.date, total: correcting.total } : null,
        history: [...notebook.cashCounts]
          .sort((a, b) => b.date.localeCompare(a.date) || b.at.localeCompare(a.at))
          .map((c) => ({
            ...c,
            latest: c === last,
            detail: DENOMINATIONS.filter((d) => c.counts[String(d)]).map((d) => ({
              label: denominationLabel(d),
              pieces: c.counts[String(d)],
              subtotal: d * c.counts[String(d)],
            })),
            correctHref: `${ctx.base}/caisse?depuis=${encodeURIComponent(c.countId)}#arrete`,
          })),
      },
      { status },
    );
  }

  // ---- subventions ---------------------------------------------------------------------------

  @Get('subventions')
  async subsidies(@Param('coopId') coopId: string, @Param('year') year: string, @CurrentUser() user: SessionUser, @Res() res: Response) {
    const ctx = await this.pages.load(coopId, year, user);
    const values: Record<string, string> = {};
    ctx.reads.notebook.subsidies.forEach((r, i) => {
      values[`rows[${i}][origin]`] = r.origin;
      values[`rows[${i}][amount]`] = formatFieldAmount(r.amount);
      values[`rows[${i}][date]`] = r.date;
      values[`rows[${i}][designation]`] = r.designation;
      values[`rows[${i}][attachedToExpenses]`] = formatFieldAmount(r.attachedToExpenses);
    });
    this.renderSubsidies(res, ctx, blankForm(values), ctx.reads.notebook.subsidies.length + 3, 200);
  }

  @Post('subventions')
  async declareSubsidies(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Body() body: FormBody,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const ctx = await this.pages.load(coopId, year, user);
    requireWrite(ctx);
    const submitted = tableRows(body.rows);
    const values: Record<string, string> = {};
    const errors: FieldErrors = {};
    const rows: Record<string, unknown>[] = [];
    const rowOf: number[] = [];
    let shown = 0;
    submitted.forEach((raw) => {
      const typed = Object.fromEntries(SUBSIDY_FIELDS.map((f) => [f, text(raw[f]).trim()]));
      // A removed or blank row leaves the table; the others keep their order, renumbered.
      if (raw.remove !== undefined || SUBSIDY_FIELDS.every((f) => typed[f] === '')) return;
      const i = shown++;
      for (const f of SUBSIDY_FIELDS) values[`rows[${i}][${f}]`] = typed[f];
      rows.push({
        origin: typed.origin,
        amount: amountOf(typed.amount, `rows[${i}][amount]`, errors) ?? (typed.amount === '' ? null : undefined),
        date: isoOf(typed.date),
        designation: typed.designation,
        attachedToExpenses: amountOf(typed.attachedToExpenses, `rows[${i}][attachedToExpenses]`, errors) ?? 0,
      });
      rowOf.push(i);
    });
    const more = body._more !== undefined;
    if (Object.keys(errors).length > 0 || more) return this.renderSubsidies(res, ctx, { values, errors }, shown + 3, more ? 200 : 400);
    const refusal = await attempt(
      () => this.commands.execute(yearCommand(ctx, { type: 'DeclareSubsidies', rows })),
      (f) => {
        const m = /^rows\.(\d+)\.(\w+)$/.exec(f ?? '');
        return m ? `rows[${rowOf[Number(m[1])]}][${m[2]}]` : (f ?? '_form');
      },
    );
    if (refusal) return this.renderSubsidies(res, ctx, { values, errors: refusal.errors }, shown + 3, refusal.status);
    this.pages.done(res, `${ctx.base}/subventions`, 'Le tableau des subventions est enregistré.');
  }

  private renderSubsidies(res: Response, ctx: YearContext, form: FormState, count: number, status: number) {
    const crf = crfView(ctx.reads.notebook, ctx.reads.chart);
    const rows = Array.from({ length: Math.max(count, 5) }, (_, i) => {
      const cell = (f: (typeof SUBSIDY_FIELDS)[number]) => ({
        ...field(form, `rows[${i}][${f}]`, `sub-${i}-${f}`),
        label: `${SUBSIDY_LABELS[f]}, ligne ${i + 1}`,
      });
      const date = cell('date');
      date.value = datePickerValue(date.value);
      return {
        index: i,
        number: i + 1,
        origin: cell('origin'),
        amount: cell('amount'),
        date,
        designation: cell('designation'),
        attachedToExpenses: cell('attachedToExpenses'),
      };
    });
    this.pages.render(
      res,
      ctx,
      'subsidies',
      {
        title: 'Les subventions',
        nav: 'subventions',
        rows,
        formError: form.errors._form ?? form.errors.rows ?? null,
        subsidies: crf.subsidies,
        mismatch: `Le total du tableau (${formatEuros(crf.subsidies.total)}) ne correspond pas au compte 741 (${formatEuros(crf.subsidies.account)}) : la différence est de ${formatEuros(crf.subsidies.difference)}.`,
      },
      { status },
    );
  }

  // ---- cahier d'inventaire -------------------------------------------------------------------

  @Get('inventaire')
  async inventory(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Query('ecriture') entryId: string | undefined,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const ctx = await this.pages.load(coopId, year, user);
    // "Inscrire ce bien" from a purchase: the form starts as that entry says.
    const entry = entryId ? ctx.reads.notebook.entries.find((e) => e.entryId === entryId) : undefined;
    await this.renderInventory(res, ctx, blankForm(entry ? inventoryValuesOf(entry, ctx.reads.chart) : { quantity: '1' }), 200);
  }

  @Post('inventaire')
  async addItem(@Param('coopId') coopId: string, @Param('year') year: string, @Body() body: FormBody, @CurrentUser() user: SessionUser, @Res() res: Response) {
    const ctx = await this.pages.load(coopId, year, user);
    requireWrite(ctx);
    const values = Object.fromEntries(['designation', 'acquiredOn', 'quantity', 'value', 'pj'].map((f) => [f, text(body[f]).trim()]));
    const errors: FieldErrors = {};
    const quantity = /^\d{1,6}$/.test(values.quantity) ? Number(values.quantity) : NaN;
    if (Number.isNaN(quantity)) errors.quantity = 'La quantité doit être un nombre entier positif.';
    const value = values.value === '' ? 0 : amountOf(values.value, 'value', errors);
    // Every error at once, as the coop's registration does: the decider's rules on what could be read.
    const item = { designation: values.designation, acquiredOn: isoOf(values.acquiredOn), quantity: Number.isNaN(quantity) ? 1 : quantity, value: value ?? 0 };
    for (const e of inventoryItemErrors(item, ctx.reads.year).errors) errors[e.field ?? '_form'] ??= e.message;
    if (Object.keys(errors).length > 0) return this.renderInventory(res, ctx, { values, errors }, 400);
    const refusal = await attempt(() =>
      this.commands.execute(
        yearCommand(ctx, {
          type: 'AddInventoryItem',
          itemId: randomUUID(),
          designation: values.designation,
          acquiredOn: isoOf(values.acquiredOn),
          quantity,
          value: value ?? 0,
          pj: values.pj || null,
        }),
      ),
    );
    if (refusal) return this.renderInventory(res, ctx, { values, errors: refusal.errors }, refusal.status);
    this.pages.done(res, `${ctx.base}/inventaire`, `« ${values.designation} » est inscrit au cahier d'inventaire.`);
  }

  @Post('inventaire/:itemId/sortie')
  async removeItem(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Param('itemId') itemId: string,
    @Body() body: FormBody,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const ctx = await this.pages.load(coopId, year, user);
    requireWrite(ctx);
    const leftOn = text(body.leftOn).trim();
    const refusal = await attempt(() =>
      this.commands.execute(yearCommand(ctx, { type: 'RemoveInventoryItem', itemId, leftOn: leftOn ? isoOf(leftOn) : null })),
    );
    this.pages.done(
      res,
      returnTo(body, ctx.base, `${ctx.base}/inventaire`),
      refusal ? Object.values(refusal.errors)[0] : "Le bien est noté comme sorti de l'inventaire.",
    );
  }

  private async renderInventory(res: Response, ctx: YearContext, form: FormState, status: number) {
    const { notebook, chart } = ctx.reads;
    const durableGoods = accountWithRole(chart, 'durableGoods')?.code ?? null;
    const missing = entriesWithoutInventory(notebook, chart).map((e) => ({
      ...e,
      registerHref: `${ctx.base}/inventaire?ecriture=${encodeURIComponent(e.entryId)}#inscrire`,
    }));
    this.pages.render(
      res,
      ctx,
      'inventory',
      {
        title: "Le cahier d'inventaire",
        nav: 'inventaire',
        items: registerOf(notebook, await earlierNotebooks(ctx.reads.source, ctx.reads.coop, ctx.reads.year)),
        missing,
        durableGoods,
        fields: Object.fromEntries(['designation', 'acquiredOn', 'quantity', 'value', 'pj'].map((f) => [f, field(form, f)])),
        // A summary on top of every field's message (each is also under its field).
        formError: form.errors._form ?? inventorySummary(form.errors),
      },
      { status },
    );
  }

  // ---- régies d'avance -----------------------------------------------------------------------

  @Get('regies')
  async advances(@Param('coopId') coopId: string, @Param('year') year: string, @CurrentUser() user: SessionUser, @Res() res: Response) {
    const ctx = await this.pages.load(coopId, year, user);
    const rows = advancesView(ctx.reads.notebook).map((r) => ({ ...r, settled: r.balance === 0, advice: advanceAdvice(r.regie, r.balance) }));
    this.pages.render(res, ctx, 'advances', { title: "Les régies d'avance", nav: 'regies', rows });
  }

  // ---- existence au début de l'exercice ------------------------------------------------------

  @Get('ouverture')
  async opening(@Param('coopId') coopId: string, @Param('year') year: string, @CurrentUser() user: SessionUser, @Res() res: Response) {
    const ctx = await this.pages.load(coopId, year, user);
    this.renderOpening(res, ctx, blankForm({ date: ctx.reads.notebook.opening.date ?? `${ctx.reads.year}-09-01` }), 200);
  }

  @Post('ouverture')
  async declareOpening(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Body() body: FormBody,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const ctx = await this.pages.load(coopId, year, user);
    requireWrite(ctx);
    const values = { bank: text(body.bank).trim(), cash: text(body.cash).trim(), date: text(body.date).trim() };
    const errors: FieldErrors = {};
    const bank = values.bank === '' ? 0 : (amountOf(values.bank, 'bank', errors) ?? 0);
    const cash = values.cash === '' ? 0 : (amountOf(values.cash, 'cash', errors) ?? 0);
    if (Object.keys(errors).length > 0) return this.renderOpening(res, ctx, { values, errors }, 400);
    const refusal = await attempt(() =>
      this.commands.execute(yearCommand(ctx, { type: 'DeclareOpeningBalance', bank, cash, date: values.date ? isoOf(values.date) : undefined })),
    );
    if (refusal) return this.renderOpening(res, ctx, { values, errors: refusal.errors }, refusal.status);
    this.pages.done(res, ctx.base, `Existence au début de l'exercice enregistrée : banque ${formatEuros(bank)}, caisse ${formatEuros(cash)}.`);
  }

  private renderOpening(res: Response, ctx: YearContext, form: FormState, status: number) {
    const { notebook, coop, year } = ctx.reads;
    const open = year === coop.firstYear && notebook.declaredOpening === null;
    this.pages.render(
      res,
      ctx,
      'opening',
      {
        title: "Existence au début de l'exercice",
        nav: '',
        open: open && ctx.canWrite,
        firstYear: year === coop.firstYear,
        opening: notebook.opening,
        fields: { bank: field(form, 'bank'), cash: field(form, 'cash'), date: field(form, 'date') },
        formError: form.errors._form ?? null,
      },
      { status },
    );
  }
}
