import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BlobStore } from '../../src/blobs/blob-store';
import { DiskBlobStore } from '../../src/blobs/disk-blob-store';
import { PostgresBlobStore } from '../../src/blobs/postgres-blob-store';
import { describePostgres, freshDatabase } from '../support/postgres';

const hashOf = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** What every BlobStore does, whatever keeps the bytes. */
function blobStoreContract(open: () => Promise<{ store: BlobStore; close(): Promise<void> }>): void {
  let store: BlobStore;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ store, close } = await open());
  });
  afterEach(() => close());

  it('keeps bytes under their hash and gives back every byte value as written', async () => {
    const bytes = Buffer.from(Array.from({ length: 1024 }, (_, i) => i % 256));
    const sha256 = hashOf(bytes);
    expect(await store.has(sha256)).toBe(false);
    expect(await store.get(sha256)).toBeNull();
    await store.put(sha256, bytes);
    expect(await store.has(sha256)).toBe(true);
    expect((await store.get(sha256))!.equals(bytes)).toBe(true);
  });

  it('keeps the same bytes twice once, and removes them', async () => {
    const bytes = Buffer.from('%PDF-1.4 facture');
    const sha256 = hashOf(bytes);
    await Promise.all([store.put(sha256, bytes), store.put(sha256, bytes)]);
    await store.put(sha256, bytes);
    expect((await store.get(sha256))!.toString()).toBe('%PDF-1.4 facture');
    await store.remove(sha256);
    expect(await store.has(sha256)).toBe(false);
    await store.remove(sha256);
  });

  it('takes no name but a hash: a path or anything else reads nothing and is never written', async () => {
    expect(await store.get('../../etc/passwd')).toBeNull();
    expect(await store.has('health')).toBe(false);
    await expect(store.put('../x', Buffer.from('x'))).rejects.toThrow('not a SHA-256');
  });

  it('answers the health probe when it can write', async () => {
    await expect(store.probeWrite()).resolves.toBeUndefined();
    expect(await store.has('health')).toBe(false);
  });
}

describe('BlobStore on the local disk', () => {
  blobStoreContract(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cahier-blobs-'));
    return { store: new DiskBlobStore(dir), close: async () => rmSync(dir, { recursive: true, force: true }) };
  });
});

describePostgres('BlobStore on PostgreSQL (bytea)', () => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(() => database?.drop());
  blobStoreContract(async () => {
    const store = await PostgresBlobStore.connect(database.url);
    return {
      store,
      close: async () => {
        await store.remove(hashOf(Buffer.from(Array.from({ length: 1024 }, (_, i) => i % 256))));
        await store.close();
      },
    };
  });
});
