import { plural } from '../../reads/words';
import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res, UploadedFile, UseGuards } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { ProjectedCommandBus } from '../../commands/projected-command-bus';
import { BANK } from '../../domain/chart';
import { DomainError } from '../../domain/errors';
import { importStatementCommand } from '../../domain/ledger/statements/statements';
import { type Clock, formatFrenchDate, parseFrenchDate, today } from '../../domain/fiscal-year';
import { formatEuros, parseEuros } from '../../domain/money';
import { type CsvMapping, type ParsedStatement } from '../../domain/statements';
import { netOn } from '../../domain/net-amount';
import {
  bankReconciliationView,
  matchCandidates,
  statementList,
  statementProposals,
  readStatement,
  type Statement,
  statementView,
} from '../../reads/bank-statements';
import { lineCandidates, searchCandidates, suggestAccount } from '../../domain/statements';
import { accountGroups, nextPj } from '../../reads/notebook-models';
import { CLOCK } from '../../tokens';
import { type SessionUser } from '../../users/user-directory';
import { CoopScopeGuard, CurrentUser } from '../auth/guards';
import { mappingField, previewOf } from '../statements-api.controller';
import { KIND_STATUS } from '../errors.filter';
import { StatementPreviews } from '../statement-previews';
import { StatementReader } from '../statement-reader';
import { VoucherStore, VoucherUpload } from '../voucher-store';
import { amountOf, type FieldErrors, type FormBody, text } from './entry-form';
import { attempt, requireWrite, type YearContext, YearPages, yearCommand } from './year-page';

type Upload = { buffer: Buffer; originalname?: string; size: number } | undefined;

/** A preview lives in the memory of the instance that showed it: an hour old, or shown by another instance behind the load balancer. */
const PREVIEW_GONE = 'Le fichier de l’aperçu n’est plus disponible (aperçu de plus d’une heure, ou préparé par un autre serveur) : déposez-le à nouveau.';

const MAPPING_COLUMNS: Array<{ key: keyof CsvMapping; label: string; optional: boolean }> = [
  { key: 'date', label: 'Date', optional: false },
  { key: 'label', label: 'Libellé', optional: false },
  { key: 'amount', label: 'Montant signé', optional: true },
  { key: 'debit', label: 'Débit', optional: true },
  { key: 'credit', label: 'Crédit', optional: true },
  { key: 'chequeNo', label: 'N° de chèque', optional: true },
  { key: 'reference', label: 'Référence', optional: true },
  { key: 'balance', label: 'Solde après chaque opération', optional: true },
];

