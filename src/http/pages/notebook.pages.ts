import { Body, Controller, Get, Param, Post, Query, Res, UploadedFile, UseGuards } from '@nestjs/common';
import { ProjectedCommandBus } from '../../commands/projected-command-bus';
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import { commandContext } from '../../commands/command-context';
import { ExecuteLedgerCommand } from '../../commands/ledger.commands';
import { ADVANCES, BANK } from '../../domain/chart';
import { DomainError } from '../../domain/errors';
import { amendmentUnreconciles, unreconciledNotice } from '../../domain/ledger/statements/statements';
import { pjLookAlike } from '../../domain/ledger';
import { parseFrenchDate } from '../../domain/fiscal-year';
import { NotebookEntry } from '../../projections/ledger/notebook.projection';
import { pointageSummary } from '../../reads/bank-statements';
import { advancesView, gridView } from '../../reads/ledger-views';
import { MembershipReads } from '../../reads/membership';
import { paymentValues, tableValuesOfPayment } from '../../reads/entry-values';
import { type GridDisplay, gridDisplay, gridQuery } from '../../reads/grid-display';
import { CoopScopeGuard, CurrentUser } from '../auth/guards';
import { SessionUser } from '../../users/user-directory';
import { ApiError } from '../errors.filter';
import { VoucherStore, VoucherUpload } from '../voucher-store';
import { entryFormErrors, errorSummary, FormBody, ParsedEntry, parseGridRow, parsePayment, parsePortrait, parseVentilation, text } from './entry-form';
import {
  actionTags,
  awaitsPointage,
  blankForm,
  entryListRows,
  FormState,
  gridModel,
  GridRowForm,
  headerFields,
  nextPj,
  paymentForm,
  paymentModel,
  portraitForm,
  portraitModel,
  ventilationForm,
  ventilationModel,
} from '../../reads/notebook-models';
import { attempt, requireWrite, returnTo, YearContext, YearPages, yearCommand } from './year-page';

type Mode = 'cahier' | 'ventilation' | 'portrait';

/**
 * The portrait form of an entry (or a blank one): "J'ai payé / J'ai reçu" unless the table of
 * debits and credits is asked for (`?forme=tableau`) or the entry needs it.
 */
interface AttachBox {
  action: string;
  pj: string;
  returnTo: string;
}

/** The voucher box for the entry just saved (`?joindre=<entryId>`), when it may be attached. */
function attachBox(ctx: YearContext, entryId: string | undefined, back: string): AttachBox | null {
  const entry = entryId && ctx.canWrite ? ctx.reads.notebook.entries.find((e) => e.entryId === entryId) : undefined;
  return entry ? { action: `${ctx.base}/ecritures/${encodeURIComponent(entry.entryId)}/pieces`, pj: entry.pj, returnTo: back } : null;
}

function entryForm(entry: NotebookEntry | null, pj: string, shape: string | undefined): FormState {
  const form = (shape !== 'tableau' && paymentForm(entry, pj)) || portraitForm(entry, pj);
  if (entry) form.values.expectedRevision = String(entry.revision);
  return form;
}

const entryNotFound = () => new DomainError('NOT_FOUND', "Cette écriture n'existe pas (ou a été supprimée).", undefined, 'not_found');

function entryOf(ctx: YearContext, entryId: string): NotebookEntry {
  const entry = ctx.reads.notebook.entries.find((e) => e.entryId === entryId);
  if (!entry) throw entryNotFound();
  return entry;
}

const revisionOf = (body: FormBody): number | undefined => {
  const n = Number(text(body.expectedRevision));
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
};

/**
 * The notebook and its three input modes (classic grid, ventilation automatique, portrait form),
 * and what can be done to one entry: amend, delete, duplicate, reconcile, attach a voucher.
 */
