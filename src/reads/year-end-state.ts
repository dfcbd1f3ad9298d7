import { type StatementDocument, quitusMissing, quitusReserves, statementDocumentOf } from '../domain/ledger';
import { type YearEndDocument, type YearEndStatement, type YearFactsDoc } from '../projections/year-facts.projection';

/**
 * How far a coop-year's end has gone, read from its year-facts document (the one home of those
 * facts): what the completeness list, the trial balance's "final" scope and the year's-end pages
 * say. Moved here from the trial-balance and year-end projections (isFinal, quitusComplete,
 * statementDocument), which kept their own copies of the submission and the quitus.
 */
export type SubmissionStatus = 'missing' | 'submitted' | 'accepted' | 'returned';

export interface SubmissionState {
  /** The last version sent, as it stands: 'missing' when none was sent, or the year was unlocked since. */
  status: SubmissionStatus;
  version: number | null;
  submittedAt: string | null;
  /** The department's reason when it returned the year. */
  reason: string | null;
}

export function submissionState(doc: Pick<YearFactsDoc, 'submissions'>): SubmissionState {
  const last = doc.submissions.at(-1);
  if (!last) return { status: 'missing', version: null, submittedAt: null, reason: null };
  return { status: last.current ? last.status : 'missing', version: last.version, submittedAt: last.at, reason: last.reason };
}

/** The quitus decisions given since the year was last unlocked (an unlock makes them void). */
export const validDecisions = (doc: Pick<YearFactsDoc, 'decisions'>): YearFactsDoc['decisions'] => doc.decisions.filter((d) => d.valid);

/** The valid decisions "réserves" of the year, with their comments (DOMAIN.md, "Quitus evidence the AD can rely on"). */
export const reservesOf = (doc: Pick<YearFactsDoc, 'decisions'>): Array<{ name: string; comment: string }> => quitusReserves(validDecisions(doc));

/** Final: closed, and accepted by the department since it was last closed. */
export const isFinal = (doc: YearFactsDoc): boolean => doc.status === 'closed' && submissionState(doc).status === 'accepted';

/** The domain's rule (quitusMissing) on the year's valid decisions, once closed. */
export const quitusComplete = (doc: YearFactsDoc): boolean => doc.status === 'closed' && quitusMissing(validDecisions(doc)).length === 0;

/** The year-end statement the submission sends (the domain's rule on the year's documents and statements). */
export const statementDocument = (doc: YearFactsDoc): StatementDocument<YearEndDocument, YearEndStatement> | null =>
  statementDocumentOf(doc.year, doc.status, doc.documents, doc.statements);

/** The subsidies' rows that have their proof attached (indexes, ascending). */
export function subsidyProofs(doc: Pick<YearFactsDoc, 'documents'>): number[] {
  const indexes = new Set<number>();
  for (const d of doc.documents) if (d.kind === 'subsidy' && typeof d.subsidyIndex === 'number') indexes.add(d.subsidyIndex);
  return [...indexes].sort((a, b) => a - b);
}

/** Closed once at least (a reopened year's validated entries still stand on the chart). */
export const closedOnce = (doc: Pick<YearFactsDoc, 'closings'>): boolean => doc.closings.length > 0;
