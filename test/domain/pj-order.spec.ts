import { comparePj } from '../../src/domain/pj-order';
import { liveEntries } from '../../src/domain/ledger';
import { byDate } from '../../src/projections/ledger/amounts';
import { content, fold, recorded } from './ledger-fixtures';

/** One order of PJ numbers for the grid, the decider's live entries and the rapprochement. */
describe('the order of PJ numbers', () => {
  const pjs = ['A10', 'B2', '21', 'a2', '9', 'A2', '020', '10', 'b1', 'A2-1'];

  it('is natural and French: numbers by value, letters case-blind, then code points so no two PJs tie', () => {
    expect([...pjs].sort(comparePj)).toEqual(['9', '10', '020', '21', 'a2', 'A2', 'A2-1', 'A10', 'b1', 'B2']);
    for (const a of pjs) for (const b of pjs) if (a !== b) expect(comparePj(a, b)).toBe(-comparePj(b, a));
  });

  it('the notebook’s grid and the decider sort a day’s entries alike (the grid put "A10" before "A2" and "B2" before "a2")', () => {
    const events = pjs.map((pj, i) =>
      recorded(
        `e${i}`,
        content(pj, '2024-10-01', 'Écriture', [
          { account: '512', debit: 100 },
          { account: '7070', credit: 100 },
        ]),
      ),
    );
    const decider = liveEntries(fold(events)).map((e) => e.content.pj);
    const grid = events
      .map((e, seq) => ({ ...(e.data as { pj: string; date: string }), seq }))
      .sort((a, b) => byDate(a as never, b as never))
      .map((e) => e.pj);
    expect(grid).toEqual(decider);
    expect(grid.indexOf('A2')).toBeLessThan(grid.indexOf('A10'));
  });
});
