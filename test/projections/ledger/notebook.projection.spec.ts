import fc from 'fast-check';
import { type RecordedEvent } from '../../../src/events/envelope';
import { type Doc } from '../../../src/projections/read-store';
import { notebookProjection } from '../../../src/projections/ledger/notebook.projection';
import { yearFactsProjection } from '../../../src/projections/year-facts.projection';
import { foldNotebooks, readNotebook, type NotebookDoc } from '../../../src/reads/notebook-read';
import { content, credit, debit, guideYear, TestLog } from './support';

describe('notebook projection', () => {
  it('keeps one header per coop and fiscal year, keyed coopId:year, and one row per entry, from ledger streams only', () => {
    const log = new TestLog();
    const recorded = log.append(2024, {
      type: 'EntryRecorded',
      data: { entryId: 'e1', ...content('01', '2024-09-10', 'Vente', [debit('512', 10), credit('7070', 10)]) },
    });
    expect(notebookProjection.keysOf(recorded)).toEqual([
      { collection: 'notebooks', id: 'ecole1:2024' },
      { collection: 'notebook_entries', id: 'ecole1:2024:e1' },
    ]);
    expect(notebookProjection.keysOf({ ...recorded, stream: 'coop-ecole1' })).toEqual([]);
    expect(notebookProjection.collections).toEqual({
      notebooks: { indexes: ['coopId', 'year'] },
      notebook_entries: { indexes: ['notebook'] },
      notebook_statements: { indexes: ['notebook'] },
    });
    const doc = log.notebook(2024);
    expect(doc).toMatchObject({ id: 'ecole1:2024', coopId: 'ecole1', year: 2024, status: 'open' });
  });

  it('records an entry as revision 1 with who and when, unreconciled', () => {
    const log = new TestLog();
    const recorded = log.append(
      2024,
      { type: 'EntryRecorded', data: { entryId: 'e1', ...content('01', '2024-09-10', 'Vente', [debit('512', 10), credit('7070', 10)]) } },
      { actor: 'jean', at: '2024-09-10T09:30:00.000Z' },
    );
    expect(log.notebook(2024).entries).toEqual([
      {
        entryId: 'e1',
        pj: '01',
        date: '2024-09-10',
        label: 'Vente',
        chequeNo: null,
        actionA: null,
        actionB: null,
        lines: [debit('512', 10), credit('7070', 10)],
        revision: 1,
        seq: recorded.revision,
        reconciled: false,
        statementDate: null,
        clearedOn: null,
        statementId: null,
        lineId: null,
        attachments: [],
        duplicatedFrom: null,
        recordedAt: recorded.metadata.at,
        recordedBy: 'jean',
        changedAt: recorded.metadata.at,
        changedBy: 'jean',
        reverses: null,
        replaces: null,
        validatedOn: null,
        reversedBy: null,
        replacedBy: null,
      },
    ]);
    expect(log.notebook(2024).lastEventAt).toBe('2024-09-10T09:30:00.000Z');
  });

  it('an amendment replaces the content, bumps the revision and keeps the record order', () => {
    const log = new TestLog();
    guideYear(log);
    const before = log.notebook(2024).entries.find((e) => e.entryId === 'e-cotisation')!;
    const previous = content('01', '2024-09-10', 'OCCE 14 – Cotisation et assurance', before.lines, { chequeNo: '1568001' });
    log.append(
      2024,
      {
        type: 'EntryAmended',
        data: {
          entryId: 'e-cotisation',
          ...content('01', '2024-09-10', 'OCCE 14 – Cotisation et assurance', [debit('6586', 200), debit('6168', 33), credit('512', 233)], {
            chequeNo: '1568001',
          }),
          previous,
        },
      },
      { actor: 'marie' },
    );
    const after = log.notebook(2024).entries.find((e) => e.entryId === 'e-cotisation')!;
    expect(after.revision).toBe(2);
    expect(after.lines).toEqual([debit('6586', 200), debit('6168', 33), credit('512', 233)]);
    expect(after.seq).toBe(before.seq);
    expect(after.recordedBy).toBe('mandataire1');
    expect(after.changedBy).toBe('marie');
  });

  it('a deleted entry leaves the notebook', () => {
    const log = new TestLog();
    guideYear(log);
    const previous = log.notebook(2024).entries.find((e) => e.entryId === 'e-mairie')!;
    log.append(2024, { type: 'EntryDeleted', data: { entryId: 'e-mairie', previous } });
    expect(log.notebook(2024).entries.map((e) => e.entryId)).not.toContain('e-mairie');
  });

  it('reconciling marks the entry with its statement date; un-reconciling clears both', () => {
    const log = new TestLog();
    guideYear(log);
    log.append(2024, { type: 'EntryReconciled', data: { entryId: 'e-photos-in', statementDate: '2025-04-30' } });
    expect(log.notebook(2024).entries.find((e) => e.entryId === 'e-photos-in')).toMatchObject({ reconciled: true, statementDate: '2025-04-30' });
    log.append(2024, { type: 'EntryUnreconciled', data: { entryId: 'e-photos-in' } });
    expect(log.notebook(2024).entries.find((e) => e.entryId === 'e-photos-in')).toMatchObject({ reconciled: false, statementDate: null });
  });

  it('a duplicate remembers its original; vouchers attach to the entry', () => {
    const log = new TestLog();
    guideYear(log);
    const original = log.notebook(2024).entries.find((e) => e.entryId === 'e-photos-in')!;
    log.append(2024, {
      type: 'EntryRecorded',
      data: { entryId: 'e-copy', ...content('022', original.date, original.label, original.lines), duplicatedFrom: 'e-photos-in' },
    });
    log.append(2024, {
      type: 'VoucherAttached',
      data: { entryId: 'e-copy', attachmentId: 'a1', sha256: 'abc', mediaType: 'application/pdf', size: 1200, fileName: 'facture.pdf' },
    });
    const copy = log.notebook(2024).entries.find((e) => e.entryId === 'e-copy')!;
    expect(copy.duplicatedFrom).toBe('e-photos-in');
    expect(copy.attachments).toEqual([
      { attachmentId: 'a1', sha256: 'abc', mediaType: 'application/pdf', size: 1200, fileName: 'facture.pdf', attachedAt: expect.any(String) },
    ]);
  });

  it('the declared opening serves the first year', () => {
    const log = new TestLog();
    guideYear(log);
    expect(log.notebook(2024).opening).toMatchObject({ bank: 100000, cash: 5000, source: 'declared', date: '2024-09-01' });
  });

  it('keeps every cash count, the subsidies table, inventory items (removed ones flagged) and activity texts', () => {
    const log = new TestLog();
    guideYear(log);
    log.append(2024, { type: 'CashCounted', data: { countId: 'c1', date: '2025-06-30', counts: { '1000': 4 }, total: 4000 } });
    log.append(2024, { type: 'CashCounted', data: { countId: 'c2', date: '2025-07-01', counts: { '1000': 5 }, total: 5000 } });
    log.append(2024, {
      type: 'InventoryItemAdded',
      data: { itemId: 'i1', designation: 'Appareil photo', acquiredOn: '2024-11-02', quantity: 1, value: 24900, pj: '07' },
    });
    log.append(2024, { type: 'InventoryItemRemoved', data: { itemId: 'i1', leftOn: '2025-06-01' } });
    log.append(2024, { type: 'ActivityReported', data: { activity: 'Photos', text: 'Photos de classe vendues aux familles.' } });
    log.append(2024, { type: 'ActivityReported', data: { activity: 'Photos', text: 'Photos de classe et portraits.' } });
    const doc = log.notebook(2024);
    expect(doc.cashCounts.map((c) => c.total)).toEqual([4000, 5000]);
    expect(doc.subsidies).toEqual([
      { origin: 'Mairie', amount: 50000, date: '2024-10-15', designation: 'Projets de la coopérative scolaire', attachedToExpenses: 0 },
    ]);
    expect(doc.inventory).toEqual([
      { itemId: 'i1', designation: 'Appareil photo', acquiredOn: '2024-11-02', quantity: 1, value: 24900, pj: '07', removed: true, leftOn: '2025-06-01' },
    ]);
    expect(doc.activities).toEqual([{ activity: 'Photos', text: 'Photos de classe et portraits.' }]);
  });

  describe('closing a year opens the next one', () => {
    const unreconciled = {
      entryId: 'e-photos-out',
      pj: '021',
      date: '2025-05-10',
      label: 'Photographe Fact. n°199200 - Photos',
      chequeNo: '1568965',
      amount: -32000,
    };

    function closedLog(): TestLog {
      const log = new TestLog();
      guideYear(log);
      // Entries of 2025 are recorded in September, before 2024 is closed.
      log.append(2025, {
        type: 'EntryRecorded',
        data: { entryId: 'n1', ...content('01', '2025-09-05', 'Coopérative – cotisations des familles', [debit('530', 60), credit('7560', 60)]) },
      });
      log.append(2024, {
        type: 'YearClosed',
        data: { closedOn: '2025-09-10', bank: 114200, cash: 5000, result: 14200, openAdvances: [], unreconciled: [unreconciled] },
      });
      return log;
    }

    it("YearClosed touches its own year's notebook only: the next year reads the closing from the year's facts (year_facts)", () => {
      const log = closedLog();
      const closing = log.events[log.events.length - 1];
      expect(notebookProjection.keysOf(closing)).toEqual([{ collection: 'notebooks', id: 'ecole1:2024' }]);
    });

    it('the closed year keeps its figures; the next opens with them and the unreconciled items, keeping its own entries', () => {
      const log = closedLog();
      expect(log.notebook(2024)).toMatchObject({ status: 'closed', closing: { closedOn: '2025-09-10', bank: 114200, cash: 5000, result: 14200 } });
      const next = log.notebook(2025);
      expect(next.opening).toMatchObject({ bank: 114200, cash: 5000, source: 'previous-year', date: '2025-09-10' });
      expect(next.carriedOver).toEqual([{ ...unreconciled, seen: false, statementDate: null }]);
      expect(next.entries.map((e) => e.entryId)).toEqual(['n1']);
      expect(next.status).toBe('open');
    });

    it('a carried-over item seen on a statement stays seen when the year is unlocked and locked again', () => {
      const log = closedLog();
      log.append(2025, { type: 'CarriedOverItemSeen', data: { entryId: 'e-photos-out', statementDate: '2025-09-30' } });
      expect(log.notebook(2025).carriedOver[0]).toMatchObject({ seen: true, statementDate: '2025-09-30' });
      log.append(2024, { type: 'YearUnlocked', data: { reason: 'Facture oubliée' } });
      expect(log.notebook(2024)).toMatchObject({ status: 'unlocked', unlockedReason: 'Facture oubliée' });
      log.append(2024, {
        type: 'YearLocked',
        data: { bank: 113200, cash: 5000, result: 13200, openAdvances: [{ regie: 'CM1', amount: 1000 }], unreconciled: [unreconciled] },
      });
      expect(log.notebook(2024)).toMatchObject({ status: 'closed', closing: { closedOn: '2025-09-10', bank: 113200, result: 13200 } });
      const next = log.notebook(2025);
      expect(next.opening).toMatchObject({ bank: 113200, cash: 5000, source: 'previous-year' });
      expect(next.openAdvances).toEqual([{ regie: 'CM1', amount: 1000 }]);
      expect(next.carriedOver[0]).toMatchObject({ entryId: 'e-photos-out', seen: true, statementDate: '2025-09-30' });
    });
  });

  describe('replays', () => {
    function fullLog(): TestLog {
      const log = new TestLog();
      guideYear(log);
      log.append(2024, { type: 'EntryReconciled', data: { entryId: 'e-photos-in', statementDate: '2025-04-30' } });
      log.append(2024, { type: 'CashCounted', data: { countId: 'c1', date: '2025-06-30', counts: { '1000': 5 }, total: 5000 } });
      log.append(2024, { type: 'EntryDeleted', data: { entryId: 'e-mairie', previous: log.notebook(2024).entries.find((e) => e.entryId === 'e-mairie')! } });
      log.append(2025, { type: 'EntryRecorded', data: { entryId: 'n1', ...content('01', '2025-09-05', 'Dons', [debit('512', 60), credit('7580', 60)]) } });
      log.append(2024, { type: 'YearClosed', data: { closedOn: '2025-09-10', bank: 114200, cash: 5000, result: 14200, openAdvances: [], unreconciled: [] } });
      log.append(2025, { type: 'ActivityReported', data: { activity: 'Chorale', text: 'Concert de fin d’année.' } });
      return log;
    }

    /** The runtime's way: one event at a time, each document stored as JSON between events, then read back. */
    async function incrementally(events: RecordedEvent[]): Promise<Map<string, NotebookDoc | null>> {
      const store = new Map<string, Map<string, Doc>>([
        ['notebooks', new Map()],
        ['notebook_entries', new Map()],
        ['notebook_statements', new Map()],
        ['year_facts', new Map()],
        ['quitus_codes', new Map()],
      ]);
      for (const event of events) {
        for (const projection of [notebookProjection, yearFactsProjection])
          for (const ref of projection.keysOf(event)) {
            const next = projection.evolve(store.get(ref.collection)!.get(ref.id) ?? null, event, ref);
            if (next) store.get(ref.collection)!.set(ref.id, JSON.parse(JSON.stringify(next)) as Doc);
          }
      }
      const source = {
        get: async <T extends Doc>(collection: string, id: string) => (store.get(collection)!.get(id) as T | undefined) ?? null,
        find: async <T extends Doc>(collection: string, { where }: { where: Record<string, string> }) =>
          [...(store.get(collection)?.values() ?? [])].filter((doc) => Object.entries(where).every(([field, value]) => doc[field] === value)) as T[],
      };
      const read = new Map<string, NotebookDoc | null>();
      for (const id of [...store.get('notebooks')!.keys()].sort()) {
        const [coopId, year] = id.split(':');
        read.set(id, await readNotebook(source, { coopId, firstYear: 2024 }, Number(year)));
      }
      return read;
    }

    it('a fold of all events equals the documents built one event at a time through a store', async () => {
      const log = fullLog();
      const folded = foldNotebooks(log.events);
      const stored = await incrementally(log.events);
      expect([...stored.keys()]).toEqual(['ecole1:2024', 'ecole1:2025']);
      for (const [id, doc] of stored) expect(doc).toEqual(folded.get(id));
    });

    it('a deleted entry stays a tombstone row, so a replay of its recording does not bring it back', () => {
      const log = fullLog();
      const recording = log.events.find((e) => e.type === 'EntryRecorded' && (e.data as { entryId: string }).entryId === 'e-mairie')!;
      const replayed = foldNotebooks([...log.events, recording]).get('ecole1:2024')!;
      expect(replayed.entries.map((e) => e.entryId)).not.toContain('e-mairie');
      expect(replayed).toEqual(foldNotebooks(log.events).get('ecole1:2024'));
    });

    it('replaying an event already applied changes nothing', () => {
      const log = fullLog();
      const once = foldNotebooks(log.events);
      const twice = foldNotebooks(log.events.flatMap((e) => [e, e]));
      expect(twice).toEqual(once);
    });

    it('any replay of earlier events, at any moment, changes nothing', () => {
      const log = fullLog();
      const expected = foldNotebooks(log.events);
      const n = log.events.length;
      fc.assert(
        fc.property(fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 20 }), (replays) => {
          // After event `at`, the event `which` (if already applied) comes again.
          const sequence = log.events.flatMap((event, at) => [
            event,
            ...replays.filter(([after, which]) => after === at && which <= at).map(([, which]) => log.events[which]),
          ]);
          expect(foldNotebooks(sequence)).toEqual(expected);
        }),
      );
    });

    it('evolve does not change the document it is given', () => {
      const log = fullLog();
      const before = foldNotebooks(log.events.slice(0, 3)).get('ecole1:2024')!;
      const copy = JSON.parse(JSON.stringify(before));
      notebookProjection.evolve(before, log.events[3], { collection: 'notebooks', id: 'ecole1:2024' });
      expect(before).toEqual(copy);
    });
  });
});
