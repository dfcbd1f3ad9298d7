import { Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Query, Req, Res, UploadedFile, UseGuards, UseInterceptors } from '@nestjs/common';
import { ProjectedCommandBus } from '../commands/projected-command-bus';
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { ExecuteLedgerCommand } from '../commands/ledger.commands';
import { cashTotal } from '../domain/cash-box';
import { DomainError } from '../domain/errors';
import { EntryInput, SubsidyRowInput } from '../domain/ledger';
import { SessionUser } from '../users/user-directory';
import { CoopScopeGuard, CurrentUser } from './auth/guards';
import { LedgerReads } from '../reads/ledger-reads';
import { yearParam } from './params';
import { sendJson } from './json-answer';
import { actionReport, actionsView, advancesView, breakdownView, craView, currentBalances, gridView } from '../reads/ledger-views';
import { gridCsv } from '../reads/exports';
import { coopFecFile } from '../reads/fec';
import { DepartmentAccounts } from '../reads/department-accounts';
import { CLOCK } from '../tokens';
import { Clock, today } from '../domain/fiscal-year';
import { VoucherStore, VoucherUpload } from './voucher-store';
import { PrintService } from './print.service';
import { JsonBody } from './json-body';
import { YearEndReads } from '../reads/year-end-reads';
import { IdempotentRequests } from './idempotency';
import { idFor, requestContext } from './request-context';

type Json = Record<string, unknown>;

/** The JSON API of one coop's fiscal year (API.md's ledger table). Thin: parse → command or read. */
@Controller('api/coops/:coopId/years/:year')
@UseGuards(CoopScopeGuard)
@UseInterceptors(IdempotentRequests)
export class LedgerApiController {
  constructor(
    private readonly commands: ProjectedCommandBus,
    private readonly reads: LedgerReads,
    private readonly vouchers: VoucherStore,
    private readonly print: PrintService,
    private readonly accounts: DepartmentAccounts,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly yearEnd: YearEndReads,
  ) {}

  // ---- commands -------------------------------------------------------------------------------

  @Post('entries')
  async record(@Param('coopId') coopId: string, @Param('year') year: string, @JsonBody() body: Json, @CurrentUser() user: SessionUser, @Req() req: Request) {
    const entryId = idFor(req, randomUUID());
    const outcome = await this.commands.execute(
      new ExecuteLedgerCommand(
        coopId,
        yearParam(year),
        { type: 'RecordEntry', entryId, entry: entryInput(body), reconcileWith: statementLineOf(body.statementLine) },
        requestContext(user, req),
      ),
    );
    return { entryId, revision: outcome.answer.entryRevision ?? 1 };
  }

  @Put('entries/:entryId')
  async amend(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Param('entryId') entryId: string,
    @JsonBody() body: Json,
    @CurrentUser() user: SessionUser,
    @Req() req: Request,
  ) {
    const outcome = await this.commands.execute(
      new ExecuteLedgerCommand(
        coopId,
        yearParam(year),
        { type: 'AmendEntry', entryId, entry: entryInput(body), expectedRevision: optionalRevision(body.expectedRevision) },
        requestContext(user, req),
      ),
    );
    return { entryId, revision: outcome.answer.entryRevision };
  }

  @Delete('entries/:entryId')
  @HttpCode(204)
  async remove(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Param('entryId') entryId: string,
    @Query('expectedRevision') expected: string | undefined,
    @CurrentUser() user: SessionUser,
    @Req() req: Request,
  ) {
    await this.commands.execute(
      new ExecuteLedgerCommand(
        coopId,
        yearParam(year),
        { type: 'DeleteEntry', entryId, expectedRevision: optionalRevision(expected) },
        requestContext(user, req),
      ),
    );
  }

  @Post('entries/:entryId/duplicate')
  async duplicate(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Param('entryId') sourceEntryId: string,
    @JsonBody() body: Json,
    @CurrentUser() user: SessionUser,
    @Req() req: Request,
  ) {
    const entryId = idFor(req, randomUUID());
    const outcome = await this.commands.execute(
      new ExecuteLedgerCommand(
        coopId,
        yearParam(year),
        { type: 'DuplicateEntry', entryId, sourceEntryId, pj: text(body.pj), date: typeof body.date === 'string' ? body.date : undefined },
        requestContext(user, req),
      ),
    );
    return { entryId, revision: outcome.answer.entryRevision ?? 1 };
  }

