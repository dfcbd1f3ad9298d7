import { Controller, Get, HttpCode, Param, Post, Query, Req, Res, UploadedFile, UseGuards, UseInterceptors } from '@nestjs/common';
import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { commandContext } from '../commands/command-context';
import { ExecuteLedgerCommand } from '../commands/ledger.commands';
import { ProjectedCommandBus } from '../commands/projected-command-bus';
import { DomainError } from '../domain/errors';
import { LedgerReads } from '../reads/ledger-reads';
import { gridView } from '../reads/ledger-views';
import { YearEndReads } from '../reads/year-end-reads';
import { submissionView, yearEndReconciliation } from '../reads/year-end-views';
import { SessionUser } from '../users/user-directory';
import { CoopScopeGuard, CurrentUser, DepartmentScopeGuard } from './auth/guards';
import { notFound } from './errors.filter';
import { JsonBody } from './json-body';
import { IdempotentRequests } from './idempotency';
import { asOfParam, yearParam } from './params';
import { QuitusCodes } from './quitus-codes';
import { QuitusInvitations } from './quitus-invitations';
import { SubmissionDecisionLetters } from './submission-decision-letters';
import { PrintService } from './print.service';
import { VoucherStore, VoucherUpload } from './voucher-store';
import { requestContext } from './request-context';

type Json = Record<string, unknown>;

/**
 * The year's end of API.md: the mandataire's invitations and submission, the vérificateur's link
 * (no session, no CSRF token: the code is the credential), the department's list and decision.
 */
@Controller('api')
@UseInterceptors(IdempotentRequests)
export class YearEndApiController {
  constructor(
    private readonly commands: ProjectedCommandBus,
    private readonly ledger: LedgerReads,
    private readonly yearEnd: YearEndReads,
    private readonly codes: QuitusCodes,
    private readonly invitations: QuitusInvitations,
    private readonly letters: SubmissionDecisionLetters,
    private readonly vouchers: VoucherStore,
    private readonly print: PrintService,
  ) {}

  @Post('coops/:coopId/years/:year/quitus/invitations')
  @UseGuards(CoopScopeGuard)
  async invite(@Param('coopId') coopId: string, @Param('year') year: string, @JsonBody() body: Json, @CurrentUser() user: SessionUser, @Req() req: Request) {
    const { coop } = await this.ledger.year(coopId, yearParam(year));
    // No idempotency key: a retry would answer a code that was never stored.
    const context = commandContext(user, null, req.header('x-correlation-id') ?? undefined);
    const email = body.email === undefined || body.email === null ? null : text(body.email);
    return this.invitations.invite(coop, yearParam(year), { name: text(body.name), quality: text(body.quality), email }, context);
  }

  /** Each invitation's delivery; an e-mailed one also says whether its message left, and when (never its code). */
  @Get('coops/:coopId/years/:year/quitus')
  @UseGuards(CoopScopeGuard)
  async quitus(@Param('coopId') coopId: string, @Param('year') year: string) {
    const { coop } = await this.ledger.year(coopId, yearParam(year));
    const view = await this.yearEnd.quitus(coop, yearParam(year));
    const messages = await this.invitations.messagesOf(view.invitations);
    return {
      ...view,
      invitations: view.invitations.map((i) => {
        const message = messages.get(i.invitationId);
        return i.delivery === 'email' ? { ...i, messageStatus: message?.status ?? null, sentAt: message?.sentAt ?? null } : i;
      }),
    };
  }

  @Post('coops/:coopId/years/:year/submission/documents')
  @UseGuards(CoopScopeGuard)
  // Listed above the upload's own interceptors, so it runs after them: the file is read by then.
  @UseInterceptors(IdempotentRequests)
  @VoucherUpload()
  async attach(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @UploadedFile() file: { buffer: Buffer; originalname?: string; size: number } | undefined,
    @CurrentUser() user: SessionUser,
    @Req() req: Request,
  ) {
    const fields = (req.body ?? {}) as Json;
    const kind = text(fields.kind);
    const subsidyIndex = kind === 'subsidy' ? indexOf(fields.subsidyIndex) : null;
    const stored = await this.vouchers.store(file);
    const documentId = randomUUID();
    await this.commands.execute(
      new ExecuteLedgerCommand(
        coopId,
        yearParam(year),
        { type: 'AttachSubmissionDocument', documentId, kind, subsidyIndex, ...stored },
        requestContext(user, req),
      ),
    );
    return { documentId };
  }

  /** The coop's own view of its submission: versions, documents, what still blocks it. */
  @Get('coops/:coopId/years/:year/submission')
  @UseGuards(CoopScopeGuard)
  async submission(@Param('coopId') coopId: string, @Param('year') year: string) {
    const y = yearParam(year);
    const { coop, notebook } = await this.ledger.year(coopId, y);
    return submissionView(await this.yearEnd.yearEnd(coop, y), notebook, this.yearEnd.today());
  }

