import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ChartCommand, type ChartEnv, decideChart } from '../domain/chart-changes';
import { CoopCommand, decideCoop } from '../domain/coop';
import { chartStream, coopStream } from '../events/streams';
import { CommandContext } from './command-context';
import { chartFold, coopFold } from './ledger.commands';
import { type AccountsInUse } from '../reads/accounts-in-use';
import { ACCOUNTS_IN_USE, STREAM_WRITER } from '../tokens';
import { Outcome, StreamWriter } from './stream-writer';

/** A department registers a cooperative (its identity stream coop-<coopId>). */
export class RegisterCoop extends Command<Outcome> {
  constructor(
    readonly command: Extract<CoopCommand, { type: 'RegisterCoop' }>,
    readonly context: CommandContext,
  ) {
    super();
  }
}

export class ChangeCoopIdentity extends Command<Outcome> {
  constructor(
    readonly coopId: string,
    readonly command: Extract<CoopCommand, { type: 'ChangeCoopIdentity' }>,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** The coop's mandataire keeps the school's contact and the mandataires' names up to date. */
export class ChangeCoopContact extends Command<Outcome> {
  constructor(
    readonly coopId: string,
    readonly command: Extract<CoopCommand, { type: 'ChangeCoopContact' }>,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** The department appoints a personal mandataire or ends a mandate (the handover, on the coop's stream). */
export class ChangeMandate extends Command<Outcome> {
  constructor(
    readonly coopId: string,
    readonly command: Extract<CoopCommand, { type: 'AppointMandataire' | 'EndMandate' }>,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** A department renames, adds or retires an account of its chart for one fiscal year. */
export class ChangeChart extends Command<Outcome> {
  constructor(
    readonly department: string,
    readonly year: number,
    readonly command: ChartCommand,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(RegisterCoop)
export class RegisterCoopHandler implements ICommandHandler<RegisterCoop> {
  constructor(@Inject(STREAM_WRITER) private readonly writer: StreamWriter) {}
  execute({ command, context }: RegisterCoop): Promise<Outcome> {
    return this.writer.execute(coopStream(command.coopId), coopFold, (state) => decideCoop(command, state), context, command.department);
  }
}

@CommandHandler(ChangeCoopIdentity)
export class ChangeCoopIdentityHandler implements ICommandHandler<ChangeCoopIdentity> {
  constructor(@Inject(STREAM_WRITER) private readonly writer: StreamWriter) {}
  async execute({ coopId, command, context }: ChangeCoopIdentity): Promise<Outcome> {
    const department = (await this.writer.load(coopStream(coopId), coopFold)).state.department ?? undefined;
    return this.writer.execute(coopStream(coopId), coopFold, (state) => decideCoop(command, state), context, department);
  }
}

@CommandHandler(ChangeCoopContact)
export class ChangeCoopContactHandler implements ICommandHandler<ChangeCoopContact> {
  constructor(@Inject(STREAM_WRITER) private readonly writer: StreamWriter) {}
  async execute({ coopId, command, context }: ChangeCoopContact): Promise<Outcome> {
    const department = (await this.writer.load(coopStream(coopId), coopFold)).state.department ?? undefined;
    return this.writer.execute(coopStream(coopId), coopFold, (state) => decideCoop(command, state), context, department);
  }
}

@CommandHandler(ChangeMandate)
export class ChangeMandateHandler implements ICommandHandler<ChangeMandate> {
  constructor(@Inject(STREAM_WRITER) private readonly writer: StreamWriter) {}
  async execute({ coopId, command, context }: ChangeMandate): Promise<Outcome> {
    const department = (await this.writer.load(coopStream(coopId), coopFold)).state.department ?? undefined;
    return this.writer.execute(coopStream(coopId), coopFold, (state) => decideCoop(command, state), context, department);
  }
}

/** A chart change reads which accounts the year's entries use and which coops closed the year (from the read models). */
@CommandHandler(ChangeChart)
export class ChangeChartHandler implements ICommandHandler<ChangeChart> {
  constructor(
    @Inject(STREAM_WRITER) private readonly writer: StreamWriter,
    @Inject(ACCOUNTS_IN_USE) private readonly accountsInUse: AccountsInUse,
  ) {}
  async execute({ department, year, command, context }: ChangeChart): Promise<Outcome> {
    const env: ChartEnv = await this.accountsInUse(department, year);
    return this.writer.execute(chartStream(department, year), chartFold(department, year), (chart) => decideChart(command, chart, env), context, department);
  }
}

export const COOP_COMMAND_HANDLERS = [RegisterCoopHandler, ChangeCoopIdentityHandler, ChangeCoopContactHandler, ChangeMandateHandler, ChangeChartHandler];
