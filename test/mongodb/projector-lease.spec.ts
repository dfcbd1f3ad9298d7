import { MongoClient } from 'mongodb';
import { LEASE_COLLECTION, MongoProjectorLease } from '../../src/projections/mongo-projector-lease';
import { waitUntil } from '../support/spawn';

const mongoUrl = process.env.MONGODB_URL;
const describeMongo: jest.Describe = mongoUrl ? describe : (describe.skip as jest.Describe);
if (!mongoUrl) process.stdout.write('MongoDB projector lease: skipped (MONGODB_URL not set)\n');

jest.setTimeout(30_000);

/** DESIGN.md "Beyond one machine": one projector at a time on MongoDB too, by a lease document. */
describeMongo('the projector lease on MongoDB (a document with a holder and an expiry)', () => {
  const dbName = `cahier_coop_lease_${process.pid}`;
  const leases: MongoProjectorLease[] = [];
  const lease = (ttlMs = 1500): MongoProjectorLease => {
    const made = new MongoProjectorLease(mongoUrl!, dbName, { ttlMs, renewMs: 200 });
    leases.push(made);
    return made;
  };

  afterEach(async () => {
    for (const made of leases.splice(0)) await made.release();
    const client = await MongoClient.connect(mongoUrl!);
    await client.db(dbName).dropDatabase();
    await client.close();
  });

  it('one holder at a time: a second instance does not take it while the first renews it', async () => {
    const [a, b] = [lease(), lease()];
    expect(await a.tryAcquire()).toBe(true);
    expect(await a.tryAcquire()).toBe(true);
    expect(await b.tryAcquire()).toBe(false);
    // Past its first expiry, renewed by its holder: still not free.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await b.tryAcquire()).toBe(false);
  });

  it('released, it is free at once for another instance', async () => {
    const [a, b] = [lease(), lease()];
    expect(await a.tryAcquire()).toBe(true);
    await a.release();
    expect(await b.tryAcquire()).toBe(true);
  });

  it('a holder that stops renewing (killed, stuck) is taken over once its expiry passes', async () => {
    const stuck = new MongoProjectorLease(mongoUrl!, dbName, { ttlMs: 800, renewMs: 60_000 });
    leases.push(stuck);
    const b = lease();
    expect(await stuck.tryAcquire()).toBe(true);
    expect(await b.tryAcquire()).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await b.tryAcquire()).toBe(true);
  });

  it('a holder whose lease another took (after its expiry) learns it at its next renewal and stops holding it', async () => {
    const a = lease();
    const lost: Error[] = [];
    a.onLost((error) => lost.push(error));
    expect(await a.tryAcquire()).toBe(true);
    const client = await MongoClient.connect(mongoUrl!);
    try {
      await client
        .db(dbName)
        .collection<{ _id: string; holder: string; expiresAt: Date }>(LEASE_COLLECTION)
        .updateOne({ _id: 'projector' }, { $set: { holder: 'another instance', expiresAt: new Date(Date.now() + 60_000) } });
    } finally {
      await client.close();
    }
    await waitUntil('the holder to know it lost the lease', 5000, async () => (lost.length > 0 ? true : undefined));
    expect(lost[0].message).toContain('repris par une autre instance');
    expect(await a.tryAcquire()).toBe(false);
  });
});
