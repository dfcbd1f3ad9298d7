import { closingOpensOn, formatFrenchDate } from '../../fiscal-year';
import { formatEuros } from '../../money';
import { type ClosingFacts, type Issue } from '../types';
import { yearName } from '../entries/validation';
import { advanceAdvice, cashIssue, unreconciledIssue, warningsOf } from './warnings';

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
  const bank = bankStatementIssue(facts);
  if (bank) blockers.push(bank);
  for (const advance of facts.openAdvances) blockers.push({ code: 'REGIE_OPEN', message: advanceAdvice(advance.regie, advance.amount), fix: 'regies' });
  const blocking = new Set(blockers.map((b) => b.code));
  const notes: Issue[] = [];
  if (facts.subsidiesTableTotal === facts.subsidiesAccountTotal && facts.subsidiesAccountTotal !== 0) {
    notes.push({ code: 'SUBSIDIES_JUSTIFIED', message: 'Bravo ! Le total des montants correspond au compte 741.', fix: 'subventions' });
  }
  return {
    canClose: blockers.length === 0,
    blockers,
    warnings: warningsOf(facts).filter((w) => !blocking.has(w.code) && !(w.code === 'REGIE_OVERSPENT' && blocking.has('REGIE_OPEN'))),
    notes,
  };
}

const MONTHS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];
const monthName = (month: string): string => `${MONTHS[Number(month.slice(5, 7)) - 1]} ${month.slice(0, 4)}`;
const elided = (name: string): string => (/^[aeiou]/.test(name) ? `d'${name}` : `de ${name}`);

/**
 * Closing needs the year-end statement: one dated in August of the year's end, or the last one
 * when the bank did not move after its month; and its état de rapprochement must agree to the
 * cent. A coop without a bank account (no 512 movement, opening bank 0) needs neither.
 */
export function bankStatementIssue(facts: ClosingFacts): Issue | null {
  if (!facts.bankUsed) return null;
  const last = facts.lastStatement;
  const august = `${facts.year + 1}-08`;
  const needed = facts.lastBankMonth ?? `${facts.year}-09`;
  if (!last || (last.date.slice(0, 7) < needed && last.date.slice(0, 7) < august)) {
    const since = last ? ` (le dernier saisi est celui du ${formatFrenchDate(last.date)})` : '';
    return {
      code: 'BANK_STATEMENT_MISSING',
      message:
        `Le relevé bancaire de fin d'exercice manque${since} : importez ou saisissez le relevé ` +
        `${needed === august ? `d'août ${facts.year + 1}` : `${elided(monthName(needed))}, dernier mois où la banque a bougé`}, avec son solde.`,
      fix: 'releves',
    };
  }
  if (last.difference !== 0) {
    return {
      code: 'BANK_RECONCILIATION_DIFFERENCE',
      message:
        `L'état de rapprochement au ${formatFrenchDate(last.date)} présente un écart de ${formatEuros(last.difference)} ` +
        `entre le solde du relevé (${formatEuros(last.closingBalance)}) et les comptes : pointez les opérations du relevé ou cherchez une écriture manquante.`,
      fix: 'releves',
    };
  }
  return null;
}