  /** A version as the AD received it: made from the stream head it is bound to, whatever changed since. */
  @Get('coops/:coopId/years/:year/submission/versions/:version/crf')
  @UseGuards(CoopScopeGuard)
  async sentCrf(@Param('coopId') coopId: string, @Param('year') year: string, @Param('version') version: string) {
    return (await this.yearEnd.sentCrf(coopId, yearParam(year), versionParam(version))).crf;
  }

  @Get('coops/:coopId/years/:year/submission/versions/:version/crf.pdf')
  @UseGuards(CoopScopeGuard)
  async sentCrfPdf(@Param('coopId') coopId: string, @Param('year') year: string, @Param('version') version: string, @Res() res: Response) {
    const { reads, crf } = await this.yearEnd.sentCrf(coopId, yearParam(year), versionParam(version));
    await this.print.send(res, this.print.crfDocument(reads, crf));
  }

  @Post('coops/:coopId/years/:year/submission')
  @UseGuards(CoopScopeGuard)
  async submit(@Param('coopId') coopId: string, @Param('year') year: string, @CurrentUser() user: SessionUser, @Req() req: Request) {
    const outcome = await this.commands.execute(new ExecuteLedgerCommand(coopId, yearParam(year), { type: 'SubmitYear' }, requestContext(user, req)));
    return { version: outcome.answer.submissionVersion };
  }

  @Get('departments/:dept/years/:year/submissions')
  @UseGuards(DepartmentScopeGuard)
  submissions(@Param('dept') department: string, @Param('year') year: string, @Query('asOf') asOf?: unknown) {
    return this.yearEnd.submissions(department, yearParam(year), asOfParam(asOf));
  }

  @Post('departments/:dept/coops/:coopId/years/:year/submission/decision')
  @HttpCode(200)
  @UseGuards(DepartmentScopeGuard)
  async decide(
    @Param('dept') department: string,
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @JsonBody() body: Json,
    @CurrentUser() user: SessionUser,
    @Req() req: Request,
  ) {
    const { coop } = await this.ledger.year(coopId, yearParam(year)).catch(() => {
      throw notFound();
    });
    if (coop.department !== department) throw notFound();
    const context = requestContext(user, req);
    if (body.decision === 'accept') await this.commands.execute(new ExecuteLedgerCommand(coopId, yearParam(year), { type: 'AcceptSubmission' }, context));
    else if (body.decision === 'return')
      await this.commands.execute(new ExecuteLedgerCommand(coopId, yearParam(year), { type: 'ReturnSubmission', reason: text(body.reason) }, context));
    else throw new DomainError('DECISION_INVALID', 'La décision est « accept » (accepter) ou « return » (renvoyer avec une raison).', 'decision');
    await this.letters.send(coop, yearParam(year));
    return { decision: body.decision };
  }

  // ---- the vérificateur's link: the code is the credential --------------------------------------

  @Get('quitus/:code')
  async open(@Param('code') code: string, @Req() req: Request) {
    const invitation = await this.codes.open(code, req);
    const reads = await this.ledger.year(invitation.coopId, invitation.year);
    const { coop, notebook, chart } = reads;
    const yearEnd = await this.yearEnd.yearEnd(coop, invitation.year);
    const crf = await this.yearEnd.crf(reads);
    return {
      coop: { coopId: coop.coopId, name: coop.name, school: coop.school, uai: coop.uai, department: coop.department },
      year: invitation.year,
      invitation: yearEnd.invitations.find((i) => i.invitationId === invitation.invitationId) ?? null,
      crf,
      grid: gridView(notebook, chart, { order: 'date' }),
      bankReconciliation: yearEndReconciliation(notebook),
    };
  }

  @Post('quitus/:code')
  @HttpCode(200)
  async give(@Param('code') code: string, @JsonBody() body: Json, @Req() req: Request) {
    const invitation = await this.codes.open(code, req);
    const user = req.isAuthenticated?.() ? (req.user as SessionUser) : null;
    const by = user ? { role: user.role, coopId: user.coopId } : null;
    const holder = { username: `verificateur:${invitation.invitationId}`, role: 'system' as const };
    await this.commands.execute(
      new ExecuteLedgerCommand(
        invitation.coopId,
        invitation.year,
        { type: 'GiveQuitus', codeHash: invitation.id, decision: text(body.decision), comment: typeof body.comment === 'string' ? body.comment : null, by },
        requestContext(holder, req),
      ),
    );
    return { decision: body.decision };
  }
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

function versionParam(value: string): number {
  if (!/^\d{1,4}$/.test(value)) throw new DomainError('NOT_FOUND', 'Version introuvable.', undefined, 'not_found');
  return Number(value);
}

/** A multipart field is text: "0" → 0; anything else is left for the decider to refuse. */
function indexOf(value: unknown): number | null {
  if (typeof value === 'number') return value;
  return typeof value === 'string' && /^\d{1,4}$/.test(value) ? Number(value) : null;
}
