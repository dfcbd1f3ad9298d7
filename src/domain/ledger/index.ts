/** The pure ledger of one coop's fiscal year: commands, decider, fold, closing rules and warnings. */
export * from './commands';
export * from './state';
export { evolve, foldLedger, foldLedgerInto } from './evolve';
export { decide, ATTACHMENT_TYPES, MAX_ATTACHMENT_SIZE, MAX_ATTACHMENT_WORDS } from './decide';
export type { ClosingFacts, ClosingTally, Issue, PreviousYear } from './facts';
export { ClosingTallyDraft, closingFactsFold, closingFactsFrom, closingFactsOf, evolvePreviousYear } from './facts';
export type { ClosingChecklist } from './closing';
export { closingChecklist } from './closing';
export { MAX_UNRECONCILED, warningsOf, yearWarnings } from './warnings';
export type { EntryContext } from './validation';
export { validateEntry } from './validation';
export type { StatementDocument, StatementOnRecord, SubmissionFacts } from './year-end';
export type { DecisionState, InvitationState, QuitusStatus, SubmissionState, SubmissionStatus, YearEndState } from './year-end';
export {
  INVITATION_DAYS,
  VERIFIER_QUALITIES,
  addDays,
  invitationFor,
  lastSubmission,
  quitusMissing,
  quitusStatus,
  statementDocumentOf,
  submissionBlockers,
  submissionFactsOf,
  submissionDueOn,
} from './year-end';
