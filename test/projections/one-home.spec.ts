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

  /**
   * Which document keeps each fact of a coop-year. The notebook's view (src/reads/notebook-read.ts)
   * reads the year's facts from year_facts; the notebook's documents keep only what no other does.
   */
  const HOMES: ReadonlyArray<readonly [fact: string, collection: string, field: string]> = [
    ['status', 'year_facts', 'status'],
    ['declared opening (figures)', 'year_facts', 'tally'],
    ['declared opening (date, when)', 'year_facts', 'openingDeclared'],
    ['closing, and the next year’s previous closing', 'year_facts', 'closing'],
    ['each closing’s date and result', 'year_facts', 'closings'],
    ['statements (date, closing balance, file)', 'year_facts', 'statements'],
    ['subsidies table', 'year_facts', 'subsidies'],
    ['unlock reason', 'year_facts', 'unlockReason'],
    ['entries', 'notebook_entries', 'entryId'],
    ['statement lines', 'notebook_statements', 'lines'],
    ['cash counts', 'notebooks', 'cashCounts'],
    ['inventory register', 'notebooks', 'inventory'],
    ['activities’ free text', 'notebooks', 'activities'],
    ['validations', 'notebooks', 'validations'],
    ['carried-over items seen', 'notebooks', 'carriedOverSeen'],
  ];
  /** The notebook's view puts these together at read time: no document of the notebook keeps them. */
  const READ_TIME = [
    'status',
    'opening',
    'declaredOpening',
    'previousClosing',
    'closing',
    'statements',
    'subsidies',
    'unlockedReason',
    'openAdvances',
    'carriedOver',
  ];

  it('each fact of a coop-year has one home document, and the notebook’s documents keep none of the year’s facts', () => {
    const log = new DepartmentLog();
    log.register('c', '14', 'École');
    log.run('c', 2024, { type: 'DeclareOpeningBalance', bank: 1000, cash: 50 });
    log.run('c', 2024, { type: 'RecordEntry', entryId: 'e1', entry: entry('01', '2024-09-10', 'Vente', [debit('512', 100), credit('7070', 100)]) });
    log.run('c', 2024, { type: 'DeclareStatement', statementId: 's1', date: '2024-09-30', closingBalance: 1100 });
    log.run('c', 2024, {
      type: 'DeclareSubsidies',
      rows: [{ origin: 'Mairie', amount: 300, date: '2024-09-09', designation: 'Projets', attachedToExpenses: 0 }],
    });
    log.run('c', 2024, { type: 'CountCash', countId: 'k1', date: '2024-09-30', counts: { '1000': 5 } });
    const docs = foldInMemory(ALL_PROJECTIONS, log.events);
    const ofYear = (collection: string) => [...(docs.get(collection)?.values() ?? [])].filter((d) => String(d.id).startsWith('c:2024'));
    for (const [fact, collection, field] of HOMES) {
      expect([fact, ofYear(collection).some((d) => Object.hasOwn(d, field))]).toEqual([fact, true]);
    }
    for (const collection of ['notebooks', 'notebook_entries', 'notebook_statements']) {
      for (const doc of ofYear(collection)) expect([collection, Object.keys(doc).filter((k) => READ_TIME.includes(k))]).toEqual([collection, []]);
    }
    const [header] = ofYear('notebooks');
    const own = HOMES.filter(([, collection]) => collection === 'notebooks').map(([, , field]) => field);
    const bookkeeping = ['id', 'coopId', 'year', 'lastEventAt', 'appliedRevisions', 'lastPosition', 'headHash'];
    expect(Object.keys(header).sort()).toEqual([...own, ...bookkeeping].sort());
  });
});
