/**
 * French words that depend on a number or a code, one rule each for the whole app (pages, PDFs,
 * files): a count agrees with its noun (0 and 1 take the singular, as French writes them), a
 * vérificateur's quality is said in words.
 */

/** "1 coopérative", "0 coopérative", "2 coopératives"; `many` when the plural is not `one` + s. */
export function plural(count: number, one: string, many?: string): string {
  return `${count} ${Math.abs(count) < 2 ? one : (many ?? pluralOf(one))}`;
}

/** Each word + s ("bilan accepté" → "bilans acceptés"), but words already ending in s, x or z. */
const pluralOf = (words: string): string =>
  words
    .split(' ')
    .map((w) => (/[sxz]$/.test(w) || !/\p{L}$/u.test(w) ? w : `${w}s`))
    .join(' ');

/** Text the user typed (a reason, a comment) ended by one full stop: never "..". */
export const sentence = (text: string): string => (/[.!?…]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);

const VERIFIER_QUALITIES: ReadonlyMap<string, string> = new Map([
  ['parent', "Parent d'élève"],
  ['enseignant', 'Enseignant'],
  ['autre', 'Autre'],
]);

/** A vérificateur's quality as the pages and the CRF print it. */
export const verifierQualityLabel = (quality: string): string => VERIFIER_QUALITIES.get(quality) ?? quality;
export const verifierQualities = (): Array<{ value: string; label: string }> => [...VERIFIER_QUALITIES].map(([value, label]) => ({ value, label }));
