import { chartsProjection } from './charts.projection';
import { coopsProjection } from './coops.projection';
import { departmentsProjection } from './departments.projection';
import { notebookProjection } from './ledger/notebook.projection';
import { membershipProjection } from './membership.projection';
import { paymentsProjection } from './payments/payments.projection';
import { type Projection } from './projection';
import { yearFactsProjection } from './year-facts.projection';

/** Every read model the projector keeps. */
export const ALL_PROJECTIONS: Projection[] = [
  coopsProjection,
  chartsProjection,
  notebookProjection,
  yearFactsProjection,
  departmentsProjection,
  membershipProjection,
  paymentsProjection,
];
