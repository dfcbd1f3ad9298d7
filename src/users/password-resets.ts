import { createHash, randomBytes } from 'node:crypto';
import { type Clock, systemClock } from '../domain/fiscal-year';
import { type AccountStore } from './account-store';

export const PASSWORD_RESETS = 'password_resets';
/** A reset link is good for one hour, once. */
export const RESET_VALID_MS = 60 * 60 * 1000;

interface ResetDoc extends Record<string, unknown> {
  username: string;
  expiresAt: number;
  used: boolean;
}

const keyOf = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** Password reset links: only the SHA-256 of a token is stored, so reading the store gives no link. */
export class PasswordResets {
  private declared?: Promise<void>;

  constructor(
    private readonly store: AccountStore,
    private readonly clock: Clock = systemClock,
  ) {}

  private async ready(): Promise<void> {
    this.declared ??= this.store.declareCollection(PASSWORD_RESETS, { indexes: ['username'] });
    await this.declared;
  }

  /** A new link's token for the user. */
  async issue(username: string): Promise<string> {
    await this.ready();
    const token = randomBytes(32).toString('base64url');
    await this.store.put(PASSWORD_RESETS, keyOf(token), { username, expiresAt: this.clock.now().getTime() + RESET_VALID_MS, used: false } satisfies ResetDoc);
    return token;
  }

  /** The user a live token resets, or null (unknown, used or older than an hour). */
  async holder(token: string): Promise<string | null> {
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
    await this.ready();
    const doc = await this.store.get<ResetDoc>(PASSWORD_RESETS, keyOf(token));
    return doc && !doc.used && doc.expiresAt > this.clock.now().getTime() ? doc.username : null;
  }

  async spend(token: string): Promise<void> {
    const doc = await this.store.get<ResetDoc>(PASSWORD_RESETS, keyOf(token));
    if (doc) await this.store.put(PASSWORD_RESETS, keyOf(token), { ...doc, used: true });
  }
}