@Controller('coops/:coopId/years/:year')
@UseGuards(CoopScopeGuard)
export class NotebookPagesController {
  constructor(
    private readonly pages: YearPages,
    private readonly commands: ProjectedCommandBus,
    private readonly vouchers: VoucherStore,
    private readonly membership: MembershipReads,
  ) {}

  // ---- (1) visualisation classique ---------------------------------------------------------------

  @Get('cahier')
  async grid(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Query('ordre') order: string | undefined,
    @Query('modifier') editing: string | undefined,
    @Query('vue') view: string | undefined,
    @Query('joindre') justSaved: string | undefined,
    @Query() query: Record<string, unknown>,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const ctx = await this.pages.load(coopId, year, user);
    const display = gridDisplay(query);
    if (view === 'liste') return this.renderList(res, ctx, order === 'pj' ? 'pj' : 'date', display.unpointed);
    const sorted = order === 'pj' ? 'pj' : 'date';
    const attach = attachBox(ctx, justSaved, `${ctx.base}/cahier?${gridQuery(display, sorted)}`);
    await this.renderGrid(res, ctx, sorted, display, editing, undefined, 200, attach);
  }

  @Post('cahier')
  async gridRecord(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Body() body: FormBody,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const ctx = await this.pages.load(coopId, year, user);
    requireWrite(ctx);
    const { notebook, chart } = ctx.reads;
    const parsed = parseGridRow(body, gridView(notebook, chart).columns);
    const display = gridDisplay(body);
    await this.save(
      res,
      ctx,
      parsed,
      null,
      'cahier',
      (form, status) => this.renderGrid(res, ctx, 'date', display, undefined, { entryId: null, form }, status),
      undefined,
      gridQuery(display),
    );
  }

  @Post('cahier/:entryId')
  async gridAmend(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Param('entryId') entryId: string,
    @Body() body: FormBody,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const ctx = await this.pages.load(coopId, year, user);
    requireWrite(ctx);
    const entry = entryOf(ctx, entryId);
    const { notebook, chart } = ctx.reads;
    const parsed = parseGridRow(body, gridView(notebook, chart).columns);
    parsed.values.expectedRevision = text(body.expectedRevision);
    await this.save(
      res,
      ctx,
      parsed,
      entry,
      'cahier',
      (form, status) => this.renderGrid(res, ctx, 'date', gridDisplay(body), entryId, { entryId, form }, status),
      revisionOf(body),
      gridQuery(gridDisplay(body)),
    );
  }

  private async renderGrid(
    res: Response,
    ctx: YearContext,
    order: 'date' | 'pj',
    display: GridDisplay,
    editing: string | undefined,
    rowForm: GridRowForm | undefined,
    status: number,
    attach: AttachBox | null = null,
  ) {
    const { notebook, chart } = ctx.reads;
    const warnings = await this.pages.alerts(ctx);
    const grid = gridView(notebook, chart, { order });
    this.pages.render(
      res,
      ctx,
      'grid',
      {
        title: 'Cahier — visualisation classique',
        nav: 'cahier',
        order,
        byPj: order === 'pj',
        grid: gridModel(notebook, grid, { canWrite: ctx.canWrite, editing, rowForm, base: ctx.base, order, display }),
        pointage: pointageSummary(notebook),
        // A refused row is said at the top too, with a link down to the row.
        formError: rowForm ? errorSummary(rowForm.form.errors) : null,
        formErrorHref: rowForm ? (rowForm.entryId ? `#e-${rowForm.entryId}` : '#nouvelle') : null,
        attach,
        tags: actionTags(notebook),
        warnings,
        styles: ['grid.css'],
      },
      { status },
    );
  }

