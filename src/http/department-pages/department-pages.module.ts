import { Module } from '@nestjs/common';
import { AccountsPagesController } from './accounts.pages';
import { AssociationPagesController } from './association.pages';
import { AuditPagesController } from './audit.pages';
import { CoopAdministration } from './coop-administration';
import { CoopsPagesController } from './coops.pages';
import { DepartmentPagesController } from './department.pages';
import { DepartmentView } from './department-view';
import { SubmissionsPagesController } from './submissions.pages';
import { MessagesPagesController } from './messages.pages';
import { MembershipsPagesController } from './memberships.pages';

/**
 * The treasurer's and the auditor's pages. Relies on the global HttpModule (LedgerReads, Views,
 * the scope guards' directory); exports CoopAdministration for the JSON API of coop management.
 */
@Module({
  controllers: [
    DepartmentPagesController,
    CoopsPagesController,
    AuditPagesController,
    AssociationPagesController,
    AccountsPagesController,
    SubmissionsPagesController,
    MessagesPagesController,
    MembershipsPagesController,
  ],
  providers: [CoopAdministration, DepartmentView],
  exports: [CoopAdministration],
})
export class DepartmentPagesModule {}