  @Post('entries/:entryId/reconciliation')
  @HttpCode(200)
  async reconcile(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Param('entryId') entryId: string,
    @JsonBody() body: Json,
    @CurrentUser() user: SessionUser,
    @Req() req: Request,
  ) {
    const statementDate = typeof body?.statementDate === 'string' ? body.statementDate : null;
    await this.commands.execute(
      new ExecuteLedgerCommand(coopId, yearParam(year), { type: 'ReconcileEntry', entryId, statementDate }, requestContext(user, req)),
    );
    return { entryId, reconciled: true };
  }

  @Delete('entries/:entryId/reconciliation')
  @HttpCode(200)
  async unreconcile(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Param('entryId') entryId: string,
    @CurrentUser() user: SessionUser,
    @Req() req: Request,
  ) {
    await this.commands.execute(new ExecuteLedgerCommand(coopId, yearParam(year), { type: 'UnreconcileEntry', entryId }, requestContext(user, req)));
    return { entryId, reconciled: false };
  }

  @Post('carried-over/:entryId/seen')
  @HttpCode(200)
  async carriedOverSeen(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Param('entryId') entryId: string,
    @JsonBody() body: Json,
    @CurrentUser() user: SessionUser,
    @Req() req: Request,
  ) {
    const statementDate = typeof body?.statementDate === 'string' ? body.statementDate : null;
    await this.commands.execute(
      new ExecuteLedgerCommand(coopId, yearParam(year), { type: 'MarkCarriedOverItemSeen', entryId, statementDate }, requestContext(user, req)),
    );
    return { entryId, seen: true };
  }

  @Post('opening')
  async opening(@Param('coopId') coopId: string, @Param('year') year: string, @JsonBody() body: Json, @CurrentUser() user: SessionUser, @Req() req: Request) {
    await this.commands.execute(
      new ExecuteLedgerCommand(
        coopId,
        yearParam(year),
        { type: 'DeclareOpeningBalance', bank: body.bank as number, cash: body.cash as number, date: typeof body.date === 'string' ? body.date : undefined },
        requestContext(user, req),
      ),
    );
    return { bank: body.bank, cash: body.cash };
  }

  @Post('cash-counts')
  async countCash(@Param('coopId') coopId: string, @Param('year') year: string, @JsonBody() body: Json, @CurrentUser() user: SessionUser, @Req() req: Request) {
    const countId = idFor(req, randomUUID());
    const counts = (body.counts ?? {}) as Record<string, number>;
    await this.commands.execute(
      new ExecuteLedgerCommand(coopId, yearParam(year), { type: 'CountCash', countId, date: text(body.date), counts }, requestContext(user, req)),
    );
    const { notebook } = await this.reads.year(coopId, yearParam(year));
    const total = cashTotal(counts);
    return { countId, total, difference: total - currentBalances(notebook).cash };
  }

  @Put('subsidies')
  async subsidies(@Param('coopId') coopId: string, @Param('year') year: string, @JsonBody() body: Json, @CurrentUser() user: SessionUser, @Req() req: Request) {
    const rows = Array.isArray(body.rows) ? (body.rows as SubsidyRowInput[]) : (body.rows as never);
    await this.commands.execute(new ExecuteLedgerCommand(coopId, yearParam(year), { type: 'DeclareSubsidies', rows }, requestContext(user, req)));
    return { rows: rows?.length ?? 0 };
  }

  @Post('inventory')
  async addInventory(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @JsonBody() body: Json,
    @CurrentUser() user: SessionUser,
    @Req() req: Request,
  ) {
    const itemId = idFor(req, randomUUID());
    await this.commands.execute(
      new ExecuteLedgerCommand(
        coopId,
        yearParam(year),
        {
          type: 'AddInventoryItem',
          itemId,
          designation: body.designation as string,
          acquiredOn: body.acquiredOn as string,
          quantity: body.quantity as number,
          value: body.value as number,
          pj: (body.pj as string) ?? null,
        },
        requestContext(user, req),
      ),
    );
    return { itemId };
  }

  @Delete('inventory/:itemId')
  @HttpCode(204)
  async removeInventory(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Param('itemId') itemId: string,
    @Query('leftOn') leftOn: string | undefined,
    @CurrentUser() user: SessionUser,
    @Req() req: Request,
  ) {
    await this.commands.execute(
      new ExecuteLedgerCommand(coopId, yearParam(year), { type: 'RemoveInventoryItem', itemId, leftOn: leftOn ?? null }, requestContext(user, req)),
    );
  }

