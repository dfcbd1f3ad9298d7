import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RecordedEvent } from '../../src/events/envelope';
import { type EventStore } from '../../src/events/event-store';
import { coopHistory, coopStreams, verifyHistory } from '../../src/events/history';
import { SqliteEventStore } from '../../src/events/sqlite-event-store';
import { historyItem } from '../../src/reads/history';
import { credit, debit, DepartmentLog, entry } from '../projections/department/support';

/** Two coops of department 14 (and what `more` adds to the same log). */
function department(more: (log: DepartmentLog) => void = () => undefined): DepartmentLog {
  const log = new DepartmentLog();
  log.register('ecoleA', '14', 'École A');
  log.register('ecoleB', '14', 'École B');
  log.run('ecoleA', 2024, { type: 'RecordEntry', entryId: 'a1', entry: entry('01', '2024-09-10', 'Cotisation', [debit('6586', 21200), credit('512', 21200)]) });
  log.run('ecoleB', 2024, { type: 'RecordEntry', entryId: 'b1', entry: entry('01', '2024-09-10', 'Dons', [debit('512', 5000), credit('7580', 5000)]) });
  log.run('ecoleA', 2024, {
    type: 'AmendEntry',
    entryId: 'a1',
    entry: entry('01', '2024-09-12', 'Cotisation OCCE', [debit('6586', 21300), credit('512', 21300)]),
  });
  log.run('ecoleA', 2024, { type: 'RecordEntry', entryId: 'a2', entry: entry('02', '2024-09-15', 'Erreur', [debit('6181', 100), credit('512', 100)]) });
  log.run('ecoleA', 2024, { type: 'DeleteEntry', entryId: 'a2' });
  more(log);
  return log;
}

