import { Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Req, Res, UseGuards, UseInterceptors } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { ExecuteLedgerCommand } from '../commands/ledger.commands';
import { ProjectedCommandBus } from '../commands/projected-command-bus';
import { type PaymentInput } from '../domain/payments/commands';
import { LedgerReads } from '../reads/ledger-reads';
import { filterPayments, PaymentReads, receiptView, slipView } from '../reads/payments';
import { type SessionUser } from '../users/user-directory';
import { CoopScopeGuard, CurrentUser } from './auth/guards';
import { IdempotentRequests } from './idempotency';
import { JsonBody } from './json-body';
import { yearParam } from './params';
import { receiptsDocument, slipDocument } from './payments-print';
import { PrintService } from './print.service';
import { idFor, requestContext } from './request-context';

type Json = Record<string, unknown>;

/** API.md's "Family payments and deposits": payments, receipts, deposit slips. Thin: parse → command or read. */
@Controller('api/coops/:coopId/years/:year')
@UseGuards(CoopScopeGuard)
@UseInterceptors(IdempotentRequests)
export class PaymentsApiController {
  constructor(
    private readonly commands: ProjectedCommandBus,
    private readonly payments: PaymentReads,
    private readonly ledger: LedgerReads,
    private readonly print: PrintService,
  ) {}

  @Post('payments')
  async record(@Param('coopId') coopId: string, @Param('year') year: string, @JsonBody() body: Json, @CurrentUser() user: SessionUser, @Req() req: Request) {
    const paymentId = idFor(req, `p_${randomUUID()}`);
    const outcome = await this.commands.execute(
      new ExecuteLedgerCommand(coopId, yearParam(year), { type: 'RecordPayment', paymentId, payment: paymentInput(body) }, requestContext(user, req)),
    );
    return { paymentId, receiptNo: outcome.answer.receiptNo };
  }

  @Get('payments')
  async list(@Param('coopId') coopId: string, @Param('year') year: string, @Query() query: Record<string, unknown>) {
    const rows = await this.payments.payments(coopId, yearParam(year));
    return filterPayments(rows, {
      action: queryText(query.action),
      class: queryText(query.class),
      mode: queryText(query.mode),
      deposited: queryText(query.deposited),
    });
  }

  @Put('payments/:paymentId')
  async amend(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Param('paymentId') paymentId: string,
    @JsonBody() body: Json,
    @CurrentUser() user: SessionUser,
    @Req() req: Request,
  ) {
    const y = yearParam(year);
    await this.commands.execute(
      new ExecuteLedgerCommand(coopId, y, { type: 'AmendPayment', paymentId, payment: paymentInput(body) }, requestContext(user, req)),
    );
    return this.payments.payment(coopId, y, paymentId);
  }

  @Delete('payments/:paymentId')
  @HttpCode(204)
  async remove(
    @Param('coopId') coopId: string,
    @Param('year') year: string,
    @Param('paymentId') paymentId: string,
    @CurrentUser() user: SessionUser,
    @Req() req: Request,
  ) {
    await this.commands.execute(new ExecuteLedgerCommand(coopId, yearParam(year), { type: 'DeletePayment', paymentId }, requestContext(user, req)));
  }

  @Get('payments/:paymentId/receipt.pdf')
  async receipt(@Param('coopId') coopId: string, @Param('year') year: string, @Param('paymentId') paymentId: string, @Res() res: Response) {
    const y = yearParam(year);
    const payment = await this.payments.payment(coopId, y, paymentId);
    const { coop, chart } = await this.ledger.year(coopId, y);
    await this.print.send(res, receiptsDocument(coop, y, [receiptView(payment, chart)], `recu-${coopId}-${y}-${payment.receiptNo}.pdf`));
  }

  @Get('receipts.pdf')
  async receipts(@Param('coopId') coopId: string, @Param('year') year: string, @Query() query: Record<string, unknown>, @Res() res: Response) {
    const y = yearParam(year);
    const filters = { action: queryText(query.action), class: queryText(query.class), mode: queryText(query.mode), deposited: queryText(query.deposited) };
    const rows = filterPayments(await this.payments.payments(coopId, y), filters);
    const { coop, chart } = await this.ledger.year(coopId, y);
    await this.print.send(
      res,
      receiptsDocument(
        coop,
        y,
        rows.map((p) => receiptView(p, chart)),
        `recus-${coopId}-${y}.pdf`,
      ),
    );
  }

  @Post('deposits')
  async deposit(@Param('coopId') coopId: string, @Param('year') year: string, @JsonBody() body: Json, @CurrentUser() user: SessionUser, @Req() req: Request) {
    const depositId = idFor(req, `d_${randomUUID()}`);
    const entryId = `${depositId}_entry`;
    const outcome = await this.commands.execute(
      new ExecuteLedgerCommand(
        coopId,
        yearParam(year),
        {
          type: 'DepositPayments',
          depositId,
          entryId,
          date: body.date,
          mode: body.mode,
          paymentIds: body.paymentIds,
          pj: body.pj,
          fromCashBox: body.fromCashBox,
        },
        requestContext(user, req),
      ),
    );
    return { depositId, entryId, total: outcome.answer.deposit?.total ?? 0 };
  }

  @Get('deposits')
  async deposits(@Param('coopId') coopId: string, @Param('year') year: string) {
    return this.payments.deposits(coopId, yearParam(year));
  }

  @Get('deposits/:depositId/slip.pdf')
  async slip(@Param('coopId') coopId: string, @Param('year') year: string, @Param('depositId') depositId: string, @Res() res: Response) {
    const y = yearParam(year);
    const deposit = await this.payments.deposit(coopId, y, depositId);
    const { coop, chart } = await this.ledger.year(coopId, y);
    await this.print.send(res, slipDocument(coop, y, slipView(deposit, await this.payments.payments(coopId, y), chart)));
  }
}

/** The body's fields as the decider takes them (amounts in cents), nothing else. */
export function paymentInput(body: Json | undefined): PaymentInput {
  const b = body ?? {};
  return {
    date: b.date,
    payer: b.payer,
    pupil: b.pupil,
    class: b.class,
    amount: b.amount,
    mode: b.mode,
    chequeNo: b.chequeNo,
    bank: b.bank,
    account: b.account,
    action: b.action,
  };
}

const queryText = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value.slice(0, 100) : null);
