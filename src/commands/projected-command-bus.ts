import { Inject, Injectable } from '@nestjs/common';
import { Command, CommandBus } from '@nestjs/cqrs';
import { PROJECTOR } from '../tokens';

/** Read-your-writes: waits until the projections have applied a position. */
export interface ProjectionsFollower {
  waitFor(position: bigint): Promise<void>;
}

/**
 * The command bus of people acting through pages and the API: resolves once the command's events
 * are in the read models, so the answer and the next page show what was just done.
 *
 * The command handlers themselves return as soon as the events are durably appended; the
 * projections follow the log on their own and fold whatever arrived meanwhile in one batch. Only
 * the one waiting for an answer waits for them.
 */
@Injectable()
export class ProjectedCommandBus {
  constructor(
    private readonly bus: CommandBus,
    @Inject(PROJECTOR) private readonly projections: ProjectionsFollower,
  ) {}

  async execute<R>(command: Command<R>): Promise<R> {
    const outcome = await this.bus.execute(command);
    const position = (outcome as { position?: unknown } | undefined)?.position;
    if (typeof position === 'bigint') await this.projections.waitFor(position);
    return outcome;
  }
}
