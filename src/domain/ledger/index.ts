/** The pure ledger of one coop's fiscal year: commands, decider, fold, closing rules and warnings. */
export * from './types';
export * from './state';
export { evolve, foldLedger, foldLedgerInto } from './evolve';
export { decide, inventoryItemErrors, ATTACHMENT_TYPES, MAX_ATTACHMENT_SIZE, MAX_ATTACHMENT_WORDS } from './decide';
export { ClosingTallyDraft, advancesOfTally, closingFactsFold, closingFactsFrom, closingFactsOf } from './closing/facts';
export { openingOf, sumAdvances } from './opening';
export { carriedGoods, type RegisterLine } from './inventory/register';
export type { ClosingChecklist } from './closing/checklist';
export { closingChecklist } from './closing/checklist';
export { advanceAdvice, MAX_UNRECONCILED, warningsOf, yearWarnings } from './closing/warnings';
export type { EntryContext } from './entries/validation';
export { pjLookAlike, validateEntry } from './entries/validation';
export type { StatementDocument, StatementOnRecord, SubmissionFacts } from './year-end/year-end';
export type { QuitusStatus } from './year-end/year-end';
export {
  INVITATION_DAYS,
  VERIFIER_QUALITIES,
  addDays,
  invitationFor,
  lastSubmission,
  quitusMissing,
  quitusReserves,
  samePerson,
  quitusStatus,
  statementDocumentOf,
  submissionBlockers,
  submissionFactsOf,
  submissionDueOn,
} from './year-end/year-end';
