import { type OpenAdvance } from '../../events/ledger-events';
import { type YearFacts, type YearOpening } from './types';

/**
 * The year's opening, DOMAIN.md "The year's opening: one rule everywhere": the one function the
 * decider, the notebook, the CRF, the board, the trial balance, the FEC and the calendar-year
 * report read where a year starts from.
 */

const REGIE_ORDER = new Intl.Collator();

/** Advances summed by régie (a Map: a régie's name is user text), zeros left out, in régie order. */
export function sumAdvances(...lists: ReadonlyArray<readonly OpenAdvance[]>): OpenAdvance[] {
  const sums = new Map<string, number>();
  for (const list of lists) for (const a of list) sums.set(a.regie, (sums.get(a.regie) ?? 0) + a.amount);
  return [...sums]
    .filter(([, amount]) => amount !== 0)
    .map(([regie, amount]) => ({ regie, amount }))
    .sort((a, b) => REGIE_ORDER.compare(a.regie, b.regie));
}

/**
 * Where a year starts from, given the coop's earlier years, first to last (none in its first year),
 * and the year's own declaration (read in the first year only). A closed previous year gives its
 * closing; an open or unlocked one its own opening, by this same rule, plus its movements so far:
 * provisional, never 0.
 */
export function openingOf(earlierYears: readonly YearFacts[], declared: { bank: number; cash: number } | null): YearOpening {
  const first = earlierYears.length ? earlierYears[0].declaredOpening : declared;
  let opening: YearOpening = first
    ? { bank: first.bank, cash: first.cash, openAdvances: [], carriedOver: [], source: 'declared', provisional: false }
    : { bank: 0, cash: 0, openAdvances: [], carriedOver: [], source: 'none', provisional: false };
  for (const year of earlierYears) {
    const closing = year.closing;
    opening =
      year.status === 'closed' && closing
        ? {
            bank: closing.bank,
            cash: closing.cash,
            openAdvances: sumAdvances(closing.openAdvances),
            carriedOver: closing.unreconciled.map((item) => ({ ...item })),
            source: 'previous-year',
            provisional: false,
          }
        : {
            bank: opening.bank + year.bank,
            cash: opening.cash + year.cash,
            openAdvances: sumAdvances(opening.openAdvances, year.advances),
            // An unlocked year's items as it closed: the best known list until it closes again.
            carriedOver: (closing?.unreconciled ?? []).map((item) => ({ ...item })),
            source: 'provisional',
            provisional: true,
          };
  }
  return opening;
}