  @Post('entries/:entryId/attachments')
  // Listed above the upload's own interceptors, so it runs after them: the file is read by then.
  @UseInterceptors(IdempotentRequests)
  @VoucherUpload()
  async attach(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Param('entryId') entryId: string,
    @UploadedFile() file: { buffer: Buffer; originalname?: string; size: number } | undefined,
    @CurrentUser() user: SessionUser,
    @Req() req: Request,
  ) {
    const stored = await this.vouchers.store(file);
    const attachmentId = idFor(req, randomUUID());
    await this.commands.execute(
      new ExecuteLedgerCommand(
        coopId,
        yearParam(year),
        { type: 'AttachVoucher', entryId, attachmentId, sha256: stored.sha256, mediaType: stored.mediaType, size: stored.size, fileName: stored.fileName },
        requestContext(user, req),
      ),
    );
    return { attachmentId, sha256: stored.sha256 };
  }

  @Get('entries/:entryId/attachments/:attachmentId')
  async openVoucher(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Param('entryId') entryId: string,
    @Param('attachmentId') attachmentId: string,
    @Res() res: Response,
  ) {
    const { notebook } = await this.reads.year(coopId, yearParam(year));
    const attachment = notebook.entries.find((e) => e.entryId === entryId)?.attachments.find((a) => a.attachmentId === attachmentId);
    if (!attachment) throw new DomainError('NOT_FOUND', 'Pièce jointe introuvable.', undefined, 'not_found');
    await this.vouchers.send(res, attachment);
  }

  @Post('activities')
  async activity(@Param('coopId') coopId: string, @Param('year') year: string, @JsonBody() body: Json, @CurrentUser() user: SessionUser, @Req() req: Request) {
    await this.commands.execute(
      new ExecuteLedgerCommand(
        coopId,
        yearParam(year),
        { type: 'ReportActivity', activity: text(body.activity), text: text(body.text) },
        requestContext(user, req),
      ),
    );
    return { activity: body.activity };
  }

  @Post('closing')
  @HttpCode(200)
  async close(@Param('coopId') coopId: string, @Param('year') year: string, @CurrentUser() user: SessionUser, @Req() req: Request) {
    await this.commands.execute(new ExecuteLedgerCommand(coopId, yearParam(year), { type: 'CloseYear' }, requestContext(user, req)));
    return { closed: true };
  }

  // ---- reads (all take ?asOf) ---------------------------------------------------------------

  @Get('grid')
  async grid(@Param('coopId') coopId: string, @Param('year') year: string, @Res() res: Response, @Query('asOf') asOf?: string, @Query('order') order?: string) {
    const { notebook, chart } = await this.reads.year(coopId, yearParam(year), asOf);
    const grid = gridView(notebook, chart, { order: order === 'pj' ? 'pj' : 'date' });
    sendJson(res, grid, () => grid);
  }

  @Get('breakdown')
  async breakdown(@Param('coopId') coopId: string, @Param('year') year: string, @Query('asOf') asOf?: string) {
    const { notebook, chart } = await this.reads.year(coopId, yearParam(year), asOf);
    return breakdownView(notebook, chart);
  }

  @Get('actions')
  async actions(@Param('coopId') coopId: string, @Param('year') year: string, @Query('asOf') asOf?: string) {
    const { notebook, chart } = await this.reads.year(coopId, yearParam(year), asOf);
    return actionsView(notebook, chart);
  }

  @Get('actions/:name')
  async action(@Param('coopId') coopId: string, @Param('year') year: string, @Param('name') name: string, @Query('asOf') asOf?: string) {
    const { notebook, chart } = await this.reads.year(coopId, yearParam(year), asOf);
    const report = actionReport(notebook, chart, name);
    if (!report) throw new DomainError('NOT_FOUND', `Aucune écriture n'est rattachée à l'action « ${name} ».`, undefined, 'not_found');
    return report;
  }

  @Get('advances')
  async advances(@Param('coopId') coopId: string, @Param('year') year: string, @Query('asOf') asOf?: string) {
    const { notebook } = await this.reads.year(coopId, yearParam(year), asOf);
    return advancesView(notebook);
  }

