import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { join } from 'node:path';
import { type Config } from '../config';
import { type Clock } from '../domain/fiscal-year';
import { MESSAGE_STORE } from '../tokens';
import { type Mailer, NoMailer, SmtpMailer } from './mailer';
import { type MessageStore } from './message-store';
import { Outbox } from './outbox';
import { Schedule } from './schedule';
import { SqliteMessageStore } from './sqlite-message-store';

export const MAILER = Symbol('Mailer');

export interface MessagesOptions {
  config: Config;
  clock: Clock;
  /** Default: SqliteMessageStore in DATA_DIR/messages.sqlite. */
  store?: MessageStore;
  /** Default: SmtpMailer over SMTP_URL, or NoMailer without it. */
  mailer?: Mailer;
}

class MessagesLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(MESSAGE_STORE) private readonly store: MessageStore,
    @Inject(MAILER) private readonly mailer: Mailer,
    private readonly schedule: Schedule,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    this.schedule.stop();
    this.mailer.close();
    await this.store.close();
  }
}

export const mailerFor = (config: Config): Mailer => (config.smtpUrl ? new SmtpMailer(config.smtpUrl, config.mailFrom) : new NoMailer());

/** The message store, the mailer and the outbox every message goes through. */
@Module({})
export class MessagesModule {
  static forRoot({ config, clock, store, mailer }: MessagesOptions): DynamicModule {
    const providers = [
      { provide: MESSAGE_STORE, useFactory: () => store ?? new SqliteMessageStore(join(config.dataDir, 'messages.sqlite')) },
      { provide: MAILER, useFactory: () => mailer ?? mailerFor(config) },
      { provide: Outbox, useFactory: (s: MessageStore, m: Mailer) => new Outbox(s, m, clock), inject: [MESSAGE_STORE, MAILER] },
      // Started by the server (main.ts) only: the CLI and the tests drive the outbox themselves.
      { provide: Schedule, useFactory: (outbox: Outbox) => new Schedule([() => outbox.deliverDue()]), inject: [Outbox] },
    ];
    return {
      module: MessagesModule,
      global: true,
      providers: [...providers, MessagesLifecycle],
      exports: providers.map((p) => p.provide),
    };
  }
}
