import { formatFrenchDate } from '../domain/fiscal-year';
import { quitusMissing, submissionDueOn } from '../domain/ledger';
import { csvFile, csvText } from './department-views';
import { SUBMISSION_FOR_DEPARTMENT } from './status-labels';
import { type CoopDoc } from '../projections/coops.projection';
import { type YearFactsDoc, emptyYearFacts } from '../projections/year-facts.projection';
import { type SubmissionStatus, isFinal, statementDocument, submissionState, reservesOf, subsidyProofs, validDecisions } from './year-end-state';

/**
 * The completeness board: for each coop of the department, how far its year's end has gone —
 * closed, submitted to the department, accepted or returned, quitus, the year-end statement and
 * the subsidies' proofs, late or not. From the coops' year-facts documents (year-end-state.ts).
 */
export interface CompletenessRow {
  coopId: string;
  name: string;
  closed: boolean;
  submission: SubmissionStatus;
  version: number | null;
  submittedAt: string | null;
  reason: string | null;
  /** Two decisions of vérificateurs, at least one a parent, since the year was last unlocked. */
  quitus: boolean;
  /** A valid decision "réserves" stands (API.md): the quitus counts, with these comments. */
  quitusReserves: boolean;
  reserves: Array<{ name: string; comment: string }>;
  statement: boolean;
  /** Every row of the subsidies table has its proof. */
  subsidyProofs: boolean;
  /** What is still missing, in French. */
  missing: string[];
  /** Not submitted by 30 September after the year's end, or submitted after it. */
  late: boolean;
  /** Closed and accepted: its figures count in the "final" totals. */
  final: boolean;
}

const parisDay = (at: string): string => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Paris' }).format(new Date(at));

export function completenessRows(coops: readonly CoopDoc[], docs: readonly YearFactsDoc[], year: number, today: string): CompletenessRow[] {
  const byCoop = new Map(docs.filter((d) => d.year === year).map((d) => [d.coopId, d]));
  const due = submissionDueOn(year);
  return coops
    .filter((coop) => coop.firstYear <= year)
    .map((coop) => {
      const doc = byCoop.get(coop.coopId) ?? emptyYearFacts(coop.coopId, year, coop.department);
      const decisions = validDecisions(doc);
      const submission = submissionState(doc);
      // The domain's rule: two people, one a parent (the same vérificateur twice is one).
      const quitus = quitusMissing(decisions).length === 0;
      const statement = statementDocument(doc) !== null;
      const proofs = new Set(subsidyProofs(doc));
      const allProofs = Array.from({ length: doc.subsidies.length }, (_, i) => i).every((i) => proofs.has(i));
      const closed = doc.status === 'closed';
      const submitted = submission.status !== 'missing';
      const missing = [
        ...(closed ? [] : ["la clôture de l'exercice"]),
        ...(quitus ? [] : ['le quitus des deux vérificateurs']),
        ...(statement ? [] : ["le relevé bancaire de fin d'exercice"]),
        ...(allProofs ? [] : ['les justificatifs de subventions']),
        ...(submitted ? [] : ["l'envoi du bilan à l'association départementale"]),
      ];
      const late = submission.submittedAt ? parisDay(submission.submittedAt) > due : today > due && submission.status !== 'accepted';
      return {
        coopId: coop.coopId,
        name: coop.name,
        closed,
        submission: submission.status,
        version: submission.version,
        submittedAt: submission.submittedAt,
        reason: submission.reason,
        quitus,
        quitusReserves: reservesOf(doc).length > 0,
        reserves: reservesOf(doc),
        statement,
        subsidyProofs: allProofs,
        missing,
        late,
        final: isFinal(doc),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name, 'fr') || (a.coopId < b.coopId ? -1 : 1));
}

export const COMPLETENESS_FILTERS = ['final', 'provisional', 'missing', 'submitted', 'accepted', 'returned', 'documentsMissing', 'late'] as const;
export type CompletenessFilter = (typeof COMPLETENESS_FILTERS)[number];

const MATCHES: Record<CompletenessFilter, (row: CompletenessRow) => boolean> = {
  final: (r) => r.final,
  provisional: (r) => !r.final,
  missing: (r) => r.submission === 'missing',
  submitted: (r) => r.submission === 'submitted',
  accepted: (r) => r.submission === 'accepted',
  returned: (r) => r.submission === 'returned',
  documentsMissing: (r) => !r.quitus || !r.statement || !r.subsidyProofs,
  late: (r) => r.late,
};

export const filterCompleteness = (rows: readonly CompletenessRow[], filters: readonly CompletenessFilter[]): CompletenessRow[] =>
  rows.filter((row) => filters.every((f) => MATCHES[f](row)));

/** How many coops each filter holds, over all rows. */
export function completenessCounts(rows: readonly CompletenessRow[]): Record<CompletenessFilter | 'coops', number> {
  const counts = { coops: rows.length } as Record<CompletenessFilter | 'coops', number>;
  for (const f of COMPLETENESS_FILTERS) counts[f] = rows.filter(MATCHES[f]).length;
  return counts;
}

export const submittedOn = (row: CompletenessRow): string => (row.submittedAt ? formatFrenchDate(parisDay(row.submittedAt)) : '');

const yesNo = (value: boolean): string => (value ? 'oui' : 'non');

export function completenessCsv(rows: readonly CompletenessRow[], department: string, year: number): string {
  return csvFile([
    [csvText(`Complétude des bilans du département ${department}`), csvText(`Exercice ${year}-${year + 1}`)],
    [
      'Coopérative',
      'Nom',
      'Clôturé',
      'Bilan',
      'Version',
      'Envoyé le',
      'Quitus',
      'Relevé de fin d’exercice',
      'Justificatifs de subventions',
      'En retard',
      'Définitif',
      'Ce qui manque',
      'Motif du renvoi',
    ].map(csvText),
    ...rows.map((r) => [
      csvText(r.coopId),
      csvText(r.name),
      yesNo(r.closed),
      csvText(SUBMISSION_FOR_DEPARTMENT[r.submission]),
      r.version === null ? '' : String(r.version),
      submittedOn(r),
      yesNo(r.quitus),
      yesNo(r.statement),
      yesNo(r.subsidyProofs),
      yesNo(r.late),
      yesNo(r.final),
      csvText(r.missing.join(', ')),
      csvText(r.reason),
    ]),
  ]);
}