  /** The cahier as a list, one entry a line (a block on a phone). */
  private async renderList(res: Response, ctx: YearContext, order: 'date' | 'pj', unpointed: boolean) {
    const grid = gridView(ctx.reads.notebook, ctx.reads.chart, { order });
    const filter = unpointed ? '&pointage=non' : '';
    const list = `${ctx.base}/cahier?vue=liste`;
    this.pages.render(res, ctx, 'notebook-list', {
      title: 'Cahier — liste des écritures',
      nav: 'cahier',
      byPj: order === 'pj',
      warnings: await this.pages.alerts(ctx),
      balances: grid.balances,
      entries: entryListRows(grid, `${list}&ordre=${order}${filter}`).filter((r) => !unpointed || awaitsPointage(r)),
      unpointed,
      pointage: pointageSummary(ctx.reads.notebook),
      gridHref: `${ctx.base}/cahier?ordre=${order}${filter}`,
      orderHref: `${list}&ordre=${order === 'pj' ? 'date' : 'pj'}${filter}`,
      filterHref: `${list}&ordre=${order}${unpointed ? '' : '&pointage=non'}`,
    });
  }

  // ---- (2) ventilation automatique -------------------------------------------------------------

  @Get('ventilation')
  async ventilation(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Query('modifier') editing: string | undefined,
    @Query('joindre') justSaved: string | undefined,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const ctx = await this.pages.load(coopId, year, user);
    const entry = editing ? entryOf(ctx, editing) : null;
    const form = ventilationForm(entry, nextPj(ctx.reads.notebook));
    if (entry && !form) {
      // Two accounts or more: the guide sends such entries to the portrait form.
      return res.redirect(303, `${ctx.base}/ecritures/${encodeURIComponent(entry.entryId)}`);
    }
    if (entry) form!.values.expectedRevision = String(entry.revision);
    await this.renderVentilation(res, ctx, entry, form!, 200, attachBox(ctx, justSaved, `${ctx.base}/ventilation`));
  }

  @Post('ventilation')
  async ventilationRecord(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Body() body: FormBody,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const ctx = await this.pages.load(coopId, year, user);
    requireWrite(ctx);
    const parsed = parseVentilation(body);
    await this.save(res, ctx, parsed, null, 'ventilation', (form, status) => this.renderVentilation(res, ctx, null, form, status));
  }

  @Post('ventilation/:entryId')
  async ventilationAmend(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Param('entryId') entryId: string,
    @Body() body: FormBody,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const ctx = await this.pages.load(coopId, year, user);
    requireWrite(ctx);
    const entry = entryOf(ctx, entryId);
    const parsed = parseVentilation(body);
    parsed.values.expectedRevision = text(body.expectedRevision);
    await this.save(res, ctx, parsed, entry, 'ventilation', (form, status) => this.renderVentilation(res, ctx, entry, form, status), revisionOf(body));
  }

  private async renderVentilation(
    res: Response,
    ctx: YearContext,
    entry: NotebookEntry | null,
    form: FormState,
    status: number,
    attach: AttachBox | null = null,
  ) {
    const { notebook, chart } = ctx.reads;
    const warnings = await this.pages.alerts(ctx);
    const grid = gridView(notebook, chart);
    this.pages.render(
      res,
      ctx,
      'ventilation',
      {
        title: entry ? `Modifier l'écriture n° ${entry.pj} — ventilation automatique` : 'Ventilation automatique',
        nav: 'ventilation',
        entry,
        action: entry ? `${ctx.base}/ventilation/${encodeURIComponent(entry.entryId)}` : `${ctx.base}/ventilation`,
        fields: headerFields(form),
        formError: errorSummary(form.errors),
        revision: form.values.expectedRevision ?? '',
        stale: status === 409,
        staleHref: entry ? `${ctx.base}/ventilation?modifier=${encodeURIComponent(entry.entryId)}` : null,
        v: ventilationModel(chart, form),
        tags: actionTags(notebook),
        warnings,
        attach,
        entries: entryListRows(grid, `${ctx.base}/ventilation`),
      },
      { status },
    );
  }

  // ---- (3) création d'une écriture (portrait) --------------------------------------------------