  @Get('checklist')
  async checklist(@Param('coopId') coopId: string, @Param('year') year: string, @Query('asOf') asOf?: string) {
    const { coop, source } = await this.reads.year(coopId, yearParam(year), asOf);
    return this.reads.checklist(coop, yearParam(year), source);
  }

  @Get('crf')
  async crf(@Param('coopId') coopId: string, @Param('year') year: string, @Query('asOf') asOf?: string) {
    return this.yearEnd.crf(await this.reads.year(coopId, yearParam(year), asOf));
  }

  @Get('cra')
  async cra(@Param('coopId') coopId: string, @Param('year') year: string, @Query('asOf') asOf?: string) {
    const { notebook, chart } = await this.reads.year(coopId, yearParam(year), asOf);
    return craView(notebook, chart);
  }

  @Get('export.csv')
  async csv(@Param('coopId') coopId: string, @Param('year') year: string, @Res() res: Response, @Query('asOf') asOf?: string) {
    const { notebook, chart, coop } = await this.reads.year(coopId, yearParam(year), asOf);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="cahier-${coopId}-${year}.csv"`);
    res.send(gridCsv(gridView(notebook, chart, { order: 'date' }), coop.name));
  }

  /** The FEC, named after the association's SIREN, with its notice beside it (Link: rel=describedby). */
  @Get('fec.txt')
  async fecFile(@Param('coopId') coopId: string, @Param('year') year: string, @Res() res: Response, @Query('asOf') asOf?: string) {
    const file = await this.coopFec(coopId, year, asOf);
    res.setHeader('Content-Type', 'text/plain; charset=iso-8859-15');
    res.setHeader('Content-Disposition', `attachment; filename="${file.fileName}"`);
    res.setHeader('Link', `<fec-notice.txt${asOf ? `?asOf=${encodeURIComponent(asOf)}` : ''}>; rel="describedby"`);
    res.send(file.bytes);
  }

  @Get('fec-notice.txt')
  async fecNoticeFile(@Param('coopId') coopId: string, @Param('year') year: string, @Res() res: Response, @Query('asOf') asOf?: string) {
    const file = await this.coopFec(coopId, year, asOf);
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.setHeader('Content-Disposition', `inline; filename="${file.fileName.replace(/\.txt$/, '-notice.txt')}"`);
    res.send(file.notice);
  }

  private async coopFec(coopId: string, year: string, asOf: string | undefined) {
    const { notebook, chart, coop } = await this.reads.year(coopId, yearParam(year), asOf);
    const association = await this.accounts.association(coop.department);
    return coopFecFile(notebook, chart, coop, association, today(this.clock));
  }

  @Get('print.pdf')
  async notebookPdf(@Param('coopId') coopId: string, @Param('year') year: string, @Res() res: Response, @Query('asOf') asOf?: string) {
    await this.print.send(res, this.print.notebookDocument(await this.reads.year(coopId, yearParam(year), asOf)));
  }

  @Get('crf.pdf')
  async crfPdf(@Param('coopId') coopId: string, @Param('year') year: string, @Res() res: Response, @Query('asOf') asOf?: string) {
    const reads = await this.reads.year(coopId, yearParam(year), asOf);
    await this.print.send(res, this.print.crfDocument(reads, await this.yearEnd.crf(reads)));
  }
}

// ---- parsing: shapes only; the rules are the decider's ----------------------------------------

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

export function entryInput(body: Json | undefined): EntryInput {
  const b = body ?? {};
  return { pj: b.pj, date: b.date, label: b.label, chequeNo: b.chequeNo, actionA: b.actionA, actionB: b.actionB, lines: b.lines };
}

/** "Créer l'écriture" from a statement line: `{"statementId","lineId"}`, reconciled on it when saved. */
function statementLineOf(value: unknown): { statementId: string; lineId: string } | undefined {
  if (value === undefined || value === null) return undefined;
  const line = value as Json;
  if (typeof line !== 'object' || typeof line.statementId !== 'string' || typeof line.lineId !== 'string') {
    throw new DomainError('STATEMENT_LINE_INVALID', 'La ligne du relevé doit être donnée par {"statementId","lineId"}.', 'statementLine');
  }
  return { statementId: line.statementId, lineId: line.lineId };
}

function optionalRevision(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) {
    throw new DomainError('REVISION_INVALID', 'La révision attendue doit être un entier positif.', 'expectedRevision');
  }
  return n;
}
