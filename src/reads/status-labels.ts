import { type YearStatus } from '../domain/ledger/types';
import { type MembershipStatus } from '../domain/membership';
import { type SubmissionStatus } from './year-end-state';

/**
 * Every status in words, one home for the pages, the CSVs and the workbooks (the year's status
 * was written out by three pages and the archives, which said "Ouvert" where the others said
 * "En cours"; "non commencée" by two rules that disagreed on a draft with nothing entered).
 */

const YEAR: Record<YearStatus, string> = { open: 'En cours', closed: 'Clôturé', unlocked: 'Rouvert pour correction' };

/** A school year's state: the department's board, a coop's page, the auditor's pages, the archives. */
export const yearStatusLabel = (status: YearStatus): string => YEAR[status];

/** The year-end submission as the coop's mandataires read it (their home, the year-end page) and the AD's list of submitted versions. */
const SUBMISSION_FOR_COOP: Record<SubmissionStatus, string> = {
  missing: 'Pas encore envoyé',
  submitted: "Envoyé, en attente de l'association départementale",
  accepted: 'Accepté',
  returned: 'Renvoyé à la coopérative',
};
export const submissionStatusLabel = (status: SubmissionStatus): string => SUBMISSION_FOR_COOP[status];

/** The year-end submission in the AD's completeness list, its CSV and a coop's page for the AD. */
export const SUBMISSION_FOR_DEPARTMENT: Record<SubmissionStatus, string> = {
  missing: 'non envoyé',
  submitted: 'envoyé, à examiner',
  accepted: 'accepté',
  returned: 'renvoyé à la coopérative',
};

const MEMBERSHIP: Record<MembershipStatus, string> = {
  draft: 'à envoyer',
  submitted: 'envoyée',
  validated: 'validée',
  returned: 'renvoyée',
};

/** A membership's status; a draft with nothing entered yet is "non commencée" where the AD follows the coops. */
export const membershipStatusLabel = (status: MembershipStatus, started = true): string =>
  started || status !== 'draft' ? MEMBERSHIP[status] : 'non commencée';
