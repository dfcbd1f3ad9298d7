import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RecordedEvent } from '../../src/events/envelope';
import { coopHistory, verifyHistory } from '../../src/events/history';
import { SqliteEventStore } from '../../src/events/sqlite-event-store';
import { historyItem } from '../../src/reads/history';
import { credit, debit, DepartmentLog, entry } from '../projections/department/support';

function department(): DepartmentLog {
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

  const history = async (coopId: string): Promise<RecordedEvent[]> => {
    const events: RecordedEvent[] = [];
    for await (const event of coopHistory(store, coopId)) events.push(event);
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

  it('verifies an intact history', async () => {
    expect(await verifyHistory(store, 'ecoleA')).toMatchObject({ ok: true, events: 5, streams: 2 });
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

    const check = await verifyHistory(store, 'ecoleA');
    expect(check).toMatchObject({
      ok: false,
      firstBadEvent: { stream: 'ledger-ecoleA-2024', revision: 1, type: 'EntryAmended', position: String(row.position) },
    });
    expect(check.firstBadEvent!.reason).toContain('hash');
    // The other coop's proof does not depend on it.
    expect(await verifyHistory(store, 'ecoleB')).toMatchObject({ ok: true });
  });

  it('detects a removed event', async () => {
    const db = new Database(file);
    db.prepare("DELETE FROM events WHERE stream = 'ledger-ecoleA-2024' AND revision = 2").run();
    db.close();
    expect(await verifyHistory(store, 'ecoleA')).toMatchObject({ ok: false, firstBadEvent: { stream: 'ledger-ecoleA-2024', revision: 3 } });
  });
});
