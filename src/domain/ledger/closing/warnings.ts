import { formatAmount, formatEuros } from '../../money';
import { type ClosingFacts, type Issue, type LedgerEnv, type LedgerState } from '../types';
import { closingFactsOf } from './facts';

/** More unreconciled bank items than this: warning, and closing blocked. */
export const MAX_UNRECONCILED = 5;

/**
 * Warnings shown while the notebook is kept: recording stays possible. Computed from the same
 * facts as the closing checklist, so a page and the board say the same thing.
 */
export function warningsOf(facts: ClosingFacts): Issue[] {
  const warnings: Issue[] = [];
  const unreconciled = unreconciledIssue(facts);
  if (unreconciled) warnings.push(unreconciled);
  const cash = cashIssue(facts);
  if (cash) warnings.push(cash);
  // Not a refusal: an expense entered before the receipt it was paid from is a common slip.
  if (facts.cashBalance < 0) {
    warnings.push({
      code: 'CASH_NEGATIVE',
      message: `Le solde de la caisse (530) est négatif : ${formatEuros(facts.cashBalance)}. Une recette en espèces manque-t-elle ?`,
      fix: 'saisie',
    });
  }
  if (facts.membershipTotal > 0 && facts.insuranceTotal === 0) {
    warnings.push({
      code: 'COTISATION_ASSURANCE',
      message: `La cotisation a été payée à l'OCCE (${formatAmount(facts.membershipTotal)}). Est-il normal que l'assurance soit à 0 ?`,
      fix: 'saisie',
    });
  } else if (facts.insuranceTotal > 0 && facts.membershipTotal === 0) {
    warnings.push({
      code: 'COTISATION_ASSURANCE',
      message: `Une assurance a été payée (${formatAmount(facts.insuranceTotal)}), mais est-il normal que la cotisation à l'OCCE soit à 0 ?`,
      fix: 'saisie',
    });
  }
  // Said as soon as it is saved, not only at the closing: the teacher who explained the advance knows why.
  for (const advance of facts.openAdvances.filter((a) => a.amount < 0)) {
    warnings.push({ code: 'REGIE_OVERSPENT', message: advanceAdvice(advance.regie, advance.amount), fix: 'regies' });
  }
  const missing = facts.durableGoodsWithoutInventory;
  if (missing.length > 0) {
    const pieces = missing.length === 1 ? `la pièce ${missing[0]}` : `les pièces ${missing.join(', ')}`;
    warnings.push({
      code: 'INVENTORY_MISSING',
      message: `Un achat de biens durables (compte ${facts.durableGoodsAccount}) n'est pas inscrit au cahier d'inventaire : ${pieces}.`,
      fix: 'inventaire',
    });
  }
  return warnings;
}

/** The warnings of a year as it stands. */
export const yearWarnings = (state: LedgerState, env: LedgerEnv): Issue[] => warningsOf(closingFactsOf(state, env));

export function unreconciledIssue(facts: ClosingFacts): Issue | null {
  if (facts.unreconciled <= MAX_UNRECONCILED) return null;
  return {
    code: 'UNRECONCILED_MANY',
    message: `Il y a trop d'écritures non pointées (${facts.unreconciled}) : pointez-les d'après le relevé bancaire.`,
    fix: 'pointage',
  };
}

/** A coop that used cash must have a last count equal to the 530 balance. */
export function cashIssue(facts: ClosingFacts): Issue | null {
  if (!facts.cashUsed) return null;
  if (facts.lastCountTotal === null) {
    return {
      code: 'CASH_COUNT_MISMATCH',
      message: `La caisse n'est pas détaillée : faites l'arrêté de caisse (solde 530 : ${formatEuros(facts.cashBalance)}).`,
      fix: 'caisse',
    };
  }
  if (facts.lastCountTotal === facts.cashBalance) return null;
  return {
    code: 'CASH_COUNT_MISMATCH',
    message: `L'arrêté de caisse ne correspond pas avec le solde 530, la différence est de ${formatEuros(facts.lastCountTotal - facts.cashBalance)}`,
    fix: 'caisse',
  };
}

/**
 * What to do with an advance not settled: a positive balance is still with the class (its
 * return or its spending to enter); a negative one was explained beyond what was paid, which
 * only a complementary advance voted by the council, or a correction, makes right.
 */
export function advanceAdvice(regie: string, balance: number): string {
  return balance >= 0
    ? `La régie d'avance se monte actuellement à : ${formatEuros(balance)} (${regie}). Saisissez son retour ou ses dépenses.`
    : `La régie d'avance ${regie} est expliquée au-delà de ce qui a été versé : ${formatEuros(-balance)} de trop. ` +
        "Si le conseil de coopérative a voté une régie complémentaire, saisissez son versement ; sinon, corrigez l'explication des dépenses.";
}