/** "Relevés": import the bank's file (preview, correct the columns, store), match its lines, the état de rapprochement. */
@Controller('coops/:coopId/years/:year')
@UseGuards(CoopScopeGuard)
export class StatementsPagesController {
  constructor(
    private readonly pages: YearPages,
    private readonly commands: ProjectedCommandBus,
    private readonly vouchers: VoucherStore,
    private readonly reader: StatementReader,
    private readonly previews: StatementPreviews,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('releves')
  async list(@Param('coopId') coopId: string, @Param('year') year: string, @CurrentUser() user: SessionUser, @Res() res: Response) {
    const ctx = await this.pages.load(coopId, year, user);
    this.renderList(res, ctx, {}, 200);
  }

  private renderList(res: Response, ctx: YearContext, extra: { formError?: string; values?: Record<string, string>; errors?: FieldErrors }, status: number) {
    const statements = statementList(ctx.reads.notebook).map((s) => ({ ...s, href: `${ctx.base}/releves/${encodeURIComponent(s.statementId)}` }));
    this.pages.render(
      res,
      ctx,
      'statements',
      {
        nav: 'releves',
        title: 'Relevés bancaires',
        statements,
        values: extra.values ?? {},
        errors: extra.errors ?? {},
        formError: extra.formError,
      },
      { status },
    );
  }

  @Post('releves/apercu')
  @VoucherUpload()
  async preview(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @UploadedFile() file: Upload,
    @Req() req: Request,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const ctx = await this.pages.load(coopId, year, user);
    requireWrite(ctx);
    const body = (req.body ?? {}) as FormBody;
    const owner = this.previewOwner(ctx, user);
    // A new file, or the one of an earlier preview read again with corrected columns.
    const earlier = file?.buffer?.length ? null : this.previews.get(body.preview, owner);
    const bytes = file?.buffer?.length ? file.buffer : (earlier?.bytes ?? null);
    if (!bytes) {
      const message =
        earlier === null && body.preview !== undefined ? PREVIEW_GONE : 'Choisissez le fichier du relevé (CSV, OFX ou CAMT.053) exporté depuis la banque.';
      return this.renderList(res, ctx, { errors: { file: message } }, 400);
    }
    const fileName = earlier?.fileName ?? (file?.originalname || 'releve').slice(0, 100);
    try {
      // Read before it is kept: a file the reader refuses leaves no preview behind.
      const parsed = await this.reader.read(bytes, mappingOfForm(body));
      const previewToken = earlier ? text(body.preview) : this.previews.keep({ ...owner, bytes, fileName });
      this.renderPreview(res, ctx, parsed, { fileName, previewToken, body }, {}, 200);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      this.renderList(res, ctx, { errors: { file: error.message } }, KIND_STATUS[error.kind] ?? 400);
    }
  }

  /** The preview of a file read: its columns (correctable), its date and balance (asked for when the file has none), its lines. */
  private renderPreview(
    res: Response,
    ctx: YearContext,
    parsed: ParsedStatement,
    kept: { fileName: string; previewToken: string; body: FormBody },
    errors: FieldErrors,
    status: number,
  ) {
    const { body } = kept;
    const preview = previewOf(parsed);
    const columns = parsed.columns;
    const mappingRows = parsed.mapping
      ? MAPPING_COLUMNS.map((c) => ({
          key: c.key,
          label: c.label,
          options: [
            ...(c.optional ? [{ value: '', label: '(aucune)', selected: parsed.mapping![c.key] === null }] : []),
            ...Array.from({ length: Math.max(columns.length, 6) }, (_, i) => ({
              value: String(i),
              label: `Colonne ${i + 1}${columns[i] ? ` – ${columns[i].slice(0, 60)}` : ''}`,
              selected: parsed.mapping![c.key] === i,
            })),
          ],
        }))
      : [];
    const lastLine = parsed.lines.reduce<string>((max, l) => (l.date > max ? l.date : max), '');
    this.pages.render(
      res,
      ctx,
      'statement-preview',
      {
        nav: 'releves',
        title: 'Aperçu du relevé',
        preview,
        formatName: { csv: 'CSV', ofx: 'OFX', camt053: 'CAMT.053' }[parsed.format],
        mapping: parsed.mapping,
        mappingRows,
        headerLine: parsed.mapping?.headerLine ?? 0,
        previewToken: kept.previewToken,
        fileName: kept.fileName,
        // What the user typed wins over what the file says (nothing typed is thrown away).
        dateText: body.date !== undefined ? text(body.date) : (parsed.date ?? lastLine) ? formatFrenchDate(parsed.date ?? lastLine) : '',
        closingBalance:
          body.closingBalance !== undefined
            ? text(body.closingBalance)
            : parsed.closingBalance === null
              ? ''
              : formatEuros(parsed.closingBalance).replace(/\s€$/, ''),
        balanceRead: parsed.closingBalance !== null,
        errors,
        formError: errors._form ?? errors.file,
        lines: preview.lines.slice(0, 200),
        more: Math.max(0, preview.lines.length - 200),
      },
      { status },
    );
  }

  @Post('releves')
  async importConfirmed(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Body() body: FormBody,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const ctx = await this.pages.load(coopId, year, user);
    requireWrite(ctx);
    const previewed = this.previews.get(body.preview, this.previewOwner(ctx, user));
    if (!previewed) return this.renderList(res, ctx, { errors: { file: PREVIEW_GONE } }, 400);
    let parsed: ParsedStatement;
    try {
      parsed = await this.reader.read(previewed.bytes, mappingOfForm(body));
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return this.renderList(res, ctx, { errors: { file: error.message } }, KIND_STATUS[error.kind] ?? 400);
    }
    const kept = { fileName: previewed.fileName, previewToken: text(body.preview), body };
    const errors: FieldErrors = {};
    const balanceText = text(body.closingBalance).trim();
    const closingBalance = balanceText === '' ? null : (amountOf(balanceText, 'closingBalance', errors, { signed: true }) ?? null);
    const dateText = text(body.date).trim();
    const date = dateText === '' ? null : parseFrenchDate(dateText);
    if (dateText !== '' && date === null) errors.date = 'Indiquez la date du relevé au format jj/mm/aaaa (ex. 30/11/2026).';
    // A refusal shows the same preview again, the reason next to its field: the file is never to be dropped again.
    if (Object.keys(errors).length) return this.renderPreview(res, ctx, parsed, kept, errors, 400);
    const statementId = `s_${randomUUID()}`;
    const refusal = await attempt(() =>
      this.vouchers.keepWhile(previewed.bytes, previewed.fileName, (file) =>
        this.commands.execute(yearCommand(ctx, importStatementCommand(statementId, parsed, file, { date, closingBalance }))),
      ),
    );
    if (refusal) return this.renderPreview(res, ctx, parsed, kept, refusal.errors, refusal.status);
    this.previews.forget(text(body.preview));
    this.pages.done(res, statementPage(ctx, statementId), 'Le relevé est enregistré : vérifiez les propositions, puis « Tout confirmer ».');
  }

  private previewOwner(ctx: YearContext, user: SessionUser) {
    return { coopId: ctx.reads.coop.coopId, year: ctx.reads.year, username: user.username };
  }

  @Post('releves/papier')
  async paper(@Param('coopId') coopId: string, @Param('year') year: string, @Body() body: FormBody, @CurrentUser() user: SessionUser, @Res() res: Response) {
    const ctx = await this.pages.load(coopId, year, user);
    requireWrite(ctx);
    const values = { date: text(body.date).trim(), closingBalance: text(body.closingBalance).trim() };
    const errors: FieldErrors = {};
    const closingBalance = values.closingBalance === '' ? undefined : amountOf(values.closingBalance, 'closingBalance', errors, { signed: true });
    if (Object.keys(errors).length) return this.renderList(res, ctx, { values, errors }, 400);
    const refusal = await attempt(() =>
      this.commands.execute(
        yearCommand(ctx, {
          type: 'DeclareStatement',
          statementId: `s_${randomUUID()}`,
          date: parseFrenchDate(values.date) ?? values.date,
          closingBalance: closingBalance as number,
        }),
      ),
    );
    if (refusal) return this.renderList(res, ctx, { values, errors: refusal.errors, formError: refusal.errors._form }, refusal.status);
    this.pages.done(res, `${ctx.base}/releves`, 'Le relevé papier est enregistré.');
  }

  @Get('releves/:statementId')
  async detail(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Param('statementId') statementId: string,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
    @Query('ligne') searchLine?: string,
    @Query('recherche') search?: string,
  ) {
    const ctx = await this.pages.load(coopId, year, user);
    const doc = await this.statementDoc(ctx, statementId);
    this.renderDetail(res, ctx, doc, { searchLine, search });
  }

  private renderDetail(
    res: Response,
    ctx: YearContext,
    doc: Statement,
    query: { searchLine?: string; search?: string },
    extra: { formError?: string; lineForm?: LineForm; status?: number } = {},
  ) {
    const { notebook, chart } = ctx.reads;
    const { searchLine, search } = query;
    const view = statementView(notebook, doc);
    const entries = new Map(notebook.entries.map((e) => [e.entryId, e]));
    const carried = new Map(notebook.carriedOver.map((c) => [c.entryId, c]));
    const describe = (id: string) => {
      const e = entries.get(id);
      if (e) return `n° ${e.pj} du ${formatFrenchDate(e.date)} – ${e.label} (${formatEuros(netOn(e.lines, BANK))})`;
      const c = carried.get(id);
      return c ? `report n° ${c.pj} – ${c.label} (${formatEuros(c.amount)})` : id;
    };
    // A few likely entries per line from the matcher; any other by a search for that line.
    const candidates = matchCandidates(notebook);
    const open = view.lines.filter((l) => l.status !== 'matched');
    const offered = lineCandidates(open, candidates);
    const queryText = typeof search === 'string' ? search.slice(0, 100) : '';
    const found =
      typeof searchLine === 'string' && queryText.trim() !== '' ? searchCandidates(candidates, queryText, parseEuros(queryText.replace(/[€\s]/g, ''))) : null;
    // One next free PJ, the same on every line's form: the one used first takes it, the page then proposes the next (no number skipped).
    const pj = nextPj(notebook);
    const lines = view.lines.map((line) => {
      const typed = extra.lineForm?.lineId === line.lineId ? extra.lineForm : null;
      return {
        ...line,
        matched: line.status === 'matched',
        proposed: line.status === 'proposed',
        entries: line.entryIds.map(describe),
        choices: (found && searchLine === line.lineId ? found : (offered.get(line.lineId) ?? [])).map((c) => ({
          entryId: c.entryId,
          label: describe(c.entryId),
          selected: line.entryIds.includes(c.entryId),
        })),
        search: searchLine === line.lineId ? queryText : '',
        searched: found !== null && searchLine === line.lineId,
        accountGroups: accountGroups(chart, typed ? typed.account : (suggestAccount(line, chart) ?? '')),
        pj: typed ? typed.pj : pj,
        createError: typed?.error ?? null,
        side: line.amount < 0 ? 'la dépense' : 'la recette',
        absAmount: Math.abs(line.amount),
      };
    });
    const matched = view.lines.filter((l) => l.status === 'matched').length;
    this.pages.render(
      res,
      ctx,
      'statement',
      {
        nav: 'releves',
        title: `Relevé du ${formatFrenchDate(doc.date)}`,
        statement: view,
        lines,
        proposals: lines.filter((l) => l.proposed).length,
        formError: extra.formError,
        // A statement goes until one of its lines is matched: then the reason stands where the button was.
        deleteRefused:
          matched > 0 ? `Ce relevé ne peut plus être supprimé : ${plural(matched, 'ligne pointée', 'lignes pointées')} (annulez d'abord leur pointage).` : null,
        fileHref: doc.file
          ? `/api/coops/${encodeURIComponent(ctx.reads.coop.coopId)}/years/${ctx.reads.year}/statements/${encodeURIComponent(doc.statementId)}/file`
          : null,
        selfHref: statementPage(ctx, doc.statementId),
      },
      { status: extra.status ?? 200 },
    );
  }

  @Post('releves/:statementId/confirmer')
  async confirmAll(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Param('statementId') statementId: string,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const ctx = await this.pages.load(coopId, year, user);
    requireWrite(ctx);
    const doc = await this.statementDoc(ctx, statementId);
    const matches = statementProposals(ctx.reads.notebook, doc);
    await this.match(ctx, statementId, matches, res, `${plural(matches.length, 'ligne pointée', 'lignes pointées')}.`);
  }

  @Post('releves/:statementId/supprimer')
  async remove(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Param('statementId') statementId: string,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const ctx = await this.pages.load(coopId, year, user);
    requireWrite(ctx);
    const doc = await this.statementDoc(ctx, statementId);
    const refusal = await attempt(() => this.commands.execute(yearCommand(ctx, { type: 'DeleteStatement', statementId })));
    if (refusal) return this.renderDetail(res, ctx, doc, {}, { formError: Object.values(refusal.errors)[0], status: refusal.status });
    this.pages.done(res, `${ctx.base}/releves`, `Le relevé du ${formatFrenchDate(doc.date)} est supprimé.`);
  }

  @Post('releves/:statementId/lignes/:lineId/pointer')
  async pointLine(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Param('statementId') statementId: string,
    @Param('lineId') lineId: string,
    @Body() body: FormBody,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const ctx = await this.pages.load(coopId, year, user);
    requireWrite(ctx);
    const raw = body.entryIds;
    const entryIds = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(text).filter(Boolean);
    await this.match(ctx, statementId, [{ lineId, entryIds }], res, 'La ligne est pointée.');
  }

  @Post('releves/:statementId/lignes/:lineId/depointer')
  async unpointLine(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Param('statementId') statementId: string,
    @Param('lineId') lineId: string,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const ctx = await this.pages.load(coopId, year, user);
    requireWrite(ctx);
    await this.pages.oneClick(
      res,
      ctx,
      {},
      statementPage(ctx, statementId),
      () => this.commands.execute(yearCommand(ctx, { type: 'UnmatchStatementLine', statementId, lineId })),
      'Le pointage de la ligne est annulé.',
    );
  }

  @Post('releves/:statementId/lignes/:lineId/ecriture')
  async createFromLine(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Param('statementId') statementId: string,
    @Param('lineId') lineId: string,
    @Body() body: FormBody,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const ctx = await this.pages.load(coopId, year, user);
    requireWrite(ctx);
    const doc = await this.statementDoc(ctx, statementId);
    const line = doc.lines.find((l) => l.lineId === lineId);
    if (!line) throw new DomainError('LINE_NOT_FOUND', "Cette ligne n'est pas sur ce relevé.", undefined, 'not_found');
    const typed: LineForm = { lineId, pj: text(body.pj).trim(), account: text(body.account).trim(), error: null };
    // Nothing typed is thrown away: a refusal shows the line's form again, with its PJ and account.
    const refused = (error: string, status: number) => this.renderDetail(res, ctx, doc, {}, { lineForm: { ...typed, error }, status });
    if (typed.account === '') return refused("Choisissez le compte de l'écriture (l'autre côté de la banque).", 400);
    const amount = Math.abs(line.amount);
    const lines =
      line.amount < 0
        ? [
            { account: typed.account, debit: amount },
            { account: BANK, credit: amount },
          ]
        : [
            { account: BANK, debit: amount },
            { account: typed.account, credit: amount },
          ];
    const refusal = await attempt(() =>
      this.commands.execute(
        yearCommand(ctx, {
          type: 'RecordEntry',
          entryId: randomUUID(),
          entry: {
            pj: typed.pj,
            date: line.date,
            label: text(body.label).trim() || line.label,
            chequeNo: line.chequeNo,
            actionA: null,
            actionB: null,
            lines,
          },
          reconcileWith: { statementId, lineId },
        }),
      ),
    );
    if (refusal) return refused(Object.values(refusal.errors)[0], refusal.status);
    this.pages.done(res, statementPage(ctx, statementId), "L'écriture est créée et pointée sur la ligne du relevé.");
  }

  @Get('rapprochement')
  async reconciliation(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Query('date') date: string | undefined,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const ctx = await this.pages.load(coopId, year, user);
    const at = parseFrenchDate(date);
    const view = bankReconciliationView(ctx.reads.notebook, at, today(this.clock));
    this.pages.render(res, ctx, 'bank-reconciliation', {
      nav: 'releves',
      title: 'État de rapprochement',
      view,
      pdfHref: `/api${ctx.base}/bank-reconciliation.pdf?date=${view.r.date}`,
    });
  }

  private async match(ctx: YearContext, statementId: string, matches: Array<{ lineId: string; entryIds: string[] }>, res: Response, message: string) {
    await this.pages.oneClick(
      res,
      ctx,
      {},
      statementPage(ctx, statementId),
      () => this.commands.execute(yearCommand(ctx, { type: 'MatchStatementLines', statementId, matches })),
      message,
    );
  }

  private async statementDoc(ctx: YearContext, statementId: string): Promise<Statement> {
    const doc = await readStatement(ctx.reads.source, ctx.reads.notebook, statementId);
    if (!doc) throw new DomainError('STATEMENT_NOT_FOUND', "Ce relevé n'existe pas dans cet exercice.", undefined, 'not_found');
    return doc;
  }
}

/** What was typed in a line's "Créer l'écriture" form, shown again with the reason of a refusal. */
interface LineForm {
  lineId: string;
  pj: string;
  account: string;
  error: string | null;
}

/** A statement's page: where its buttons come back to. */
const statementPage = (ctx: YearContext, statementId: string): string => `${ctx.base}/releves/${encodeURIComponent(statementId)}`;

/** The column choices of the preview's form (m_date, m_label…), as a corrected mapping. */
function mappingOfForm(body: FormBody): Partial<CsvMapping> | undefined {
  const given: Record<string, unknown> = {};
  for (const { key } of MAPPING_COLUMNS) {
    const value = body[`m_${key}`];
    if (value === undefined) continue;
    given[key] = text(value) === '' ? null : Number(text(value));
  }
  if (body.m_headerLine !== undefined && text(body.m_headerLine) !== '') given.headerLine = Number(text(body.m_headerLine));
  return Object.keys(given).length ? mappingField(given) : undefined;
}
