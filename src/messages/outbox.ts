import { randomUUID } from 'node:crypto';
import { type Clock, systemClock } from '../domain/fiscal-year';
import { type Mailer } from './mailer';
import { type MessageStore, type NewMessage, type StoredMessage } from './message-store';

/** Waits before the next attempt after each failure; one attempt more than waits, then "failed". */
export const RETRY_DELAYS_MS = [60_000, 5 * 60_000, 15 * 60_000, 60 * 60_000];
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
/** How long one process holds a message it is sending (a crashed holder lets it go after this). */
const HOLD_MS = 2 * 60_000;
const BATCH = 50;

/**
 * Every message goes through here: recorded first (kept), then handed to the mail server when one
 * is configured — right away in the background, and again by the schedule after a failure until
 * MAX_ATTEMPTS, when it is marked failed for the AD and the admin to see. Without a server the
 * message stays kept in the outbox, readable in the app: nothing is lost.
 */
export class Outbox {
  private readonly holder = randomUUID();
  private running: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly store: MessageStore,
    private readonly mailer: Mailer,
    private readonly clock: Clock = systemClock,
  ) {}

  get sending(): boolean {
    return this.mailer.configured;
  }

  /** Records the message (null when its cause was already recorded) and starts its delivery. */
  async post(message: NewMessage): Promise<StoredMessage | null> {
    const now = this.clock.now();
    const stored = await this.store.record({
      ...message,
      messageId: randomUUID(),
      at: now.toISOString(),
      nextAttemptAt: this.mailer.configured ? now.getTime() : null,
    });
    if (stored) void this.deliverDue().catch(() => undefined);
    return stored;
  }

  /**
   * Sends every message whose attempt is due; one run at a time in this process (a call during a
   * run asks for one more run after it, and resolves when that is done).
   */
  deliverDue(): Promise<void> {
    if (!this.mailer.configured) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.deliverBatch();
        } while (this.again);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  private async deliverBatch(): Promise<void> {
    const now = this.clock.now().getTime();
    for (const message of await this.store.due(now, BATCH)) {
      if (!(await this.store.takeForDelivery(message.messageId, this.holder, now, now + HOLD_MS))) continue;
      await this.attempt(message);
    }
  }

  private async attempt(message: StoredMessage): Promise<void> {
    const attempts = message.attempts + 1;
    try {
      await this.mailer.send({ to: message.to, subject: message.subject, text: message.text });
      await this.store.settle(message.messageId, { status: 'sent', attempts, nextAttemptAt: null, lastError: null, sentAt: this.clock.now().toISOString() });
    } catch (error) {
      const lastError = (error instanceof Error ? error.message : String(error)).slice(0, 500);
      const gaveUp = attempts >= MAX_ATTEMPTS;
      await this.store.settle(message.messageId, {
        status: gaveUp ? 'failed' : 'kept',
        attempts,
        nextAttemptAt: gaveUp ? null : this.clock.now().getTime() + RETRY_DELAYS_MS[attempts - 1],
        lastError,
      });
    }
  }
}