  @Get('ecritures/nouvelle')
  async newEntry(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Query('forme') shape: string | undefined,
    @Query('adhesion') membership: string | undefined,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const ctx = await this.pages.load(coopId, year, user);
    // "Enregistrer le paiement" of the membership page: the payment already split by account.
    const form =
      membership !== undefined
        ? blankForm({
            ...paymentValues(await this.membership.paymentEntry(coopId, ctx.reads.year, ctx.reads.notebook, ctx.reads.chart)),
            forme: 'simple',
          })
        : entryForm(null, nextPj(ctx.reads.notebook), shape);
    await this.renderPortrait(res, ctx, null, form, 200);
  }

  @Post('ecritures')
  async portraitRecord(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Body() body: FormBody,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const ctx = await this.pages.load(coopId, year, user);
    requireWrite(ctx);
    const parsed = body.forme === 'simple' ? parsePayment(body) : parsePortrait(body);
    if (body._more !== undefined) return this.renderPortrait(res, ctx, null, { values: parsed.values, errors: {} }, 200, 3);
    if (body._table !== undefined) return this.renderPortrait(res, ctx, null, { values: tableValuesOfPayment(parsed.values), errors: {} }, 200);
    await this.save(res, ctx, parsed, null, 'portrait', (form, status) => this.renderPortrait(res, ctx, null, form, status));
  }

  @Get('ecritures/:entryId')
  async entryPage(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Param('entryId') entryId: string,
    @Query('forme') shape: string | undefined,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const ctx = await this.pages.load(coopId, year, user);
    const entry = entryOf(ctx, entryId);
    await this.renderPortrait(res, ctx, entry, entryForm(entry, entry.pj, shape), 200);
  }

  @Post('ecritures/:entryId')
  async portraitAmend(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Param('entryId') entryId: string,
    @Body() body: FormBody,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const ctx = await this.pages.load(coopId, year, user);
    requireWrite(ctx);
    const entry = entryOf(ctx, entryId);
    const parsed = body.forme === 'simple' ? parsePayment(body) : parsePortrait(body);
    parsed.values.expectedRevision = text(body.expectedRevision);
    if (body._more !== undefined) return this.renderPortrait(res, ctx, entry, { values: parsed.values, errors: {} }, 200, 3);
    if (body._table !== undefined) return this.renderPortrait(res, ctx, entry, { values: tableValuesOfPayment(parsed.values), errors: {} }, 200);
    await this.save(res, ctx, parsed, entry, 'portrait', (form, status) => this.renderPortrait(res, ctx, entry, form, status), revisionOf(body));
  }

  private async renderPortrait(
    res: Response,
    ctx: YearContext,
    entry: NotebookEntry | null,
    form: FormState,
    status: number,
    extraRows = 0,
    uploadError: string | null = null,
  ) {
    const { notebook, chart } = ctx.reads;
    const warnings = await this.pages.alerts(ctx);
    this.pages.render(
      res,
      ctx,
      'entry',
      {
        title: entry ? `Écriture n° ${entry.pj}` : 'Création d’une écriture comptable',
        nav: entry ? '' : 'saisie',
        entry,
        entryPath: entry ? `${ctx.base}/ecritures/${encodeURIComponent(entry.entryId)}` : null,
        touchesBank: entry?.lines.some((l) => l.account === BANK) ?? false,
        action: entry ? `${ctx.base}/ecritures/${encodeURIComponent(entry.entryId)}` : `${ctx.base}/ecritures`,
        fields: headerFields(form),
        formError: errorSummary(form.errors),
        linesError: form.errors.lines ?? null,
        revision: form.values.expectedRevision ?? '',
        stale: status === 409,
        simple: form.values.forme === 'simple',
        payment: form.values.forme === 'simple' ? paymentModel(chart, form, extraRows) : null,
        portrait: form.values.forme === 'simple' ? null : portraitModel(chart, form, extraRows),
        tableHref: `${entry ? `${ctx.base}/ecritures/${encodeURIComponent(entry.entryId)}` : `${ctx.base}/ecritures/nouvelle`}?forme=tableau`,
        simpleHref: entry
          ? paymentForm(entry, entry.pj)
            ? `${ctx.base}/ecritures/${encodeURIComponent(entry.entryId)}`
            : null
          : `${ctx.base}/ecritures/nouvelle`,
        tags: actionTags(notebook),
        warnings,
        uploadError,
        // What each advance holds without this entry: the page warns as an explanation beyond it is typed.
        advanceBalances: JSON.stringify(
          Object.fromEntries(
            advancesView({ ...notebook, entries: notebook.entries.filter((e) => e.entryId !== entry?.entryId) }).map((a) => [a.regie, a.balance]),
          ),
        ),
        advanceAccount: ADVANCES,
      },
      { status },
    );
  }