describe('auditor history and proof', () => {
  let dir: string;
  let file: string;
  let store: SqliteEventStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cahier-history-'));
    file = join(dir, 'events.db');
    store = new SqliteEventStore(file);
    await department().copyInto(store);
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The store again, holding the department and what `more` adds. */
  const storeWith = async (more: (log: DepartmentLog) => void): Promise<void> => {
    await store.close();
    file = join(dir, 'more.db');
    store = new SqliteEventStore(file);
    await department(more).copyInto(store);
  };

  const history = async (coopId: string): Promise<RecordedEvent[]> => {
    const events: RecordedEvent[] = [];
    for await (const event of coopHistory(store, { coopId, currentYear: 2024 })) events.push(event);
    return events;
  };

  it('lists every event of the coop in order, with what an amendment changed and what a deletion removed', async () => {
    const items = (await history('ecoleA')).map(historyItem);
    expect(items.map((i) => [i.stream, i.revision, i.type])).toEqual([
      ['coop-ecoleA', 0, 'CoopRegistered'],
      ['ledger-ecoleA-2024', 0, 'EntryRecorded'],
      ['ledger-ecoleA-2024', 1, 'EntryAmended'],
      ['ledger-ecoleA-2024', 2, 'EntryRecorded'],
      ['ledger-ecoleA-2024', 3, 'EntryDeleted'],
    ]);
    expect(items[2].changes).toEqual([
      { field: 'date', before: '2024-09-10', after: '2024-09-12' },
      { field: 'label', before: 'Cotisation', after: 'Cotisation OCCE' },
      { field: 'lines', before: [debit('6586', 21200), credit('512', 21200)], after: [debit('6586', 21300), credit('512', 21300)] },
    ]);
    expect(items[4]).toMatchObject({ year: 2024, data: { entryId: 'a2', previous: { label: 'Erreur' } } });
    expect(items[0]).toMatchObject({ year: null, metadata: { actor: 'mandataire1', role: 'mandataire', prevHash: '' } });
    expect(items[1].metadata.prevHash).toBe(''); // the first event of its own stream
    expect(items[2].metadata.prevHash).toBe(items[1].metadata.hash);
    expect(typeof items[1].position).toBe('string');
  });

  it("reads the coop's own streams by name: not one event of the other coops leaves the store", async () => {
    await storeWith((log) => {
      for (let i = 0; i < 20; i++) {
        log.register(`autre${i}`, '14', `Autre ${i}`);
        for (let k = 0; k < 10; k++)
          log.run(`autre${i}`, 2024, {
            type: 'RecordEntry',
            entryId: `x${k}`,
            entry: entry(String(k + 1), '2024-10-01', 'Dons', [debit('512', 100), credit('7580', 100)]),
          });
      }
    });
    const counting = countingStore(store);

    const events: RecordedEvent[] = [];
    for await (const event of coopHistory(counting.store, { coopId: 'ecoleA', currentYear: 2024 })) events.push(event);

    expect(events.map((e) => e.stream)).toEqual(['coop-ecoleA', ...Array(4).fill('ledger-ecoleA-2024')]);
    expect(counting.delivered()).toBe(events.length);
    expect(await verifyHistory(counting.store, { coopId: 'ecoleA', currentYear: 2024 })).toMatchObject({ ok: true, events: 5 });
    expect(counting.delivered()).toBe(2 * events.length);
  });

  it('names every year from the first to the one after the current, later ones while they have events, the memberships and the charts of those years', async () => {
    await storeWith((log) => {
      log.register('ecoleC', '27', 'École C', 2021);
      // 2022 and 2023 untouched: a dormant coop still has its 2024 read.
      log.run('ecoleC', 2024, { type: 'RecordEntry', entryId: 'c1', entry: entry('01', '2024-09-10', 'Dons', [debit('512', 100), credit('7580', 100)]) });
      log.run('ecoleC', 2025, { type: 'RecordEntry', entryId: 'c2', entry: entry('01', '2025-09-10', 'Dons', [debit('512', 100), credit('7580', 100)]) });
    });

    // The calendar in 2022: 2023 is read (the year after the current one), 2024 and 2025 because they have events.
    const streams = await coopStreams(store, { coopId: 'ecoleC', currentYear: 2022 });

    expect(streams.identity.map((e) => e.type)).toEqual(['CoopRegistered']);
    expect(streams.ledgers).toEqual([2021, 2022, 2023, 2024, 2025].map((y) => `ledger-ecoleC-${y}`));
    expect(streams.memberships).toEqual([2021, 2022, 2023, 2024, 2025].map((y) => `membership-ecoleC-${y}`));
    expect(streams.charts).toEqual([2021, 2022, 2023, 2024, 2025].map((y) => `chart-27-${y}`));
    expect(await coopStreams(store, { coopId: 'inconnue', currentYear: 2024 })).toEqual({ identity: [], ledgers: [], memberships: [], charts: [] });
  });

  it('verifies an intact history', async () => {
    expect(await verifyHistory(store, { coopId: 'ecoleA', currentYear: 2024 })).toMatchObject({ ok: true, events: 5, streams: 2 });
  });

  it('detects an event edited in the store file, and names it', async () => {
    const db = new Database(file);
    const row = db.prepare("SELECT position, data FROM events WHERE stream = 'ledger-ecoleA-2024' AND revision = 1").get() as {
      position: number;
      data: string;
    };
    const data = JSON.parse(row.data);
    data.lines[0].debit = 1;
    db.prepare('UPDATE events SET data = ? WHERE position = ?').run(JSON.stringify(data), row.position);
    db.close();

    const check = await verifyHistory(store, { coopId: 'ecoleA', currentYear: 2024 });
    expect(check).toMatchObject({
      ok: false,
      firstBadEvent: { stream: 'ledger-ecoleA-2024', revision: 1, type: 'EntryAmended', position: String(row.position) },
    });
    expect(check.firstBadEvent!.reason).toContain('hash');
    // The other coop's proof does not depend on it.
    expect(await verifyHistory(store, { coopId: 'ecoleB', currentYear: 2024 })).toMatchObject({ ok: true });
  });

  it('detects a removed event', async () => {
    const db = new Database(file);
    db.prepare("DELETE FROM events WHERE stream = 'ledger-ecoleA-2024' AND revision = 2").run();
    db.close();
    expect(await verifyHistory(store, { coopId: 'ecoleA', currentYear: 2024 })).toMatchObject({
      ok: false,
      firstBadEvent: { stream: 'ledger-ecoleA-2024', revision: 3 },
    });
  });
});

/** The store, counting every event its reads hand out. */
function countingStore(inner: EventStore): { store: EventStore; delivered: () => number } {
  let delivered = 0;
  const store: EventStore = {
    engine: inner.engine,
    append: (stream, events, expected) => inner.append(stream, events, expected),
    readStream: async (stream, options) => {
      const events = await inner.readStream(stream, options);
      delivered += events.length;
      return events;
    },
    readStreams: async (streams) => {
      const events = await inner.readStreams(streams);
      delivered += events.length;
      return events;
    },
    readAll: async function* (options) {
      for await (const event of inner.readAll(options)) {
        delivered += 1;
        yield event;
      }
    },
    subscribeAll: (from, onEvents, options) => inner.subscribeAll(from, onEvents, options),
    headPosition: () => inner.headPosition(),
    ping: () => inner.ping(),
    close: () => inner.close(),
  };
  return { store, delivered: () => delivered };
}
