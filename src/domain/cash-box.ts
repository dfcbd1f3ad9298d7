import { DomainError } from './errors';
import { formatAmount, MAX_LINE_CENTS } from './money';

/**
 * The cash box counted coin by coin and bill by bill (arrêté de caisse). Denominations are in
 * cents; a count maps a denomination (as a string key, because it is JSON) to a number of pieces.
 */
export const COINS = [1, 2, 5, 10, 20, 50, 100, 200] as const;
export const BILLS = [500, 1000, 2000, 5000, 10000, 20000, 50000] as const;
export const DENOMINATIONS: readonly number[] = [...COINS, ...BILLS];

export type CashCounts = Record<string, number>;

/**
 * Checks a count as it comes from a form or JSON: keys must be denominations in cents, values
 * non-negative whole numbers (empty values count as 0). Returns the normalized count (every
 * denomination present, ascending) and one error per bad field `counts.<denomination>`.
 */
export function validateCashCounts(input: unknown): { counts: CashCounts; errors: DomainError[] } {
  const counts: CashCounts = Object.fromEntries(DENOMINATIONS.map((d) => [String(d), 0]));
  const errors: DomainError[] = [];
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    errors.push(new DomainError('CASH_COUNT_INVALID', 'Détaillez la caisse : le nombre de pièces et de billets de chaque valeur.', 'counts'));
    return { counts, errors };
  }
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
    const field = `counts.${key}`;
    if (!Object.hasOwn(counts, key)) {
      errors.push(new DomainError('CASH_COUNT_INVALID', `« ${key} » n'est pas une valeur de pièce ou de billet en centimes.`, field));
      continue;
    }
    if (value === null || value === undefined || value === '') continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      const name = formatAmount(Number(key));
      errors.push(new DomainError('CASH_COUNT_INVALID', `Le nombre de pièces ou de billets de ${name} € doit être un nombre entier positif ou nul.`, field));
      continue;
    }
    counts[key] = value;
  }
  if (errors.length === 0 && !(cashTotal(counts) <= MAX_LINE_CENTS)) {
    errors.push(new DomainError('CASH_COUNT_INVALID', 'Le total de la caisse est trop grand pour être vrai : vérifiez les nombres saisis.', 'counts'));
  }
  return { counts, errors };
}

/** Total of a (validated) count, in cents. */
export const cashTotal = (counts: CashCounts): number => Object.entries(counts).reduce((sum, [denomination, pieces]) => sum + Number(denomination) * pieces, 0);

/** The last count by date (a later count of the same day wins): the one the closing facts check the books against. */
export function latestCount<C extends { date: string }>(counts: readonly C[]): C | null {
  let last: C | null = null;
  for (const count of counts) if (!last || count.date >= last.date) last = count;
  return last;
}

/** What the count shows minus what the books say (positive: more in the box than in 530). */
export const cashDifference = (countTotal: number, cashBalance: number): number => countTotal - cashBalance;
