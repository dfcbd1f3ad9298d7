import { Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Req, Res, UploadedFile, UseGuards, UseInterceptors } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { ExecuteLedgerCommand } from '../commands/ledger.commands';
import { ProjectedCommandBus } from '../commands/projected-command-bus';
import { DomainError } from '../domain/errors';
import { type Clock, isIsoDate, parseFrenchDate, today } from '../domain/fiscal-year';
import { type LineMatch } from '../domain/ledger';
import { importStatementCommand } from '../domain/ledger/statements/statements';
import { parseEuros } from '../domain/money';
import { type CsvMapping, type ParsedStatement, StatementFileError } from '../domain/statements';
import { type StatementFile } from '../events/ledger-events';
import { bankReconciliationOf, bankReconciliationView, statementList, statementProposals, readStatement, statementView } from '../reads/bank-statements';
import { LedgerReads } from '../reads/ledger-reads';
import { CLOCK } from '../tokens';
import { type SessionUser } from '../users/user-directory';
import { CoopScopeGuard, CurrentUser } from './auth/guards';
import { JsonBody } from './json-body';
import { idFor, requestContext } from './request-context';
import { yearParam } from './params';
import { IdempotentRequests } from './idempotency';
import { PrintService } from './print.service';
import { StatementReader } from './statement-reader';
import { VoucherStore, VoucherUpload } from './voucher-store';

type Json = Record<string, unknown>;
type Upload = { buffer: Buffer; originalname?: string; size: number } | undefined;

const MEDIA_TYPES: Record<StatementFile['format'], string> = { csv: 'text/csv', ofx: 'application/x-ofx', camt053: 'application/xml' };

