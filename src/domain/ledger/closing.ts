import { closingOpensOn, formatFrenchDate } from '../fiscal-year';
import { formatEuros } from '../money';
import { type ClosingFacts, type Issue } from './facts';
import { yearName } from './validation';
import { cashIssue, unreconciledIssue, warningsOf } from './warnings';

export interface ClosingChecklist {
  canClose: boolean;
  blockers: Issue[];
  /** What is worth a look but does not block. */
  warnings: Issue[];
  /** Good news (the subsidies table matches 741). */
  notes: Issue[];
}

/** The closing rules of DOMAIN.md, in one place: the decider refuses CloseYear exactly when canClose is false. */
export function closingChecklist(facts: ClosingFacts, today: string, year: number): ClosingChecklist {
  const blockers: Issue[] = [];
  if (facts.closed) blockers.push({ code: 'YEAR_CLOSED', message: `L'exercice ${yearName(year)} est déjà clôturé.`, fix: 'cloture' });
  if (today < closingOpensOn(year)) {
    blockers.push({ code: 'TOO_EARLY', message: `La clôture sera possible à partir du ${formatFrenchDate(closingOpensOn(year))}.`, fix: 'cloture' });
  }
  if (!facts.previousYearClosed) {
    blockers.push({
      code: 'PREVIOUS_YEAR_OPEN',
      message: `L'exercice précédent (${yearName(year - 1)}) n'est pas clôturé : clôturez-le d'abord.`,
      fix: 'cloture',
    });
  }
  if (facts.openingMissing) {
    blockers.push({
      code: 'OPENING_MISSING',
      message: "Saisissez l'existence au début de l'exercice (banque et caisse au 1er septembre) : c'est le premier exercice de la coopérative.",
      fix: 'ouverture',
    });
  }
  const unreconciled = unreconciledIssue(facts);
  if (unreconciled) blockers.push(unreconciled);
  const cash = cashIssue(facts);
  if (cash) blockers.push(cash);
  if (facts.subsidiesTableTotal !== facts.subsidiesAccountTotal) {
    blockers.push({
      code: 'SUBSIDIES_UNJUSTIFIED',
      message:
        `Le total du tableau des subventions (${formatEuros(facts.subsidiesTableTotal)}) ne correspond pas au compte 741 ` +
        `(${formatEuros(facts.subsidiesAccountTotal)}) : complétez le tableau des subventions.`,
      fix: 'subventions',
    });
  }
  for (const advance of facts.openAdvances) {
    blockers.push({
      code: 'REGIE_OPEN',
      message: `La régie d'avance se monte actuellement à : ${formatEuros(advance.amount)} (${advance.regie}). Saisissez son retour ou ses dépenses.`,
      fix: 'regies',
    });
  }
  const blocking = new Set(blockers.map((b) => b.code));
  const notes: Issue[] = [];
  if (facts.subsidiesTableTotal === facts.subsidiesAccountTotal && facts.subsidiesAccountTotal !== 0) {
    notes.push({ code: 'SUBSIDIES_JUSTIFIED', message: 'Bravo ! Le total des montants correspond au compte 741.', fix: 'subventions' });
  }
  return { canClose: blockers.length === 0, blockers, warnings: warningsOf(facts).filter((w) => !blocking.has(w.code)), notes };
}
