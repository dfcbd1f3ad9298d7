import { DynamicModule, Module, OnApplicationShutdown } from '@nestjs/common';
import { CommandsModule } from './commands/commands.module';
import { ProjectedCommandBus } from './commands/projected-command-bus';
import { Config } from './config';
import { Clock, systemClock } from './domain/fiscal-year';
import { upcast } from './events/upcasters';
import { ALL_PROJECTIONS } from './projections';
import { Projector } from './projections/projector';
import { closeStores, Stores } from './stores';
import { ACCOUNT_STORE, BLOB_STORE, CONFIG, EVENT_STORE, PROJECTOR, READ_STORE } from './tokens';

import { HttpModule } from './http/http.module';
import { MessagesModule, type MessagesOptions } from './messages/messages.module';
import { AUTH_OPTIONS, AuthOptions } from './http/auth/auth.module';

export interface AppOptions {
  config: Config;
  stores: Stores;
  clock?: Clock;
  /** Tests lower the scrypt cost and the login throttle. */
  auth?: AuthOptions;
  /** Tests give their own message store or mailer. */
  messages?: Pick<MessagesOptions, 'store' | 'mailer'>;
}

/** Closes what the module opened, in the reverse order. */
class Lifecycle implements OnApplicationShutdown {
  constructor(
    private readonly projector: Projector,
    private readonly stores: Stores,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    await this.projector.stop();
    await closeStores(this.stores);
  }
}

/**
 * Thin wiring: the ports (configured adapters), the projector that follows the event store, the
 * command side (CommandsModule: bus, writer, handlers, clock), and the HTTP layer.
 */
@Module({})
export class AppModule {
  static forRoot({ config, stores, clock = systemClock, auth = {}, messages = {} }: AppOptions): DynamicModule {
    const projector = new Projector(stores.eventStore, stores.readStore, ALL_PROJECTIONS, { upcast, lease: stores.projectorLease });
    const core = [
      { provide: CONFIG, useValue: config },
      { provide: EVENT_STORE, useValue: stores.eventStore },
      { provide: READ_STORE, useValue: stores.readStore },
      { provide: ACCOUNT_STORE, useValue: stores.accountStore },
      { provide: BLOB_STORE, useValue: stores.blobStore },
      { provide: PROJECTOR, useValue: projector },
      { provide: AUTH_OPTIONS, useValue: auth },
    ];
    return {
      module: AppModule,
      global: true,
      imports: [
        CommandsModule.forRoot({ eventStore: stores.eventStore, readStore: stores.readStore, clock }),
        MessagesModule.forRoot({ config, clock, store: stores.messageStore, ...messages }),
        HttpModule,
      ],
      providers: [...core, ProjectedCommandBus, { provide: Lifecycle, useFactory: () => new Lifecycle(projector, stores) }],
      exports: [...core.map((p) => p.provide), ProjectedCommandBus],
    };
  }
}
