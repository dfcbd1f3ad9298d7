import { ALL_PROJECTIONS } from '../../src/projections';
import { foldInMemory } from '../../src/projections/fold';
import { type Projection, ownDocuments } from '../../src/projections/projection';
import { Projector } from '../../src/projections/projector';
import { type ReadStore } from '../../src/projections/read-store';
import { type EventStore } from '../../src/events/event-store';
import { credit, debit, DepartmentLog, entry } from './department/support';

/** One home per fact: every document is written by one projection, and a coop-year's facts by one (year_facts). */
describe('one writer per document', () => {
  const collectionsOf = (p: Projection) => Object.keys(p.collections);

  it('no collection is declared by two projections', () => {
    const all = ALL_PROJECTIONS.flatMap(collectionsOf);
    expect(new Set(all).size).toBe(all.length);
    // The runtime refuses it too.
    const thief: Projection = { ...ALL_PROJECTIONS[0], name: 'thief' };
    expect(() => new Projector({} as EventStore, {} as ReadStore, [...ALL_PROJECTIONS, thief])).toThrow(/claimed by both/);
  });

  it('a projection naming a document of another’s collection stops at that event', () => {
    const log = new DepartmentLog();
    log.register('c', '14', 'École');
    const [recorded] = log.run('c', 2024, {
      type: 'RecordEntry',
      entryId: 'e1',
      entry: entry('01', '2024-09-10', 'Vente', [debit('512', 100), credit('7070', 100)]),
    });
    const [notebooks, yearFacts] = ['notebooks', 'year_facts'].map((name) => ALL_PROJECTIONS.find((p) => p.name === name)!);
    const intruder: Projection = { ...notebooks, keysOf: (event) => [...notebooks.keysOf(event), ...yearFacts.keysOf(event)] };
    expect(() => ownDocuments(intruder, recorded)).toThrow(/names a document of year_facts/);
    expect(() => foldInMemory([intruder], log.events)).toThrow();
    expect(ownDocuments(notebooks, recorded).map((r) => r.collection)).toEqual(['notebooks', 'notebook_entries']);
  });

  it('a coop-year’s documents: its notebook header and its year facts, each written by one projection (the board, trial balance, totals and year-end documents are gone)', () => {
    const log = new DepartmentLog();
    log.register('c', '14', 'École');
    log.run('c', 2024, { type: 'DeclareOpeningBalance', bank: 1000, cash: 50 });
    log.run('c', 2024, { type: 'RecordEntry', entryId: 'e1', entry: entry('01', '2024-09-10', 'Vente', [debit('512', 100), credit('7070', 100)]) });
    const touched = new Map<string, string[]>();
    for (const event of log.events.slice(1)) {
      for (const projection of ALL_PROJECTIONS) {
        for (const ref of ownDocuments(projection, event)) {
          if (ref.id !== 'c:2024') continue;
          touched.set(ref.collection, [...(touched.get(ref.collection) ?? []), projection.name]);
        }
      }
    }
    expect([...touched.keys()].sort()).toEqual(['notebooks', 'year_facts']);
    for (const [, writers] of touched) expect(new Set(writers).size).toBe(1);
  });
});
