import { createHash } from 'node:crypto';
import { SessionData, Store } from 'express-session';
import { Clock, systemClock } from '../../domain/fiscal-year';
import { ReadStore } from '../../projections/read-store';

export const SESSIONS = 'sessions';
export const SESSION_COOKIE = 'cahier.sid';
/** Idle time-out: the cookie's maxAge, renewed on every response (rolling). */
export const SESSION_IDLE_MS = 2 * 60 * 60 * 1000;
/** Absolute time-out, however active the session. */
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60 * 1000;
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
 * express-session store over the read store, so sessions survive a restart and are shared by
 * every process using the same store. Documents are keyed by a SHA-256 of the session id: reading
 * the database does not hand out live session cookies.
 */
export class ReadStoreSessionStore extends Store {
  private declared?: Promise<void>;
  private lastPrune = 0;

  constructor(
    private readonly store: ReadStore,
    private readonly clock: Clock = systemClock,
  ) {
    super();
  }

  override get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void {
    this.run(async () => {
      const doc = await this.store.get<SessionDoc>(SESSIONS, keyOf(sid));
      if (!doc) return null;
      if (doc.expiresAt <= this.now()) {
        await this.store.remove(SESSIONS, keyOf(sid));
        return null;
      }
      return doc.session as unknown as SessionData;
    }, callback);
  }

  override set(sid: string, session: SessionData, callback?: (err?: unknown) => void): void {
    this.run(async () => {
      await this.write(sid, session);
      await this.pruneNowAndThen();
    }, callback);
  }

  override touch(sid: string, session: SessionData, callback?: (err?: unknown) => void): void {
    this.run(() => this.write(sid, session), callback);
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    this.run(async () => {
      await this.ready();
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
      expiresAt: this.now() + (session.cookie.maxAge ?? SESSION_IDLE_MS),
    };
    await this.store.put(SESSIONS, key, doc);
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
