import { Body, Controller, Get, Param, Post, Req, Res, UploadedFile, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { commandContext } from '../../commands/command-context';
import { ExecuteLedgerCommand } from '../../commands/ledger.commands';
import { ProjectedCommandBus } from '../../commands/projected-command-bus';
import { DomainError } from '../../domain/errors';
import { LedgerReads } from '../../reads/ledger-reads';
import { gridView } from '../../reads/ledger-views';
import { parisMoment } from '../../reads/audit-views';
import { YearEndReads } from '../../reads/year-end-reads';
import { verifierQualities, verifierQualityLabel } from '../../reads/words';
import { submissionView, yearEndReconciliation } from '../../reads/year-end-views';
import { SessionUser } from '../../users/user-directory';
import { csrfTokenFor } from '../auth/csrf';
import { CoopScopeGuard, CurrentUser } from '../auth/guards';
import { canWriteCoop } from '../auth/scope';
import { ApiError } from '../errors.filter';
import { QuitusCodes } from '../quitus-codes';
import { type InvitationMessage, type Invited, QuitusInvitations } from '../quitus-invitations';
import { submissionStatusLabel } from '../../reads/status-labels';
import { Views } from '../views';
import { VoucherStore, VoucherUpload } from '../voucher-store';
import { type FormBody, text } from './entry-form';
import { attempt, type YearContext, YearPages, yearCommand } from './year-page';

/** Where an e-mailed invitation stands, in words: the mandataire sees that it left and when. */
function messageWords(message: InvitationMessage | undefined): string {
  if (!message) return 'message non enregistré';
  if (message.status === 'sent') return `message parti le ${parisMoment(message.sentAt ?? message.at)}`;
  if (message.status === 'failed') return "message en échec : l'adresse ou le serveur l'a refusé, invitez de nouveau";
  return "message en attente d'envoi";
}

/**
 * The year's end as people do it: the mandataire invites the vérificateurs and sends the closed
 * year to the AD; a vérificateur reads the year from the link (no account) and gives quitus or
 * réserves.
 */
@Controller()
export class YearEndPagesController {
  constructor(
    private readonly pages: YearPages,
    private readonly commands: ProjectedCommandBus,
    private readonly ledger: LedgerReads,
    private readonly yearEnd: YearEndReads,
    private readonly codes: QuitusCodes,
    private readonly invitations: QuitusInvitations,
    private readonly vouchers: VoucherStore,
    private readonly views: Views,
  ) {}

  // ---- the mandataire: invitations -----------------------------------------------------------

  @Get('coops/:coopId/years/:year/quitus')
  @UseGuards(CoopScopeGuard)
  async quitus(@Param('coopId') coopId: string, @Param('year') year: string, @CurrentUser() user: SessionUser, @Res() res: Response) {
    const ctx = await this.pages.load(coopId, year, user);
    await this.renderQuitus(res, ctx, {}, null, 200);
  }

  @Post('coops/:coopId/years/:year/quitus')
  @UseGuards(CoopScopeGuard)
  async invite(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Body() body: FormBody,
    @CurrentUser() user: SessionUser,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const ctx = await this.pages.load(coopId, year, user);
    const name = text(body.name);
    const quality = text(body.quality);
    const email = text(body.email) || null;
    const outcome: { invited?: Invited } = {};
    const refusal = await attempt(async () => {
      outcome.invited = await this.invitations.invite(ctx.reads.coop, ctx.reads.year, { name, quality, email }, commandContext(ctx.user));
    });
    const done = outcome.invited;
    if (refusal || !done) return this.renderQuitus(res, ctx, { name, quality, email: email ?? '', errors: refusal?.errors }, null, refusal?.status ?? 500);
    // A paper invitation's link is shown once (only its hash is kept); an e-mailed one's never.
    const origin = `${req.protocol}://${req.get('host')}`;
    await this.renderQuitus(
      res,
      ctx,
      {},
      done.delivery === 'email'
        ? { name, sentTo: done.sentTo, link: null, letter: null }
        : { name, sentTo: null, link: `${origin}${done.url}`, letter: done.letterUrl },
      201,
    );
  }

  private async renderQuitus(
    res: Response,
    ctx: YearContext,
    form: { name?: string; quality?: string; email?: string; errors?: Record<string, string> },
    created: { name: string; sentTo: string | null; link: string | null; letter: string | null } | null,
    status: number,
  ) {
    const view = await this.yearEnd.quitus(ctx.reads.coop, ctx.reads.year);
    const messages = await this.invitations.messagesOf(view.invitations);
    const errors = form.errors ?? {};
    this.pages.render(
      res,
      ctx,
      'quitus',
      {
        title: 'Le quitus des vérificateurs aux comptes',
        nav: 'quitus',
        mayInvite: this.mayAct(ctx) && ctx.closed,
        yearOpen: !ctx.closed,
        quitus: {
          ...view,
          invitations: view.invitations.map((i) => ({
            ...i,
            qualityLabel: verifierQualityLabel(i.quality),
            byEmail: i.delivery === 'email',
            message: messageWords(messages.get(i.invitationId)),
          })),
          decisions: view.decisions.map((d) => ({ ...d, qualityLabel: verifierQualityLabel(d.quality) })),
        },
        created,
        name: { id: 'f-name', name: 'name', value: form.name ?? '', error: errors.name ?? null },
        email: { id: 'f-email', name: 'email', value: form.email ?? '', error: errors.email ?? null },
        qualities: verifierQualities().map((q) => ({ ...q, selected: q.value === (form.quality ?? 'parent') })),
        qualityError: errors.quality ?? null,
        formError: errors._form ?? null,
      },
      { status },
    );
  }

  // ---- the mandataire: the opening a correction of the previous year moved ----------------

  /** "J'ai vu" on the home page's before → after: it shows once (OpeningChangeSeen). */
  @Post('coops/:coopId/years/:year/ouverture/vue')
  @UseGuards(CoopScopeGuard)
  async openingSeen(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Body() body: FormBody,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const ctx = await this.pages.load(coopId, year, user);
    if (!this.mayAct(ctx))
      throw new DomainError('FORBIDDEN', "Seul le mandataire de la coopérative prend connaissance de l'ouverture.", undefined, 'forbidden');
    const cents = (value: unknown) => (/^-?\d{1,12}$/.test(text(value)) ? Number(text(value)) : NaN);
    const refusal = await attempt(() =>
      this.commands.execute(yearCommand(ctx, { type: 'AcknowledgeOpeningChange', bank: cents(body.bank), cash: cents(body.cash) })),
    );
    this.pages.done(res, ctx.base, refusal ? Object.values(refusal.errors)[0] : "C'est noté : la nouvelle ouverture ne sera plus signalée.");
  }

  // ---- the mandataire: the submission to the AD ----------------------------------------------

  @Get('coops/:coopId/years/:year/depot')
  @UseGuards(CoopScopeGuard)
  async submission(@Param('coopId') coopId: string, @Param('year') year: string, @CurrentUser() user: SessionUser, @Res() res: Response) {
    const ctx = await this.pages.load(coopId, year, user);
    await this.renderSubmission(res, ctx, null, 200);
  }

  @Post('coops/:coopId/years/:year/depot/documents')
  @UseGuards(CoopScopeGuard)
  @VoucherUpload()
  async attach(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @UploadedFile() file: { buffer: Buffer; originalname?: string; size: number } | undefined,
    @CurrentUser() user: SessionUser,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const ctx = await this.pages.load(coopId, year, user);
    const fields = (req.body ?? {}) as FormBody;
    const kind = text(fields.kind);
    const index = /^\d{1,4}$/.test(text(fields.subsidyIndex)) ? Number(text(fields.subsidyIndex)) : null;
    let stored;
    try {
      stored = await this.vouchers.store(file);
    } catch (error) {
      if (error instanceof ApiError) return this.renderSubmission(res, ctx, error.body.message, error.getStatus());
      throw error;
    }
    const refusal = await attempt(() =>
      this.commands.execute(
        yearCommand(ctx, { type: 'AttachSubmissionDocument', documentId: randomUUID(), kind, subsidyIndex: kind === 'subsidy' ? index : null, ...stored }),
      ),
    );
    if (refusal) return this.renderSubmission(res, ctx, Object.values(refusal.errors)[0], refusal.status);
    this.pages.done(res, `${ctx.base}/depot`, `Le document « ${stored.fileName} » est joint au dossier.`);
  }

  @Post('coops/:coopId/years/:year/depot')
  @UseGuards(CoopScopeGuard)
  async submit(@Param('coopId') coopId: string, @Param('year') year: string, @CurrentUser() user: SessionUser, @Res() res: Response) {
    const ctx = await this.pages.load(coopId, year, user);
    const refusal = await attempt(() => this.commands.execute(yearCommand(ctx, { type: 'SubmitYear' })));
    if (refusal) return this.renderSubmission(res, ctx, Object.values(refusal.errors)[0], refusal.status);
    this.pages.done(res, `${ctx.base}/depot`, "Le dossier de l'exercice est envoyé à l'association départementale.");
  }

  @Get('coops/:coopId/years/:year/depot/documents/:documentId')
  @UseGuards(CoopScopeGuard)
  async openDocument(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Param('documentId') documentId: string,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const ctx = await this.pages.load(coopId, year, user);
    const end = await this.yearEnd.yearEnd(ctx.reads.coop, ctx.reads.year);
    const document = end.documents.find((d) => d.documentId === documentId);
    if (!document) throw new DomainError('NOT_FOUND', 'Document introuvable.', undefined, 'not_found');
    await this.vouchers.send(res, document);
  }

  private async renderSubmission(res: Response, ctx: YearContext, formError: string | null, status: number) {
    const end = await this.yearEnd.yearEnd(ctx.reads.coop, ctx.reads.year);
    const view = submissionView(end, ctx.reads.notebook, this.yearEnd.today());
    const documentHref = (id: string) => `${ctx.base}/depot/documents/${encodeURIComponent(id)}`;
    this.pages.render(
      res,
      ctx,
      'submission',
      {
        title: "Le dépôt du bilan à l'association départementale",
        nav: 'depot',
        mayAct: this.mayAct(ctx),
        view: {
          ...view,
          blockers: view.blockers.map((b) => ({ ...b, href: b.fix === 'quitus' ? `${ctx.base}/quitus` : b.fix === 'cloture' ? `${ctx.base}/cloture` : null })),
          versions: view.versions.map((v) => ({
            ...v,
            statusLabel: submissionStatusLabel(v.status),
            crfHref: `/api${ctx.base}/submission/versions/${v.version}/crf.pdf`,
          })),
          statements: view.statements.map((d) => ({ ...d, href: documentHref(d.documentId) })),
          importedStatement: view.importedStatement && {
            ...view.importedStatement,
            href: `/api${ctx.base}/statements/${encodeURIComponent(view.importedStatement.statementId)}/file`,
          },
          subsidies: view.subsidies.map((s) => ({ ...s, proofHref: s.proof ? documentHref(s.proof.documentId) : null })),
        },
        formError,
        crfPdf: `/api${ctx.base}/crf.pdf`,
        uploadAction: `${ctx.base}/depot/documents`,
      },
      { status },
    );
  }

  /** The mandataire of the coop (or an admin) acts on the year's end, closed year or not. */
  private mayAct(ctx: YearContext): boolean {
    return canWriteCoop(ctx.user, { coopId: ctx.reads.coop.coopId, department: ctx.reads.coop.department });
  }

  // ---- the vérificateur's link (no account) ----------------------------------------------------

  @Get('quitus/:code')
  async verifier(@Param('code') code: string, @Req() req: Request, @Res() res: Response) {
    await this.renderVerifier(req, res, code, {}, null, 200);
  }

  @Post('quitus/:code')
  async decide(@Param('code') code: string, @Body() body: FormBody, @Req() req: Request, @Res() res: Response) {
    const invitation = await this.codes.open(code, req);
    const user = req.isAuthenticated?.() ? (req.user as SessionUser) : null;
    const decision = text(body.decision);
    const comment = text(body.comment);
    const refusal = await attempt(() =>
      this.commands.execute(
        new ExecuteLedgerCommand(
          invitation.coopId,
          invitation.year,
          { type: 'GiveQuitus', codeHash: invitation.id, decision, comment, by: user ? { role: user.role, coopId: user.coopId } : null },
          commandContext({ username: `verificateur:${invitation.invitationId}`, role: 'system' }),
        ),
      ),
    );
    if (refusal) return this.renderVerifier(req, res, code, { decision, comment, errors: refusal.errors }, null, refusal.status);
    await this.renderVerifier(
      req,
      res,
      code,
      {},
      decision === 'quitus' ? 'Merci : votre quitus est enregistré.' : 'Merci : vos réserves sont enregistrées.',
      200,
    );
  }

  /** The paper invitation: its holder prints it and hands it over (the code is the credential, as on the link). */
  @Get('quitus/:code/lettre')
  async letter(@Param('code') code: string, @Req() req: Request, @Res() res: Response) {
    const invitation = await this.codes.open(code, req);
    const { coop } = await this.ledger.year(invitation.coopId, invitation.year);
    const mine = (await this.yearEnd.yearEnd(coop, invitation.year)).invitations.find((i) => i.invitationId === invitation.invitationId);
    if (!mine) throw new DomainError('INVITATION_NOT_FOUND', "Ce lien d'invitation est inconnu ou a expiré.", undefined, 'not_found');
    this.views.render(res, 'quitus-letter', {
      title: `Invitation à vérifier les comptes ${invitation.year}-${invitation.year + 1}`,
      coop,
      yearName: `${invitation.year}-${invitation.year + 1}`,
      invitation: { ...mine, qualityLabel: verifierQualityLabel(mine.quality) },
      link: `${req.protocol}://${req.get('host')}/quitus/${code}`,
    });
  }

  @Get('quitus/:code/pieces/:entryId/:attachmentId')
  async verifierVoucher(
    @Param('code') code: string,
    @Param('entryId') entryId: string,
    @Param('attachmentId') attachmentId: string,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const invitation = await this.codes.open(code, req);
    const { notebook } = await this.ledger.year(invitation.coopId, invitation.year);
    const attachment = notebook.entries.find((e) => e.entryId === entryId)?.attachments.find((a) => a.attachmentId === attachmentId);
    if (!attachment) throw new DomainError('NOT_FOUND', 'Pièce jointe introuvable.', undefined, 'not_found');
    await this.vouchers.send(res, attachment);
  }

  private async renderVerifier(
    req: Request,
    res: Response,
    code: string,
    form: { decision?: string; comment?: string; errors?: Record<string, string> },
    thanks: string | null,
    status: number,
  ) {
    const invitation = await this.codes.open(code, req);
    const reads = await this.ledger.year(invitation.coopId, invitation.year);
    const end = await this.yearEnd.yearEnd(reads.coop, invitation.year);
    const crf = await this.yearEnd.crf(reads);
    const mine = end.invitations.find((i) => i.invitationId === invitation.invitationId);
    const given = end.decisions.find((d) => d.invitationId === invitation.invitationId) ?? null;
    const grid = gridView(reads.notebook, reads.chart, { order: 'date' });
    const base = `/quitus/${encodeURIComponent(code)}`;
    csrfTokenFor(req);
    const errors = form.errors ?? {};
    this.views.render(
      res,
      'verifier',
      {
        title: `Vérification des comptes ${invitation.year}-${invitation.year + 1}`,
        coop: reads.coop,
        year: invitation.year,
        yearName: `${invitation.year}-${invitation.year + 1}`,
        invitation: mine ? { ...mine, qualityLabel: verifierQualityLabel(mine.quality) } : null,
        given,
        thanks,
        mayDecide: !given && reads.notebook.status === 'closed',
        crf,
        rows: grid.rows.map((r) => ({
          ...r,
          bank: r.columns.bankIn - r.columns.bankOut,
          cash: r.columns.cashIn - r.columns.cashOut,
          vouchers: (reads.notebook.entries.find((e) => e.entryId === r.entryId)?.attachments ?? []).map((a) => ({
            fileName: a.fileName,
            href: `${base}/pieces/${encodeURIComponent(r.entryId)}/${encodeURIComponent(a.attachmentId)}`,
          })),
        })),
        reconciliation: yearEndReconciliation(reads.notebook),
        action: base,
        decision: form.decision ?? '',
        comment: { id: 'f-comment', name: 'comment', value: form.comment ?? '', error: errors.comment ?? null },
        decisionError: errors.decision ?? null,
        formError: errors._form ?? null,
        pdf: null,
      },
      { status },
    );
  }
}
