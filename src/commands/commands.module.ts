import { type DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type Command, CommandBus, CqrsModule } from '@nestjs/cqrs';
import { type Clock } from '../domain/fiscal-year';
import { type EventStore } from '../events/event-store';
import { type ReadStore } from '../projections/read-store';
import { accountsInUseOf } from '../reads/accounts-in-use';
import { ACCOUNTS_IN_USE, CLOCK, STREAM_WRITER } from '../tokens';
import { COOP_COMMAND_HANDLERS } from './coop.commands';
import { DEPARTMENT_COMMAND_HANDLERS } from './department.commands';
import { LedgerCommandHandler } from './ledger.commands';
import { MembershipCommandHandler } from './membership.commands';
import { StreamWriter } from './stream-writer';

export interface CommandSideOptions {
  eventStore: EventStore;
  /** The read models a rule stands on (the accounts a chart change may not retire). */
  readStore: ReadStore;
  clock: Clock;
}

/** Whoever sends commands: the CommandBus itself, or ProjectedCommandBus where a person waits. */
export interface CommandSender {
  execute<R>(command: Command<R>): Promise<R>;
}

/**
 * The write side: @nestjs/cqrs's CommandBus, the StreamWriter and every command handler. The
 * server imports it; the CLI, the bench and tests open it alone (openCommandBus), so every
 * command goes the same way.
 */
@Module({})
export class CommandsModule {
  static forRoot({ eventStore, readStore, clock }: CommandSideOptions): DynamicModule {
    return {
      module: CommandsModule,
      global: true,
      imports: [CqrsModule.forRoot()],
      providers: [
        { provide: CLOCK, useValue: clock },
        { provide: STREAM_WRITER, useValue: new StreamWriter(eventStore, clock) },
        { provide: ACCOUNTS_IN_USE, useValue: accountsInUseOf(readStore) },
        LedgerCommandHandler,
        MembershipCommandHandler,
        ...COOP_COMMAND_HANDLERS,
        ...DEPARTMENT_COMMAND_HANDLERS,
      ],
      exports: [CLOCK, STREAM_WRITER],
    };
  }
}

/** The command side without HTTP or projections: the same bus and handlers as the server's. */
export async function openCommandBus(options: CommandSideOptions): Promise<{ bus: CommandBus; close(): Promise<void> }> {
  const app = await NestFactory.createApplicationContext(CommandsModule.forRoot(options), { logger: false });
  return { bus: app.get(CommandBus), close: () => app.close() };
}
