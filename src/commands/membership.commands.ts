import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DomainError } from '../domain/errors';
import { type Clock, today } from '../domain/fiscal-year';
import { decideMembership, evolveMembership, initialMembershipState, type MembershipCommand, type MembershipState } from '../domain/membership';
import { type MembershipEvent } from '../events/membership-events';
import { coopStream, departmentStream, membershipStream } from '../events/streams';
import { CLOCK, STREAM_WRITER } from '../tokens';
import { type CommandContext } from './command-context';
import { departmentFold } from './department.commands';
import { coopFold } from './ledger.commands';
import { type Fold, type Outcome, type StreamWriter } from './stream-writer';

export const membershipFold = (coopId: string, year: number): Fold<MembershipState, MembershipEvent> => ({
  initial: () => initialMembershipState(coopId, year),
  evolve: evolveMembership,
});

/**
 * Any command on one coop's membership of a year (the mandataire's numbers, engagement and
 * submission; the AD's decision), sent on the CommandBus by pages, the API and the demo seed.
 * The answer is the membership as the command left it.
 */
export class ExecuteMembershipCommand extends Command<Outcome<MembershipState>> {
  constructor(
    readonly coopId: string,
    readonly year: number,
    readonly command: MembershipCommand,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** Gathers the coop's department and that department's settings for the year, then decides on the membership stream. */
@CommandHandler(ExecuteMembershipCommand)
export class MembershipCommandHandler implements ICommandHandler<ExecuteMembershipCommand> {
  constructor(
    @Inject(STREAM_WRITER) private readonly writer: StreamWriter,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ coopId, year, command, context }: ExecuteMembershipCommand): Promise<Outcome<MembershipState>> {
    const coop = (await this.writer.load(coopStream(coopId), coopFold)).state;
    if (!coop.registered) throw new DomainError('NOT_FOUND', 'Coopérative introuvable.', undefined, 'not_found');
    if (!Number.isInteger(year) || year < 2000 || year > 2199) {
      throw new DomainError('YEAR_UNKNOWN', `L'année ${year} n'est pas une année scolaire.`, undefined, 'not_found');
    }
    const department = coop.department!;
    const settings = (await this.writer.load(departmentStream(department), departmentFold(department))).state.membership.get(year) ?? null;
    const env = { today: today(this.clock), now: this.clock.now().toISOString(), settings };
    return this.writer.execute(
      membershipStream(coopId, year),
      membershipFold(coopId, year),
      (state) => decideMembership(command, state, env),
      context,
      department,
      (state) => structuredClone(state),
    );
  }
}
