import { CheckpointMoved, type Doc, type DocDelete, type DocWrite, type ReadStore } from '../../src/projections/read-store';

/** A fresh, empty store and how to dispose of it (close, remove the file or database). */
export interface ContractStore {
  store: ReadStore;
  dispose(): Promise<void>;
}

const pupils = (n: number): Array<{ id: string; doc: Doc }> =>
  Array.from({ length: n }, (_, i) => ({
    id: `p${String(i).padStart(2, '0')}`,
    doc: { name: `Élève ${i}`, classe: i % 2 === 0 ? 'CP' : 'CE1', rank: (i * 7) % 10, active: i % 3 !== 0, notes: { i } },
  }));

/**
 * The behaviour every ReadStore adapter must have, whatever the engine. Run it with a factory
 * that yields an empty store each time.
 */
export function readStoreContract(name: string, makeStore: () => Promise<ContractStore>): void {
  describe(`ReadStore contract: ${name}`, () => {
    let subject: ContractStore;
    let store: ReadStore;

    beforeEach(async () => {
      subject = await makeStore();
      store = subject.store;
      await store.declareCollection('pupils', { indexes: ['classe', 'rank', 'active'] });
      await store.declareCollection('users', { indexes: ['role'] });
    });

    afterEach(async () => {
      await subject.dispose();
    });

    /** One projection's batch alone. */
    const applyBatch = (projection: string, upserts: DocWrite[], deletes: DocDelete[], checkpoint: bigint): Promise<void> =>
      store.applyBatches([{ projection, upserts, deletes, checkpoint }]);

    const seed = async (n = 10, checkpoint = 1n): Promise<void> => {
      const upserts = pupils(n).map((p) => ({ collection: 'pupils', ...p }));
      await applyBatch('pupils-projection', upserts, [], checkpoint);
    };

    it('gets documents by id, null when absent', async () => {
      await seed(3);
      expect(await store.get('pupils', 'p01')).toEqual(pupils(3)[1].doc);
      expect(await store.get('pupils', 'nobody')).toBeNull();
    });

    it('declaring a collection again is harmless and keeps its documents', async () => {
      await seed(3);
      await store.declareCollection('pupils', { indexes: ['classe', 'rank', 'active'] });
      expect(await store.count('pupils')).toBe(3);
    });

    it('finds with equality on index fields, including booleans', async () => {
      await seed(10);
      const cp = await store.find('pupils', { where: { classe: 'CP' } });
      expect(cp.map((d) => d.name).sort()).toEqual(['Élève 0', 'Élève 2', 'Élève 4', 'Élève 6', 'Élève 8']);
      const activeCp = await store.find('pupils', { where: { classe: 'CP', active: true } });
      expect(activeCp.map((d) => d.name).sort()).toEqual(['Élève 2', 'Élève 4', 'Élève 8']);
      expect(await store.find('pupils', { where: { classe: 'CM2' } })).toEqual([]);
    });

    it('sorts ascending and descending, ties broken by id, then pages with limit and skip', async () => {
      await seed(10);
      const expected = pupils(10)
        .sort((a, b) => (a.doc.rank as number) - (b.doc.rank as number) || a.id.localeCompare(b.id))
        .map((p) => p.doc.name);
      const asc = await store.find('pupils', { sort: { field: 'rank', direction: 'asc' } });
      expect(asc.map((d) => d.name)).toEqual(expected);
      const desc = await store.find('pupils', { sort: { field: 'rank', direction: 'desc' } });
      expect(desc.map((d) => d.name)).toEqual([...expected].reverse());
      const page = await store.find('pupils', { sort: { field: 'rank', direction: 'asc' }, skip: 3, limit: 4 });
      expect(page.map((d) => d.name)).toEqual(expected.slice(3, 7));
      const filteredPage = await store.find('pupils', { where: { classe: 'CE1' }, sort: { field: 'rank', direction: 'desc' }, limit: 2 });
      expect(filteredPage.map((d) => d.rank)).toEqual([9, 7]);
    });

    it('counts, with and without a filter', async () => {
      await seed(10);
      expect(await store.count('pupils')).toBe(10);
      expect(await store.count('pupils', { classe: 'CE1' })).toBe(5);
      expect(await store.count('pupils', { classe: 'CE1', rank: 7 })).toBe(1);
    });

    it('matches a missing or null index field with null', async () => {
      await store.put('users', 'u1', { login: 'ana', role: null });
      await store.put('users', 'u2', { login: 'bob' });
      await store.put('users', 'u3', { login: 'cyd', role: 'admin' });
      const noRole = await store.find('users', { where: { role: null } });
      expect(noRole.map((d) => d.login).sort()).toEqual(['ana', 'bob']);
    });

    it('refuses undeclared collections and non-index fields with a clear error', async () => {
      await expect(store.get('ghosts', 'x')).rejects.toThrow(/ghosts.*not declared/);
      await expect(store.find('pupils', { where: { name: 'x' } })).rejects.toThrow(/"name" is not a declared index/);
      await expect(store.find('pupils', { sort: { field: 'name', direction: 'asc' } })).rejects.toThrow(/"name" is not a declared index/);
      await expect(store.put('ghosts', 'x', {})).rejects.toThrow(/ghosts.*not declared/);
    });

    it('leaves an undefined field out of the stored document, as JSON does (not null): a replay compares equal', async () => {
      await applyBatch(
        'pupils-projection',
        [{ collection: 'pupils', id: 'u1', doc: { name: 'Léa', classe: 'CP', rank: 1, active: true, note: undefined } }],
        [],
        1n,
      );
      await store.put('users', 'u2', { role: 'auditor', device: undefined });
      const stored = await store.get('pupils', 'u1');
      expect(stored).toEqual({ name: 'Léa', classe: 'CP', rank: 1, active: true });
      expect(Object.keys(stored!)).not.toContain('note');
      expect(Object.keys((await store.get('users', 'u2'))!)).toEqual(['role']);
    });

    it('writes upserts, deletes and the checkpoint of a batch together', async () => {
      await seed(3, 10n);
      await applyBatch(
        'pupils-projection',
        [{ collection: 'pupils', id: 'p00', doc: { name: 'changed', classe: 'CP', rank: 0, active: true } }],
        [{ collection: 'pupils', id: 'p01' }],
        20n,
      );
      expect(await store.getCheckpoint('pupils-projection')).toBe(20n);
      expect((await store.get('pupils', 'p00'))?.name).toBe('changed');
      expect(await store.get('pupils', 'p01')).toBeNull();
    });

    it('writes the batches of several projections in one transaction: one failing writes none of them', async () => {
      await seed(3, 10n);
      await store.applyBatches([
        { projection: 'pupils-projection', upserts: [{ collection: 'pupils', id: 'p00', doc: { name: 'both' } }], deletes: [], checkpoint: 11n },
        { projection: 'users-projection', upserts: [{ collection: 'users', id: 'u1', doc: { role: 'admin' } }], deletes: [], checkpoint: 11n },
      ]);
      expect(await store.getCheckpoint('pupils-projection')).toBe(11n);
      expect(await store.getCheckpoint('users-projection')).toBe(11n);
      const before = await store.find('pupils');
      await expect(
        store.applyBatches([
          { projection: 'pupils-projection', upserts: [{ collection: 'pupils', id: 'p01', doc: { name: 'lost' } }], deletes: [], checkpoint: 12n },
          { projection: 'users-projection', upserts: [{ collection: 'ghosts', id: 'x', doc: {} }], deletes: [], checkpoint: 12n },
        ]),
      ).rejects.toThrow(/ghosts/);
      expect(await store.find('pupils')).toEqual(before);
      expect(await store.getCheckpoint('pupils-projection')).toBe(11n);
      expect(await store.getCheckpoint('users-projection')).toBe(11n);
    });

    it('a batch failing on an undeclared collection in the middle writes nothing', async () => {
      await seed(3, 10n);
      const before = await store.find('pupils');
      const upserts = [
        { collection: 'pupils', id: 'p00', doc: { name: 'changed' } },
        { collection: 'ghosts', id: 'x', doc: {} },
        { collection: 'pupils', id: 'p99', doc: { name: 'new' } },
      ];
      await expect(applyBatch('pupils-projection', upserts, [{ collection: 'pupils', id: 'p01' }], 20n)).rejects.toThrow(/ghosts/);
      expect(await store.find('pupils')).toEqual(before);
      expect(await store.getCheckpoint('pupils-projection')).toBe(10n);
    });

    it('a batch failing on a document that cannot be serialized leaves documents and checkpoint as before', async () => {
      await seed(3, 10n);
      const before = await store.find('pupils');
      const cyclic: Doc = {};
      cyclic.self = cyclic;
      await expect(
        applyBatch(
          'pupils-projection',
          [
            { collection: 'pupils', id: 'p02', doc: { name: 'changed' } },
            { collection: 'pupils', id: 'bad', doc: cyclic },
          ],
          [{ collection: 'pupils', id: 'p00' }],
          20n,
        ),
      ).rejects.toThrow();
      expect(await store.find('pupils')).toEqual(before);
      expect(await store.getCheckpoint('pupils-projection')).toBe(10n);
    });

    it('applying the same batch again gives the same state', async () => {
      await seed(5, 7n);
      const batch = [{ collection: 'pupils', id: 'p01', doc: { name: 'renamed', classe: 'CP', rank: 3, active: false } }];
      const deletes = [{ collection: 'pupils', id: 'p02' }];
      await applyBatch('pupils-projection', batch, deletes, 8n);
      const once = await store.find('pupils');
      await applyBatch('pupils-projection', batch, deletes, 8n);
      expect(await store.find('pupils')).toEqual(once);
      expect(await store.count('pupils')).toBe(4);
      expect(await store.getCheckpoint('pupils-projection')).toBe(8n);
    });

    it('deletes documents, and deleting an absent one is harmless', async () => {
      await seed(3);
      await applyBatch(
        'pupils-projection',
        [],
        [
          { collection: 'pupils', id: 'p00' },
          { collection: 'pupils', id: 'none' },
        ],
        2n,
      );
      expect(await store.get('pupils', 'p00')).toBeNull();
      expect(await store.count('pupils')).toBe(2);
    });

    it('keeps one checkpoint per projection, null before the first batch', async () => {
      expect(await store.getCheckpoint('pupils-projection')).toBeNull();
      await seed(1, 5n);
      await applyBatch('other', [], [], 9n);
      expect(await store.getCheckpoint('pupils-projection')).toBe(5n);
      expect(await store.getCheckpoint('other')).toBe(9n);
    });

    it('round-trips a checkpoint above 2^53 exactly', async () => {
      const huge = 2n ** 53n + 12345n;
      await applyBatch('pupils-projection', [], [], huge);
      expect(await store.getCheckpoint('pupils-projection')).toBe(huge);
      const beyondInt64 = 2n ** 64n - 1n;
      await applyBatch(
        'pupils-projection',
        pupils(1).map((p) => ({ collection: 'pupils', ...p })),
        [],
        beyondInt64,
      );
      expect(await store.getCheckpoint('pupils-projection')).toBe(beyondInt64);
      expect(await store.count('pupils')).toBe(1);
    });

    it('resets a projection: its documents and checkpoint go, other collections stay', async () => {
      await seed(4, 3n);
      await store.put('users', 'u1', { login: 'ana', role: 'admin' });
      await applyBatch('other', [], [], 9n);
      await store.resetProjection('pupils-projection', ['pupils']);
      expect(await store.count('pupils')).toBe(0);
      expect(await store.getCheckpoint('pupils-projection')).toBeNull();
      expect(await store.getCheckpoint('other')).toBe(9n);
      expect(await store.get('users', 'u1')).toEqual({ login: 'ana', role: 'admin' });
      await seed(2, 4n);
      expect(await store.count('pupils')).toBe(2);
    });

    it('puts and removes documents directly', async () => {
      await store.put('users', 'ana', { login: 'ana', role: 'mandataire', hash: 'x' });
      await store.put('users', 'ana', { login: 'ana', role: 'treasurer', hash: 'y' });
      expect(await store.get('users', 'ana')).toEqual({ login: 'ana', role: 'treasurer', hash: 'y' });
      expect(await store.count('users', { role: 'treasurer' })).toBe(1);
      await store.remove('users', 'ana');
      expect(await store.get('users', 'ana')).toBeNull();
      await store.remove('users', 'ana');
    });

    it('switches a rebuilt twin in: its documents, indexes and checkpoint replace the live ones, and the twin is gone', async () => {
      const spec = { indexes: ['classe', 'rank', 'active'] };
      await seed(3, 5n);
      await store.declareCollection('pupils__rebuilt', spec);
      const rebuilt = { name: 'Élève 9', classe: 'CP', rank: 1, active: true };
      await applyBatch('pupils-projection__rebuilt', [{ collection: 'pupils__rebuilt', id: 'p09', doc: rebuilt }], [], 7n);

      await store.switchProjections([
        { projection: 'pupils-projection', rebuilt: 'pupils-projection__rebuilt', collections: [{ live: 'pupils', rebuilt: 'pupils__rebuilt' }] },
      ]);

      expect(await store.find('pupils')).toEqual([rebuilt]);
      expect(await store.find('pupils', { where: { classe: 'CP' }, sort: { field: 'rank', direction: 'asc' } })).toEqual([rebuilt]);
      expect(await store.getCheckpoint('pupils-projection')).toBe(7n);
      expect(await store.getCheckpoint('pupils-projection__rebuilt')).toBeNull();
      expect(await store.get('users', 'nobody')).toBeNull();
      // Declared again (the next start), then rebuilt alongside again: the same collections serve.
      await store.declareCollection('pupils', spec);
      await store.declareCollection('pupils__rebuilt', spec);
      await store.resetProjection('pupils-projection__rebuilt', ['pupils__rebuilt']);
      expect(await store.count('pupils')).toBe(1);
      expect(await store.count('pupils__rebuilt')).toBe(0);
    });

    it('refuses a batch that continues from another checkpoint than the stored one, writing nothing of it', async () => {
      await seed(3, 5n);
      const write = { collection: 'pupils', id: 'p50', doc: { name: 'Élève 50', classe: 'CP', rank: 0, active: true } };

      const refused = await store
        .applyBatches([
          { projection: 'pupils-projection', upserts: [write], deletes: [], checkpoint: 9n, after: 4n },
          { projection: 'other-projection', upserts: [], deletes: [], checkpoint: 9n, after: null },
        ])
        .catch((error: unknown) => error);

      expect(refused).toBeInstanceOf(CheckpointMoved);
      expect(refused).toMatchObject({ projection: 'pupils-projection', expected: 4n, stored: 5n });
      expect(await store.get('pupils', 'p50')).toBeNull();
      expect(await store.getCheckpoint('pupils-projection')).toBe(5n);
      expect(await store.getCheckpoint('other-projection')).toBeNull();
      await store.applyBatches([
        { projection: 'pupils-projection', upserts: [write], deletes: [], checkpoint: 9n, after: 5n },
        { projection: 'other-projection', upserts: [], deletes: [], checkpoint: 9n, after: null },
      ]);
      expect(await store.get('pupils', 'p50')).toEqual(write.doc);
      expect(await store.getCheckpoint('other-projection')).toBe(9n);
    });

    it('answers ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
