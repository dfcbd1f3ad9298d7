import { LRUCache } from 'lru-cache';
import { createHash } from 'node:crypto';
import { type SessionData, Store } from 'express-session';
import { type Clock, systemClock } from '../../domain/fiscal-year';
import { type AccountStore } from '../../users/account-store';

export const SESSIONS = 'sessions';
export const SESSION_COOKIE = 'cahier.sid';
/** Idle time-out: the cookie's maxAge, renewed on every response (rolling); the stored expiry too, within a minute. */
export const SESSION_IDLE_MS = 2 * 60 * 60 * 1000;
/** Absolute time-out, however active the session. */
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60 * 1000;
/**
 * A request renews the stored expiry only when that moves it by at least this much: a burst of
 * reads does not write the session each time. The idle time-out is thus between 1 h 59 and 2 h.
 */
export const SESSION_TOUCH_EVERY_MS = 60 * 1000;
/** Sessions whose stored expiry this process remembers (to skip touches), most recent last. */
const EXPIRIES_KEPT = 10_000;
const PRUNE_EVERY_MS = 10 * 60 * 1000;
const PRUNE_BATCH = 500;

interface SessionDoc extends Record<string, unknown> {
  /** SHA-256 of the session id, also the document id. */
  key: string;
  session: Record<string, unknown>;
  username: string | null;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/**
 * express-session store over the account store, so sessions survive a restart (and a rebuild of
 * the read models) and are shared by every process using the same store. Documents are keyed by a SHA-256 of the session id: reading
 * the database does not hand out live session cookies.
 */
export class AccountSessionStore extends Store {
  private declared?: Promise<void>;
  private lastPrune = 0;
  /**
   * The expiry stored for a session, by key, as this process last read or wrote it. Another
   * process can only have moved it later (a touch) or removed the session (a logout): a touch
   * skipped on this figure leaves at least that expiry, and never revives an ended session.
   */
  private readonly storedExpiries = new LRUCache<string, number>({ max: EXPIRIES_KEPT });

  constructor(
    private readonly store: AccountStore,
    private readonly clock: Clock = systemClock,
  ) {
    super();
  }

  override get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void {
    this.run(async () => {
      const key = keyOf(sid);
      const doc = await this.store.get<SessionDoc>(SESSIONS, key);
      if (!doc) {
        this.storedExpiries.delete(key);
        return null;
      }
      if (doc.expiresAt <= this.now()) {
        this.storedExpiries.delete(key);
        await this.store.remove(SESSIONS, key);
        return null;
      }
      this.remember(key, doc.expiresAt);
      return doc.session as unknown as SessionData;
    }, callback);
  }

  override set(sid: string, session: SessionData, callback?: (err?: unknown) => void): void {
    this.run(async () => {
      await this.write(sid, session);
      await this.pruneNowAndThen();
    }, callback);
  }

  /**
   * Called by express-session after every request on an unchanged session (rolling). Within
   * SESSION_TOUCH_EVERY_MS of the stored expiry, nothing to write: the callback runs at once, and
   * express-session then sends the response in one piece instead of holding its last byte.
   */
  override touch(sid: string, session: SessionData, callback?: (err?: unknown) => void): void {
    const stored = this.storedExpiries.peek(keyOf(sid));
    if (stored !== undefined && this.expiryOf(session) - stored < SESSION_TOUCH_EVERY_MS) {
      callback?.();
      return;
    }
    this.run(() => this.write(sid, session), callback);
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    this.run(async () => {
      await this.ready();
      this.storedExpiries.delete(keyOf(sid));
      await this.store.remove(SESSIONS, keyOf(sid));
    }, callback);
  }

  /** Ends every session of a user, but the one given (a password change from that session). */
  async destroyAllFor(username: string, exceptSid?: string): Promise<number> {
    await this.ready();
    const keep = exceptSid === undefined ? null : keyOf(exceptSid);
    let ended = 0;
    for (const doc of await this.store.find<SessionDoc>(SESSIONS, { where: { username } })) {
      if (doc.key === keep) continue;
      this.storedExpiries.delete(doc.key);
      await this.store.remove(SESSIONS, doc.key);
      ended += 1;
    }
    return ended;
  }

  private async write(sid: string, session: SessionData): Promise<void> {
    await this.ready();
    const key = keyOf(sid);
    const user = (session as { passport?: { user?: { username?: string } } }).passport?.user;
    const doc: SessionDoc = {
      key,
      // Through JSON: the cookie's Date becomes a string, which express-session reads back.
      session: JSON.parse(JSON.stringify(session)) as Record<string, unknown>,
      username: user?.username ?? null,
      expiresAt: this.expiryOf(session),
    };
    await this.store.put(SESSIONS, key, doc);
    this.remember(key, doc.expiresAt);
  }

  private expiryOf(session: SessionData): number {
    return this.now() + (session.cookie.maxAge ?? SESSION_IDLE_MS);
  }

  private remember(key: string, expiresAt: number): void {
    this.storedExpiries.set(key, expiresAt);
  }

  /** Expired sessions are absent anyway; removing them now and then keeps the collection small. */
  private async pruneNowAndThen(): Promise<void> {
    const now = this.now();
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    const oldest = await this.store.find<SessionDoc>(SESSIONS, {
      sort: { field: 'expiresAt', direction: 'asc' },
      limit: PRUNE_BATCH,
    });
    for (const doc of oldest) {
      if (doc.expiresAt > now) break;
      this.storedExpiries.delete(doc.key);
      await this.store.remove(SESSIONS, doc.key);
    }
  }

  private ready(): Promise<void> {
    this.declared ??= this.store.declareCollection(SESSIONS, { indexes: ['username', 'expiresAt'] });
    return this.declared;
  }

  private now(): number {
    return this.clock.now().getTime();
  }

  private run<T>(work: () => Promise<T>, callback?: (err: unknown, value?: T) => void): void {
    this.ready()
      .then(work)
      .then(
        (value) => callback?.(null, value),
        (error: unknown) => callback?.(error),
      );
  }
}

const keyOf = (sid: string): string => createHash('sha256').update(sid).digest('hex');
