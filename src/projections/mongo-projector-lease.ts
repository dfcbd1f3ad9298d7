import { randomUUID } from 'node:crypto';
import { type Collection, MongoClient, MongoServerError } from 'mongodb';
import { type ProjectorLease } from './projector-lease';

/** The lease document's collection, in the read models' database. */
export const LEASE_COLLECTION = '_projector_lease';
const LEASE_ID = 'projector';
const DUPLICATE_KEY = 11000;

interface LeaseDoc {
  _id: string;
  holder: string;
  /** The server's clock: instances' clocks never meet. */
  expiresAt: Date;
}

export interface MongoProjectorLeaseOptions {
  /** How long the lease lasts unless renewed (default 10 s): another instance takes it over after. */
  ttlMs?: number;
  /** How often the holder renews it (default ttl / 4). */
  renewMs?: number;
}

/**
 * The projector's lease on MongoDB: one document (holder, expiry), the expiry on the server's
 * clock (`$$NOW`). The holder renews it every ttl/4; an instance trying takes it when nobody
 * holds it or its expiry passed (a holder killed, cut off, or stuck). A holder that cannot renew
 * (its document taken, or no answer until its own expiry) gives it up, so it stops projecting
 * about when the others may start; the projector's checkpoint guard covers the overlap.
 */
export class MongoProjectorLease implements ProjectorLease {
  private readonly holder = randomUUID();
  private readonly ttlMs: number;
  private readonly renewMs: number;
  private client: MongoClient | null = null;
  private held = false;
  /** performance.now() past which a renewal not yet answered means the lease may be another's. */
  private validUntil = 0;
  private renewal?: NodeJS.Timeout;
  private readonly listeners: Array<(error: Error) => void> = [];

  constructor(
    private readonly url: string,
    private readonly dbName = 'cahier_coop',
    options: MongoProjectorLeaseOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 10_000;
    this.renewMs = options.renewMs ?? Math.floor(this.ttlMs / 4);
  }

  async tryAcquire(): Promise<boolean> {
    if (this.held) return true;
    const asked = performance.now();
    try {
      const taken = await this.extend(await this.leases(), true);
      if (!taken) return false;
      this.held = true;
      this.validUntil = asked + this.ttlMs;
      this.renewal = setInterval(() => void this.renew(), this.renewMs);
      this.renewal.unref();
      return true;
    } catch {
      // The server unreachable, or the lease another's (the upsert met its document): not taken.
      return false;
    }
  }

  onLost(listener: (error: Error) => void): void {
    this.listeners.push(listener);
  }

  async release(): Promise<void> {
    const wasHeld = this.held;
    this.held = false;
    clearInterval(this.renewal);
    this.renewal = undefined;
    const client = this.client;
    this.client = null;
    if (!client) return;
    // Handed over at once rather than at expiry; a failure here leaves it to expire.
    if (wasHeld)
      await client
        .db(this.dbName)
        .collection<LeaseDoc>(LEASE_COLLECTION)
        .deleteOne({ _id: LEASE_ID, holder: this.holder })
        .catch(() => undefined);
    await client.close().catch(() => undefined);
  }

  /**
   * Sets this instance as holder until now + ttl (server time), if it holds the lease already or
   * (`take`) the lease is free or expired. False when another holds it.
   */
  private async extend(leases: Collection<LeaseDoc>, take: boolean): Promise<boolean> {
    const mine = { _id: LEASE_ID, holder: this.holder };
    const filter = take ? { _id: LEASE_ID, $or: [{ holder: this.holder }, { $expr: { $lt: ['$expiresAt', '$$NOW'] } }] } : mine;
    try {
      const result = await leases.updateOne(filter, [{ $set: { holder: this.holder, expiresAt: { $add: ['$$NOW', this.ttlMs] } } }], { upsert: take });
      return result.matchedCount + result.upsertedCount > 0;
    } catch (error) {
      // The upsert of a lease another holds meets its document's _id.
      if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return false;
      throw error;
    }
  }

  private async renew(): Promise<void> {
    if (!this.held) return;
    const asked = performance.now();
    try {
      if (await this.extend(await this.leases(), false)) {
        if (this.held) this.validUntil = asked + this.ttlMs;
        return;
      }
      this.lose(new Error('bail du projecteur repris par une autre instance'));
    } catch (error) {
      // Unanswered renewals: still held until its expiry could have passed, then given up.
      if (performance.now() >= this.validUntil) this.lose(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private lose(error: Error): void {
    if (!this.held) return;
    this.held = false;
    clearInterval(this.renewal);
    this.renewal = undefined;
    for (const listener of this.listeners) listener(error);
  }

  private async leases(): Promise<Collection<LeaseDoc>> {
    if (!this.client) {
      const client = new MongoClient(this.url, { serverSelectionTimeoutMS: 5000 });
      await client.connect();
      if (this.client) await client.close();
      else this.client = client;
    }
    return this.client.db(this.dbName).collection<LeaseDoc>(LEASE_COLLECTION);
  }
}