  /** Record or amend, whichever mode the form came from; a refusal shows the form again. */
  private async save(
    res: Response,
    ctx: YearContext,
    parsed: ParsedEntry,
    existing: NotebookEntry | null,
    mode: Mode,
    rerender: (form: FormState, status: number) => Promise<void>,
    expectedRevision?: number,
    gridKept = '',
  ): Promise<void> {
    const { notebook, chart, coop, year } = ctx.reads;
    const errors = entryFormErrors(parsed, chart, year, notebook.entries, existing ?? undefined);
    if (Object.keys(errors).length > 0) return rerender({ values: parsed.values, errors }, 400);
    const entryId = existing?.entryId ?? randomUUID();
    const context = commandContext(ctx.user);
    // By sentence, not by code: a second durable good without inventory changes the INVENTORY_MISSING sentence.
    const before = new Set((await this.pages.alerts(ctx)).map((a) => a.message));
    const refusal = await attempt(
      () =>
        this.commands.execute(
          existing
            ? new ExecuteLedgerCommand(coop.coopId, year, { type: 'AmendEntry', entryId, entry: parsed.input, expectedRevision }, context)
            : new ExecuteLedgerCommand(coop.coopId, year, { type: 'RecordEntry', entryId, entry: parsed.input }, context),
        ),
      parsed.fieldOf,
    );
    if (refusal) return rerender({ values: parsed.values, errors: refusal.errors }, refusal.status);
    const pj = String(parsed.input.pj ?? '');
    // The next page offers to attach the voucher of the entry just saved (?joindre=).
    const query = `joindre=${encodeURIComponent(entryId)}`;
    const location = mode === 'ventilation' ? `${ctx.base}/ventilation?${query}` : `${ctx.base}/cahier?${gridKept ? `${gridKept}&` : ''}${query}#e-${entryId}`;
    // The alerts this save raised, said right away (the banner of the next page lists them all).
    const raised = (await this.pages.alerts(ctx)).filter((a) => !before.has(a.message));
    const saved = existing ? `L'écriture n° ${pj} est modifiée.` : `L'écriture n° ${pj} est enregistrée.`;
    // An amendment that un-reconciled the entry says so, and why.
    const now = existing?.reconciled
      ? (await this.pages.load(coop.coopId, String(year), ctx.user)).reads.notebook.entries.find((e) => e.entryId === entryId)
      : undefined;
    const why = existing && now && !now.reconciled ? amendmentUnreconciles(existing, now) : null;
    const lookAlike = pjLookAlike(
      pj,
      notebook.entries.filter((e) => e.entryId !== entryId).map((e) => e.pj),
    );
    const notices = [
      saved,
      ...(lookAlike
        ? [`Attention : le n° de PJ ${pj} ne diffère du n° ${lookAlike}, déjà utilisé, que par des zéros. Vérifiez qu'il ne s'agit pas de la même pièce.`]
        : []),
      ...(why ? [unreconciledNotice(pj, why)] : []),
      ...(raised.length ? [`À vérifier : ${raised.map((a) => a.message).join(' ')}`] : []),
    ];
    this.pages.done(res, location, notices.join(' '));
  }

