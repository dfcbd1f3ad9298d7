import { randomUUID } from 'node:crypto';
import { type AccountStore } from '../../users/account-store';
import { type SharedFailures } from './login-throttle';

export const LOGIN_FAILURES = 'login_failures';
const PRUNE_EVERY_MS = 10 * 60 * 1000;
const PRUNE_BATCH = 500;

interface FailureDoc extends Record<string, unknown> {
  /** The document's own id (find answers documents, not ids). */
  id: string;
  /** The throttle's counter ("pair:…", "device:…", "untrusted:…"): a value, never a document key. */
  key: string;
  /** Epoch milliseconds. */
  at: number;
}

/**
 * Login failures in the account store, one document per failure (two instances failing at once
 * add two, neither overwrites the other); those older than the throttle's window are pruned now
 * and then, as sessions are.
 */
export class AccountLoginFailures implements SharedFailures {
  private declared?: Promise<void>;
  private lastPrune = 0;

  constructor(
    private readonly store: AccountStore,
    private readonly windowMs: number,
    /** Another throttle's failures (password-reset requests) live in a collection of their own. */
    private readonly collection = LOGIN_FAILURES,
  ) {}

  async recent(keys: string[], since: number): Promise<Map<string, number[]>> {
    await this.ready();
    const recent = new Map<string, number[]>();
    for (const key of keys) {
      const docs = await this.store.find<FailureDoc>(this.collection, { where: { key } });
      const times = docs
        .map((d) => d.at)
        .filter((at) => at > since)
        .sort((a, b) => a - b);
      if (times.length) recent.set(key, times);
    }
    return recent;
  }

  async record(keys: string[], at: number): Promise<void> {
    await this.ready();
    for (const key of keys) {
      const id = randomUUID();
      await this.store.put(this.collection, id, { id, key, at } satisfies FailureDoc);
    }
    await this.pruneNowAndThen(at);
  }

  async forget(keys: string[]): Promise<void> {
    await this.ready();
    for (const key of keys) {
      for (const doc of await this.store.find<FailureDoc>(this.collection, { where: { key } })) await this.store.remove(this.collection, doc.id);
    }
  }

  private async pruneNowAndThen(now: number): Promise<void> {
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    const oldest = await this.store.find<FailureDoc>(this.collection, { sort: { field: 'at', direction: 'asc' }, limit: PRUNE_BATCH });
    for (const doc of oldest) {
      if (doc.at > now - this.windowMs) break;
      await this.store.remove(this.collection, doc.id);
    }
  }

  private ready(): Promise<void> {
    this.declared ??= this.store.declareCollection(this.collection, { indexes: ['key', 'at'] });
    return this.declared;
  }
}