/** API.md's "Bank statements": import (preview, then store), list, detail, matches, the état de rapprochement. */
@Controller('api/coops/:coopId/years/:year')
@UseGuards(CoopScopeGuard)
@UseInterceptors(IdempotentRequests)
export class StatementsApiController {
  constructor(
    private readonly commands: ProjectedCommandBus,
    private readonly reads: LedgerReads,
    private readonly vouchers: VoucherStore,
    private readonly reader: StatementReader,
    private readonly print: PrintService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post('statements/preview')
  @HttpCode(200)
  @VoucherUpload()
  async preview(@UploadedFile() file: Upload, @Req() req: Request) {
    const parsed = await this.reader.read(uploaded(file), mappingField((req.body as Json | undefined)?.mapping));
    return previewOf(parsed);
  }

  @Post('statements')
  // Listed above the upload's own interceptors, so it runs after them: the file is read by then.
  @UseInterceptors(IdempotentRequests)
  @VoucherUpload()
  async create(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @UploadedFile() file: Upload,
    @CurrentUser() user: SessionUser,
    @Req() req: Request,
  ) {
    const y = yearParam(year);
    const statementId = idFor(req, `s_${randomUUID()}`);
    const body = (req.body ?? {}) as Json;
    if (!req.is('multipart/form-data')) {
      const json = jsonOf(req);
      await this.commands.execute(
        new ExecuteLedgerCommand(
          coopId,
          y,
          { type: 'DeclareStatement', statementId, date: json.date as string, closingBalance: json.closingBalance as number },
          requestContext(user, req),
        ),
      );
      return this.created(coopId, y, statementId);
    }
    const bytes = uploaded(file);
    const parsed = await this.reader.read(bytes, mappingField(body.mapping));
    const given = { date: dateField(body.date), closingBalance: centsField(body.closingBalance) };
    await this.vouchers.keepWhile(bytes, file!.originalname, (stored) =>
      this.commands.execute(new ExecuteLedgerCommand(coopId, y, importStatementCommand(statementId, parsed, stored, given), requestContext(user, req))),
    );
    return this.created(coopId, y, statementId);
  }

  private async created(coopId: string, year: number, statementId: string) {
    const { notebook, source } = await this.reads.year(coopId, year);
    const doc = await readStatement(source, notebook, statementId);
    if (!doc) throw new DomainError('STATEMENT_NOT_FOUND', "Ce relevé n'existe pas dans cet exercice.", undefined, 'not_found');
    return {
      statementId,
      date: doc.date,
      closingBalance: doc.closingBalance,
      lines: doc.lines.length,
      duplicates: doc.duplicates,
      outsideYear: doc.outsideYear,
      proposals: statementProposals(notebook, doc),
    };
  }

  @Get('statements')
  async list(@Param('coopId') coopId: string, @Param('year') year: string, @Query('asOf') asOf?: string) {
    const { notebook } = await this.reads.year(coopId, yearParam(year), asOf);
    return statementList(notebook).map(({ file: _file, ...row }) => row);
  }

  @Get('statements/:statementId')
  async detail(@Param('coopId') coopId: string, @Param('year') year: string, @Param('statementId') statementId: string, @Query('asOf') asOf?: string) {
    const { notebook, doc } = await this.statement(coopId, yearParam(year), statementId, asOf);
    const { file: _file, duplicates: _d, outsideYear: _o, ...view } = statementView(notebook, doc);
    return view;
  }

  @Get('statements/:statementId/file')
  async file(@Param('coopId') coopId: string, @Param('year') year: string, @Param('statementId') statementId: string, @Res() res: Response) {
    const { doc } = await this.statement(coopId, yearParam(year), statementId);
    if (!doc.file) throw new DomainError('NOT_FOUND', 'Ce relevé a été saisi à la main : il n’a pas de fichier.', undefined, 'not_found');
    await this.vouchers.send(res, { sha256: doc.file.sha256, fileName: doc.file.fileName, mediaType: MEDIA_TYPES[doc.file.format] });
  }

  @Post('statements/:statementId/matches')
  @HttpCode(200)
  async match(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Param('statementId') statementId: string,
    @JsonBody() body: Json,
    @CurrentUser() user: SessionUser,
    @Req() req: Request,
  ) {
    const y = yearParam(year);
    let matches: LineMatch[];
    if (body.acceptProposals === true) {
      const { notebook, doc } = await this.statement(coopId, y, statementId);
      matches = statementProposals(notebook, doc);
    } else if (Array.isArray(body.matches)) {
      matches = body.matches.map((m: unknown) => {
        const match = (m ?? {}) as Json;
        return { lineId: typeof match.lineId === 'string' ? match.lineId : '', entryIds: Array.isArray(match.entryIds) ? (match.entryIds as string[]) : [] };
      });
    } else {
      throw new DomainError('MATCHES_INVALID', 'Envoyez les lignes et leurs écritures (matches), ou acceptProposals: true.', 'matches');
    }
    const outcome = await this.commands.execute(
      new ExecuteLedgerCommand(coopId, y, { type: 'MatchStatementLines', statementId, matches }, requestContext(user, req)),
    );
    return { reconciled: outcome.appended };
  }

  @Delete('statements/:statementId/lines/:lineId/match')
  @HttpCode(200)
  async unmatch(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Param('statementId') statementId: string,
    @Param('lineId') lineId: string,
    @CurrentUser() user: SessionUser,
    @Req() req: Request,
  ) {
    const outcome = await this.commands.execute(
      new ExecuteLedgerCommand(coopId, yearParam(year), { type: 'UnmatchStatementLine', statementId, lineId }, requestContext(user, req)),
    );
    return { statementId, lineId, unreconciled: outcome.appended };
  }

  /** A statement taken back until one of its lines is matched (409 STATEMENT_MATCHED after). */
  @Delete('statements/:statementId')
  @HttpCode(204)
  async remove(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Param('statementId') statementId: string,
    @CurrentUser() user: SessionUser,
    @Req() req: Request,
  ) {
    await this.commands.execute(new ExecuteLedgerCommand(coopId, yearParam(year), { type: 'DeleteStatement', statementId }, requestContext(user, req)));
  }

  @Get('bank-reconciliation')
  async bankReconciliation(@Param('coopId') coopId: string, @Param('year') year: string, @Query('date') date?: string, @Query('asOf') asOf?: string) {
    if (date !== undefined && !isIsoDate(date)) throw new DomainError('DATE_INVALID', 'La date doit être au format AAAA-MM-JJ.', 'date');
    const { notebook } = await this.reads.year(coopId, yearParam(year), asOf);
    return bankReconciliationOf(notebook, date ?? null, today(this.clock));
  }

  /** The état de rapprochement's PDF: the page's view model, printed (a link on the page). */
  @Get('bank-reconciliation.pdf')
  async bankReconciliationPdf(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Res() res: Response,
    @Query('date') date?: string,
    @Query('asOf') asOf?: string,
  ) {
    if (date !== undefined && !isIsoDate(date)) throw new DomainError('DATE_INVALID', 'La date doit être au format AAAA-MM-JJ.', 'date');
    const reads = await this.reads.year(coopId, yearParam(year), asOf);
    await this.print.send(res, this.print.bankReconciliationDocument(reads, bankReconciliationView(reads.notebook, date ?? null, today(this.clock))));
  }

  private async statement(coopId: string, year: number, statementId: string, asOf?: string) {
    const { notebook, source } = await this.reads.year(coopId, year, asOf);
    const doc = await readStatement(source, notebook, statementId);
    if (!doc) throw new DomainError('STATEMENT_NOT_FOUND', "Ce relevé n'existe pas dans cet exercice.", undefined, 'not_found');
    return { notebook, doc };
  }
}

/** The preview API.md answers: what would be stored, nothing stored. */
export function previewOf(parsed: ParsedStatement) {
  return {
    format: parsed.format,
    mapping: parsed.mapping ?? {},
    columns: parsed.columns,
    date: parsed.date,
    closingBalance: parsed.closingBalance,
    lines: parsed.lines.map(({ date, label, amount, chequeNo }) => ({ date, label, amount, chequeNo })),
  };
}

/** The bytes of the uploaded statement file, or the French refusal of a form without one. */
function uploaded(file: Upload): Buffer {
  if (!file || !file.buffer?.length) {
    throw new DomainError('FILE_REQUIRED', 'Choisissez le fichier du relevé (CSV, OFX ou CAMT.053) exporté depuis la banque.', 'file');
  }
  return file.buffer;
}

function jsonOf(req: Request): Json {
  const body: unknown = req.body;
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new DomainError('BODY_INVALID', 'Envoyez {"date","closingBalance"} en JSON, ou le fichier du relevé en multipart (champ file).', undefined);
  }
  return body as Json;
}