  // ---- one entry -------------------------------------------------------------------------------

  @Get('ecritures/:entryId/suppression')
  async deletePage(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Param('entryId') entryId: string,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const ctx = await this.pages.load(coopId, year, user);
    requireWrite(ctx);
    const entry = entryOf(ctx, entryId);
    this.pages.render(res, ctx, 'entry-delete', { title: `Supprimer l'écriture n° ${entry.pj}`, entry, row: this.rowOf(ctx, entry) });
  }

  @Post('ecritures/:entryId/suppression')
  async delete(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Param('entryId') entryId: string,
    @Body() body: FormBody,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const ctx = await this.pages.load(coopId, year, user);
    requireWrite(ctx);
    const entry = entryOf(ctx, entryId);
    const refusal = await attempt(() => this.commands.execute(yearCommand(ctx, { type: 'DeleteEntry', entryId, expectedRevision: revisionOf(body) })));
    if (refusal) {
      return this.pages.render(
        res,
        ctx,
        'entry-delete',
        { title: `Supprimer l'écriture n° ${entry.pj}`, entry, row: this.rowOf(ctx, entry), formError: refusal.errors._form },
        { status: refusal.status },
      );
    }
    this.pages.done(res, `${ctx.base}/cahier`, `L'écriture n° ${entry.pj} est supprimée.`);
  }

  @Get('ecritures/:entryId/duplication')
  async duplicatePage(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Param('entryId') entryId: string,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const ctx = await this.pages.load(coopId, year, user);
    requireWrite(ctx);
    const entry = entryOf(ctx, entryId);
    this.renderDuplicate(res, ctx, entry, blankForm({ pj: nextPj(ctx.reads.notebook), date: entry.date }), 200);
  }

  @Post('ecritures/:entryId/duplication')
  async duplicate(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Param('entryId') entryId: string,
    @Body() body: FormBody,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const ctx = await this.pages.load(coopId, year, user);
    requireWrite(ctx);
    const source = entryOf(ctx, entryId);
    const values = { pj: text(body.pj).trim(), date: text(body.date).trim() };
    const newId = randomUUID();
    const refusal = await attempt(() =>
      this.commands.execute(
        yearCommand(ctx, {
          type: 'DuplicateEntry',
          entryId: newId,
          sourceEntryId: entryId,
          pj: values.pj,
          date: values.date ? (parseFrenchDate(values.date) ?? values.date) : undefined,
        }),
      ),
    );
    if (refusal) return this.renderDuplicate(res, ctx, source, { values, errors: refusal.errors }, refusal.status);
    this.pages.done(res, `${ctx.base}/cahier#e-${newId}`, `L'écriture n° ${source.pj} est dupliquée sous le n° ${values.pj}.`);
  }

  private renderDuplicate(res: Response, ctx: YearContext, entry: NotebookEntry, form: FormState, status: number) {
    this.pages.render(
      res,
      ctx,
      'entry-duplicate',
      { title: `Dupliquer l'écriture n° ${entry.pj}`, entry, row: this.rowOf(ctx, entry), fields: headerFields(form), formError: form.errors._form ?? null },
      { status },
    );
  }

  @Post('ecritures/:entryId/pointage')
  async reconcile(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Param('entryId') entryId: string,
    @Body() body: FormBody,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const ctx = await this.pages.load(coopId, year, user);
    requireWrite(ctx);
    const entry = entryOf(ctx, entryId);
    const date = text(body.statementDate).trim();
    await this.pages.oneClick(
      res,
      ctx,
      body,
      `${ctx.base}/cahier`,
      () => this.commands.execute(yearCommand(ctx, { type: 'ReconcileEntry', entryId, statementDate: date ? (parseFrenchDate(date) ?? date) : null })),
      `L'écriture n° ${entry.pj} est pointée.`,
      () => this.pointageAnswer(coopId, year, user, entryId),
    );
  }

