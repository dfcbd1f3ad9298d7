import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { type DepartmentCommand, type DepartmentState, decideDepartment, evolveDepartment, initialDepartmentState } from '../domain/department';
import { type DepartmentEvent, type DepartmentIdentity } from '../events/department-events';
import { departmentStream } from '../events/streams';
import { STREAM_WRITER } from '../tokens';
import { type CommandContext } from './command-context';
import { type Fold, type Outcome, StreamWriter } from './stream-writer';

export const departmentFold = (department: string): Fold<DepartmentState, DepartmentEvent> => ({
  initial: () => initialDepartmentState(department),
  evolve: evolveDepartment,
});

/** The treasurer (or an admin) sets the departmental association's name, SIREN/SIRET and address. */
export class ChangeDepartmentIdentity extends Command<Outcome<DepartmentIdentity | null>> {
  constructor(
    readonly department: string,
    readonly command: Extract<DepartmentCommand, { type: 'ChangeDepartmentIdentity' }>,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(ChangeDepartmentIdentity)
export class ChangeDepartmentIdentityHandler implements ICommandHandler<ChangeDepartmentIdentity> {
  constructor(@Inject(STREAM_WRITER) private readonly writer: StreamWriter) {}
  execute({ department, command, context }: ChangeDepartmentIdentity): Promise<Outcome<DepartmentIdentity | null>> {
    const stream = departmentStream(department);
    // The answer is the identity as this command left it (read at its own revision).
    return this.writer.execute(
      stream,
      departmentFold(department),
      (state) => decideDepartment(command, state),
      context,
      department,
      (state) => structuredClone(state.identity),
    );
  }
}

/** The treasurer (or an admin) sets the membership rates and deadline of a school year. */
export class SetMembershipSettings extends Command<Outcome> {
  constructor(
    readonly department: string,
    readonly command: Extract<DepartmentCommand, { type: 'SetMembershipSettings' }>,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(SetMembershipSettings)
export class SetMembershipSettingsHandler implements ICommandHandler<SetMembershipSettings> {
  constructor(@Inject(STREAM_WRITER) private readonly writer: StreamWriter) {}
  execute({ department, command, context }: SetMembershipSettings): Promise<Outcome> {
    return this.writer.execute(departmentStream(department), departmentFold(department), (state) => decideDepartment(command, state), context, department);
  }
}

export const DEPARTMENT_COMMAND_HANDLERS = [ChangeDepartmentIdentityHandler, SetMembershipSettingsHandler];