const MAPPING_KEYS = ['headerLine', 'date', 'label', 'amount', 'debit', 'credit', 'chequeNo', 'reference', 'balance'] as const;

/** The preview's mapping sent back, corrected: only known keys, column numbers or null. */
export function mappingField(value: unknown): Partial<CsvMapping> | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  let raw: unknown = value;
  if (typeof value === 'string') {
    try {
      raw = JSON.parse(value);
    } catch {
      throw new StatementFileError(null, 'La correspondance des colonnes (mapping) est illisible : un objet JSON est attendu.');
    }
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new StatementFileError(null, 'La correspondance des colonnes (mapping) doit être un objet.');
  const given = raw as Record<string, unknown>;
  const mapping: Partial<CsvMapping> = {};
  for (const key of MAPPING_KEYS) {
    const v = given[key];
    if (v === undefined) continue;
    if (v !== null && (!Number.isSafeInteger(v) || (v as number) < 0 || (v as number) > 200)) {
      throw new StatementFileError(null, `La colonne « ${key} » de la correspondance doit être un numéro de colonne (0, 1, 2…) ou null.`);
    }
    if (v === null && (key === 'date' || key === 'label' || key === 'headerLine')) {
      throw new StatementFileError(null, `La colonne « ${key} » de la correspondance est obligatoire.`);
    }
    (mapping as Record<string, unknown>)[key] = v;
  }
  if (given.encoding === 'utf-8' || given.encoding === 'windows-1252') mapping.encoding = given.encoding;
  if (given.delimiter === ';' || given.delimiter === ',' || given.delimiter === '\t') mapping.delimiter = given.delimiter;
  if (given.dateFormat === 'dd/mm/yyyy' || given.dateFormat === 'yyyy-mm-dd') mapping.dateFormat = given.dateFormat;
  return mapping;
}

/** A multipart date field: ISO or French; absent → null (the decider says what is missing). */
export function dateField(value: unknown): string | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  return parseFrenchDate(value) ?? value.trim();
}

/** A multipart balance field: integer cents ("123456"), or French euros ("1 234,56") from a form. */
export function centsField(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string' || value.trim() === '') return null;
  if (/^-?\d+$/.test(value.trim())) return Number(value.trim());
  const cents = parseEuros(value);
  if (cents === null) throw new DomainError('AMOUNT_INVALID', `Le solde « ${value} » n'est pas un montant (ex. 1 234,56).`, 'closingBalance');
  return cents;
}