  @Post('ecritures/:entryId/depointage')
  async unreconcile(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Param('entryId') entryId: string,
    @Body() body: FormBody,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const ctx = await this.pages.load(coopId, year, user);
    requireWrite(ctx);
    const entry = entryOf(ctx, entryId);
    await this.pages.oneClick(
      res,
      ctx,
      body,
      `${ctx.base}/cahier`,
      () => this.commands.execute(yearCommand(ctx, { type: 'UnreconcileEntry', entryId })),
      `L'écriture n° ${entry.pj} n'est plus pointée.`,
      () => this.pointageAnswer(coopId, year, user, entryId),
    );
  }

  /** What the cahier's script changes in place after a pointage: the row's ✓ and the pointage totals. */
  private async pointageAnswer(coopId: string, year: string, user: SessionUser, entryId: string) {
    const { notebook } = (await this.pages.load(coopId, year, user)).reads;
    return { reconciled: notebook.entries.find((e) => e.entryId === entryId)?.reconciled ?? false, summary: pointageSummary(notebook).text };
  }

  @Post('reports/:entryId/vu')
  async carriedOverSeen(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Param('entryId') entryId: string,
    @Body() body: FormBody,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const ctx = await this.pages.load(coopId, year, user);
    requireWrite(ctx);
    await this.pages.oneClick(
      res,
      ctx,
      body,
      `${ctx.base}/cahier`,
      () => this.commands.execute(yearCommand(ctx, { type: 'MarkCarriedOverItemSeen', entryId, statementDate: null })),
      "L'opération de l'exercice précédent est notée comme vue sur le relevé.",
    );
  }

  @Post('ecritures/:entryId/pieces')
  @VoucherUpload()
  async attach(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Param('entryId') entryId: string,
    @UploadedFile() file: { buffer: Buffer; originalname?: string; size: number } | undefined,
    @Body() body: FormBody,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const ctx = await this.pages.load(coopId, year, user);
    requireWrite(ctx);
    const entry = entryOf(ctx, entryId);
    const showAgain = (message: string, status: number) => {
      const form = entryForm(entry, entry.pj, undefined);
      return this.renderPortrait(res, ctx, entry, form, status, 0, message);
    };
    let stored;
    try {
      stored = await this.vouchers.store(file);
    } catch (error) {
      if (error instanceof ApiError) return showAgain(error.body.message, error.getStatus());
      throw error;
    }
    const refusal = await attempt(() => this.commands.execute(yearCommand(ctx, { type: 'AttachVoucher', entryId, attachmentId: randomUUID(), ...stored })));
    if (refusal) return showAgain(Object.values(refusal.errors)[0], refusal.status);
    const back = returnTo(body, ctx.base, `${ctx.base}/ecritures/${encodeURIComponent(entryId)}`);
    this.pages.done(res, back, `La pièce « ${stored.fileName} » est jointe à l'écriture n° ${entry.pj}.`);
  }

  @Get('ecritures/:entryId/pieces/:attachmentId')
  async openVoucher(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Param('entryId') entryId: string,
    @Param('attachmentId') attachmentId: string,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const ctx = await this.pages.load(coopId, year, user);
    const attachment = entryOf(ctx, entryId).attachments.find((a) => a.attachmentId === attachmentId);
    if (!attachment) throw new DomainError('NOT_FOUND', 'Pièce jointe introuvable.', undefined, 'not_found');
    await this.vouchers.send(res, attachment);
  }

  /** The entry as one line of the grid (for confirmation pages). */
  private rowOf(ctx: YearContext, entry: NotebookEntry) {
    const grid = gridView(ctx.reads.notebook, ctx.reads.chart);
    const row = grid.rows.find((r) => r.entryId === entry.entryId)!;
    return { ...row, amounts: grid.columns.filter((c) => row.columns[c.key]).map((c) => ({ label: c.label, value: row.columns[c.key] })) };
  }
}
