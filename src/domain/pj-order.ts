/**
 * The order of PJ numbers, one rule for the notebook's grid, the decider's live entries, the
 * closing rules and the état de rapprochement: natural and French ("9" before "10", "020" before
 * "21", "A2" before "A10", "a2" beside "A2"), then code points, so two different PJs never tie.
 * (The grid sorted by code points once — "A10" before "A2", "B2" before "a2" — while the decider
 * and the rapprochement sorted naturally.)
 */
const NATURAL = new Intl.Collator('fr', { numeric: true });

export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export const comparePj = (a: string, b: string): number => NATURAL.compare(a, b) || compareText(a, b);
