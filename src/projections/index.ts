import { chartsProjection } from './charts.projection';
import { coopsProjection } from './coops.projection';
import { departmentsProjection } from './departments.projection';
import { boardProjection } from './department/board.projection';
import { departmentTotalsProjection } from './department/totals.projection';
import { trialBalanceProjection } from './department/trial-balance.projection';
import { notebookProjection } from './ledger/notebook.projection';
import { membershipProjection } from './membership.projection';
import { paymentsProjection } from './payments/payments.projection';
import { type Projection } from './projection';
import { yearEndProjection } from './year-end.projection';

/** Every read model the projector keeps. */
export const ALL_PROJECTIONS: Projection[] = [
  coopsProjection,
  chartsProjection,
  notebookProjection,
  boardProjection,
  departmentTotalsProjection,
  departmentsProjection,
  yearEndProjection,
  trialBalanceProjection,
  membershipProjection,
  paymentsProjection,
];
