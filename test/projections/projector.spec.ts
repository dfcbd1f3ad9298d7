import { StoreUnavailable } from '../../src/events/event-store';
import { type Projection } from '../../src/projections/projection';
import { Projector, ProjectionsBehind } from '../../src/projections/projector';
import { type ReadStore } from '../../src/projections/read-store';
import { documents, newEvent, RecordingLogger, type StreamCount, streamCounts, TestStores, typeCounts } from './support/counting-projections';

describe('Projector over the embedded stores', () => {
  let stores: TestStores;
  let logger: RecordingLogger;
  const projectors: Projector[] = [];

  const projector = (projections: Projection[], readStore: ReadStore = stores.read, batchSize = 7): Projector => {
    const created = new Projector(stores.events, readStore, projections, { batchSize, logger });
    projectors.push(created);
    return created;
  };

  beforeEach(() => {
    stores = new TestStores();
    logger = new RecordingLogger();
  });

  afterEach(async () => {
    for (const created of projectors.splice(0)) await created.stop();
    await stores.dispose();
  });

  it('catches up from zero, in batches, and stores the checkpoint with the documents', async () => {
    for (let i = 0; i < 10; i++) await stores.append(`ledger-c${i % 3}-2024`, newEvent('EntryRecorded'), newEvent('EntryReconciled'));
    const head = await stores.append('coop-c1', newEvent('CoopRegistered'));
    const running = projector([streamCounts(), typeCounts()]);
    await running.start();
    await running.waitFor(head);

    const counts = await documents(stores.read, 'stream_counts', 'stream');
    expect(Object.values(counts).map((d) => [d.stream, d.count])).toEqual([
      ['ledger-c0-2024', 8],
      ['ledger-c1-2024', 6],
      ['ledger-c2-2024', 6],
    ]);
    expect(await documents(stores.read, 'type_counts', 'type')).toEqual({
      CoopRegistered: { type: 'CoopRegistered', count: 1 },
      EntryReconciled: { type: 'EntryReconciled', count: 10 },
      EntryRecorded: { type: 'EntryRecorded', count: 10 },
    });
    expect(await stores.read.getCheckpoint('stream-counts')).toBe(head);
    expect(await stores.read.getCheckpoint('type-counts')).toBe(head);
    expect(await running.status()).toEqual([
      { name: 'stream-counts', status: 'running', position: String(head), lag: 0 },
      { name: 'type-counts', status: 'running', position: String(head), lag: 0 },
    ]);
  });

  it("writes every projection's batch and checkpoint of a delivery in one transaction", async () => {
    const transactions: string[][] = [];
    const recording: ReadStore = Object.create(stores.read, {
      applyBatches: {
        value: (...args: Parameters<ReadStore['applyBatches']>) => {
          transactions.push(args[0].map((batch) => batch.projection));
          return stores.read.applyBatches(...args);
        },
      },
    });
    for (let i = 0; i < 6; i++) await stores.append(`ledger-c${i % 2}-2024`, newEvent('EntryRecorded'));
    const running = projector([streamCounts(), typeCounts()], recording, 4);
    await running.start();
    await running.waitFor(6n);
    // Six events in batches of four: two transactions, each with both projections.
    expect(transactions).toEqual([
      ['stream-counts', 'type-counts'],
      ['stream-counts', 'type-counts'],
    ]);
  });

  it('applies live events: after waitFor the next read sees the write', async () => {
    const running = projector([streamCounts(), typeCounts()]);
    await running.start();
    for (let i = 1; i <= 5; i++) {
      const position = await stores.append('ledger-c1-2024', newEvent('EntryRecorded'));
      await running.waitFor(position);
      expect((await stores.read.get<StreamCount>('stream_counts', 'ledger-c1-2024'))?.count).toBe(i);
      expect(await stores.read.get('totals', 'all')).toEqual({ id: 'all', count: i });
    }
    const forgotten = await stores.append('ledger-c1-2024', newEvent('Forgotten'));
    await running.waitFor(forgotten);
    expect(await stores.read.get('stream_counts', 'ledger-c1-2024')).toBeNull();
  });

  it('waitFor resolves for an event no projection follows, and rejects after its deadline', async () => {
    const running = projector([streamCounts(), typeCounts()]);
    await running.start();
    const chart = await stores.append('chart-13-2024', newEvent('AccountAdded'));
    await expect(running.waitFor(chart)).resolves.toBeUndefined();
    expect((await running.status()).map((s) => s.position)).toEqual([String(chart), String(chart)]);
    await expect(running.waitFor(chart + 1000n, 100)).rejects.toThrow(ProjectionsBehind);
  });

  it('stops a failing projection at the event, never past it, while the others continue', async () => {
    const running = projector([streamCounts(), typeCounts()]);
    await running.start();
    const first = await stores.append('ledger-c1-2024', newEvent('EntryRecorded'));
    await running.waitFor(first);
    // The event before the poison is written, the poison and what follows are not.
    const last = await stores.append('ledger-c1-2024', newEvent('EntryReconciled'), newEvent('EntryAmended', { poison: true }), newEvent('EntryDeleted'));
    await running.waitFor(last);
    const later = await stores.append('ledger-c2-2024', newEvent('EntryRecorded'));
    await running.waitFor(later);

    const poison = last - 1n;
    const status = await running.status();
    expect(status[0]).toEqual({ name: 'stream-counts', status: 'running', position: String(later), lag: 0 });
    expect(status[1]).toEqual({
      name: 'type-counts',
      status: 'failed',
      position: String(poison - 1n),
      lag: Number(later - (poison - 1n)),
      failedAt: { position: String(poison), stream: 'ledger-c1-2024', revision: 2, type: 'EntryAmended' },
      error: 'cannot fold EntryAmended',
    });
    expect(await stores.read.getCheckpoint('type-counts')).toBe(poison - 1n);
    expect(await stores.read.get('totals', 'all')).toEqual({ id: 'all', count: 2 });
    expect((await stores.read.get<StreamCount>('stream_counts', 'ledger-c2-2024'))?.count).toBe(1);
    expect(logger.errors).toEqual([expect.stringMatching(/^PROJECTION type-counts STOPPED at EntryAmended \(ledger-c1-2024#2/)]);
  });

  it('resumes after a restart from its checkpoint, applying no event twice', async () => {
    const first = projector([streamCounts()]);
    await first.start();
    let head = 0n;
    for (let i = 0; i < 6; i++) head = await stores.append('ledger-c1-2024', newEvent('EntryRecorded'));
    await first.waitFor(head);
    await first.stop();
    for (let i = 0; i < 4; i++) head = await stores.append('ledger-c1-2024', newEvent('EntryRecorded'));

    const evolve = jest.fn(streamCounts().evolve);
    const second = projector([streamCounts({ evolve })]);
    await second.start();
    await second.waitFor(head);
    expect(evolve).toHaveBeenCalledTimes(4);
    expect((await stores.read.get<StreamCount>('stream_counts', 'ledger-c1-2024'))?.count).toBe(10);
  });

  it('retries a failed projection from its checkpoint at restart: the poison event is never skipped', async () => {
    const failing = projector([typeCounts()]);
    await failing.start();
    await stores.append('ledger-c1-2024', newEvent('EntryRecorded'));
    const poison = await stores.append('ledger-c1-2024', newEvent('EntryAmended', { poison: true }));
    const head = await stores.append('ledger-c1-2024', newEvent('EntryDeleted'));
    await failing.waitFor(head);
    expect((await failing.status())[0].failedAt?.position).toBe(String(poison));
    await failing.stop();

    const stillFailing = projector([typeCounts()]);
    await stillFailing.start();
    await stillFailing.waitFor(head);
    expect((await stillFailing.status())[0]).toMatchObject({ status: 'failed', position: String(poison - 1n) });
    await stillFailing.stop();

    const fixed = projector([typeCounts({ tolerant: true })]);
    await fixed.start();
    await fixed.waitFor(head);
    expect((await fixed.status())[0]).toEqual({ name: 'type-counts', status: 'running', position: String(head), lag: 0 });
    expect(await stores.read.get('totals', 'all')).toEqual({ id: 'all', count: 3 });
  });

  it('a rebuild from zero yields the documents of the live projector, then follows the log again', async () => {
    const running = projector([streamCounts(), typeCounts({ tolerant: true })], stores.read, 4);
    await running.start();
    let head = 0n;
    for (let i = 0; i < 12; i++) {
      head = await stores.append(`ledger-c${i % 4}-2024`, newEvent(i % 5 === 4 ? 'Forgotten' : 'EntryRecorded'), newEvent('EntryReconciled'));
      if (i % 3 === 0) head = await stores.append(`coop-c${i}`, newEvent('CoopRegistered'));
    }
    await running.waitFor(head);
    const live = {
      streams: await documents(stores.read, 'stream_counts', 'stream'),
      types: await documents(stores.read, 'type_counts', 'type'),
      totals: await documents(stores.read, 'totals', 'id'),
    };

    const progress: Array<[number, number]> = [];
    await running.rebuild((done, total) => progress.push([done, total]));
    expect({
      streams: await documents(stores.read, 'stream_counts', 'stream'),
      types: await documents(stores.read, 'type_counts', 'type'),
      totals: await documents(stores.read, 'totals', 'id'),
    }).toEqual(live);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress[progress.length - 1]).toEqual([Number(head), Number(head)]);
    expect(await stores.read.getCheckpoint('stream-counts')).toBe(head);

    const after = await stores.append('ledger-c0-2024', newEvent('EntryRecorded'));
    await running.waitFor(after);
    expect((await stores.read.get<StreamCount>('stream_counts', 'ledger-c0-2024'))?.lastType).toBe('EntryRecorded');
  });

  it("a rebuild's chunks never exceed the read store's transaction bound (MongoDB's 60 s limit)", async () => {
    let head = 0n;
    for (let i = 0; i < 12; i++) head = await stores.append(`ledger-c${i % 3}-2024`, newEvent('EntryRecorded'), newEvent('EntryReconciled'));
    const bounded = Object.assign(Object.create(stores.read) as ReadStore, { maxEventsPerTransaction: 5 });
    const running = new Projector(stores.events, bounded, [streamCounts()], { logger });
    projectors.push(running);
    await running.start();
    await running.waitFor(head);

    const progress: number[] = [];
    await running.rebuild((done) => progress.push(done));
    const chunks = progress.map((done, i) => done - (i === 0 ? 0 : progress[i - 1]));
    expect(progress[progress.length - 1]).toBe(Number(head));
    expect(chunks.length).toBe(Math.ceil(24 / 5));
    for (const size of chunks) expect(size).toBeLessThanOrEqual(5);
  });

  it('a rebuild folds the next chunk while the server writes the last one; a document it reads from the store is read once that write is done', async () => {
    let head = 0n;
    for (let i = 0; i < 12; i++) head = await stores.append(`ledger-c${i % 3}-2024`, newEvent('EntryRecorded'), newEvent('EntryReconciled'));
    // Slow writes, and a cache of one document: the next chunk's fold reads the others from the store.
    const slow: ReadStore = Object.create(stores.read, {
      applyBatches: {
        value: async (...args: Parameters<ReadStore['applyBatches']>) => {
          await new Promise((resolve) => setTimeout(resolve, 30));
          return stores.read.applyBatches(...args);
        },
      },
    });
    const running = new Projector(stores.events, slow, [streamCounts()], { logger, rebuildBatchSize: 5, documentCacheSize: 1 });
    projectors.push(running);
    await running.start();
    await running.waitFor(head);

    await running.rebuild();
    const counts = await documents(stores.read, 'stream_counts', 'stream');
    expect(Object.fromEntries(Object.entries(counts).map(([stream, doc]) => [stream, doc.count]))).toEqual({
      'ledger-c0-2024': 8,
      'ledger-c1-2024': 8,
      'ledger-c2-2024': 8,
    });
    expect(await stores.read.getCheckpoint('stream-counts')).toBe(head);
  });

  it('a rebuild whose write fails stops there; the projector follows on from the stored checkpoints, every event once', async () => {
    let head = 0n;
    for (let i = 0; i < 12; i++) head = await stores.append(`ledger-c${i % 3}-2024`, newEvent('EntryRecorded'), newEvent('EntryReconciled'));
    let writes = 0;
    const failing: ReadStore = Object.create(stores.read, {
      applyBatches: {
        value: (...args: Parameters<ReadStore['applyBatches']>) => {
          // The rebuild's last chunk (24 events in chunks of 5) is refused once.
          if (++writes === 5) return Promise.reject(new StoreUnavailable('test', new Error('disque plein')));
          return stores.read.applyBatches(...args);
        },
      },
    });
    const running = new Projector(stores.events, failing, [streamCounts()], { logger, rebuildBatchSize: 5 });
    projectors.push(running);
    await running.start();
    await running.waitFor(head);
    writes = 0;

    await expect(running.rebuild()).rejects.toThrow(/disque plein/);
    await running.waitFor(head, 5000);
    const counts = await documents(stores.read, 'stream_counts', 'stream');
    expect(Object.values(counts).map((doc) => doc.count)).toEqual([8, 8, 8]);
  });

  it('rebuilds at start a projection whose version changed', async () => {
    const v1 = projector([streamCounts()]);
    await v1.start();
    const head = await stores.append('ledger-c1-2024', newEvent('EntryRecorded'), newEvent('EntryRecorded'));
    await v1.waitFor(head);
    await v1.stop();

    const doubled = streamCounts({
      version: 2,
      evolve: (doc, event) => ({ stream: event.stream, category: 'ledger', count: ((doc as StreamCount | null)?.count ?? 0) + 2, lastType: event.type }),
    });
    const v2 = projector([doubled]);
    await v2.start();
    await v2.waitFor(head);
    expect((await stores.read.get<StreamCount>('stream_counts', 'ledger-c1-2024'))?.count).toBe(4);
    expect(logger.logs).toContain('Projection stream-counts: version 1 -> 2, rebuilding from zero');
  });

  it('when the read store refuses a write, resubscribes from its checkpoint and applies every event once', async () => {
    let refusals = 1;
    const flaky: ReadStore = Object.create(stores.read, {
      applyBatches: {
        value: (...args: Parameters<ReadStore['applyBatches']>) => {
          if (refusals-- > 0) return Promise.reject(new StoreUnavailable('test', new Error('disque plein')));
          return stores.read.applyBatches(...args);
        },
      },
    });
    const running = projector([streamCounts()], flaky);
    await running.start();
    const head = await stores.append('ledger-c1-2024', newEvent('EntryRecorded'), newEvent('EntryRecorded'));
    await running.waitFor(head, 5000);
    expect((await stores.read.get<StreamCount>('stream_counts', 'ledger-c1-2024'))?.count).toBe(2);
    expect(logger.errors).toEqual([expect.stringMatching(/disque plein; resubscribing from their checkpoints/)]);
    expect((await running.status())[0]).toEqual({ name: 'stream-counts', status: 'running', position: String(head), lag: 0 });
  });

  it('stop rejects pending waits and reports the projections stopped', async () => {
    const running = projector([streamCounts()]);
    await running.start();
    const pending = running.waitFor(1000n);
    await running.stop();
    await expect(pending).rejects.toThrow('Projector stopped');
    expect((await running.status())[0].status).toBe('stopped');
  });
});
