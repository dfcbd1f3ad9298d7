import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { evolveChart } from '../domain/chart-changes';
import { type Chart, defaultChart } from '../domain/chart';
import { type CoopState, evolveCoop, initialCoopState } from '../domain/coop';
import { DomainError } from '../domain/errors';
import { type Clock, today } from '../domain/fiscal-year';
import {
  decide,
  evolve,
  foldLedgerInto,
  initialLedgerState,
  type LedgerCommand,
  type LedgerEnv,
  type LedgerState,
  type YearFacts,
  yearFactsOf,
  carriedGoods,
} from '../domain/ledger';
import { type ChartEvent, type CoopEvent } from '../events/coop-events';
import { type LedgerEvent } from '../events/ledger-events';
import { chartStream, coopStream, ledgerStream } from '../events/streams';
import { CLOCK, STREAM_WRITER } from '../tokens';
import { type CommandContext } from './command-context';
import { type Fold, type Outcome, type StreamWriter } from './stream-writer';

export const coopFold: Fold<CoopState, CoopEvent> = { initial: initialCoopState, evolve: evolveCoop };
export const chartFold = (department: string, year: number): Fold<Chart, ChartEvent> => ({
  initial: () => defaultChart(department, year),
  evolve: evolveChart,
});
export const ledgerFold = (coopId: string, year: number): Fold<LedgerState, LedgerEvent> => ({
  initial: () => initialLedgerState(coopId, year),
  evolve,
  evolveInto: foldLedgerInto,
});

/** What an answer to a ledger command reports, as of the command's own revision. */
export interface LedgerAnswer {
  /** The revision of the entry the command names (entryId), if it has one in the year. */
  entryRevision: number | null;
  /** The year's last submission to the AD, if any. */
  submissionVersion: number | null;
  /** The receipt number of the payment the command names (paymentId), if it has one. */
  receiptNo: number | null;
  /** The deposit the command names (depositId): its total and its entry. */
  deposit: { total: number; entryId: string } | null;
}

/** Add a field here when an answer needs more of the year than these. */
const answerOf =
  (command: LedgerCommand) =>
  (state: LedgerState): LedgerAnswer => {
    const entryId = 'entryId' in command ? command.entryId : undefined;
    const paymentId = 'paymentId' in command ? command.paymentId : undefined;
    const depositId = 'depositId' in command ? command.depositId : undefined;
    const { payments, deposits } = state.payments;
    const deposit = depositId !== undefined && Object.hasOwn(deposits, depositId) ? deposits[depositId] : null;
    return {
      entryRevision: entryId !== undefined && Object.hasOwn(state.entries, entryId) ? state.entries[entryId].revision : null,
      submissionVersion: state.yearEnd.submissions.at(-1)?.version ?? null,
      receiptNo: paymentId !== undefined && Object.hasOwn(payments, paymentId) ? payments[paymentId].receiptNo : null,
      deposit: deposit && { total: deposit.total, entryId: deposit.entryId },
    };
  };

/**
 * Any command on one fiscal year of one coop (the `LedgerCommand` union), sent on the CommandBus
 * by pages, the API, the CLI, the demo seed and the bench alike.
 */
export class ExecuteLedgerCommand extends Command<Outcome<LedgerAnswer>> {
  constructor(
    readonly coopId: string,
    readonly year: number,
    readonly command: LedgerCommand,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/**
 * The one handler of ledger commands: gathers what the decider needs besides the year's own
 * events (the coop's first year, the department's chart, the previous year's closing, today),
 * then lets the StreamWriter decide, append and retry. A new ledger command needs no change here.
 */
@CommandHandler(ExecuteLedgerCommand)
export class LedgerCommandHandler implements ICommandHandler<ExecuteLedgerCommand> {
  constructor(
    @Inject(STREAM_WRITER) private readonly writer: StreamWriter,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ coopId, year, command, context }: ExecuteLedgerCommand): Promise<Outcome<LedgerAnswer>> {
    const env = await this.env(coopId, year);
    if (command.type === 'RemoveInventoryItem') env.carriedGoods = await this.carriedGoods(coopId, year, env.firstYear);
    const stream = ledgerStream(coopId, year);
    return this.writer.execute(
      stream,
      ledgerFold(coopId, year),
      (state, head) => decide(command, state, { ...env, head }),
      context,
      env.department,
      answerOf(command),
    );
  }

  private async env(coopId: string, year: number): Promise<LedgerEnv> {
    const coop = (await this.writer.load(coopStream(coopId), coopFold)).state;
    if (!coop.registered) throw new DomainError('NOT_FOUND', 'Coopérative introuvable.', undefined, 'not_found');
    const department = coop.department!;
    const firstYear = coop.firstYear!;
    if (!Number.isInteger(year) || year < firstYear || year > firstYear + 200) {
      throw new DomainError(
        'YEAR_UNKNOWN',
        `L'exercice ${year}-${year + 1} n'existe pas pour cette coopérative (premier exercice : ${firstYear}-${firstYear + 1}).`,
        undefined,
        'not_found',
      );
    }
    const chart = (await this.writer.load(chartStream(department, year), chartFold(department, year))).state;
    // The opening chains back over every earlier year still open (or unlocked), to the last closed one or the first.
    const earlierYears: YearFacts[] = [];
    for (let earlier = year - 1; earlier >= firstYear; earlier--) {
      const facts = yearFactsOf((await this.writer.load(ledgerStream(coopId, earlier), ledgerFold(coopId, earlier))).state);
      earlierYears.unshift(facts);
      if (facts.status === 'closed') break;
    }
    return { coopId, year, department, today: today(this.clock), chart, firstYear, earlierYears, mandataires: coop.identity?.mandataires ?? [] };
  }

  /** The goods of every earlier year's register still held when the year began: the register is the coop's. */
  private async carriedGoods(coopId: string, year: number, firstYear: number): Promise<LedgerEnv['carriedGoods']> {
    const registers = [];
    for (let earlier = firstYear; earlier < year; earlier++) {
      const { inventory } = (await this.writer.load(ledgerStream(coopId, earlier), ledgerFold(coopId, earlier))).state;
      registers.push({ year: earlier, lines: Object.values(inventory) });
    }
    return carriedGoods(registers, year);
  }
}
