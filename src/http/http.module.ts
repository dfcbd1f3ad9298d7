import { Global, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { CoopDoc } from '../projections/coops.projection';
import { ReadStore } from '../projections/read-store';
import { CLOCK, CONFIG, DOCUMENT_FILES, READ_STORE } from '../tokens';
import { AuthModule } from './auth/auth.module';
import { COOP_DIRECTORY, CoopDirectory } from './auth/guards';
import { AuditApiController } from './audit-api.controller';
import { ChartApiController } from './chart-api.controller';
import { CoopApiController } from './coop-api.controller';
import { CoopAdminController } from './coop-admin.controller';
import { DepartmentAccountsApiController } from './department-accounts-api.controller';
import { DepartmentApiController } from './department-api.controller';
import { DepartmentPagesModule } from './department-pages/department-pages.module';
import { HealthController } from './health.controller';
import { LedgerApiController } from './ledger-api.controller';
import { ActionReportApiController } from './action-report-api.controller';
import { StatementsApiController } from './statements-api.controller';
import { PaymentsApiController } from './payments-api.controller';
import { PaymentReads } from '../reads/payments';
import { LedgerReads } from '../reads/ledger-reads';
import { DepartmentAccounts } from '../reads/department-accounts';
import { PagesModule } from './pages/pages.module';
import { PrintService } from './print.service';
import { ProjectionAlert } from './projection-alert.middleware';
import { StatementPreviews } from './statement-previews';
import { StatementReader } from './statement-reader';
import { VoucherStore } from './voucher-store';
import { WriteFailures } from './write-failures';
import { QuitusCodes } from './quitus-codes';
import { QuitusInvitations } from './quitus-invitations';
import { SubmissionDecisionLetters } from './submission-decision-letters';
import { YearEndApiController } from './year-end-api.controller';
import { MembershipDecisions } from './membership-decisions';
import { MembershipApiController } from './membership-api.controller';
import { MembershipReads } from '../reads/membership';
import { MessagesApiController } from './messages-api.controller';
import { PasswordResetController } from './auth/password-reset.controller';
import { YearEndReads } from '../reads/year-end-reads';
import { type Clock } from '../domain/fiscal-year';
import { type Config } from '../config';
import { Outbox } from '../messages/outbox';
import { Reminders } from '../messages/reminders';
import { Schedule } from '../messages/schedule';
import { UserDirectory } from '../users/user-directory';
import { DepartmentMessages } from './department-messages';

/** Scope checks look a coop's department up in the coops read model. */
const coopDirectory = {
  provide: COOP_DIRECTORY,
  useFactory: (readStore: ReadStore): CoopDirectory => ({
    departmentOf: async (coopId) => (await readStore.get<CoopDoc>('coops', coopId))?.department ?? null,
  }),
  inject: [READ_STORE],
};

/** The reminders, a task of the server's schedule (started by main.ts only; tests tick it). */
const reminders = {
  provide: Reminders,
  useFactory: (store: ReadStore, users: UserDirectory, outbox: Outbox, clock: Clock, config: Config, schedule: Schedule): Reminders => {
    const task = new Reminders(store, users, outbox, clock, config.publicUrl);
    schedule.add(task.task);
    return task;
  },
  inject: [READ_STORE, UserDirectory, Outbox, CLOCK, CONFIG, Schedule],
};

@Global()
@Module({
  imports: [AuthModule, PagesModule, DepartmentPagesModule],
  controllers: [
    HealthController,
    LedgerApiController,
    StatementsApiController,
    PaymentsApiController,
    CoopApiController,
    ChartApiController,
    DepartmentApiController,
    DepartmentAccountsApiController,
    AuditApiController,
    CoopAdminController,
    YearEndApiController,
    ActionReportApiController,
    MessagesApiController,
    MembershipApiController,
    PasswordResetController,
  ],
  providers: [
    coopDirectory,
    LedgerReads,
    DepartmentAccounts,
    PrintService,
    VoucherStore,
    { provide: DOCUMENT_FILES, useExisting: VoucherStore },
    StatementReader,
    StatementPreviews,
    WriteFailures,
    YearEndReads,
    QuitusCodes,
    QuitusInvitations,
    SubmissionDecisionLetters,
    MembershipReads,
    MembershipDecisions,
    PaymentReads,
    reminders,
    DepartmentMessages,
  ],
  exports: [
    coopDirectory.provide,
    LedgerReads,
    PaymentReads,
    DepartmentAccounts,
    PrintService,
    VoucherStore,
    DOCUMENT_FILES,
    StatementReader,
    StatementPreviews,
    WriteFailures,
    YearEndReads,
    QuitusCodes,
    QuitusInvitations,
    SubmissionDecisionLetters,
    MembershipReads,
    MembershipDecisions,
    Reminders,
    DepartmentMessages,
    AuthModule,
  ],
})
export class HttpModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(ProjectionAlert).forRoutes('*');
  }
}
