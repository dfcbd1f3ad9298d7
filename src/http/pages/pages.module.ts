import { Module } from '@nestjs/common';
import { HomePagesController } from './home.pages';
import { IdentityPagesController } from './identity.pages';
import { MembershipPagesController } from './membership.pages';
import { NotebookPagesController } from './notebook.pages';
import { PaymentsPagesController } from './payments.pages';
import { RegistersPagesController } from './registers.pages';
import { ReportsPagesController } from './reports.pages';
import { StatementsPagesController } from './statements.pages';
import { YearPages } from './year-page';
import { YearEndPagesController } from './year-end.pages';

/**
 * The mandataire's pages. Relies on the global HttpModule for LedgerReads, VoucherStore, Views
 * and the coop scope guard's directory; exports nothing.
 */
@Module({
  controllers: [
    HomePagesController,
    NotebookPagesController,
    RegistersPagesController,
    ReportsPagesController,
    YearEndPagesController,
    StatementsPagesController,
    IdentityPagesController,
    MembershipPagesController,
    PaymentsPagesController,
  ],
  providers: [YearPages],
})
export class PagesModule {}
