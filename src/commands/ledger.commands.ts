import { Inject, Injectable } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { evolveChart } from '../domain/chart-changes';
import { Chart, defaultChart } from '../domain/chart';
import { CoopState, evolveCoop, initialCoopState } from '../domain/coop';
import { DomainError } from '../domain/errors';
import { Clock, today } from '../domain/fiscal-year';
import { decide, evolve, foldLedgerInto, initialLedgerState, LedgerCommand, LedgerCommandType, LedgerEnv, LedgerState } from '../domain/ledger';
import { ChartEvent, CoopEvent } from '../events/coop-events';
import { LedgerEvent } from '../events/ledger-events';
import { chartStream, coopStream, ledgerStream } from '../events/streams';
import { CLOCK, STREAM_WRITER } from '../tokens';
import { CommandContext } from './command-context';
import { Fold, Outcome, StreamWriter } from './stream-writer';

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

/**
 * Decisions on one fiscal year of one coop: gathers what the decider needs besides the year's own
 * events (the coop's first year, the department's chart, the previous year's closing, today),
 * then lets the StreamWriter decide, append and retry.
 */
@Injectable()
export class LedgerDecisions {
  constructor(
    @Inject(STREAM_WRITER) private readonly writer: StreamWriter,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async env(coopId: string, year: number): Promise<LedgerEnv> {
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
    let previousYear: LedgerEnv['previousYear'] = null;
    if (year > firstYear) {
      const previous = (await this.writer.load(ledgerStream(coopId, year - 1), ledgerFold(coopId, year - 1))).state;
      previousYear = { closed: previous.status === 'closed', closing: previous.closing };
    }
    return { coopId, year, department, today: today(this.clock), chart, firstYear, previousYear };
  }

  async execute(coopId: string, year: number, command: LedgerCommand, context: CommandContext): Promise<Outcome<LedgerState>> {
    const env = await this.env(coopId, year);
    return this.writer.execute(ledgerStream(coopId, year), ledgerFold(coopId, year), (state) => decide(command, state, env), context, env.department);
  }

  /** The year's state as the command side sees it (for answers such as an entry's new revision). */
  async state(coopId: string, year: number): Promise<LedgerState> {
    return (await this.writer.load(ledgerStream(coopId, year), ledgerFold(coopId, year))).state;
  }
}

type Payload<T extends LedgerCommandType> = Omit<Extract<LedgerCommand, { type: T }>, 'type'>;

/** A command on one fiscal year of one coop, named as the domain names it. */
export abstract class LedgerCommandMessage<T extends LedgerCommandType> extends Command<Outcome<LedgerState>> {
  abstract readonly type: T;
  constructor(
    readonly coopId: string,
    readonly year: number,
    readonly payload: Payload<T>,
    readonly context: CommandContext,
  ) {
    super();
  }
  toDomain(): LedgerCommand {
    return { type: this.type, ...this.payload } as LedgerCommand;
  }
}

export class DeclareOpeningBalance extends LedgerCommandMessage<'DeclareOpeningBalance'> {
  readonly type = 'DeclareOpeningBalance' as const;
}
export class RecordEntry extends LedgerCommandMessage<'RecordEntry'> {
  readonly type = 'RecordEntry' as const;
}
export class AmendEntry extends LedgerCommandMessage<'AmendEntry'> {
  readonly type = 'AmendEntry' as const;
}
export class DeleteEntry extends LedgerCommandMessage<'DeleteEntry'> {
  readonly type = 'DeleteEntry' as const;
}
export class DuplicateEntry extends LedgerCommandMessage<'DuplicateEntry'> {
  readonly type = 'DuplicateEntry' as const;
}
export class ReconcileEntry extends LedgerCommandMessage<'ReconcileEntry'> {
  readonly type = 'ReconcileEntry' as const;
}
export class UnreconcileEntry extends LedgerCommandMessage<'UnreconcileEntry'> {
  readonly type = 'UnreconcileEntry' as const;
}
export class MarkCarriedOverItemSeen extends LedgerCommandMessage<'MarkCarriedOverItemSeen'> {
  readonly type = 'MarkCarriedOverItemSeen' as const;
}
export class CountCash extends LedgerCommandMessage<'CountCash'> {
  readonly type = 'CountCash' as const;
}
export class DeclareSubsidies extends LedgerCommandMessage<'DeclareSubsidies'> {
  readonly type = 'DeclareSubsidies' as const;
}
export class AddInventoryItem extends LedgerCommandMessage<'AddInventoryItem'> {
  readonly type = 'AddInventoryItem' as const;
}
export class RemoveInventoryItem extends LedgerCommandMessage<'RemoveInventoryItem'> {
  readonly type = 'RemoveInventoryItem' as const;
}
export class AttachVoucher extends LedgerCommandMessage<'AttachVoucher'> {
  readonly type = 'AttachVoucher' as const;
}
export class ReportActivity extends LedgerCommandMessage<'ReportActivity'> {
  readonly type = 'ReportActivity' as const;
}
export class CloseYear extends LedgerCommandMessage<'CloseYear'> {
  readonly type = 'CloseYear' as const;
}
export class UnlockYear extends LedgerCommandMessage<'UnlockYear'> {
  readonly type = 'UnlockYear' as const;
}
export class LockYear extends LedgerCommandMessage<'LockYear'> {
  readonly type = 'LockYear' as const;
}

const LEDGER_COMMANDS = [
  DeclareOpeningBalance,
  RecordEntry,
  AmendEntry,
  DeleteEntry,
  DuplicateEntry,
  ReconcileEntry,
  UnreconcileEntry,
  MarkCarriedOverItemSeen,
  CountCash,
  DeclareSubsidies,
  AddInventoryItem,
  RemoveInventoryItem,
  AttachVoucher,
  ReportActivity,
  CloseYear,
  UnlockYear,
  LockYear,
];

/** Every ledger command has the same handling: one @CommandHandler class per command, all delegating. */
export const LEDGER_COMMAND_HANDLERS = LEDGER_COMMANDS.map((commandType) => {
  @CommandHandler(commandType)
  class LedgerCommandHandler implements ICommandHandler<LedgerCommandMessage<LedgerCommandType>> {
    constructor(@Inject(LedgerDecisions) private readonly decisions: LedgerDecisions) {}
    execute(message: LedgerCommandMessage<LedgerCommandType>): Promise<Outcome<LedgerState>> {
      return this.decisions.execute(message.coopId, message.year, message.toDomain(), message.context);
    }
  }
  Object.defineProperty(LedgerCommandHandler, 'name', { value: `${commandType.name}Handler` });
  return LedgerCommandHandler;
});
