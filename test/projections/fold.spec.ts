import { type RecordedEvent } from '../../src/events/envelope';
import { foldInMemory, ProjectionFailed } from '../../src/projections/fold';
import { Projector } from '../../src/projections/projector';
import { documents, newEvent, RecordingLogger, streamCounts, TestStores, typeCounts } from './support/counting-projections';

describe('foldInMemory', () => {
  let stores: TestStores;

  beforeEach(() => {
    stores = new TestStores();
  });

  afterEach(async () => {
    await stores.dispose();
  });

  const allEvents = async (): Promise<RecordedEvent[]> => {
    const events: RecordedEvent[] = [];
    for await (const event of stores.events.readAll()) events.push(event);
    return events;
  };

  const asObject = (collection: Map<string, Record<string, unknown>> | undefined): Record<string, unknown> =>
    Object.fromEntries([...(collection ?? new Map()).entries()]);

  it('yields the documents the projector stores', async () => {
    const projections = [streamCounts(), typeCounts({ tolerant: true })];
    for (let i = 0; i < 9; i++) {
      await stores.append(`ledger-c${i % 3}-2024`, newEvent(i === 4 ? 'Forgotten' : 'EntryRecorded'), newEvent('EntryReconciled'));
    }
    await stores.append('coop-c1', newEvent('CoopRegistered'));
    const head = await stores.append('chart-13-2024', newEvent('AccountAdded'));
    const projector = new Projector(stores.events, stores.read, projections, { batchSize: 5, logger: new RecordingLogger() });
    await projector.start();
    await projector.waitFor(head);
    await projector.stop();

    const folded = foldInMemory(projections, await allEvents());
    expect([...folded.keys()].sort()).toEqual(['stream_counts', 'totals', 'type_counts']);
    expect(asObject(folded.get('stream_counts'))).toEqual(await documents(stores.read, 'stream_counts', 'stream'));
    expect(asObject(folded.get('type_counts'))).toEqual(await documents(stores.read, 'type_counts', 'type'));
    expect(asObject(folded.get('totals'))).toEqual(await documents(stores.read, 'totals', 'id'));
  });

  it('folds only the events it is given (time travel up to a date)', async () => {
    await stores.append('ledger-c1-2024', newEvent('EntryRecorded'), newEvent('EntryRecorded'));
    const late = newEvent('EntryReconciled');
    late.metadata.at = '2025-01-15T08:00:00.000Z';
    await stores.append('ledger-c1-2024', late);
    const asOf = '2024-12-31T23:59:59.999Z';
    const events = (await allEvents()).filter((event) => event.metadata.at <= asOf);
    const folded = foldInMemory([streamCounts()], events);
    expect(asObject(folded.get('stream_counts'))).toEqual({
      'ledger-c1-2024': { stream: 'ledger-c1-2024', category: 'ledger', count: 2, lastType: 'EntryRecorded' },
    });
  });

  it('applies the upcaster before the reducers', async () => {
    await stores.append('ledger-c1-2024', newEvent('EntryRecordedV0'));
    const folded = foldInMemory([streamCounts()], await allEvents(), { upcast: (event) => ({ ...event, type: event.type.replace(/V0$/, '') }) });
    expect(folded.get('stream_counts')?.get('ledger-c1-2024')?.lastType).toBe('EntryRecorded');
  });

  it('throws ProjectionFailed naming the event a reducer cannot fold', async () => {
    await stores.append('ledger-c1-2024', newEvent('EntryRecorded'), newEvent('EntryAmended', { poison: true }));
    const events = await allEvents();
    let failure: unknown;
    try {
      foldInMemory([typeCounts()], events);
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(ProjectionFailed);
    expect((failure as ProjectionFailed).failedAt).toEqual({
      position: String(events[1].position),
      stream: 'ledger-c1-2024',
      revision: 1,
      type: 'EntryAmended',
    });
    expect((failure as ProjectionFailed).message).toMatch(/type-counts failed at EntryAmended .*cannot fold EntryAmended/);
  });
});
