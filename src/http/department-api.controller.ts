import { Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res, UseGuards, UseInterceptors } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError } from '../domain/errors';
import { Clock, currentFiscalYear, today } from '../domain/fiscal-year';
import { DepartmentReads } from '../reads/department-reads';
import { aggregatedCsv, BOARD_FILTERS, BOARD_SORTS, BoardFilter, boardCsv, boardPage, BoardQuery, BoardSort, MAX_PAGE_SIZE } from '../reads/department-views';
import { ReadStore } from '../projections/read-store';
import { CLOCK, READ_STORE } from '../tokens';
import { CurrentUser, DepartmentScopeGuard } from './auth/guards';
import { SessionUser } from '../users/user-directory';
import { CoopAdministration } from './department-pages/coop-administration';
import { yearParam } from './params';
import { sendJson } from './json-answer';
import { JsonBody } from './json-body';
import { IdempotentRequests } from './idempotency';
import { requestContext } from './request-context';

type Json = Record<string, unknown>;

/**
 * The departmental treasurer's JSON API (API.md's department table): register a coop with its
 * mandataire's login, the status board, the aggregated accounts and their CSV files. Thin:
 * parse → command or read. Scope: DepartmentScopeGuard (404 outside, 403 for a reader's change).
 */
@Controller('api/departments/:dept')
@UseInterceptors(IdempotentRequests)
@UseGuards(DepartmentScopeGuard)
export class DepartmentApiController {
  private readonly reads: DepartmentReads;

  constructor(
    private readonly administration: CoopAdministration,
    @Inject(READ_STORE) readStore: ReadStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.reads = new DepartmentReads(readStore);
  }

  @Post('coops')
  @HttpCode(201)
  async registerCoop(@Param('dept') department: string, @JsonBody() body: Json, @CurrentUser() user: SessionUser, @Req() req: Request) {
    const context = requestContext(user, req);
    const created = await this.administration.registerCoop(department, body ?? {}, context);
    return { ...created, department };
  }

  /** API.md's board: an array of rows; filters, sort and paging by query, the matching count in X-Total-Count. */
  @Get('coops')
  async board(@Param('dept') department: string, @Query() query: Json, @Res() res: Response) {
    const year = query.year === undefined ? currentFiscalYear(this.clock) : yearParam(String(query.year));
    const rows = await this.reads.board(department, year, today(this.clock));
    const wanted = boardQuery(query);
    const page = boardPage(rows, wanted);
    res.setHeader('X-Total-Count', String(page.total));
    sendJson(res, rows, () => page.rows, JSON.stringify(wanted));
  }

  /** The same board with its paging (for pages and scripts that want the total in the body). */
  @Get('years/:year/board')
  async pagedBoard(@Param('dept') department: string, @Param('year') year: string, @Query() query: Json) {
    return boardPage(await this.reads.board(department, yearParam(year), today(this.clock)), boardQuery(query));
  }

  @Get('years/:year/board.csv')
  async boardFile(@Param('dept') department: string, @Param('year') year: string, @Query() query: Json, @Res() res: Response) {
    const y = yearParam(year);
    const { rows } = boardPage(await this.reads.board(department, y, today(this.clock)), { ...boardQuery(query), page: 1, pageSize: MAX_PAGE_SIZE });
    sendCsv(res, `tableau-de-bord-${department}-${y}.csv`, boardCsv(rows, department, y));
  }

  @Get('years/:year/totals')
  totals(@Param('dept') department: string, @Param('year') year: string) {
    return this.reads.totals(department, yearParam(year), today(this.clock));
  }

  @Get('years/:year/totals.csv')
  async totalsFile(@Param('dept') department: string, @Param('year') year: string, @Res() res: Response) {
    const y = yearParam(year);
    sendCsv(res, `comptes-agreges-${department}-${y}.csv`, aggregatedCsv(await this.reads.totals(department, y, today(this.clock))));
  }

  @Get('years/:year/totals/:account')
  async drillDown(@Param('dept') department: string, @Param('year') year: string, @Param('account') account: string) {
    const view = await this.reads.drillDown(department, yearParam(year), account);
    if (!view)
      throw new DomainError(
        'ACCOUNT_NOT_FOUND',
        `Le compte ${account} n'est ni une charge ni un produit du plan comptable de cet exercice.`,
        undefined,
        'not_found',
      );
    return view;
  }
}

const listOf = (value: unknown): string[] =>
  (Array.isArray(value) ? value : [value])
    .filter((v): v is string => typeof v === 'string')
    .flatMap((v) => v.split(','))
    .filter((v) => v !== '');

const positiveInteger = (value: unknown, field: string): number | undefined => {
  if (value === undefined) return undefined;
  const n = typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1)) throw new DomainError('QUERY_INVALID', `Le paramètre ${field} doit être un entier positif.`, field);
  return n;
};

/** ?filter=blocked,cashMismatch&sort=bank&direction=desc&page=2&pageSize=50 */
export function boardQuery(query: Json): BoardQuery {
  const filters = listOf(query.filter);
  const unknown = filters.filter((f) => !(BOARD_FILTERS as readonly string[]).includes(f));
  if (unknown.length) throw new DomainError('QUERY_INVALID', `Filtre inconnu : ${unknown.join(', ')} (possibles : ${BOARD_FILTERS.join(', ')}).`, 'filter');
  const sort = query.sort;
  if (sort !== undefined && !(BOARD_SORTS as readonly unknown[]).includes(sort)) {
    throw new DomainError('QUERY_INVALID', `Tri inconnu (possibles : ${BOARD_SORTS.join(', ')}).`, 'sort');
  }
  if (query.direction !== undefined && query.direction !== 'asc' && query.direction !== 'desc') {
    throw new DomainError('QUERY_INVALID', 'Le sens du tri est asc ou desc.', 'direction');
  }
  return {
    filters: filters as BoardFilter[],
    sort: sort as BoardSort | undefined,
    direction: query.direction as 'asc' | 'desc' | undefined,
    page: positiveInteger(query.page, 'page'),
    pageSize: positiveInteger(query.pageSize, 'pageSize'),
  };
}

function sendCsv(res: Response, fileName: string, body: string): void {
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${fileName}"`);
  res.send(body);
}
