/**
 * A bound on password hashing at once. scrypt with N=2^17 takes 128 MiB and a core for a good
 * fraction of a second: 200 concurrent logins would take gigabytes and starve everything else.
 * A few hash at a time (the pool), a few more wait their turn (the queue), and the rest are
 * refused at once with HashingBusy (503 with Retry-After): better a "try again" than a stall.
 */
export interface HashingLimits {
  /** Hashes computed at the same time. */
  concurrent: number;
  /** Hashes waiting for a place; beyond, HashingBusy. */
  queued: number;
}

export const DEFAULT_HASHING: HashingLimits = { concurrent: 2, queued: 8 };

export class HashingBusy extends Error {
  constructor(readonly retryAfterSeconds = 2) {
    super('password hashing is at capacity');
  }
}

export class HashingPool {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limits: HashingLimits = DEFAULT_HASHING) {}

  /** Runs `hash` when a place is free; throws HashingBusy when the queue is full too. */
  async run<T>(hash: () => Promise<T>): Promise<T> {
    if (this.running >= this.limits.concurrent) {
      if (this.waiting.length >= this.limits.queued) throw new HashingBusy();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running += 1;
    }
    try {
      return await hash();
    } finally {
      // The place passes to the next in line, or is freed.
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}
